"""``/api/v1/award-types`` and ``/api/v1/periods/<pid>/nominations``: the chain over HTTP, the
answers to the wrong role (403) and to a sibling unit (404), and validation naming the field."""

from __future__ import annotations

import io

import pytest

from tests.api.helpers import error_of
from tests.awards.files import EXE, PDF

PREFIX = "/api/v1"


@pytest.fixture
def api(api_as, awards_world):
    return api_as


def base(world) -> str:
    return f"{PREFIX}/periods/{world.period.id}/nominations"


def attach(client, url, kind="memo", data=PDF, name="to-trinh.pdf", version=None):
    form = {"kind": kind, "file": (io.BytesIO(data), name)}
    if version is not None:
        form["version"] = str(version)
    return client.post(f"{url}/attachments", data=form, content_type="multipart/form-data")


def opened(api, world, user="ward_head", unit="ward-a") -> dict:
    answer = api(user).post(base(world), json={"unit": str(world.tenant(unit).id),
                                               "justification": "Thành tích xuất sắc trong năm"})
    assert answer.status_code == 201, answer.get_json()
    assert answer.headers["Location"].endswith(answer.get_json()["id"])
    return answer.get_json()


def test_award_types_are_listed_by_round(api, awards_world):
    answer = api("ward_reporter").get(f"{PREFIX}/award-types?round=five_year")
    assert answer.status_code == 200
    items = answer.get_json()["items"]
    assert [i["key"] for i in items] == ["co-thi-dua-tp", "co-thi-dua-chinh-phu", "bang-khen-thu-tuong",
                                         "huan-chuong-lao-dong-hang-ba"]
    assert items[1]["level"] == "government" and items[1]["authority"] == "Thủ tướng Chính phủ"
    assert error_of(api("ward_reporter").get(f"{PREFIX}/award-types?round=weekly"))["code"]
    assert len(api("ward_reporter").get(f"{PREFIX}/award-types").get_json()["items"]) == 8


def test_the_chain_over_the_api(api, awards_world):
    world = awards_world
    dossier = opened(api, world)
    url = f"{base(world)}/{dossier['id']}"
    head = api("ward_head")
    added = head.post(f"{url}/nominees", json={"subject": "individual", "award": "giay-khen-cong-an-tp",
                                               "unit": str(world.tenant("ward-a").id),
                                               "person_name": "Lê Thị Hoa", "person_position": "Công an viên",
                                               "version": 0})
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["version"] == 1 and added.get_json()["actions"] == ["edit", "submit"]
    again = head.post(f"{url}/nominees", json={"subject": "individual", "award": "giay-khen-cong-an-tp",
                                               "unit": str(world.tenant("ward-a").id),
                                               "person_name": "Le Thi Hoa"})
    assert again.status_code == 422 and "person_name" in error_of(again)["fields"]

    refused = head.post(f"{url}/submit", json={"version": 1})
    assert refused.status_code == 422 and list(error_of(refused)["fields"]) == ["attachments"]
    assert attach(head, url, version=1).status_code == 201
    assert head.post(f"{url}/submit", json={"version": 2}).get_json()["status"] == "proposed"
    police = api("police_reviewer")
    listed = police.get(f"{base(world)}?status=proposed").get_json()["items"]
    assert [(i["id"], i["unit"]["name"], i["nominees"]) for i in listed] == [(dossier["id"], "Phường A", 1)]
    returned = police.post(f"{url}/return", json={"reason": "Thiếu tờ trình"})
    assert returned.get_json()["status"] == "returned"
    assert returned.get_json()["return_reason"] == "Thiếu tờ trình"
    assert head.patch(url, json={"justification": "Đã bổ sung tờ trình", "version": 4}).status_code == 200
    assert head.post(f"{url}/submit", json={}).status_code == 200
    assert police.post(f"{url}/vet", json={"note": "Đủ điều kiện"}).get_json()["status"] == "vetted"
    noivu = api("noivu_reviewer")
    assert noivu.post(f"{url}/appraise").get_json()["status"] == "appraised"
    decided = noivu.post(f"{url}/decide", json={"number": "55/QĐ-CAHN", "date": "2026-11-22"})
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["decision"] == {"number": "55/QĐ-CAHN", "date": "2026-11-22",
                                              "authority": "Giám đốc Công an Thành phố Hà Nội"}


