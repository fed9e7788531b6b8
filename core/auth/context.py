"""The signed-in user's access, built once per request, and the tenant context it sets."""

from __future__ import annotations

import uuid

from flask import g, request
from flask_login import current_user

from core.db import scoping
from core.db.engine import session
from core.users.access import Access, user_with_grants
from core.users.models import User


def client_ip() -> str:
    return request.remote_addr or ""


def current_access() -> Access:
    """The caller's grants; anonymous callers get an Access with none."""
    if "access" not in g:
        user = current_user._get_current_object() if current_user.is_authenticated else None
        loaded = g.pop("signed_in_grants", None)
        grants = loaded[1] if loaded is not None and user is not None and loaded[0] == user.id else None
        g.access = Access.for_user(session(), user, ip=client_ip(), grants=grants)
        scoping.set_context(session(), g.access.tenant_context())
    return g.access


def load_session_user(user_key: str) -> User | None:
    """Flask-Login's user_loader: ``<user id>:<session version>``; a stale version (password
    changed, account deactivated, logged out everywhere) loads no one."""
    user_id, _, version = user_key.partition(":")
    try:
        uid = uuid.UUID(user_id)
        expected_version = int(version)
    except ValueError:
        return None
    db = session()
    with scoping.unscoped_statements(db) as block:
        # The grants come with the user in one statement; current_access() takes them.
        user, grants = user_with_grants(db, uid)
        if user is None or not user.active or user.session_version != expected_version:
            return None
        g.signed_in_grants = (user.id, grants)
        # The grants are known here: the statement that closes the unscoped read sets them, and
        # current_access() setting the same context again sends nothing.
        block.end_with(Access.for_user(db, user, grants=grants).tenant_context())
    return user


def load_token_user(req) -> User | None:
    """Flask-Login's request_loader: ``Authorization: Bearer <token>``."""
    from core.users.operations import user_for_token

    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = user_for_token(session(), token.strip())
    if user is not None:
        g.authenticated_by_token = True
        session().commit()
    return user
