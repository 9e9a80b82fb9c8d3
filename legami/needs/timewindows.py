"""Weekly time windows of a need ("mar e gio 16–18"): parsing, JSON, formatting and overlap.

A window is one day of the week (Monday = 0) and a span in minutes since midnight, `start < end`,
`end` at most 24:00 (1440). A window across midnight is refused: write it as two windows.
An empty list means "any time / unknown"; `overlaps` and `intersect` treat it so.

The JSON shape stored in `Need.time_windows` and `AggregatedDemand.time_windows` is
`[{"day": 0..6, "start": "HH:MM", "end": "HH:MM"}]`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MINUTES_PER_DAY = 24 * 60


class TimeWindowError(ValueError):
    """Text or JSON that is not a list of weekly time windows; the message names the bad part."""


@dataclass(frozen=True, order=True)
class TimeWindow:
    """One weekly slot: `day` 0 (Monday) … 6 (Sunday), `start`/`end` minutes since midnight, start < end."""

    day: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not isinstance(self.day, int) or not 0 <= self.day <= 6:
            raise TimeWindowError(gettext("The day must be a number from 0 (Monday) to 6 (Sunday)."))
        if not isinstance(self.start, int) or not isinstance(self.end, int):
            raise TimeWindowError(gettext("Times must be whole minutes."))
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise TimeWindowError(gettext("A time window must start before it ends, within the same day."))

    @property
    def whole_day(self) -> bool:
        return self.start == 0 and self.end == MINUTES_PER_DAY


# Day names, accent-stripped and lower-case: Italian and English, full and abbreviated.
_DAY_NAMES: dict[str, int] = {}
for _day, _names in enumerate(
    (
        ("lunedi", "lun", "monday", "mon", "mo"),
        ("martedi", "mar", "tuesday", "tue", "tues", "tu"),
        ("mercoledi", "mer", "wednesday", "wed", "we"),
        ("giovedi", "gio", "thursday", "thu", "thur", "thurs", "th"),
        ("venerdi", "ven", "friday", "fri", "fr"),
        ("sabato", "sab", "saturday", "sat", "sa"),
        ("domenica", "dom", "sunday", "sun", "su"),
    )
):
    for _name in _names:
        _DAY_NAMES[_name] = _day
# Plurals as people write them: "i sabati", "le domeniche", "mondays".
_DAY_NAMES.update({"sabati": 5, "domeniche": 6})
for _name, _day in list(_DAY_NAMES.items()):
    if _name.endswith("day"):
        _DAY_NAMES[_name + "s"] = _day

_AND_WORDS = frozenset({"e", "ed", "and", "oppure", "o", "or"})
# Words that carry no information in "il martedì dalle 16 alle 18", "on mondays from 4 to 6".
_FILLER_WORDS = frozenset(
    {"il", "la", "i", "le", "di", "ogni", "on", "every", "ore", "h", "at", "alle", "dalle", "from"}
)
_RANGE_WORDS = frozenset({"alle", "a", "to", "until", "till"})

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<time>\d{1,2}(?:[:.]\d{2})?)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<dash>[-–—])"
    r"|(?P<soft>[,&/+])"
    r"|(?P<hard>[;\n|])"
    r")\s*",
)

# Day abbreviations for display; lower-case msgids so they do not clash with Django's "Mon".
_DAY_LABELS = (_("mon"), _("tue"), _("wed"), _("thu"), _("fri"), _("sat"), _("sun"))


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _parse_time(token: str) -> int:
    hours_text, _sep, minutes_text = token.replace(".", ":").partition(":")
    hours, minutes = int(hours_text), int(minutes_text or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise TimeWindowError(gettext("“%(part)s” is not a valid time.") % {"part": token})
    return hours * 60 + minutes


def _day_span(first: int, last: int) -> list[int]:
    """The days from `first` to `last` inclusive, wrapping over Sunday (`sab-lun` = sat, sun, mon)."""
    days = [first]
    while days[-1] != last:
        days.append((days[-1] + 1) % 7)
    return days


def parse_time_windows(text: str) -> list[TimeWindow]:
    """Parse "mar e gio 16-18", "lun-ven 9-12", "mon 16:00-18:00;thu 16:00-18:00"; empty text → []."""
    if text is None or not str(text).strip():
        return []
    return normalize(_WindowParser(_tokens(str(text))).windows())


def _tokens(text: str) -> list[tuple[str, str]]:
    """The text as (kind, value) tokens: word, time, dash, soft or hard separator."""
    # "16h-18h" and "16:00h" → the digits alone.
    text = re.sub(r"(\d)\s*h\b", r"\1", text, flags=re.IGNORECASE)
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            bad = text[position:].strip().split()[0] if text[position:].strip() else text[position:]
            raise TimeWindowError(gettext("“%(part)s” is not a day or a time.") % {"part": bad})
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _WindowParser:
    """Reads the tokens left to right, gathering days until a time span applies to them."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.result: list[TimeWindow] = []
        self.pending: list[int] = []  # days named since the last time span
        self.last_days: list[int] = []  # the days the last time span applied to ("lun 9-12, 14-16")
        self.orphans: list[tuple[int, int, str]] = []  # spans written before their days ("dalle 16 alle 18 il martedì")

    def windows(self) -> list[TimeWindow]:
        index = 0
        while index < len(self.tokens):
            kind, value = self.tokens[index]
            if kind == "word":
                index = self._word(index, value)
            elif kind == "time":
                index = self._span(index, value)
            elif kind == "dash":
                raise TimeWindowError(gettext("“%(part)s” is not a day or a time.") % {"part": value})
            elif kind == "soft":
                # "mar, gio 16-18" lists days; "lun 9-12, 14-16" adds a span to the same days.
                index += 1
            else:  # hard separator: a new group of days
                self._flush_whole_days()
                self.last_days = []
                index += 1
        self._flush_whole_days()
        return self.result

    def _is_day(self, index: int) -> bool:
        return (
            index < len(self.tokens) and self.tokens[index][0] == "word" and _fold(self.tokens[index][1]) in _DAY_NAMES
        )

    def _word(self, index: int, value: str) -> int:
        word = _fold(value)
        if word in _DAY_NAMES:
            day = _DAY_NAMES[word]
            # A range of days: "lun-ven", "lunedì–venerdì", "da lunedì a venerdì".
            following = self.tokens[index + 1] if index + 1 < len(self.tokens) else ("", "")
            if (following[0] == "dash" or _fold(following[1]) in {"a", "to"}) and self._is_day(index + 2):
                self.pending.extend(_day_span(day, _DAY_NAMES[_fold(self.tokens[index + 2][1])]))
                return index + 3
            self.pending.append(day)
        elif not (word in _AND_WORDS or word in _FILLER_WORDS or word == "da"):
            raise TimeWindowError(gettext("“%(part)s” is not a day or a time.") % {"part": value})
        return index + 1

    def _span(self, index: int, value: str) -> int:
        start = _parse_time(value)
        # The end: "16-18", "16 – 18", "dalle 16 alle 18", "from 4 to 6".
        following = index + 1
        if following < len(self.tokens) and (
            self.tokens[following][0] == "dash" or _fold(self.tokens[following][1]) in _RANGE_WORDS
        ):
            following += 1
        if following >= len(self.tokens) or self.tokens[following][0] != "time":
            raise TimeWindowError(gettext("“%(part)s” has no end time (write e.g. 16-18).") % {"part": value})
        end_text = self.tokens[following][1]
        end = _parse_time(end_text)
        if end <= start:
            raise TimeWindowError(
                gettext("“%(part)s” ends before it starts or crosses midnight: split it into two windows.")
                % {"part": f"{value}-{end_text}"}
            )
        days = list(self.pending) or list(self.last_days)
        if not days:
            self.orphans.append((start, end, f"{value}-{end_text}"))
            return following + 1
        self.result.extend(TimeWindow(day, start, end) for day in days)
        self.last_days = days
        self.pending.clear()
        return following + 1

    def _flush_whole_days(self) -> None:
        if self.orphans:
            if not self.pending:
                raise TimeWindowError(
                    gettext("“%(part)s” has no day: write it after the days, e.g. mar e gio 16-18.")
                    % {"part": self.orphans[0][2]}
                )
            self.result.extend(
                TimeWindow(day, start, end) for start, end, _text in self.orphans for day in self.pending
            )
            self.orphans.clear()
        else:
            # Days named with no hours ("sabato") mean the whole day.
            self.result.extend(TimeWindow(day, 0, MINUTES_PER_DAY) for day in self.pending)
        self.pending.clear()


