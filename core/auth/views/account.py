"""The signed-in user's own account page: choosing a new password (required after an admin's
reset) and the API tokens: listed, created with an expiry, revoked."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask import session as web_session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from core.auth.context import current_access
from core.auth.views import blueprint
from core.db.engine import session
from core.db.types import utcnow
from core.errors import Invalid
from core.users import operations as user_ops
from core.users.models import User
from core.web.forms import option

# Endpoints a user who must choose a new password may still reach.
OPEN_WHILE_MUST_CHANGE = frozenset({"auth.account", "auth.account_password", "auth.logout", "auth.login",
                                    "static"})
TOKEN_LIFETIMES = (30, 90, 180, 365)  # days; a token made here always expires


REQUIRED = _l("Vui lòng điền mục này.")


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), render_kw={"autocomplete": "current-password"},
                            validators=[DataRequired(message=REQUIRED), Length(max=1024)])
    new = PasswordField(_l("Mật khẩu mới"), render_kw={"autocomplete": "new-password"},
                        validators=[DataRequired(message=REQUIRED), Length(max=1024)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), render_kw={"autocomplete": "new-password"},
                            validators=[DataRequired(message=REQUIRED), EqualTo(
                                "new", message=_l("Hai lần nhập mật khẩu mới không khớp."))])


class TokenForm(FlaskForm):
    label = StringField(_l("Tên gợi nhớ"), validators=[
        DataRequired(message=REQUIRED),
        Length(max=120, message=_l("Tối đa %(max)d ký tự.", max=120))],
        description=_l("Ví dụ: phần mềm tổng hợp của phòng, máy chủ báo cáo."))
    days = SelectField(_l("Hết hạn sau"), default="90",
                       choices=[option(str(d), _l("%(days)d ngày", days=d)) for d in TOKEN_LIFETIMES])


@blueprint.before_app_request
def require_new_password():
    """After an admin's reset, the temporary password only opens the account page."""
    if request.endpoint in OPEN_WHILE_MUST_CHANGE or request.path.startswith("/api/"):
        return None
    if current_user.is_authenticated and current_user.password_must_change:
        return redirect(url_for("auth.account"))
    return None


def _me() -> User:
    user = session().get(User, current_user.id)
    assert user is not None
    return user


def _page(password_form: PasswordForm | None = None, token_form: TokenForm | None = None,
          new_token: str | None = None, status: int = 200):
    user = _me()
    return render_template(
        "auth/account.html", user=user, tokens=user_ops.tokens_of(session(), user), now=utcnow(),
        password_form=password_form or PasswordForm(prefix="password"),
        token_form=token_form or TokenForm(prefix="token"), new_token=new_token,
    ), status


@blueprint.route("/account", methods=["GET"])
@login_required
def account():
    return _page()


@blueprint.route("/account/password", methods=["POST"])
@login_required
def account_password():
    form = PasswordForm(prefix="password")
    if not form.validate_on_submit():
        return _page(password_form=form, status=422)
    db, access = session(), current_access()
    user = _me()
    try:
        user_ops.change_own_password(db, access, user, form.current.data, form.new.data)
    except Invalid as error:
        db.rollback()
        for name, messages in error.errors.items():
            getattr(form, name).errors = list(messages)
        return _page(password_form=form, status=422)
    db.commit()
    # The change ended every session of the account (ASVS 7.4.3); this one goes on under the new
    # session version, with a fresh session.
    web_session.clear()
    login_user(user)
    flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc."), "success")
    return redirect(url_for("web.home"))


@blueprint.route("/account/tokens", methods=["POST"])
@login_required
def account_token_create():
    form = TokenForm(prefix="token")
    if not form.validate_on_submit() or form.days.data not in {str(d) for d in TOKEN_LIFETIMES}:
        return _page(token_form=form, status=422)
    db = session()
    token = user_ops.issue_token(db, current_access(), _me(), label=form.label.data.strip(),
                                 lifetime=timedelta(days=int(form.days.data)))
    db.commit()
    return _page(new_token=token, status=201)


@blueprint.route("/account/tokens/<token_id>/revoke", methods=["POST"])
@login_required
def account_token_revoke(token_id: str):
    db = session()
    row = user_ops.revoke_token(db, current_access(), _me(), token_id)
    db.commit()
    flash(_("Đã thu hồi mã truy cập %(label)s.", label=row.label or row.id), "success")
    return redirect(url_for("auth.account"))
