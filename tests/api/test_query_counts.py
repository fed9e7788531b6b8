"""What a request costs in statements does not depend on how many units the caller can see.

The same requests run for the city's admin (who sees every unit) and for a school's reporter
(who sees one), first with a tree of about 30 units and then of about 300. Each request is
counted with SQLAlchemy's ``before_cursor_execute``: the count must not change with the tree's
size, the city admin may cost at most a few statements more than the reporter (its own
memberships and grants), and no statement's list of bound parameters may grow with the tree."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from core.db.engine import database
from core.tenants.models import Tenant
from core.tenants.operations import new_tenant
from core.users.models import Membership, User

from .test_reports_kit import (  # noqa: F401 (fixtures)
    COMPLETE,
    report_world_fixture,
    save,
    thidua_config_fixture,
    url,
)

ROLES = ("city_admin", "a1_reporter")
# A city admin may read a few more rows than a reporter (e.g. the units below on a page), but
# in a number of statements fixed by the code, not by the tree.
ROLE_ALLOWANCE = 3


def grow_tree(db, world, units: int) -> None:
    """Add communes under the city and schools under them until ``units`` were added."""
    city = world.tenant("ha-noi")
    added = 0
    while added < units:
        commune = new_tenant(db, name=f"Xã thử {added}", kind="commune", parent=city)
        db.flush()
        added += 1
        for _ in range(min(9, units - added)):
            new_tenant(db, name=f"Trường thử {added}", kind="school", parent=commune)
            added += 1
    db.commit()


class StatementLog:
    """Every statement the app's engine sends while ``recording``, with its bound parameters."""

    def __init__(self, engine) -> None:
        self.recording = False
        self.statements: list[tuple[str, int]] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not self.recording:
            return
        if executemany and parameters:
            parameters = parameters[0]
        self.statements.append((statement, len(parameters or ())))

    def measure(self, send) -> tuple[int, int]:
        """(statements, most bound parameters of one statement) of ``send()``'s second run:
        the first run warms caches that are not per request."""
        send()
        self.statements.clear()
        self.recording = True
        try:
            response = send()
        finally:
            self.recording = False
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return len(self.statements), max((n for _s, n in self.statements), default=0)


def test_queries_do_not_grow_with_the_units_a_caller_sees(app, db, report_world, api_as, client_as):
    world = report_world
    log = StatementLog(database(app).engine)
    api = {name: api_as(name) for name in ROLES}
    web = {name: client_as(name) for name in ROLES}
    requests = {
        "GET /api/v1/me": lambda name: api[name].get("/api/v1/me"),
        "GET the school's report": lambda name: api[name].get(url(world)),
        "GET /api/v1/tenants?limit=20": lambda name: api[name].get("/api/v1/tenants?limit=20"),
        "web report page": lambda name: web[name].get(url(world).removeprefix("/api/v1")),
    }
    figures: dict[int, dict[tuple[str, str], tuple[int, int]]] = {}
    for size, extra in ((30, 30 - len(world.tenants)), (300, 270)):
        grow_tree(db, world, extra)
        figures[size] = {(label, name): log.measure(lambda s=send, n=name: s(n))
                         for label, send in requests.items() for name in ROLES}
    report = "\n".join(f"{label} as {name}: {figures[30][label, name]} → {figures[300][label, name]}"
                       for label in requests for name in ROLES)
    print("\n(statements, most bound parameters) at 30 → 300 units\n" + report)
    for label in requests:
        for name in ROLES:
            small, large = figures[30][label, name], figures[300][label, name]
            assert large[0] == small[0], f"{label} as {name}: statements grow with the tree\n{report}"
            assert large[1] == small[1], f"{label} as {name}: bound parameters grow with the tree\n{report}"
        city, reporter = figures[300][label, "city_admin"][0], figures[300][label, "a1_reporter"][0]
        assert city <= reporter + ROLE_ALLOWANCE, f"{label}: the city admin costs more\n{report}"


