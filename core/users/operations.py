"""Creating users, memberships, passwords and tokens; authenticating."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.db.types import utcnow
from core.errors import Forbidden, Invalid, NotFound
from core.tenants.models import Tenant
from core.users import passwords, roles
from core.users.access import Access, memberships_of
from core.users.models import ApiToken, Membership, User

TOKEN_PREFIX = "td_"
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,119}")


def find_user(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username.strip().lower()))


def _check_password_rules(password: str) -> None:
    if len(password) < passwords.MIN_LENGTH:
        raise Invalid(
            {"password": [_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=passwords.MIN_LENGTH)]}
        )


def create_user(
    db: Session, access: Access, username: str, password: str, full_name: str = "",
    email: str | None = None,
) -> User:
    if not access.tenant_context().system and not any(g.role == roles.ADMIN for g in access.grants):
        raise Forbidden(_("Chỉ quản trị viên mới được tạo tài khoản."))
    username = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(username):
        raise Invalid({"username": [
            _("Chỉ dùng chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.")
        ]})
    if find_user(db, username) is not None:
        raise Invalid({"username": [_("Tên đăng nhập này đã được sử dụng.")]})
    _check_password_rules(password)
    user = User(
        id=uuid.uuid4(), username=username, full_name=full_name.strip(), email=email,
        password_hash=passwords.hash_password(password),
    )
    db.add(user)
    record(
        db, "user.create", actor_id=access.actor_id, actor_label=access.actor_label,
        object_type="user", object_id=user.id, changes={"username": [None, username]},
    )
    return user


def add_membership(db: Session, access: Access, user: User, tenant: Tenant, role: str) -> Membership:
    if role not in roles.ROLES:
        raise Invalid({"role": [_("Vai trò không hợp lệ.")]})
    if not access.is_admin_of(tenant):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị này hoặc cấp trên mới được thêm thành viên."))
    existing = db.scalar(
        select(Membership).where(
            Membership.tenant_id == tenant.id, Membership.user_id == user.id, Membership.role == role
        )
    )
    if existing is not None:
        return existing
    membership = Membership(tenant_id=tenant.id, user_id=user.id, role=role)
    db.add(membership)
    record(
        db, "membership.add", tenant_id=tenant.id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="user", object_id=user.id,
        changes={"role": [None, role]},
    )
    return membership


def remove_membership(db: Session, access: Access, membership_id: uuid.UUID) -> None:
    # Scoped: a membership in a tenant the caller cannot write is simply not found.
    membership = db.scalar(select(Membership).where(Membership.id == membership_id))
    tenant = db.get(Tenant, membership.tenant_id) if membership is not None else None
    if membership is None or tenant is None:
        raise NotFound(_("Không tìm thấy thành viên."))
    if not access.is_admin_of(tenant):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị này hoặc cấp trên mới được gỡ vai trò."))
    db.delete(membership)
    record(
        db, "membership.remove", tenant_id=tenant.id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="user", object_id=membership.user_id,
        changes={"role": [membership.role, None]},
    )


def revoke_sessions(user: User) -> None:
    """Every cookie issued before this call stops working."""
    user.session_version += 1


def set_password(db: Session, access: Access, user: User, password: str) -> None:
    _check_password_rules(password)
    user.password_hash = passwords.hash_password(password)
    revoke_sessions(user)
    record(
        db, "user.password_change", actor_id=access.actor_id, actor_label=access.actor_label,
        object_type="user", object_id=user.id,
    )


def manages(db: Session, access: Access, user: User) -> bool:
    """Whether ``access`` administers every unit ``user`` belongs to: only then may it lock or
    unlock the account, which is shared by all of them."""
    if access.tenant_context().system:
        return True
    held = memberships_of(db, user)
    return bool(held) and all(access.is_admin_of(tenant) for _membership, tenant in held)


def set_active(db: Session, access: Access, user: User, active: bool) -> None:
    if not manages(db, access, user):
        raise Forbidden(_("Tài khoản này còn thuộc đơn vị ngoài phạm vi bạn quản lý."))
    if user.id == access.actor_id and not active:
        raise Invalid({"active": [_("Bạn không thể tự khóa tài khoản của mình.")]})
    if user.active == active:
        return
    user.active = active
    if not active:
        revoke_sessions(user)
    record(
        db, "user.activate" if active else "user.deactivate", actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="user", object_id=user.id,
        changes={"active": [not active, active]},
    )


def authenticate(db: Session, username: str, password: str, ip: str = "") -> User | None:
    """The user when the password matches an active account; None otherwise, with the same cost
    and the same answer whether the account is unknown, inactive or the password wrong."""
    user = find_user(db, username)
    if user is None:
        passwords.dummy_verify(password)
        ok = False
    else:
        ok = passwords.verify_password(user.password_hash, password) and user.active
    if not ok:
        record(
            db, "auth.login_failed", actor_id=user.id if user else None,
            actor_label=username[:120], ip=ip,
        )
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    record(db, "auth.login", actor_id=user.id, actor_label=user.username, ip=ip)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(db: Session, access: Access, user: User, label: str = "") -> str:
    """A new bearer token; the plain value is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(ApiToken(user_id=user.id, digest=_digest(token), label=label))
    record(
        db, "token.issue", actor_id=access.actor_id, actor_label=access.actor_label,
        object_type="user", object_id=user.id, changes={"label": [None, label]},
    )
    return token


def user_for_token(db: Session, token: str) -> User | None:
    row = db.scalar(
        select(ApiToken).where(ApiToken.digest == _digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None:
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = utcnow()
    return user
