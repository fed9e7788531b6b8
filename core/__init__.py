"""Thi Đua core: tenants, users and roles, reporting periods, audit, and the surfaces on them."""

__version__ = "0.1.0"
