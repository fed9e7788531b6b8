"""Dashboards on the web: the page of a scope (the city, a commune or ward, a department), the
CSV behind each chart, and the reminder to units that have not sent their report."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from core.auth.context import current_access
from core.clusters import operations as clusters
from core.dashboards import charts
from core.dashboards import operations as dashboards
from core.dashboards.tables import CHARTS, chart_label, how_label, outcome_label, tables, to_csv
from core.db.engine import session
from core.errors import Conflict, Forbidden, NotFound
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.plugins import current_host
from core.reports import history, queue
from core.rollups.contribution import FINAL, PROVISIONAL
from core.tenants import kinds
from core.tenants.models import Tenant
from core.text.numbers import format_number
from core.users import roles
from core.web import blueprint, labels
from core.web.active import active_tenant
from core.web.layout import add_nav_link
from core.web.queue_summary import my_queues

# Kinds whose staff with a subtree role land on their dashboard: the city, a commune or ward, and
# the city's departments, among which the Fatherland Front and its mass organisations count (they
# sit beside the departments under the city, in the same khối thi đua, and follow their units
# below as a department does).
HOME_KINDS = frozenset({kinds.CITY, kinds.WARD, kinds.COMMUNE, kinds.DEPARTMENT, kinds.FRONT_ORG})


def _has_dashboard() -> bool:
    tenant = active_tenant()
    return tenant is not None and bool(current_access().roles_in(tenant) & roles.SUBTREE_ROLES)


add_nav_link("web.dashboard", _l("Tổng hợp"), visible=_has_dashboard, current_prefix="web.dashboard")


def english() -> bool:
    return str(get_locale() or "vi") == "en"


@blueprint.app_template_filter("num")
def num(value: Any, places: int | None = None) -> str:
    """A number as the reader writes it: ``1.234,5`` in Vietnamese, ``1,234.5`` in English."""
    if value is None:
        return "—"
    if places is not None:
        value = round(float(value), places)
    if english():
        return format_decimal(value)
    return format_number(value, places)


@blueprint.app_template_filter("pct")
def pct(ratio: float | None) -> str:
    """A share 0–1 as a percentage with one decimal."""
    if ratio is None:
        return "—"
    return f"{num(round(ratio * 100, 1))} %" if not english() else f"{num(round(ratio * 100, 1))}%"


def default_period(db, access) -> ReportingPeriod | None:
    """The open period due soonest, else the latest period the caller sees."""
    periods = list(period_ops.visible(db, access))
    open_ones = sorted((p for p in periods if p.state == period_models.OPEN), key=lambda p: p.due_at)
    return open_ones[0] if open_ones else (periods[0] if periods else None)


def scope_context(period_id: Any, scope_id: Any) -> tuple[Any, Any, ReportingPeriod, Tenant]:
    """The session, access, period (default: see ``default_period``) and scope (default: the
    active unit) of a dashboard page; 404 for a period or scope the caller does not reach."""
    db, access = session(), current_access()
    try:
        if period_id:
            period = period_ops.get_visible(db, access, period_id)
        else:
            period = default_period(db, access)
            if period is None:
                raise NotFound(_("Không tìm thấy kỳ báo cáo."))
        scope = dashboards.scope_for(db, access, scope_id, active_tenant())
    except NotFound:
        abort(404)
    return db, access, period, scope


def _int_arg(name: str, default: int = 1) -> int:
    try:
        return max(int(request.args.get(name, default)), 1)
    except ValueError:
        return default


def render_dashboard(period_id: Any = None, scope_id: Any = None, status: int = 200, is_home: bool = False):
    db, access, period, scope = scope_context(period_id, scope_id)
    try:
        board = dashboards.dashboard(db, access, current_host(), period, scope,
                                     aggregate=request.args.get("aggregate"), late_page=_int_arg("late_page"))
    except NotFound:
        abort(404)
    kind_label = lambda k: labels.label(labels.TENANT_KINDS, k)  # noqa: E731
    data = tables(board, kind_label, english())
    return render_template(
        "dashboards/dashboard.html", board=board, tables=data, charts=_charts(board, data),
        legend=charts.legend(segment_legend()), kind_label=kind_label, english=english(),
        periods=period_ops.visible(db, access), can_remind=dashboards.can_remind(access, scope),
        chart_label=chart_label, how_label=how_label, outcome_names=outcome_names(board),
        FINAL=FINAL, PROVISIONAL=PROVISIONAL, statuses=history.status_labels(), is_home=is_home,
        queues=my_queues() if is_home else [], reviews=bool(queue.review_paths(access)),
        units_below=sum(board.census.values()) - 1 if is_home else None,
        member_clusters=clusters.member_clusters(db, access, scope),
        csv_url=lambda name: url_for("web.dashboard_csv", chart=name, period=period.id, scope=scope.id,
                                     aggregate=board.chart.key if board.chart else None),
    ), status


def outcome_names(board: dashboards.Dashboard) -> dict[str, str]:
    """Each standard the page shows → its name in the interface's language, looked up once per
    page (finding a name reads the criteria sets; the table shows it on every row)."""
    names = set(board.outcomes)
    for row in board.children:
        names.update(row.outcomes)
        names.update(row.below)
    return {name: outcome_label(name) for name in sorted(names)}


def segment_legend() -> list[tuple[str, str]]:
    return [("seg-approved", _("Đã duyệt")), ("seg-awaiting", _("Chờ duyệt")),
            ("seg-progress", _("Đang làm")), ("seg-missing", _("Chưa bắt đầu"))]


def _share(count: int, figures) -> float:
    """``count`` as a percentage of the units expected: every bar's full width is 100 %."""
    return count * 100 / figures.expected if figures.expected else 0.0


