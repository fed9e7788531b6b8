"""``thidua db``: schema migrations."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.db import migrate
from core.db.engine import database


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Create or upgrade the schema."""
    migrate.upgrade(database().engine, revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Step the schema back to REVISION."""
    migrate.downgrade(database().engine, revision)
    click.echo(f"Database at {revision}.")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def revision_command(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    migrate.revision(database().engine, message)
