"""Database access: the declarative base, the per-app engine and the request-bound session.

Everything that talks to the database goes through :func:`session`, whose tenant scoping lives
in :mod:`core.db.scoping`.
"""

from core.db.base import Base, ReferenceTable, TenantScoped, new_id
from core.db.engine import Database, session

__all__ = ["Base", "Database", "ReferenceTable", "TenantScoped", "new_id", "session"]
