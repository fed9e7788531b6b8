"""The app's engine and the session bound to the current request, CLI command or job."""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, exc, make_url
from sqlalchemy.orm import Session, sessionmaker

from core.db import scoping


class ScopedSession(Session):
    """Session class carrying the tenant-scoping listeners."""


scoping.install(ScopedSession)


def _enable_sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` URLs and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


# A pooled connection idle longer than this is pinged before use (see _ping_when_idle).
IDLE_PING_SECONDS = 10.0


def _note_checkin(dbapi_connection, connection_record) -> None:
    connection_record.info["checked_in_at"] = time.monotonic()


def _ping_when_idle(engine: Engine):
    """A checkout listener: ping a connection that has been idle ``IDLE_PING_SECONDS`` or more,
    and have the pool replace it if the ping fails.

    ``pool_pre_ping`` pings on every checkout, one round trip per request whose answer is the
    same under load; a connection in steady use has just proved itself. A database restarted
    within the idle window costs one failed request: its error invalidates the whole pool
    (SQLAlchemy's disconnect handling), and the next requests connect anew."""
    def ping(dbapi_connection, connection_record, connection_proxy) -> None:
        checked_in = connection_record.info.get("checked_in_at")
        if checked_in is None or time.monotonic() - checked_in < IDLE_PING_SECONDS:
            return
        try:
            ok = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure of the ping means a dead connection
            raise exc.DisconnectionError() from error
        if not ok:
            raise exc.DisconnectionError()
    return ping


class Database:
    """Holds the engine and session factory of one Flask app."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = normalise_url(url)
        if self.url.startswith("sqlite:///"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(self.url, echo=echo)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _enable_sqlite_foreign_keys)
        else:
            event.listen(self.engine, "checkin", _note_checkin)
            event.listen(self.engine, "checkout", _ping_when_idle(self.engine))
            event.listen(self.engine, "begin", _forget_writes)
            event.listen(self.engine, "before_cursor_execute", _note_writes)
        self.sessionmaker = sessionmaker(
            bind=self.engine, class_=ScopedSession, expire_on_commit=False
        )

    def init_app(self, app: Flask) -> None:
        app.extensions["thidua_db"] = self
        app.teardown_appcontext(_close_session)

    def new_session(self) -> ScopedSession:
        return self.sessionmaker()

    def dispose(self) -> None:
        self.engine.dispose()


def migration_engine(app: Flask | None = None) -> Engine:
    """An engine for the tables' owner: ``MIGRATION_DATABASE_URL``
    (``THIDUA_MIGRATION_DATABASE_URL``), or the app's own database when unset or when the app
    runs on SQLite. Migrations and ``thidua db create-app-role`` use it; the caller disposes of it.

    :raises RuntimeError: the owner's URL names another PostgreSQL database than the app's.
    """
    app = app or current_app
    app_url = make_url(database(app).url)
    url = app.config.get("MIGRATION_DATABASE_URL")
    owner = make_url(normalise_url(url)) if url else None
    if owner is None or owner.get_backend_name() != app_url.get_backend_name():
        # An embedded SQLite app has no roles: its one file is migrated as is.
        return create_engine(app_url)
    if (owner.host, owner.port, owner.database) != (app_url.host, app_url.port, app_url.database):
        raise RuntimeError("THIDUA_MIGRATION_DATABASE_URL names another database than DATABASE_URL")
    return create_engine(owner)


# Set on a connection (PostgreSQL) once its transaction has sent anything but a plain SELECT.
_WROTE = "thidua_transaction_wrote"


def _forget_writes(connection) -> None:
    connection.info.pop(_WROTE, None)


def _note_writes(connection, _cursor, statement: str, _parameters, context, _executemany) -> None:
    if _WROTE in connection.info:
        return
    dml = context is not None and (context.isinsert or context.isupdate or context.isdelete)
    if dml or statement.lstrip()[:6].upper() != "SELECT":
        # INSERT, UPDATE, DELETE, DDL, SAVEPOINT, a WITH that may hold a write: not read-only.
        connection.info[_WROTE] = True


def _read_only(db_session: Session) -> bool:
    """Whether the session's open transaction on PostgreSQL has only read: nothing pending in
    the session, and no statement sent but plain SELECTs (``set_config`` and ``FOR UPDATE``
    among them: what they set or lock ends with the transaction either way)."""
    if not db_session.in_transaction() or db_session.get_bind().dialect.name != "postgresql":
        return False
    if db_session.new or db_session.dirty or db_session.deleted:
        return False
    return not db_session.connection().info.get(_WROTE, False)


def database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["thidua_db"]


def session() -> ScopedSession:
    """The session of the current app context, created on first use."""
    if "db_session" not in g:
        g.db_session = database().new_session()
    return g.db_session


def _close_session(exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        if exc is not None:
            db_session.rollback()
        elif _read_only(db_session):
            # psycopg forgets every prepared statement at a ROLLBACK, so a request that only
            # read ends with COMMIT, which changes nothing and lets the connection keep them:
            # the statements every request repeats are then parsed and planned once per
            # connection, not on every request. Whatever wrote is rolled back as before.
            db_session.commit()
        db_session.close()


def default_sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + os.path.join(instance_path, "thidua.db")
