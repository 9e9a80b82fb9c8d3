"""The context of one write and the kinds of input field (text, choices, numbers, dates ...)."""

from __future__ import annotations

import copy as _copy
import datetime
import decimal
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.parsing import EMPTY_VALUES, fold, parse_bool, parse_date, parse_minutes, parse_number, parse_time

MISSING: Any = object()

# A generous box around Italy (Lampedusa to the Vetta d'Italia, Sardinia's west coast to Otranto).
ITALY_LATITUDE = (decimal.Decimal("35.0"), decimal.Decimal("47.2"))
ITALY_LONGITUDE = (decimal.Decimal("6.5"), decimal.Decimal("18.6"))

_PHONE = re.compile(r"^(?:\+39)?[0-9]{6,11}$")

# --- the context of one write --------------------------------------------------------------------------------


@dataclass
class Context:
    """One write being checked: who, in which network, on which instance, and what was found so far."""

    network: Any = None
    instance: Any = None
    actor: Any = None
    complete: bool = False  # a new row: every field is checked, missing ones take their default
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[ValidationError]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # Shared by the writes of one file (an import): lookups load their rows once and remember each value's answer.
    cache: dict[Any, Any] | None = None

    def value(self, name: str, default: Any = None) -> Any:
        """The cleaned value of `name` when given, else the instance's (what the row will hold)."""
        if name in self.values:
            return self.values[name]
        return getattr(self.instance, name, default) if self.instance is not None else default

    def given(self, name: str) -> bool:
        """True when `name` was given and is valid."""
        return name in self.values and name not in self.errors

    def ok(self, *names: str) -> bool:
        """True when none of `names` has an error."""
        return not any(name in self.errors for name in names)

    def changed(self, name: str) -> bool:
        """True on a new row, or when `name` (a field or a relation) was given a value other than the instance's."""
        if self.instance is None:
            return True
        if name not in self.values:
            return False
        new = self.values[name]
        old = getattr(self.instance, f"{name}_id", MISSING)
        if old is MISSING:
            return getattr(self.instance, name) != new
        return old != getattr(new, "pk", new)

    def add_error(self, name: str | None, message: Any, code: str = "invalid", /, **params: Any) -> None:
        """Record an error on `name` (None: on the whole input)."""
        error = message if isinstance(message, ValidationError) else ValidationError(message, code, params or None)
        self.errors.setdefault(name or NON_FIELD_ERRORS, []).append(error)


Check = Callable[[Context], None]


# --- the fields ---------------------------------------------------------------------------------------------


class Field:
    """One input: required or not, its default on a new row, its messages by error code.

    `codes` renames the codes the field raises (e.g. {"invalid": "invalid_date"}) for a write whose callers
    already know its own codes; the message is still the one of the field's code. `empty` is the value of an
    input given empty when the field is not required (e.g. False for a yes/no flag whose column is not null).
    `validators` are Django validators run on the parsed value when it is not empty (e.g. a model field's own,
    so that the write says what a model's full_clean would say); every one runs, and their errors keep their
    own messages and codes. `strict` takes only None or a value of the field's own `types` (an int for an Integer,
    a bool for a Boolean ...), never text to read: for a service whose callers hand it typed values; anything else,
    "" included, is "invalid".
    """

    default_messages: Mapping[str, Any] = {"required": _("This field is required.")}
    empty: Any = None
    types: tuple[type, ...] = ()  # what a `strict` field takes

    def __init__(
        self,
        *,
        required: bool = False,
        default: Any = MISSING,
        messages: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        empty_code: str = "required",
        given_empty_code: str = "",
        validators: Sequence[Callable[[Any], None]] = (),
        codes: Mapping[str, str] | None = None,
        empty: Any = MISSING,
        strict: bool = False,
    ) -> None:
        if strict and not self.types:
            raise TypeError(f"{type(self).__name__} cannot be strict")
        self.name = ""  # set by the Rules that declares it
        self.required = required
        self.strict = strict
        self.validators = tuple(validators)
        self.codes = dict(codes or {})
        if empty is not MISSING:
            self.empty = empty
        self.default = default
        self.params = dict(params or {})
        # The code of a missing value on a new row, and of a value given empty on an edit (or a partial check).
        self.empty_code, self.given_empty_code = empty_code, given_empty_code or empty_code
        merged: dict[str, Any] = {}
        for klass in reversed(type(self).__mro__):
            merged.update(getattr(klass, "default_messages", {}))
        self.messages = merged | dict(messages or {})

    def but(self, **changes: Any) -> Field:
        """A copy with some attributes changed (a file import reads a lookup by its natural key), same messages."""
        copy = _copy.copy(self)
        for name, value in changes.items():
            if not hasattr(copy, name):
                raise AttributeError(name)
            setattr(copy, name, value)
        return copy

    def error(self, code: str, **params: Any) -> ValidationError:
        """The ValidationError of `code`, with the field's message for it."""
        message = self.messages.get(code) or self.messages.get("invalid") or _("Enter a valid value.")
        return ValidationError(message, code=self.codes.get(code, code), params=(self.params | params) or None)

    def clean(self, value: Any, ctx: Context) -> Any:
        """The cleaned value, or a ValidationError with the field's message."""
        if self.strict and value is not None and not self.typed(value):
            raise self.error("invalid")
        if self.is_empty(value):
            if self.required:
                raise self.empty_error(ctx)
            return self.empty
        cleaned = self.parse(value, ctx)
        if self.validators and cleaned not in EMPTY_VALUES:
            self.run_validators(cleaned)
        return cleaned

    def run_validators(self, value: Any) -> None:
        """Every validator on `value`; one ValidationError with all their errors (as Django's fields do)."""
        errors: list[ValidationError] = []
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)

    def typed(self, value: Any) -> bool:
        """Whether `value` is of the field's own types (a bool is not a number)."""
        return isinstance(value, self.types) and (bool in self.types or not isinstance(value, bool))

    def empty_error(self, ctx: Context) -> ValidationError:
        """The error of a required field without a value."""
        return self.error(self.empty_code if ctx.complete else self.given_empty_code)

    def is_empty(self, value: Any) -> bool:
        return value in EMPTY_VALUES

    def parse(self, value: Any, ctx: Context) -> Any:
        return value


