"""Vietnamese text helpers: NFC normalisation, accent-free folding and slugs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    """Stored text is NFC so that equal names compare equal whatever keyboard typed them."""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """Lower-case, accent-free form for search ("Hoàn Kiếm" → "hoan kiem")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def slugify(text: str) -> str:
    return _NON_SLUG.sub("-", fold(text)).strip("-")


# A sentence already ends with one of these; anything else gets a full stop.
_TERMINAL = (".", "!", "?", "…")


def sentences(messages: Iterable[object]) -> str:
    """Messages as one line of sentences (a flash, an error line, a log): each with its whitespace
    folded and trailing separators (``;``, ``:``, ``,``) dropped, ended with a full stop unless it
    ends with its own, then joined by a space. A message without a word (empty, or punctuation
    only) adds nothing, so a join never writes "…: ." or ". ." or ".;".
    """
    said = []
    for message in messages:
        text = " ".join(str(message).split()).rstrip(" ;:,")
        if not any(ch.isalnum() for ch in text):
            continue
        said.append(text if text.endswith(_TERMINAL) else text + ".")
    return " ".join(said)


def labelled(errors: Mapping[object, Iterable[object]]) -> str:
    """Errors by field or by place ("Dòng 4") as one line: ``<label>: <sentences>`` for each label
    with something to say (:func:`sentences`), separated by a space."""
    parts = []
    for label, messages in errors.items():
        said = sentences(messages)
        if said:
            parts.append(f"{str(label).rstrip(' :')}: {said}")
    return " ".join(parts)
