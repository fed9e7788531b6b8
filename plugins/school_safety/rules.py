"""Validation, scoring and the pass/fail standards of the school criteria."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.plugins import at_least_share, met, met_if_none, share, weighted_score

RATING_ADVANCED = "Tập thể lao động tiên tiến"
RATING_EXCELLENT = "Hoàn thành xuất sắc nhiệm vụ"
RATING_GOOD = "Hoàn thành tốt nhiệm vụ"
RATING_DONE = "Hoàn thành nhiệm vụ"
RATING_FAILED = "Không hoàn thành nhiệm vụ"
NOT_ELIGIBLE = "Chưa đủ điều kiện bình xét"
NO_FORCE = "Không có lực lượng bảo vệ"

SCHOOL_FORCE_RATINGS: tuple[str, ...] = (
    RATING_ADVANCED, RATING_EXCELLENT, RATING_GOOD, RATING_DONE, RATING_FAILED, NOT_ELIGIBLE, NO_FORCE,
)
SCHOOL_FORCE_RATINGS_EN: dict[str, str] = {
    RATING_ADVANCED: "Advanced collective",
    RATING_EXCELLENT: "Completed tasks excellently",
    RATING_GOOD: "Completed tasks well",
    RATING_DONE: "Completed tasks",
    RATING_FAILED: "Did not complete tasks",
    NOT_ELIGIBLE: "Not yet eligible for rating",
    NO_FORCE: "No protection force",
}
# TT 124 Điều 7 khoản 5: "Tập thể lao động tiên tiến" or "Hoàn thành tốt nhiệm vụ" or better, only
# where the force may be rated, and only if the school has one.
FORCE_RATINGS_MET = frozenset({RATING_ADVANCED, RATING_EXCELLENT, RATING_GOOD, NOT_ELIGIBLE, NO_FORCE})

# The tenant attribute ``level`` of a school. TT 124 leaves out kindergartens, crèches and primary
# schools; the parents' board criterion is for general education only.
OUTSIDE_TT124 = frozenset({"mam_non", "nha_tre", "tieu_hoc"})
NOT_GENERAL_EDUCATION = frozenset({"trung_cap", "cao_dang", "dai_hoc"})

SUB_UNITS_SHARE = (7, 10)  # at least 70% of the sub-units rated well


def level_of(ctx: Any) -> str | None:
    tenant = getattr(ctx, "tenant", None)
    attributes = getattr(tenant, "attributes", None) or {}
    level = attributes.get("level")
    return str(level) if level else None


# -- school.atantt ---------------------------------------------------------------------------


def validate_atantt(data: Mapping[str, Any], ctx: Any) -> dict[str, str]:
    """Parts may not exceed their whole (people briefed ≤ people, sub-units rated well ≤
    sub-units); a Party resolution needs a Party organisation; a school without a protection force
    has no force member to discipline."""
    errors: dict[str, str] = {}
    if data["people_briefed"] > data["people_total"]:
        errors["people_briefed"] = (
            "Số người được phổ biến, quán triệt không được lớn hơn tổng số cán bộ, người dạy và người học."
        )
    if data["sub_units_rated_well"] > data["sub_units_total"]:
        errors["sub_units_rated_well"] = (
            "Số đầu mối được đánh giá từ “Hoàn thành tốt nhiệm vụ” trở lên không được lớn hơn tổng số "
            "đầu mối trực thuộc."
        )
    if data["party_resolution"] and not data["has_party_organisation"]:
        errors["party_resolution"] = (
            "Nhà trường chưa có tổ chức Đảng thì không có nghị quyết của tổ chức Đảng; vui lòng kiểm tra lại."
        )
    if data["protection_force_rating"] == NO_FORCE and data["protection_force_disciplined"] > 0:
        errors["protection_force_disciplined"] = (
            "Nhà trường không có lực lượng bảo vệ thì không có thành viên lực lượng bảo vệ bị kỷ luật."
        )
    return errors


def atantt_criteria(data: Mapping[str, Any], ctx: Any) -> dict[str, float]:
    """How far each criterion of TT 124 Điều 7 is met, field by field, from 0 to 1."""
    general = level_of(ctx) not in NOT_GENERAL_EDUCATION
    sub_total, rated_well = data["sub_units_total"], data["sub_units_rated_well"]
    return {
        "party_resolution": met(data["party_resolution"] or not data["has_party_organisation"]),
        "security_plan": met(data["security_plan"]),
        "registered": met(data["registered"]),
        "internal_rules": met(data["internal_rules"]),
        "people_briefed": share(data["people_briefed"], data["people_total"]),
        "effective_models": met(data["effective_models"] >= 1),
        "policies_implemented": met(data["policies_implemented"]),
        "parents_coordination": met(data["parents_coordination"] or not general),
        "listed_incidents": met_if_none(data["listed_incidents"]),
        "school_violence_cases": met_if_none(data["school_violence_cases"]),
        "crime_or_evil_disciplined": met_if_none(data["crime_or_evil_disciplined"]),
        "protection_force_rating": met(data["protection_force_rating"] in FORCE_RATINGS_MET),
        "protection_force_disciplined": met_if_none(data["protection_force_disciplined"]),
        "sub_units_rated_well": met(sub_total == 0 or at_least_share(rated_well, sub_total, SUB_UNITS_SHARE)),
        "sub_units_disciplined": met_if_none(data["sub_units_disciplined"]),
    }


def score_atantt(data: Mapping[str, Any], ctx: Any) -> float:
    """Each criterion of TT 124 Điều 7 earns its field's points when met (see the Points column):

    the Quý I documents 5 each (the Party resolution also counts as met where the school has no
    Party organisation), the share briefed 10 × briefed / total, at least one effective model 5,
    implementation 5, coordination with the parents' board 5 (met by default outside general
    education), no listed incident 10, no school violence 10, no crime or social-evil discipline 10,
    the protection force rated "Hoàn thành tốt nhiệm vụ" or better (or no force, or not eligible) 10
    and none of its members disciplined 5, at least 70% of the sub-units rated well 5 (exactly 70%
    is enough) and nobody in them disciplined 5. Total 0–100.
    """
    return weighted_score(ctx.criteria_set, data, atantt_criteria(data, ctx))


def atantt_outcomes(data: Mapping[str, Any], ctx: Any) -> dict[str, bool | None]:
    """``atantt``: "An toàn về an ninh, trật tự" is reached when every criterion of TT 124 Điều 7 is
    fully met (100% briefed, ≥70% of sub-units rated well, no incident of any listed kind…).
    ``None`` (not applicable) for kindergartens, crèches and primary schools (tenant attribute
    ``level`` = ``mam_non``, ``nha_tre`` or ``tieu_hoc``), which TT 124 leaves out."""
    if level_of(ctx) in OUTSIDE_TT124:
        return {"atantt": None}
    return {"atantt": all(fraction >= 1.0 for fraction in atantt_criteria(data, ctx).values())}


# -- school.safe_gate ------------------------------------------------------------------------


def safe_gate_criteria(data: Mapping[str, Any]) -> dict[str, float]:
    return {
        "signage_complete": met(data["signage_complete"]),
        "pickup_parking": met(data["pickup_parking"]),
        "traffic_accidents": met_if_none(data["traffic_accidents"]),
        "congestion_incidents": met_if_none(data["congestion_incidents"]),
        "helmet_violations": met_if_none(data["helmet_violations"]),
        "commitments_signed": met(data["commitments_signed"]),
        "self_management_team": met(data["self_management_team"]),
    }


def score_safe_gate(data: Mapping[str, Any], ctx: Any) -> float:
    """Signage and markings 15, orderly pick-up parking 15, no traffic accident 20, no prolonged
    congestion 10, no helmet violation 15, the three-party commitments signed 15 and an active
    gate self-management team 10. Total 0–100."""
    return weighted_score(ctx.criteria_set, data, safe_gate_criteria(data))


def safe_gate_outcomes(data: Mapping[str, Any], ctx: Any) -> dict[str, bool | None]:
    """``safe_gate``: "Cổng trường an toàn giao thông" when every criterion is met: signage,
    parking, commitments and the team in place, no accident, no congestion, no helmet violation."""
    return {"safe_gate": all(fraction >= 1.0 for fraction in safe_gate_criteria(data).values())}


# -- school.drug_violence_free ----------------------------------------------------------------


def validate_drug_violence_free(data: Mapping[str, Any], ctx: Any) -> dict[str, str]:
    """Pupils who signed the commitment ≤ pupils."""
    if data["students_committed"] > data["students_total"]:
        return {"students_committed": "Số học sinh ký cam kết không được lớn hơn tổng số học sinh."}
    return {}


def score_drug_violence_free(data: Mapping[str, Any], ctx: Any) -> float:
    """Propaganda 5 per session up to 20, commitments 20 × signed / pupils, no drug case 30 and no
    school violence 30. Total 0–100."""
    return weighted_score(ctx.criteria_set, data, {
        "students_committed": share(data["students_committed"], data["students_total"]),
        "drug_cases": met_if_none(data["drug_cases"]),
        "violence_cases": met_if_none(data["violence_cases"]),
    })


def drug_violence_free_outcomes(data: Mapping[str, Any], ctx: Any) -> dict[str, bool | None]:
    """``drug_violence_free``: no drug case and no school violence in the year."""
    return {"drug_violence_free": data["drug_cases"] == 0 and data["violence_cases"] == 0}


# -- school.legal_education --------------------------------------------------------------------


def validate_legal_education(data: Mapping[str, Any], ctx: Any) -> dict[str, str]:
    """Pupils reached ≤ pupils; pupils are reached only through lessons."""
    errors: dict[str, str] = {}
    if data["students_reached"] > data["students_total"]:
        errors["students_reached"] = "Số học sinh được giáo dục không được lớn hơn tổng số học sinh."
    elif data["students_reached"] > 0 and not (data["legal_lessons"] or data["fraud_lessons"]):
        errors["students_reached"] = (
            "Đã nhập số học sinh được giáo dục nhưng chưa có tiết, buổi giáo dục pháp luật hoặc phòng, "
            "chống lừa đảo trên không gian mạng nào."
        )
    return errors


def score_legal_education(data: Mapping[str, Any], ctx: Any) -> float:
    """Lessons earn their points per lesson up to the cap (legal 2.5 up to 20, online fraud 5 up to
    20, road safety 2.5 up to 10, police talks 5 up to 10), pupils reached 30 × reached / pupils,
    the school–family arrangement 10. Total 0–100."""
    return weighted_score(ctx.criteria_set, data, {
        "students_reached": share(data["students_reached"], data["students_total"]),
    })
