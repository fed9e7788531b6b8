"""The session and access a CLI command acts with: the platform itself, every change audited
as ``system``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.db import scoping
from core.db.engine import session
from core.users.access import SystemAccess


def system_session() -> tuple[Session, SystemAccess]:
    db = session()
    scoping.set_context(db, scoping.TenantContext.system_context())
    return db, SystemAccess(db=db, user=None)
