"""Vietnamese text helpers: NFC normalisation, accent-free folding and slugs."""

from __future__ import annotations

import re
import unicodedata

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
