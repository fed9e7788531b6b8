"""Cyber safety: awareness training, phishing drills and online-fraud prevention; the security of
information systems, incidents and data leaks (plan, II.4 and the duties in VI.7)."""

from __future__ import annotations

from functools import partial

from marshmallow import Schema

from core.plugins import CriteriaSet, count_field, yes_no_field

from . import rules

# Every unit kind but the city, which only consolidates.
REPORTING_KINDS = frozenset({"ward", "commune", "department", "front_org", "agency", "enterprise", "school"})
PEOPLE_MAX = 200_000
COUNT_MAX = 1_000

count = partial(count_field, maximum=COUNT_MAX)

class TrainingSchema(Schema):
    """Training and awareness of the unit's staff."""

    sessions = count(
        "Số buổi tập huấn, bồi dưỡng kỹ năng bảo đảm an toàn thông tin, an ninh mạng",
        "Information-security training sessions", "buổi", points=10, points_per_unit=2.5,
        help="Mỗi buổi 2,5 điểm, tối đa 10 điểm.",
        help_en="2.5 points per session, at most 10 points.",
    )
    participants = count(
        "Số lượt người tham gia tập huấn", "Attendances at the training", "lượt người", maximum=PEOPLE_MAX,
    )
    staff_total = count(
        "Tổng số cán bộ, công chức, viên chức, người lao động của đơn vị", "Staff of the unit", "người",
        minimum=1, maximum=PEOPLE_MAX,
    )
    staff_trained = count(
        "Số cán bộ, người lao động đã được tập huấn về an toàn thông tin trong năm",
        "Staff trained in information security this year", "người", maximum=PEOPLE_MAX, points=40,
        points_rule="40 × staff_trained / staff_total",
        help="Mỗi người chỉ tính một lần dù tham gia nhiều buổi.",
        help_en="Each person counts once, however many sessions they attend.",
    )
    phishing_drills = count(
        "Số lần diễn tập, thử nghiệm nhận diện thư điện tử, tin nhắn giả mạo",
        "Phishing drills", "lần", maximum=100, points=15, points_per_unit=7.5,
        help="Mỗi lần 7,5 điểm, tối đa 15 điểm.",
        help_en="7.5 points per drill, at most 15 points.",
    )
    drill_recipients = count(
        "Số người nhận thư, tin nhắn giả mạo trong các lần diễn tập", "People sent drill messages",
        "người", maximum=PEOPLE_MAX,
    )
    drill_clicked = count(
        "Số người nhấp vào liên kết hoặc cung cấp thông tin trong các lần diễn tập",
        "People who clicked or gave information in the drills", "người", maximum=PEOPLE_MAX, points=15,
        points_rule="15 × (1 − drill_clicked / drill_recipients); 0 without a drill",
    )
    fraud_sessions = count(
        "Số buổi tuyên truyền phòng, chống lừa đảo trực tuyến, tội phạm sử dụng công nghệ cao",
        "Sessions on preventing online fraud and high-tech crime", "buổi", points=10, points_per_unit=2.5,
        help="Mỗi buổi 2,5 điểm, tối đa 10 điểm.",
        help_en="2.5 points per session, at most 10 points.",
    )
    fraud_people_reached = count(
        "Số lượt người được tuyên truyền phòng, chống lừa đảo trực tuyến",
        "People reached by online-fraud prevention", "lượt người", maximum=10_000_000,
        help="Gồm cán bộ, người lao động và người dân, học sinh được tuyên truyền.",
        help_en="Includes staff, workers, residents and pupils reached.",
    )
    fraud_alerts = yes_no_field(
        "Kịp thời phổ biến cảnh báo về thủ đoạn lừa đảo trực tuyến mới qua kênh thông tin của đơn vị",
        "Alerts on new online-fraud tricks shared promptly through the unit's channels", points=10,
    )


class SystemsSchema(Schema):
    """The unit's information systems, incidents and data leaks."""

    systems_total = count(
        "Số hệ thống thông tin đơn vị đang quản lý, vận hành", "Information systems run by the unit",
        "hệ thống", maximum=500,
    )
    systems_level_approved = count(
        "Số hệ thống thông tin đã được phê duyệt hồ sơ đề xuất cấp độ an toàn",
        "Systems with an approved security level", "hệ thống", maximum=500, points=20,
        points_rule="20 × systems_level_approved / systems_total; 20 without a system",
    )
    systems_assessed = count(
        "Số hệ thống thông tin được kiểm tra, đánh giá an toàn thông tin trong năm",
        "Systems assessed for security this year", "hệ thống", maximum=500, points=20,
        points_rule="20 × systems_assessed / systems_total; 20 without a system",
    )
    incidents = count(
        "Số sự cố mất an toàn thông tin, tấn công mạng", "Security incidents and cyber attacks", "vụ",
    )
    incidents_handled = count(
        "Số sự cố được xử lý, khắc phục và báo cáo kịp thời cơ quan có thẩm quyền",
        "Incidents handled and reported in time", "vụ", points=20,
        points_rule="20 × incidents_handled / incidents; 20 without an incident",
    )
    data_leaks = count(
        "Số vụ lộ, lọt thông tin, dữ liệu của đơn vị", "Data leaks", "vụ", points=30, points_rule="30 if 0",
        help="Chỉ cần xảy ra một vụ lộ, lọt dữ liệu là không đạt tiêu chí “không để lộ, lọt dữ liệu” "
             "của Kế hoạch.",
        help_en="A single data leak fails the plan's criterion “no data leaked”.",
    )
    response_plan = yes_no_field(
        "Có phương án ứng phó sự cố bảo đảm an toàn thông tin mạng", "An incident response plan",
        points=10, evidence_required=True,
    )


TRAINING_V1 = CriteriaSet(
    key="cyber.training", version=1,
    title="Tập huấn an toàn thông tin, phòng, chống lừa đảo trực tuyến",
    title_en="Information-security training and online-fraud prevention",
    applies_to=REPORTING_KINDS, schema=TrainingSchema,
    validate=rules.validate_training, score=rules.score_training,
    aggregates={
        "sessions": "sum", "participants": "sum", "staff_total": "sum", "staff_trained": "sum",
        "phishing_drills": "sum", "drill_recipients": "sum", "drill_clicked": "sum",
        "fraud_sessions": "sum", "fraud_people_reached": "sum",
    },
)

SYSTEMS_V1 = CriteriaSet(
    key="cyber.systems", version=1,
    title="An toàn hệ thống thông tin và dữ liệu", title_en="Information systems and data security",
    applies_to=REPORTING_KINDS, schema=SystemsSchema,
    validate=rules.validate_systems, score=rules.score_systems, outcomes=rules.systems_outcomes,
    outcome_labels={"no_data_leak": ("Không để lộ, lọt dữ liệu", "No data leaked")},
    aggregates={
        "systems_total": "sum", "systems_level_approved": "sum", "systems_assessed": "sum",
        "incidents": "sum", "incidents_handled": "sum", "data_leaks": "sum", "response_plan": "count_true",
    },
)

CRITERIA_SETS: tuple[CriteriaSet, ...] = (TRAINING_V1, SYSTEMS_V1)
