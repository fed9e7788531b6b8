"""The one place where tenant isolation is enforced for the ORM.

A :class:`TenantContext` is attached to each session (``session.info``) once per request, CLI
command or job. Every ORM SELECT, UPDATE and DELETE that touches a :class:`TenantScoped` entity
gets ``tenant_id IN (…)`` criteria added here, and every INSERT of a tenant-owned row is checked
before flush. With no context set, such statements raise: the filter fails closed instead of
silently returning every tenant's rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from core.db.base import TenantScoped

CONTEXT_KEY = "tenant_context"
UNSCOPED_OPTION = "tenant_unscoped_reason"


class TenantContextMissing(RuntimeError):
    """A tenant-owned table was queried with no tenant context set."""


class TenantWriteRefused(PermissionError):
    """A row was written into a tenant outside the context's writable set."""


@dataclass(frozen=True)
class TenantContext:
    """Which tenants' rows the current unit of work may read and write.

    ``system`` is the explicit, audited escape hatch for the CLI, migrations and directory
    loading: it reads and writes everything.
    """

    readable: frozenset[uuid.UUID] = field(default_factory=frozenset)
    writable: frozenset[uuid.UUID] = field(default_factory=frozenset)
    system: bool = False

    @classmethod
    def for_tenants(
        cls, readable: Iterable[uuid.UUID], writable: Iterable[uuid.UUID] = ()
    ) -> TenantContext:
        readable = frozenset(readable)
        writable = frozenset(writable)
        return cls(readable=readable | writable, writable=writable)

    @classmethod
    def system_context(cls) -> TenantContext:
        return cls(system=True)

    def can_read(self, tenant_id: uuid.UUID) -> bool:
        return self.system or tenant_id in self.readable

    def can_write(self, tenant_id: uuid.UUID) -> bool:
        return self.system or tenant_id in self.writable


def set_context(session: Session, context: TenantContext) -> None:
    session.info[CONTEXT_KEY] = context


def get_context(session: Session) -> TenantContext | None:
    return session.info.get(CONTEXT_KEY)


def clear_context(session: Session) -> None:
    session.info.pop(CONTEXT_KEY, None)


def _touches_tenant_tables(state: ORMExecuteState) -> bool:
    return any(issubclass(mapper.class_, TenantScoped) for mapper in state.all_mappers)


def _scope_statement(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        # The criteria of the parent statement propagate to these loads.
        return
    if not _touches_tenant_tables(state):
        return
    if state.execution_options.get(UNSCOPED_OPTION):
        # Explicit escape hatch; tests list the few modules allowed to use it.
        return
    context = get_context(state.session)
    if context is None:
        raise TenantContextMissing(
            "no tenant context is set for this session; refusing an unscoped query"
        )
    if context.system:
        return
    allowed = tuple(context.readable if state.is_select else context.writable)
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id.in_(allowed),
            include_aliases=True,
        )
    )


def _check_new_rows(session: Session, flush_context, instances) -> None:
    owned = [
        obj
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, TenantScoped)
    ]
    if not owned:
        return
    context = get_context(session)
    if context is None:
        raise TenantContextMissing("no tenant context is set; refusing to write tenant rows")
    for obj in owned:
        if obj.tenant_id is None or not context.can_write(obj.tenant_id):
            raise TenantWriteRefused(
                f"{type(obj).__name__} may not be written into tenant {obj.tenant_id}"
            )


def install(session_class: type[Session]) -> None:
    """Attach the scoping listeners to a session class (done once per app)."""
    event.listen(session_class, "do_orm_execute", _scope_statement)
    event.listen(session_class, "before_flush", _check_new_rows)
