"""REST API ``/api/v1``: JSON in and out, a bearer token or the web session, one error shape."""

from importlib import import_module

from flask import Blueprint

blueprint = Blueprint("api", __name__)

# Each module adds its routes to the blueprint when imported; errors and auth come first so that
# their handlers and hooks cover every route.
MODULES: tuple[str, ...] = (
    "errors",
    "auth",
    "me",
    "tenants",
    "periods",
    "notifications",
    "reports",
    "review",
    "extensions",
    "audit",
    "plugins",
    "criteria_sets",
    "criteria_defs",
    "evidence",
    "excel",
    "tokens",
    "dashboards",
    "clusters",
    "exports",
    "awards",
    "openapi",
)

for _name in MODULES:
    import_module(f"{__name__}.{_name}")