def test_wrong_role_403_sibling_404_and_fields_named(api, awards_world):
    world = awards_world
    dossier = opened(api, world)
    url = f"{base(world)}/{dossier['id']}"
    ward = str(world.tenant("ward-a").id)
    # Siblings and cousins never learn the dossier exists, nor can they open one for the ward.
    for user in ("commune_head", "commune_admin", "a1_head", "police_reviewer"):
        assert api(user).get(url).status_code == 404, user
        assert api(user).post(f"{url}/submit", json={}).status_code == 404, user
    assert api("commune_admin").post(base(world), json={"unit": ward}).status_code == 404
    assert api("ward_reporter").post(base(world), json={"unit": ward}).status_code == 403
    assert api("ward_reporter").post(f"{url}/submit", json={}).status_code == 403
    # Fields named, never a 500.
    answer = api("ward_head").post(f"{url}/nominees", json={"subject": "team", "award": "x", "unit": "u"})
    assert answer.status_code == 422 and {"subject", "unit"} <= set(error_of(answer)["fields"])
    answer = api("ward_head").post(f"{url}/nominees",
                                   json={"subject": "collective", "award": "x", "unit": ward})
    assert answer.status_code == 422 and "award" in error_of(answer)["fields"]
    assert api("ward_head").post(f"{url}/return", json={}).status_code in (400, 422)
    assert api("ward_head").post(f"{url}/submit", json={}).status_code == 422  # no nominee yet
    assert api("ward_head").post(base(world), json={"unit": ward}).status_code == 409
    assert api("ward_head").get(f"{base(world)}/00000000-0000-0000-0000-000000000000").status_code == 404

    api("ward_head").post(f"{url}/nominees", json={"subject": "collective", "award": "giay-khen-cong-an-tp",
                                                   "unit": ward})
    attach(api("ward_head"), url)
    assert api("ward_head").post(f"{url}/submit", json={}).status_code == 200
    assert api("ward_head").post(f"{url}/vet", json={}).status_code == 403
    assert api("noivu_reviewer").post(f"{url}/vet", json={}).status_code == 403
    assert api("city_reviewer").post(f"{url}/vet", json={}).status_code == 403
    assert api("police_reviewer").post(f"{url}/appraise", json={}).status_code == 403
    stale = api("police_reviewer").post(f"{url}/vet", json={"version": 0})
    assert stale.status_code == 409 and error_of(stale)["version"] == 3
    assert api("commune_head").get(url).status_code == 404


def test_removing_a_nominee(api, awards_world):
    world = awards_world
    dossier = opened(api, world)
    url = f"{base(world)}/{dossier['id']}"
    added = api("ward_head").post(f"{url}/nominees", json={
        "subject": "collective", "award": "giay-khen-cong-an-tp", "unit": str(world.tenant("ward-a").id)})
    nominee = added.get_json()["nominees"][0]["id"]
    assert api("commune_head").delete(f"{url}/nominees/{nominee}").status_code == 404
    assert api("ward_head").delete(f"{url}/nominees/{nominee}?version=0").status_code == 409
    assert api("ward_head").delete(f"{url}/nominees/{nominee}?version=1").status_code == 204
    assert api("ward_head").get(url).get_json()["nominees"] == []


def test_editing_a_nominees_note(api, awards_world):
    world = awards_world
    dossier = opened(api, world)
    url = f"{base(world)}/{dossier['id']}"
    added = api("ward_head").post(f"{url}/nominees", json={
        "subject": "collective", "award": "giay-khen-cong-an-tp", "unit": str(world.tenant("ward-a").id),
        "note": "Lần đầu"})
    nominee = added.get_json()["nominees"][0]
    assert nominee["note"] == "Lần đầu"
    note_url = f"{url}/nominees/{nominee['id']}"
    assert api("commune_head").patch(note_url, json={"note": "x"}).status_code == 404
    assert api("ward_reporter").patch(note_url, json={"note": "x"}).status_code == 403
    assert api("ward_head").patch(note_url, json={"note": "x", "version": 0}).status_code == 409
    too_long = api("ward_head").patch(note_url, json={"note": "x" * 2001})
    assert too_long.status_code == 422 and list(error_of(too_long)["fields"]) == ["note"]
    assert list(error_of(api("ward_head").patch(note_url, json={}))["fields"]) == ["note"]
    saved = api("ward_head").patch(note_url, json={"note": "Sáng kiến cấp phường", "version": 1})
    assert saved.status_code == 200
    body = saved.get_json()
    assert (body["nominees"][0]["note"], body["version"]) == ("Sáng kiến cấp phường", 2)


