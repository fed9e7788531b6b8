"""Vietnamese collation: a sort key that orders names the way a Vietnamese dictionary does.

The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (with f j w z for
foreign words): ``ă``, ``â``, ``đ``, ``ê``, ``ô``, ``ơ`` and ``ư`` are letters of their own, not
accented variants. Tones are a second-level difference, in the order of CLDR's Vietnamese
tailoring (the one ICU's ``vi`` collation uses): none, huyền (à), hỏi (ả), ngã (ã), sắc (á),
nặng (ạ). Case is the third level, lower case first. So "Ba Đình" < "Bạch Mai" < "Bắc Từ Liêm"
(a < ă), and "Đông Anh" comes after every name in D.

:func:`sort_key` turns a name into a plain ASCII string whose byte order is that order, so the
key can be stored beside the name (``tenant.name_key``) and sorted by the database, the same way
on SQLite and PostgreSQL (the column uses the "C" collation there). PostgreSQL's ICU collation
``vi-VN-x-icu`` gives the same order for names; a test checks the two agree wherever ICU is
available, but the product sorts by the key so that every database, index and export agrees.
"""

from __future__ import annotations

import unicodedata

# Primary elements in order: separators and punctuation (in ICU's root order), digits, then
# the Vietnamese alphabet. Each element becomes one character of the key, from "#" upwards.
_PUNCTUATION = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_DIGITS = "0123456789"
_LETTERS = ("a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
            "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z")
_ELEMENTS: tuple[str, ...] = (*_PUNCTUATION, *_DIGITS, *_LETTERS)
_FIRST_CODE = 0x23  # '#'; '!' separates the levels and sorts below every element
_PRIMARY = {element: chr(_FIRST_CODE + index) for index, element in enumerate(_ELEMENTS)}
_LEVEL_SEPARATOR = "!"
# Characters outside the table sort after the alphabet, by code point: '~' + six hex digits.
_OTHER = "~"

# Combining marks that make a letter of its own (NFD): breve, circumflex, horn.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư",
}
# Tone marks (NFD) and their rank: huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}


def _elements(text: str) -> list[tuple[str, str, str]]:
    """(primary element, tone rank, case rank) for each letter, digit or sign of ``text``."""
    found: list[tuple[str, str, str]] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if not found:
                continue
            base, tone, case = found[-1]
            if char in _TONES:
                found[-1] = (base, _TONES[char], case)
            elif (base, char) in _LETTER_MARKS:
                found[-1] = (_LETTER_MARKS[(base, char)], tone, case)
            continue
        lower = char.lower()
        if lower == "\u0111":  # đ has no decomposition
            lower = "đ"
        if lower.isspace():
            lower = " "
        case = "1" if char.isupper() else "0"
        found.append((lower, "0", case))
    return found


def sort_key(text: str | None) -> str:
    """The key ordering ``text`` in Vietnamese collation, as an ASCII string compared byte by
    byte: primary letters, then tones, then case (see the module docstring).

    ``sort_key("Ba Đình") < sort_key("Bắc Từ Liêm") < sort_key("Đông Anh")``. Leading and
    trailing spaces are ignored; ``None`` and ``""`` give ``""``, which sorts first.
    """
    elements = _elements((text or "").strip())
    primary = []
    for base, _tone, _case in elements:
        code = _PRIMARY.get(base)
        primary.append(code if code is not None else f"{_OTHER}{ord(base):06x}")
    tones = "".join(tone for _base, tone, _case in elements)
    cases = "".join(case for _base, _tone, case in elements)
    return _LEVEL_SEPARATOR.join(("".join(primary), tones, cases))
