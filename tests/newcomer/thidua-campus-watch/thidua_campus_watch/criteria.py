"""The criteria set of the campus_watch plugin: one version, scored by its own rule."""

from marshmallow import Schema

from core.plugins import CriteriaSet, count_field, met_if_none, share, weighted_score, yes_no_field


class SafetySchema(Schema):
    has_team = yes_no_field("Có đội tự quản an ninh của học sinh", "A student watch team", points=30,
                            evidence_required=True)
    patrols = count_field("Số buổi tuần tra cổng trường mỗi tháng", "Gate patrols a month", "buổi",
                          maximum=60, points=20, points_per_unit=10)
    students = count_field("Tổng số học sinh", "Students", "học sinh", minimum=1, maximum=10_000)
    students_briefed = count_field("Số học sinh được phổ biến về an ninh", "Students briefed on security",
                                   "học sinh", maximum=10_000, points=40,
                                   points_rule="40 × students_briefed / students")
    incidents = count_field("Số vụ việc mất an ninh trong trường", "Security incidents on campus", "vụ",
                            maximum=500, points=10, points_rule="10 if 0")


def check(data, ctx):
    """Students briefed cannot outnumber the students."""
    if data["students_briefed"] > data["students"]:
        return {"students_briefed": "Số học sinh được phổ biến không được lớn hơn tổng số học sinh."}
    return None


def score(data, ctx):
    """Every field by the default rule, except students briefed (40 × the share of students) and
    incidents (10 only when there is none)."""
    return weighted_score(ctx.criteria_set, data, {
        "students_briefed": share(data["students_briefed"], data["students"]),
        "incidents": met_if_none(data["incidents"]),
    })


def outcomes(data, ctx):
    """``atantt``: no security incident on campus."""
    return {"atantt": data["incidents"] == 0}


SAFETY_V1 = CriteriaSet(
    key="campus_watch.safety", version=1,
    title="Tự quản an ninh trường học", title_en="Campus watch",
    applies_to={"school"}, schema=SafetySchema,
    validate=check, score=score, outcomes=outcomes,
    aggregates={"has_team": "count_true", "patrols": "sum", "students_briefed": "sum", "incidents": "sum"},
)