def test_the_registry_searches_decided_commendations(api, awards_world):
    world = awards_world
    dossier = opened(api, world)
    url = f"{base(world)}/{dossier['id']}"
    ward = str(world.tenant("ward-a").id)
    api("ward_head").post(f"{url}/nominees", json={"subject": "individual", "award": "giay-khen-cong-an-tp",
                                                   "unit": ward, "person_name": "Nguyễn Thị Đào",
                                                   "person_position": "Tổ trưởng dân phố"})
    registry = f"{PREFIX}/award-registry"
    assert api("ward_head").get(f"{registry}?q=nguyen thi dao").get_json()["items"] == []  # not decided yet
    attach(api("ward_head"), url)
    api("ward_head").post(f"{url}/submit", json={})
    api("police_reviewer").post(f"{url}/vet", json={})
    api("noivu_reviewer").post(f"{url}/appraise", json={})
    api("noivu_reviewer").post(f"{url}/decide", json={"number": "9/QĐ-CAHN", "date": "2026-11-28"})
    found = api("ward_head").get(f"{registry}?q=nguyen thi dao&year=2026").get_json()["items"]
    rows = [(r["person_name"], r["unit"]["name"], r["award"]["key"], r["decision_number"]) for r in found]
    assert rows == [("Nguyễn Thị Đào", "Phường A", "giay-khen-cong-an-tp", "9/QĐ-CAHN")]
    assert api("ward_head").get(f"{registry}?year=2025").get_json()["items"] == []
    assert api("ward_head").get(f"{registry}?award=bang-khen-chu-tich-tp").get_json()["items"] == []
    assert len(api("ward_head").get(f"{registry}?unit={ward}").get_json()["items"]) == 1
    assert api("commune_head").get(f"{registry}?q=nguyen").get_json()["items"] == []
    assert "year" in error_of(api("ward_head").get(f"{registry}?year=99999"))["fields"]


def test_attachments_uploaded_listed_downloaded_and_removed(api, awards_world):
    world = awards_world
    dossier = opened(api, world)
    url = f"{base(world)}/{dossier['id']}"
    head = api("ward_head")
    memo = attach(head, url, name="Tờ trình số 12.pdf", version=0)
    assert memo.status_code == 201, memo.get_json()
    item = memo.get_json()
    assert (item["kind"], item["filename"], item["content_type"]) == ("memo", "Tờ trình số 12.pdf",
                                                                      "application/pdf")
    minutes = attach(head, url, kind="minutes", name="bien-ban.exe.pdf")
    assert minutes.status_code == 201
    listed = head.get(f"{url}/attachments").get_json()["items"]
    assert [i["kind"] for i in listed] == ["memo", "minutes"]
    assert [a["kind"] for a in head.get(url).get_json()["attachments"]] == ["memo", "minutes"]
    # Anyone who sees the dossier downloads it: the ward itself and the city above it.
    download = f"{url}/attachments/{item['id']}"
    for user in ("ward_head", "ward_reporter", "city_reviewer"):
        got = api(user).get(download)
        assert got.status_code == 200 and got.data == PDF, user
    assert "filename*=UTF-8''T%E1%BB%9D" in head.get(download).headers["Content-Disposition"]

    # Refusals: a program, a wrong kind, no file, stale version, wrong role, sibling.
    bad = attach(head, url, data=EXE, name="to-trinh.pdf")
    assert bad.status_code == 422 and list(error_of(bad)["fields"]) == ["file"]
    assert list(error_of(attach(head, url, kind="other"))["fields"]) == ["kind"]
    empty = head.post(f"{url}/attachments", data={"kind": "memo"}, content_type="multipart/form-data")
    assert empty.status_code == 422 and list(error_of(empty)["fields"]) == ["file"]
    stale = attach(head, url, version=0)
    assert stale.status_code == 409 and error_of(stale)["version"] == 2
    assert attach(api("ward_reporter"), url).status_code == 403
    for user in ("a1_head", "commune_admin", "police_reviewer"):
        assert attach(api(user), url).status_code == 404, user
        assert api(user).get(download).status_code == 404, user
        assert api(user).delete(download).status_code == 404, user
    assert api("ward_reporter").delete(download).status_code == 403
    assert head.delete(f"{download}?version=0").status_code == 409
    assert head.delete(f"{download}?version=2").status_code == 204
    assert head.get(download).status_code == 404
    assert [i["kind"] for i in head.get(f"{url}/attachments").get_json()["items"]] == ["minutes"]


