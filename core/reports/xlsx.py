"""A bounded first look at an uploaded .xlsx, before anything loads it whole.

An .xlsx is a zip of XML parts. A small upload may unpack to gigabytes, declare or hold hundreds
of thousands of rows, or carry malformed or hostile XML (entity expansion). :func:`scan` reads
the parts that matter as streams, with defusedxml, and stops at the first cap passed:

* the total unpacked size, as the zip declares it (the reader never inflates more than what is
  declared, so a lying header cannot get past it);
* the declared dimension of each sheet (``<dimension ref="A1:F490000">``), checked before its
  first row is read;
* rows, columns and cells actually present (a dimension may lie or be absent), and the shared
  strings.

What it finds on the way is what openpyxl's ``data_only`` reading hides: cells holding a
formula with no cached value (``=1+2`` written by a script; openpyxl then answers ``None``) and
cells holding an Excel error (``#DIV/0!``). Any unreadable part answers :class:`Unreadable`,
never a server error.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse
from flask_babel import gettext as _

#: Errors any step of reading a hostile or broken file may raise; each means "cannot be read".
READ_ERRORS = (ParseError, DefusedXmlException, KeyError, ValueError, TypeError, IndexError,
               AttributeError, zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
               NotImplementedError, RecursionError)

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_MAX_PARTS = 500  # a form has about a dozen; this bounds the listing of a crafted archive
_SMALL_PART = 5 * 1024 * 1024  # workbook.xml and its relationships are read whole


@dataclass(frozen=True)
class Limits:
    """Caps on an uploaded workbook (``THIDUA_EXCEL_MAX_*`` in the configuration)."""

    max_rows: int = 2_000
    max_columns: int = 30
    max_cells: int = 50_000
    max_errors: int = 50
    max_unpacked_bytes: int = 20 * 1024 * 1024

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        """The caps configured for the app, the defaults for those not set."""
        default = cls()
        return cls(
            max_rows=int(config.get("THIDUA_EXCEL_MAX_ROWS") or default.max_rows),
            max_columns=int(config.get("THIDUA_EXCEL_MAX_COLUMNS") or default.max_columns),
            max_cells=int(config.get("THIDUA_EXCEL_MAX_CELLS") or default.max_cells),
            max_errors=int(config.get("THIDUA_EXCEL_MAX_ERRORS") or default.max_errors),
            max_unpacked_bytes=int(config.get("THIDUA_EXCEL_MAX_UNPACKED_BYTES")
                                   or default.max_unpacked_bytes),
        )


class Unreadable(ValueError):
    """The file is not a workbook that may be read; ``message`` says why, in the user's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class SheetScan:
    """What the stream of one sheet showed: formulas without a cached value and Excel errors,
    by cell address (``"D5"``)."""

    name: str
    state: str = "visible"
    uncalculated: dict[str, str] = field(default_factory=dict)  # address → formula text
    excel_errors: dict[str, str] = field(default_factory=dict)  # address → "#DIV/0!"


def column_number(letters: str) -> int:
    """``"A"`` → 1, ``"AA"`` → 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _address(ref: str) -> tuple[int, int] | None:
    match = _CELL_REF.match(ref.strip().upper())
    if match is None:
        return None
    return int(match.group(2)), column_number(match.group(1))


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _too_big() -> Unreadable:
    return Unreadable(_("Tệp Excel này quá lớn khi giải nén; hãy dùng biểu mẫu tải từ hệ thống."))


def _over(limits: Limits, rows: int = 0, columns: int = 0, cells: int = 0) -> None:
    if rows > limits.max_rows:
        raise Unreadable(_("Tệp có quá nhiều dòng (hơn %(limit)s); biểu mẫu của đơn vị không cần "
                           "nhiều như vậy. Hãy dùng biểu mẫu tải từ hệ thống.", limit=limits.max_rows))
    if columns > limits.max_columns:
        raise Unreadable(_("Tệp có quá nhiều cột (hơn %(limit)s); hãy dùng biểu mẫu tải từ hệ thống.",
                           limit=limits.max_columns))
    if cells > limits.max_cells:
        raise Unreadable(_("Tệp có quá nhiều ô có dữ liệu (hơn %(limit)s); hãy dùng biểu mẫu tải từ "
                           "hệ thống.", limit=limits.max_cells))


def _events(stream: IO[bytes]) -> Iterator[tuple[str, Any]]:
    # defusedxml refuses entity declarations (billion laughs) and external references.
    yield from iterparse(stream, events=("start", "end"))


def _sheets(archive: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    """(name, state, part path) of each sheet, in the workbook's order."""
    def small(name: str) -> bytes:
        if archive.getinfo(name).file_size > _SMALL_PART:
            raise _too_big()
        return archive.read(name)

    workbook = fromstring(small("xl/workbook.xml"))
    relations = fromstring(small("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") or ""
               for rel in relations if _local(rel.tag) == "Relationship"}
    found = []
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        target = targets.get(element.get(_REL), "")
        absolute = target.startswith("/")
        path = target.lstrip("/") if absolute else posixpath.normpath(posixpath.join("xl", target))
        found.append((element.get("name") or "", element.get("state") or "visible", path))
    if not found:
        raise Unreadable(_("Tệp Excel không có trang tính nào."))
    return found


