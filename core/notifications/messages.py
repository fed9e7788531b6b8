"""Notices kept as message codes with their values, so each reader reads a notice in the language
of the page (a notice stored as finished text would stay in the sender's language).

A module that sends notices registers its texts once (``register``) as lazy strings with named
placeholders; a notice then carries ``{"title": [code, values], "body": [[code, values], …]}``.
The code ``"text"`` is a line written by a person (a reason), shown as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import force_locale

TEXT = "text"
_TEXTS: dict[str, Any] = {}


def register(texts: Mapping[str, Any]) -> None:
    """Add ``code → lazy string`` pairs; the strings use ``%(name)s`` placeholders."""
    _TEXTS.update(texts)


def line(code: str, **values: Any) -> list[Any]:
    """One part of a message: a registered text's code and the values of its placeholders."""
    return [code, {k: str(v) for k, v in values.items()}]


def text(value: str) -> list[Any]:
    """A part written by a person (a reason, an explanation), never translated."""
    return [TEXT, {"text": value}]


def render_line(part: Any) -> str:
    """One part in the current language; an unknown code (a text no module registers any more)
    shows as an empty string rather than failing the page."""
    try:
        code, values = part
    except (TypeError, ValueError):
        return ""
    if code == TEXT:
        return str(values.get("text", ""))
    template = _TEXTS.get(code)
    if template is None:
        return ""
    try:
        return str(template) % dict(values or {})
    except (KeyError, TypeError, ValueError):
        return str(template)


def render(message: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """(title, body) of a message in the current language; ``None`` without one."""
    if not message or "title" not in message:
        return None
    body = "\n".join(t for t in (render_line(p) for p in message.get("body") or []) if t)
    return render_line(message["title"]), body


def render_in(locale: str, message: Mapping[str, Any]) -> tuple[str, str]:
    """(title, body) in ``locale``: what is stored as the notice's text and mailed."""
    with force_locale(locale):
        rendered = render(message)
    return rendered or ("", "")
