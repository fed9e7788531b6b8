"""Login and logout pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import (
    session as web_session,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.audit.operations import record
from core.auth import throttle
from core.auth.context import client_ip
from core.db.engine import session
from core.extensions import limiter
from core.users.models import USERNAME_LENGTH, User
from core.users.operations import authenticate, find_user, login_name, revoke_sessions

blueprint = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=USERNAME_LENGTH)])
    username_length = USERNAME_LENGTH  # the input's maxlength
    password = PasswordField("password", validators=[DataRequired(), Length(max=1024)])


def _throttled(db, username: str) -> int:
    """Seconds the caller must wait before this attempt is checked (core.auth.throttle)."""
    name = login_name(username)
    return throttle.wait_seconds(
        db, find_user(db, name), name, client_ip(),
        free=current_app.config["LOGIN_FREE_FAILURES"], max_delay=current_app.config["LOGIN_MAX_DELAY"],
    )


def _wait_page(form: LoginForm, wait: int):
    """429 with Retry-After: the password was not even checked."""
    minutes, seconds = divmod(wait, 60)
    if minutes:
        message = _("Đã có nhiều lần đăng nhập sai vào tài khoản này. Vui lòng thử lại sau "
                    "%(minutes)d phút %(seconds)d giây, hoặc nhờ quản trị viên đặt lại mật khẩu.",
                    minutes=minutes, seconds=seconds)
    else:
        message = _("Đã có nhiều lần đăng nhập sai vào tài khoản này. Vui lòng thử lại sau "
                    "%(seconds)d giây.", seconds=seconds)
    flash(message, "error")
    response = make_response(render_template("auth/login.html", form=form), 429)
    response.headers["Retry-After"] = str(wait)
    return response


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        db = session()
        wait = _throttled(db, form.username.data)
        if wait:
            return _wait_page(form, wait)
        user = authenticate(db, form.username.data, form.password.data, ip=client_ip())
        db.commit()
        if user is not None:
            web_session.clear()  # a fresh session on login (ASVS 7.2.4)
            login_user(user)
            if user.password_must_change:
                return redirect(url_for("auth.account"))
            return redirect(_safe_next(request.args.get("next")) or url_for("web.home"))
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
        status = 401
    elif request.method == "POST":
        status = 401 if not form.errors.get("csrf_token") else 400
        if form.errors.get("csrf_token"):
            flash(_("Biểu mẫu đã hết hạn. Vui lòng thử lại."), "error")
        else:
            flash(_("Vui lòng nhập tên đăng nhập và mật khẩu."), "error")
    return render_template("auth/login.html", form=form), status


@blueprint.route("/logout", methods=["POST"])
def logout():
    # The session lives in a signed cookie: a copy of it would outlive logout_user(). Bumping
    # the account's session version ends every session of the account (ASVS 7.4.1), on every
    # device, which is the safer answer for shared office computers.
    if current_user.is_authenticated:
        db = session()
        user = db.get(User, current_user.id)
        revoke_sessions(user)
        record(db, "auth.logout", actor_id=user.id, actor_label=user.username, ip=client_ip())
        db.commit()
    logout_user()
    web_session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


# The account page registers its routes on this blueprint when imported.
from core.auth.views import account  # noqa: E402,F401
