"""The throw-away database a ``thidua bench`` run builds its city in, so that the configured
database is never written: on PostgreSQL a fresh schema of the configured database (the run's
connections put it first on their ``search_path``), on SQLite a file in a temporary directory.
Both are migrated to head, and dropped when the run ends, whatever the way it ends."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from core.bench import sql
from core.db import migrate
from core.db.engine import Database, normalise_url
from core.db.roles import create_app_role


@dataclass(frozen=True)
class Scratch:
    """``url`` reaches the scratch database (what the servers get as ``DATABASE_URL``);
    ``workdir`` holds the run's files; ``schema`` is the PostgreSQL schema (``None`` on SQLite);
    ``owner_url`` reaches it as the tables' owner (what migrated it)."""

    url: str
    workdir: Path
    schema: str | None
    owner_url: str | None = None


@contextmanager
def scratch_database(configured_url: str, *, owner_url: str | None = None,
                     keep: bool = False) -> Iterator[Scratch]:
    """A migrated, empty database beside ``configured_url``; dropped on exit unless ``keep``.
    On PostgreSQL the schema is made, migrated and dropped through ``owner_url`` (the migration
    URL, when the application connects as a role bound by row-level security), and the
    application's role is granted its tables, so the run measures the product as it is served.

    :raises RuntimeError: the configured database is neither PostgreSQL nor SQLite.
    """
    url = make_url(normalise_url(configured_url))
    owner = make_url(normalise_url(owner_url)) if owner_url else url
    workdir = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    schema = None
    try:
        if url.get_backend_name() == "postgresql":
            schema = f"thidua_bench_{secrets.token_hex(4)}"
            admin = create_engine(owner)
            try:
                with admin.begin() as connection:
                    sql.create_schema(connection, schema)
            finally:
                admin.dispose()
            scratch_url = url.update_query_dict({"options": f"-csearch_path={schema}"})
            migrate_url = owner.update_query_dict({"options": f"-csearch_path={schema}"})
        elif url.get_backend_name() == "sqlite":
            scratch_url = migrate_url = make_url(f"sqlite:///{workdir / 'bench.db'}")
        else:
            raise RuntimeError(f"thidua bench runs on PostgreSQL or SQLite, not {url.get_backend_name()}")
        rendered = scratch_url.render_as_string(hide_password=False)
        engine = create_engine(migrate_url)
        try:
            migrate.upgrade(engine)
            if schema is not None and url.username != owner.username:
                create_app_role(engine, url.username, schema=schema)
        finally:
            engine.dispose()
        yield Scratch(rendered, workdir, schema, migrate_url.render_as_string(hide_password=False))
    finally:
        if schema is not None and not keep:
            admin = create_engine(owner)
            try:
                with admin.begin() as connection:
                    sql.drop_schema(connection, schema)
            finally:
                admin.dispose()
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def analyze(scratch: Scratch) -> None:
    """Gather the planner's statistics of the scratch tables (``ANALYZE``, as their owner), as
    the autovacuum daemon does in a served database some seconds after a bulk load. Without
    them PostgreSQL plans every statement of the freshly built city as if its tables were empty
    (and a server may run with autovacuum off), which measures a state the product is never
    served in."""
    engine = create_engine(scratch.owner_url or scratch.url)
    try:
        with engine.begin() as connection:
            sql.analyze(connection)
    finally:
        engine.dispose()


@contextmanager
def app_on(app: Flask, url: str) -> Iterator[Database]:
    """``app`` reading and writing ``url`` instead of its own database while the block runs (its
    engine swapped, then disposed and the app's own put back)."""
    own = app.extensions["thidua_db"]
    scratch = Database(url)
    app.extensions["thidua_db"] = scratch
    try:
        yield scratch
    finally:
        app.extensions["thidua_db"] = own
        scratch.dispose()
