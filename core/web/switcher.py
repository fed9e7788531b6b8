"""Choosing which of one's units to work in."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.web import blueprint
from core.web.active import set_active


@blueprint.route("/switch", methods=["POST"])
@login_required
def switch():
    # Anything but a tenant the user holds a membership in is NotFound (404), never a hint.
    tenant = set_active(request.form.get("tenant_id", ""))
    flash(_("Đang làm việc tại: %(name)s", name=tenant.name), "info")
    return redirect(url_for("web.home"))