@pytest.mark.parametrize("name", ROLES)
def test_no_statement_binds_the_subtree(app, db, report_world, api_as, name):
    """With 300 units below the city, no statement of a report read carries as many bound
    parameters as there are units the caller reaches."""
    grow_tree(db, report_world, 300)
    log = StatementLog(database(app).engine)
    client = api_as(name)
    _statements, most = log.measure(lambda: client.get(url(report_world)))
    assert most < 50, f"a statement binds {most} parameters"


def test_admin_pages_do_not_grow_with_the_tree(app, db, report_world, client_as, monkeypatch):
    """The city admin's unit and account pages (the tree one level at a time, search, the unit
    picker of their forms, the accounts) read as many statements, each binding as many
    parameters, and load as many units, memberships and users, with 30 units below the city as
    with 300: they page, and never load the subtree. (Pages of 5, so that both trees fill them.)"""
    from core.web import admin_tenants, admin_users, unit_picker

    for module, name in ((admin_tenants, "CHILDREN_PAGE"), (admin_tenants, "SEARCH_PAGE"),
                         (unit_picker, "PICKER_SIZE"), (admin_users, "MEMBERS_PAGE")):
        monkeypatch.setattr(module, name, 5)
    world = report_world
    log = StatementLog(database(app).engine)
    loaded = LoadCount(Tenant, Membership, User)
    web = client_as("city_admin")
    commune = world.tenant("commune-b").id
    pages = (
        "/admin/tenants",
        f"/admin/tenants?node={commune}",
        "/admin/tenants?q=truong&page=2",
        "/admin/tenants?unit_q=truong&unit_page=2",
        "/admin/users",
        "/admin/users?unit_q=truong&q=a",
    )
    figures: dict[int, dict[str, tuple[int, int, int]]] = {}
    for size, extra in ((30, 30 - len(world.tenants)), (300, 270)):
        grow_tree(db, world, extra)
        figures[size] = {}
        for page in pages:
            statements, most = log.measure(lambda p=page: web.get(p))
            figures[size][page] = (statements, most, loaded.during(lambda p=page: web.get(p)))
    report = "\n".join(f"{page}: {figures[30][page]} → {figures[300][page]}" for page in pages)
    print("\n(statements, most bound parameters, rows loaded) at 30 → 300 units\n" + report)
    for page in pages:
        assert figures[300][page] == figures[30][page], f"{page} grows with the tree\n{report}"


class LoadCount:
    """How many rows of the given entities the ORM loads while a request runs."""

    def __init__(self, *entities) -> None:
        self.count = 0
        for entity in entities:
            event.listen(entity, "load", self._loaded)

    def _loaded(self, _target, _context) -> None:
        self.count += 1

    def during(self, send) -> int:
        self.count = 0
        assert send().status_code == 200
        return self.count


def test_a_report_read_reads_each_thing_once_and_only_what_it_needs(app, db, report_world, api_as):
    """A draft's read: its sections come with the report and are not read again to list what is
    missing; the units below are not read for sets that never ask for them; the proofs are read
    only for a report that claims something needing one, and then once."""
    reporter = api_as("a1_reporter")
    log = StatementLog(database(app).engine)

    def read() -> list[str]:
        log.measure(lambda: reporter.get(url(report_world)))
        return [statement for statement, _n in log.statements]

    save(reporter, report_world, values={"staff": 20})
    claiming_nothing = read()
    assert not [s for s in claiming_nothing if s.lstrip().startswith("SELECT submission_section")]
    assert not [s for s in claiming_nothing if "FROM evidence" in s]
    assert not [s for s in claiming_nothing if " tenant.path LIKE" in s], "the units below were read"
    save(reporter, report_world, values=COMPLETE)
    claiming_a_plan = read()
    assert len([s for s in claiming_a_plan if "FROM evidence" in s]) == 1
    assert len(claiming_a_plan) == len(claiming_nothing) + 1
