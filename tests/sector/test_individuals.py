"""individuals: criteria group d) of the plan as an individual nominee's achievement record."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from core.plugins import describe
from core.plugins.manager import plugin_host
from core.tenants.kinds import CITY, CORE_KINDS
from plugins import individuals
from plugins.individuals.criteria import CATEGORIES

PLUGIN = "individuals"
KEY = "individual.achievements"


@pytest.fixture
def achievements(host):
    return host.criteria_set(KEY)


@pytest.fixture
def run(evaluate_set):
    """``run(data)`` → (errors, score) of the achievements set."""
    return lambda data: evaluate_set(KEY, data)


def values(**changes):
    data = {
        "full_name": "Nguyễn Văn Hùng",
        "position": "Tổ trưởng Tổ bảo vệ an ninh, trật tự tổ dân phố số 3, Phường Ba Đình",
        "category": "Cá nhân khác",
        "exemplary": True,
        "people_mobilised": 12,
        "propaganda_items": 2,
        "initiatives": 1,
        "models_joined": 1,
        "crimes_reported": 3,
        "crimes_solved": 1,
        "police_support": 4,
        "brave_acts": 0,
        "summary": "Phát hiện, tố giác 3 vụ trộm cắp tài sản, tham gia tuần tra cùng Công an phường.",
    }
    data.update(changes)
    return data


def test_every_nominating_kind_but_the_city_may_fill_it(achievements):
    assert achievements.applies_to == frozenset(CORE_KINDS) - {CITY}
    assert achievements.sector == "individual"


def test_the_docstring_says_annual_reports_normally_leave_it_out():
    assert "Periods normally do not enable it for annual reports" in " ".join(individuals.__doc__.split())


def test_every_field_is_labelled_and_every_number_has_a_range(achievements):
    declared = achievements.schema._declared_fields
    for info in describe(achievements):
        assert info.label != info.name and declared[info.name].metadata.get("label_en"), info.name
        if info.type == "integer":
            assert info.minimum == 0 and info.maximum is not None and info.unit, info.name


def test_valid_values_score_the_hand_computed_total(run):
    errors, score = run(values())
    # exemplary 10 + 12×0.5 + 2×1 + 7.5 (one initiative) + 5 (one model) + 10 (reported, capped)
    # + 10 (one solved) + 4×1.5
    assert errors == {}
    assert score == 10 + 6 + 2 + 7.5 + 5 + 10 + 10 + 6 == 56.5


def test_every_achievement_fully_met_scores_100(run):
    full = values(people_mobilised=20, propaganda_items=5, initiatives=2, police_support=10, brave_acts=1)
    assert run(full) == ({}, 100.0)


def test_solved_cases_may_equal_reported_ones_but_not_exceed_them(run):
    assert run(values(crimes_solved=3))[0] == {}
    errors, score = run(values(crimes_solved=4))
    assert score is None
    assert errors == {"crimes_solved": [
        "Số vụ được làm rõ không được lớn hơn số vụ đã tố giác, cung cấp thông tin."]}


def test_the_category_is_one_of_the_plans_groups(run):
    errors, _ = run(values(category="Khách du lịch"))
    assert "category" in errors and errors["category"][0].startswith("Vui lòng chọn một trong các giá trị")
    assert "Cán bộ, chiến sĩ lực lượng vũ trang" in CATEGORIES


def test_a_record_names_its_nominee_and_summarises_the_deeds(run):
    data = values(summary="Tốt.")
    del data["full_name"]
    errors, score = run(data)
    assert score is None
    assert errors["full_name"] == ["Vui lòng nhập trường này."]
    assert "summary" in errors


def test_demo_values_pass_validation_for_50_seeds_and_every_kind(run, demo_values, achievements):
    kinds = sorted(achievements.applies_to)
    for seed in range(50):
        unit = SimpleNamespace(kind=kinds[seed % len(kinds)], name="Trường THCS Trưng Vương", attributes={})
        data = demo_values(achievements, unit, seed)
        errors, score = run(data)
        assert errors == {}, (seed, data)
        assert 0 <= score <= 100
    enterprise = SimpleNamespace(kind="enterprise", name="Công ty", attributes={})
    record = individuals.thidua_demo_values(achievements, enterprise, random.Random(3))
    assert record == individuals.thidua_demo_values(achievements, enterprise, random.Random(3))
    assert record["category"] == "Công nhân viên, người lao động"


def test_demo_values_leave_other_sets_alone():
    other = SimpleNamespace(key="cyber.training")
    assert individuals.thidua_demo_values(other, None, random.Random(1)) is None


def test_aggregates_name_existing_fields(achievements):
    assert set(achievements.aggregates) <= set(achievements.schema._declared_fields)
    assert achievements.aggregates["brave_acts"] == "sum"
    assert achievements.aggregates["crimes_reported"] == "sum"


def test_a_period_cannot_ask_the_city_to_fill_it(app, db, world):
    from core.errors import Invalid
    from core.plugins.operations import configure_period
    from core.users.access import SystemAccess

    access = SystemAccess(db=db, user=None)
    with app.app_context(), pytest.raises(Invalid) as refused:
        configure_period(db, access, plugin_host(app), world.period,
                         [{"key": KEY, "tenant_kinds": ["city", "ward"], "weight": 1}])
    assert list(refused.value.errors) == ["0.tenant_kinds"]
    assert "city" in refused.value.errors["0.tenant_kinds"][0]