class Text(Field):
    """Text, stripped at both ends; at most `max_length` characters; NUL bytes refused (databases cannot store them).

    A value made only of spaces, or given empty on an edit, is missing: code "required", message "blank" (by
    default the required one).
    """

    default_messages = {
        "max_length": _("At most %(limit)d characters."),
        "null_characters": _("Null characters are not allowed."),
    }
    empty = ""
    types = (str,)

    def __init__(self, *, max_length: int | None = None, collapse: bool = False, lower: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.max_length, self.collapse, self.lower = max_length, collapse, lower
        self.messages.setdefault("blank", self.messages["required"])

    def empty_error(self, ctx: Context) -> ValidationError:
        if ctx.complete:
            return super().empty_error(ctx)
        return self.blank_error()

    def blank_error(self) -> ValidationError:
        """A value given empty, or only spaces: missing (code "required"), with the "blank" message."""
        return ValidationError(self.messages["blank"], code=self.codes.get("required", "required"))

    def parse(self, value: Any, ctx: Context) -> str:
        text = str(value).strip()
        if "\x00" in text:
            raise self.error("null_characters")
        if self.collapse:
            text = " ".join(text.split())
        if self.lower:
            text = text.lower()
        if not text and self.required:
            # Only spaces: still a missing value (code "required"), maybe with a message of its own.
            raise self.blank_error()
        if self.max_length is not None and len(text) > self.max_length:
            raise self.error("max_length", limit=self.max_length, n=len(text))
        return text


class Email(Text):
    """An e-mail address (`lower` to store it in lower case)."""

    default_messages = {"invalid": _("Enter a valid e-mail address.")}

    def parse(self, value: Any, ctx: Context) -> str:
        text = super().parse(value, ctx)
        if text:
            try:
                validate_email(text)
            except ValidationError:
                raise self.error("invalid") from None
        return text


class Phone(Text):
    """An Italian phone number: digits and spaces, optionally +39; stored with single spaces."""

    default_messages = {
        "invalid_phone": _("Enter an Italian phone number: digits and spaces, optionally starting with +39.")
    }

    def parse(self, value: Any, ctx: Context) -> str:
        text = " ".join(super().parse(value, ctx).split())
        if text and not _PHONE.match(text.replace(" ", "")):
            raise self.error("invalid_phone")
        return text


class Password(Field):
    """A new password, kept exactly as typed (spaces count), checked by the site's password validators
    (AUTH_PASSWORD_VALIDATORS) with their own messages and codes (password_too_short, password_too_common ...).

    `account(ctx)` is the (unsaved) account the password is for, so that one too like its name or e-mail is
    refused; the fields it reads are declared before this one. Without `required`, an empty password is checked
    too: the validators say why it will not do.
    """

    empty = ""

    def __init__(self, *, account: Callable[[Context], Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.account = account

    def is_empty(self, value: Any) -> bool:
        return self.required and value in EMPTY_VALUES

    def parse(self, value: Any, ctx: Context) -> str:
        password = "" if value is None else str(value)
        validate_password(password, user=self.account(ctx) if self.account is not None else None)
        return password


class Choice(Field):
    """One of a TextChoices/IntegerChoices' values; with `labels`, also its Italian or English label, its value in
    any case (and with spaces for underscores) and the write's own `words` (e.g. "rete" for the network level)."""

    default_messages = {"invalid_choice": _("Choose a valid option.")}
    empty: Any = ""

    def __init__(
        self,
        choices: type[models.Choices],
        *,
        labels: bool = False,
        words: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.choices = choices
        self.numeric = all(isinstance(v, int) for v in choices.values)
        if self.numeric and kwargs.get("empty", MISSING) is MISSING:
            self.empty = None
        self.labels = labels
        self.extra_words = dict(words or {})
        self._words: dict[str, Any] | None = None

    def words(self) -> dict[str, Any]:
        """Each value's code and Italian and English label, folded -> the value (built once, on first use)."""
        if self._words is None:
            from django.utils import translation

            table: dict[str, Any] = {fold(word): value for word, value in self.extra_words.items()}
            for language in ("en", "it"):
                with translation.override(language):
                    for value, label in self.choices.choices:
                        table.setdefault(fold(str(label)), value)
            for value in self.choices.values:
                table.setdefault(fold(str(value)), value)
                table.setdefault(fold(str(value).replace("_", " ")), value)
            self._words = table
        return self._words

    def parse(self, value: Any, ctx: Context) -> Any:
        if self.numeric:
            number = value if isinstance(value, int) and not isinstance(value, bool) else None
            text = value.strip() if isinstance(value, str) else ""
            if number is None and text.lstrip("-").isascii() and text.lstrip("-").isdigit():
                number = int(text)
            if number in self.choices.values:
                return number
        else:
            text = str(value).strip()
            if text in self.choices.values:
                return text
        if self.labels and fold(str(value)) in self.words():
            return self.words()[fold(str(value))]
        raise self.error("invalid_choice")


def choose(choices: type[models.Choices], message: Any, **kwargs: Any) -> Choice:
    """A required choice whose one message says what to choose, whether the value is missing or not an option."""
    return Choice(choices, required=True, empty_code="invalid_choice", messages={"invalid_choice": message}, **kwargs)


class Number(Field):
    """A number in Italian or English style, between `min_value` and `max_value` when given."""

    default_messages = {
        "invalid": _("Enter a number."),
        "min_value": _("Enter a number of at least %(min)s."),
        "max_value": _("Enter a number of at most %(max)s."),
    }
    types: tuple[type, ...] = (int, float, decimal.Decimal)

    def __init__(self, *, min_value: Any = None, max_value: Any = None, range_code: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.min_value, self.max_value = min_value, max_value
        # One code (and message) for both ends of the range, when the write says so.
        self.range_code = range_code

    def convert(self, number: decimal.Decimal) -> Any:
        return number

    def parse(self, value: Any, ctx: Context) -> Any:
        try:
            number = self.convert(parse_number(value))  # type: ignore[arg-type]
        except (ValueError, decimal.InvalidOperation):
            raise self.error("invalid") from None
        limits = {"min": self.min_value, "max": self.max_value}
        if self.min_value is not None and number < self.min_value:
            raise self.error(self.range_code or "min_value", **limits)
        if self.max_value is not None and number > self.max_value:
            raise self.error(self.range_code or "max_value", **limits)
        return number


class Integer(Number):
    """A whole number (1.234 in Italian style is a thousand and more)."""

    default_messages = {"invalid": _("Enter a whole number.")}
    types = (int,)

    def parse(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,3}(\.\d{3})+\s*", value):
            value = value.replace(".", "")
        return super().parse(value, ctx)

    def convert(self, number: decimal.Decimal) -> int:
        if number != number.to_integral_value():
            raise ValueError(number)
        return int(number)


class Decimal(Number):
    """A decimal number rounded half up to `places` decimal places."""

    def __init__(self, *, places: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.step = decimal.Decimal(1).scaleb(-places) if places is not None else None

    def convert(self, number: decimal.Decimal) -> decimal.Decimal:
        return number if self.step is None else number.quantize(self.step, rounding=decimal.ROUND_HALF_UP)


_THOUSANDS_ONLY = re.compile(r"\s*\d{1,3}(\.\d{3})+\s*")


class _TooManyDecimals(Exception):  # not a ValueError: Number.parse would read it as "invalid"
    pass


class Money(Decimal):
    """An amount in euro to the cent, Italian ("1.200,50", "50,00", "1.200" is twelve hundred) or English ("1200.50")
    style, up to `max_value` (by default what a DecimalField(max_digits=10, decimal_places=2) holds). A float is
    refused (its binary value is not the amount meant) and so is a third decimal (code "decimal_places"): money is
    never rounded away."""

    default_messages = {
        "invalid": _("Enter an amount in euro, such as 50,00 or 1.200,50."),
        "decimal_places": _("An amount in euro has at most two decimals."),
        "max_value": _("Enter an amount of at most %(max)s euro."),
    }
    types = (int, decimal.Decimal)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", decimal.Decimal("99999999.99"))
        super().__init__(places=2, **kwargs)

    def parse(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, float):
            raise self.error("invalid")
        if isinstance(value, str) and _THOUSANDS_ONLY.fullmatch(value):
            value = value.replace(".", "")
        return super().parse(value, ctx)

    def convert(self, number: decimal.Decimal) -> decimal.Decimal:
        cents = number.quantize(decimal.Decimal("0.01"))
        if number != cents:
            raise _TooManyDecimals
        return cents

    def clean(self, value: Any, ctx: Context) -> Any:
        try:
            return super().clean(value, ctx)
        except _TooManyDecimals:
            raise self.error("decimal_places") from None


class Boolean(Field):
    """Yes or no, from a bool, 0/1 or a word (sì/no, yes/no, vero/falso, and the write's own `true_words`...)."""

    default_messages = {"invalid": _("Answer yes or no.")}
    types = (bool,)

    def __init__(self, *, true_words: Iterable[str] = (), false_words: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.true_words, self.false_words = tuple(true_words), tuple(false_words)

    def is_empty(self, value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    def parse(self, value: Any, ctx: Context) -> bool:
        try:
            answer = parse_bool(value, true_words=self.true_words, false_words=self.false_words)
        except ValueError:
            raise self.error("invalid") from None
        if answer is None:
            raise self.error("invalid")
        return answer


class Date(Field):
    """A date (see parse_date); `past` refuses a date after today."""

    default_messages = {"invalid": _("Enter a valid date."), "future": _("The date cannot be in the future.")}
    types = (datetime.date,)

    def __init__(self, *, past: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.past = past

    def parse(self, value: Any, ctx: Context) -> datetime.date | None:
        try:
            day = parse_date(value)
        except (TypeError, ValueError):
            raise self.error("invalid") from None
        if self.past and day is not None and day > timezone.localdate():
            raise self.error("future")
        return day


class Time(Field):
    """A time of day (see parse_time)."""

    default_messages = {"invalid": _("Enter a valid time, such as 16:30.")}
    types = (datetime.time,)

    def parse(self, value: Any, ctx: Context) -> datetime.time | None:
        try:
            return parse_time(value)
        except (TypeError, ValueError):
            raise self.error("invalid") from None


class Coordinate(Decimal):
    """A latitude or longitude in decimal degrees within `bounds` (Italy's), to the micro-degree.

    Outside the bounds: code "out_of_italy", with the params low and high.
    """

    default_messages = {
        "invalid": _("Enter a number, such as 45.133 (a dot or a comma for decimals)."),
        "out_of_italy": _("This point is not in Italy."),
    }

    def __init__(self, bounds: tuple[decimal.Decimal, decimal.Decimal], **kwargs: Any) -> None:
        low, high = bounds
        kwargs["params"] = {"low": low, "high": high, **kwargs.get("params", {})}
        super().__init__(places=6, min_value=low, max_value=high, range_code="out_of_italy", **kwargs)


def model_text(model: type[models.Model], name: str, **kwargs: Any) -> Text:
    """A Text checked by the model field's own validators (length, e-mail, web address ...), so that the write
    says what the model's full_clean would say, with the same messages and codes."""
    field = model._meta.get_field(name)
    return Text(validators=getattr(field, "validators", ()), **kwargs)


class Minutes(Field):
    """A duration in whole minutes (see parse_minutes: "1:30", "1,5 h", "90 min"; an int is minutes), within
    `min_value` and `max_value` minutes when given."""

    default_messages = {
        "invalid": _("Enter hours and minutes, such as 1:30 or 1,5 h."),
        "min_value": _("Enter at least %(min)s minutes."),
        "max_value": _("Enter at most %(max)s minutes."),
    }
    types = (int,)

    def __init__(self, *, min_value: int | None = None, max_value: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.min_value, self.max_value = min_value, max_value

    def parse(self, value: Any, ctx: Context) -> int | None:
        try:
            minutes = parse_minutes(value)
        except (TypeError, ValueError, decimal.InvalidOperation):
            raise self.error("invalid") from None
        if minutes is None:
            return None
        if self.min_value is not None and minutes < self.min_value:
            raise self.error("min_value", min=self.min_value, max=self.max_value)
        if self.max_value is not None and minutes > self.max_value:
            raise self.error("max_value", min=self.min_value, max=self.max_value)
        return minutes
