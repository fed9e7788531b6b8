"""Validation, scoring and pass/fail standards of the local government's criteria.

``local.atantt`` judges a commune or ward by TT 124/2021/TT-BCA Điều 5:

1. in the first quarter the Party committee adopts a resolution, the People's Committee a plan
   and a registration, and at least one movement model works effectively;
2. the criteria of Điều 4 khoản 2, 3 and 4 are met (policy implemented; none of the listed
   events; crime and social evils kept down against the previous year; serious crimes absent or
   handled at once; no new hotspot and no new person with a social evil; no serious fire,
   explosion, fatal work accident or serious incident);
3. the commune police are effective and none of them is disciplined;
4. 100% of the residential areas, agencies, enterprises and schools under the commune have
   registered, and at least 70% of them are recognised "An toàn về ANTT".

Conditions 1–3 and the registration in 4 come from the commune's own values; the 70% share comes
from the results of its units (``ctx.extra["children"]``). Residential areas are usually not
reporting units: the commune then states how many it has and how many were recognised
(``areas_total``, ``areas_recognised``), and they join the pool of its agencies, enterprises and
schools. Where a directory does hold residential areas as units (kind ``residential_area``),
their own results count instead and the two fields are left out of the share, so nothing is
counted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.plugins import at_least_share, clamp_score, describe, met, share, weighted_score

WARD_KINDS = frozenset({"ward", "commune"})
# The units TT 124 Điều 5 khoản 4 counts: residential areas (a kind a directory may add),
# agencies, enterprises and schools under the commune.
CHILD_KINDS = ("residential_area", "agency", "enterprise", "school")
# At least 70% of the units must pass (exactly 70% passes).
UNITS_SHARE = (7, 10)

Data = Mapping[str, Any]


def _points_of(criteria_set: Any) -> dict[str, float]:
    return {info.name: float(info.points or 0) for info in describe(criteria_set)}


# ---------------------------------------------------------------- local.movement (criteria group b)

def validate_movement(data: Data, ctx: Any) -> dict[str, str]:
    """``staff_briefed`` ≤ ``staff_total``; ``models_new`` ≤ ``models_active`` (new models are
    counted among those in operation)."""
    errors: dict[str, str] = {}
    if data["staff_briefed"] > data["staff_total"]:
        errors["staff_briefed"] = (
            "Số người được quán triệt không được lớn hơn tổng số cán bộ, công chức, viên chức, "
            "người lao động."
        )
    if data["models_new"] > data["models_active"]:
        errors["models_new"] = (
            "Số mô hình mới xây dựng không được lớn hơn số mô hình đang duy trì "
            "(mô hình mới đã tính trong đó)."
        )
    return errors


def movement_score(data: Data, ctx: Any) -> float:
    """Score of ``local.movement`` on 0–100.

    Every field earns its ``points`` by the default rule (a yes earns them; a count earns
    ``points_per_unit`` each up to ``points``), except:

    * ``staff_briefed`` earns 15 × staff_briefed / staff_total;
    * ``data_leaks`` earns its 10 points only when it is 0: any leak fails the plan's
      "no information leak" criterion.
    """
    return weighted_score(ctx.criteria_set, data, {
        "staff_briefed": share(data.get("staff_briefed"), data.get("staff_total")),
        "data_leaks": met(data.get("data_leaks") == 0),
    })


def movement_outcomes(data: Data, ctx: Any) -> dict[str, bool | None]:
    """``no_data_leak``: the plan's criterion "không để xảy ra tình trạng lộ, lọt thông tin"."""
    return {"no_data_leak": data.get("data_leaks") == 0}


# ---------------------------------------------------------------- local.atantt (TT 124 Điều 5)

def _offences_kept_down(data: Data) -> bool:
    # "Kiềm chế, kéo giảm": not more than the previous year.
    return data["offences"] <= data["offences_previous_year"]


# (field whose points the condition earns, the condition) in the order of Điều 5.
CONDITIONS: tuple[tuple[str, Callable[[Data], bool]], ...] = (
    ("q1_resolution", lambda d: bool(d["q1_resolution"])),
    ("q1_plan_registered", lambda d: bool(d["q1_plan_registered"])),
    ("effective_models", lambda d: d["effective_models"] >= 1),
    ("policies_implemented", lambda d: bool(d["policies_implemented"])),
    ("prohibited_events", lambda d: d["prohibited_events"] == 0),
    ("offences", _offences_kept_down),
    ("serious_crimes_handled", lambda d: d["serious_crimes_handled"] == d["serious_crimes"]),
    ("new_hotspots", lambda d: d["new_hotspots"] == 0),
    ("new_social_evil_persons", lambda d: d["new_social_evil_persons"] == 0),
    ("serious_incidents", lambda d: d["serious_incidents"] == 0),
    ("police_effective", lambda d: bool(d["police_effective"])),
    ("police_disciplined", lambda d: d["police_disciplined"] == 0),
    ("units_registered", lambda d: d["units_registered"] == d["units_total"]),
)


