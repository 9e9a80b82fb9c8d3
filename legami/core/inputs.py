"""Input rules: a write's inputs declared once, and checked the same way for its form, its import and its API.

A service declares its fields (type, required, messages) and its cross-field checks in a `Rules`, and calls
`RULES.clean(data, network=..., instance=...)` with a plain dict: no request, no form. The answer is a dict of
cleaned values, or one ValidationError `{field: [errors with codes]}` that a form shows with
`core.forms.add_service_errors`, the API with `api.errors.service_errors` and an import as row errors
(`Rules.row_errors`, field -> column). Lookups are scoped to the network by the model the app passes in: `core`
imports no domain app.
"""

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
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The parsers live in core.parsing; they are named here too (inputs.parse_date …), where writes look for them.
from legami.core.parsing import EMPTY_VALUES, fold, parse_bool, parse_date, parse_id, parse_number, parse_time  # noqa: F401

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


class Lookup(Field):
    """A row of `model` within the network, given as an instance, a primary key or a natural key (`by`).

    `scope` keeps the network's rows: a path to the network ("network", "survey__network") or a function
    (queryset, network) -> queryset. An instance whose network is a direct foreign key is checked without a query.
    `outside_code`: the code of a row that exists outside the scope (public tables such as the Comuni); without it,
    a row of another network reads "invalid_choice", as one that does not exist. A value already on the instance
    being edited stays valid (it was when it was set). `usable(row)` False refuses a row with `inactive_code`,
    unless it is the instance's own. `within`: a field checked before this one (e.g. "municipality" for a
    neighbourhood) whose row the value is looked for in first, so that a name may repeat across them.

    With a `Context.cache` (the rows of a file import), the rows in scope are loaded once and a natural key is
    matched without regard to case and accents, by the first of `by` that finds a row; a value outside the scope
    costs one query, once per distinct value.
    """

    default_messages = {"invalid_choice": _("Choose a valid option.")}

    def __init__(
        self,
        model: type[models.Model],
        *,
        scope: str | Callable[[models.QuerySet, Any], models.QuerySet] | None = "network",
        by: Sequence[str] = ("pk",),
        outside_code: str = "",
        usable: Callable[[Any], bool] | None = None,
        inactive_code: str = "inactive",
        within: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.model, self.scope, self.by = model, scope, tuple(by)
        self.outside_code, self.usable, self.inactive_code = outside_code, usable, inactive_code
        self.within = within

    def scoped(self, ctx: Context) -> models.QuerySet:
        """The rows of the model the write may refer to."""
        queryset = self.model._default_manager.all()
        if self.scope is None:
            return queryset
        if callable(self.scope):
            return self.scope(queryset, ctx.network)
        return queryset.filter(**{self.scope: ctx.network})

    def candidates(self, value: Any) -> models.Q | None:
        """The filter that finds `value` by the first of `by` it fits, or None when it fits none."""
        q = models.Q()
        for key in self.by:
            if key == "pk":
                if isinstance(value, int | str) and (pk := parse_id(value)) is not None:
                    q |= models.Q(pk=pk)
            elif isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                q |= models.Q(**{f"{key}__iexact": str(value).strip()})
        return q or None

    def on_file(self, ctx: Context, pk: Any) -> bool:
        """Whether `pk` is the row the instance being edited already refers to."""
        return ctx.instance is not None and getattr(ctx.instance, f"{self.name}_id", None) == pk

    def in_scope(self, row: models.Model, ctx: Context) -> bool:
        """Whether the instance `row` is one of the network's (without a query when the path is a foreign key)."""
        if self.scope is None:
            return True
        if isinstance(self.scope, str) and "__" not in self.scope:
            return getattr(row, f"{self.scope}_id", None) == getattr(ctx.network, "pk", ctx.network)
        return self.scoped(ctx).filter(pk=row.pk).exists()

    def table(self, ctx: Context) -> dict[tuple[str, str], list[Any]]:
        """(key, folded value) -> the rows in scope with it: loaded once per cache (one file)."""
        if ctx.cache is None:
            raise RuntimeError("Lookup.table needs a Context with a cache")
        cache_key = ("lookup", id(self), getattr(ctx.network, "pk", ctx.network))
        if cache_key not in ctx.cache:
            index: dict[tuple[str, str], list[Any]] = {}
            for row in self.scoped(ctx).order_by("pk"):
                for key in self.by:
                    index.setdefault((key, fold(str(getattr(row, key)))), []).append(row)
            ctx.cache[cache_key] = index
        return ctx.cache[cache_key]

    def pick(self, rows: list[Any], ctx: Context) -> Any:
        """The one row meant among `rows`: the one within the `within` field's row when there are several."""
        parent = ctx.values.get(self.within) if self.within else None
        if parent is not None and len(rows) > 1:
            inside = [row for row in rows if getattr(row, f"{self.within}_id", None) == parent.pk]
            # Only elsewhere: any of them, and the cross-field check says it is not in the parent.
            rows = inside or rows[:1]
        if len(rows) > 1:
            raise self.error("ambiguous" if "ambiguous" in self.messages else "invalid_choice")
        return rows[0] if rows else None

    def from_table(self, value: Any, ctx: Context) -> Any:
        """The row of a natural key, from the rows loaded once (see `table`); None when none has it."""
        if isinstance(value, bool) or not str(value).strip():
            return None
        text, table = fold(str(value)), self.table(ctx)
        for key in self.by:
            if rows := table.get((key, text)):
                return self.pick(rows, ctx)
        if self.outside_code:
            if ctx.cache is None:
                raise RuntimeError("Lookup.table needs a Context with a cache")
            outside_key = ("outside", id(self), text)
            if outside_key not in ctx.cache:
                query = self.candidates(value)
                ctx.cache[outside_key] = query is not None and self.model._default_manager.filter(query).exists()
            if ctx.cache[outside_key]:
                raise self.error(self.outside_code)
        return None

    def parse(self, value: Any, ctx: Context) -> Any:
        row: Any
        if ctx.cache is not None and not isinstance(value, models.Model):
            row = self.from_table(value, ctx)
            found = row is not None
        elif isinstance(value, self.model):
            row = value
            found = row.pk is not None and (self.on_file(ctx, row.pk) or self.in_scope(row, ctx))
            if not found and self.outside_code and row.pk is not None:
                raise self.error(self.outside_code)
        else:
            query = self.candidates(value)
            rows = list(self.scoped(ctx).filter(query)[:20]) if query is not None else []
            row = self.pick(rows, ctx)
            found = row is not None
            if row is None and self.outside_code and query is not None:
                if self.model._default_manager.filter(query).exists():
                    raise self.error(self.outside_code)
        if not found or row is None:
            raise self.error("invalid_choice")
        if self.usable is not None and not self.usable(row) and not self.on_file(ctx, row.pk):
            raise self.error(self.inactive_code)
        return row


class LookupMany(Lookup):
    """Several rows of `model` within the scope, from a list of values, all found in one query.

    An instance or a whole number is a primary key; a text is looked for by the keys of `by` in turn (a text of
    digits is a primary key when `by` holds "pk"; the other keys should be unique columns, matched without regard
    to case). The answer is a list of the rows found, each once, in the scope's order (the model's ordering
    unless the scope orders them). The values that find no row are named together in one error: code
    "invalid_choice", with the param `values` (them, in the order given, comma-separated) for a message that
    says which. Empty (None, "", an empty list) is an empty list; `required` asks for at least one.
    """

    def __init__(
        self,
        model: type[models.Model],
        *,
        scope: str | Callable[[models.QuerySet, Any], models.QuerySet] | None = "network",
        by: Sequence[str] = ("pk",),
        **kwargs: Any,
    ) -> None:
        super().__init__(model, scope=scope, by=by, **kwargs)
        if self.outside_code or self.usable is not None or self.within:
            raise TypeError("LookupMany takes no outside_code, usable or within")

    @staticmethod
    def listed(value: Any) -> list[Any]:
        """`value` as a list: a single value is a list of one, an empty one an empty list."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return []
        if isinstance(value, str | bytes | models.Model) or not isinstance(value, Iterable):
            return [value]
        return list(value)

    def clean(self, value: Any, ctx: Context) -> list[Any]:
        values = self.listed(value)
        if not values:
            if self.required:
                raise self.empty_error(ctx)
            return []
        return self.parse(values, ctx)

    def keys_of(self, value: Any) -> list[tuple[str, Any]]:
        """The (key, value) pairs that may find `value`, in the order they are tried."""
        if isinstance(value, self.model):
            return [] if value.pk is None else [("pk", value.pk)]
        if isinstance(value, int) and not isinstance(value, bool):
            return [("pk", value)]
        if not isinstance(value, str):
            return []
        text = value.strip()
        if not text:
            return []
        pk = parse_id(text)
        return [("pk", pk) if key == "pk" else (key, text.lower()) for key in self.by if key != "pk" or pk is not None]

    def rows_of(self, pairs: set[tuple[str, Any]], ctx: Context) -> list[Any]:
        """The rows in scope that any of `pairs` finds: one query (`__in`, however long the list)."""
        wanted: dict[str, set[Any]] = {}
        for key, found_by in pairs:
            # A number no primary key can hold finds nothing (and SQLite cannot even take it).
            if key != "pk" or not isinstance(found_by, int) or -(2**63) <= found_by < 2**63:
                wanted.setdefault(key, set()).add(found_by)
        if not wanted:
            return []
        queryset, query = self.scoped(ctx), models.Q()
        for key, found_by in wanted.items():
            if key == "pk":
                query |= models.Q(pk__in=found_by)
            else:
                queryset = queryset.alias(**{f"_folded_{key}": Lower(key)})
                query |= models.Q(**{f"_folded_{key}__in": found_by})
        return list(queryset.filter(query))

    def parse(self, value: Any, ctx: Context) -> list[Any]:
        values = list(value)
        keys = [self.keys_of(item) for item in values]
        rows = self.rows_of({pair for pairs in keys for pair in pairs}, ctx)
        index: dict[tuple[str, Any], Any] = {}
        for row in rows:
            index.setdefault(("pk", row.pk), row)
            for key in self.by:
                if key != "pk":
                    index.setdefault((key, str(getattr(row, key)).lower()), row)
        chosen: set[Any] = set()
        missing: list[str] = []
        for item, pairs in zip(values, keys, strict=True):
            row = next((index[pair] for pair in pairs if pair in index), None)
            if row is None:
                missing.append(item.strip() if isinstance(item, str) else str(item))
            else:
                chosen.add(row.pk)
        if missing:
            raise self.error("invalid_choice", values=", ".join(dict.fromkeys(missing)))
        return list({row.pk: row for row in rows if row.pk in chosen}.values())


def refuse_unknown(
    data: Mapping[str, Any], allowed: Iterable[str], *, message: Any = None, on_all: bool = False
) -> None:
    """ValidationError when `data` holds keys other than `allowed`: on each key, or on the whole input (`on_all`)."""
    unknown = sorted(set(data) - set(allowed))
    if not unknown:
        return
    errors = {
        key: ValidationError(message or _("Unknown field."), code="unknown", params={"field": key}) for key in unknown
    }
    if on_all:
        raise ValidationError({NON_FIELD_ERRORS: list(errors.values())})
    raise ValidationError({key: [error] for key, error in errors.items()})


# --- the declaration ----------------------------------------------------------------------------------------


class Rules:
    """The inputs of one write and its cross-field checks.

    `clean` on a new row (no instance, not partial) fills the missing fields with their defaults and requires
    the required ones; on an instance, or `partial`, only the given fields are checked, and the checks see
    the instance's values for the others (`Context.value`).
    """

    default_messages: Mapping[str, Any] = {"unknown": _("Unknown field.")}

    def __init__(
        self,
        fields: Mapping[str, Field],
        *,
        checks: Sequence[Check] = (),
        messages: Mapping[str, Any] | None = None,
        unknown_on_all: bool = False,
    ) -> None:
        self.fields = dict(fields)
        for name, spec in self.fields.items():
            spec.name = name
        self.checks = tuple(checks)
        self.messages = dict(self.default_messages) | dict(messages or {})
        self.unknown_on_all = unknown_on_all

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    def __contains__(self, name: object) -> bool:
        return name in self.fields

    def extend(
        self,
        fields: Mapping[str, Field] | None = None,
        *,
        checks: Sequence[Check] = (),
        drop: Iterable[str] = (),
        drop_checks: Iterable[Check] = (),
    ) -> Rules:
        """A new declaration with these fields added (or replaced) and those dropped, and more (or fewer) checks.

        A replaced field keeps its place: fields are checked in order, and a `within` lookup follows its parent.
        """
        kept = {name: f for name, f in self.fields.items() if name not in set(drop)}
        dropped = set(drop_checks)
        return Rules(
            kept | dict(fields or {}),
            checks=(*(c for c in self.checks if c not in dropped), *checks),
            messages=self.messages,
            unknown_on_all=self.unknown_on_all,
        )

    def refuse_unknown(self, data: Mapping[str, Any]) -> None:
        """ValidationError when `data` holds keys the write does not take (before anything else is looked at)."""
        refuse_unknown(data, self.fields, message=self.messages["unknown"], on_all=self.unknown_on_all)

    def clean(
        self,
        data: Mapping[str, Any],
        *,
        network: Any = None,
        instance: Any = None,
        actor: Any = None,
        partial: bool = False,
        extra: Mapping[str, Any] | None = None,
        cache: dict[Any, Any] | None = None,
    ) -> dict[str, Any]:
        """The cleaned values of `data`, or one ValidationError {field: [errors]} with every problem found.

        `cache`: one dict shared by the rows of a file, so that lookups load their rows once (see Lookup).
        """
        self.refuse_unknown(data)
        complete = instance is None and not partial
        ctx = Context(
            network=network, instance=instance, actor=actor, complete=complete, extra=dict(extra or {}), cache=cache
        )
        for name, spec in self.fields.items():
            if name in data:
                raw = data[name]
            elif complete:
                raw = None if spec.default is MISSING else spec.default
            else:
                continue
            try:
                ctx.values[name] = spec.clean(raw, ctx)
            except ValidationError as exc:
                ctx.errors[name] = exc.error_list
        for check in self.checks:
            check(ctx)
        if ctx.errors:
            raise ValidationError(ctx.errors)
        return ctx.values

    def apply(self, obj: models.Model, data: Mapping[str, Any], *, network: Any = None, actor: Any = None) -> None:
        """Clean `data` for the row `obj` and set the values on it (unsaved); one ValidationError otherwise.

        A saved row is checked whole: the values on file are checked again with the new ones (a rule may
        depend on a field that was not given, such as a code that must fit the kind). A row not yet saved is
        a new one: missing fields take their defaults, required ones are asked for.
        """
        self.refuse_unknown(data)
        instance = obj if obj.pk is not None else None
        if instance is not None:
            data = {name: getattr(instance, name) for name in self.fields} | dict(data)
        for name, value in self.clean(data, network=network, instance=instance, actor=actor).items():
            setattr(obj, name, value)

    def check(self, values: Mapping[str, Any], *, network: Any = None, instance: Any = None, actor: Any = None) -> dict:
        """Only the cross-field checks, on values already cleaned (by a form): {field: [errors]}, empty when fine."""
        ctx = Context(network=network, instance=instance, actor=actor, values=dict(values))
        for check in self.checks:
            check(ctx)
        return ctx.errors

    @staticmethod
    def row_errors(exc: ValidationError, columns: Mapping[str, str]) -> list[tuple[str, str]]:
        """(column, message) of each error, for an import row: the field's column, "" for the whole row."""
        found: list[tuple[str, str]] = []
        for name, messages in exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]:
            column = "" if name in ("", NON_FIELD_ERRORS) else columns.get(name, name)
            found.extend((column, str(message)) for message in messages)
        return found


