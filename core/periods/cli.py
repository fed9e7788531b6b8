"""``thidua periods``: create, open and close reporting periods."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from marshmallow import ValidationError

from core.cli.system import fail, system_session
from core.errors import Invalid, ThiDuaError
from core.periods import models, operations
from core.periods.schemas import PeriodInputSchema
from core.tenants.operations import find_by_slug_or_code


@click.group("periods")
def periods_group() -> None:
    """Reporting periods."""


@periods_group.command("create")
@click.argument("key")
@click.option("--kind", type=click.Choice(models.KINDS), default="annual", show_default=True)
@click.option("--title", required=True)
@click.option("--opens-at", required=True, help="ISO 8601; without an offset, Hanoi time; a deadline "
              "given as a date is the end of that day.")
@click.option("--due-at", required=True)
@click.option("--city-due-at", required=True)
@click.option("--closes-at", required=True)
@click.option("--owner", default="ha-noi", show_default=True, help="Slug or code of the owner.")
@with_appcontext
def create_command(key, kind, title, opens_at, due_at, city_due_at, closes_at, owner) -> None:
    """Create period KEY in draft."""
    db, access = system_session()
    owner_tenant = find_by_slug_or_code(db, owner)
    if owner_tenant is None:
        raise click.ClickException(f"No unit with slug or current code {owner!r}.")
    try:
        data = PeriodInputSchema().load({
            "key": key, "kind": kind, "title": title, "opens_at": opens_at, "due_at": due_at,
            "city_due_at": city_due_at, "closes_at": closes_at,
        })
        period = operations.create(db, access, owner_tenant, data)
    except ValidationError as error:
        fail(Invalid(error.normalized_messages()))
    except ThiDuaError as error:
        fail(error)
    db.commit()
    click.echo(f"Period {period.key} created ({period.state}).")


def _move(key: str, state: str, reason: str, owner: str | None) -> None:
    db, access = system_session()
    owner_tenant = None
    if owner:
        owner_tenant = find_by_slug_or_code(db, owner)
        if owner_tenant is None:
            raise click.ClickException(f"No unit with slug or current code {owner!r}.")
    # Keys are unique per owning unit: without --owner, the highest unit's period with the key.
    period = operations.find_by_key(db, key, owner_tenant)
    if period is None:
        raise click.ClickException(f"No period {key!r}.")
    try:
        operations.transition(db, access, period, state, reason=reason)
    except ThiDuaError as error:
        fail(error)
    db.commit()
    click.echo(f"Period {period.key} is {period.state}.")


@periods_group.command("open")
@click.argument("key")
@click.option("--reason", default="")
@click.option("--owner", default=None, help="Slug or code of the owner (keys are unique per owner).")
@with_appcontext
def open_command(key: str, reason: str, owner: str | None) -> None:
    """Open period KEY for reporting."""
    _move(key, models.OPEN, reason, owner)


@periods_group.command("close")
@click.argument("key")
@click.option("--reason", default="")
@click.option("--owner", default=None, help="Slug or code of the owner (keys are unique per owner).")
@with_appcontext
def close_command(key: str, reason: str, owner: str | None) -> None:
    """Close period KEY."""
    _move(key, models.CLOSED, reason, owner)
