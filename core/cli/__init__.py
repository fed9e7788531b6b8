"""The ``thidua`` command: a Flask CLI group on the app factory."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from core.errors import ThiDuaError


def _create_app():
    from core.app import create_app
    from core.config import ConfigError
    from core.plugins.manager import PluginLoadError

    try:
        return create_app()
    except (ConfigError, PluginLoadError) as error:
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True,
             add_version_option=False)
def main() -> None:
    """Thi Đua: the "Toàn dân bảo vệ an ninh Tổ quốc" emulation platform."""


def register_commands(app: Flask) -> None:
    from core.db.cli import db_group
    from core.demo import demo_command
    from core.jobs.cli import jobs_group, worker_command
    from core.periods.cli import periods_group
    from core.rollups.cli import rollups_group
    from core.tenants.cli import tenants_group
    from core.users.cli import users_group

    for command in (db_group, tenants_group, users_group, periods_group, demo_command, jobs_group,
                    worker_command, rollups_group):
        app.cli.add_command(command)


def fail(error: ThiDuaError) -> None:
    """Turn an operations error into a CLI message and a non-zero exit."""
    message = error.message
    if getattr(error, "errors", None):
        message = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.errors.items())
    raise click.ClickException(message)
