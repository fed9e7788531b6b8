"""The report page of a unit in the interface's language, with a built-in criteria set: in English
a criterion's help, unit and choices read in English while the stored choices stay Vietnamese; in
Vietnamese the set reads as written."""

from __future__ import annotations

from html import escape

import pytest

from plugins.school_safety.rules import RATING_GOOD

from .helpers import text_of
from .test_reports_kit import page

HELP_VI = "Nơi chưa có tổ chức Đảng thì không xét tiêu chí nghị quyết của tổ chức Đảng."
HELP_EN = "Where there is no Party organisation, the Party resolution criterion is not assessed."
PEOPLE_LABEL = "Tổng số cán bộ, công nhân viên, người lao động, người dạy và người học"


@pytest.fixture
def thidua_config():
    return {"THIDUA_PLUGINS": "school_safety"}


@pytest.fixture
def school_world(world, enable_criteria_sets):
    enable_criteria_sets("school.atantt", kinds=["school"])
    return world


def test_english_shows_the_english_help_unit_and_choice_labels(school_world, client_as):
    response = client_as("a1_reporter").get(page(school_world) + "?lang=en")
    assert response.status_code == 200
    text, html = text_of(response), response.get_data(as_text=True)
    assert "School safe for security and order (TT 124, Art. 7)" in text
    assert HELP_EN in text and HELP_VI not in text
    assert "Staff, teachers and learners * (people)" in text
    # The choice is offered under its English label and still posted as the stored Vietnamese.
    assert f'<option value="{escape(RATING_GOOD)}">Completed tasks well</option>' in html
    assert "Not yet eligible for rating" in text and "Chưa đủ điều kiện bình xét" not in text


def test_vietnamese_shows_the_set_as_written(school_world, client_as):
    response = client_as("a1_reporter").get(page(school_world))
    assert response.status_code == 200
    text, html = text_of(response), response.get_data(as_text=True)
    assert HELP_VI in text and HELP_EN not in text
    assert f"{PEOPLE_LABEL} * (người)" in text
    assert f'<option value="{escape(RATING_GOOD)}">{escape(RATING_GOOD)}</option>' in html
    assert "Completed tasks well" not in text
