"""Agency and enterprise criteria: "An toàn về ANTT" (TT 124 Điều 6), the protection force and the
models built with the local police (plan, III.2 c)."""

from __future__ import annotations

from functools import partial

from marshmallow import Schema

from core.plugins import CriteriaSet, choice_field, count_field, yes_no_field

from . import rules

AGENCY_ENTERPRISE = frozenset({"agency", "enterprise"})
PEOPLE_MAX = 200_000
COUNT_MAX = 1_000

count = partial(count_field, maximum=COUNT_MAX)


LISTED_INCIDENTS_HELP = (
    "Gồm: tuyên truyền, phát triển tín ngưỡng, tôn giáo trái pháp luật; lợi dụng tín ngưỡng, tôn giáo, "
    "dân tộc, tranh chấp, khiếu kiện gây phức tạp về an ninh, trật tự; kích động, lôi kéo tập trung đông "
    "người khiếu nại, gây rối an ninh, trật tự công cộng; đình công, lãn công trái pháp luật; tội phạm "
    "nghiêm trọng trở lên; vi phạm quy định về bảo vệ bí mật Nhà nước; cháy, nổ nghiêm trọng, tai nạn lao "
    "động chết người, sự cố nghiêm trọng, vi phạm môi trường, an toàn vệ sinh thực phẩm gây hậu quả nghiêm "
    "trọng. Không tính trường hợp bất khả kháng và vụ tội phạm đã được kịp thời phát hiện, giảm thiểu hậu "
    "quả và báo cáo ngay cấp có thẩm quyền."
)
LISTED_INCIDENTS_HELP_EN = (
    "Includes: spreading or developing unlawful beliefs or religions; exploiting beliefs, religion, "
    "ethnicity, disputes or complaints so as to complicate security and order; inciting or drawing crowds "
    "to complain or to disturb public security and order; unlawful strikes and go-slows; serious crimes or "
    "worse; breaches of the rules on protecting State secrets; serious fires or explosions, fatal work "
    "accidents, serious incidents, and environmental or food-safety violations with serious consequences. "
    "Force majeure does not count, nor does a crime detected in time, its consequences limited and reported "
    "at once to the competent authority."
)


