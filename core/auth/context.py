"""The signed-in user's access, built once per request, and the tenant context it sets."""

from __future__ import annotations

import uuid

from flask import g, request
from flask_login import current_user

from core.db import scoping
from core.db.engine import session
from core.db.scoping import TenantContext
from core.users.access import Access, user_with_grants
from core.users.models import User


def client_ip() -> str:
    return request.remote_addr or ""


# The tenant context each user signed in with last, in this process: the statement that signs a
# request in sets it (see user_with_grants), and only when the user's grants changed since are
# they set again, by a statement of their own. A hint, never a grant: what is set is checked
# against the grants just read before any other statement runs.
_LAST_CONTEXT: dict[uuid.UUID, TenantContext] = {}
_LAST_CONTEXT_LIMIT = 10_000


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
    user, grants = user_with_grants(db, uid, session_version=expected_version, likely=_LAST_CONTEXT.get(uid))
    if user is None or not user.active or user.session_version != expected_version:
        return None
    try:
        context = Access.for_user(db, user, grants=grants).tenant_context()
        # Before any other statement: the one above set the grants the user had last time, which
        # differ when a membership changed since. Equal grants send nothing; current_access()
        # takes the grants and sets the same context again, which sends nothing either.
        scoping.set_context(db, context)
    except BaseException:
        # Whatever the statement set must not outlive this request's failure.
        db.rollback()
        raise
    if len(_LAST_CONTEXT) >= _LAST_CONTEXT_LIMIT:
        _LAST_CONTEXT.clear()
    _LAST_CONTEXT[uid] = context
    g.signed_in_grants = (user.id, grants)
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
