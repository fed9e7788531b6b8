"""How a criterion reads in the interface's language.

Criteria sets are written in Vietnamese, the language of the documents they come from, with an
English label beside each field (``label_en``), and, where they have them, ``help_en``,
``unit_en`` and ``choices_en``. Stored values never change with the language: a choice is stored
as its Vietnamese text and only its label is translated.

Units are a small closed vocabulary (người, vụ, buổi…): the core translates the usual ones through
its own catalogue, so a plugin gives ``unit_en`` only for a unit not listed in :data:`UNITS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext


def N_(text: str) -> str:  # noqa: N802 — the usual name of a "translate later" marker
    """Marks ``text`` for the catalogue without translating it here."""
    return text


# The units the built-in criteria sets count in; marked so that the catalogue carries them
# (``gettext`` of a unit then finds its English).
UNITS = frozenset({
    N_("người"), N_("vụ"), N_("tổ"), N_("mô hình"), N_("buổi"), N_("khu dân cư"), N_("lần"),
    N_("đầu mối"), N_("hệ thống"), N_("cuộc"), N_("hộ"), N_("lượt người"), N_("chương trình"),
    N_("thôn, tổ dân phố"), N_("tin, bài"), N_("đơn vị"), N_("điểm"), N_("camera"), N_("tin"),
    N_("hoạt động"), N_("ý kiến"), N_("vụ việc"), N_("sáng kiến"), N_("lượt"), N_("tụ điểm"),
    N_("văn bản"), N_("ứng dụng"), N_("tấm gương"), N_("triệu đồng"), N_("trường hợp"),
})


def unit_text(unit: str | None, unit_en: str | None, english: bool) -> str | None:
    """The unit as shown: in English the set's ``unit_en``, else the catalogue's translation of a
    known unit, else the unit as written."""
    if not unit or not english:
        return unit
    return unit_en or gettext(unit)


def in_language(field: Mapping[str, Any], english: bool) -> dict[str, Any]:
    """A field description (:meth:`core.plugins.fields.FieldInfo.as_dict`) as the interface shows
    it: ``label``, ``help`` and ``unit`` in the interface's language, and ``choice_labels``
    mapping each stored choice to the label shown for it (the choice itself in Vietnamese)."""
    shown = dict(field)
    choices = [str(choice) for choice in field.get("choices") or []]
    if english:
        shown["label"] = field.get("label_en") or field.get("label")
        shown["help"] = field.get("help_en") or field.get("help")
        shown["unit"] = unit_text(field.get("unit"), field.get("unit_en"), english)
        translated = field.get("choices_en") or {}
        shown["choice_labels"] = {choice: translated.get(choice) or choice for choice in choices}
    else:
        shown["choice_labels"] = {choice: choice for choice in choices}
    return shown


def missing_english(field: Mapping[str, Any]) -> list[str]:
    """What a field lacks for the English interface to be complete: the names of the metadata to
    add (``label_en``, ``help_en``, ``unit_en``, ``choices_en``), empty when nothing is missing.
    ``thidua plugins docs --check`` and the built-in sets' tests read it."""
    missing = []
    if not field.get("label_en") or field.get("label_en") == field.get("label"):
        missing.append("label_en")
    if field.get("help") and not field.get("help_en"):
        missing.append("help_en")
    unit = field.get("unit")
    if unit and not field.get("unit_en") and unit not in UNITS:
        missing.append("unit_en")
    choices = [str(c) for c in field.get("choices") or []]
    if choices and set(choices) - set(field.get("choices_en") or {}):
        missing.append("choices_en")
    return missing
