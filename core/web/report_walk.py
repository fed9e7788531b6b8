"""What makes a long report walkable: each section's completion and score for the index, each
criterion's points (earned and maximum), the page's errors as a list of links to their fields,
the next step for the reader, and the period's bands with why the report reached its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from core.periods.bands import band_label
from core.plugins.language import in_language
from core.plugins.points import field_points
from core.reports import history, scoring
from core.web.dashboards import num


def anchor(key: str, name: str | None = None) -> str:
    """The id of a section (``section-…``) or of one of its criteria (``field-…``), as the
    report template writes them."""
    if name is None:
        return "section-" + key.replace(".", "-")
    return "field-" + f"{key}-{name}".replace(".", "-")


def filled(value: Any) -> bool:
    """Whether a criterion holds a value (``False`` and ``0`` are values; empty text is not)."""
    return value is not None and value != ""


def localise(view: dict[str, Any], english: bool) -> None:
    """Each section and criterion as the interface's language shows them (in place): in English,
    a section's title is its ``title_en``, a criterion's label, help and unit their English, and
    every criterion gets ``choice_labels`` (see :func:`core.plugins.language.in_language`)."""
    for section in view["sections"]:
        if english:
            section["title"] = section["title_en"] or section["title"]
        section["fields"] = [in_language(field, english) for field in section["fields"]]


def add_points(view: dict[str, Any]) -> None:
    """Each criterion gets ``max_points`` (the most it can earn, None when unbounded or
    unscored), ``per_unit`` and ``earned`` (what its value earns under the default rule, None
    without a value), in place."""
    for section in view["sections"]:
        for field in section["fields"]:
            points, per_unit = field.get("points"), field.get("points_per_unit")
            if isinstance(points, Mapping):
                field["max_points"] = max((float(v) for v in points.values()), default=None)
            elif points is not None:
                field["max_points"] = float(points)
            else:
                field["max_points"] = None
            field["per_unit"] = per_unit
            value = section["values"].get(field["name"])
            scored = points is not None or per_unit is not None
            field["earned"] = (field_points({"points": points, "points_per_unit": per_unit}, value)
                               if scored and filled(value) else None)


def progress(view: dict[str, Any], missing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per section for the index: its anchor, how many criteria hold a value out of
    how many, how many things it still lacks before the report can be sent, and its score."""
    lacking: dict[str, int] = {}
    for item in missing:
        lacking[item["section"]] = lacking.get(item["section"], 0) + 1
    found = []
    for section in view["sections"]:
        fields = section["fields"]
        done = sum(1 for f in fields if filled(section["values"].get(f["name"])))
        found.append({
            "key": section["key"], "anchor": anchor(section["key"]),
            "title": section["title"], "title_en": section["title_en"],
            "done": done, "total": len(fields), "missing": lacking.get(section["key"], 0),
            "complete": section["available"] and not lacking.get(section["key"]) and done > 0,
            "score": section["self_score"] if section["review_score"] is None else section["review_score"],
        })
    return found


FORM_ANCHORS = {
    "confirm": "input-confirm",
    "explanation.body": "input-explanation",
    "body": "input-comment-body",
    "criterion": "input-comment-criterion",
    "return.reason": "input-return-reason",
    "return.extension_until": "input-return-extension",
    "approve.reason": "input-approve-note",
    "reopen.reason": "input-reopen-reason",
    "extension.reason": "input-extension-reason",
    "extension.until": "input-extension-until",
}


