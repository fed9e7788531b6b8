"""Global user accounts, their memberships in tenants, and API tokens."""
