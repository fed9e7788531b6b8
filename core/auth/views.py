"""Login and logout pages."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
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
from core.auth.context import client_ip
from core.db.engine import session
from core.extensions import limiter
from core.users.models import User
from core.users.operations import authenticate, revoke_sessions

blueprint = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=120)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=1024)])


def _account_key() -> str:
    username = (request.form.get("username") or "").strip().lower()
    return "acct:" + hashlib.sha256(username.encode("utf-8")).hexdigest()


def _failed(response) -> bool:
    return response.status_code in (401, 403)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key,
    methods=["POST"], deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        db = session()
        user = authenticate(db, form.username.data, form.password.data, ip=client_ip())
        db.commit()
        if user is not None:
            web_session.clear()  # a fresh session on login (ASVS 7.2.4)
            login_user(user)
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
