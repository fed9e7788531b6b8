"""Criteria group a) of the plan: the Fatherland Front and the socio-political organisations."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.plugins import CriteriaSet

from . import rules

COUNT_MAX = 100_000
MEMBERS_MAX = 10_000_000


def _count(label: str, label_en: str, unit: str, *, maximum: int = COUNT_MAX, required: bool = True,
           **meta: object) -> fields.Integer:
    return fields.Integer(
        required=required, validate=validate.Range(min=0, max=maximum),
        metadata={"label": label, "label_en": label_en, "unit": unit, **meta},
    )


class MovementSchema(Schema):
    """One criterion per field; points are the share of the 100-point scale (see rules)."""

    coordination_regulation = fields.Boolean(
        required=True,
        metadata={
            "label": "Có quy chế, chương trình phối hợp với lực lượng Công an về xây dựng phong trào",
            "label_en": "A coordination regulation or programme with the police is in force",
            "points": 10, "evidence_required": True,
        },
    )
    programmes_signed = _count(
        "Số chương trình, kế hoạch phối hợp với Công an trong năm", "Coordination programmes with the police",
        "chương trình",
    )
    programmes_done = _count(
        "Số chương trình, kế hoạch phối hợp đã triển khai có kết quả", "Coordination programmes carried out",
        "chương trình", points=10,
        points_rule="10 × programmes_done / programmes_signed (0 when none signed)",
        help="Điểm theo tỷ lệ chương trình đã triển khai trên tổng số chương trình phối hợp.",
    )
    info_exchanges = _count(
        "Số cuộc trao đổi, giao ban, cung cấp thông tin với Công an về an ninh, trật tự",
        "Meetings and information exchanges with the police", "cuộc", points=5, points_per_unit=1.25,
        help="Mỗi cuộc 1,25 điểm, tối đa 5 điểm (giao ban hằng quý là đủ điểm).",
    )
    propaganda_sessions = _count(
        "Số buổi tuyên truyền, phổ biến về phong trào cho thành viên, hội viên, đoàn viên",
        "Propaganda sessions for members", "buổi", points=10, points_per_unit=2.5,
        help="Mỗi buổi 2,5 điểm, tối đa 10 điểm.",
    )
    members_total = _count(
        "Tổng số thành viên, hội viên, đoàn viên của tổ chức", "Members of the organisation", "người",
        maximum=MEMBERS_MAX,
    )
    members_reached = _count(
        "Số thành viên, hội viên, đoàn viên được tuyên truyền, vận động tham gia phong trào",
        "Members reached by propaganda", "người", maximum=MEMBERS_MAX, points=20,
        points_rule="20 × members_reached / members_total",
        help="Điểm theo tỷ lệ thành viên, hội viên, đoàn viên được tuyên truyền trên tổng số.",
    )
    grassroots_support = _count(
        "Số hoạt động hướng dẫn, hỗ trợ lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
        "Activities guiding and supporting the grassroots security forces", "hoạt động",
        points=10, points_per_unit=2.5, help="Mỗi hoạt động 2,5 điểm, tối đa 10 điểm.",
    )
    supervisions = _count(
        "Số cuộc giám sát việc thực hiện phong trào và chính sách, pháp luật về an ninh, trật tự",
        "Supervision visits on the movement and on security law", "cuộc", points=10, points_per_unit=5,
        help="Mỗi cuộc 5 điểm, tối đa 10 điểm.",
    )
    social_criticisms = _count(
        "Số ý kiến phản biện xã hội, góp ý xây dựng pháp luật, cơ chế, chính sách về phong trào",
        "Social criticism and contributions to laws and policies", "ý kiến", points=5, points_per_unit=2.5,
        help="Mỗi ý kiến 2,5 điểm, tối đa 5 điểm.",
    )
    issues_raised = _count(
        "Số vụ việc phức tạp về an ninh, trật tự được phát hiện, kiến nghị chính quyền xử lý",
        "Security issues detected and raised with the authorities", "vụ việc",
        help="Do Ban công tác Mặt trận, tổ hòa giải ở khu dân cư phát hiện sớm và kiến nghị.",
    )
    dan_van_kheo_models = _count(
        "Số mô hình “Dân vận khéo” lĩnh vực an ninh, trật tự được xây dựng, nhân rộng",
        "“Dân vận khéo” models on security and order", "mô hình",
    )
    dan_van_kheo_recognised = _count(
        "Số mô hình “Dân vận khéo” lĩnh vực an ninh, trật tự được cấp có thẩm quyền công nhận",
        "“Dân vận khéo” models recognised", "mô hình", points=10, points_per_unit=5,
        evidence_required=True, help="Mỗi mô hình được công nhận 5 điểm, tối đa 10 điểm.",
    )
    festival_held = fields.Boolean(
        required=True,
        metadata={
            "label": "Phối hợp tổ chức “Ngày hội toàn dân bảo vệ an ninh Tổ quốc” (19/8)",
            "label_en": "Co-organised the “All people protect national security” festival (19 August)",
            "points": 10, "evidence_required": True,
        },
    )
    festival_participants = _count(
        "Số người tham gia Ngày hội", "Festival participants", "người", maximum=MEMBERS_MAX, required=False,
    )
    notes = fields.String(
        validate=validate.Length(max=4000),
        metadata={"label": "Kết quả nổi bật, đề xuất, kiến nghị", "label_en": "Highlights and proposals",
                  "multiline": True},
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