def normalize(windows: Iterable[TimeWindow]) -> list[TimeWindow]:
    """Sort by day and start, and merge windows of the same day that overlap or touch."""
    merged: list[TimeWindow] = []
    for window in sorted(set(windows)):
        if merged and merged[-1].day == window.day and window.start <= merged[-1].end:
            previous = merged.pop()
            merged.append(TimeWindow(window.day, previous.start, max(previous.end, window.end)))
        else:
            merged.append(window)
    return merged


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def windows_to_json(windows: Iterable[TimeWindow]) -> list[dict[str, Any]]:
    """The JSON shape stored in the database: `[{"day": 0, "start": "16:00", "end": "18:00"}]`."""
    return [{"day": w.day, "start": _hhmm(w.start), "end": _hhmm(w.end)} for w in windows]


_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def windows_from_json(data: Any) -> list[TimeWindow]:
    """Read the stored JSON shape back; None or [] → []; anything else malformed → TimeWindowError."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise TimeWindowError(gettext("Time windows must be a list."))
    windows = []
    for position, item in enumerate(data, start=1):
        if not isinstance(item, dict) or set(item) != {"day", "start", "end"}:
            raise TimeWindowError(
                gettext("Time window %(number)s must have exactly day, start and end.") % {"number": position}
            )
        day = item["day"]
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise TimeWindowError(
                gettext("Time window %(number)s: the day must be a number from 0 to 6.") % {"number": position}
            )
        bounds = []
        for key in ("start", "end"):
            match = _HHMM.match(item[key]) if isinstance(item[key], str) else None
            if match is None or int(match[2]) > 59 or int(match[1]) > 24 or (int(match[1]) == 24 and int(match[2])):
                raise TimeWindowError(
                    gettext("Time window %(number)s: “%(part)s” is not a time like 16:00.")
                    % {"number": position, "part": item[key]}
                )
            bounds.append(int(match[1]) * 60 + int(match[2]))
        if bounds[0] >= bounds[1]:
            raise TimeWindowError(gettext("Time window %(number)s ends before it starts.") % {"number": position})
        windows.append(TimeWindow(day, bounds[0], bounds[1]))
    return windows


def _clock(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d}" if rest else str(hours)


def _format_days(days: Sequence[int]) -> str:
    """ "lun–ven" for three or more consecutive days, else "mar e gio", "lun, mer e ven"."""
    labels: list[str] = []
    run: list[int] = []
    for day in sorted(days) + [99]:
        if run and day == run[-1] + 1:
            run.append(day)
            continue
        if len(run) >= 3:
            labels.append(f"{_DAY_LABELS[run[0]]}–{_DAY_LABELS[run[-1]]}")
        else:
            labels.extend(str(_DAY_LABELS[d]) for d in run)
        run = [day]
    if len(labels) == 1:
        return labels[0]
    return f"{', '.join(labels[:-1])} {gettext('and')} {labels[-1]}"


def format_time_windows(windows: Iterable[TimeWindow]) -> str:
    """Short text in the active language: "mar e gio 16–18", "lun 9:30–12"; [] → ""."""
    spans: dict[tuple[int, int], list[int]] = {}
    for window in normalize(windows):
        spans.setdefault((window.start, window.end), []).append(window.day)
    parts = []
    for (start, end), days in sorted(spans.items(), key=lambda item: (min(item[1]), item[0])):
        day_text = _format_days(days)
        if start == 0 and end == MINUTES_PER_DAY:
            parts.append(day_text)
        else:
            parts.append(f"{day_text} {_clock(start)}–{_clock(end)}")
    return "; ".join(parts)


def overlaps(a: Sequence[TimeWindow], b: Sequence[TimeWindow]) -> bool:
    """True when the two lists share a slot; an empty list means any time and overlaps everything."""
    if not a or not b:
        return True
    return any(x.day == y.day and max(x.start, y.start) < min(x.end, y.end) for x in a for y in b)


def intersect(a: Sequence[TimeWindow], b: Sequence[TimeWindow]) -> list[TimeWindow]:
    """The slots both lists share; an empty list means any time, so intersect([], b) == b.

    Two non-empty lists that share nothing give [] too: check `overlaps` first to tell the cases apart.
    """
    if not a:
        return normalize(b)
    if not b:
        return normalize(a)
    shared = []
    for x in a:
        for y in b:
            if x.day == y.day:
                start, end = max(x.start, y.start), min(x.end, y.end)
                if start < end:
                    shared.append(TimeWindow(x.day, start, end))
    return normalize(shared)
