"""Validation of an individual's achievement record; scoring is the default rule (each field's
points, counts earning ``points_per_unit`` each up to their ``points``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def validate_achievements(data: Mapping[str, Any], ctx: Any) -> dict[str, str]:
    """``crimes_solved`` ≤ ``crimes_reported``: only reported cases can have been solved."""
    errors: dict[str, str] = {}
    if data["crimes_solved"] > data["crimes_reported"]:
        errors["crimes_solved"] = "Số vụ được làm rõ không được lớn hơn số vụ đã tố giác, cung cấp thông tin."
    return errors
