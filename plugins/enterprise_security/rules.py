"""Validation, scoring and the pass/fail standard of the agency and enterprise criteria."""

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

FORCE_RATINGS: tuple[str, ...] = (
    RATING_ADVANCED, RATING_EXCELLENT, RATING_GOOD, RATING_DONE, RATING_FAILED, NOT_ELIGIBLE, NO_FORCE,
)
FORCE_RATINGS_EN: dict[str, str] = {
    RATING_ADVANCED: "Advanced collective",
    RATING_EXCELLENT: "Completed tasks excellently",
    RATING_GOOD: "Completed tasks well",
    RATING_DONE: "Completed tasks",
    RATING_FAILED: "Did not complete tasks",
    NOT_ELIGIBLE: "Not yet eligible for rating",
    NO_FORCE: "No protection force",
}
# TT 124 Điều 6 khoản 4 asks the force of every agency and enterprise (unlike a school's, "nếu
# có") for "Tập thể lao động tiên tiến" or "Hoàn thành tốt nhiệm vụ" or better, where it may be rated.
FORCE_RATINGS_MET = frozenset({RATING_ADVANCED, RATING_EXCELLENT, RATING_GOOD, NOT_ELIGIBLE})
FORCE_RATING_POINTS: dict[str, float] = {
    RATING_ADVANCED: 20, RATING_EXCELLENT: 20, RATING_GOOD: 20, RATING_DONE: 10, RATING_FAILED: 0,
    NOT_ELIGIBLE: 10, NO_FORCE: 0,
}

# Tenant attributes: ``size`` of an enterprise, ``armed_forces`` of an agency. TT 124 leaves out
# small and micro enterprises and the units of the armed forces.
OUTSIDE_TT124_SIZES = frozenset({"micro", "small"})
SUB_UNITS_SHARE = (7, 10)  # at least 70% of the sub-units rated well


def attributes_of(ctx: Any) -> Mapping[str, Any]:
    return getattr(getattr(ctx, "tenant", None), "attributes", None) or {}


def outside_tt124(ctx: Any) -> bool:
    tenant = getattr(ctx, "tenant", None)
    attributes = attributes_of(ctx)
    kind = getattr(tenant, "kind", None)
    if kind == "enterprise" and attributes.get("size") in OUTSIDE_TT124_SIZES:
        return True
    return kind == "agency" and bool(attributes.get("armed_forces"))


# -- enterprise.atantt -----------------------------------------------------------------------


def validate_atantt(data: Mapping[str, Any], ctx: Any) -> dict[str, str]:
    """Parts may not exceed their whole (staff briefed ≤ staff, sub-units rated well ≤ sub-units); a
    Party resolution needs a Party organisation; without a protection force no member of it can be
    disciplined."""
    errors: dict[str, str] = {}
    if data["staff_briefed"] > data["staff_total"]:
        errors["staff_briefed"] = (
            "Số cán bộ, người lao động được phổ biến, quán triệt không được lớn hơn tổng số cán bộ, người "
            "lao động."
        )
    if data["sub_units_rated_well"] > data["sub_units_total"]:
        errors["sub_units_rated_well"] = (
            "Số đầu mối được đánh giá từ “Hoàn thành tốt nhiệm vụ” trở lên không được lớn hơn tổng số "
            "đầu mối trực thuộc."
        )
    if data["party_resolution"] and not data["has_party_organisation"]:
        errors["party_resolution"] = (
            "Đơn vị chưa có tổ chức Đảng thì không có nghị quyết của tổ chức Đảng; vui lòng kiểm tra lại."
        )
    if data["protection_force_rating"] == NO_FORCE and data["protection_force_disciplined"] > 0:
        errors["protection_force_disciplined"] = (
            "Đơn vị không có lực lượng bảo vệ thì không có thành viên lực lượng bảo vệ bị kỷ luật."
        )
    return errors


def atantt_criteria(data: Mapping[str, Any]) -> dict[str, float]:
    """How far each criterion of TT 124 Điều 6 is met, field by field, from 0 to 1."""
    sub_total, rated_well = data["sub_units_total"], data["sub_units_rated_well"]
    return {
        "party_resolution": met(data["party_resolution"] or not data["has_party_organisation"]),
        "security_plan": met(data["security_plan"]),
        "registered": met(data["registered"]),
        "internal_rules": met(data["internal_rules"]),
        "staff_briefed": share(data["staff_briefed"], data["staff_total"]),
        "effective_models": met(data["effective_models"] >= 1),
        "policies_implemented": met(data["policies_implemented"]),
        "listed_incidents": met_if_none(data["listed_incidents"]),
        "staff_sanctioned": met_if_none(data["staff_sanctioned"]),
        "protection_force_rating": met(data["protection_force_rating"] in FORCE_RATINGS_MET),
        "protection_force_disciplined": met_if_none(data["protection_force_disciplined"]),
        "sub_units_rated_well": met(sub_total == 0 or at_least_share(rated_well, sub_total, SUB_UNITS_SHARE)),
        "sub_units_disciplined": met_if_none(data["sub_units_disciplined"]),
    }


