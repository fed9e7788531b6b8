"""Creating users, memberships, passwords and tokens; authenticating."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.db.types import utcnow
from core.errors import Forbidden, Invalid, NotFound
from core.tenants.models import Tenant
from core.users import passwords, roles
from core.users.access import Access, memberships_of
from core.users.models import LOCAL_NAME_LENGTH, USERNAME_LENGTH, ApiToken, Membership, User

TOKEN_PREFIX = "td_"
# A whole name, chosen by a caller with system access (the CLI, the demo, fixtures). No "@": that
# sign only joins a local part to its unit's slug, so a qualified name never meets an older one.
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,119}")
# The part a unit's admin types; the account is named "local@<unit slug>" (qualified_name).
# Letters and digits, with single ".", "_" or "-" between them: a name read out or copied by hand
# has no stray mark at either end and no two in a row. Its length is checked apart
# (LOCAL_NAME_MIN..LOCAL_NAME_LENGTH), so that the message can say which rule failed.
LOCAL_NAME_PATTERN = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
LOCAL_NAME_MIN = 2
QUALIFIER = "@"


def login_name(username: str) -> str:
    """A typed user name as accounts store it (trimmed, lower case, at most
    ``USERNAME_LENGTH`` characters, the column's width)."""
    return username.strip().lower()[:USERNAME_LENGTH]


def find_user(db: Session, username: str) -> User | None:
    """The account named ``username`` (trimmed, in lower case), anywhere on the
    platform: for sign-in and callers with system access. A unit's admin looks names up with
    :func:`find_user_below`."""
    return db.scalar(select(User).where(User.username == username.strip().lower()))


def qualified_name(local: str, unit: Tenant) -> str:
    """The sign-in name of an account a unit's admin creates in ``unit``: ``local@<unit slug>``.

    Slugs are unique platform-wide, so two units' admins never compete for a name: a name taken
    in a unit outside the admin's reach cannot be told from a free one (docs/security.md, "Sign-in
    names")."""
    return f"{local}{QUALIFIER}{unit.slug}"


def find_user_below(db: Session, root: Tenant, username: str) -> User | None:
    """The account named ``username`` when ``root``'s admin can reach it: it holds a role in a
    unit of ``root``'s subtree, or its name is qualified with the slug of such a unit. None
    otherwise, exactly as for a name no account has, so that a name from outside the subtree
    reveals nothing (one statement either way)."""
    name = username.strip().lower()
    below = select(Tenant.id).where(Tenant.path.startswith(root.path))
    reachable = exists().where(Membership.user_id == User.id, Membership.tenant_id.in_(below))
    _local, qualifier, slug = name.rpartition(QUALIFIER)
    if qualifier:
        reachable = or_(reachable, exists().where(
            Tenant.slug == slug, Tenant.path.startswith(root.path)))
    return db.scalar(select(User).where(User.username == name, reachable))


def _check_password_rules(password: str) -> None:
    if len(password) < passwords.MIN_LENGTH:
        raise Invalid(
            {"password": [_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=passwords.MIN_LENGTH)]}
        )


def _check_local_name(local: str, unit: Tenant) -> None:
    """Refuse a local part that breaks the rule of ``LOCAL_NAME_PATTERN``, with a message that
    states the rule (or, for a name typed with its ``@…``, that the part after ``@`` comes from
    the unit)."""
    if QUALIFIER in local:
        raise Invalid({"username": [_(
            "Chỉ gõ phần trước @: phần sau @ (@%(suffix)s) được thêm tự động theo đơn vị đã chọn.",
            suffix=unit.slug)]})
    if len(local) > LOCAL_NAME_LENGTH:
        raise Invalid({"username": [_("Tối đa %(max)d ký tự.", max=LOCAL_NAME_LENGTH)]})
    if len(local) < LOCAL_NAME_MIN or not LOCAL_NAME_PATTERN.fullmatch(local):
        raise Invalid({"username": [_(
            "Từ %(min)d đến %(max)d ký tự: chữ cái không dấu a–z và chữ số; giữa hai chữ hoặc "
            "số có thể đặt một dấu chấm, gạch dưới hoặc gạch ngang (không ở đầu, ở cuối, không "
            "hai dấu liền nhau). Ví dụ: nguyen.van.an, vana2.",
            min=LOCAL_NAME_MIN, max=LOCAL_NAME_LENGTH)]})


