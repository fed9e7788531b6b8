"""The primitives that make every change of a report atomic under concurrency.

* :func:`claim` is the compare-and-set every change of a submission starts with:
  ``UPDATE submission SET version = v + 1 WHERE id = … AND version = v``. Exactly one of several
  requests that read version ``v`` moves the row; the others change nothing and get
  :class:`StaleVersion` with the version now stored. The winner's row stays locked until its
  transaction ends (a row lock on PostgreSQL, the database write lock on SQLite), so the rest of
  its change — audit entry, notification, the parents' flags — runs alone and is written once.
* :func:`insert_or_ignore` and :func:`upsert` are inserts that cannot race: ``INSERT … ON
  CONFLICT`` on a unique key, on PostgreSQL and SQLite alike.
* :func:`after_commit` runs an action once the transaction has committed, never for a change
  that was rolled back (plugins hear of a move only when it happened).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from core.errors import Conflict
from core.reports.models import Submission

_AFTER_COMMIT = "thidua_after_commit"


class StaleVersion(Conflict):
    """Someone changed the report between the caller's read and this change; ``version`` is the
    one stored now (the API answers it beside the message)."""

    def __init__(self, version: int) -> None:
        super().__init__(
            _("Báo cáo vừa được người khác cập nhật (phiên bản %(current)s). Hãy tải lại để xem "
              "thay đổi; dữ liệu bạn nhập chưa bị mất.", current=version),
            version=version,
        )
        self.version = version


def conflict(message: str, submission: Submission | None) -> Conflict:
    """A refusal because of the report's state, naming the version the caller should read."""
    return Conflict(message, version=submission.version if submission is not None else 0)


def expect(submission: Submission | None, version: int | None) -> None:
    """Refuse early, before any other check, a change that names a version other than the one
    just read (the claim would refuse it anyway, after the work)."""
    if version is not None:
        current = submission.version if submission is not None else 0
        if version != current:
            raise StaleVersion(current)


def current_version(db: Session, submission: Submission) -> int:
    """The version stored now, read past the session's identity map."""
    return db.scalar(select(Submission.version).where(
        Submission.tenant_id == submission.tenant_id, Submission.id == submission.id)) or 0


def still_read(db: Session, submission: Submission | None, read: int) -> None:
    """Before refusing a change for what was read (a missing proof, say), confirm the report
    still holds version ``read``. Each statement may see commits made after the report was
    loaded (READ COMMITTED on PostgreSQL, autocommit reads on SQLite), so a refusal computed
    from a newer state than the caller's must be answered as what it is: a stale read (409).

    :raises StaleVersion: the report moved past ``read`` while it was being checked.
    """
    if submission is not None and submission.id is not None:
        stored = current_version(db, submission)
        if stored != read:
            raise StaleVersion(stored)


def claim(db: Session, submission: Submission, expected: int | None = None) -> None:
    """Move ``submission`` from version ``expected`` (by default the one loaded) to the next.

    Call it before any other write of the change, after the checks that need no lock: the
    loser of a race then writes nothing at all.

    :raises StaleVersion: the row no longer holds ``expected``.
    """
    expected = submission.version if expected is None else expected
    moved = db.execute(
        update(Submission)
        .where(Submission.tenant_id == submission.tenant_id, Submission.id == submission.id,
               Submission.version == expected)
        .values(version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise StaleVersion(current_version(db, submission))
    set_committed_value(submission, "version", expected + 1)


def _insert(db: Session, entity: Any):
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(entity)


def insert_or_ignore(db: Session, entity: Any, values: Mapping[str, Any], keys: Sequence[str],
                     where: Any = None) -> bool:
    """Insert one row unless a row with the same ``keys`` (a unique index, partial when ``where``
    is given) exists or is being inserted by another transaction, which this one then waits
    for. True if inserted."""
    statement = _insert(db, entity).values(**values).on_conflict_do_nothing(
        index_elements=list(keys), index_where=where)
    # RETURNING says whether a row went in; the driver's row count of an INSERT is not reliable.
    table = statement.table
    return db.execute(statement.returning(*table.primary_key.columns)).first() is not None


def upsert(db: Session, entity: Any, values: Mapping[str, Any], keys: Sequence[str],
           update_columns: Sequence[str]) -> None:
    """Insert one row, or update ``update_columns`` of the row with the same ``keys``."""
    statement = _insert(db, entity).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: getattr(statement.excluded, name) for name in update_columns},
    )
    db.execute(statement)


def after_commit(db: Session, action: Callable[[], None]) -> None:
    """Run ``action`` after the session's transaction commits; drop it if it rolls back."""
    pending = db.info.get(_AFTER_COMMIT)
    if pending is None:
        pending = db.info[_AFTER_COMMIT] = []
        event.listen(db, "after_commit", _run_pending)
        event.listen(db, "after_rollback", _drop_pending)
    pending.append(action)


def _run_pending(db: Session) -> None:
    actions = list(db.info.get(_AFTER_COMMIT, ()))
    db.info[_AFTER_COMMIT] = []
    for action in actions:
        action()


def _drop_pending(db: Session) -> None:
    db.info[_AFTER_COMMIT] = []
