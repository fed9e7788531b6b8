"""A criterion as the interface's language shows it: labels, help, units and choices in English,
stored values unchanged, and what a set lacks for its English to be complete."""

from __future__ import annotations

from marshmallow import Schema

from core.plugins import choice_field, count_field, describe
from core.plugins.criteria import CriteriaSet
from core.plugins.language import in_language, missing_english

RATINGS = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ")
RATINGS_EN = {"Hoàn thành xuất sắc nhiệm vụ": "Completed its tasks with distinction",
              "Hoàn thành nhiệm vụ": "Completed its tasks",
              "Không hoàn thành nhiệm vụ": "Did not complete its tasks"}


class Complete(Schema):
    rating = choice_field("Kết quả xếp loại", "Rating", RATINGS, choices_en=RATINGS_EN,
                          help="Theo kết quả bình xét cuối năm.", help_en="As rated at the end of the year.")
    trained = count_field("Số người được tập huấn", "People trained", "người", maximum=1_000)
    drones = count_field("Số thiết bị bay", "Drones", "thiết bị bay", unit_en="drones", maximum=10)


class Incomplete(Schema):
    rating = choice_field("Kết quả xếp loại", "Rating", RATINGS, choices_en={RATINGS[0]: "Distinction"},
                          help="Theo kết quả bình xét cuối năm.")
    drones = count_field("Số thiết bị bay", "Số thiết bị bay", "thiết bị bay", maximum=10)


def fields_of(schema) -> dict[str, dict]:
    criteria_set = CriteriaSet(key="t.lang", version=1, title="Thử", title_en="Test",
                               applies_to=frozenset({"school"}), schema=schema)
    return {info.name: info.as_dict() for info in describe(criteria_set)}


def test_english_shows_the_english_label_help_unit_and_choice_labels(app):
    fields = fields_of(Complete)
    with app.test_request_context("/?lang=en"):
        rating = in_language(fields["rating"], english=True)
        trained = in_language(fields["trained"], english=True)
        drones = in_language(fields["drones"], english=True)
    assert rating["label"] == "Rating" and rating["help"] == "As rated at the end of the year."
    assert rating["choice_labels"] == RATINGS_EN
    # The stored values stay the Vietnamese choices; only their labels change.
    assert rating["choices"] == list(RATINGS)
    assert trained["unit"] == "people"  # the core's vocabulary of units
    assert drones["unit"] == "drones"  # the set's own unit_en


def test_vietnamese_shows_the_set_as_written(app):
    fields = fields_of(Complete)
    with app.test_request_context("/?lang=vi"):
        rating = in_language(fields["rating"], english=False)
        trained = in_language(fields["trained"], english=False)
    assert rating["label"] == "Kết quả xếp loại" and rating["help"] == "Theo kết quả bình xét cuối năm."
    assert rating["choice_labels"] == {choice: choice for choice in RATINGS}
    assert trained["unit"] == "người"


def test_what_a_set_lacks_for_english_is_named():
    complete, incomplete = fields_of(Complete), fields_of(Incomplete)
    assert all(missing_english(field) == [] for field in complete.values())
    assert missing_english(incomplete["rating"]) == ["help_en", "choices_en"]
    assert missing_english(incomplete["drones"]) == ["label_en", "unit_en"]


def test_a_description_handed_out_can_be_changed_without_changing_the_next():
    # The web page adds its own keys to each description and the API writes them: neither may
    # leak into the description the next read is given.
    first = fields_of(Complete)
    first["rating"]["label"] = "changed"
    first["rating"]["choices"].append("changed")
    first["rating"]["max_points"] = 5
    again = fields_of(Complete)["rating"]
    assert again["label"] == "Kết quả xếp loại" and again["choices"] == list(RATINGS)
    assert "max_points" not in again
