"""Validation, scoring and standards of the grassroots security force (lực lượng tham gia bảo vệ
an ninh, trật tự ở cơ sở, Luật số 30/2023/QH15).

Every score is on the 0–100 scale; shares of an empty whole count as 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.plugins import clamp_score, share

LEVELS = ("excellent", "good", "completed", "failed")
LEVEL_NAMES = {
    "excellent": "hoàn thành xuất sắc nhiệm vụ",
    "good": "hoàn thành tốt nhiệm vụ",
    "completed": "hoàn thành nhiệm vụ",
    "failed": "không hoàn thành nhiệm vụ",
}
SUBJECTS = (("teams", "tổ"), ("members", "tổ viên"))
# HD 01/HD-BCA-V05: those rated "hoàn thành xuất sắc" at most 20% of those rated "hoàn thành tốt".
EXCELLENT_QUOTA = (1, 5)


# -- Tổ chức lực lượng ------------------------------------------------------------------------


def validate_organisation(data: Mapping[str, Any], ctx: Any) -> dict[str, str] | None:
    """Areas with a Tổ bảo vệ an ninh, trật tự are part of all areas and need a team each; every
    team has at least one member; members trained and members paid their regimes are part of all
    members."""
    errors: dict[str, str] = {}
    areas, covered, teams, members = (
        data["areas_total"], data["areas_with_team"], data["teams"], data["members"],
    )
    if covered > areas:
        errors["areas_with_team"] = (
            f"Số thôn, tổ dân phố có Tổ bảo vệ an ninh, trật tự ({covered}) không được nhiều hơn "
            f"tổng số thôn, tổ dân phố ({areas})."
        )
    elif covered > teams:
        errors["areas_with_team"] = (
            f"Số thôn, tổ dân phố có Tổ bảo vệ an ninh, trật tự ({covered}) không được nhiều hơn "
            f"số tổ đã thành lập ({teams})."
        )
    if members < teams:
        errors["members"] = (
            f"Mỗi tổ phải có ít nhất một thành viên: số thành viên ({members}) không được ít hơn "
            f"số tổ ({teams})."
        )
    for name, label in (("members_trained", "được huấn luyện, bồi dưỡng"),
                        ("members_regimes_paid", "được chi trả đầy đủ chế độ")):
        if data[name] > members:
            errors[name] = (
                f"Số thành viên {label} ({data[name]}) không được nhiều hơn tổng số thành viên ({members})."
            )
    return errors or None


def score_organisation(data: Mapping[str, Any], ctx: Any) -> float:
    """30 × the share of thôn and tổ dân phố with a Tổ bảo vệ an ninh, trật tự; 35 × the share of
    members trained during the year; 35 × the share of members paid their regimes in full.
    Total 0–100."""
    points = 30 * share(data["areas_with_team"], data["areas_total"])
    points += 35 * share(data["members_trained"], data["members"])
    points += 35 * share(data["members_regimes_paid"], data["members"])
    return clamp_score(points)


# -- Đánh giá, xếp loại ----------------------------------------------------------------------


def rated(data: Mapping[str, Any], subject: str, level: str) -> int:
    return data[f"{subject}_{level}"]


def excellent_within_quota(excellent: int, good: int) -> bool:
    """At most 20% of ``good``, exactly 20% included (integer arithmetic: no rounding)."""
    numerator, denominator = EXCELLENT_QUOTA
    return excellent * denominator <= good * numerator


def validate_rating(data: Mapping[str, Any], ctx: Any) -> dict[str, str] | None:
    """Teams and members rated at the four levels add up to those assessed (teams running under
    9 months and members who joined under 9 months ago are not assessed). Under Hướng dẫn số
    01/HD-BCA-V05 of the Ministry of Public Security, the Chủ tịch UBND cấp xã keeps the teams and
    members rated "hoàn thành xuất sắc nhiệm vụ" at most 20% of the teams and members rated
    "hoàn thành tốt nhiệm vụ" in the commune, counted together; exactly 20% is allowed."""
    errors: dict[str, str] = {}
    for subject, noun in SUBJECTS:
        total = sum(rated(data, subject, level) for level in LEVELS)
        assessed = data[f"{subject}_assessed"]
        if total != assessed:
            errors[f"{subject}_assessed"] = (
                f"Tổng số {noun} được xếp loại ở bốn mức ({total}) phải bằng số {noun} "
                f"được đánh giá ({assessed})."
            )
    excellent = sum(rated(data, subject, "excellent") for subject, _ in SUBJECTS)
    good = sum(rated(data, subject, "good") for subject, _ in SUBJECTS)
    if not excellent_within_quota(excellent, good):
        numerator, denominator = EXCELLENT_QUOTA
        allowed = good * numerator // denominator
        message = (
            f"Số tổ và tổ viên xếp loại “hoàn thành xuất sắc nhiệm vụ” ({excellent}) không được vượt quá "
            f"20% số tổ và tổ viên xếp loại “hoàn thành tốt nhiệm vụ” ({good}), tức tối đa {allowed}."
        )
        for subject, _ in SUBJECTS:
            if rated(data, subject, "excellent") > 0:
                errors[f"{subject}_excellent"] = message
    return errors or None


def score_rating(data: Mapping[str, Any], ctx: Any) -> float:
    """Over the teams and members assessed, counted together: 50 × the share rated "hoàn thành
    tốt nhiệm vụ" or better, 30 × the share rated "hoàn thành nhiệm vụ" or better, and 20 points
    when no member was disciplined. Total 0–100; nothing assessed earns only the discipline part."""
    assessed = sum(data[f"{subject}_assessed"] for subject, _ in SUBJECTS)
    well = sum(rated(data, s, "excellent") + rated(data, s, "good") for s, _ in SUBJECTS)
    failed = sum(rated(data, s, "failed") for s, _ in SUBJECTS)
    points = 50 * share(well, assessed)
    points += 30 * share(assessed - failed, assessed)
    if data["members_disciplined"] == 0:
        points += 20
    return clamp_score(points)


def rating_outcomes(data: Mapping[str, Any], ctx: Any) -> dict[str, bool | None]:
    """``force_atantt``: the grassroots-force criterion of "An toàn về an ninh, trật tự" (TT
    124/2021/TT-BCA Điều 4 khoản 5, also required of communes by Điều 5 khoản 2): the force is
    rated "hoàn thành nhiệm vụ" or better — no team rated "không hoàn thành nhiệm vụ" — and no
    member was disciplined. None when no team has been assessed yet."""
    if data["teams_assessed"] == 0:
        return {"force_atantt": None}
    return {"force_atantt": data["teams_failed"] == 0 and data["members_disciplined"] == 0}
