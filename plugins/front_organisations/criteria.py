"""Criteria group a) of the plan: the Fatherland Front and the socio-political organisations."""

from __future__ import annotations

from functools import partial

from marshmallow import Schema

from core.plugins import CriteriaSet, count_field, text_field, yes_no_field

from . import rules

COUNT_MAX = 100_000
MEMBERS_MAX = 10_000_000

count = partial(count_field, maximum=COUNT_MAX)


class MovementSchema(Schema):
    """One criterion per field; points are the share of the 100-point scale (see rules)."""

    coordination_regulation = yes_no_field(
        "Có quy chế, chương trình phối hợp với lực lượng Công an về xây dựng phong trào",
        "A coordination regulation or programme with the police is in force",
        points=10, evidence_required=True,
    )
    programmes_signed = count(
        "Số chương trình, kế hoạch phối hợp với Công an trong năm", "Coordination programmes with the police",
        "chương trình",
    )
    programmes_done = count(
        "Số chương trình, kế hoạch phối hợp đã triển khai có kết quả", "Coordination programmes carried out",
        "chương trình", points=10,
        points_rule="10 × programmes_done / programmes_signed (0 when none signed)",
        help="Điểm theo tỷ lệ chương trình đã triển khai trên tổng số chương trình phối hợp.",
        help_en="Points in proportion to the share of the joint programmes carried out.",
    )
    info_exchanges = count(
        "Số cuộc trao đổi, giao ban, cung cấp thông tin với Công an về an ninh, trật tự",
        "Meetings and information exchanges with the police", "cuộc", points=5, points_per_unit=1.25,
        help="Mỗi cuộc 1,25 điểm, tối đa 5 điểm (giao ban hằng quý là đủ điểm).",
        help_en="1.25 points per meeting or exchange, at most 5 points (quarterly briefings earn the full "
                "points).",
    )
    propaganda_sessions = count(
        "Số buổi tuyên truyền, phổ biến về phong trào cho thành viên, hội viên, đoàn viên",
        "Propaganda sessions for members", "buổi", points=10, points_per_unit=2.5,
        help="Mỗi buổi 2,5 điểm, tối đa 10 điểm.",
        help_en="2.5 points per session, at most 10 points.",
    )
    members_total = count(
        "Tổng số thành viên, hội viên, đoàn viên của tổ chức", "Members of the organisation", "người",
        maximum=MEMBERS_MAX,
    )
    members_reached = count(
        "Số thành viên, hội viên, đoàn viên được tuyên truyền, vận động tham gia phong trào",
        "Members reached by propaganda", "người", maximum=MEMBERS_MAX, points=20,
        points_rule="20 × members_reached / members_total",
        help="Điểm theo tỷ lệ thành viên, hội viên, đoàn viên được tuyên truyền trên tổng số.",
        help_en="Points in proportion to the members reached out of all the members.",
    )
    grassroots_support = count(
        "Số hoạt động hướng dẫn, hỗ trợ lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
        "Activities guiding and supporting the grassroots security forces", "hoạt động",
        points=10, points_per_unit=2.5, help="Mỗi hoạt động 2,5 điểm, tối đa 10 điểm.",
        help_en="2.5 points per activity, at most 10 points.",
    )
    supervisions = count(
        "Số cuộc giám sát việc thực hiện phong trào và chính sách, pháp luật về an ninh, trật tự",
        "Supervision visits on the movement and on security law", "cuộc", points=10, points_per_unit=5,
        help="Mỗi cuộc 5 điểm, tối đa 10 điểm.",
        help_en="5 points per supervision visit, at most 10 points.",
    )
    social_criticisms = count(
        "Số ý kiến phản biện xã hội, góp ý xây dựng pháp luật, cơ chế, chính sách về phong trào",
        "Social criticism and contributions to laws and policies", "ý kiến", points=5, points_per_unit=2.5,
        help="Mỗi ý kiến 2,5 điểm, tối đa 5 điểm.",
        help_en="2.5 points per contribution, at most 5 points.",
    )
    issues_raised = count(
        "Số vụ việc phức tạp về an ninh, trật tự được phát hiện, kiến nghị chính quyền xử lý",
        "Security issues detected and raised with the authorities", "vụ việc",
        help="Do Ban công tác Mặt trận, tổ hòa giải ở khu dân cư phát hiện sớm và kiến nghị.",
        help_en="Detected early and raised by the Front's working committee or the mediation team in the "
                "residential area.",
    )
    dan_van_kheo_models = count(
        "Số mô hình “Dân vận khéo” lĩnh vực an ninh, trật tự được xây dựng, nhân rộng",
        "“Dân vận khéo” models on security and order", "mô hình",
    )
    dan_van_kheo_recognised = count(
        "Số mô hình “Dân vận khéo” lĩnh vực an ninh, trật tự được cấp có thẩm quyền công nhận",
        "“Dân vận khéo” models recognised", "mô hình", points=10, points_per_unit=5,
        evidence_required=True, help="Mỗi mô hình được công nhận 5 điểm, tối đa 10 điểm.",
        help_en="5 points per recognised model, at most 10 points.",
    )
    festival_held = yes_no_field(
        "Phối hợp tổ chức “Ngày hội toàn dân bảo vệ an ninh Tổ quốc” (19/8)",
        "Co-organised the “All people protect national security” festival (19 August)",
        points=10, evidence_required=True,
    )
    festival_participants = count(
        "Số người tham gia Ngày hội", "Festival participants", "người", maximum=MEMBERS_MAX, required=False,
    )
    notes = text_field(
        "Kết quả nổi bật, đề xuất, kiến nghị", "Highlights and proposals", max_length=4000, required=False,
        multiline=True,
    )


MOVEMENT_V1 = CriteriaSet(
    key="front.movement",
    version=1,
    title="Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tham gia phong trào",
    title_en="Fatherland Front and socio-political organisations in the movement",
    applies_to={"front_org"},
    schema=MovementSchema,
    score=rules.movement_score,
    validate=rules.validate_movement,
    aggregates={
        "coordination_regulation": "count_true",
        "programmes_signed": "sum",
        "programmes_done": "sum",
        "propaganda_sessions": "sum",
        "members_total": "sum",
        "members_reached": "sum",
        "grassroots_support": "sum",
        "supervisions": "sum",
        "social_criticisms": "sum",
        "issues_raised": "sum",
        "dan_van_kheo_models": "sum",
        "dan_van_kheo_recognised": "sum",
        "festival_held": "count_true",
        "festival_participants": "sum",
    },
)

CRITERIA_SETS = [MOVEMENT_V1]
