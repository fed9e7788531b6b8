"""Validation, scoring and standards of the residential-model sets.

Every score is on the 0–100 scale; shares of an empty whole count as 0 so that a unit reporting
nothing earns nothing rather than failing with a division by zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.plugins import at_least_share, clamp_score, share

# TT 124/2021/TT-BCA Điều 5 khoản 4: at least 70% of the units under a commune recognised.
RECOGNISED_SHARE = (7, 10)


# -- Camera an ninh --------------------------------------------------------------------------


def validate_cameras(data: Mapping[str, Any], ctx: Any) -> dict[str, str] | None:
    """Cameras connected to the police, and the points where cameras stand, cannot outnumber the
    cameras installed; installed cameras stand at one point at least."""
    errors: dict[str, str] = {}
    installed = data["cameras_installed"]
    if data["cameras_connected"] > installed:
        errors["cameras_connected"] = (
            f"Số camera kết nối với Công an ({data['cameras_connected']}) không được nhiều hơn "
            f"số camera đã lắp đặt ({installed})."
        )
    locations = data.get("locations") or 0
    if locations > installed:
        errors["locations"] = (
            f"Số điểm lắp đặt ({locations}) không được nhiều hơn số camera đã lắp đặt ({installed})."
        )
    elif installed > 0 and data.get("locations") == 0:
        errors["locations"] = "Đã lắp đặt camera thì phải có ít nhất một điểm lắp đặt."
    return errors or None


def score_cameras(data: Mapping[str, Any], ctx: Any) -> float:
    """10 points for the regulation on managing and using the cameras; 20 when any camera is
    installed; 40 × the share of installed cameras connected to the police; 5 points per case
    solved with camera footage, at most 30. Total 0–100."""
    points = 10.0 if data.get("has_regulation") else 0.0
    if data["cameras_installed"] > 0:
        points += 20
    points += 40 * share(data["cameras_connected"], data["cameras_installed"])
    points += min(30.0, 5.0 * (data.get("cases_supported") or 0))
    return clamp_score(points)


# -- Tổ tự phòng, tự quản và Tổ liên gia ----------------------------------------------------------

TEAM_KINDS = (
    ("self_managed_teams", "self_managed_households", "Tổ tự phòng, tự quản"),
    ("liaison_teams", "liaison_households", "Tổ liên gia về an ninh, trật tự"),
)


def validate_teams(data: Mapping[str, Any], ctx: Any) -> dict[str, str] | None:
    """For each kind of team: its households cannot exceed the households living in the area;
    every team has at least one household and households are counted only under a team. Teams
    rated effective cannot outnumber the teams of both kinds."""
    errors: dict[str, str] = {}
    total = data["households_total"]
    for teams_field, households_field, name in TEAM_KINDS:
        teams, households = data[teams_field], data[households_field]
        if households > total:
            errors[households_field] = (
                f"Số hộ tham gia {name} ({households}) không được nhiều hơn tổng số hộ "
                f"trên địa bàn ({total})."
            )
        elif households < teams:
            errors[households_field] = (
                f"Mỗi {name} phải có ít nhất một hộ tham gia: số hộ ({households}) không được ít hơn "
                f"số tổ ({teams})."
            )
        elif households > 0 and teams == 0:
            errors[teams_field] = f"Đã có hộ tham gia thì phải có ít nhất một {name}."
    all_teams = data["self_managed_teams"] + data["liaison_teams"]
    if (data.get("effective_teams") or 0) > all_teams:
        errors["effective_teams"] = (
            f"Số tổ hoạt động hiệu quả ({data['effective_teams']}) không được nhiều hơn tổng số "
            f"Tổ tự phòng, tự quản và Tổ liên gia ({all_teams})."
        )
    return errors or None


def score_teams(data: Mapping[str, Any], ctx: Any) -> float:
    """15 points when the area has Tổ tự phòng, tự quản and 15 when it has Tổ liên gia về ANTT;
    25 × the share of households in a Tổ tự phòng, tự quản and 25 × the share in a Tổ liên gia;
    20 × the share of all teams rated effective. Total 0–100."""
    total = data["households_total"]
    points = 0.0
    for teams_field, households_field, _name in TEAM_KINDS:
        if data[teams_field] > 0:
            points += 15
        points += 25 * share(data[households_field], total)
    all_teams = data["self_managed_teams"] + data["liaison_teams"]
    points += 20 * share(data.get("effective_teams") or 0, all_teams)
    return clamp_score(points)


# -- Khu dân cư "An toàn về an ninh, trật tự" ----------------------------------------------------


def validate_areas(data: Mapping[str, Any], ctx: Any) -> dict[str, str] | None:
    """Registered areas and areas where every household registered are part of all areas; an area
    is recognised only if it registered and all its households registered (TT 124 Điều 4
    khoản 1), so recognised areas cannot outnumber either."""
    errors: dict[str, str] = {}
    total = data["areas_total"]
    for name, label in (("areas_registered", "Số khu dân cư đăng ký"),
                        ("areas_all_households", "Số khu dân cư có 100% hộ đăng ký")):
        if data[name] > total:
            errors[name] = f"{label} ({data[name]}) không được nhiều hơn tổng số khu dân cư ({total})."
    recognised = data["areas_recognised"]
    limit = min(data["areas_registered"], data["areas_all_households"])
    if recognised > limit:
        errors["areas_recognised"] = (
            f"Số khu dân cư được công nhận ({recognised}) không được nhiều hơn số khu dân cư vừa đăng ký "
            f"phấn đấu vừa có 100% hộ gia đình đăng ký tham gia ({limit}), vì đó là tiêu chí 1 "
            "của Điều 4 Thông tư 124/2021/TT-BCA."
        )
    return errors or None


def score_areas(data: Mapping[str, Any], ctx: Any) -> float:
    """20 × the share of areas registered; 20 × the share of areas where 100% of households
    registered; 60 × the share of areas recognised "An toàn về an ninh, trật tự". Total 0–100."""
    total = data["areas_total"]
    points = (
        20 * share(data["areas_registered"], total)
        + 20 * share(data["areas_all_households"], total)
        + 60 * share(data["areas_recognised"], total)
    )
    return clamp_score(points)


def areas_outcomes(data: Mapping[str, Any], ctx: Any) -> dict[str, bool | None]:
    """``areas_atantt_70``: the residential-area part of TT 124/2021/TT-BCA Điều 5 khoản 4 for a
    ward or commune: 100% of its khu dân cư registered and at least 70% of them recognised "An
    toàn về an ninh, trật tự" (exactly 70% passes). The commune's full standard also counts its
    agencies, enterprises and schools; that is judged with the commune's own criteria."""
    total = data["areas_total"]
    passed = (
        data["areas_registered"] >= total
        and at_least_share(data["areas_recognised"], total, RECOGNISED_SHARE)
    )
    return {"areas_atantt_70": passed}
