"""/admin/users: the people holding roles in the admin's subtree, and their memberships."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, or_, select

from core.auth.context import current_access
from core.db.engine import session
from core.errors import Forbidden, Invalid, NotFound
from core.tenants.models import Tenant
from core.tenants.operations import UnitPage
from core.users import operations as user_ops
from core.users.access import memberships_of
from core.users.models import Membership, User
from core.web import blueprint
from core.web.active import admin_root, in_subtree
from core.web.forms import MembershipForm, NewUserForm, apply_errors
from core.web.labels import ROLES, label
from core.web.unit_picker import Picker, chosen_unit, page_number, unit_picker

MEMBERS_PAGE = 50


@dataclass
class Member:
    user: User
    memberships: list[tuple[Membership, Tenant]] = field(default_factory=list)


def members_below(root: Tenant, query: str = "", page: int = 1, size: int = MEMBERS_PAGE) -> UnitPage:
    """One page of the users with a membership in ``root``'s subtree, by user name, each with
    its memberships there (``items`` are :class:`Member`). The membership table is
    tenant-scoped, so the request session only returns rows of tenants the caller may read.
    Three statements whatever the number of units or users below ``root``; a page past the last
    gives the last."""
    db = session()
    below = (select(Membership.user_id)
             .join(Tenant, Tenant.id == Membership.tenant_id)
             .where(Tenant.path.startswith(root.path)))
    users = select(User).where(User.id.in_(below))
    if query:
        wanted = query.strip().lower()
        users = users.where(or_(
            func.lower(User.username).contains(wanted, autoescape=True),
            func.lower(User.full_name).contains(wanted, autoescape=True),
        ))
    total = db.scalar(select(func.count()).select_from(users.subquery())) or 0
    page = min(max(1, page), max(1, -(-total // size)))
    found = list(db.scalars(users.order_by(User.username).limit(size).offset((page - 1) * size)))
    members = {user.id: Member(user) for user in found}
    if members:
        for membership, tenant in db.execute(
            select(Membership, Tenant).join(Tenant, Tenant.id == Membership.tenant_id)
            .where(Membership.user_id.in_(list(members)), Tenant.path.startswith(root.path))
            .order_by(Tenant.depth, Tenant.name_key, Tenant.name)
        ):
            members[membership.user_id].memberships.append((membership, tenant))
    return UnitPage(list(members.values()), total, page, size)


def _forms(root: Tenant) -> tuple[NewUserForm, MembershipForm, Picker]:
    """The two forms, their unit selects offering the chosen unit and the picker's page (never
    the whole subtree)."""
    query = request.args.get("q", "").strip()
    picker = unit_picker(root, "web.admin_users", keep={"q": query} if query else {})
    new_user, membership = NewUserForm(prefix="new"), MembershipForm(prefix="member")
    for form in (new_user, membership):
        if not form.tenant.raw_data:
            form.tenant.data = str(root.id)
        form.tenant.choices = picker.choices(chosen_unit(root, form.tenant.data))
    new_user.username.description = _name_hint(chosen_unit(root, new_user.tenant.data) or root,
                                                new_user.username.data)
    membership.username.description = _(
        "Tên đăng nhập đầy đủ, ví dụ %(name)s; với tài khoản của đơn vị đã chọn, gõ phần trước @ là đủ.",
        name=user_ops.qualified_name(SAMPLE_LOCAL, chosen_unit(root, membership.tenant.data) or root))
    return new_user, membership, picker


# The local part the hint shows while none is typed.
SAMPLE_LOCAL = "vana"
# Where the page's script puts the name in the hints of :func:`_hint_templates`.
NAME_SLOT = "{name}"


def _typed_local(typed: str | None) -> str:
    """The local part an admin typed, as the account would carry it: what precedes any "@"
    (the part after it is the unit's, whatever was typed)."""
    return (typed or "").strip().lower().partition(user_ops.QUALIFIER)[0]


def _hint(name: str, typed: bool) -> str:
    # "Mã đơn vị" is the official numeric code elsewhere: the hint names the suffix by what it does.
    if typed:
        return _("Chỉ gõ phần trước @. Phần sau @ được thêm tự động theo đơn vị đã chọn: %(name)s.",
                 name=name)
    return _("Chỉ gõ phần trước @. Phần sau @ được thêm tự động theo đơn vị đã chọn, ví dụ %(name)s.",
             name=name)


def _name_hint(unit: Tenant, typed: str | None = None) -> str:
    """What the account will be called: the local part typed (a sample while none is), then the
    slug of ``unit``."""
    local = _typed_local(typed)
    return _hint(user_ops.qualified_name(local or SAMPLE_LOCAL, unit), bool(local))


def _hint_templates() -> dict[str, str]:
    """The two hints with :data:`NAME_SLOT` for the name, and the sample local part: what the
    page's script (core/static/user-name.js) fills in as the admin types or picks a unit."""
    return {"typed": _hint(NAME_SLOT, True), "sample": _hint(NAME_SLOT, False),
            "sample_local": SAMPLE_LOCAL}


def _suffixes(root: Tenant, picker: Picker, new_user: NewUserForm) -> dict[str, str]:
    """The slug of each unit the account form offers, by id, for the page's script to keep the
    hint in step with the select (the page reads the same without it)."""
    units = [unit for unit, _above in picker.found.items]
    chosen = chosen_unit(root, new_user.tenant.data)
    if chosen is not None:
        units.append(chosen)
    return {str(unit.id): unit.slug for unit in units}


def _page(root: Tenant, new_user: NewUserForm, membership: MembershipForm, picker: Picker,
          errors: list[str] | None = None, status: int = 200):
    query = request.args.get("q", "").strip()
    members = members_below(root, query, page_number("page"), MEMBERS_PAGE)
    return render_template(
        "admin/users.html", root=root, members=members, query=query,
        new_user=new_user, membership=membership, picker=picker, problems=errors or [],
        me=current_access().actor_id, suffixes=_suffixes(root, picker, new_user),
        name_hints=_hint_templates(),
    ), status


@blueprint.route("/admin/users", methods=["GET"])
@login_required
def admin_users():
    root = admin_root()
    return _page(root, *_forms(root))


@blueprint.route("/admin/users", methods=["POST"])
@login_required
def admin_users_create():
    root = admin_root()
    new_user, membership, picker = _forms(root)
    tenant = in_subtree(root, new_user.tenant.data) if new_user.tenant.data else None
    if not new_user.validate_on_submit() or tenant is None:
        return _page(root, new_user, membership, picker, status=422)
    db, access = session(), current_access()
    try:
        # Named "local@<unit slug>": a name used in a unit beyond this admin's reach answers as
        # a free one (core.users.operations.qualified_name).
        user = user_ops.create_user(
            db, access, new_user.username.data, new_user.password.data, full_name=new_user.full_name.data,
            unit=tenant,
        )
        user_ops.add_membership(db, access, user, tenant, new_user.role.data)
    except Invalid as error:
        db.rollback()
        return _page(root, new_user, membership, picker, apply_errors(new_user, error), status=422)
    db.commit()
    flash(_("Đã tạo tài khoản. Tên đăng nhập để trao cho người dùng: %(username)s",
            username=user.username), "success")
    return redirect(_after_change())


def _after_change() -> str:
    """The list, at the top where the confirmation shows: the forms post to the list with their
    own fragment, which a redirect without one would carry along (RFC 9110, 10.2.2)."""
    return url_for("web.admin_users", _anchor="main")


def _find_for_role(root: Tenant, typed: str, unit: Tenant) -> User | None:
    """The account within reach named ``typed``; for a bare local part that no such account has
    as its whole name, the one named ``typed@<slug of unit>``. Both through
    :func:`core.users.operations.find_user_below`, so nothing beyond reach is found."""
    db = session()
    user = user_ops.find_user_below(db, root, typed)
    if user is None and user_ops.QUALIFIER not in typed:
        user = user_ops.find_user_below(db, root, user_ops.qualified_name(typed.strip(), unit))
    return user


@blueprint.route("/admin/users/memberships", methods=["POST"])
@login_required
def admin_memberships_add():
    root = admin_root()
    new_user, membership, picker = _forms(root)
    tenant = in_subtree(root, membership.tenant.data) if membership.tenant.data else None
    if not membership.validate_on_submit() or tenant is None:
        return _page(root, new_user, membership, picker, status=422)
    db = session()
    # Only accounts within reach: a name of a stranger answers exactly like an unknown one.
    user = _find_for_role(root, membership.username.data, tenant)
    if user is None:
        membership.username.errors = [_("Không tìm thấy tài khoản này.")]
        return _page(root, new_user, membership, picker, status=422)
    try:
        _held, added = user_ops.grant_membership(db, current_access(), user, tenant, membership.role.data)
    except Invalid as error:
        db.rollback()
        return _page(root, new_user, membership, picker, apply_errors(membership, error), status=422)
    db.commit()
    if added:
        flash(_("Đã thêm %(username)s vào %(unit)s.", username=user.username, unit=tenant.name), "success")
    else:
        flash(_("Tài khoản %(username)s đã có vai trò %(role)s tại %(unit)s: không có gì thay đổi.",
                username=user.username, role=label(ROLES, membership.role.data), unit=tenant.name),
              "info")
    return redirect(_after_change())


@blueprint.route("/admin/users/memberships/<membership_id>/remove", methods=["POST"])
@login_required
def admin_memberships_remove(membership_id: str):
    # The membership is looked up first: outside the caller's reach it is not found (404),
    # whatever their role; inside it, only an admin of its unit may remove it (403).
    try:
        wanted = uuid.UUID(membership_id)
    except ValueError:
        raise NotFound(_("Không tìm thấy thành viên.")) from None
    db = session()
    user_ops.remove_membership(db, current_access(), wanted)
    db.commit()
    flash(_("Đã gỡ vai trò."), "success")
    return redirect(url_for("web.admin_users"))


def _has_membership_below(root: Tenant, user: User) -> bool:
    found = session().scalar(
        select(Membership.id)
        .join(Tenant, Tenant.id == Membership.tenant_id)
        .where(Membership.user_id == user.id, Tenant.path.startswith(root.path))
        .limit(1)
    )
    return found is not None


def manageable_user(root: Tenant, user_id: str) -> User:
    """A user whose every membership lies within ``root``'s subtree.

    A user unknown below ``root`` is not found; one who also belongs to units outside it is
    managed by those units' admins too, so this admin alone may not lock them out.
    """
    db = session()
    try:
        user = db.get(User, uuid.UUID(user_id))
    except ValueError:
        user = None
    if user is None or not _has_membership_below(root, user):
        raise NotFound(_("Không tìm thấy tài khoản."))
    if any(not tenant.path.startswith(root.path) for _m, tenant in memberships_of(db, user)):
        raise Forbidden(_("Tài khoản này còn thuộc đơn vị ngoài phạm vi bạn quản lý."))
    return user


@blueprint.route("/admin/users/<user_id>/active", methods=["POST"])
@login_required
def admin_users_active(user_id: str):
    user_ops.visible_user(session(), current_access(), user_id)
    root = admin_root()
    user = manageable_user(root, user_id)
    access = current_access()
    active = request.form.get("active") == "1"
    if user.id == access.actor_id and not active:
        flash(_("Bạn không thể tự khóa tài khoản của mình."), "error")
        return redirect(url_for("web.admin_users"))
    db = session()
    user_ops.set_active(db, access, user, active)
    db.commit()
    if active:
        flash(_("Đã mở lại tài khoản %(username)s.", username=user.username), "success")
    else:
        flash(_("Đã khóa tài khoản %(username)s.", username=user.username), "success")
    return redirect(url_for("web.admin_users"))


@blueprint.route("/admin/users/<user_id>/password", methods=["POST"])
@login_required
def admin_users_password(user_id: str):
    """Reset a user's password: the temporary one is shown on this answer only (never in a flash
    message, which would travel in the session cookie), and never stored in clear."""
    db, access = session(), current_access()
    user = user_ops.visible_user(db, access, user_id)
    admin_root()
    temporary = user_ops.reset_password(db, access, user)
    db.commit()
    return render_template("admin/password_reset.html", user=user, temporary=temporary)


@blueprint.route("/admin/users/<user_id>/tokens/revoke", methods=["POST"])
@login_required
def admin_users_tokens_revoke(user_id: str):
    db, access = session(), current_access()
    user_ops.visible_user(db, access, user_id)
    user = manageable_user(admin_root(), user_id)
    revoked = user_ops.revoke_all_tokens(db, access, user)
    db.commit()
    flash(_("Đã thu hồi %(count)d mã truy cập của %(username)s.", count=revoked, username=user.username),
          "success")
    return redirect(url_for("web.admin_users"))
