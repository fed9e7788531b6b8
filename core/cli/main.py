"""The ``thidua`` entry point: a Flask CLI group on the app factory.

No command signs a session, so the command line builds the app without requiring
``SECRET_KEY`` (:func:`core.config.load`); only ``thidua run``, which serves web pages, asks for
one. The core's commands are part of the group itself, so ``--help`` and ``thidua plugins new``
never build the app; the others build it when they run. Plugin commands come with the app.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo, routes_command, run_command, shell_command

from core.cli.commands import register_commands


def _create_app() -> Flask:
    from core.app import StartupError, create_app

    try:
        return create_app(require_secret=False)
    except StartupError as error:
        raise click.ClickException(str(error)) from None


class ThiDuaGroup(FlaskGroup):
    """Flask's group, listing the plugins' commands only when the app can be built: without it
    ``thidua --help`` still lists the core's commands and says in one line why the others are
    missing, instead of printing a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(click.Group.list_commands(self, ctx))
        try:
            names.update(ctx.ensure_object(ScriptInfo).load_app().cli.list_commands(ctx))
        except click.ClickException as error:
            first_line = error.format_message().splitlines()[0]
            click.echo(f"Plugin commands are not listed: {first_line}", err=True)
        except Exception as error:  # noqa: BLE001 - the help must still print
            click.echo(f"Plugin commands are not listed: {type(error).__name__}: {error}", err=True)
        return sorted(names)


@click.pass_context
def _run(ctx: click.Context, **options) -> None:
    from core.config import SECRET_KEY_HINT

    app = ctx.ensure_object(ScriptInfo).load_app()
    if not app.secret_key:
        raise click.ClickException(SECRET_KEY_HINT)
    ctx.invoke(run_command, **options)


# Flask's development server, refusing to serve sessions it could not sign.
serve_command = click.Command(
    "run", callback=_run, params=run_command.params, help=run_command.help,
    short_help=run_command.short_help,
)


@click.group(cls=ThiDuaGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """Thi Đua: the "Toàn dân bảo vệ an ninh Tổ quốc" emulation platform."""


for _command in (serve_command, shell_command, routes_command):
    main.add_command(_command)
register_commands(main)
