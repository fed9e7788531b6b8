"""``thidua plugins list|new``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from core.plugins import scaffold
from core.plugins.manager import plugin_host


@click.group("plugins")
def plugins_group() -> None:
    """Installed plugins and a scaffold for new ones."""


@plugins_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@with_appcontext
def list_command(as_json: bool) -> None:
    """Every installed plugin: distribution, version, state (loaded / failed / disabled), cause
    and criteria sets."""
    host = plugin_host(current_app)
    infos = host.info_list()
    if as_json:
        click.echo(json.dumps([info.as_dict() for info in infos], ensure_ascii=False, indent=2))
        return
    if not infos:
        click.echo("No plugins installed (entry point group thidua.plugins).")
        return
    for info in infos:
        dist = f"{info.distribution} {info.version}" if info.distribution else "-"
        click.echo(f"{info.name}  {dist}  {info.state}")
        if info.cause:
            click.echo(f"    cause: {info.cause}")
        for key, version in info.criteria_sets:
            click.echo(f"    criteria set {key} v{version}")


@plugins_group.command("new")
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Where to create the package.")
def new_command(name: str, directory: Path) -> None:
    """Create an installable plugin package NAME with one criteria set and a passing test."""
    try:
        root = scaffold.create(name, directory)
    except scaffold.ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {root}")
    click.echo(f"Next: cd {root} && pip install -e '.[test]' && pytest")


@plugins_group.command("docs")
@click.option("--check", is_flag=True, help="Only compare; exit 1 listing the pages that differ.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("docs/plugins"), show_default=True, help="Where the pages live.")
@with_appcontext
def docs_command(check: bool, directory: Path) -> None:
    """Write a Markdown page per plugin with criteria sets, generated from its definitions: the
    title and introduction from the plugin module's docstring, the rules from the docstrings of
    the sets' validate, score and outcomes callables. Says where each text came from, and warns
    on stderr about a missing docstring."""
    from core.plugins import docgen

    host = plugin_host(current_app)
    for name in docgen.documented_plugins(host):
        for warning in docgen.text_sources(host, name)[1]:
            click.echo(f"Warning: {name}: {warning}", err=True)
    if not check:
        for path in docgen.write_pages(host, directory):
            click.echo(f"Wrote {path}")
            for source in docgen.text_sources(host, path.stem)[0]:
                click.echo(f"    {source}")
        return
    stale = docgen.stale_pages(host, directory)
    for path in stale:
        click.echo(f"Out of date: {path}", err=True)
    if stale:
        click.echo("Run `thidua plugins docs` and commit the pages.", err=True)
        raise SystemExit(1)
    click.echo("Plugin pages are up to date.")