def create_user(
    db: Session, access: Access, username: str, password: str, full_name: str = "",
    email: str | None = None, unit: Tenant | None = None,
) -> User:
    """Create an account, audited as ``user.create`` (in ``unit``, with the caller's address,
    when given).

    With ``unit`` (a unit's admin creating an account there), ``username`` is the local part
    (2 to ``LOCAL_NAME_LENGTH`` characters matching ``LOCAL_NAME_PATTERN``, compared in lower
    case) and the account is named :func:`qualified_name`; the caller must administer ``unit``.
    Without it, ``username`` is the whole name (``USERNAME_PATTERN``), which only a caller with
    system access may choose: a name free across the platform would tell an admin which names
    exist beyond their reach.

    Raises Forbidden for any other caller, Invalid naming ``username`` (malformed, or already
    an account's: only ever one of ``unit``'s own, named in the message, or the system's) or
    ``password`` (too short).
    """
    system = access.tenant_context().system
    if not system and (unit is None or not access.is_admin_of(unit)):
        raise Forbidden(_("Chỉ quản trị viên mới được tạo tài khoản."))
    username = username.strip().lower()
    if unit is not None:
        _check_local_name(username, unit)
        username = qualified_name(username, unit)
    elif not USERNAME_PATTERN.fullmatch(username):
        raise Invalid({"username": [
            _("Chỉ dùng chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.")
        ]})
    # A qualified name can only clash with one of its own unit (docs/security.md, "Sign-in
    # names"), which that unit's admin may be told in full.
    taken = (_("Tên đăng nhập %(username)s đã có trong đơn vị này.", username=username)
             if unit is not None else _("Tên đăng nhập này đã được sử dụng."))
    if find_user(db, username) is not None:
        raise Invalid({"username": [taken]})
    _check_password_rules(password)
    user = User(
        id=uuid.uuid4(), username=username, full_name=full_name.strip(), email=email,
        password_hash=passwords.hash_password(password),
    )
    try:
        # The name's unique key decides between two admins creating it at once: the one that
        # loses is told the name is taken, as if it had been taken before its check.
        with db.begin_nested():
            db.add(user)
            db.flush()
    except IntegrityError:
        raise Invalid({"username": [taken]}) from None
    record(
        db, "user.create", tenant_id=unit.id if unit is not None else None,
        actor_id=access.actor_id, actor_label=access.actor_label,
        object_type="user", object_id=user.id, changes={"username": [None, username]},
        ip=access.ip,
    )
    return user


def grant_membership(
    db: Session, access: Access, user: User, tenant: Tenant, role: str,
) -> tuple[Membership, bool]:
    """Give ``user`` the ``role`` in ``tenant``: the membership and whether it is new (False
    when the user already held that role there, which changes nothing and is not audited).
    A new one is audited as ``membership.add``.

    Raises Invalid naming ``role`` (not one of ``roles.ROLES``), Forbidden unless the caller
    administers ``tenant``. Two admins granting the same role at once meet at the membership's
    unique key: the second finds the first one's row.
    """
    if role not in roles.ROLES:
        raise Invalid({"role": [_("Vai trò không hợp lệ.")]})
    if not access.is_admin_of(tenant):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị này hoặc cấp trên mới được thêm thành viên."))
    held = select(Membership).where(
        Membership.tenant_id == tenant.id, Membership.user_id == user.id, Membership.role == role
    )
    existing = db.scalar(held)
    if existing is not None:
        return existing, False
    membership = Membership(tenant_id=tenant.id, user_id=user.id, role=role)
    try:
        with db.begin_nested():
            db.add(membership)
            db.flush()
    except IntegrityError:
        return db.scalars(held).one(), False
    record(
        db, "membership.add", tenant_id=tenant.id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="user", object_id=user.id,
        changes={"role": [None, role]}, ip=access.ip,
    )
    return membership, True


