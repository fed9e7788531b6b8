"""The reviewer's queue: paged, sorted by name in Vietnamese order (and by status, score, time of
submission), searched without accents, with totals per status — all in the database."""

from __future__ import annotations

import pytest

from core.periods.models import ReportingPeriod
from core.reports import operations as report_ops
from core.reports import review
from core.tenants.models import Tenant
from core.tenants.operations import new_tenant
from core.users.access import SystemAccess

from .flow import report

# In Vietnamese dictionary order (a < ă < â < b … d < đ); Python's own order would differ.
NAMES = ["Trường Ánh Dương", "Trường Ấp Bắc", "Trường Âu Cơ", "Trường Ba Đình", "Trường Dịch Vọng",
         "Trường Đống Đa"]


@pytest.fixture
def schools(report_world, db, host):
    ward = db.get(Tenant, report_world.tenant("ward-a").id)
    for index, name in enumerate(reversed(NAMES)):
        school = new_tenant(db, name=name, kind="school", parent=ward, slug=f"q-{index}")
        report_world.tenants[school.slug] = school
    db.commit()
    assert sorted(NAMES) != NAMES
    report(db, host, report_world, "q-0", until="submitted", safety={"trained": 5})      # Đống Đa
    report(db, host, report_world, "q-2", until="approved", safety={"trained": 20})     # Ba Đình
    report(db, host, report_world, "q-4", until="draft")                                  # Ấp Bắc
    return report_world


def queue(client, world, **params):
    query = "&".join(f"{k}={v}" for k, v in {"kind": "school", **params}.items())
    response = client.get(f"/api/v1/periods/{world.period.id}/queue?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def names(body) -> list[str]:
    return [row["tenant"]["name"] for row in body["items"]]


def test_names_sort_in_vietnamese_order_and_page(schools, api_as):
    client = api_as("ward_reviewer")
    everything = names(queue(client, schools, per_page=50))
    assert everything == ["Trường Ánh Dương", "Trường Ấp Bắc", "Trường Âu Cơ", "Trường Ba Đình",
                          "Trường Dịch Vọng", "Trường Đống Đa", "Trường THCS A1", "Trường THCS A2"]
    first = queue(client, schools, per_page=3)
    second = queue(client, schools, per_page=3, page=2)
    assert (first["total"], first["pages"]) == (8, 3)
    assert names(first) + names(second) == everything[:6]
    assert names(queue(client, schools, order="desc", per_page=2)) == ["Trường THCS A2", "Trường THCS A1"]


def test_search_ignores_accents_and_case(schools, api_as):
    client = api_as("ward_reviewer")
    assert names(queue(client, schools, q="dong da")) == ["Trường Đống Đa"]
    assert names(queue(client, schools, q="DỊCH")) == ["Trường Dịch Vọng"]
    assert names(queue(client, schools, q="truong ba dinh")) == ["Trường Ba Đình"]
    assert queue(client, schools, q="khong co")["total"] == 0


def test_sorting_by_score_status_and_time_keeps_units_without_them_last(schools, api_as):
    client = api_as("ward_reviewer")
    body = queue(client, schools, sort="score", order="desc")
    scores = [row["review_score"] if row["review_score"] is not None else row["self_score"]
              for row in body["items"]]
    scored = [s for s in scores if s is not None]
    assert len(scored) == 3 and scored == sorted(scored, reverse=True) and scores[:3] == scored
    # Units without a score come last, in name order, whichever way the scores go.
    assert names(body)[3:] == ["Trường Ánh Dương", "Trường Âu Cơ", "Trường Dịch Vọng", "Trường THCS A1",
                               "Trường THCS A2"]
    assert names(queue(client, schools, sort="score"))[3:] == names(body)[3:]
    by_status = names(queue(client, schools, sort="status", order="desc"))
    assert by_status[:3] == ["Trường Ba Đình", "Trường Đống Đa", "Trường Ấp Bắc"]
    assert names(queue(client, schools, sort="submitted_at"))[:2] == ["Trường Đống Đa", "Trường Ba Đình"]


def test_totals_per_status_follow_the_other_filters(schools, api_as):
    client = api_as("ward_reviewer")
    body = queue(client, schools, status="submitted")
    assert names(body) == ["Trường Đống Đa"] and body["total"] == 1
    assert body["totals"] == {"missing": 5, "draft": 1, "submitted": 1, "returned": 0, "approved": 1}
    assert queue(client, schools, q="truong d")["totals"]["submitted"] == 1
    assert queue(client, schools, q="dich")["totals"] == {"missing": 1, "draft": 0, "submitted": 0,
                                                          "returned": 0, "approved": 0}


@pytest.mark.parametrize(("params", "field"), [({"sort": "size"}, "sort"), ({"order": "up"}, "order"),
                                               ({"page": "0"}, "page"), ({"per_page": "1000"}, "per_page")])
def test_bad_paging_and_sorting_name_the_field(schools, api_as, params, field):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = api_as("ward_reviewer").get(f"/api/v1/periods/{schools.period.id}/queue?{query}")
    assert response.status_code == 422 and field in str(response.get_json())


def test_the_queue_page_sorts_searches_and_pages(schools, client_as):
    client = client_as("ward_reviewer")
    html = client.get(f"/periods/{schools.period.id}/queue?kind=school&q=truong").get_data(as_text=True)
    positions = [html.index(name) for name in NAMES]
    assert positions == sorted(positions)
    assert "Trang 1/1 · 8 đơn vị" in html
    assert 'aria-sort="ascending"' in html
    searched = client.get(f"/periods/{schools.period.id}/queue?q=dong%20da").get_data(as_text=True)
    assert "Trường Đống Đa" in searched and "Trường Ba Đình" not in searched


def test_scores_on_the_queue_page_are_written_the_vietnamese_way(schools, db, host, client_as):
    report(db, host, schools, "q-1", until="submitted")  # Dịch Vọng
    tenant = db.get(Tenant, schools.tenant("q-1").id)
    period = db.get(ReportingPeriod, schools.period.id)
    review.score_criteria(db, SystemAccess(db=db, user=None), host, tenant, period, "rpt.safety",
                          {"trained": {"score": 40.91, "note": ""}, "plan_issued": {"score": 40, "note": ""}})
    db.commit()
    assert report_ops.find(db, tenant, period).review_score == 80.91
    client = client_as("ward_reviewer")
    html = client.get(f"/periods/{schools.period.id}/queue?kind=school&q=dich%20vong").get_data(as_text=True)
    assert ">80,91<" in html and "80.91" not in html
    english = client.get(f"/periods/{schools.period.id}/queue?kind=school&q=dich%20vong&lang=en")
    assert ">80.91<" in english.get_data(as_text=True)



def test_a_queue_page_past_the_last_says_so_and_links_to_the_last(schools, client_as):
    client = client_as("ward_reviewer")
    html = client.get(f"/periods/{schools.period.id}/queue?kind=school&page=999").get_data(as_text=True)
    assert "Trang 999 không có dòng nào: danh sách có 8 dòng trên 1 trang." in html
    assert "Không có báo cáo nào phù hợp." not in html
    assert f'href="/periods/{schools.period.id}/queue?kind=school"' in html  # the last page is page 1
    nothing = client.get(f"/periods/{schools.period.id}/queue?q=khong%20co%20truong%20nay")
    assert "Không có báo cáo nào phù hợp." in nothing.get_data(as_text=True)