def _completeness_row(label: str, figures, href: str | None = None) -> charts.Row:
    segments = [
        charts.Segment(_share(figures.approved, figures), "seg-approved",
                       _("Đã duyệt: %(n)s", n=figures.approved)),
        charts.Segment(_share(figures.awaiting, figures), "seg-awaiting",
                       _("Chờ duyệt: %(n)s", n=figures.awaiting)),
        charts.Segment(_share(figures.in_progress, figures), "seg-progress",
                       _("Đang làm: %(n)s", n=figures.in_progress)),
    ]
    text = f"{pct(figures.completeness)} · {num(figures.reported)}/{num(figures.expected)}"
    return charts.Row(label, segments, text, href)


def _charts(board: dashboards.Dashboard, data) -> dict[str, Any]:
    kind_label = lambda k: labels.label(labels.TENANT_KINDS, k)  # noqa: E731
    out: dict[str, Any] = {}
    out["completeness_kinds"] = charts.bar_chart(
        [_completeness_row(kind_label(kind), f) for kind, f in board.by_kind],
        title=data["completeness_kinds"].title,
        description=_("Mỗi thanh là số đơn vị phải báo cáo; phần màu là đã duyệt, chờ duyệt, đang làm."),
        scale=100,
    ) if board.by_kind else None
    units = sorted(board.children, key=lambda r: (r.figures.completeness or 0, r.tenant.name_key))
    out["completeness_units"] = charts.bar_chart(
        [_completeness_row(r.tenant.name, r.figures, _drill(board, r)) for r in units[:30]],
        title=data["completeness_units"].title,
        description=_("Các đơn vị có tỷ lệ gửi báo cáo thấp nhất trước (tối đa 30 đơn vị)."),
        scale=100,
    ) if units else None
    out["timeliness"] = charts.bar_chart(
        [charts.Row(kind_label(kind), [
            charts.Segment(_share(f.on_time, f), "seg-approved", _("Đúng hạn: %(n)s", n=f.on_time)),
            charts.Segment(_share(f.late, f), "seg-late", _("Muộn: %(n)s", n=f.late)),
        ], f"{num(f.on_time)} / {num(f.late)} / {num(f.missing)}") for kind, f in board.by_kind],
        title=data["timeliness"].title,
        description=_("Đúng hạn, muộn và chưa gửi (phần còn trống của thanh)."),
        scale=100,
    ) if board.by_kind else None
    classes = data["classifications"].rows
    out["classifications"] = charts.bar_chart(
        [charts.Row(name, [charts.Segment(final, "seg-approved", _("Chính thức: %(n)s", n=final)),
                           charts.Segment(max(prov - final, 0), "seg-awaiting",
                                          _("Tạm tính thêm: %(n)s", n=max(prov - final, 0)))],
                    f"{num(final)} ({num(prov)})") for name, final, prov, _previous in classes],
        title=data["classifications"].title,
        description=_("Số đơn vị theo xếp loại: chính thức, trong ngoặc là tạm tính."),
    ) if classes else None
    chart = board.chart
    if chart is not None and board.children:
        values = [(r, board.aggregate(chart, PROVISIONAL, r.figures)) for r in board.children]
        values.sort(key=lambda item: (-(item[1] or 0), item[0].tenant.name_key))
        shown = [(r, (v or 0) * (100 if chart.how == "rate" else 1)) for r, v in values[:30]]
        unit = " %" if chart.how == "rate" else ""
        out["aggregate_units"] = charts.bar_chart(
            [charts.Row(r.tenant.name, [charts.Segment(v, "seg-awaiting", num(v))], f"{num(v)}{unit}",
                        _drill(board, r)) for r, v in shown],
            title=data["aggregate_units"].title,
            description=_("Giá trị tạm tính (gồm báo cáo chưa duyệt) của từng đơn vị, cao nhất trước "
                          "(tối đa 30 đơn vị)."),
            scale=100 if chart.how == "rate" else None,
        )
    ranking = board.ranking()[:15]
    out["ranking"] = charts.bar_chart(
        [charts.Row(f"{r.rank}. {r.tenant.name}",
                    [charts.Segment(r.score or 0, "seg-awaiting" if r.provisional else "seg-approved",
                                    num(r.score))],
                    num(r.score), _drill(board, r)) for r in ranking],
        title=data["ranking"].title, description=_("Điểm của báo cáo của từng đơn vị (thang 100)."),
        scale=100,
    ) if ranking else None
    return out