def add_membership(db: Session, access: Access, user: User, tenant: Tenant, role: str) -> Membership:
    """The membership of :func:`grant_membership`, new or already held."""
    return grant_membership(db, access, user, tenant, role)[0]


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
    user.password_must_change = False
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
        # Labelled with the name as the account would carry it, so throttling counts "Admin" and
        # "admin" as one account (core.auth.throttle).
        record(
            db, "auth.login_failed", actor_id=user.id if user else None,
            actor_label=login_name(username), ip=ip,
        )
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    record(db, "auth.login", actor_id=user.id, actor_label=user.username, ip=ip)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(db: Session, access: Access, user: User, label: str = "",
                lifetime: timedelta | None = None) -> str:
    """A new bearer token, valid for ``lifetime`` (until revoked when None); the plain value is
    returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + lifetime if lifetime is not None else None
    row = ApiToken(user_id=user.id, digest=_digest(token), label=label, created_at=now,
                   expires_at=expires_at)
    db.add(row)
    db.flush()
    record(
        db, "token.issue", actor_id=access.actor_id, actor_label=access.actor_label,
        object_type="token", object_id=row.id,
        changes={"user": [None, str(user.id)], "label": [None, label],
                 "expires_at": [None, expires_at]},
        ip=access.ip,
    )
    return token


def token_by_value(db: Session, token: str) -> ApiToken | None:
    return db.scalar(select(ApiToken).where(ApiToken.digest == _digest(token)))


def user_for_token(db: Session, token: str) -> User | None:
    row = token_by_value(db, token)
    now = utcnow()
    if row is None or not row.usable_at(now):
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = now
    return user


def tokens_of(db: Session, user: User) -> list[ApiToken]:
    """Every token of ``user``, newest first, revoked and expired ones included."""
    return list(db.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ))


def _revoke(db: Session, access: Access, row: ApiToken, now: datetime) -> None:
    row.revoked_at = now
    record(
        db, "token.revoke", actor_id=access.actor_id, actor_label=access.actor_label,
        object_type="token", object_id=row.id, changes={"revoked_at": [None, now]}, ip=access.ip,
    )


def revoke_token(db: Session, access: Access, user: User, token_id: uuid.UUID | str) -> ApiToken:
    """Revoke one of ``user``'s tokens (the caller is the user, or an admin who manages them);
    NotFound for a token that is not theirs. Revoking twice changes nothing."""
    try:
        wanted = uuid.UUID(str(token_id))
    except ValueError:
        raise NotFound(_("Không tìm thấy mã truy cập.")) from None
    row = db.scalar(select(ApiToken).where(ApiToken.id == wanted, ApiToken.user_id == user.id))
    if row is None:
        raise NotFound(_("Không tìm thấy mã truy cập."))
    if row.revoked_at is None:
        _revoke(db, access, row, utcnow())
    return row


def revoke_all_tokens(db: Session, access: Access, user: User) -> int:
    """Revoke every live token of ``user``; how many were."""
    now = utcnow()
    live = [row for row in tokens_of(db, user) if row.revoked_at is None]
    for row in live:
        _revoke(db, access, row, now)
    return len(live)


def visible_user(db: Session, access: Access, user_id: uuid.UUID | str) -> User:
    """A user holding a role in a unit the caller reads; NotFound otherwise, so that an id from
    outside the caller's reach answers like an unknown one, whatever the caller's role.

    Membership rows are tenant-scoped: the caller's session only returns those it may read.
    """
    try:
        wanted = uuid.UUID(str(user_id))
    except ValueError:
        raise NotFound(_("Không tìm thấy tài khoản.")) from None
    held = db.scalar(select(Membership.user_id).where(Membership.user_id == wanted).limit(1))
    user = db.get(User, held) if held is not None else None
    if user is None:
        raise NotFound(_("Không tìm thấy tài khoản."))
    return user


def may_reset_password(db: Session, access: Access, user: User) -> bool:
    """An admin may reset the password of a user whose every unit they administer; an admin's
    password only from a unit above theirs, so that two admins of one unit cannot take over each
    other's account."""
    if access.tenant_context().system:
        return True
    held = memberships_of(db, user)
    if not held or user.id == access.actor_id:
        return False
    for membership, tenant in held:
        if membership.role == roles.ADMIN:
            if roles.ADMIN not in access.roles_above(tenant):
                return False
        elif not access.is_admin_of(tenant):
            return False
    return True


# Letters and digits that cannot be mistaken for one another when read out or copied by hand.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def reset_password(db: Session, access: Access, user: User) -> str:
    """Give ``user`` a temporary password and return it (shown once to the admin, stored only as
    a hash). Every session and API token of the user ends, and the temporary password only opens
    the page where the user chooses their own (``password_must_change``). Audited as
    ``user.password_reset``, which also clears the login throttle of the account."""
    if not may_reset_password(db, access, user):
        raise Forbidden(_("Chỉ quản trị viên quản lý mọi đơn vị của tài khoản này (và ở cấp trên, "
                          "với tài khoản quản trị viên) mới được đặt lại mật khẩu."))
    temporary = "-".join("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(3))
    user.password_hash = passwords.hash_password(temporary)
    user.password_must_change = True
    revoke_sessions(user)
    revoked = revoke_all_tokens(db, access, user)
    record(
        db, "user.password_reset", actor_id=access.actor_id, actor_label=access.actor_label,
        object_type="user", object_id=user.id, changes={"tokens_revoked": [None, revoked]},
        ip=access.ip,
    )
    return temporary


def change_own_password(db: Session, access: Access, user: User, current: str, new: str) -> None:
    """The signed-in user chooses a new password, proving the current (or temporary) one."""
    if not passwords.verify_password(user.password_hash, current):
        raise Invalid({"current": [_("Mật khẩu hiện tại không đúng.")]})
    if passwords.verify_password(user.password_hash, new):
        raise Invalid({"new": [_("Mật khẩu mới phải khác mật khẩu hiện tại.")]})
    try:
        set_password(db, access, user, new)
    except Invalid as error:
        raise Invalid({"new": error.errors["password"]}) from None
