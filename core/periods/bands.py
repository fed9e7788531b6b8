"""The names of a period's classification bands, as readers read them.

A period carries its own bands (see :data:`core.periods.models.DEFAULT_BANDS`); the default
names are translated, a name an admin wrote shows as written."""

from __future__ import annotations

from flask_babel import pgettext


def _names() -> dict[str, str]:
    # A context of their own: "Trung bình" is also the mean of an aggregate.
    return {
        "Xuất sắc": pgettext("band", "Xuất sắc"),
        "Tốt": pgettext("band", "Tốt"),
        "Khá": pgettext("band", "Khá"),
        "Trung bình": pgettext("band", "Trung bình"),
        "Yếu": pgettext("band", "Yếu"),
        "Kém": pgettext("band", "Kém"),
    }


def band_label(name: str | None) -> str:
    """A band's name in the page's language; ``""`` for none."""
    if not name:
        return ""
    return _names().get(name, name)
