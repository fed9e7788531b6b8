"""``thidua tenants``: the tenant directory."""

from __future__ import annotations

import click


@click.group("tenants")
def tenants_group() -> None:
    """Tenant directory."""
