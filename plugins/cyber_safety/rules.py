"""Validation, scoring and the "no data leak" standard of the cyber-safety criteria."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.plugins import share, weighted_score


def share_or_full(part: float | None, whole: float | None) -> float:
    """part / whole within 0–1; nothing to cover (a whole of 0) counts as fully covered."""
    return 1.0 if not whole else share(part, whole)


# -- cyber.training ----------------------------------------------------------------------------


def validate_training(data: Mapping[str, Any], ctx: Any) -> dict[str, str]:
    """staff trained ≤ staff and ≤ attendances; attendances need a session; drill clicks ≤ drill
    recipients, and recipients need a drill."""
    errors: dict[str, str] = {}
    if data["staff_trained"] > data["staff_total"]:
        errors["staff_trained"] = "Số cán bộ, người lao động được tập huấn không được lớn hơn tổng số cán bộ."
    elif data["staff_trained"] > data["participants"]:
        errors["staff_trained"] = (
            "Số cán bộ, người lao động được tập huấn không được lớn hơn số lượt người tham gia tập huấn."
        )
    if data["participants"] > 0 and data["sessions"] == 0:
        errors["participants"] = "Đã nhập số lượt người tham gia nhưng chưa có buổi tập huấn nào."
    if data["drill_clicked"] > data["drill_recipients"]:
        errors["drill_clicked"] = (
            "Số người nhấp vào liên kết giả mạo không được lớn hơn số người nhận thư, tin nhắn diễn tập."
        )
    if data["drill_recipients"] > 0 and data["phishing_drills"] == 0:
        errors["drill_recipients"] = "Đã nhập số người nhận thư diễn tập nhưng chưa có lần diễn tập nào."
    return errors


def score_training(data: Mapping[str, Any], ctx: Any) -> float:
    """Sessions 2.5 each up to 10, staff trained 40 × trained / staff, drills 7.5 each up to 15,
    drill resistance 15 × (1 − clicked / recipients) (nothing without a drill), online-fraud
    sessions 2.5 each up to 10, prompt fraud alerts 10. Total 0–100."""
    drilled = data["phishing_drills"] > 0 and data["drill_recipients"] > 0
    return weighted_score(ctx.criteria_set, data, {
        "staff_trained": share(data["staff_trained"], data["staff_total"]),
        "drill_clicked": 1.0 - share(data["drill_clicked"], data["drill_recipients"]) if drilled else 0.0,
    })


# -- cyber.systems -----------------------------------------------------------------------------


def validate_systems(data: Mapping[str, Any], ctx: Any) -> dict[str, str]:
    """Systems approved or assessed ≤ systems run; incidents handled ≤ incidents."""
    errors: dict[str, str] = {}
    for name, what in (("systems_level_approved", "được phê duyệt cấp độ"),
                       ("systems_assessed", "được kiểm tra, đánh giá")):
        if data[name] > data["systems_total"]:
            errors[name] = f"Số hệ thống {what} không được lớn hơn số hệ thống thông tin đang vận hành."
    if data["incidents_handled"] > data["incidents"]:
        errors["incidents_handled"] = "Số sự cố được xử lý không được lớn hơn tổng số sự cố."
    return errors


def score_systems(data: Mapping[str, Any], ctx: Any) -> float:
    """Security levels approved 20 × approved / systems, systems assessed 20 × assessed / systems
    (both in full for a unit that runs no system of its own), incidents handled 20 × handled /
    incidents (in full without an incident), no data leak 30 (any leak loses it), a response plan
    10. Total 0–100."""
    return weighted_score(ctx.criteria_set, data, {
        "systems_level_approved": share_or_full(data["systems_level_approved"], data["systems_total"]),
        "systems_assessed": share_or_full(data["systems_assessed"], data["systems_total"]),
        "incidents_handled": share_or_full(data["incidents_handled"], data["incidents"]),
        "data_leaks": 1.0 if data["data_leaks"] == 0 else 0.0,
    })


def systems_outcomes(data: Mapping[str, Any], ctx: Any) -> dict[str, bool | None]:
    """``no_data_leak``: the plan's criterion "không để lộ, lọt dữ liệu"; any leak fails it."""
    return {"no_data_leak": data["data_leaks"] == 0}
