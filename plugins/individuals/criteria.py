"""Criteria group d) of the plan: the achievement record of an individual nominee."""

from __future__ import annotations

from functools import partial

from marshmallow import Schema

from core.plugins import CriteriaSet, choice_field, count_field, text_field, yes_no_field

from . import rules

COUNT_MAX = 10_000

# Plan III.2.d) distinguishes members of the armed forces and workers from the others.
CATEGORIES = (
    "Cán bộ, chiến sĩ lực lượng vũ trang",
    "Công nhân viên, người lao động",
    "Cán bộ, công chức, viên chức",
    "Đoàn viên, hội viên",
    "Cá nhân khác",
)
CATEGORIES_EN: dict[str, str] = {
    "Cán bộ, chiến sĩ lực lượng vũ trang": "Officers and soldiers of the armed forces",
    "Công nhân viên, người lao động": "Employees and workers",
    "Cán bộ, công chức, viên chức": "Officials, civil servants and public employees",
    "Đoàn viên, hội viên": "Youth Union and association members",
    "Cá nhân khác": "Other individuals",
}

# Every unit that may nominate someone; the city reviews nominations rather than filling them.
NOMINATING_KINDS = frozenset({"ward", "commune", "department", "front_org", "agency", "enterprise", "school"})


count = partial(count_field, maximum=COUNT_MAX)


class AchievementSchema(Schema):
    """One nominee's achievements in the period. Points sum to 100 (default rule)."""

    full_name = text_field(
        "Họ và tên người được đề nghị", "Nominee's full name", min_length=2, max_length=120,
    )
    position = text_field(
        "Chức vụ, đơn vị công tác hoặc nơi cư trú", "Position and unit, or place of residence",
        max_length=255, required=False,
    )
    category = choice_field("Đối tượng", "Category", CATEGORIES, choices_en=CATEGORIES_EN)
    exemplary = yes_no_field(
        "Gương mẫu, đi đầu hưởng ứng, tham gia phong trào thi đua", "Led by example in the movement",
        points=10,
    )
    people_mobilised = count(
        "Số người thân, người dân được vận động tham gia phong trào", "People mobilised to take part",
        "người",
        points=10, points_per_unit=0.5, help="Mỗi người 0,5 điểm, tối đa 10 điểm.",
        help_en="0.5 points per person, at most 10 points.",
    )
    propaganda_items = count(
        "Số tin, bài, hình ảnh tuyên truyền, lan tỏa cách làm hay của phong trào", "Items spreading the "
        "movement's good practice", "tin, bài", points=5, points_per_unit=1,
        help="Mỗi tin, bài 1 điểm, tối đa 5 điểm.",
        help_en="1 point per news item or article, at most 5 points.",
    )
    initiatives = count(
        "Số sáng kiến, giải pháp hiệu quả đẩy mạnh phong trào được cấp có thẩm quyền công nhận",
        "Recognised initiatives", "sáng kiến", points=15, points_per_unit=7.5, evidence_required=True,
        help="Mỗi sáng kiến 7,5 điểm, tối đa 15 điểm.",
        help_en="7.5 points per initiative, at most 15 points.",
    )
    models_joined = count(
        "Số mô hình phong trào “Toàn dân bảo vệ an ninh Tổ quốc” tham gia xây dựng", "Movement models helped "
        "to build", "mô hình", points=5, points_per_unit=5,
    )
    crimes_reported = count(
        "Số vụ tố giác, cung cấp thông tin về tội phạm, vi phạm pháp luật", "Crimes and offences reported",
        "vụ", points=10, points_per_unit=5, evidence_required=True,
        help="Mỗi vụ 5 điểm, tối đa 10 điểm.",
        help_en="5 points per case, at most 10 points.",
    )
    crimes_solved = count(
        "Trong đó: số vụ thông tin cung cấp giúp cơ quan chức năng làm rõ, xử lý", "Of which helped to solve",
        "vụ",
        points=10, points_per_unit=10, evidence_required=True, help="Mỗi vụ 10 điểm, tối đa 10 điểm.",
        help_en="10 points per case, at most 10 points.",
    )
    police_support = count(
        "Số lượt hỗ trợ Công an, lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở (tuần tra, truy bắt, "
        "giữ gìn trật tự…)", "Times the police or the grassroots forces were supported", "lượt",
        points=15, points_per_unit=1.5, help="Mỗi lượt 1,5 điểm, tối đa 15 điểm.",
        help_en="1.5 points each time, at most 15 points.",
    )
    brave_acts = count(
        "Số lần có hành động dũng cảm (bắt giữ người phạm tội, cứu người, cứu tài sản của Nhà nước, "
        "Nhân dân)",
        "Acts of bravery", "lần", points=20, points_per_unit=20, evidence_required=True,
    )
    summary = text_field(
        "Tóm tắt thành tích", "Summary of achievements", min_length=20, max_length=4000, multiline=True,
        evidence_required=True,
    )


ACHIEVEMENTS_V1 = CriteriaSet(
    key="individual.achievements",
    version=1,
    title="Thành tích cá nhân trong phong trào “Toàn dân bảo vệ an ninh Tổ quốc”",
    title_en="An individual's achievements in the movement",
    applies_to=NOMINATING_KINDS,
    schema=AchievementSchema,
    validate=rules.validate_achievements,
    aggregates={
        "exemplary": "count_true",
        "people_mobilised": "sum",
        "initiatives": "sum",
        "crimes_reported": "sum",
        "crimes_solved": "sum",
        "police_support": "sum",
        "brave_acts": "sum",
    },
)

CRITERIA_SETS = [ACHIEVEMENTS_V1]
