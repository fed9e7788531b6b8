"""Writing and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from core.audit.models import AuditEntry
from core.db.base import new_id
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


def canonical(entry: AuditEntry | SimpleNamespace) -> str:
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


def compute_digest(prev_digest: str, entry: AuditEntry | SimpleNamespace) -> str:
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
    prev_seq, prev_digest = _head(db)
    entry = _chained(prev_seq + 1, prev_digest, utcnow(), dict(
        action=action, tenant_id=tenant_id, actor_id=actor_id, actor_label=actor_label,
        object_type=object_type, object_id=object_id, changes=changes, reason=reason, ip=ip,
    ))
    db.add(entry)
    db.flush()
    return entry


AUDIT_FIELDS = frozenset({"action", "tenant_id", "actor_id", "actor_label", "object_type", "object_id",
                          "changes", "reason", "ip"})


def record_many(db: Session, entries: Sequence[Mapping[str, Any]]) -> int:
    """Append ``entries`` to the chain in the caller's transaction, in order, with one lock, one
    read of the head and one multi-row insert: what a bulk change (a directory of thousands of
    units) writes instead of calling :func:`record` per row. Each mapping holds :func:`record`'s
    keyword arguments (``action`` required). The entries share one timestamp and chain exactly
    as if recorded one by one. Returns the number written.

    :raises KeyError: an entry has no ``action``.
    :raises TypeError: an entry has a key :func:`record` does not take.
    """
    if not entries:
        return 0
    for values in entries:
        unknown = set(values) - AUDIT_FIELDS
        if unknown:
            raise TypeError(f"audit entry fields not known: {sorted(unknown)}")
    prev_seq, prev_digest = _head(db)
    now = utcnow()
    rows = []
    for offset, values in enumerate(entries, start=1):
        # Plain rows, not AuditEntry objects: canonical() reads attributes, and building
        # thousands of mapped instances costs more than the digests.
        row = _fields(prev_seq + offset, prev_digest, now, values)
        row["digest"] = prev_digest = compute_digest(prev_digest, SimpleNamespace(**row))
        rows.append(row)
    db.execute(insert(AuditEntry.__table__), rows)
    return len(rows)


def _head(db: Session) -> tuple[int, str]:
    """The chain's last (seq, digest), under the chain's lock; every pending row flushed first."""
    _lock_chain(db)
    db.flush()
    head = db.execute(
        select(AuditEntry.seq, AuditEntry.digest).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (head[0], head[1]) if head else (0, GENESIS)


def _fields(seq: int, prev_digest: str, at: datetime, values: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of a new entry linked to ``prev_digest``, all but its digest."""
    object_id = values.get("object_id", "")
    return {
        "id": new_id(),
        "seq": seq,
        "at": at,
        "tenant_id": values.get("tenant_id"),
        "actor_id": values.get("actor_id"),
        "actor_label": values.get("actor_label", ""),
        "action": values["action"],
        "object_type": values.get("object_type", ""),
        "object_id": str(object_id) if object_id else "",
        "changes": _jsonable(values.get("changes") or {}),
        "reason": values.get("reason", ""),
        "ip": values.get("ip", ""),
        "prev_digest": prev_digest,
    }


def _chained(seq: int, prev_digest: str, at: datetime, values: Mapping[str, Any]) -> AuditEntry:
    """A new (not yet added) entry linked to ``prev_digest``, its digest computed."""
    entry = AuditEntry(**_fields(seq, prev_digest, at, values))
    entry.digest = compute_digest(prev_digest, entry)
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
