"""``thidua tenants``: the tenant directory."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.cli.system import system_session
from core.tenants.directory import DirectoryError, Report, load_file
from core.tenants.kinds import CORE_KINDS
from core.tenants.models import Tenant
from core.text import fold


@click.group("tenants")
def tenants_group() -> None:
    """Tenant directory."""


def _show(value: object) -> str:
    return "—" if value in (None, "", {}, []) else str(value)


def print_report(report: Report, verbose: bool = True) -> None:
    if verbose:
        for change in report.changes:
            click.echo(f"{change.action:<7} {change.slug}  {change.name}")
            if change.action == "update":
                for name, (before, after) in change.fields.items():
                    if name == "attributes":
                        continue
                    click.echo(f"          {name}: {_show(before)} → {_show(after)}")
    prefix = "Dry run (nothing written): " if report.dry_run else ""
    click.echo(f"{prefix}{report.created} created, {report.updated} updated, {report.unchanged} unchanged.")
    if report.clusters_created or report.clusters_updated:
        click.echo(f"Clusters: {report.clusters_created} created, {report.clusters_updated} updated.")


@tenants_group.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and show the changes without writing them.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the totals.")
@with_appcontext
def load_command(file: Path, dry_run: bool, quiet: bool) -> None:
    """Create or update the units listed in FILE (YAML). Matches units by slug; never deletes."""
    db, _access = system_session()
    try:
        report = load_file(db, file, dry_run=dry_run)
    except DirectoryError as error:
        db.rollback()
        for problem in error.problems:
            click.echo(f"{file}:line {problem.line}: {problem.reason}", err=True)
        raise click.ClickException(f"{file}: {len(error.problems)} problem(s), nothing was loaded.") from None
    print_report(report, verbose=not quiet)


def _order(unit: Tenant) -> tuple[int, str]:
    rank = CORE_KINDS.index(unit.kind) if unit.kind in CORE_KINDS else len(CORE_KINDS)
    return rank, fold(unit.name)


@tenants_group.command("tree")
@click.option("--root", "root_slug", default=None, help="Slug of the unit to start from.")
@click.option("--depth", type=click.IntRange(min=0), default=None, help="Levels below the root.")
@with_appcontext
def tree_command(root_slug: str | None, depth: int | None) -> None:
    """Print the tenant tree, indented."""
    db, _access = system_session()
    query = select(Tenant).where(Tenant.active.is_(True))
    base_depth = 0
    if root_slug:
        root = db.scalar(select(Tenant).where(Tenant.slug == root_slug))
        if root is None:
            raise click.ClickException(f"No unit with slug {root_slug!r}.")
        query = query.where(Tenant.path.startswith(root.path))
        base_depth = root.depth
    if depth is not None:
        query = query.where(Tenant.depth <= base_depth + depth)
    units = db.scalars(query).all()
    children: dict[object, list[Tenant]] = {}
    ids = {unit.id for unit in units}
    for unit in units:
        key = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(key, []).append(unit)

    def show(parent_id: object, level: int) -> None:
        for unit in sorted(children.get(parent_id, []), key=_order):
            code = f" [{unit.code}]" if unit.code else ""
            click.echo(f"{'  ' * level}{unit.name}{code} ({unit.kind}, {unit.slug})")
            show(unit.id, level + 1)

    show(None, 0)
