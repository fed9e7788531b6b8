"""The movement"s award types as shipped (plan, section IV; Luật Thi đua, khen thưởng 06/2022/QH15,
Art. 9 forms, Art. 25–26 Cờ thi đua, Art. 44 Huân chương Lao động, Art. 73–75 Bằng khen and Giấy
khen). Migration 0017_awards seeds them; :func:`core.awards.operations.install_defaults` adds any
missing one to an existing database. Every field is data an administrator may change in the table.

``requires`` are eligibility hints (see :mod:`core.awards.eligibility`): the top classification
band of the round and "An toàn về ANTT" for the City Chairman"s Bằng khen (a collective classified
at the top level in the round"s year); leading its cluster for the Cờ thi đua (Art. 25.1, 26).
The five-year awards are given at the sơ kết or tổng kết of a movement of five years or more
(Art. 25.3, 44.2; Art. 73.1.b asks five consecutive years of results of a person for the Prime
Minister"s Bằng khen), so their ``years`` is 5: the top band in each of the five years the
summary covers, read from each year"s annual period.
No percentage quota was confirmed in a source (research notes on quotas), so ``quota`` is empty.
"""

from __future__ import annotations

import uuid
from typing import Any

_LOCAL = ["ward", "commune", "department", "agency", "front_org"]
_BELOW_DEPARTMENT = ["department", "agency", "school", "enterprise"]
_BELOW_COMMUNE = ["ward", "commune", "school", "enterprise", "residential_area"]
_BOTH = ["collective", "individual"]

# key, name, name_en, form, authority, authority_en, level, round, subjects, proposers, requires
AWARD_TYPES = (
    ("giay-khen-cong-an-tp", "Giấy khen của Giám đốc Công an Thành phố",
     "Certificate of Merit of the Director of the City Police", "giay_khen",
     "Giám đốc Công an Thành phố Hà Nội", "Director of the Hanoi City Police", "unit", "annual",
     _BOTH, _LOCAL, {"standards": ["atantt"]}),
    ("giay-khen-so-nganh", "Giấy khen của Giám đốc Sở, ngành",
     "Certificate of Merit of a Department Director",
     "giay_khen", "Giám đốc Sở, ngành", "Director of the department", "unit", "annual",
     _BOTH, _BELOW_DEPARTMENT, {}),
    ("giay-khen-xa-phuong", "Giấy khen của Chủ tịch Ủy ban nhân dân xã, phường",
     "Certificate of Merit of the Chairman of the Commune or Ward People's Committee", "giay_khen",
     "Chủ tịch Ủy ban nhân dân xã, phường", "Chairman of the Commune or Ward People's Committee", "unit",
     "annual", _BOTH, _BELOW_COMMUNE, {}),
    ("bang-khen-chu-tich-tp", "Bằng khen của Chủ tịch Ủy ban nhân dân Thành phố",
     "Certificate of Merit of the Chairman of the City People's Committee", "bang_khen",
     "Chủ tịch Ủy ban nhân dân Thành phố Hà Nội", "Chairman of the Hanoi People's Committee", "city",
     "annual", _BOTH, _LOCAL, {"top_band": True, "standards": ["atantt"]}),
    ("co-thi-dua-tp", "Cờ thi đua của Ủy ban nhân dân Thành phố",
     "Emulation Flag of the City People's Committee",
     "co_thi_dua", "Chủ tịch Ủy ban nhân dân Thành phố Hà Nội", "Chairman of the Hanoi People's Committee",
     "city", "five_year", ["collective"], _LOCAL, {"top_band": True, "years": 5, "cluster_rank": 1}),
    ("co-thi-dua-chinh-phu", "Cờ thi đua của Chính phủ", "Emulation Flag of the Government", "co_thi_dua",
     "Thủ tướng Chính phủ", "Prime Minister", "government", "five_year", ["collective"], _LOCAL,
     {"top_band": True, "years": 5, "cluster_rank": 1}),
    ("bang-khen-thu-tuong", "Bằng khen của Thủ tướng Chính phủ", "Certificate of Merit of the Prime Minister",
     "bang_khen", "Thủ tướng Chính phủ", "Prime Minister", "government", "five_year", _BOTH, _LOCAL,
     {"top_band": True, "years": 5}),
    ("huan-chuong-lao-dong-hang-ba", "Huân chương Lao động hạng Ba", "Labour Order, Third Class",
     "huan_chuong", "Chủ tịch nước", "President of Viet Nam", "state", "five_year", _BOTH, _LOCAL,
     {"top_band": True, "years": 5}),
)


# (Kept apart from DEFAULT_AWARD_TYPES, which migration 0017 seeds as its table stood then;
# 0019 sets them there, :func:`core.awards.operations.install_defaults` on any type it adds.)
# The Giấy khen granted by the head of a unit (Art. 75: heads of agencies and units, and the
# chairman of a commune-level People's Committee): the unit is the proposer's nearest one of these
# kinds, so the decision and the certificate name it ("Chủ tịch Ủy ban nhân dân phường A") instead
# of the award's generic ``authority``.
ISSUER_KINDS: dict[str, list[str]] = {
    "giay-khen-so-nganh": ["department", "agency"],
    "giay-khen-xa-phuong": ["ward", "commune"],
}

# How the head of a unit of each kind is styled before the unit's name; other kinds: Thủ trưởng.
HEAD_TITLES: dict[str, str] = {
    "ward": "Chủ tịch Ủy ban nhân dân", "commune": "Chủ tịch Ủy ban nhân dân", "department": "Giám đốc",
}


def award_type_id(key: str) -> uuid.UUID:
    """The stable id of a shipped award type: the same on every installation."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"thidua:award-type:{key}")


DEFAULT_AWARD_TYPES: tuple[dict[str, Any], ...] = tuple(
    {"key": key, "name": name, "name_en": name_en, "form": form, "authority": authority,
     "authority_en": authority_en, "level": level, "round_kind": round_kind, "subjects": list(subjects),
     "proposer_kinds": list(proposers), "requires": dict(requires), "quota": {}, "position": position,
     "active": True}
    for position, (key, name, name_en, form, authority, authority_en, level, round_kind, subjects, proposers,
                   requires) in enumerate(AWARD_TYPES, start=1)
)
