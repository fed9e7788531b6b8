"""``thidua demo``: demo users for the Hanoi directory."""

from __future__ import annotations

import click


@click.command("demo")
def demo_command() -> None:
    """Create demo users and an open period (after `thidua tenants load tenants/hanoi.yaml`)."""
    raise click.ClickException("not yet available")
