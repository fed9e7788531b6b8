"""Schemathesis against ``/api/v1/openapi.json``, in process (WSGI), with a bearer token.

Every operation of the document is fuzzed with schemathesis' built-in checks (no server error,
status code, content type, headers and response schema as documented, negative data rejected,
ignored auth …) plus :func:`sibling_gets_404`: each request that succeeded is sent again with a
token of the victim's sibling unit, which must answer 404.

Path parameters are the victim's real objects (see :mod:`tests.security.world`), so requests
reach them and the replay means something. The run is bounded: ``THIDUA_FUZZ_EXAMPLES`` examples
per operation and mode (by default 12 on SQLite, 25 on PostgreSQL), at most
``THIDUA_FUZZ_SECONDS`` (240) for the run, shared equally by operation and mode (an operation that
uses its share up after its first request is reported as cut short), and no shrinking.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from core.db.engine import database
from core.users import operations as user_ops
from core.users.roles import ADMIN, HEAD, REPORTER

from .world import OWNER, Victim, build_victim, security_app

SCHEMA_PATH = "/api/v1/openapi.json"
# The account the fuzzer signs in as: head and reporter of the victim, admin of its parent, so
# that most operations can succeed; the replay signs in as the sibling's admin.
FUZZER = "fuzzer"
SIBLING = "sibling_admin"
VICTIM_KEY = "thidua_fuzz_run"
# The whole run's time bound (THIDUA_FUZZ_SECONDS), shared equally by operation and mode.
DEFAULT_SECONDS = 240

def _examples(victim: Victim) -> int:
    configured = os.environ.get("THIDUA_FUZZ_EXAMPLES")
    if configured:
        return int(configured)
    return 12 if database(victim.app).engine.dialect.name == "sqlite" else 25


@pytest.fixture(scope="module")
def fuzz_world(thidua_database_url, tmp_path_factory):
    with security_app(thidua_database_url, tmp_path_factory.mktemp("fuzz")) as app:
        victim = build_victim(app)
        with app.test_request_context():
            db, access = victim.db, victim.access
            user = user_ops.create_user(db, access, FUZZER, "mat-khau-fuzzer")
            for tenant, role in ((victim.tenant, HEAD), (victim.tenant, REPORTER),
                                 (victim.tenants["parent"], ADMIN)):
                user_ops.add_membership(db, access, user, tenant, role)
            victim.tokens[FUZZER] = user_ops.issue_token(db, access, user, label="fuzz")
            # A second token of the fuzzer's, for the operations on one token to revoke.
            victim.objects["spare_token"] = user_ops.token_by_value(
                db, user_ops.issue_token(db, access, user, label="spare"))
            db.commit()
        yield victim
        victim.db.close()


@pytest.fixture(scope="module")
def api_schema(fuzz_world: Victim):
    victim = fuzz_world
    objects = victim.objects
    victim.objects["path_values"] = {
        "tenant_id": str(victim.tenant.id),
        "period_id": str(victim.period.id),
        "evidence_id": str(objects["evidence"].id),
        "extension_id": str(objects["extension"].id),
        "notice_id": str(objects["notice"].id),
        "job_id": str(objects["job"].id),
        "user_id": str(victim.users[OWNER].id),
        "token_id": str(objects["spare_token"].id),
    }
    config = schemathesis.Config.from_dict({
        "generation": {
            "max-examples": _examples(victim),
            "no-shrink": True,
            "deterministic": True,
            "database": "none",
        },
        # schemathesis' own list, and 414: a generated query string past the server's bound on
        # a request line is refused before any parameter is read, a rejection like the others.
        "checks": {"negative_data_rejection": {"expected-statuses": [
            "400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429", "5xx"]}},
    })
    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, victim.app, config=config)


@schemathesis.check
def sibling_gets_404(ctx, response, case):
    """A request that succeeded for the victim's side answers 404 to the sibling unit."""
    if response.status_code >= 300 or not case.path_parameters:
        return None
    run = case.operation.schema.app.extensions[VICTIM_KEY]
    run.replays += 1
    replay = case.call(headers={"Authorization": f"Bearer {run.victim.tokens[SIBLING]}"})
    if replay.status_code != 404:
        raise AssertionError(
            f"{case.method} {case.formatted_path} answered {replay.status_code} to the sibling unit, "
            f"not 404"
        )
    return True


