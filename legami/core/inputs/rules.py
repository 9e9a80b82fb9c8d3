"""The declaration of one write's inputs (`Rules`) and the refusal of keys it does not take."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from legami.core.inputs.fields import MISSING, Check, Context, Field
from legami.core.parsing import EMPTY_VALUES


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


def described(check: Check, field: str, code: str, message: Any) -> Check:
    """`check`, carrying the field, the code and the message of the error it adds (`check.rule`), so that a
    description of the write (the API's schema) can state the rule."""
    check.rule = {"field": field, "code": code, "rule": message}  # type: ignore[attr-defined]
    return check


def one_of(*names: str, on: str, message: Any, code: str) -> Check:
    """At least one of `names` must have a value (e.g. a contact: an e-mail or a phone); the error goes on `on`."""

    def check(ctx: Context) -> None:
        if ctx.ok(*names) and not any(ctx.value(name) not in EMPTY_VALUES for name in names):
            ctx.add_error(on, message, code)

    return described(check, on, code, message)


def point(latitude: str = "latitude", longitude: str = "longitude", *, message: Any) -> Check:
    """A point has both coordinates or neither; the error goes on the missing one (code point_incomplete)."""

    def check(ctx: Context) -> None:
        if not (latitude in ctx.values or longitude in ctx.values) or not ctx.ok(latitude, longitude):
            return
        lat, lon = ctx.value(latitude), ctx.value(longitude)
        if (lat is None) != (lon is None):
            ctx.add_error(longitude if lon is None else latitude, message, "point_incomplete")

    return described(check, f"{latitude}, {longitude}", "point_incomplete", message)


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

    return described(check, name, code, message)


def filled(name: str, *, message: Any, code: str = "required") -> Check:
    """`name` must have a value: a requirement that depends on the write (e.g. a contact when not logged in)."""

    def check(ctx: Context) -> None:
        if ctx.ok(name) and str(ctx.value(name) or "").strip() == "":
            ctx.add_error(name, message, code)

    return described(check, name, code, message)
