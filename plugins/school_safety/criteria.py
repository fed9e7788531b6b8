"""The school criteria: "An toàn về ANTT" (TT 124 Điều 7), "Cổng trường an toàn", "Trường học
không ma túy, không bạo lực", and legal education with online-fraud lessons."""

from __future__ import annotations

from functools import partial

from marshmallow import Schema

from core.plugins import CriteriaSet, choice_field, count_field, yes_no_field

from . import rules

SCHOOL = frozenset({"school"})
PEOPLE_MAX = 100_000
COUNT_MAX = 1_000

count = partial(count_field, maximum=COUNT_MAX)


LISTED_INCIDENTS_HELP = (
    "Gồm: tuyên truyền, phát triển tín ngưỡng, tôn giáo trái pháp luật; lợi dụng tín ngưỡng, tôn giáo, "
    "dân tộc, tranh chấp, khiếu kiện gây phức tạp về an ninh, trật tự; kích động, lôi kéo tập trung đông "
    "người khiếu nại, gây rối an ninh, trật tự công cộng; tội phạm nghiêm trọng trở lên; vi phạm quy định "
    "về bảo vệ bí mật Nhà nước; cháy, nổ nghiêm trọng, tai nạn lao động chết người, sự cố nghiêm trọng, vi "
    "phạm môi trường, an toàn vệ sinh thực phẩm gây hậu quả nghiêm trọng. Không tính trường hợp bất khả "
    "kháng và vụ tội phạm đã được kịp thời phát hiện, giảm thiểu hậu quả và báo cáo ngay cấp có thẩm quyền."
)
LISTED_INCIDENTS_HELP_EN = (
    "Includes: spreading or developing unlawful beliefs or religions; exploiting beliefs, religion, "
    "ethnicity, disputes or complaints so as to complicate security and order; inciting or drawing crowds "
    "to complain or to disturb public security and order; serious crimes or worse; breaches of the rules "
    "on protecting State secrets; serious fires or explosions, fatal work accidents, serious incidents, "
    "and environmental or food-safety violations with serious consequences. Force majeure does not count, "
    "nor does a crime detected in time, its consequences limited and reported at once to the competent "
    "authority."
)


