"""The top of a report page stays short on a phone: a report that lacks many criteria lists the
first few of them and folds the rest, so the section index and the form are not pushed thousands
of pixels down; and the home page names a period by its words, not its key."""

from __future__ import annotations

import re

from .helpers import text_of
from .test_reports_english import school_world, thidua_config  # noqa: F401 (fixtures: the school set)
from .test_reports_kit import page


def missing_box(html: str) -> str:
    return html.split('id="missing"', 1)[1].split('class="page-actions', 1)[0]


def test_a_long_list_of_what_is_missing_shows_five_and_folds_the_rest(school_world, client_as, api_as):  # noqa: F811
    url = f"/api/v1/tenants/{school_world.tenant('school-a1').id}/periods/{school_world.period.id}/report"
    saved = api_as("a1_reporter").put(url, json={"version": 0, "sections": {"school.atantt": {}}})
    assert saved.status_code == 200, saved.get_json()  # a draft, nothing filled yet
    client = client_as("a1_reporter")
    html = client.get(page(school_world)).get_data(as_text=True)
    box = missing_box(html)
    shown, folded = box.split('id="missing-more"', 1)
    total = len(re.findall(r'<a href="#field-', box))
    assert total > 10  # the school set's required criteria, none filled yet
    assert len(re.findall(r'<a href="#field-', shown)) == 5
    assert len(re.findall(r'<a href="#field-', folded)) == total - 5
    assert f"Còn thiếu để gửi báo cáo ({total})" in text_of_fragment(shown)
    assert f"Xem thêm {total - 5} mục còn thiếu" in text_of_fragment(folded)
    english = missing_box(client.get(page(school_world) + "?lang=en").get_data(as_text=True))
    assert f"Show {total - 5} more missing items" in text_of_fragment(english)


def test_the_home_page_names_the_period_without_its_key(school_world, client_as):  # noqa: F811
    client = client_as("a1_reporter")
    for lang, kind in (("vi", "Báo cáo năm"), ("en", "Annual report")):
        text = text_of(client.get(f"/?lang={lang}"))
        assert kind in text
        assert school_world.period.key not in text, lang


def text_of_fragment(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