# --- cross-field checks that several writes share --------------------------------------------------------------


def one_of(*names: str, on: str, message: Any, code: str) -> Check:
    """At least one of `names` must have a value (e.g. a contact: an e-mail or a phone); the error goes on `on`."""

    def check(ctx: Context) -> None:
        if ctx.ok(*names) and not any(ctx.value(name) not in EMPTY_VALUES for name in names):
            ctx.add_error(on, message, code)

    return check


def point(latitude: str = "latitude", longitude: str = "longitude", *, message: Any) -> Check:
    """A point has both coordinates or neither; the error goes on the missing one (code point_incomplete)."""

    def check(ctx: Context) -> None:
        if not (latitude in ctx.values or longitude in ctx.values) or not ctx.ok(latitude, longitude):
            return
        lat, lon = ctx.value(latitude), ctx.value(longitude)
        if (lat is None) != (lon is None):
            ctx.add_error(longitude if lon is None else latitude, message, "point_incomplete")

    return check


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


def unique(
    model: type[models.Model],
    name: str,
    *,
    message: Any,
    code: str = "unique",
    lookup: str = "",
    scope: str = "network",
) -> Check:
    """No other row of the network has this value of `name` (`lookup` e.g. "iexact"); skipped when it is empty."""

    def check(ctx: Context) -> None:
        value = ctx.value(name)
        if not ctx.ok(name) or value in EMPTY_VALUES or (ctx.instance is not None and name not in ctx.values):
            return
        rows = model._default_manager.filter(**{scope: ctx.network, f"{name}__{lookup}" if lookup else name: value})
        if ctx.instance is not None and ctx.instance.pk is not None:
            rows = rows.exclude(pk=ctx.instance.pk)
        if rows.exists():
            ctx.add_error(name, message, code)

    return check


def filled(name: str, *, message: Any, code: str = "required") -> Check:
    """`name` must have a value: a requirement that depends on the write (e.g. a contact when not logged in)."""

    def check(ctx: Context) -> None:
        if ctx.ok(name) and str(ctx.value(name) or "").strip() == "":
            ctx.add_error(name, message, code)

    return check
