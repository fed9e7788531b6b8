"""What the isolation matrix needs to know about the routes: one line per path parameter, and one
per write route without a path parameter.

**A new route** whose path parameters are all listed in ``PARAMETERS`` is covered with nothing to
add. A route with a new parameter (``<cluster_id>``, ``<export_id>`` …) needs one line in
``PARAMETERS``: how to make the victim's object and who may read it. A new POST/PUT/PATCH/DELETE
route without a path parameter needs one line in ``COLLECTION_BODIES``: a body that points at the
victim (its unit, its period …). ``BODIES`` (optional) gives a valid body to a write route, so
that the roles allowed to write really do, and the others are refused on the merits.

Each builder receives the :class:`~tests.security.world.Victim` (``v.db`` is a session with the
system context, ``v.tenant`` the victim unit, ``v.period`` its period, ``v.objects`` what the
world already made, ``v.canary(name)`` a marker string to put in any text the object carries) and
returns the value to put in the URL or the body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from core.db.types import utcnow

from .world import OWNER, Victim

# Who may read an object (and so who gets something else than 404 for it):
PUBLIC = "public"  # everyone signed in (static files, the API document)
PERIOD = "period"  # the unit's own people, its parents' subtree roles, and the units below it
UNIT = "unit"  # the unit's own people and its parents' reviewers, admins and viewers
SUBTREE = "subtree"  # the reviewers, admins and viewers of the unit and of its parents
# A cluster of the unit: its SUBTREE readers and every role of a member unit (the child), who
# read it as a published ranking.
CLUSTER = "cluster"
USER = "user"  # one account only (its notices, its jobs, its tokens)
OPENNESS = (USER, SUBTREE, CLUSTER, UNIT, PERIOD, PUBLIC)  # from the most private to the most open


@dataclass(frozen=True)
class Param:
    """How to make the victim's object for one path parameter, and who may read it."""

    build: Callable[[Victim], Any]
    visibility: str


PARAMETERS: dict[str, Param] = {
    "tenant_id": Param(lambda v: v.tenant.id, UNIT),
    "period_id": Param(lambda v: v.period.id, PERIOD),
    "evidence_id": Param(lambda v: v.objects["evidence"].id, UNIT),
    "extension_id": Param(lambda v: v.objects["extension"].id, UNIT),
    "notice_id": Param(lambda v: v.objects["notice"].id, USER),
    "job_id": Param(lambda v: v.objects["job"].id, USER),
    "membership_id": Param(lambda v: v.objects["membership"].id, UNIT),
    "user_id": Param(lambda v: v.users[OWNER].id, UNIT),
    "set_key": Param(lambda v: "rpt.safety", PUBLIC),
    "key": Param(lambda v: "rpt.safety", PUBLIC),
    "filename": Param(lambda v: "thidua.css", PUBLIC),
    "token_id": Param(lambda v: v.objects["token"].id, USER),
    "cluster_id": Param(lambda v: v.objects["cluster"].id, CLUSTER),
    # A report's name; whose report it is comes with the scope in the query or the body.
    "report": Param(lambda v: "unit", PUBLIC),
    "export_id": Param(lambda v: v.objects["export"].id, UNIT),
    # The owner's key of one of its tables of criteria.
    "table": Param(lambda v: v.objects["criteria_table"].key, UNIT),
    "dossier_id": Param(lambda v: v.objects["dossier"].id, UNIT),
    "nominee_id": Param(lambda v: v.objects["nominee"].id, UNIT),
    "attachment_id": Param(lambda v: v.objects["attachment"].id, UNIT),
    # A step of the commendation chain; whose dossier it moves comes with <dossier_id>.
    "step": Param(lambda v: "vet", PUBLIC),
}


def _period_dates(days: int = 100) -> dict[str, str]:
    start = utcnow() + timedelta(days=days)
    return {"opens_at": start.isoformat(), "due_at": (start + timedelta(days=10)).isoformat(),
            "city_due_at": (start + timedelta(days=20)).isoformat(),
            "closes_at": (start + timedelta(days=30)).isoformat()}


