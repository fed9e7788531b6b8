"""The audit log is a hash chain: editing, deleting or reordering a row is detected."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from core.audit.models import AuditEntry
from core.audit.operations import record, verify_chain


def test_changes_are_chained_and_verify(world, db):
    entries = db.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert len(entries) > 10
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(b.prev_digest == a.digest for a, b in zip(entries, entries[1:], strict=False))
    assert verify_chain(db) == []


def test_tampered_row_is_detected(world, db):
    target = db.scalar(select(AuditEntry).where(AuditEntry.action == "period.open"))
    db.execute(update(AuditEntry).where(AuditEntry.id == target.id).values(reason="backdated"))
    db.commit()
    db.expire_all()
    assert verify_chain(db) == [target.seq]


def test_deleted_row_is_detected(world, db):
    db.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
    db.commit()
    assert verify_chain(db) == [4]


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
