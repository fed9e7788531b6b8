"""The ``thidua`` command line, through Flask's CLI runner on the test database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.periods.models import ReportingPeriod
from core.tenants.models import Tenant
from core.users.operations import find_user, user_for_token

DIRECTORY = """\
tenants:
  - name: "Thành phố Hà Nội"
    slug: ha-noi
    kind: city
    code: "01"
    children:
      - {name: "Phường Ba Đình", slug: phuong-ba-dinh, kind: ward, code: "00004"}
      - {name: "Phường Hoàn Kiếm", slug: phuong-hoan-kiem, kind: ward, code: "00070"}
"""

DATES = ["--opens-at", "2025-12-01T00:00", "--due-at", "2026-11-10T23:59",
         "--city-due-at", "2026-11-30T23:59", "--closes-at", "2026-12-15T23:59"]


@pytest.fixture
def cli(app):
    """Run a command the way ``thidua`` does: in an app context of its own, so its session is
    closed when it ends."""
    runner = app.test_cli_runner()

    def invoke(*args: str):
        with app.app_context():
            return runner.invoke(args=list(args))

    return invoke


@pytest.fixture
def directory_file(tmp_path):
    path = tmp_path / "directory.yaml"
    path.write_text(DIRECTORY, encoding="utf-8")
    return path


@pytest.fixture
def loaded(cli, directory_file):
    result = cli("tenants", "load", str(directory_file))
    assert result.exit_code == 0, result.output
    return result


def tenant_count(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Tenant))


# --- tenants ------------------------------------------------------------------------------


def test_tenants_load_reports_and_is_idempotent(cli, db, directory_file, loaded):
    assert "3 created, 0 updated, 0 unchanged" in loaded.output
    assert tenant_count(db) == 3

    again = cli("tenants", "load", str(directory_file))

    assert again.exit_code == 0
    assert "0 created, 0 updated, 3 unchanged" in again.output


def test_tenants_load_dry_run_writes_nothing(cli, db, directory_file):
    result = cli("tenants", "load", "--dry-run", str(directory_file))

    assert result.exit_code == 0, result.output
    assert "3 created" in result.output
    assert tenant_count(db) == 0


def test_tenants_load_bad_file_names_file_and_line(cli, db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(DIRECTORY.replace("kind: ward, code: \"00070\"", "kind: city, code: \"00070\""),
                   encoding="utf-8")

    result = cli("tenants", "load", str(bad))

    assert result.exit_code != 0
    assert f"{bad}:line 8:" in result.output
    assert tenant_count(db) == 0


def test_tenants_tree_indents_children(cli, loaded):
    result = cli("tenants", "tree")

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("Thành phố Hà Nội [01]")
    assert "  Phường Ba Đình [00004] (ward, phuong-ba-dinh)" in lines
    only_root = cli("tenants", "tree", "--depth", "0").output.splitlines()
    assert len(only_root) == 1


def test_tenants_tree_unknown_root(cli, loaded):
    result = cli("tenants", "tree", "--root", "nowhere")
    assert result.exit_code != 0
    assert "nowhere" in result.output


# --- users --------------------------------------------------------------------------------


def me(app, token: str):
    # A fresh app context per request, as in production: the one the ``db`` fixture holds
    # open would otherwise share ``g`` (and the signed-in user) between requests.
    with app.app_context():
        return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_users_create_then_token_authenticates(app, cli, db, loaded):
    created = cli("users", "create", "lan.nguyen", "--tenant", "00004", "--role", "reporter",
                  "--password", "mat-khau-rat-dai", "--full-name", "Nguyễn Thị Lan")
    assert created.exit_code == 0, created.output
    assert "Phường Ba Đình" in created.output

    issued = cli("users", "token", "lan.nguyen")

    assert issued.exit_code == 0, issued.output
    token = issued.output.strip().splitlines()[-1]
    if any(rule.rule == "/api/v1/me" for rule in app.url_map.iter_rules()):
        assert me(app, token).status_code == 200
        assert "lan.nguyen" in me(app, token).get_data(as_text=True)
        assert me(app, "td_wrong").status_code == 401
    else:
        db.expire_all()
        assert user_for_token(db, token).username == "lan.nguyen"
        assert user_for_token(db, token + "x") is None


def test_users_create_unknown_tenant_fails(cli, db, loaded):
    result = cli("users", "create", "lan.nguyen", "--tenant", "nowhere", "--role", "reporter",
                 "--password", "mat-khau-rat-dai")
    assert result.exit_code != 0
    assert "nowhere" in result.output
    assert find_user(db, "lan.nguyen") is None


def test_users_token_unknown_user_fails(cli, loaded):
    result = cli("users", "token", "nobody")
    assert result.exit_code != 0
    assert "nobody" in result.output


# --- periods ------------------------------------------------------------------------------


def period_state(db, key: str) -> str | None:
    db.expire_all()
    return db.scalar(select(ReportingPeriod.state).where(ReportingPeriod.key == key))


def test_periods_create_open_close(cli, db, loaded):
    created = cli("periods", "create", "2026-annual", "--title", "Năm 2026", *DATES)
    assert created.exit_code == 0, created.output
    assert period_state(db, "2026-annual") == "draft"

    assert cli("periods", "open", "2026-annual").exit_code == 0
    assert period_state(db, "2026-annual") == "open"

    closed = cli("periods", "close", "2026-annual")
    assert closed.exit_code == 0
    assert period_state(db, "2026-annual") == "closed"


def test_periods_transition_not_allowed_fails(cli, db, loaded):
    cli("periods", "create", "2026-annual", "--title", "Năm 2026", *DATES)

    result = cli("periods", "close", "2026-annual")

    assert result.exit_code != 0
    assert period_state(db, "2026-annual") == "draft"


def test_periods_create_with_dates_out_of_order_names_the_field(cli, db, loaded):
    dates = list(DATES)
    dates[dates.index("--due-at") + 1] = "2025-11-01T00:00"  # before the opening

    result = cli("periods", "create", "2026-annual", "--title", "Năm 2026", *dates)

    assert result.exit_code != 0
    assert "due_at" in result.output
    assert period_state(db, "2026-annual") is None


def test_periods_create_reads_a_date_only_deadline_as_the_end_of_that_day(cli, db, loaded):
    dates = ["--opens-at", "2025-12-01", "--due-at", "2026-11-10", "--city-due-at", "2026-11-30",
             "--closes-at", "2026-12-15"]
    assert cli("periods", "create", "2026-annual", "--title", "Năm 2026", *dates).exit_code == 0
    db.expire_all()
    period = db.scalar(select(ReportingPeriod).where(ReportingPeriod.key == "2026-annual"))
    assert period.opens_at.astimezone(UTC) == datetime(2025, 11, 30, 17, 0, tzinfo=UTC)
    assert period.due_at.astimezone(UTC) == datetime(2026, 11, 10, 16, 59, 59, 999999, tzinfo=UTC)
    assert cli("periods", "open", "2026-annual", "--owner", "ha-noi").exit_code == 0
    assert period_state(db, "2026-annual") == "open"


def test_periods_unknown_owner_or_key_fails(cli, db, loaded):
    result = cli("periods", "create", "2026-annual", "--title", "Năm 2026", "--owner", "nowhere", *DATES)
    assert result.exit_code != 0
    assert "nowhere" in result.output

    missing = cli("periods", "open", "no-such-period")
    assert missing.exit_code != 0
    assert "no-such-period" in missing.output


def test_create_app_role_beside_a_sqlite_app_says_to_set_database_url(app, cli, monkeypatch):
    """The owner's PostgreSQL URL counts only beside the app's own PostgreSQL database: with
    DATABASE_URL still naming SQLite, the command says what to set, not that SQLite needs no
    role."""
    if app.config["DATABASE_URL"].startswith("postgres"):
        pytest.skip("the app's database is PostgreSQL here; the SQLite leg runs this")
    monkeypatch.setitem(app.config, "MIGRATION_DATABASE_URL", "postgresql://owner@127.0.0.1:5432/thidua")
    result = cli("db", "create-app-role", "thidua_app")
    assert result.exit_code == 2
    assert "DATABASE_URL names no PostgreSQL database" in result.output
    assert "postgresql://thidua_app@host/db" in result.output