def _scan_sheet(stream: IO[bytes], sheet: SheetScan, limits: Limits, cells: int) -> int:
    """Walk one sheet's XML; returns the running count of cells."""
    rows = 0
    formula: str | None = None
    value: str | None = None
    kind = ""
    ref = ""
    parents: list[Any] = []
    for event, element in _events(stream):
        tag = _local(element.tag)
        if event == "start":
            parents.append(element)
            if tag == "dimension":
                last = (element.get("ref") or "").split(":")[-1]
                where = _address(last)
                if where is not None:
                    _over(limits, rows=where[0], columns=where[1])
            elif tag == "c":
                ref, kind, formula, value = element.get("r") or "", element.get("t") or "", None, None
            continue
        parents.pop()
        if tag == "f":
            formula = element.text or ""
        elif tag == "v":
            value = element.text
        elif tag == "c":
            cells += 1
            where = _address(ref)
            if where is not None:
                _over(limits, rows=where[0], columns=where[1])
            _over(limits, cells=cells)
            if formula is not None and value in (None, "") and where is not None:
                sheet.uncalculated[ref.replace("$", "").upper()] = f"={formula}"
            elif kind == "e" and where is not None:
                sheet.excel_errors[ref.replace("$", "").upper()] = value or "#N/A"
            element.clear()
        elif tag == "row":
            rows += 1
            number = element.get("r") or ""
            # ASCII digits only: int() refuses other characters str.isdigit() accepts ("²").
            _over(limits, rows=max(rows, int(number) if number.isascii() and number.isdigit() else 0))
            element.clear()
            # The parsed rows hang from <sheetData>; drop them so memory stays flat.
            if parents:
                parents[-1].clear()
    return cells


def _count_strings(stream: IO[bytes], limits: Limits) -> None:
    count = 0
    for event, element in _events(stream):
        if event == "end" and _local(element.tag) == "si":
            count += 1
            _over(limits, cells=count)
            element.clear()


def scan(data: bytes, limits: Limits) -> dict[str, SheetScan]:
    """Check ``data`` against ``limits`` and note formulas without a cached value and Excel
    errors, by sheet name. Reads at most ``limits.max_unpacked_bytes`` unpacked bytes and holds
    one row at a time.

    :raises Unreadable: not a zip, a part missing or malformed, XML with entities, or a cap
        passed (the message names the cap).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_PARTS or sum(info.file_size for info in infos) > limits.max_unpacked_bytes:
                raise _too_big()
            found: dict[str, SheetScan] = {}
            cells = 0
            for name, state, path in _sheets(archive):
                sheet = found[name] = SheetScan(name=name, state=state)
                with archive.open(path) as stream:
                    cells = _scan_sheet(stream, sheet, limits, cells)
            if "xl/sharedStrings.xml" in archive.namelist():
                with archive.open("xl/sharedStrings.xml") as stream:
                    _count_strings(stream, limits)
            return found
    except Unreadable:
        raise
    except READ_ERRORS:
        raise Unreadable(_("Không đọc được tệp Excel này (tệp hỏng hoặc không đúng định dạng .xlsx); "
                           "hãy dùng biểu mẫu tải từ hệ thống.")) from None
