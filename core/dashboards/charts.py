"""Charts drawn on the server as inline SVG: no front-end build, no script, no CDN.

Horizontal bars only, one row per unit or category with its label above the bar, so that a
chart reads on a 390 px phone at its natural size and grows to the page's width on a screen
(``viewBox`` with ``width="100%"``). Colours come from CSS classes (``dashboards.css``): the
page's Content-Security-Policy allows no inline style. Every chart carries a ``<title>`` and a
``<desc>`` for screen readers, and each bar its own ``<title>`` with the exact figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

WIDTH = 360
ROW = 38          # height of one row: the label line and the bar
BAR = 14
LABEL_CHARS = 40  # longer labels are cut with "…" (the full text is in the bar's title)
_ids = count(1)


@dataclass(frozen=True)
class Segment:
    value: float
    css: str       # e.g. "seg-approved"; styled in dashboards.css
    label: str     # what the segment counts, for the tooltip


@dataclass(frozen=True)
class Row:
    label: str
    segments: Sequence[Segment]
    text: str      # the figure written at the end of the row, already formatted
    href: str | None = None


def _cut(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(rows: Sequence[Row], *, title: str, description: str, scale: float | None = None) -> Markup:
    """Rows of (stacked) horizontal bars. ``scale`` is the value of a full-width bar (default:
    the largest row total); rows with nothing to show draw an empty track."""
    chart_id = f"chart-{next(_ids)}"
    largest = max((sum(s.value for s in row.segments) for row in rows), default=0)
    full = scale if scale and scale > 0 else (largest or 1)
    height = max(len(rows), 1) * ROW + 4
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for index, row in enumerate(rows):
        top = index * ROW
        label = escape(_cut(row.label))
        if row.href:
            label = Markup(f'<a href="{escape(row.href)}">{label}</a>')
        parts.append(f'<text class="chart-label" x="0" y="{top + 14}">{label}</text>')
        parts.append(f'<text class="chart-value" x="{WIDTH}" y="{top + 14}" text-anchor="end">'
                     f'{escape(row.text)}</text>')
        parts.append(f'<rect class="chart-track" x="0" y="{top + 19}" width="{WIDTH}" '
                     f'height="{BAR}" rx="3"/>')
        left = 0.0
        for segment in row.segments:
            if segment.value <= 0:
                continue
            width = min(segment.value / full * WIDTH, WIDTH - left)
            parts.append(
                f'<rect class="chart-bar {escape(segment.css)}" x="{left:.1f}" y="{top + 19}" '
                f'width="{max(width, 1):.1f}" height="{BAR}" rx="3"><title>{escape(row.label)}: '
                f'{escape(segment.label)}</title></rect>'
            )
            left += width
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(items: Sequence[tuple[str, str]]) -> Markup:
    """The key of a stacked chart: (css class, label) pairs, as an HTML list."""
    entries = "".join(
        f'<li><svg class="swatch" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true">'
        f'<rect class="chart-bar {escape(css)}" width="12" height="12" rx="2"/></svg>{escape(text)}</li>'
        for css, text in items
    )
    return Markup(f'<ul class="chart-legend">{entries}</ul>')