# Write routes without a path parameter: a body aimed at the victim. ``None`` marks a route that
# names nothing but the caller (their own session or notices); the matrix still checks that the
# victim's rows do not change.
COLLECTION_BODIES: dict[str, Callable[[Victim], dict | None]] = {
    "auth.login": lambda v: {"username": OWNER.replace("_", "-"), "password": "not-the-password"},
    "auth.logout": lambda v: None,
    "web.switch": lambda v: {"tenant_id": str(v.tenant.id)},
    "web.notifications_read_all": lambda v: None,
    "web.admin_periods_create": lambda v: {
        "key": "mt-smuggled", "kind": "thematic", "title": "Kỳ lạ", "owner": str(v.tenant.id)},
    "web.admin_users_create": lambda v: {
        "new-username": "mt-smuggled-user", "new-password": "mat-khau-dai-du", "new-role": "admin",
        "new-tenant": str(v.tenant.id)},
    "web.admin_memberships_add": lambda v: {
        "member-username": "mt-sibling-admin", "member-role": "admin", "member-tenant": str(v.tenant.id)},
    "web.admin_tenants_create": lambda v: {"name": "Đơn vị lén", "kind": "school",
                                           "parent": str(v.tenant.id)},
    "api.create_tenant": lambda v: {"parent": str(v.tenant.id), "name": "Đơn vị lén", "kind": "school"},
    "api.create_period": lambda v: {"owner": str(v.tenant.id), "key": "mt-smuggled", "kind": "thematic",
                                    "title": "Kỳ lạ", **_period_dates()},
    "api.read_all_notifications": lambda v: None,
    "api.create_token": lambda v: {"label": "matrix", "expires_in_days": 30},
    "auth.account_password": lambda v: {"password-current": "sai-mat-khau", "password-new": "mat-khau-moi",
                                        "password-confirm": "mat-khau-moi"},
    "auth.account_token_create": lambda v: {"token-label": "matrix", "token-days": "30"},
    "api.create_cluster": lambda v: {"name": "Cụm lén", "owner": str(v.tenant.id),
                                     "members": [str(v.tenants["child"].id)]},
    "web.clusters_create": lambda v: {"name": "Cụm lén", "kind": "cum",
                                      "members": str(v.tenants["child"].id)},
    "web.dashboard_remind": lambda v: {"period": str(v.period.id), "scope": str(v.tenant.id)},
}

# Valid bodies for write routes with path parameters (optional; an empty body otherwise).
BODIES: dict[str, Callable[[Victim], dict]] = {
    "api.save_report": lambda v: {"version": v.objects["submission"].version,
                                  "sections": {"rpt.safety": {"staff": 1}}},
    "api.return_report": lambda v: {"reason": "Trả lại để bổ sung"},
    "api.approve_report": lambda v: {"reason": "Đồng ý"},
    "api.reopen_report": lambda v: {"reason": "Mở lại để sửa"},
    "api.explain_report": lambda v: {"body": "Giải trình"},
    "api.add_comment": lambda v: {"body": "Góp ý thêm"},
    "api.score_report": lambda v: {"set": "rpt.safety", "scores": {"staff": {"score": 1, "note": "ok"}}},
    "api.request_extension": lambda v: {"reason": "Xin thêm thời gian",
                                        "until": (utcnow() + timedelta(days=90)).isoformat()},
    "api.decide_extension": lambda v: {"grant": True},
    "api.bulk_approve": lambda v: {"tenants": [str(v.tenant.id)], "reason": "Đồng ý"},
    "api.update_period": lambda v: {"title": "Đổi tên"},
    "api.put_criteria_sets": lambda v: [{"key": "rpt.safety", "tenant_kinds": ["ward"], "weight": 1}],
    "web.report_save": lambda v: {"version": str(v.objects["submission"].version),
                                  "rpt.safety--staff": "1"},
    "web.report_submit": lambda v: {"confirm": "yes"},
    "web.report_comment": lambda v: {"body": "Góp ý thêm"},
    "web.report_explain": lambda v: {"body": "Giải trình"},
    "web.report_extension_request": lambda v: {"reason": "Xin thêm thời gian", "until": "2099-01-01"},
    "web.report_return": lambda v: {"reason": "Trả lại để bổ sung"},
    "web.report_approve": lambda v: {"reason": "Đồng ý"},
    "web.report_reopen": lambda v: {"reason": "Mở lại để sửa"},
    "web.report_scores": lambda v: {"staff-score": "1", "staff-note": "ok"},
    "web.report_extension_decide": lambda v: {"decision": "grant"},
    "web.review_queue": lambda v: {"tenant": str(v.tenant.id), "reason": "Đồng ý"},
    "web.admin_period_update": lambda v: {"title": "Đổi tên", "kind": "thematic"},
    "web.admin_period_state": lambda v: {"state": "closed"},
    "web.admin_users_active": lambda v: {"active": "0"},
    "api.remind_units": lambda v: {"scope": str(v.tenant.id)},
    "api.update_cluster": lambda v: {"name": "Cụm đổi tên", "members": [str(v.tenants["child"].id)]},
    "web.report_narrative": lambda v: {"scope": str(v.tenant.id), "body": "Nhận định", "version": "0"},
    "web.cluster_update": lambda v: {"name": "Cụm đổi tên", "kind": "cum",
                                     "members": str(v.tenants["child"].id)},
    "api.configure_criteria_table": lambda v: {"published": True},
    "api.set_criteria_table_targets": lambda v: {"targets": []},
    "web.criteria_table_publish": lambda v: {"published": "1"},
}

