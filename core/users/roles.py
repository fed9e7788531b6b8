"""Roles a membership grants. reviewer, admin and viewer reach the whole subtree."""

REPORTER = "reporter"
HEAD = "head"
REVIEWER = "reviewer"
ADMIN = "admin"
VIEWER = "viewer"

ROLES: tuple[str, ...] = (REPORTER, HEAD, REVIEWER, ADMIN, VIEWER)
SUBTREE_ROLES: frozenset[str] = frozenset({REVIEWER, ADMIN, VIEWER})
# Roles that write their own tenant's data (reports). Admins write the subtree's directory.
OWN_WRITE_ROLES: frozenset[str] = frozenset({REPORTER, HEAD, ADMIN})
