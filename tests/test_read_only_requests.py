"""A request that only read ends its transaction with COMMIT on PostgreSQL, so the connection
keeps the statements psycopg prepared (it forgets them all at a ROLLBACK); a request that wrote
without committing is rolled back as before. PostgreSQL only (the PostgreSQL leg runs these)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from core.db.engine import database, session
from core.tenants.models import Tenant


@pytest.fixture
def pg(app):
    if database(app).engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are kept by psycopg on PostgreSQL (the PostgreSQL leg runs this)")
    return database(app).engine


@pytest.fixture
def endings(pg):
    """The ends of the transactions on the app's engine, in order: "commit" or "rollback"."""
    seen: list[str] = []

    def committed(_connection) -> None:
        seen.append("commit")

    def rolled_back(_connection) -> None:
        seen.append("rollback")

    event.listen(pg, "commit", committed)
    event.listen(pg, "rollback", rolled_back)
    yield seen
    event.remove(pg, "commit", committed)
    event.remove(pg, "rollback", rolled_back)


def test_a_read_ends_with_commit_and_the_connection_keeps_its_prepared_statements(
        client_as, app, endings):
    client = client_as("ward_admin")
    endings.clear()
    # Enough reads for every pooled connection to pass psycopg's threshold (5) several times.
    for _ in range(16):
        assert client.get("/api/v1/me").status_code == 200
    assert endings and set(endings) == {"commit"}
    with app.app_context():
        prepared = session().execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert any("user_account" in statement for statement in prepared), prepared


def test_a_request_that_wrote_without_committing_is_rolled_back(app, world, endings):
    ward = world.tenant("ward-a")
    with app.test_request_context():
        db = session()
        db.execute(text("SELECT 1")).scalar()
        # Whatever the statement changes (here nothing), a write is never committed by the end.
        db.execute(text("UPDATE tenant SET name = name WHERE id = :id AND false"), {"id": ward.id})
    assert endings == ["rollback"]
    with app.test_request_context():
        session().execute(text("SELECT 1")).scalar()
    assert endings == ["rollback", "commit"]


def test_changes_pending_in_the_session_are_rolled_back_not_flushed(app, world, endings, db):
    with app.test_request_context():
        unit = session().get(Tenant, world.tenant("ward-a").id)
        unit.name = "Đổi mà không lưu"
    assert endings[-1] == "rollback"
    db.expire_all()
    assert db.get(Tenant, unit.id).name != "Đổi mà không lưu"
