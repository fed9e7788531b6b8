"""Criteria group b) of the plan (departments, communes and wards) and the commune's "An toàn về
an ninh, trật tự" standard (TT 124/2021/TT-BCA, Điều 5)."""

from __future__ import annotations

from functools import partial

from marshmallow import Schema

from core.plugins import CriteriaSet, count_field, number_field, yes_no_field

from . import rules

COUNT_MAX = 100_000
STAFF_MAX = 1_000_000


count = partial(count_field, maximum=COUNT_MAX)


class MovementSchema(Schema):
    """Criteria group b): plans, the steering committee, models, awareness, IT, propaganda and
    the grassroots forces' regimes. Points sum to 100 (see rules.movement_score)."""

    plan_issued = yes_no_field(
        "Ban hành (hoặc tham mưu ban hành) kế hoạch thực hiện phong trào trong năm",
        "The year's plan for the movement was issued", points=10, evidence_required=True,
    )
    policies_issued = count(
        "Số cơ chế, chính sách, văn bản chỉ đạo về phong trào, phòng, chống tội phạm, tệ nạn xã hội",
        "Policies and directives on the movement and crime prevention", "văn bản",
        points=5, points_per_unit=2.5, help="Mỗi văn bản 2,5 điểm, tối đa 5 điểm.",
        help_en="2.5 points per document, at most 5 points.",
    )
    steering_committee = yes_no_field(
        "Ban Chỉ đạo phong trào được kiện toàn, có quy chế hoạt động",
        "The steering committee is in place with its working rules", points=5, evidence_required=True,
    )
    steering_meetings = count(
        "Số cuộc họp, giao ban của Ban Chỉ đạo", "Steering committee meetings", "cuộc",
        points=5, points_per_unit=1.25, help="Mỗi cuộc 1,25 điểm, tối đa 5 điểm (họp hằng quý là đủ điểm).",
        help_en="1.25 points per meeting, at most 5 points (quarterly meetings earn the full points).",
    )
    models_active = count(
        "Số mô hình bảo đảm an ninh, trật tự đang duy trì (Camera an ninh, Tổ tự phòng, tự quản, "
        "Tổ liên gia về ANTT, Khu dân cư an toàn về ANTT…)",
        "Security models in operation", "mô hình", points=5,
        help="Có ít nhất 1 mô hình đang duy trì: 5 điểm.",
        help_en="At least 1 model maintained: 5 points.",
    )
    models_new = count(
        "Số mô hình mới xây dựng trong năm", "Models built this year", "mô hình",
        points=5, points_per_unit=2.5,
        help="Mỗi mô hình mới 2,5 điểm, tối đa 5 điểm; đã tính trong số mô hình đang duy trì.",
        help_en="2.5 points per new model, at most 5 points; already counted among the models maintained.",
    )
    models_replicated = count(
        "Số điểm (địa bàn, cơ quan, đơn vị) nhân rộng mô hình", "Places the models were replicated to",
        "điểm", points=5, points_per_unit=1, help="Mỗi nơi nhân rộng được tính 1 điểm, tối đa 5 điểm.",
        help_en="1 point per place the models were replicated to, at most 5 points.",
    )
    staff_total = count(
        "Tổng số cán bộ, công chức, viên chức, người lao động", "Staff", "người", maximum=STAFF_MAX,
        minimum=1,
    )
    staff_briefed = count(
        "Số cán bộ, công chức, viên chức, người lao động được quán triệt về phong trào",
        "Staff briefed on the movement", "người", maximum=STAFF_MAX, points=15,
        points_rule="15 × staff_briefed / staff_total",
        help="Điểm theo tỷ lệ người được quán triệt trên tổng số cán bộ, công chức, viên chức, "
        "người lao động.",
        help_en="Points in proportion to the people briefed out of all the officials, civil servants, public "
                "employees and workers.",
    )
    it_applications = count(
        "Số ứng dụng, hệ thống công nghệ thông tin được đưa vào phục vụ bảo đảm an ninh, trật tự",
        "IT applications used for security work", "ứng dụng", points=5, points_per_unit=2.5,
        help="Mỗi ứng dụng 2,5 điểm, tối đa 5 điểm.",
        help_en="2.5 points per application, at most 5 points.",
    )
    data_leaks = count(
        "Số vụ lộ, lọt thông tin, dữ liệu của cơ quan, đơn vị", "Information or data leaks", "vụ",
        points=10, points_rule="10 if 0, else 0",
        help="Không để xảy ra vụ nào: 10 điểm; có từ 1 vụ trở lên: 0 điểm.",
        help_en="No leak at all: 10 points; 1 leak or more: 0 points.",
    )
    propaganda_items = count(
        "Số tin, bài, phóng sự tuyên truyền về phong trào trên phương tiện thông tin đại chúng, mạng xã hội",
        "News items and posts on the movement", "tin, bài", points=10, points_per_unit=0.5,
        help="Mỗi tin, bài 0,5 điểm, tối đa 10 điểm.",
        help_en="0.5 points per news item or article, at most 10 points.",
    )
    bravery_examples = count(
        "Số tấm gương hy sinh, bị thương, dũng cảm cứu người, cứu tài sản được tuyên truyền, biểu dương",
        "Examples of sacrifice and bravery made known", "tấm gương", points=5, points_per_unit=2.5,
        help="Mỗi tấm gương 2,5 điểm, tối đa 5 điểm.",
        help_en="2.5 points per example, at most 5 points.",
    )
    grassroots_regimes = yes_no_field(
        "Thực hiện đầy đủ chế độ, chính sách cho lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
        "Regimes of the grassroots security forces paid in full", points=10, evidence_required=True,
    )
    grassroots_conditions = yes_no_field(
        "Bảo đảm điều kiện hoạt động (nơi làm việc, trang phục, công cụ hỗ trợ) cho lực lượng ở cơ sở",
        "Working conditions of the grassroots forces ensured", points=5,
    )
    grassroots_budget = number_field(
        "Kinh phí bố trí cho lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
        "Budget for the grassroots security forces", "triệu đồng", maximum=1_000_000, required=False,
    )


