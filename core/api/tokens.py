"""``/tokens``: the caller's API tokens (listed, created with an expiry, revoked);
``/users/<id>/tokens`` and ``/users/<id>/password-reset``: what an admin may do to the
credentials of a user in their units."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Response, g, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.api.routing import Operation, commit, load_body, respond, route
from core.auth.context import current_access
from core.db.engine import session
from core.db.types import utcnow
from core.errors import Forbidden
from core.text.fields import Integer, Line
from core.users import operations
from core.users.models import User

MAX_DAYS = 365


class TokenSchema(Schema):
    id = fields.UUID()
    label = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(allow_none=True, metadata={"description": "null: until revoked"})
    revoked_at = fields.DateTime(allow_none=True)
    usable = fields.Function(lambda token: token.usable_at(utcnow()), dump_only=True,
                             metadata={"description": "Neither revoked nor expired"})


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))
    total = fields.Integer()


class TokenCreateSchema(Schema):
    label = Line(120, min_length=1, strip=True, required=True,
                          metadata={"description": "What the token is for"})
    expires_in_days = Integer(load_default=90, minimum=1, maximum=MAX_DAYS,
                              metadata={"description": "A token made here always expires"})


class TokenCreatedSchema(TokenSchema):
    token = fields.String(metadata={"description": "The bearer token itself, shown this once only"})


class RevokedSchema(Schema):
    revoked = fields.Integer(metadata={"description": "Tokens that were live and are now revoked"})


class PasswordResetSchema(Schema):
    temporary_password = fields.String(
        metadata={"description": "Shown this once; it only lets the user choose a new password"})
    must_change = fields.Boolean()


def _me() -> User:
    access = current_access()
    user = session().get(User, access.actor_id)
    assert user is not None  # the API answers 401 before any view without a caller
    return user


def _managed(user_id: uuid.UUID) -> User:
    """A user of the caller's units (else 404) whose every unit the caller administers (else
    403)."""
    db, access = session(), current_access()
    user = operations.visible_user(db, access, user_id)
    if not operations.manages(db, access, user):
        raise Forbidden(_("Tài khoản này còn thuộc đơn vị ngoài phạm vi bạn quản lý."))
    return user


@route("/tokens", ["GET"], Operation(
    summary="The caller's API tokens, newest first", tag="tokens", response=TokenListSchema,
    description="Revoked and expired tokens are listed too; the token values never are.",
))
def list_tokens() -> Response:
    items = operations.tokens_of(session(), _me())
    return respond(TokenListSchema(), {"items": items, "total": len(items)})


@route("/tokens", ["POST"], Operation(
    summary="Create an API token for the caller, with an expiry", tag="tokens", ok_status=201,
    body=TokenCreateSchema, response=TokenCreatedSchema,
    description="With the web session only: a bearer token cannot make another, or a stolen "
                "short-lived token could outlive its expiry and its revocation (403). The answer "
                "carries the token once; only its SHA-256 digest is stored. Audited as token.issue.",
    errors=(403,),
))
def create_token() -> Response:
    if g.get("authenticated_by_token"):
        raise Forbidden(_("Mã truy cập không thể tạo mã truy cập khác; hãy tạo trên trang Tài khoản "
                          "của tôi."))
    data = load_body(TokenCreateSchema())
    db, user = session(), _me()
    value = operations.issue_token(db, current_access(), user, label=data["label"].strip(),
                                   lifetime=timedelta(days=data["expires_in_days"]))
    commit()
    row = operations.token_by_value(db, value)
    row.token = value  # carried by this one answer, never stored
    return respond(TokenCreatedSchema(), row, status=201, headers={"Location": url_for(".list_tokens")})


@route("/tokens/<uuid:token_id>", ["DELETE"], Operation(
    summary="Revoke one of the caller's tokens", tag="tokens", ok_status=204, errors=(404,),
    description="Another user's token answers 404. Audited as token.revoke.",
))
def revoke_token(token_id: uuid.UUID) -> Response:
    operations.revoke_token(session(), current_access(), _me(), token_id)
    commit()
    return Response(status=204)


@route("/users/<uuid:user_id>/tokens", ["GET"], Operation(
    summary="A user's API tokens (an admin of every unit of the user)", tag="tokens",
    response=TokenListSchema, errors=(403, 404),
))
def list_user_tokens(user_id: uuid.UUID) -> Response:
    items = operations.tokens_of(session(), _managed(user_id))
    return respond(TokenListSchema(), {"items": items, "total": len(items)})


@route("/users/<uuid:user_id>/tokens", ["DELETE"], Operation(
    summary="Revoke every token of a user (an admin of every unit of the user)", tag="tokens",
    response=RevokedSchema, errors=(403, 404),
    description="A user outside the caller's units answers 404. Audited as token.revoke, per token.",
))
def revoke_user_tokens(user_id: uuid.UUID) -> Response:
    revoked = operations.revoke_all_tokens(session(), current_access(), _managed(user_id))
    commit()
    return respond(RevokedSchema(), {"revoked": revoked})


@route("/users/<uuid:user_id>/password-reset", ["POST"], Operation(
    summary="Reset a user's password (an admin of every unit of the user)", tag="tokens",
    response=PasswordResetSchema, errors=(403, 404),
    description="The answer carries a temporary password, shown once; the admin never sees the old "
                "one. Every session and token of the user ends, and the temporary password only "
                "opens the page where the user chooses a new one. An admin's password is reset only "
                "from a unit above theirs. Audited as user.password_reset.",
))
def reset_user_password(user_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    user = operations.visible_user(db, access, user_id)
    temporary = operations.reset_password(db, access, user)
    commit()
    return respond(PasswordResetSchema(), {"temporary_password": temporary, "must_change": True})
