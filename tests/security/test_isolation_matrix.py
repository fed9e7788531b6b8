"""The isolation matrix: every route of the URL map (web and API), every method, every role in
every relation to a victim unit (self, parent, child, sibling, unrelated), against the victim's
real objects.

* Whoever may not read an object gets 404 for it, whatever the method, never a canary of the
  victim in the answer, and no row of the database changes.
* Whoever may read it gets something else than 404 (and someone gets a 2xx or 3xx answer for
  every page); roles that may only read (viewers, units below) change nothing.
* Every change that does happen is audited; the world is put back after it.
* Lists and pages without a path parameter never show a canary to someone who may not read it,
  and writes aimed at the victim from outside leave the victim's rows as they were.

A route the registry cannot build a case for fails :func:`test_every_route_has_a_case`, naming
the line to add in ``tests/security/registry.py``.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from core.testing.fixtures import csrf_token_from
from core.users.roles import ROLES, VIEWER
from migrations.models import target_metadata

from .registry import (
    BODIES,
    BODY_VISIBILITY,
    CLUSTER,
    COLLECTION_BODIES,
    OPENNESS,
    PARAMETERS,
    PERIOD,
    PUBLIC,
    QUERIES,
    SUBTREE,
    UNIT,
    USER,
)
from .world import (
    ACTORS,
    OWNER,
    PASSWORD,
    RELATIONS,
    VOLATILE_COLUMNS,
    ChangeDetector,
    Victim,
    actor,
    audit_length,
    build_victim,
    raw_rows,
    restore,
    security_app,
    snapshot,
)

REGISTRY_FILE = "tests/security/registry.py"
SESSION_COOKIE = "thidua_session"
# Changes no audit entry is expected for: a notice marked read is the reader's own bookkeeping.
UNAUDITED = {"notification": {"read_at"}}
ARGUMENT = re.compile(r"<(?:[a-zA-Z_][a-zA-Z0-9_]*(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_]\w*)>")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Flask answers OPTIONS from the URL map alone, the same for any id: nothing to learn from it.
SKIPPED_METHODS = frozenset({"OPTIONS"})
# HEAD is GET without a body; it is sent as the actors who must get 404 (the isolation cases).
HEAD_RELATIONS = frozenset({"sibling", "unrelated"})
# Canaries and who may read each: the victim's notice and job are its owner's alone.
CANARY_VISIBILITY = {"notice": USER, "job": USER, "period-title": PERIOD, "tenant-name": PERIOD,
                     "cluster": CLUSTER}
UPLOADS = {
    "api.upload_evidence", "web.report_evidence_upload", "api.upload_report_xlsx", "web.report_excel_upload",
}


def readers(visibility: str) -> frozenset[str]:
    """Actors who may read an object of this visibility."""
    if visibility == PUBLIC:
        return frozenset(ACTORS)
    if visibility == USER:
        return frozenset({OWNER})
    if visibility in (SUBTREE, CLUSTER):
        subtree = {actor(relation, role) for relation in ("self", "parent")
                   for role in ("reviewer", "admin", VIEWER)}
        if visibility == CLUSTER:
            subtree |= {actor("child", role) for role in ROLES}  # the member unit's staff
        return frozenset(subtree)
    unit = {actor("self", role) for role in ROLES}
    unit |= {actor("parent", role) for role in ("reviewer", "admin", VIEWER)}
    if visibility == PERIOD:
        unit |= {actor("child", role) for role in ROLES}
    return frozenset(unit)


def writers(visibility: str) -> frozenset[str]:
    """Actors whose role may change such an object: readers less viewers and units below."""
    return frozenset(name for name in readers(visibility)
                     if not name.endswith("_" + VIEWER) and not name.startswith("child_"))


def path_parameters(rule: Rule) -> list[str]:
    return [m.group("name") for m in ARGUMENT.finditer(rule.rule)]


def route_visibility(rule: Rule, method: str) -> str:
    known = [PARAMETERS[name].visibility for name in path_parameters(rule)]
    if method in ("GET", "HEAD") and rule.endpoint in QUERIES:
        known.append(QUERIES[rule.endpoint].visibility)
    if method in WRITE_METHODS and rule.endpoint in BODY_VISIBILITY:
        known.append(BODY_VISIBILITY[rule.endpoint])
    return min(known, key=OPENNESS.index) if known else PUBLIC


def cases(app: Flask) -> list[tuple[Rule, str]]:
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            found.append((rule, method))
    return found


def missing_cases(app: Flask) -> list[str]:
    problems = []
    for rule, method in cases(app):
        for name in path_parameters(rule):
            if name not in PARAMETERS:
                problems.append(
                    f"{method} {rule.rule} ({rule.endpoint}): path parameter <{name}> has no entry; add "
                    f'"{name}": Param(lambda v: <the victim\'s {name}>, UNIT|SUBTREE|PERIOD|USER|PUBLIC) to '
                    f"PARAMETERS in {REGISTRY_FILE}"
                )
        if method in WRITE_METHODS and not path_parameters(rule) and rule.endpoint not in COLLECTION_BODIES:
            problems.append(
                f"{method} {rule.rule} ({rule.endpoint}): a write without a path parameter needs a body "
                f'aimed at the victim; add "{rule.endpoint}": lambda v: {{...}} (or None) to '
                f"COLLECTION_BODIES in {REGISTRY_FILE}"
            )
    return sorted(set(problems))


# The world, the clients


@pytest.fixture(scope="module")
def victim(thidua_database_url, tmp_path_factory):
    with security_app(thidua_database_url, tmp_path_factory.mktemp("matrix")) as app:
        victim = build_victim(app)
        yield victim
        victim.db.close()


@dataclass
class Actor:
    """One signed-in account. The API is called with the same session cookie (and the CSRF header
    on writes) as the pages: a bearer token would write its last use on every call, and the
    matrix wants a database that only moves when a request changes something."""

    name: str
    client: FlaskClient
    csrf: str


@pytest.fixture(scope="module")
def actors(victim: Victim) -> dict[str, Actor]:
    found = {}
    for name in ACTORS:
        web = victim.app.test_client()
        page = web.get("/login")
        signed_in = web.post("/login", data={"username": name.replace("_", "-"), "password": PASSWORD,
                                             "csrf_token": csrf_token_from(page.get_data(as_text=True))})
        assert signed_in.status_code == 302, (name, signed_in.status_code)
        token = csrf_token_from(web.get("/").get_data(as_text=True))
        found[name] = Actor(name, web, token)
    return found


# One request


def url_for_case(victim: Victim, rule: Rule, method: str, values: dict[str, str]) -> str:
    url = ARGUMENT.sub(lambda m: values[m.group("name")], rule.rule)
    if method in ("GET", "HEAD") and rule.endpoint in QUERIES:
        url += "?" + urlencode(QUERIES[rule.endpoint].build(victim))
    return url


def body_for(victim: Victim, endpoint: str) -> Any:
    if endpoint in UPLOADS:
        return {"file": (io.BytesIO(b"Bien ban bo sung\n"), "bo-sung.txt"), "criterion": "rpt.safety.staff"}
    if endpoint in BODIES:
        return BODIES[endpoint](victim)
    if endpoint in COLLECTION_BODIES:
        return COLLECTION_BODIES[endpoint](victim)
    return None


def send(who: Actor, rule: Rule, method: str, url: str, body: Any):
    client = who.client
    if method not in WRITE_METHODS:
        return client.open(url, method=method)
    headers = {"X-CSRFToken": who.csrf}
    # A write may end or change the session (logout, switching unit): the next case starts from
    # the same cookie.
    cookie = client.get_cookie(SESSION_COOKIE)
    try:
        if rule.endpoint.startswith("api.") and rule.endpoint not in UPLOADS:
            return client.open(url, method=method, json=body, headers=headers)
        return client.open(url, method=method, data=body or {}, headers=headers)
    finally:
        client.set_cookie(SESSION_COOKIE, cookie.value)


# Comparing the database


def changed_rows(before: dict, after: dict) -> dict[str, set]:
    changes = {}
    for table in before:
        keys = {k for k in before[table].keys() | after[table].keys()
                if before[table].get(k) != after[table].get(k)}
        if keys:
            changes[table] = keys
    return changes


def victim_owned(victim: Victim, table: str, row: dict, who: str) -> bool:
    """Whether a row belongs to the victim unit or one of its accounts (the actor's own account
    aside: signing out changes one's own row)."""
    users = {u.id for name, u in victim.users.items() if name.startswith("self_") and name != who}
    if table == "tenant":
        return row.get("id") == victim.tenant.id
    if table == "user_account":
        return row.get("id") in users
    return (row.get("tenant_id") == victim.tenant.id or row.get("owner_tenant_id") == victim.tenant.id
            or row.get("user_id") in users or row.get("created_by_id") in users)


@dataclass
class Matrix:
    victim: Victim
    actors: dict[str, Actor]
    detector: ChangeDetector
    baseline_rows: dict = field(default_factory=dict)
    baseline: dict = field(default_factory=dict)
    baseline_audit: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    count: int = 0
    restores: int = 0

    def fail(self, who: str, method: str, url: str, problem: str) -> None:
        self.failures.append(f"{who:18} {method:6} {url}: {problem}")

    def leaks(self, text: str, who: str) -> list[str]:
        found = []
        for name, value in self.victim.canaries.items():
            visibility = CANARY_VISIBILITY.get(name, UNIT)
            if value in text and who not in readers(visibility):
                found.append(name)
        return found

    def run(self, rule: Rule, method: str, who: str, values: dict[str, str]) -> int:
        url = url_for_case(self.victim, rule, method, values)
        is_write = method in WRITE_METHODS
        response = send(self.actors[who], rule, method, url, body_for(self.victim, rule.endpoint)
                         if is_write else None)
        status = response.status_code
        self.count += 1
        self.statuses[status] += 1
        text = response.get_data().decode("utf-8", errors="replace")
        visibility = route_visibility(rule, method)
        has_params = bool(path_parameters(rule))
        # A read whose query string names the victim's object (a dashboard's scope, a list's
        # owner) is held to the same 404 as an id in the path, unless what it names is public.
        names_victim = has_params or (method in ("GET", "HEAD") and rule.endpoint in QUERIES
                                      and visibility != PUBLIC)
        if status >= 500:
            self.fail(who, method, url, f"server error {status}")
        if response.headers.get("Content-Type", "").lower().count("charset") > 1:
            self.fail(who, method, url, f"Content-Type {response.headers['Content-Type']!r} has two charsets")
        if names_victim and who not in readers(visibility) and status != 404:
            self.fail(who, method, url, f"answered {status}, not 404 ({visibility} object of the victim)")
        if names_victim and who in readers(visibility) and status == 404:
            self.fail(who, method, url, f"404 for someone who may read it ({visibility})")
        leaked = self.leaks(text, who)
        if leaked:
            self.fail(who, method, url, f"answer shows the victim's {', '.join(leaked)}")
        if is_write:
            self.check_write(rule, method, who, url, visibility, has_params)
        return status

    def check_write(self, rule: Rule, method: str, who: str, url: str, visibility: str,
                    has_params: bool) -> None:
        if not self.detector.changed():
            return
        after = snapshot(self.victim.app)
        changes = changed_rows(self.baseline, after)
        audited = audit_length(self.victim.app) > self.baseline_audit
        if not changes and not audited:
            return
        self.restores += 1
        described = ", ".join(f"{t} ×{len(k)}" for t, k in sorted(changes.items()))
        if not changes:
            pass  # only the audit log moved (a refused attempt that is logged)
        elif has_params and who not in writers(visibility):
            self.fail(who, method, url, f"changed rows it may not: {described}")
        elif not has_params and who not in writers(UNIT):
            owned = []
            for table, keys in changes.items():
                for key in keys:
                    row = after[table].get(key) or self.baseline[table].get(key)
                    columns = self.columns[table]
                    if victim_owned(self.victim, table, dict(zip(columns, row, strict=True)), who):
                        owned.append(table)
            if owned:
                self.fail(who, method, url, f"changed the victim's rows: {', '.join(sorted(set(owned)))}")
        if changes and not audited and not self.only_unaudited_columns(changes, after):
            self.fail(who, method, url, f"changed {described} without an audit entry")
        restore(self.victim.app, self.baseline_rows, self.victim)
        self.detector.changed()

    def only_unaudited_columns(self, changes: dict[str, set], after: dict) -> bool:
        for table, keys in changes.items():
            allowed = UNAUDITED.get(table, set())
            columns = self.columns[table]
            for key in keys:
                old, new = self.baseline[table].get(key), after[table].get(key)
                if old is None or new is None:
                    return False
                moved = {c for c, a, b in zip(columns, old, new, strict=True) if a != b}
                if not moved <= allowed:
                    return False
        return True

    @cached_property
    def columns(self) -> dict[str, list[str]]:
        return {t.name: [c.name for c in t.columns if c.name not in VOLATILE_COLUMNS]
                for t in target_metadata().sorted_tables}


def test_every_route_has_a_case(victim: Victim):
    problems = missing_cases(victim.app)
    assert not problems, "Routes the isolation matrix cannot build a case for:\n" + "\n".join(problems)


def test_isolation_matrix(victim: Victim, actors: dict[str, Actor]):
    assert not missing_cases(victim.app), "see test_every_route_has_a_case"
    values = {name: str(param.build(victim)) for name, param in PARAMETERS.items()}
    matrix = Matrix(victim, actors, ChangeDetector(victim.app))
    matrix.baseline_rows = raw_rows(victim.app)
    matrix.baseline = snapshot(victim.app)
    matrix.baseline_audit = audit_length(victim.app)
    routes = cases(victim.app)
    unreachable = []
    timings = []
    for rule, method in routes:
        statuses = {}
        started = time.perf_counter()
        for who in ACTORS:
            relation = who.split("_", 1)[0]
            if method == "HEAD" and relation not in HEAD_RELATIONS:
                continue
            statuses[who] = matrix.run(rule, method, who, values)
        timings.append((time.perf_counter() - started, method, rule.rule))
        if path_parameters(rule) and method != "HEAD":
            if all(status == 404 for status in statuses.values()):
                unreachable.append(f"{method} {rule.rule}: 404 for everyone, the objects are not real")
            elif method == "GET" and not any(200 <= status < 400 for status in statuses.values()):
                seen = sorted(set(statuses.values()))
                unreachable.append(f"{method} {rule.rule}: nobody gets an answer ({seen})")
    endpoints = {rule.endpoint for rule, _method in routes}
    print(f"\nisolation matrix: {len(endpoints)} endpoints, {len(routes)} route × method pairs, "
          f"{len(RELATIONS)} relations × {len(ROLES)} roles, {matrix.count} requests, "
          f"{matrix.restores} writes put back; statuses {dict(sorted(matrix.statuses.items()))}")
    for spent, method, path in sorted(timings, reverse=True)[:15]:
        print(f"{spent:6.2f}s {method} {path}")
    problems = matrix.failures + unreachable
    assert not problems, f"{len(problems)} isolation failures:\n" + "\n".join(problems[:200])