def _drill(board: dashboards.Dashboard, row: dashboards.ChildRow) -> str:
    if row.has_units:
        return url_for("web.dashboard", period=board.period.id, scope=row.tenant.id)
    return url_for("web.report", tenant_id=row.tenant.id, period_id=board.period.id)


@blueprint.route("/dashboard", methods=["GET"])
@login_required
def dashboard():
    return render_dashboard(request.args.get("period"), request.args.get("scope"))


@blueprint.route("/dashboard.csv", methods=["GET"])
@login_required
def dashboard_csv():
    name = request.args.get("chart", "")
    if name not in CHARTS:
        abort(404)
    db, access, period, scope = scope_context(request.args.get("period"), request.args.get("scope"))
    try:
        board = dashboards.dashboard(db, access, current_host(), period, scope,
                                     aggregate=request.args.get("aggregate"))
    except NotFound:
        abort(404)
    table = tables(board, lambda k: labels.label(labels.TENANT_KINDS, k), english())[name]
    filename = f"{period.key}-{scope.slug}-{name}.csv"
    return Response(to_csv(table, english()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.route("/dashboard/remind", methods=["POST"])
@login_required
def dashboard_remind():
    db, access, period, scope = scope_context(request.form.get("period"), request.form.get("scope"))
    try:
        sent = dashboards.remind(db, access, period, scope)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    except dashboards.AlreadyReminded as error:
        db.rollback()
        flash(error.message, "info")
        return redirect(url_for("web.dashboard", period=period.id, scope=scope.id, _anchor="late")), 303
    except Conflict as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(url_for("web.dashboard", period=period.id, scope=scope.id)), 303
    db.commit()
    if sent.reminded_before:
        flash(_("Đã gửi lời nhắc tới %(n)s đơn vị chưa gửi báo cáo; %(m)s đơn vị khác đã được nhắc hôm nay "
                "nên không nhắc lại.", n=num(sent.units), m=num(sent.reminded_before)), "success")
    else:
        flash(_("Đã gửi lời nhắc tới %(n)s đơn vị chưa gửi báo cáo.", n=num(sent.units)), "success")
    return redirect(url_for("web.dashboard", period=period.id, scope=scope.id, _anchor="late"))


def home_dashboard() -> Any | None:
    """The home page of an admin, reviewer or viewer of the city, a commune or ward or a
    department is its dashboard; ``None`` for everyone else (or when no period exists)."""
    tenant = active_tenant()
    if tenant is None or tenant.kind not in HOME_KINDS:
        return None
    access = current_access()
    if not access.roles_here(tenant) & roles.SUBTREE_ROLES:
        return None
    if default_period(session(), access) is None:
        return None
    return render_dashboard(request.args.get("period"), tenant.id, is_home=True)