class SchoolAtanttSchema(Schema):
    """TT 124/2021/TT-BCA Điều 7, criterion by criterion (khoản 1 to 6)."""

    # Khoản 1: Quý I documents, rules, briefing, models.
    has_party_organisation = yes_no_field(
        "Nhà trường có tổ chức Đảng", "The school has a Party organisation",
        help="Nơi chưa có tổ chức Đảng thì không xét tiêu chí nghị quyết của tổ chức Đảng.",
        help_en="Where there is no Party organisation, the Party resolution criterion is not assessed.",
    )
    party_resolution = yes_no_field(
        "Quý I, tổ chức Đảng có nghị quyết chuyên đề hoặc lồng ghép công tác bảo đảm an ninh, trật tự "
        "trong nghị quyết lãnh đạo hằng năm",
        "Q1 Party resolution on security and order (its own or within the annual resolution)",
        points=5, evidence_required=True,
        points_rule="5 if yes, or when the school has no Party organisation",
    )
    security_plan = yes_no_field(
        "Có kế hoạch bảo đảm an ninh, trật tự của nhà trường", "A security and order plan",
        points=5, evidence_required=True,
    )
    registered = yes_no_field(
        "Đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "Registered to strive for the “safe for security and order” standard",
        points=5, evidence_required=True,
    )
    internal_rules = yes_no_field(
        "Có nội quy, quy định bảo vệ cơ sở giáo dục, bảo vệ chính trị nội bộ, quản lý giáo dục người "
        "học, phòng, chống cháy nổ",
        "Internal rules on protecting the school, internal political security, managing learners and "
        "fire prevention",
        points=5, evidence_required=True,
    )
    people_total = count(
        "Tổng số cán bộ, công nhân viên, người lao động, người dạy và người học",
        "Staff, teachers and learners", "người", minimum=1, maximum=PEOPLE_MAX,
    )
    people_briefed = count(
        "Số người đã được phổ biến, quán triệt nội quy, quy định và tiêu chí “An toàn về an ninh, trật tự”",
        "Staff, teachers and learners briefed on the rules and the standard", "người", maximum=PEOPLE_MAX,
        points=10, points_rule="10 × people_briefed / people_total",
        help="Tiêu chuẩn yêu cầu 100% cán bộ, người dạy, người học được phổ biến, quán triệt.",
        help_en="The standard requires 100% of staff, teachers and learners to be briefed.",
    )
    effective_models = count(
        "Số mô hình phong trào toàn dân bảo vệ an ninh Tổ quốc hoạt động hiệu quả",
        "Effective models of the movement", "mô hình", maximum=100, points=5,
        points_rule="5 if at least 1",
    )
    # Khoản 2: implementation and the parents' board.
    policies_implemented = yes_no_field(
        "Triển khai đầy đủ chủ trương, chính sách, pháp luật, quy chế, kế hoạch phối hợp với Công an và "
        "quy định của địa phương về bảo đảm an ninh, trật tự",
        "Policies, law, coordination with the police and local rules fully carried out",
        points=5,
    )
    parents_coordination = yes_no_field(
        "Có hình thức, biện pháp phối hợp với Ban đại diện cha mẹ học sinh trong quản lý học sinh",
        "Coordination with the parents' board in managing pupils", points=5, evidence_required=True,
        points_rule="5 if yes, or when the school is not general education (attribute level)",
        help="Áp dụng với cấp học phổ thông.",
        help_en="Applies to the general education levels.",
    )
    # Khoản 3: none of the events of Điều 6 khoản 3 a, b, c, đ, e, g.
    listed_incidents = count(
        "Số vụ việc thuộc các trường hợp tại điểm a, b, c, đ, e, g khoản 3 Điều 6 Thông tư số "
        "124/2021/TT-BCA",
        "Incidents listed in TT 124 Art. 6(3) a, b, c, đ, e, g", "vụ", points=10, points_rule="10 if 0",
        help=LISTED_INCIDENTS_HELP, help_en=LISTED_INCIDENTS_HELP_EN,
    )
    # Khoản 4: no school violence, no crime or social-evil discipline.
    school_violence_cases = count(
        "Số vụ bạo lực học đường", "School violence cases", "vụ", points=10, points_rule="10 if 0",
    )
    crime_or_evil_disciplined = count(
        "Số cán bộ, công nhân viên, người lao động, người dạy, người học phạm tội hoặc mắc tệ nạn xã hội "
        "bị xử lý kỷ luật từ hình thức cảnh cáo trở lên",
        "Staff, teachers or learners who committed a crime or were disciplined (warning or above) for a "
        "social evil", "người", maximum=PEOPLE_MAX, points=10, points_rule="10 if 0",
    )
    # Khoản 5: the school's protection force, if any.
    protection_force_rating = choice_field(
        "Kết quả bình xét, đánh giá lực lượng bảo vệ nhà trường", "Rating of the school's protection force",
        rules.SCHOOL_FORCE_RATINGS, choices_en=rules.SCHOOL_FORCE_RATINGS_EN, points=10,
        points_rule="10 if Tập thể lao động tiên tiến or Hoàn thành tốt nhiệm vụ or better, "
                    "not eligible for rating, or no protection force",
    )
    protection_force_disciplined = count(
        "Số thành viên lực lượng bảo vệ bị kỷ luật từ hình thức cảnh cáo trở lên",
        "Protection force members disciplined (warning or above)", "người", points=5,
        points_rule="5 if 0",
    )
    # Khoản 6: at least 70% of the sub-units rated well, nobody disciplined.
    sub_units_total = count(
        "Số đầu mối trực thuộc (khoa, phòng, ban, tổ chuyên môn)",
        "Sub-units (faculties, offices, subject groups)", "đầu mối",
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


class SafeGateSchema(Schema):
    """"Cổng trường an toàn giao thông" (Chương trình phối hợp số 11 BCA–BGDĐT)."""

    signage_complete = yes_no_field(
        "Hệ thống biển báo, vạch kẻ đường khu vực cổng trường đầy đủ, rõ ràng",
        "Complete signage and road markings at the gate", points=15, evidence_required=True,
    )
    pickup_parking = yes_no_field(
        "Có điểm dừng, đỗ xe đưa đón học sinh được bố trí trật tự",
        "Orderly pick-up and drop-off parking", points=15,
    )
    traffic_accidents = count(
        "Số vụ tai nạn giao thông tại khu vực cổng trường", "Traffic accidents at the gate", "vụ",
        points=20, points_rule="20 if 0",
    )
    congestion_incidents = count(
        "Số lần ùn tắc giao thông kéo dài tại khu vực cổng trường", "Prolonged congestion at the gate",
        "lần", points=10, points_rule="10 if 0",
        help="Ùn tắc kéo dài từ 30 phút trở lên vào giờ đón, trả học sinh.",
        help_en="Congestion lasting 30 minutes or more at pick-up or drop-off times.",
    )
    helmet_violations = count(
        "Số trường hợp học sinh vi phạm quy định về đội mũ bảo hiểm bị phát hiện tại cổng trường",
        "Pupils caught without a helmet at the gate", "trường hợp", maximum=100_000, points=15,
        points_rule="15 if 0",
    )
    commitments_signed = yes_no_field(
        "Đã ký cam kết phối hợp giữa Công an xã, phường, nhà trường và cha mẹ học sinh",
        "Commitments signed by the commune police, the school and the parents", points=15,
        evidence_required=True,
    )
    self_management_team = yes_no_field(
        "Có tổ tự quản “Cổng trường an toàn” duy trì hoạt động vào giờ đón, trả học sinh",
        "A gate self-management team active at pick-up and drop-off times", points=10,
    )


class DrugViolenceFreeSchema(Schema):
    """"Trường học không ma túy, không bạo lực"."""

    propaganda_sessions = count(
        "Số buổi tuyên truyền, giáo dục phòng, chống ma túy và bạo lực học đường",
        "Sessions on preventing drugs and school violence", "buổi", points=20, points_per_unit=5,
        help="Mỗi buổi 5 điểm, tối đa 20 điểm.", help_en="5 points per session, at most 20 points.",
    )
    students_total = count("Tổng số học sinh", "Pupils", "người", minimum=1, maximum=PEOPLE_MAX)
    students_committed = count(
        "Số học sinh đã ký cam kết không sử dụng ma túy, không vi phạm pháp luật, không bạo lực",
        "Pupils who signed the commitment against drugs, law-breaking and violence", "người",
        maximum=PEOPLE_MAX, points=20, points_rule="20 × students_committed / students_total",
    )
    drug_cases = count(
        "Số vụ việc liên quan đến ma túy của học sinh, cán bộ, giáo viên, người lao động",
        "Drug cases among pupils and staff", "vụ", points=30, points_rule="30 if 0",
    )
    violence_cases = count(
        "Số vụ bạo lực học đường", "School violence cases", "vụ", points=30, points_rule="30 if 0",
    )


class LegalEducationSchema(Schema):
    """Legal education, crime and online-fraud prevention in the curriculum (plan, VI.6)."""

    legal_lessons = count(
        "Số tiết, buổi giáo dục pháp luật, phòng, chống tội phạm, bạo lực học đường, ma túy trong chương "
        "trình chính khóa và ngoại khóa",
        "Lessons on law, crime, school violence and drug prevention", "buổi", points=20,
        points_per_unit=2.5, help="Mỗi tiết, buổi 2,5 điểm, tối đa 20 điểm.",
        help_en="2.5 points per lesson or session, at most 20 points.",
    )
    fraud_lessons = count(
        "Số buổi giáo dục kỹ năng phòng, chống lừa đảo, vi phạm pháp luật trên không gian mạng",
        "Lessons on preventing online fraud and online offences", "buổi", points=20, points_per_unit=5,
        help="Mỗi buổi 5 điểm, tối đa 20 điểm.", help_en="5 points per session, at most 20 points.",
    )
    traffic_lessons = count(
        "Số buổi giáo dục an toàn giao thông", "Road safety lessons", "buổi", points=10,
        points_per_unit=2.5, help="Mỗi buổi 2,5 điểm, tối đa 10 điểm.",
        help_en="2.5 points per session, at most 10 points.",
    )
    police_talks = count(
        "Số buổi có cán bộ Công an tham gia tuyên truyền, nói chuyện chuyên đề tại trường",
        "Talks given at the school by police officers", "buổi", points=10, points_per_unit=5,
        help="Mỗi buổi 5 điểm, tối đa 10 điểm.", help_en="5 points per session, at most 10 points.",
    )
    students_total = count("Tổng số học sinh", "Pupils", "người", minimum=1, maximum=PEOPLE_MAX)
    students_reached = count(
        "Số học sinh được học, tham gia các buổi giáo dục pháp luật và phòng, chống lừa đảo trên mạng",
        "Pupils reached by legal and online-fraud education", "người", maximum=PEOPLE_MAX, points=30,
        points_rule="30 × students_reached / students_total",
    )
    family_coordination = yes_no_field(
        "Có cơ chế phối hợp giữa nhà trường và gia đình trong quản lý, giáo dục học sinh",
        "A school–family arrangement for managing and educating pupils", points=10,
        evidence_required=True,
    )


SCHOOL_ATANTT_V1 = CriteriaSet(
    key="school.atantt", version=1,
    title="Trường học an toàn về an ninh, trật tự",
    title_en="School safe for security and order (TT 124, Art. 7)",
    applies_to=SCHOOL, schema=SchoolAtanttSchema,
    validate=rules.validate_atantt, score=rules.score_atantt, outcomes=rules.atantt_outcomes,
    aggregates={
        "people_total": "sum", "people_briefed": "sum", "effective_models": "sum",
        "school_violence_cases": "sum", "listed_incidents": "sum", "registered": "count_true",
        "sub_units_total": "sum", "sub_units_rated_well": "sum",
    },
)

SAFE_GATE_V1 = CriteriaSet(
    key="school.safe_gate", version=1,
    title="Cổng trường an toàn giao thông", title_en="Safe school gate",
    applies_to=SCHOOL, schema=SafeGateSchema,
    score=rules.score_safe_gate, outcomes=rules.safe_gate_outcomes,
    outcome_labels={"safe_gate": ("Cổng trường an toàn giao thông", "Safe school gate")},
    aggregates={
        "traffic_accidents": "sum", "congestion_incidents": "sum", "helmet_violations": "sum",
        "self_management_team": "count_true", "commitments_signed": "count_true",
    },
)

DRUG_VIOLENCE_FREE_V1 = CriteriaSet(
    key="school.drug_violence_free", version=1,
    title="Trường học không ma túy, không bạo lực", title_en="Drug-free, violence-free school",
    applies_to=SCHOOL, schema=DrugViolenceFreeSchema,
    validate=rules.validate_drug_violence_free, score=rules.score_drug_violence_free,
    outcomes=rules.drug_violence_free_outcomes,
    outcome_labels={"drug_violence_free": ("Trường học không ma túy, không bạo lực",
                                           "School free of drugs and violence")},
    aggregates={
        "propaganda_sessions": "sum", "students_total": "sum", "students_committed": "sum",
        "drug_cases": "sum", "violence_cases": "sum",
    },
)

LEGAL_EDUCATION_V1 = CriteriaSet(
    key="school.legal_education", version=1,
    title="Giáo dục pháp luật, phòng, chống lừa đảo trên không gian mạng",
    title_en="Legal education and online-fraud prevention",
    applies_to=SCHOOL, schema=LegalEducationSchema,
    validate=rules.validate_legal_education, score=rules.score_legal_education,
    aggregates={
        "legal_lessons": "sum", "fraud_lessons": "sum", "police_talks": "sum",
        "students_total": "sum", "students_reached": "sum",
    },
)

CRITERIA_SETS: tuple[CriteriaSet, ...] = (
    SCHOOL_ATANTT_V1, SAFE_GATE_V1, DRUG_VIOLENCE_FREE_V1, LEGAL_EDUCATION_V1,
)
