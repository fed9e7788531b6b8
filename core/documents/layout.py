"""The administrative layout of Nghị định 30/2020/NĐ-CP (thể thức văn bản hành chính).

What a generated report, decision or list needs to be a document an official can sign: the
issuing body and the national motto, the number and symbol, the place and date line, the title,
the signature block and the recipients (Điều 8.2; Phụ lục I for the typography). The helpers here
build the texts whose format the decree fixes; `core/templates/documents/base.html` lays them
out and :mod:`core.documents.pdf` renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

#: Abbreviations of document types (NĐ 30/2020, Phụ lục III, Mục I) that the platform issues.
DOCUMENT_TYPES: dict[str, tuple[str, str]] = {
    # code: (abbreviation, name as printed)
    "report": ("BC", "BÁO CÁO"),
    "decision": ("QĐ", "QUYẾT ĐỊNH"),
    "plan": ("KH", "KẾ HOẠCH"),
    "submission": ("TTr", "TỜ TRÌNH"),
    "minutes": ("BB", "BIÊN BẢN"),
    "list": ("DS", "DANH SÁCH"),
}


def document_number(sequence: int | None, document_type: str, issuer_symbol: str) -> str:
    """The number and symbol line (ô 3): ``Số: 05/BC-CAHN``.

    Numbers below 10 take a leading zero; "/" separates the number from the symbol and "-" the
    symbol's groups, with no spaces (NĐ 30/2020, Phụ lục I, Mục II.3). With ``sequence`` None
    the number is left blank for the văn thư to fill after signing (Điều 15: a paper document is
    numbered once signed).

    Raises ``KeyError`` for a ``document_type`` not in :data:`DOCUMENT_TYPES`.
    """
    abbreviation = DOCUMENT_TYPES[document_type][0]
    number = f"{sequence:02d}" if sequence is not None else "\u2002" * 4
    symbol = f"{abbreviation}-{issuer_symbol}" if issuer_symbol else abbreviation
    return f"Số: {number}/{symbol}"


def date_words(day: date) -> str:
    """``ngày 05 tháng 01 năm 2026``: the day below 10 and the months 1 and 2 take a leading zero
    (NĐ 30/2020, Phụ lục I, Mục II.4), so a date cannot be altered by adding a digit."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_and_date(place: str, day: date) -> str:
    """The place and date line (ô 4): ``Hà Nội, ngày 05 tháng 01 năm 2026``."""
    return f"{place}, {date_words(day)}"


@dataclass(frozen=True)
class Signature:
    """The signature block (ô 7): ``authority`` is the prefix line when someone signs for the
    body or its head (``TM. ỦY BAN NHÂN DÂN``, ``KT. GIÁM ĐỐC``), ``title`` the signer's
    position (``CHỦ TỊCH``), ``name`` the signer's name, left blank for a draft."""

    title: str
    name: str = ""
    authority: str = ""


@dataclass(frozen=True)
class DocumentHeading:
    """Everything above and below a document's body that NĐ 30/2020 fixes.

    ``parent_body`` and ``issuer`` are the directly governing body and the issuing body (ô 2),
    printed in capitals; ``number`` the line from :func:`document_number`; ``place`` and ``day``
    the date line; ``document_type`` a key of :data:`DOCUMENT_TYPES`; ``summary`` the trích yếu;
    ``addressees`` the "Kính gửi" lines of a report sent upward (ô 9a); ``recipients`` the
    "Nơi nhận" lines (ô 9b), the archive line ("Lưu: VT, …") last.
    """

    issuer: str
    number: str
    place: str
    day: date
    document_type: str
    summary: str
    signature: Signature
    parent_body: str = ""
    addressees: tuple[str, ...] = ()
    recipients: tuple[str, ...] = field(default_factory=tuple)

    @property
    def type_name(self) -> str:
        return DOCUMENT_TYPES[self.document_type][1]

    @property
    def date_line(self) -> str:
        return place_and_date(self.place, self.day)

    def recipient_lines(self) -> list[str]:
        """Recipients as printed: each starts with "-" and ends with ";", the last with "."."""
        lines = [line.rstrip(";.") for line in self.recipients if line.strip()]
        return [f"- {line}{'.' if i == len(lines) - 1 else ';'}" for i, line in enumerate(lines)]
