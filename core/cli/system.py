"""What a CLI command acts with: the platform's own session and access (every change audited as
``system``), and the way an operations error becomes a message and a non-zero exit."""

from __future__ import annotations

import click
from sqlalchemy.orm import Session

from core.db import scoping
from core.db.engine import session
from core.errors import ThiDuaError
from core.text import labelled
from core.users.access import SystemAccess


def system_session() -> tuple[Session, SystemAccess]:
    db = session()
    scoping.set_context(db, scoping.TenantContext.system_context())
    return db, SystemAccess(db=db, user=None)


def fail(error: ThiDuaError) -> None:
    """Turn an operations error into a CLI message and a non-zero exit."""
    message = error.message
    if getattr(error, "errors", None):
        message = labelled(error.errors)
    raise click.ClickException(message)