def unmet_conditions(data: Data) -> list[str]:
    """The fields of the commune's own Điều 5 conditions that are not met, in order."""
    return [name for name, holds in CONDITIONS if not holds(data)]


def validate_atantt(data: Data, ctx: Any) -> dict[str, str]:
    """``serious_crimes_handled`` ≤ ``serious_crimes``; ``areas_recognised`` ≤ ``areas_total`` ≤
    ``units_total``; ``units_registered`` ≤ ``units_total``; ``offences_previous_year`` equals
    ``offences`` of last year's report when it is known (``ctx.previous``)."""
    errors: dict[str, str] = {}
    if data["serious_crimes_handled"] > data["serious_crimes"]:
        errors["serious_crimes_handled"] = (
            "Số vụ được xử lý kịp thời không được lớn hơn số vụ tội phạm nghiêm trọng trở lên."
        )
    if data["areas_recognised"] > data["areas_total"]:
        errors["areas_recognised"] = "Số khu dân cư được công nhận không được lớn hơn tổng số khu dân cư."
    if data["areas_total"] > data["units_total"]:
        errors["areas_total"] = (
            "Số khu dân cư không được lớn hơn tổng số khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục "
            "thuộc thẩm quyền quản lý."
        )
    if data["units_registered"] > data["units_total"]:
        errors["units_registered"] = (
            "Số đơn vị đã đăng ký không được lớn hơn tổng số khu dân cư, cơ quan, doanh nghiệp, "
            "cơ sở giáo dục."
        )
    previous = getattr(ctx, "previous", None) or {}
    last_year = previous.get("offences")
    if last_year is not None and data["offences_previous_year"] != last_year:
        errors["offences_previous_year"] = (
            f"Số vụ năm trước phải khớp với báo cáo năm trước ({last_year} vụ)."
        )
    return errors


def atantt_score(data: Data, ctx: Any) -> float:
    """Score of ``local.atantt`` on 0–100: each of the commune's own conditions of Điều 5 (see
    ``CONDITIONS``) earns the ``points`` of its field when met, nothing otherwise. The 70% share
    of the units under the commune is not scored: it decides the ``atantt`` outcome."""
    points = _points_of(ctx.criteria_set)
    return clamp_score(sum(points[name] for name, holds in CONDITIONS if holds(data)))


def units_share(data: Data, children: Any) -> tuple[int, int]:
    """(units recognised, units decided) under the commune for Điều 5 khoản 4: the results of its
    residential areas, agencies, enterprises and schools in the platform, plus the residential
    areas the commune counts itself when none of them is a unit of the platform."""
    passed, decided = children.outcome_share("atantt", kinds=CHILD_KINDS)
    if not children.units(kinds=("residential_area",)):
        passed += data["areas_recognised"]
        decided += data["areas_total"]
    return passed, decided


def atantt_outcomes(data: Data, ctx: Any) -> dict[str, bool | None]:
    """``atantt`` per TT 124 Điều 5.

    * ``None`` for a unit that is not a commune or ward;
    * ``False`` when one of the commune's own conditions is not met (no unit below can change
      that);
    * ``None`` when the results of the units under the commune are not given
      (``ctx.extra["children"]`` missing) or there is no decided unit at all: the 70% rule cannot
      be judged;
    * otherwise ``True`` when recognised / decided ≥ 70% (exactly 70% passes) among the
      residential areas, agencies, enterprises and schools under the commune (see
      ``units_share``). Units for which TT 124 does not apply (primary schools, kindergartens,
      small and micro enterprises) carry no decided outcome and are not counted; nor are units
      whose report is not submitted or approved.
    """
    tenant = getattr(ctx, "tenant", None)
    if tenant is not None and getattr(tenant, "kind", None) not in WARD_KINDS:
        return {"atantt": None}
    if unmet_conditions(data):
        return {"atantt": False}
    extra = getattr(ctx, "extra", None) or {}
    children = extra.get("children")
    if children is None:
        return {"atantt": None}
    passed, decided = units_share(data, children)
    if decided == 0:
        return {"atantt": None}
    return {"atantt": at_least_share(passed, decided, UNITS_SHARE)}
