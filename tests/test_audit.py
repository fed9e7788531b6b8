"""The audit log is a hash chain: editing, deleting or reordering a row is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from core.audit.models import AuditEntry
from core.audit.operations import record, verify_chain
from core.db.engine import migration_engine


def as_owner(app, statement) -> None:
    """Run ``statement`` as the tables' owner: on PostgreSQL the app's role may only insert into
    and read the audit log, so tampering needs the owner's rights."""
    engine = migration_engine(app)
    try:
        with engine.begin() as connection:
            connection.execute(statement)
    finally:
        engine.dispose()


def test_changes_are_chained_and_verify(world, db):
    entries = db.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert len(entries) > 10
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(b.prev_digest == a.digest for a, b in zip(entries, entries[1:], strict=False))
    assert verify_chain(db) == []


def test_tampered_row_is_detected(app, world, db):
    target = db.scalar(select(AuditEntry).where(AuditEntry.action == "period.open"))
    table = AuditEntry.__table__
    as_owner(app, update(table).where(table.c.id == target.id).values(reason="backdated"))
    db.expire_all()
    assert verify_chain(db) == [target.seq]


def test_deleted_row_is_detected(app, world, db):
    as_owner(app, delete(AuditEntry.__table__).where(AuditEntry.__table__.c.seq == 3))
    db.expire_all()
    assert verify_chain(db) == [4]


@pytest.mark.parametrize("change", ["update", "delete"])
def test_the_app_role_cannot_rewrite_the_log(app, world, db, change):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("roles exist on PostgreSQL only (the PostgreSQL leg runs this)")
    table = AuditEntry.__table__
    statement = (update(table).values(reason="backdated") if change == "update"
                 else delete(table).where(table.c.seq == 3))
    with pytest.raises(DBAPIError, match="permission denied"):
        db.execute(statement)
    db.rollback()
    assert verify_chain(db) == []


def test_period_transition_records_who_from_to_and_why(world, db):
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "period.open"))
    assert entry.changes == {"state": ["draft", "open"]}
    assert entry.object_id == str(world.period.id)
    assert entry.tenant_id == world.tenant("ha-noi").id
    assert entry.actor_label == "system"


def test_record_serialises_values(app, db, world):
    entry = record(db, "test.event", changes={"when": world.period.due_at, "id": world.period.id})
    db.commit()
    assert entry.changes["id"] == str(world.period.id)
    assert verify_chain(db) == []
