"""Validation and scoring of criteria group a) (Front and socio-political organisations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.plugins import share, weighted_score

# Fields whose points are earned in proportion to a share: field → the field it is a share of.
SHARES: dict[str, str] = {
    "programmes_done": "programmes_signed",
    "members_reached": "members_total",
}


def validate_movement(data: Mapping[str, Any], ctx: Any) -> dict[str, str]:
    """A part may not exceed its whole:

    * ``programmes_done`` ≤ ``programmes_signed``;
    * ``members_reached`` ≤ ``members_total``;
    * ``dan_van_kheo_recognised`` ≤ ``dan_van_kheo_models``;
    * ``festival_participants`` only when ``festival_held``.
    """
    errors: dict[str, str] = {}
    if data["programmes_done"] > data["programmes_signed"]:
        errors["programmes_done"] = (
            "Số chương trình đã triển khai không được lớn hơn tổng số chương trình phối hợp."
        )
    if data["members_reached"] > data["members_total"]:
        errors["members_reached"] = (
            "Số thành viên, hội viên, đoàn viên được tuyên truyền không được lớn hơn tổng số thành viên."
        )
    if data["dan_van_kheo_recognised"] > data["dan_van_kheo_models"]:
        errors["dan_van_kheo_recognised"] = (
            "Số mô hình được công nhận không được lớn hơn số mô hình “Dân vận khéo” đã xây dựng."
        )
    if (data.get("festival_participants") or 0) > 0 and not data["festival_held"]:
        errors["festival_participants"] = (
            "Đã nhập số người tham gia Ngày hội nhưng chưa đánh dấu đã phối hợp tổ chức Ngày hội."
        )
    return errors


def movement_score(data: Mapping[str, Any], ctx: Any) -> float:
    """Score of ``front.movement`` on 0–100.

    Every field earns its ``points`` by the default rule (a yes earns them; a count earns
    ``points_per_unit`` each up to ``points``), except the two shares, which earn their points
    in proportion: ``programmes_done / programmes_signed`` × 10 and
    ``members_reached / members_total`` × 20.
    """
    return weighted_score(ctx.criteria_set, data, {
        name: share(data.get(name), data.get(whole)) for name, whole in SHARES.items()
    })