def score_atantt(data: Mapping[str, Any], ctx: Any) -> float:
    """Each criterion of TT 124 Điều 6 earns its field's points when met (see the Points column):

    the Quý I documents 5 each (the Party resolution also counts as met where the unit has no Party
    organisation), the share of staff briefed 10 × briefed / staff, at least one effective model 10,
    implementation 10, no listed incident 15, no staff fined or disciplined 10, the protection force
    rated "Hoàn thành tốt nhiệm vụ" or better (or not eligible for rating) 10 and none of its
    members disciplined 5, at least 70% of the sub-units rated well 5 (exactly 70% is enough) and
    nobody in them disciplined 5. Total 0–100.
    """
    return weighted_score(ctx.criteria_set, data, atantt_criteria(data))


def atantt_outcomes(data: Mapping[str, Any], ctx: Any) -> dict[str, bool | None]:
    """``atantt``: "An toàn về an ninh, trật tự" is reached when every criterion of TT 124 Điều 6 is
    fully met (100% of staff briefed, ≥70% of sub-units rated well, a protection force rated well,
    no listed incident…). ``None`` (not applicable) for small and micro enterprises (tenant
    attribute ``size`` = ``small`` or ``micro``) and armed-forces agencies (``armed_forces`` true),
    which TT 124 leaves out."""
    if outside_tt124(ctx):
        return {"atantt": None}
    return {"atantt": all(fraction >= 1.0 for fraction in atantt_criteria(data).values())}


# -- enterprise.protection_force -------------------------------------------------------------


def validate_protection_force(data: Mapping[str, Any], ctx: Any) -> dict[str, str]:
    """certified ≤ trained ≤ members, disciplined ≤ members; "no protection force" goes with 0
    members and only with 0 members."""
    errors: dict[str, str] = {}
    members = data["members"]
    if data["trained"] > members:
        errors["trained"] = "Số thành viên được huấn luyện không được lớn hơn số thành viên lực lượng bảo vệ."
    if data["certified"] > data["trained"]:
        errors["certified"] = (
            "Số thành viên được cấp Giấy chứng nhận nghiệp vụ bảo vệ không được lớn hơn số thành viên đã "
            "được huấn luyện."
        )
    if data["disciplined"] > members:
        errors["disciplined"] = "Số thành viên bị kỷ luật không được lớn hơn số thành viên lực lượng bảo vệ."
    if members > 0 and data["rating"] == NO_FORCE:
        errors["rating"] = (
            "Đơn vị có thành viên lực lượng bảo vệ thì không chọn “Không có lực lượng bảo vệ”; vui lòng "
            "chọn kết quả bình xét của lực lượng."
        )
    elif members == 0 and data["rating"] != NO_FORCE:
        errors["members"] = (
            "Đã có kết quả bình xét lực lượng bảo vệ nhưng chưa nhập số thành viên; nếu đơn vị không có "
            "lực lượng bảo vệ, hãy chọn “Không có lực lượng bảo vệ”."
        )
    return errors


def score_protection_force(data: Mapping[str, Any], ctx: Any) -> float:
    """Trained 25 × trained / members, certified 20 × certified / members, regimes guaranteed 20,
    the year's rating by the Points column (20 for "Hoàn thành tốt nhiệm vụ" or better, 10 for
    "Hoàn thành nhiệm vụ" or not eligible, 0 otherwise), nobody disciplined 15. A unit without a
    protection force scores only what it guarantees. Total 0–100."""
    members = data["members"]
    return weighted_score(ctx.criteria_set, data, {
        "trained": share(data["trained"], members),
        "certified": share(data["certified"], members),
        "disciplined": met(members > 0 and data["disciplined"] == 0),
    })


# -- enterprise.police_models ----------------------------------------------------------------


def validate_police_models(data: Mapping[str, Any], ctx: Any) -> dict[str, str]:
    """Models built or replicated this year are among the models maintained."""
    if data["models_new"] > data["models_active"]:
        return {"models_new": (
            "Số mô hình xây dựng mới, nhân rộng trong năm không được lớn hơn số mô hình đang duy trì."
        )}
    return {}