def test_attachments_are_frozen_once_proposed_and_bounded_in_size(api, awards_world, app):
    world = awards_world
    dossier = opened(api, world)
    url = f"{base(world)}/{dossier['id']}"
    head = api("ward_head")
    head.post(f"{url}/nominees", json={"subject": "collective", "award": "giay-khen-cong-an-tp",
                                       "unit": str(world.tenant("ward-a").id)})
    memo = attach(head, url).get_json()
    app.config["THIDUA_MAX_UPLOAD_BYTES"] = len(PDF)
    try:
        assert attach(head, url, data=PDF + b" ").status_code == 413
    finally:
        app.config.pop("THIDUA_MAX_UPLOAD_BYTES")
    assert head.post(f"{url}/submit", json={}).status_code == 200
    assert attach(head, url, kind="minutes").status_code == 409
    assert head.delete(f"{url}/attachments/{memo['id']}").status_code == 409
    # The vetting unit now sees the dossier and its memo.
    assert api("police_reviewer").get(f"{url}/attachments/{memo['id']}").data == PDF


def test_the_registry_reaches_the_whole_city_for_the_chain_and_the_city_only(api, awards_world):
    world = awards_world
    dossier = opened(api, world)
    url = f"{base(world)}/{dossier['id']}"
    ward = str(world.tenant("ward-a").id)
    api("ward_head").post(f"{url}/nominees", json={"subject": "collective", "award": "giay-khen-cong-an-tp",
                                                   "unit": ward})
    attach(api("ward_head"), url)
    api("ward_head").post(f"{url}/submit", json={})
    api("police_reviewer").post(f"{url}/vet", json={})
    api("noivu_reviewer").post(f"{url}/appraise", json={})
    assert api("noivu_reviewer").post(f"{url}/decide", json={"number": "7/QĐ-CAHN",
                                                             "date": "2026-11-28"}).status_code == 200
    registry = f"{PREFIX}/award-registry?q=phuong a"

    def found(user):
        return [r["decision_number"] for r in api(user).get(registry).get_json()["items"]]

    # Công an TP, Sở Nội vụ and its board, and the city's own admins and viewers: the whole city.
    for user in ("police_reviewer", "noivu_reviewer", "board_admin", "city_admin", "city_viewer",
                 "ward_head", "ward_reporter"):
        assert found(user) == ["7/QĐ-CAHN"], user
    # Siblings and units below keep their own subtree; a reporter of Công an TP takes no step of
    # the chain, so its reach stays its own unit's.
    for user in ("commune_head", "commune_admin", "edu_reviewer", "a1_head", "police_reporter"):
        assert found(user) == [], user


def test_an_individual_with_the_achievement_record_over_the_api(api, awards_world, db):
    from tests.awards.test_chain import _record

    world = awards_world
    dossier = opened(api, world)
    url = f"{base(world)}/{dossier['id']}"
    nominee = {"subject": "individual", "award": "giay-khen-cong-an-tp",
               "unit": str(world.tenant("ward-a").id), "achievement": True}
    refused = api("ward_head").post(f"{url}/nominees", json=nominee)
    assert refused.status_code == 422 and list(error_of(refused)["fields"]) == ["achievement"]
    _record(db, world)
    added = api("ward_head").post(f"{url}/nominees", json=nominee)
    assert added.status_code == 201, added.get_json()
    row = added.get_json()["nominees"][0]
    assert row["person_name"] == "Trần Thị Mai" and row["achievement"]["score"] == 87.5
    odd = api("ward_head").post(f"{url}/nominees", json={**nominee, "achievement": "maybe"})
    assert odd.status_code == 422
