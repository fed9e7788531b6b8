"""/notifications: the signed-in user's notices, newest first, marked read one by one or all."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from sqlalchemy.exc import SQLAlchemyError

from core.auth.context import current_access
from core.db.engine import session
from core.notifications import messages, operations
from core.notifications.models import Notification
from core.web import blueprint
from core.web.layout import add_nav_link

PAGE_SIZE = 50


@blueprint.app_template_global("notice_text")
def notice_text(notice: Notification) -> tuple[str, str]:
    """(title, body) of a notice in the page's language; a notice without a message (written
    before notices kept one) shows its stored text."""
    return messages.render(notice.message) or (notice.title, notice.body)


@blueprint.app_template_global("notice_open_label")
def notice_open_label(notice: Notification) -> str:
    """The button opening what a notice links to, named by what it is: a commendation notice
    (kind ``award.*``) opens the dossier, the others a unit's report."""
    if notice.kind.startswith("award."):
        return _("Mở hồ sơ")
    return _("Mở báo cáo")


def _nav_label() -> str:
    try:
        count = operations.unread_count(session(), current_access())
    except SQLAlchemyError:
        # An error page after a failed transaction still renders its navigation.
        count = 0
    return _("Thông báo (%(count)s)", count=count) if count else _("Thông báo")


add_nav_link("web.notifications", _nav_label, current_prefix="web.notification")


def _safe_link(link: str) -> str | None:
    # Only the app's own pages: a notice never sends anyone off-site.
    return link if link.startswith("/") and not link.startswith("//") else None


@blueprint.route("/notifications", methods=["GET"])
@login_required
def notifications():
    db, access = session(), current_access()
    unread_only = request.args.get("unread") == "1"
    notices = operations.mine(db, access, unread_only=unread_only, limit=PAGE_SIZE)
    return render_template(
        "notifications/list.html", notices=notices, unread=operations.unread_count(db, access),
        unread_only=unread_only, safe_link=_safe_link,
    )


@blueprint.route("/notifications/<uuid:notice_id>/read", methods=["POST"])
@login_required
def notification_read(notice_id: uuid.UUID):
    db = session()
    notice = operations.mark_read(db, current_access(), notice_id)
    db.commit()
    target = _safe_link(notice.link) if request.form.get("open") else None
    return redirect(target or url_for("web.notifications"))


@blueprint.route("/notifications/read-all", methods=["POST"])
@login_required
def notifications_read_all():
    db = session()
    marked = operations.mark_all_read(db, current_access())
    db.commit()
    flash(ngettext("Đã đánh dấu %(num)s thông báo là đã đọc.",
                   "Đã đánh dấu %(num)s thông báo là đã đọc.", marked), "info")
    return redirect(url_for("web.notifications"))
