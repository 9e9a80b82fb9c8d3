"""Parsers for the values people type or files hold: Italian and ISO dates, times, numbers, yes/no words.

One parser per kind of value, shared by every write through `legami.core.inputs` (forms, imports, the API,
query strings). Each returns None for an empty value and raises ValueError for one it cannot read.
"""

from __future__ import annotations

import datetime
import decimal
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

EMPTY_VALUES = (None, "")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ITALIAN_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?:[:.](\d{2}))?$")
MAX_ID = 2**63 - 1  # the largest primary key a database column holds
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "si", "sì", "s", "on", "vero", "x"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "off", "falso"})


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how words of a file or a form are compared."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.casefold().split())


# --- the parsers: one for each kind of value, shared by every write ------------------------------------------


def parse_date(value: Any) -> datetime.date | None:
    """The one date parser: a date, a datetime, 31/12/2025, 31-12-2025, 31.12.2025 or 2025-12-31; None when empty.

    ValueError for anything else, including dates that do not exist (30/02/2025).
    """
    if value in EMPTY_VALUES:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.strip()
    if match := _ISO_DATE.match(text):
        year, month, day = match.groups()
    elif match := _ITALIAN_DATE.match(text):
        day, month, year = match.groups()
    else:
        raise ValueError(value)
    return datetime.date(int(year), int(month), int(day))


def parse_time(value: Any) -> datetime.time | None:
    """A time from a time, 16:30, 16.30, 16:30:00 or 16; None when empty; ValueError otherwise."""
    if value in EMPTY_VALUES:
        return None
    if isinstance(value, datetime.datetime):
        return value.time()
    if isinstance(value, datetime.time):
        return value
    match = _TIME.match(str(value).strip())
    if match is None:
        raise ValueError(value)
    hour, minute, second = (int(part or 0) for part in match.groups())
    return datetime.time(hour, minute, second)


def parse_number(value: Any) -> decimal.Decimal | None:
    """A finite number from an int, a Decimal, a float or text in Italian (1.234,5) or English (1234.5) style.

    A lone separator (one comma or one dot) is the decimal one; with both, the last one is. None when empty.
    """
    if value in EMPTY_VALUES:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "").replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(".") > 1 or text.count(",") > 1:
        # 1.234.567: thousands only.
        text = text.replace(".", "").replace(",", "")
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def parse_bool(value: Any, *, true_words: Iterable[str] = (), false_words: Iterable[str] = ()) -> bool | None:
    """True or False from a bool, 0/1 or a word (sì/no, yes/no, vero/falso...); None when empty; ValueError else."""
    if isinstance(value, bool):
        return value
    if value in EMPTY_VALUES:
        return None
    if isinstance(value, int):
        if value in (0, 1):
            return bool(value)
        raise ValueError(value)
    text = fold(str(value))
    if text in TRUE_WORDS or text in {fold(w) for w in true_words}:
        return True
    if text in FALSE_WORDS or text in {fold(w) for w in false_words}:
        return False
    raise ValueError(value)


def parse_id(value: Any) -> int | None:
    """A row's id from a form, a file or a query string: ASCII digits within a database integer, else None.

    "²" passes str.isdigit() but not int(), and 2**63 passes int() but not the database: neither is an id.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_ID else None
    text = str(value).strip() if value is not None else ""
    if text.isascii() and text.isdigit() and int(text) <= MAX_ID:
        return int(text)
    return None


_CLOCK = re.compile(r"^(\d{1,5})\s*[:.]\s*(\d{2})$")
_HOURS_AND_MINUTES = re.compile(r"^(\d{1,5})\s*(?:h|ore|ora)\s*(\d{1,2})\s*(?:m|min|minuti)?$")
_HOURS = re.compile(r"^([\d.,]+)\s*(?:h|ore|ora)?$")
_MINUTES = re.compile(r"^(\d{1,7})\s*(?:m|min|minuti|minuto)$")


def parse_minutes(value: Any) -> int | None:
    """A duration in whole minutes: an int is minutes; text is hours ("1:30", "1,5 h", "2 ore", "1h30", "2") or
    minutes ("90 min"). None when empty; ValueError for anything else, or for a fraction of a minute."""
    if value in EMPTY_VALUES:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    text = fold(value).replace("\u00a0", " ")
    if match := _CLOCK.match(text):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if minutes >= 60:
            raise ValueError(value)
        return hours * 60 + minutes
    if match := _HOURS_AND_MINUTES.match(text):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if minutes >= 60:
            raise ValueError(value)
        return hours * 60 + minutes
    if match := _MINUTES.match(text):
        return int(match.group(1))
    if match := _HOURS.match(text):
        number = parse_number(match.group(1))
        if number is None:
            raise ValueError(value)
        exact = number * 60
        if exact != exact.to_integral_value():
            raise ValueError(value)
        return int(exact)
    raise ValueError(value)
