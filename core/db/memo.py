"""What one transaction has read already, kept in the session for the rest of that transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def transaction_memo(db: Session, key: str) -> dict[Any, Any]:
    """The dict kept in ``db.info[key]`` for the session's current transaction: a fresh one once
    another transaction has begun, so nothing read in one transaction answers for the next (a
    throw-away dict while none has begun). Writers that change what it holds drop it with
    ``db.info.pop(key, None)``."""
    current = db.get_transaction()
    if current is None:
        return {}
    transaction, memo = db.info.get(key, (None, None))
    if memo is None or transaction is not current:
        memo = {}
        db.info[key] = (current, memo)
    return memo