class AtanttSchema(Schema):
    """TT 124/2021/TT-BCA Điều 6, criterion by criterion (khoản 1 to 5)."""

    # Khoản 1: Quý I documents, rules, briefing, models.
    has_party_organisation = yes_no_field(
        "Cơ quan, doanh nghiệp có tổ chức Đảng", "The unit has a Party organisation",
        help="Nơi chưa có tổ chức Đảng thì không xét tiêu chí nghị quyết của tổ chức Đảng.",
        help_en="Where there is no Party organisation, the Party resolution criterion is not assessed.",
    )
    party_resolution = yes_no_field(
        "Quý I, tổ chức Đảng có nghị quyết chuyên đề hoặc lồng ghép công tác bảo đảm an ninh, trật tự "
        "trong nghị quyết lãnh đạo hằng năm",
        "Q1 Party resolution on security and order (its own or within the annual resolution)",
        points=5, evidence_required=True,
        points_rule="5 if yes, or when the unit has no Party organisation",
    )
    security_plan = yes_no_field(
        "Có kế hoạch bảo đảm an ninh, trật tự của cơ quan, doanh nghiệp", "A security and order plan",
        points=5, evidence_required=True,
    )
    registered = yes_no_field(
        "Đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "Registered to strive for the “safe for security and order” standard",
        points=5, evidence_required=True,
    )
    internal_rules = yes_no_field(
        "Có nội quy, quy định bảo vệ cơ quan, doanh nghiệp, bảo vệ bí mật Nhà nước, bảo vệ chính trị nội "
        "bộ, an toàn lao động, phòng, chống cháy nổ, bảo vệ môi trường",
        "Internal rules on protecting the unit, state secrets, internal political security, work "
        "safety, fire prevention and the environment",
        points=5, evidence_required=True,
    )
    staff_total = count(
        "Tổng số cán bộ, công chức, viên chức, người lao động", "Staff and workers", "người",
        minimum=1, maximum=PEOPLE_MAX,
    )
    staff_briefed = count(
        "Số cán bộ, người lao động đã được phổ biến, quán triệt nội quy, quy định và tiêu chí “An toàn "
        "về an ninh, trật tự”",
        "Staff briefed on the rules and the standard", "người", maximum=PEOPLE_MAX,
        points=10, points_rule="10 × staff_briefed / staff_total",
        help="Tiêu chuẩn yêu cầu 100% cán bộ, công chức, viên chức, người lao động được phổ biến, "
             "quán triệt.",
        help_en="The standard requires 100% of officials, civil servants, public employees and workers to be "
                "briefed.",
    )
    effective_models = count(
        "Số mô hình phong trào toàn dân bảo vệ an ninh Tổ quốc hoạt động hiệu quả",
        "Effective models of the movement", "mô hình", maximum=100, points=10,
        points_rule="10 if at least 1",
    )
    # Khoản 2: implementation.
    policies_implemented = yes_no_field(
        "Triển khai đầy đủ chủ trương, chính sách, pháp luật, quy chế, chương trình, kế hoạch phối hợp "
        "với Công an và quy định của địa phương về bảo đảm an ninh, trật tự",
        "Policies, law, coordination with the police and local rules fully carried out", points=10,
    )
    # Khoản 3: none of the events a–h.
    listed_incidents = count(
        "Số vụ việc thuộc các trường hợp tại điểm a đến điểm g khoản 3 Điều 6 Thông tư số 124/2021/TT-BCA",
        "Incidents listed in TT 124 Art. 6(3) a–g", "vụ", points=15, points_rule="15 if 0",
        help=LISTED_INCIDENTS_HELP,
        help_en=LISTED_INCIDENTS_HELP_EN,
    )
    staff_sanctioned = count(
        "Số cán bộ, người lao động bị xử phạt vi phạm hành chính trong lĩnh vực an ninh, trật tự hoặc mắc "
        "tệ nạn xã hội bị xử lý kỷ luật từ hình thức cảnh cáo trở lên",
        "Staff fined for a security offence or disciplined (warning or above) for a social evil",
        "người", maximum=PEOPLE_MAX, points=10, points_rule="10 if 0",
    )
    # Khoản 4: the protection force.
    protection_force_rating = choice_field(
        "Kết quả bình xét, đánh giá lực lượng bảo vệ cơ quan, doanh nghiệp",
        "Rating of the protection force", rules.FORCE_RATINGS, choices_en=rules.FORCE_RATINGS_EN,
        points=10,
        points_rule="10 if Tập thể lao động tiên tiến or Hoàn thành tốt nhiệm vụ or better, or not "
                    "eligible for rating; a unit without a protection force does not meet it",
    )
    protection_force_disciplined = count(
        "Số thành viên lực lượng bảo vệ bị kỷ luật từ hình thức cảnh cáo trở lên",
        "Protection force members disciplined (warning or above)", "người", points=5,
        points_rule="5 if 0",
    )
    # Khoản 5: at least 70% of the sub-units rated well, nobody disciplined.
    sub_units_total = count(
        "Số đầu mối trực thuộc (phòng, ban, tổ, đội)", "Sub-units (offices, divisions, teams)", "đầu mối",
    )
    sub_units_rated_well = count(
        "Số đầu mối đạt danh hiệu “Tập thể lao động tiên tiến” hoặc được đánh giá “Hoàn thành tốt nhiệm "
        "vụ” trở lên",
        "Sub-units rated “Advanced collective” or “Completed tasks well” or better", "đầu mối", points=5,
        points_rule="5 if at least 70% of sub_units_total (or no sub-unit)",
        help="Tiêu chuẩn yêu cầu từ 70% trở lên số đầu mối trực thuộc.",
        help_en="The standard requires at least 70% of the sub-units to be so rated.",
    )
    sub_units_disciplined = count(
        "Số cá nhân thuộc các đầu mối trực thuộc bị kỷ luật từ hình thức cảnh cáo trở lên",
        "People in the sub-units disciplined (warning or above)", "người", maximum=PEOPLE_MAX, points=5,
        points_rule="5 if 0",
    )


class ProtectionForceSchema(Schema):
    """The protection force (lực lượng bảo vệ cơ quan, doanh nghiệp)."""

    members = count(
        "Số thành viên lực lượng bảo vệ", "Protection force members", "người", maximum=10_000,
    )
    trained = count(
        "Số thành viên đã được huấn luyện, bồi dưỡng nghiệp vụ bảo vệ", "Members trained", "người",
        maximum=10_000, points=25, points_rule="25 × trained / members",
    )
    certified = count(
        "Số thành viên được cấp Giấy chứng nhận nghiệp vụ bảo vệ", "Members holding the certificate",
        "người", maximum=10_000, points=20, points_rule="20 × certified / members",
    )
    regimes_guaranteed = yes_no_field(
        "Bảo đảm đầy đủ chế độ, chính sách đối với lực lượng bảo vệ (tiền lương, phụ cấp, bảo hiểm, "
        "trang phục, công cụ hỗ trợ)",
        "Pay, allowances, insurance, uniforms and equipment of the force guaranteed",
        points=20, evidence_required=True,
    )
    rating = choice_field(
        "Kết quả bình xét, đánh giá lực lượng bảo vệ trong năm", "Rating of the force this year",
        rules.FORCE_RATINGS, choices_en=rules.FORCE_RATINGS_EN, points=rules.FORCE_RATING_POINTS,
    )
    disciplined = count(
        "Số thành viên bị kỷ luật từ hình thức cảnh cáo trở lên", "Members disciplined (warning or above)",
        "người", maximum=10_000, points=15, points_rule="15 if 0 in a unit that has a force",
    )


