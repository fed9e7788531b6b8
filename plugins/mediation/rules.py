"""Validation and scoring of grassroots mediation (Luật Hòa giải ở cơ sở số 35/2013/QH13).

Every score is on the 0–100 scale; shares of an empty whole count as 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.plugins import clamp_score, share

# Luật Hòa giải ở cơ sở 2013 Điều 12 khoản 1: "Mỗi tổ hòa giải có từ 03 hòa giải viên trở lên,
# trong đó có hòa giải viên nữ."
MIN_MEDIATORS_PER_TEAM = 3


# -- Tổ hòa giải ------------------------------------------------------------------------------


def validate_teams(data: Mapping[str, Any], ctx: Any) -> dict[str, str] | None:
    """Teams meeting Điều 12 khoản 1 of the 2013 law (at least 3 mediators, one of them a woman)
    are part of all teams; so the mediators number at least 3 per such team, the women mediators
    at least one per such team, and every team has at least one mediator. Women mediators and
    mediators trained are part of all mediators."""
    errors: dict[str, str] = {}
    teams, compliant = data["teams"], data["teams_compliant"]
    mediators, women = data["mediators"], data["women_mediators"]
    if compliant > teams:
        errors["teams_compliant"] = (
            f"Số tổ hòa giải đạt quy định ({compliant}) không được nhiều hơn tổng số tổ hòa giải ({teams})."
        )
    needed = max(teams, MIN_MEDIATORS_PER_TEAM * min(compliant, teams))
    if mediators < needed:
        errors["mediators"] = (
            f"Số hòa giải viên ({mediators}) quá ít: cần ít nhất {needed} người "
            f"(mỗi tổ có ít nhất một hòa giải viên, mỗi tổ đạt quy định có từ "
            f"{MIN_MEDIATORS_PER_TEAM} hòa giải viên trở lên)."
        )
    if women > mediators:
        errors["women_mediators"] = (
            f"Số hòa giải viên nữ ({women}) không được nhiều hơn tổng số hòa giải viên ({mediators})."
        )
    elif women < min(compliant, teams):
        errors["women_mediators"] = (
            f"Mỗi tổ đạt quy định phải có hòa giải viên nữ: số hòa giải viên nữ ({women}) không được "
            f"ít hơn số tổ đạt quy định ({compliant})."
        )
    if data["mediators_trained"] > mediators:
        errors["mediators_trained"] = (
            f"Số hòa giải viên được tập huấn ({data['mediators_trained']}) không được nhiều hơn "
            f"tổng số hòa giải viên ({mediators})."
        )
    return errors or None


def score_teams(data: Mapping[str, Any], ctx: Any) -> float:
    """60 × the share of teams with at least 3 mediators including a woman; 40 × the share of
    mediators trained in the year. Total 0–100; a unit without a team scores 0."""
    points = 60 * share(data["teams_compliant"], data["teams"])
    points += 40 * share(data["mediators_trained"], data["mediators"])
    return clamp_score(points)


def teams_outcomes(data: Mapping[str, Any], ctx: Any) -> dict[str, bool | None]:
    """``teams_compliant``: the unit has mediation teams and every one of them has at least 3
    mediators including a woman (Luật Hòa giải ở cơ sở 2013, Điều 12 khoản 1)."""
    return {"teams_compliant": data["teams"] > 0 and data["teams_compliant"] >= data["teams"]}


# -- Vụ việc hòa giải ---------------------------------------------------------------------------


def concluded(data: Mapping[str, Any]) -> int:
    """Cases whose mediation ended, successfully or not."""
    return data["cases_successful"] + data["cases_unsuccessful"]


def success_rate(data: Mapping[str, Any]) -> float | None:
    """Tỷ lệ hòa giải thành: successful cases / concluded cases (successful + unsuccessful), 0–1.
    Pending cases are not concluded yet and do not count; None when no case was concluded."""
    done = concluded(data)
    return data["cases_successful"] / done if done else None


def validate_cases(data: Mapping[str, Any], ctx: Any) -> dict[str, str] | None:
    """Successful + unsuccessful + pending cases cannot exceed the cases received (the rest were
    withdrawn or transferred to the competent authority)."""
    counted = concluded(data) + data["cases_pending"]
    if counted > data["cases_received"]:
        return {
            "cases_received": (
                f"Tổng số vụ việc hòa giải thành, không thành và đang hòa giải ({counted}) không được "
                f"nhiều hơn số vụ việc đã tiếp nhận ({data['cases_received']})."
            )
        }
    return None


def score_cases(data: Mapping[str, Any], ctx: Any) -> float:
    """80 × the success rate (successful / concluded cases) + 20 × the share of cases received
    that were concluded (successful + unsuccessful). A unit that received no case scores 100: no
    dispute was left unresolved. Total 0–100."""
    if data["cases_received"] == 0:
        return 100.0
    points = 80 * (success_rate(data) or 0.0)
    points += 20 * share(concluded(data), data["cases_received"])
    return clamp_score(points)