class AtAnttSchema(Schema):
    """The commune's own conditions of TT 124 Điều 5; the ≥70% rule comes from its units."""

    q1_resolution = yes_no_field(
        "Quý I, Đảng ủy có nghị quyết về bảo đảm an ninh, trật tự",
        "Party committee resolution on security adopted in the first quarter", points=10,
        evidence_required=True,
    )
    q1_plan_registered = yes_no_field(
        "Quý I, Ủy ban nhân dân có kế hoạch bảo đảm an ninh, trật tự và đăng ký phấn đấu đạt tiêu chuẩn",
        "People's Committee plan and registration for the standard in the first quarter", points=10,
        evidence_required=True,
    )
    effective_models = count(
        "Số mô hình phong trào toàn dân bảo vệ an ninh Tổ quốc hoạt động hiệu quả",
        "Effective movement models", "mô hình",
        points_rule="10 if ≥ 1", points=10, help="Cần ít nhất 1 mô hình (Điều 5 khoản 1).",
        help_en="At least 1 model is needed (Điều 5 khoản 1).",
    )
    policies_implemented = yes_no_field(
        "Triển khai đầy đủ chủ trương của Đảng, chính sách, pháp luật và quy định của địa phương về an ninh, "
        "trật tự", "Party and state policy on security fully implemented", points=10,
    )
    prohibited_events = count(
        "Số vụ việc thuộc các trường hợp tại khoản 3 Điều 4 Thông tư 124/2021/TT-BCA đã xảy ra",
        "Events listed in TT 124 Art. 4(3) that occurred", "vụ", points_rule="10 if 0", points=10,
        help="Hoạt động chống Đảng, chính quyền; phá hoại; tôn giáo trái pháp luật; ly khai; tranh chấp phức "
        "tạp, kéo dài; kích động tập trung đông người… Phải bằng 0.",
        help_en="Activities against the Party or the government; sabotage; unlawful religion; separatism; "
                "complex, prolonged disputes; inciting crowds to gather… Must be 0.",
    )
    offences = count(
        "Số vụ tội phạm, tệ nạn xã hội, vi phạm pháp luật khác trong năm", "Crimes, social evils and "
        "offences this year", "vụ", points_rule="10 if ≤ offences_previous_year", points=10,
        help="Đạt khi không vượt số vụ của năm trước (kiềm chế, kéo giảm).",
        help_en="Met when the cases do not exceed the previous year's number (contained and reduced).",
    )
    offences_previous_year = count(
        "Số vụ tội phạm, tệ nạn xã hội, vi phạm pháp luật khác năm trước", "The same, previous year", "vụ",
    )
    serious_crimes = count(
        "Số vụ tội phạm nghiêm trọng trở lên (trừ trường hợp bất khả kháng)", "Serious crimes", "vụ",
    )
    serious_crimes_handled = count(
        "Trong đó: số vụ được kịp thời phát hiện, giảm thiểu hậu quả và báo cáo ngay cấp có thẩm quyền",
        "Serious crimes detected, contained and reported at once", "vụ",
        points_rule="10 if = serious_crimes", points=10,
        help="Đạt khi không có vụ nào, hoặc mọi vụ đều được xử lý kịp thời.",
        help_en="Met when there is no case, or every case is handled promptly.",
    )
    new_hotspots = count(
        "Số tụ điểm phức tạp về trật tự xã hội phát sinh", "New social-order hotspots", "tụ điểm",
        points_rule="5 if 0", points=5,
        help="Đạt khi không phát sinh tụ điểm nào.",
        help_en="Met when no new hotspot arises.",
    )
    new_social_evil_persons = count(
        "Số người mắc tệ nạn xã hội phát sinh mới", "New people with a social evil", "người",
        points_rule="5 if 0", points=5,
        help="Đạt khi không phát sinh người nào.",
        help_en="Met when no one new is found with a social evil.",
    )
    serious_incidents = count(
        "Số vụ cháy, nổ nghiêm trọng, tai nạn lao động chết người, sự cố nghiêm trọng (trừ bất khả kháng)",
        "Serious fires, explosions, fatal work accidents and serious incidents", "vụ",
        points_rule="5 if 0", points=5,
        help="Đạt khi không xảy ra vụ nào.",
        help_en="Met when no incident occurs.",
    )
    police_effective = yes_no_field(
        "Công an xã, phường chủ động nắm chắc tình hình, kịp thời tham mưu, tổ chức thực hiện hiệu quả",
        "The commune police keep a firm grasp of the situation and advise in time", points=5,
    )
    police_disciplined = count(
        "Số cán bộ Công an xã, phường bị xử lý kỷ luật", "Commune police officers disciplined", "người",
        points_rule="5 if 0", points=5, help="Đạt khi không có ai bị kỷ luật.",
        help_en="Met when nobody is disciplined.",
    )
    units_total = count(
        "Số khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục thuộc thẩm quyền quản lý",
        "Residential areas, agencies, enterprises and schools under the commune", "đơn vị", minimum=1,
    )
    units_registered = count(
        "Số khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục đã đăng ký phấn đấu đạt tiêu chuẩn",
        "Of which registered for the standard", "đơn vị",
        points_rule="5 if = units_total (100% registered)", points=5,
        help="Đạt khi 100% đơn vị đã đăng ký (Điều 5 khoản 4).",
        help_en="Met when 100% of the units have registered (Điều 5 khoản 4).",
    )
    areas_total = count(
        "Trong đó: số khu dân cư (thôn, tổ dân phố)", "Of which residential areas (villages, street groups)",
        "khu dân cư",
        help="Khu dân cư thường không phải là đơn vị báo cáo trên hệ thống nên xã, phường tự kê khai; "
        "cơ quan, doanh nghiệp, cơ sở giáo dục được tính theo kết quả của chính các đơn vị đó.",
        help_en="Residential areas are usually not reporting units in the system, so the commune or ward "
                "declares them itself; agencies, enterprises and educational institutions count by their own "
                "results.",
    )
    areas_recognised = count(
        "Số khu dân cư được công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "Residential areas recognised “Safe in security and order”", "khu dân cư",
        help="Cùng với kết quả của các cơ quan, doanh nghiệp, cơ sở giáo dục trực thuộc, phải đạt từ 70% "
        "trở lên (Điều 5 khoản 4).",
        help_en="Together with the results of the agencies, enterprises and educational institutions under "
                "it, at least 70% is required (Điều 5 khoản 4).",
    )