class PoliceModelsSchema(Schema):
    """Models of the movement built and replicated with the local police (plan, III.2 c)."""

    coordination_regulation = yes_no_field(
        "Có quy chế phối hợp với Công an xã, phường về bảo đảm an ninh, trật tự",
        "A coordination regulation with the commune or ward police", points=20, evidence_required=True,
    )
    models_active = count(
        "Số mô hình phong trào toàn dân bảo vệ an ninh Tổ quốc đang duy trì, có phối hợp với Công an cơ sở",
        "Models of the movement maintained with the local police", "mô hình", maximum=100, points=30,
        points_per_unit=15, help="Mỗi mô hình 15 điểm, tối đa 30 điểm.",
        help_en="15 points per model, at most 30 points.",
    )
    models_new = count(
        "Số mô hình xây dựng mới hoặc nhân rộng trong năm", "Models built or replicated this year",
        "mô hình", maximum=100, points=15, points_per_unit=15, help="Có ít nhất 01 mô hình mới: 15 điểm.",
        help_en="At least 1 new model: 15 points.",
    )
    joint_activities = count(
        "Số lần phối hợp với Công an cơ sở tuần tra, kiểm tra, diễn tập phương án bảo vệ",
        "Joint patrols, inspections and drills with the local police", "lần", points=15,
        points_per_unit=5, help="Mỗi lần 5 điểm, tối đa 15 điểm.",
        help_en="5 points each time, at most 15 points.",
    )
    tips_reported = count(
        "Số tin báo, tố giác tội phạm, vi phạm pháp luật cung cấp cho cơ quan Công an",
        "Tips on crimes and offences given to the police", "tin", points=10, points_per_unit=5,
        help="Mỗi tin 5 điểm, tối đa 10 điểm.",
        help_en="5 points per tip, at most 10 points.",
    )
    propaganda_sessions = count(
        "Số buổi tuyên truyền, phổ biến pháp luật về an ninh, trật tự cho cán bộ, người lao động",
        "Sessions on security law for staff and workers", "buổi", points=10, points_per_unit=2.5,
        help="Mỗi buổi 2,5 điểm, tối đa 10 điểm.",
        help_en="2.5 points per session, at most 10 points.",
    )


ATANTT_V1 = CriteriaSet(
    key="enterprise.atantt", version=1,
    title="Cơ quan, doanh nghiệp an toàn về an ninh, trật tự",
    title_en="Agency or enterprise safe for security and order (TT 124, Art. 6)",
    applies_to=AGENCY_ENTERPRISE, schema=AtanttSchema,
    validate=rules.validate_atantt, score=rules.score_atantt, outcomes=rules.atantt_outcomes,
    aggregates={
        "staff_total": "sum", "staff_briefed": "sum", "effective_models": "sum",
        "listed_incidents": "sum", "staff_sanctioned": "sum", "registered": "count_true",
        "sub_units_total": "sum", "sub_units_rated_well": "sum",
    },
)

PROTECTION_FORCE_V1 = CriteriaSet(
    key="enterprise.protection_force", version=1,
    title="Lực lượng bảo vệ cơ quan, doanh nghiệp", title_en="Protection force",
    applies_to=AGENCY_ENTERPRISE, schema=ProtectionForceSchema,
    validate=rules.validate_protection_force, score=rules.score_protection_force,
    aggregates={
        "members": "sum", "trained": "sum", "certified": "sum", "regimes_guaranteed": "count_true",
        "disciplined": "sum",
    },
)

POLICE_MODELS_V1 = CriteriaSet(
    key="enterprise.police_models", version=1,
    title="Mô hình phối hợp với Công an cơ sở", title_en="Models built with the local police",
    applies_to=AGENCY_ENTERPRISE, schema=PoliceModelsSchema, validate=rules.validate_police_models,
    aggregates={
        "coordination_regulation": "count_true", "models_active": "sum", "models_new": "sum",
        "joint_activities": "sum", "tips_reported": "sum",
    },
)

CRITERIA_SETS: tuple[CriteriaSet, ...] = (ATANTT_V1, PROTECTION_FORCE_V1, POLICE_MODELS_V1)