# The built-in checks that hold for this API, and the sibling replay. Left out:
# positive_data_acceptance (a schema-valid body may still break a rule of the domain, such as
# dates out of order, and is refused with 422 as documented) and the stateful checks.
CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
    response_schema_conformance, negative_data_rejection, ignored_auth, unsupported_method,
    missing_required_header, sibling_gets_404,
]


@dataclass
class Run:
    victim: Victim
    seconds_per_operation: float
    path_values: dict[str, str]
    requests: int = 0
    replays: int = 0
    cut_short: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class OutOfTime(Exception):
    """An operation used its share of the run's time: its remaining examples are not generated."""


def fuzz(operation, mode: GenerationMode, examples: int, run: Run) -> None:
    """At most ``examples`` generated requests to one operation (fewer if it uses up its share
    of the time), each checked; the first failure of the operation is recorded (not shrunk: the
    message names the request)."""
    headers = {"Authorization": f"Bearer {run.victim.tokens[FUZZER]}"}
    name = f"{operation.method.upper()} {operation.path} [{mode}]"
    deadline = time.monotonic() + run.seconds_per_operation
    sent = [0]

    # The victim's real objects in the path (the strategy takes them as given, not from config).
    fixed = {name: run.path_values[name] for name in re.findall(r"{(\w+)}", operation.path)
             if name in run.path_values}
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed or None)

    @given(case=strategy)
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.generate], database=None, derandomize=True)
    def one(case) -> None:
        if sent[0] and time.monotonic() > deadline:  # every operation gets one request at least
            raise OutOfTime()
        sent[0] += 1
        run.requests += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        one()
    except OutOfTime:
        run.cut_short.append(name)
    except (Exception, BaseExceptionGroup) as error:  # every failure is reported, the run goes on
        run.failures.append(f"{name}\n{error}")


def test_api_conforms_to_its_document(api_schema, fuzz_world: Victim):
    examples = api_schema.config.generation.max_examples
    operations = [result.ok() for result in api_schema.get_all_operations()]
    budget = float(os.environ.get("THIDUA_FUZZ_SECONDS", DEFAULT_SECONDS))
    run = Run(fuzz_world, seconds_per_operation=budget / (2 * len(operations)),
              path_values=fuzz_world.objects["path_values"])
    fuzz_world.app.extensions[VICTIM_KEY] = run
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode, examples, run)
    print(f"\nschemathesis: {len(operations)} operations, up to {examples} examples per operation and "
          f"mode, {run.requests} requests, {run.replays} replayed as the sibling unit, "
          f"{len(run.cut_short)} cut short by the {budget:.0f} s bound, "
          f"{len(run.failures)} operations with a finding")
    assert run.replays, "no request succeeded, so the sibling replay never ran"
    assert not run.failures, "\n\n".join(run.failures)


def test_every_api_route_is_fuzzed(api_schema):
    """The fuzzer reaches an operation only through the document: every API route is there (the
    document itself aside, which schemathesis reads rather than fuzzes)."""
    from core.api import blueprint
    from core.api.openapi import openapi_path

    fuzzed = {(result.ok().method.upper(), result.ok().path) for result in api_schema.get_all_operations()}
    routes = {(method, openapi_path(rule)) for rule in api_schema.app.url_map.iter_rules()
              if rule.endpoint.startswith(blueprint.name + ".")
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    assert routes - fuzzed == {("GET", SCHEMA_PATH)}