MOVEMENT_V1 = CriteriaSet(
    key="local.movement",
    version=1,
    title="Sở, ban, ngành, xã, phường thực hiện phong trào",
    title_en="Departments, communes and wards carrying out the movement",
    applies_to={"ward", "commune", "department"},
    schema=MovementSchema,
    score=rules.movement_score,
    validate=rules.validate_movement,
    outcomes=rules.movement_outcomes,
    outcome_labels={"no_data_leak": ("Không để lộ, lọt thông tin", "No information leaked")},
    aggregates={
        "plan_issued": "count_true",
        "policies_issued": "sum",
        "steering_committee": "count_true",
        "models_active": "sum",
        "models_new": "sum",
        "models_replicated": "sum",
        "staff_total": "sum",
        "staff_briefed": "sum",
        "it_applications": "sum",
        "data_leaks": "sum",
        "propaganda_items": "sum",
        "bravery_examples": "sum",
        "grassroots_regimes": "count_true",
        "grassroots_budget": "sum",
    },
)

ATANTT_V1 = CriteriaSet(
    key="local.atantt",
    version=1,
    title="Xã, phường đạt tiêu chuẩn “An toàn về an ninh, trật tự” (Thông tư 124/2021/TT-BCA, Điều 5)",
    title_en="Commune or ward “Safe in security and order” (Circular 124/2021/TT-BCA, Art. 5)",
    applies_to={"ward", "commune"},
    schema=AtAnttSchema,
    score=rules.atantt_score,
    validate=rules.validate_atantt,
    outcomes=rules.atantt_outcomes,
    aggregates={
        "q1_resolution": "count_true",
        "q1_plan_registered": "count_true",
        "effective_models": "sum",
        "prohibited_events": "sum",
        "offences": "sum",
        "offences_previous_year": "sum",
        "serious_crimes": "sum",
        "new_hotspots": "sum",
        "new_social_evil_persons": "sum",
        "serious_incidents": "sum",
        "police_disciplined": "sum",
        "units_total": "sum",
        "units_registered": "sum",
        "areas_total": "sum",
        "areas_recognised": "sum",
    },
)

CRITERIA_SETS = [MOVEMENT_V1, ATANTT_V1]
