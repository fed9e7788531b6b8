"""Writing and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.audit.models import AuditEntry
from core.db.types import utcnow

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def canonical(entry: AuditEntry) -> str:
    """The row's content, serialised the same way on every database."""
    return json.dumps(
        {
            "seq": entry.seq,
            "at": entry.at.isoformat(timespec="microseconds"),
            "tenant_id": _jsonable(entry.tenant_id),
            "actor_id": _jsonable(entry.actor_id),
            "actor_label": entry.actor_label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "changes": entry.changes,
            "reason": entry.reason,
            "ip": entry.ip,
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def compute_digest(prev_digest: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_digest + canonical(entry)).encode("utf-8")).hexdigest()


def _lock_chain(db: Session) -> None:
    # Concurrent writers must not both extend the chain from the same head.
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(7220001)"))


def record(
    db: Session,
    action: str,
    *,
    tenant_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    actor_label: str = "",
    object_type: str = "",
    object_id: Any = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
    ip: str = "",
) -> AuditEntry:
    """Append one entry to the chain in the caller's transaction."""
    _lock_chain(db)
    db.flush()
    head = db.execute(
        select(AuditEntry.seq, AuditEntry.digest).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    prev_seq, prev_digest = head if head else (0, GENESIS)
    entry = AuditEntry(
        seq=prev_seq + 1,
        at=utcnow(),
        tenant_id=tenant_id,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id else "",
        changes=_jsonable(changes or {}),
        reason=reason,
        ip=ip,
        prev_digest=prev_digest,
    )
    entry.digest = compute_digest(prev_digest, entry)
    db.add(entry)
    db.flush()
    return entry


def verify_chain(db: Session) -> list[int]:
    """Sequence numbers of entries whose digest or link does not match; empty when intact."""
    broken: list[int] = []
    expected_prev = GENESIS
    expected_seq = 1
    for entry in db.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        if (
            entry.seq != expected_seq
            or entry.prev_digest != expected_prev
            or entry.digest != compute_digest(entry.prev_digest, entry)
        ):
            broken.append(entry.seq)
        expected_prev = entry.digest
        expected_seq = entry.seq + 1
    return broken


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{field: [from, to]}`` for the fields that changed."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
