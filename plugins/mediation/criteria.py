"""The criteria sets of grassroots mediation: the mediation teams and the cases they handled
(Luật Hòa giải ở cơ sở số 35/2013/QH13)."""

from __future__ import annotations

from marshmallow import Schema

from core.plugins import CriteriaSet, count_field

from . import rules

KINDS = frozenset({"ward", "commune"})


class TeamsSchema(Schema):
    teams = count_field("Số tổ hòa giải ở cơ sở", "Grassroots mediation teams", "tổ", maximum=2_000)
    teams_compliant = count_field(
        "Số tổ hòa giải có từ 3 hòa giải viên trở lên, trong đó có hòa giải viên nữ",
        "Teams with at least 3 mediators including a woman", "tổ", maximum=2_000,
        evidence_required=True,
        help="Theo Điều 12 Luật Hòa giải ở cơ sở năm 2013; tối đa 60 điểm, theo tỷ lệ tổ đạt quy định.",
        help_en="Under Điều 12 of the 2013 Law on Grassroots Mediation; at most 60 points, in proportion to "
                "the teams meeting the rule.",
    )
    mediators = count_field("Tổng số hòa giải viên", "Mediators", "người", maximum=30_000)
    women_mediators = count_field("Số hòa giải viên nữ", "Women mediators", "người", maximum=30_000)
    mediators_trained = count_field(
        "Số hòa giải viên được tập huấn, bồi dưỡng kỹ năng trong năm",
        "Mediators trained during the year", "người", maximum=30_000,
        help="Tối đa 40 điểm, theo tỷ lệ hòa giải viên được tập huấn.",
        help_en="At most 40 points, in proportion to the mediators trained.",
    )


class CasesSchema(Schema):
    cases_received = count_field(
        "Số vụ việc tiếp nhận hòa giải", "Cases received for mediation", "vụ", maximum=100_000,
        help="Gồm cả vụ việc đã rút yêu cầu hoặc chuyển cơ quan có thẩm quyền giải quyết.",
        help_en="Includes cases whose request was withdrawn or that were passed to the competent authority.",
    )
    cases_successful = count_field(
        "Số vụ việc hòa giải thành", "Cases settled", "vụ", maximum=100_000,
        evidence_required=True,
        help="Các bên đạt được thỏa thuận. Tối đa 80 điểm, theo tỷ lệ hòa giải thành trên số vụ đã kết thúc "
             "hòa giải (thành và không thành).",
        help_en="The parties reached an agreement. At most 80 points, in proportion to the successful "
                "mediations out of the cases whose mediation has ended (successful or not).",
    )
    cases_unsuccessful = count_field(
        "Số vụ việc hòa giải không thành", "Cases not settled", "vụ", maximum=100_000,
    )
    cases_pending = count_field(
        "Số vụ việc đang hòa giải", "Cases still being mediated", "vụ", maximum=100_000,
        help="Vụ việc chưa kết thúc hòa giải tại thời điểm báo cáo.",
        help_en="Cases whose mediation has not ended at the time of the report.",
    )


TEAMS_V1 = CriteriaSet(
    key="mediation.teams",
    version=1,
    title="Tổ hòa giải và hòa giải viên ở cơ sở",
    title_en="Grassroots mediation teams and mediators",
    applies_to=KINDS,
    schema=TeamsSchema,
    validate=rules.validate_teams,
    score=rules.score_teams,
    outcomes=rules.teams_outcomes,
    outcome_labels={"teams_compliant": ("Mọi tổ hòa giải đạt yêu cầu",
                                        "Every mediation team meets the requirements")},
    aggregates={
        "teams": "sum",
        "teams_compliant": "sum",
        "mediators": "sum",
        "women_mediators": "sum",
        "mediators_trained": "sum",
    },
)

CASES_V1 = CriteriaSet(
    key="mediation.cases",
    version=1,
    title="Kết quả hòa giải ở cơ sở",
    title_en="Grassroots mediation results",
    applies_to=KINDS,
    schema=CasesSchema,
    validate=rules.validate_cases,
    score=rules.score_cases,
    aggregates={
        "cases_received": "sum",
        "cases_successful": "sum",
        "cases_unsuccessful": "sum",
        "cases_pending": "sum",
    },
)

CRITERIA_SETS = [TEAMS_V1, CASES_V1]
