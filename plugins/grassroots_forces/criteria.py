"""The criteria sets of the grassroots security force: how it is organised, trained and paid, and
how its teams and members were rated (Luật số 30/2023/QH15; Hướng dẫn số 01/HD-BCA-V05)."""

from __future__ import annotations

from marshmallow import Schema, fields

from core.plugins import CriteriaSet, count_field

from . import rules

KINDS = frozenset({"ward", "commune"})


class OrganisationSchema(Schema):
    areas_total = count_field(
        "Tổng số thôn, tổ dân phố", "Villages and neighbourhoods", "thôn, tổ dân phố",
        minimum=1, maximum=2_000,
    )
    areas_with_team = count_field(
        "Số thôn, tổ dân phố đã thành lập Tổ bảo vệ an ninh, trật tự",
        "Villages and neighbourhoods with a security and order team", "thôn, tổ dân phố", maximum=2_000,
        help="Tối đa 30 điểm, theo tỷ lệ thôn, tổ dân phố có Tổ bảo vệ an ninh, trật tự.",
        help_en="At most 30 points, in proportion to the villages and neighbourhoods with a security and "
                "order team.",
    )
    teams = count_field("Số Tổ bảo vệ an ninh, trật tự", "Security and order teams", "tổ", maximum=4_000)
    members = count_field(
        "Tổng số thành viên lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
        "Members of the grassroots security force", "người", maximum=40_000,
    )
    members_trained = count_field(
        "Số thành viên được huấn luyện, bồi dưỡng trong năm", "Members trained during the year", "người",
        maximum=40_000, help="Tối đa 35 điểm, theo tỷ lệ thành viên được huấn luyện, bồi dưỡng.",
        help_en="At most 35 points, in proportion to the members trained.",
    )
    members_regimes_paid = count_field(
        "Số thành viên được chi trả đầy đủ chế độ, chính sách", "Members paid their allowances in full",
        "người", maximum=40_000, evidence_required=True,
        help="Tối đa 35 điểm, theo tỷ lệ thành viên được chi trả đầy đủ chế độ.",
        help_en="At most 35 points, in proportion to the members paid their full entitlements.",
    )


def level_count(subject: str, subject_en: str, unit: str, level: str, maximum: int,
                **metadata) -> fields.Integer:
    names_en = {
        "excellent": "rated excellent", "good": "rated good", "completed": "rated satisfactory",
        "failed": "rated unsatisfactory",
    }
    return count_field(
        f"Số {subject} xếp loại “{rules.LEVEL_NAMES[level]}”", f"{subject_en} {names_en[level]}", unit,
        maximum=maximum, **metadata,
    )


class RatingSchema(Schema):
    teams_assessed = count_field(
        "Số Tổ bảo vệ an ninh, trật tự được đánh giá, xếp loại", "Teams assessed", "tổ", maximum=4_000,
        help="Không đánh giá tổ mới thành lập, hoạt động chưa đủ 9 tháng.",
        help_en="A team newly set up and active for less than 9 months is not assessed.",
    )
    teams_excellent = level_count("tổ", "Teams", "tổ", "excellent", 4_000, evidence_required=True)
    teams_good = level_count("tổ", "Teams", "tổ", "good", 4_000)
    teams_completed = level_count("tổ", "Teams", "tổ", "completed", 4_000)
    teams_failed = level_count("tổ", "Teams", "tổ", "failed", 4_000)
    members_assessed = count_field(
        "Số tổ viên được đánh giá, xếp loại", "Members assessed", "người", maximum=40_000,
        help="Không đánh giá tổ viên tham gia chưa đủ 9 tháng trong năm.",
        help_en="A member who has taken part for less than 9 months in the year is not assessed.",
    )
    members_excellent = level_count(
        "tổ viên", "Members", "người", "excellent", 40_000, evidence_required=True,
    )
    members_good = level_count("tổ viên", "Members", "người", "good", 40_000)
    members_completed = level_count("tổ viên", "Members", "người", "completed", 40_000)
    members_failed = level_count("tổ viên", "Members", "người", "failed", 40_000)
    members_disciplined = count_field(
        "Số thành viên bị xử lý kỷ luật trong năm", "Members disciplined during the year", "người",
        maximum=40_000,
        help="Đạt 20 điểm khi không có thành viên nào bị xử lý kỷ luật.",
        help_en="20 points when no member is disciplined.",
    )


ORGANISATION_V1 = CriteriaSet(
    key="grassroots.organisation",
    version=1,
    title="Xây dựng lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
    title_en="Building the grassroots security and order force",
    applies_to=KINDS,
    schema=OrganisationSchema,
    validate=rules.validate_organisation,
    score=rules.score_organisation,
    aggregates={
        "areas_total": "sum",
        "areas_with_team": "sum",
        "teams": "sum",
        "members": "sum",
        "members_trained": "sum",
        "members_regimes_paid": "sum",
    },
)

RATING_V1 = CriteriaSet(
    key="grassroots.rating",
    version=1,
    title="Đánh giá, xếp loại Tổ bảo vệ an ninh, trật tự và tổ viên",
    title_en="Yearly rating of the security and order teams and their members",
    applies_to=KINDS,
    schema=RatingSchema,
    validate=rules.validate_rating,
    score=rules.score_rating,
    outcomes=rules.rating_outcomes,
    outcome_labels={"force_atantt": ("Lực lượng cơ sở đạt tiêu chí “An toàn về ANTT”",
                                     "Grassroots force meets the “safe for security and order” criterion")},
    aggregates={
        "teams_assessed": "sum",
        "teams_excellent": "sum",
        "teams_good": "sum",
        "teams_completed": "sum",
        "teams_failed": "sum",
        "members_assessed": "sum",
        "members_excellent": "sum",
        "members_good": "sum",
        "members_completed": "sum",
        "members_failed": "sum",
        "members_disciplined": "sum",
    },
)

CRITERIA_SETS = [ORGANISATION_V1, RATING_V1]
