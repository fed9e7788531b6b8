"""``thidua users``: accounts, memberships and API tokens."""

from __future__ import annotations

from datetime import timedelta

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
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Days the token is valid (default: until revoked).")
@with_appcontext
def token_command(username: str, label: str, days: int | None) -> None:
    """Issue an API bearer token for USERNAME; the token is the last line printed."""
    db, access = system_session()
    user = operations.find_user(db, username)
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    lifetime = timedelta(days=days) if days else None
    token = operations.issue_token(db, access, user, label=label, lifetime=lifetime)
    db.commit()
    click.echo(f"Bearer token for {user.username} (shown once):")
    click.echo(token)


@users_group.command("login-timing")
@click.option("--rounds", default=40, show_default=True, help="Sign-ins of each kind.")
@with_appcontext
def login_timing_command(rounds: int) -> None:
    """Measure whether an unknown user name costs what a wrong password costs.

    Alternates sign-ins as a throw-away account with a wrong password and as a name no account
    has, through the same operation the login page calls, with the production password hasher;
    prints both medians, their ratio, and one bare Argon2 verification as the baseline. Everything
    it writes (the account, the failed-login audit entries) is rolled back.
    """
    import secrets
    import statistics
    import time

    from core.users import passwords

    db, access = system_session()
    password = secrets.token_urlsafe(12)
    user = operations.create_user(db, access, f"timing-{secrets.token_hex(4)}", password)
    db.flush()
    known, unknown, bare = [], [], []
    try:
        for n in range(rounds):
            for name, samples in ((user.username, known), (f"nobody-{n}-{secrets.token_hex(4)}", unknown)):
                started = time.perf_counter()
                operations.authenticate(db, name, "wrong-" + password, ip="127.0.0.1")
                samples.append(time.perf_counter() - started)
            started = time.perf_counter()
            passwords.verify_password(user.password_hash, "wrong")
            bare.append(time.perf_counter() - started)
    finally:
        db.rollback()
    wrong_ms = statistics.median(known) * 1000
    unknown_ms = statistics.median(unknown) * 1000
    click.echo(f"rounds: {rounds}")
    click.echo(f"baseline, one Argon2 verification: {statistics.median(bare) * 1000:.1f} ms (median)")
    click.echo(f"known user, wrong password: {wrong_ms:.1f} ms (median)")
    click.echo(f"unknown user: {unknown_ms:.1f} ms (median)")
    click.echo(f"ratio unknown / wrong password: {unknown_ms / wrong_ms:.3f}")
