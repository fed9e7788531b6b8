"""Reading an uploaded workbook at the edge: the running app's caps, opening a bounded file, and
the errors of one upload gathered by place.

Every upload of a workbook (a unit's report form, a table of criteria, a list of nominees) goes
through :func:`open_upload`: its content must be an .xlsx whatever its name says, it is scanned
as a stream against the caps (:mod:`core.reports.xlsx`) before openpyxl loads it, and whatever
cannot be read answers 422 on ``file``, never a server error.
"""

from __future__ import annotations

import io

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import ngettext
from openpyxl import Workbook, load_workbook

from core.errors import Invalid
from core.reports import evidence, xlsx
from core.text import labelled, sentences


def limits() -> xlsx.Limits:
    """The caps of the running app (the defaults outside one)."""
    return xlsx.Limits.from_config(current_app.config) if has_app_context() else xlsx.Limits()


# A workbook upload takes an .xlsx only; a refusal speaks of the workbook, not of evidence.
WORKBOOK = evidence.Accepts(
    (evidence.XLSX,),
    lambda: _("Tệp này là chương trình hoặc mã lệnh chạy được, không phải bảng tính Excel; hệ thống không "
              "nhận tệp này dù tên tệp là gì. "),
    lambda: _("Tệp tải lên phải là bảng tính Excel (.xlsx)."))


def open_upload(data: bytes, caps: xlsx.Limits, *,
                read_only: bool = False) -> tuple[Workbook, dict[str, xlsx.SheetScan]]:
    """``data`` as a workbook (cached values, not formulas) with what the bounded scan found in
    each sheet, by title.

    :raises Invalid: on ``file``: not an .xlsx by content, past a cap, or unreadable.
    """
    evidence.sniff(data, WORKBOOK)
    try:
        # Bounded first: only a file within the caps is ever loaded whole.
        scanned = xlsx.scan(data, caps)
        return load_workbook(io.BytesIO(data), data_only=True, read_only=read_only), scanned
    except xlsx.Unreadable as error:
        raise Invalid({"file": [error.message]}) from None
    except xlsx.READ_ERRORS:
        raise unreadable() from None


def unreadable() -> Invalid:
    """The answer to a workbook that cannot be read (damaged, or not really an .xlsx)."""
    return Invalid({"file": [_("Không đọc được tệp Excel này (tệp hỏng hoặc không đúng định dạng "
                               ".xlsx); hãy dùng biểu mẫu tải từ hệ thống.")]})


class PlaceErrors:
    """The errors of one upload, by place (a cell, a row and column, a sheet); at most ``limit``
    places are kept and the rest counted, so that a file full of mistakes answers a short list."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: dict[str, list[str]] = {}
        self.dropped = 0

    def add(self, place: str, *messages: str) -> None:
        if place in self.kept:
            self.kept[place].extend(messages)
        elif len(self.kept) < self.limit:
            self.kept[place] = list(messages)
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.kept or self.dropped)

    def lines(self) -> list[str]:
        """Each place kept with its messages as one line (``Dòng 4: …``, :func:`core.text.labelled`),
        then how many more were left out."""
        return [labelled({place: messages}) for place, messages in self.kept.items()] + (
            [sentences([self._more()])] if self.dropped else [])

    def _more(self) -> str:
        return ngettext("và %(num)d lỗi khác (hãy sửa các lỗi trên rồi tải lên lại để xem tiếp).",
                        "và %(num)d lỗi khác (hãy sửa các lỗi trên rồi tải lên lại để xem tiếp).",
                        self.dropped)

    def invalid(self) -> Invalid:
        """Every place kept with its messages, and on ``file`` how many more were left out."""
        errors = dict(self.kept)
        if self.dropped:
            errors.setdefault("file", []).append(self._more())
        return Invalid(errors)
