"""Charts rendered on the server as SVG: no JavaScript, CSP-clean, readable by screen readers.

Each chart is an `<svg role="img">` named by its `<title>` and described by a `<desc>` that lists every
value, so the figures are reachable without seeing the bars; pages still put a table beside it.
The layout uses only percentages horizontally (each label sits on its own line above its bar), so a
chart fills the width of its container at any size without scaling the text down. Colours are
presentation attributes (no `style`), which a strict Content-Security-Policy allows.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Bootstrap Italia's primary blue: 5.6:1 on white, 4.8:1 on the track (non-text contrast needs 3:1).
BAR_COLOUR = "#0066cc"
TRACK_COLOUR = "#e6ecf2"
TEXT_COLOUR = "#1a1a1a"  # 17:1 on white
FONT_SIZE = 14
ROW_HEIGHT = 44
LABEL_BASELINE = 16
BAR_OFFSET = 22
BAR_HEIGHT = 14
MAX_LABEL_CHARS = 60
# A bar for a value above zero never vanishes, however small next to the largest one.
MIN_VISIBLE_PERCENT = 0.5


def format_value(value: float) -> str:
    """A number as the active language writes it: whole numbers without decimals, others with up to two."""
    if isinstance(value, bool):
        value = int(value)
    if not math.isfinite(value):
        return "–"
    rounded = round(float(value), 2)
    if rounded.is_integer():
        return number_format(int(rounded), force_grouping=True)
    decimals = 1 if round(rounded, 1) == rounded else 2
    return number_format(rounded, decimal_pos=decimals, force_grouping=True)


def _shorten(label: str) -> str:
    label = " ".join(str(label).split())
    if len(label) <= MAX_LABEL_CHARS:
        return label
    return label[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def _with_unit(value: float, unit: str) -> str:
    text = format_value(value)
    return f"{text} {unit}" if unit else text


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    max_items: int | None = None,
) -> SafeString:
    """An accessible horizontal bar chart of (label, value) pairs, in the given order, as inline SVG.

    Bars are proportional to the largest value (negative values draw no bar but keep their number).
    With `max_items`, only the first items are drawn and the description says how many were left out.
    """
    all_items = [(str(label), float(value)) for label, value in items]
    shown = all_items if max_items is None else all_items[: max(max_items, 0)]
    hidden = len(all_items) - len(shown)
    uid = uuid.uuid4().hex[:10]
    title_id = f"chart-{uid}-title"
    desc_id = f"chart-{uid}-desc"

    description = "; ".join(f"{label}: {_with_unit(value, unit)}" for label, value in shown) or str(_("No data."))
    if hidden:
        description += ". " + _more_items(hidden)

    rows_count = max(len(shown), 1) + (1 if hidden else 0)
    height = rows_count * ROW_HEIGHT + 4
    largest = max((value for _label, value in shown if math.isfinite(value)), default=0.0)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="legami-chart" role="img" width="100%" '
        f'height="{height}" aria-labelledby="{title_id} {desc_id}" font-size="{FONT_SIZE}" '
        f'font-family="inherit" fill="{TEXT_COLOUR}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    if not shown:
        parts.append(f'<text x="0" y="{LABEL_BASELINE}">{escape(_("No data."))}</text>')
    parts.extend(_bar(index * ROW_HEIGHT, label, value, largest, unit) for index, (label, value) in enumerate(shown))
    if hidden:
        top = len(shown) * ROW_HEIGHT
        parts.append(f'<text x="0" y="{top + LABEL_BASELINE}" font-style="italic">{escape(_more_items(hidden))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every piece of text above went through escape()


def _more_items(hidden: int) -> str:
    return ngettext("%(count)s more item is not shown.", "%(count)s more items are not shown.", hidden) % {
        "count": hidden
    }


def _bar(top: int, label: str, value: float, largest: float, unit: str) -> str:
    """One row: the label and its value as one line of text, the bar under it (aria-hidden: the numbers are
    already in the text and in <desc>)."""
    if largest > 0 and math.isfinite(value) and value > 0:
        percent = max(value / largest * 100, MIN_VISIBLE_PERCENT)
    else:
        percent = 0.0
    bar = (
        f'<rect x="0" y="{top + BAR_OFFSET}" width="{percent:.2f}%" height="{BAR_HEIGHT}" '
        f'fill="{BAR_COLOUR}" aria-hidden="true"/>'
        if percent
        else ""
    )
    return (
        f'<g class="legami-chart-row"><text x="0" y="{top + LABEL_BASELINE}">'
        f"<tspan>{escape(_shorten(label))}</tspan>"
        f'<tspan dx="8" font-weight="700">{escape(_with_unit(value, unit))}</tspan></text>'
        f'<rect x="0" y="{top + BAR_OFFSET}" width="100%" height="{BAR_HEIGHT}" '
        f'fill="{TRACK_COLOUR}" aria-hidden="true"/>{bar}</g>'
    )