def error_summary(errors: Mapping[str, list[str]], view: dict[str, Any]) -> list[dict[str, str]]:
    """The page's errors as ``{"href", "label", "message"}``, in page order, each linking to
    its field: a criterion (``sections.<set>.<field>``), a section, or a form further down."""
    labels, order = {}, {}
    for position, section in enumerate(view["sections"]):
        title = section["title"]
        labels[f"sections.{section['key']}"] = (title, anchor(section["key"]))
        order[f"sections.{section['key']}"] = (position, -1)
        for index, field in enumerate(section["fields"]):
            name = f"sections.{section['key']}.{field['name']}"
            labels[name] = (f"{title} — {field['label']}", anchor(section["key"], field["name"]))
            order[name] = (position, index)
    found = []
    for key, messages in errors.items():
        if key in labels:
            label, target = labels[key]
        elif key.startswith("scores.") and key.endswith(".score"):
            label, target = "", "score-" + key[len("scores."):-len(".score")].replace(".", "-")
        else:
            label, target = "", FORM_ANCHORS.get(key, "")
        for message in messages:
            found.append({"href": "#" + target if target else "", "label": label, "message": str(message),
                          "order": order.get(key, (len(labels), 0))})
    found.sort(key=lambda e: e["order"])
    return found


def explain_band(view: dict[str, Any], bands: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The period's bands for this report: which it reached and, for each higher one, why not
    (the points short, the standards not passed or not decided yet, by name). None before the
    report has a score."""
    total = view["review_score"] if view["review_score"] is not None else view["self_score"]
    scale = scoring.scale_of(
        (section["review_score"] if section["review_score"] is not None else section["self_score"],
         section.get("maximum"), section["weight"]) for section in view["sections"])
    standing = scoring.band_standing(total, view["outcomes"], bands, scale)
    standards = history.outcome_labels()
    reached_at = next((i for i, b in enumerate(standing) if b["reached"]), len(standing))
    rows = []
    for index, band in enumerate(standing):
        reasons = []
        if index < reached_at and total is not None:
            if band["short_by"]:
                reasons.append(_("thiếu %(n)s điểm", n=num(band["short_by"])))
            reasons += [_("chưa đạt tiêu chuẩn «%(name)s»", name=standards.get(r, r)) for r in band["failed"]]
            reasons += [_("tiêu chuẩn «%(name)s» chưa xác định", name=standards.get(r, r))
                        for r in band["undecided"]]
        rows.append({**band, "label": band_label(band["name"]), "reasons": reasons,
                     "standards": [standards.get(r, r) for r in band["requires"]],
                     "above": index < reached_at})
    return {"total": total, "rows": rows, "reached": view["classification"]}


def next_step(view: dict[str, Any], roles_here: set[str], missing_count: int) -> dict[str, str]:
    """What the reader does next with this report: ``{"text", "href"}`` (href may be empty)."""
    status, can = view["status"], view["can"]
    if status in ("draft", "returned"):
        if view.get("explanation_required"):
            if "head" in roles_here:
                return {"text": _("Gửi giải trình cho cấp trên."), "href": "#explanation"}
            return {"text": _("Chờ thủ trưởng đơn vị gửi giải trình."), "href": ""}
        if not view["deadline"]["open"]:
            return {"text": _("Đã hết hạn nộp; thủ trưởng đơn vị cần xin gia hạn."), "href": "#extensions"}
        if view["version"] == 0 and can["fill"]:
            return {"text": _("Bắt đầu nhập số liệu của báo cáo."), "href": "#report-form"}
        # Filling is asked only of who may fill: a viewer of the unit is told where it stands.
        if missing_count and (can["fill"] or can["submit"]):
            return {"text": _("Nhập nốt các mục còn thiếu."), "href": "#missing"}
        if can["submit"]:
            return {"text": _("Báo cáo đã đủ: ký gửi lên cấp trên."), "href": "#submit"}
        if can["fill"]:
            return {"text": _("Báo cáo đã đủ; thủ trưởng đơn vị ký gửi lên cấp trên."),
                    "href": "#who-submits"}
        if view["version"] == 0:
            return {"text": _("Đơn vị chưa bắt đầu nhập báo cáo."), "href": ""}
        return {"text": _("Đơn vị đang nhập báo cáo."), "href": ""}
    if status == "submitted":
        if can["review"]:
            return {"text": _("Thẩm định: duyệt hoặc trả lại báo cáo."), "href": "#review"}
        return {"text": _("Đã gửi; chờ cấp trên thẩm định."), "href": ""}
    return {"text": _("Báo cáo đã được duyệt."), "href": ""}
