"""``thidua rollups``: recompute the rollups from the stored reports."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.audit.operations import record
from core.cli.system import system_session
from core.periods.operations import find_by_key
from core.plugins import current_host
from core.rollups import operations


@click.group("rollups")
def rollups_group() -> None:
    """Rollups of each period per subtree (what dashboards read)."""


@rollups_group.command("rebuild")
@with_appcontext
@click.option("--period", "period_key", default=None, help="Only this period (its key).")
def rebuild_command(period_key: str | None) -> None:
    """Recompute the rollups of every period (or of one) and the census of every subtree from
    the tenants and the stored reports. Run it after upgrading from a version without rollups
    or after restoring reports by hand; the dashboards are correct without it otherwise."""
    db, access = system_session()
    period = None
    if period_key:
        period = find_by_key(db, period_key)
        if period is None:
            raise click.ClickException(f"No period with key {period_key!r}.")
    try:
        report = operations.rebuild(db, current_host(), period)
        record(db, "rollups.rebuild", actor_label=access.actor_label, object_type="period",
               object_id=period.id if period else "", tenant_id=period.owner_tenant_id if period else None,
               changes={"periods": [None, report.periods], "reports": [None, report.reports]})
        db.commit()
    except BaseException:
        db.rollback()
        raise
    click.echo(f"Rebuilt {report.rows} rollup rows from {report.reports} reports in "
               f"{report.periods} period(s); {report.units} units counted.")