# Write routes whose body names an object more private than their path does (a dashboard scope in
# the body of a period's route): who may act on what the body names.
BODY_VISIBILITY: dict[str, str] = {
    "api.remind_units": SUBTREE,
    "web.report_narrative": UNIT,
}

# Query strings aimed at the victim, for reads that search or filter (optional), with who may
# read what they name: a query naming the victim unit makes the answer the unit's to give.
QUERIES: dict[str, Param] = {
    "api.list_tenants": Param(lambda v: {"parent": str(v.tenant.id), "q": "Nạn Nhân"}, PUBLIC),
    "api.list_criteria_sets": Param(lambda v: {"tenant": str(v.tenant.id)}, UNIT),
    "api.review_queue": Param(lambda v: {"status": "submitted", "under": str(v.tenant.id)}, UNIT),
    "web.admin_users": Param(lambda v: {"q": "self-"}, PUBLIC),
    "web.admin_tenants": Param(lambda v: {"q": "Nạn Nhân"}, PUBLIC),
    "api.get_dashboard": Param(lambda v: {"scope": str(v.tenant.id)}, SUBTREE),
    "api.get_matrix": Param(lambda v: {"scope": str(v.tenant.id)}, SUBTREE),
    "api.export_matrix": Param(lambda v: {"scope": str(v.tenant.id)}, SUBTREE),
    "api.cluster_ranking": Param(lambda v: {"period": str(v.period.id)}, CLUSTER),
    "web.period_exports": Param(lambda v: {"scope": str(v.tenant.id)}, UNIT),
    "web.report_print": Param(lambda v: {"scope": str(v.tenant.id)}, UNIT),
    # Pages and lists that take the victim's unit or period in their query string.
    "web.dashboard": Param(lambda v: {"period": str(v.period.id), "scope": str(v.tenant.id)}, SUBTREE),
    "web.dashboard_csv": Param(lambda v: {"chart": "completeness_units", "period": str(v.period.id),
                                          "scope": str(v.tenant.id)}, SUBTREE),
    "web.matrix_page": Param(lambda v: {"period": str(v.period.id), "scope": str(v.tenant.id)}, SUBTREE),
    "web.matrix_export": Param(lambda v: {"period": str(v.period.id), "scope": str(v.tenant.id)}, SUBTREE),
    # Lists filtered by a unit: the unit's own people get its (possibly empty) list, outsiders 404.
    "api.list_clusters": Param(lambda v: {"scope": str(v.tenant.id)}, UNIT),
    # A filter, not a lookup: every caller gets the periods they may see of that owner (none for an
    # outsider, the same empty list as for an owner that does not exist); the canaries watch it.
    "api.list_periods": Param(lambda v: {"owner": str(v.tenant.id)}, PUBLIC),
}
