"""Alembic environment: the URL and metadata come from the Thi Đua app."""

from __future__ import annotations

from alembic import context

from core.db.types import UTCDateTime
from migrations.models import target_metadata

config = context.config


def render_item(type_, obj, autogen_context):
    """Migrations name plain SQLAlchemy types, never the app's own TypeDecorators."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through `thidua db upgrade`")
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
