"""The criteria sets of the residential models: "Camera an ninh", Tổ tự phòng, tự quản and Tổ
liên gia về an ninh, trật tự, and khu dân cư "An toàn về an ninh, trật tự" (TT 124/2021/TT-BCA)."""

from __future__ import annotations

from marshmallow import Schema

from core.plugins import CriteriaSet, count_field, yes_no_field

from . import rules

KINDS = frozenset({"ward", "commune"})


class CameraSchema(Schema):
    has_regulation = yes_no_field(
        "Có quy chế quản lý, khai thác, sử dụng mô hình “Camera an ninh”",
        "A regulation on managing and using the security cameras is in force",
        points=10, evidence_required=True,
    )
    cameras_installed = count_field(
        "Số camera an ninh đã lắp đặt", "Security cameras installed", "camera", maximum=100_000,
        points=20, help="Camera do hộ gia đình, cơ sở kinh doanh và chính quyền lắp đặt, tính đến cuối kỳ.",
        help_en="Cameras installed by households, businesses and the authorities, as at the end of the "
                "period.",
    )
    cameras_connected = count_field(
        "Số camera kết nối, chia sẻ hình ảnh với Công an xã, phường",
        "Cameras connected to the commune or ward police", "camera", maximum=100_000,
        help="Tối đa 40 điểm, theo tỷ lệ camera đã kết nối trên số camera đã lắp đặt.",
        help_en="At most 40 points, in proportion to the cameras connected out of the cameras installed.",
    )
    locations = count_field(
        "Số điểm lắp đặt camera", "Camera locations", "điểm", maximum=50_000,
        help="Mỗi điểm có thể có nhiều camera.",
        help_en="One location may have several cameras.",
    )
    cases_supported = count_field(
        "Số vụ việc được phát hiện, giải quyết nhờ dữ liệu camera",
        "Cases detected or solved with camera footage", "vụ", maximum=10_000,
        points=30, points_per_unit=5, evidence_required=True,
        help="Mỗi vụ việc 5 điểm, tối đa 30 điểm.",
        help_en="5 points per case, at most 30 points.",
    )


class TeamsSchema(Schema):
    households_total = count_field(
        "Tổng số hộ gia đình đang cư trú trên địa bàn", "Households living in the area", "hộ",
        maximum=500_000,
    )
    self_managed_teams = count_field(
        "Số Tổ tự phòng, tự quản về an ninh, trật tự", "Self-defence and self-management teams", "tổ",
        maximum=10_000, points=15,
    )
    self_managed_households = count_field(
        "Số hộ tham gia Tổ tự phòng, tự quản", "Households in self-management teams", "hộ", maximum=500_000,
        help="Tối đa 25 điểm, theo tỷ lệ hộ tham gia trên tổng số hộ.",
        help_en="At most 25 points, in proportion to the households taking part out of all households.",
    )
    liaison_teams = count_field(
        "Số Tổ liên gia về an ninh, trật tự", "Neighbourhood security teams (tổ liên gia)", "tổ",
        maximum=50_000, points=15,
    )
    liaison_households = count_field(
        "Số hộ tham gia Tổ liên gia về an ninh, trật tự", "Households in neighbourhood security teams", "hộ",
        maximum=500_000, help="Tối đa 25 điểm, theo tỷ lệ hộ tham gia trên tổng số hộ.",
        help_en="At most 25 points, in proportion to the households taking part out of all households.",
    )
    effective_teams = count_field(
        "Số tổ được đánh giá hoạt động hiệu quả", "Teams rated effective", "tổ", maximum=60_000,
        evidence_required=True,
        help="Tính chung Tổ tự phòng, tự quản và Tổ liên gia; tối đa 20 điểm, theo tỷ lệ tổ hoạt động "
             "hiệu quả.",
        help_en="Self-management teams and neighbourhood security teams counted together; at most 20 points, "
                "in proportion to the teams working effectively.",
    )


class AreasSchema(Schema):
    areas_total = count_field(
        "Tổng số khu dân cư (thôn, tổ dân phố)", "Residential areas (villages, neighbourhoods)", "khu dân cư",
        minimum=1, maximum=2_000,
    )
    areas_registered = count_field(
        "Số khu dân cư đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” trong Quý I",
        "Areas registered in the first quarter to become “safe in security and order”", "khu dân cư",
        maximum=2_000,
        help="Tối đa 20 điểm, theo tỷ lệ khu dân cư đăng ký trên tổng số khu dân cư.",
        help_en="At most 20 points, in proportion to the residential areas registered out of all residential "
                "areas.",
    )
    areas_all_households = count_field(
        "Số khu dân cư có 100% hộ gia đình đăng ký tham gia",
        "Areas where every household registered to take part", "khu dân cư", maximum=2_000,
        help="Tối đa 20 điểm, theo tỷ lệ trên tổng số khu dân cư.",
        help_en="At most 20 points, by their share of all the residential areas.",
    )
    areas_recognised = count_field(
        "Số khu dân cư được công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "Areas recognised “safe in security and order”", "khu dân cư", maximum=2_000,
        evidence_required=True,
        help="Theo quyết định công nhận của Chủ tịch Ủy ban nhân dân cấp xã (Điều 4 Thông tư "
             "124/2021/TT-BCA); tối đa 60 điểm, theo tỷ lệ trên tổng số khu dân cư.",
        help_en="By the recognition decision of the Chairman of the commune-level People's Committee (Điều 4 "
                "Thông tư 124/2021/TT-BCA); at most 60 points, by their share of all the residential areas.",
    )


SECURITY_CAMERA_V1 = CriteriaSet(
    key="residential.security_camera",
    version=1,
    title="Mô hình “Camera an ninh”",
    title_en="“Security camera” model",
    applies_to=KINDS,
    schema=CameraSchema,
    validate=rules.validate_cameras,
    score=rules.score_cameras,
    aggregates={
        "has_regulation": "count_true",
        "cameras_installed": "sum",
        "cameras_connected": "sum",
        "locations": "sum",
        "cases_supported": "sum",
    },
)

SELF_MANAGEMENT_V1 = CriteriaSet(
    key="residential.self_management",
    version=1,
    title="Tổ tự phòng, tự quản và Tổ liên gia về an ninh, trật tự",
    title_en="Self-management teams and neighbourhood security teams",
    applies_to=KINDS,
    schema=TeamsSchema,
    validate=rules.validate_teams,
    score=rules.score_teams,
    aggregates={
        "households_total": "sum",
        "self_managed_teams": "sum",
        "self_managed_households": "sum",
        "liaison_teams": "sum",
        "liaison_households": "sum",
        "effective_teams": "sum",
    },
)

ATANTT_AREAS_V1 = CriteriaSet(
    key="residential.atantt_areas",
    version=1,
    title="Khu dân cư “An toàn về an ninh, trật tự”",
    title_en="Residential areas “safe in security and order”",
    applies_to=KINDS,
    schema=AreasSchema,
    validate=rules.validate_areas,
    score=rules.score_areas,
    outcomes=rules.areas_outcomes,
    outcome_labels={"areas_atantt_70": ("Ít nhất 70% khu dân cư đạt “An toàn về ANTT”",
                                        "At least 70% of residential areas “safe for security and order”")},
    aggregates={
        "areas_total": "sum",
        "areas_registered": "sum",
        "areas_all_households": "sum",
        "areas_recognised": "sum",
    },
)

CRITERIA_SETS = [SECURITY_CAMERA_V1, SELF_MANAGEMENT_V1, ATANTT_AREAS_V1]
