"""``thidua users``: accounts, memberships and API tokens."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.cli.system import fail, system_session
from core.errors import ThiDuaError
from core.tenants.operations import find_by_slug_or_code
from core.users import operations, roles


@click.group("users")
def users_group() -> None:
    """User accounts and tokens."""


@users_group.command("create")
@click.argument("username")
@click.option("--tenant", "tenant_ref", required=True, help="Slug or official code of the unit.")
@click.option("--role", type=click.Choice(roles.ROLES), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default="")
@with_appcontext
def create_command(username: str, tenant_ref: str, role: str, password: str, full_name: str) -> None:
    """Create USERNAME (or reuse it) and give it ROLE in a unit."""
    db, access = system_session()
    tenant = find_by_slug_or_code(db, tenant_ref)
    if tenant is None:
        raise click.ClickException(f"No unit with slug or current code {tenant_ref!r}.")
    try:
        user = operations.find_user(db, username)
        if user is None:
            user = operations.create_user(db, access, username, password, full_name=full_name)
        operations.add_membership(db, access, user, tenant, role)
    except ThiDuaError as error:
        db.rollback()
        fail(error)
    db.commit()
    click.echo(f"{user.username}: {role} of {tenant.name} ({tenant.slug})")


@users_group.command("token")
@click.argument("username")
@click.option("--label", default="cli")
@with_appcontext
def token_command(username: str, label: str) -> None:
    """Issue an API bearer token for USERNAME; the token is the last line printed."""
    db, access = system_session()
    user = operations.find_user(db, username)
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    token = operations.issue_token(db, access, user, label=label)
    db.commit()
    click.echo(f"Bearer token for {user.username} (shown once):")
    click.echo(token)
