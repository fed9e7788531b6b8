"""``thidua db``: schema migrations."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.db import migrate, roles
from core.db.engine import database, migration_engine


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Create or upgrade the schema."""
    engine = migration_engine()
    try:
        migrate.upgrade(engine, revision)
    finally:
        engine.dispose()
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Step the schema back to REVISION."""
    engine = migration_engine()
    try:
        migrate.downgrade(engine, revision)
    finally:
        engine.dispose()
    click.echo(f"Database at {revision}.")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def revision_command(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    engine = migration_engine()
    try:
        migrate.revision(engine, message)
    finally:
        engine.dispose()


@db_group.command("create-app-role")
@click.argument("name")
@click.option("--password-env", metavar="VAR",
              help="Environment variable holding the role's password (none: keep or set no password).")
@with_appcontext
def create_app_role_command(name: str, password_env: str | None) -> None:
    """Create the role the app connects as (PostgreSQL; run as the tables' owner).

    NAME owns no table, is no superuser and has no BYPASSRLS, so row-level security binds it;
    it gets DML on every table (insert and read only on the audit log). Idempotent: run it
    again after a migration adds tables created by another owner.
    """
    import os

    password = os.environ.get(password_env) if password_env else None
    if password_env and password is None:
        raise click.UsageError(f"{password_env} is not set")
    owner_url = current_app.config.get("MIGRATION_DATABASE_URL") or ""
    if owner_url.startswith("postgres") and database().engine.dialect.name != "postgresql":
        # The owner's URL counts only beside the app's own PostgreSQL database (migration_engine).
        raise click.UsageError(
            "DATABASE_URL names no PostgreSQL database: set it to the database the app will use, "
            f"as the role {name} (postgresql://{name}@host/db), then run this again.")
    engine = migration_engine()
    try:
        roles.create_app_role(engine, name, password)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    finally:
        engine.dispose()
    click.echo(f"Role {name} may now connect; use it in DATABASE_URL.")
