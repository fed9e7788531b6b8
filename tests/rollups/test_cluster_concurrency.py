"""Concurrent changes of one cluster against a live server: each is made under the cluster's row
lock, so the members end as one request sent them (never a mix of two), nothing fails, and each
audit entry starts from what the change before it left."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.users.access import SystemAccess
from core.users.operations import issue_token
from tests.reports.test_concurrency import Api, at_once

from .test_clusters import create


def test_concurrent_changes_of_a_cluster_apply_one_after_another(app, db, report_world, api_as, live_server):
    made = create(api_as("city_admin"), report_world, "Cụm thử đồng thời", "ha-noi", ["ward-a"])
    with app.app_context():
        token = issue_token(db, SystemAccess(db=db, user=None), report_world.user("city_admin"))
        db.commit()
    api = Api(live_server, token)
    choices = [["ward-a", "commune-b"], ["commune-b"], ["ward-a"], ["commune-b", "ward-a"]]
    bodies = [{"name": f"Cụm thử {i}", "kind": "cum",
               "members": [str(report_world.tenant(slug).id) for slug in members]}
              for i, members in enumerate(choices)]
    answers = at_once([(api, "PUT", f"/api/v1/clusters/{made['id']}", body) for body in bodies])
    assert [status for status, _body in answers] == [200] * len(bodies), answers
    final = api_as("city_admin").get(f"/api/v1/clusters/{made['id']}").get_json()
    sent = [sorted(body["members"]) for body in bodies]
    assert sorted(m["id"] for m in final["members"]) in sent, final
    assert final["name"] in {body["name"] for body in bodies}
    db.rollback()
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "cluster.update")
                         .order_by(AuditEntry.seq)).all()
    # Each change starts from the state the one before it left: the names chain.
    names = [entry.changes["name"] for entry in entries]
    assert names and names[0][0] == "Cụm thử đồng thời"
    assert all(names[i][1] == names[i + 1][0] for i in range(len(names) - 1)), names
