"""Lookups: an input that names rows of the network (an instance, an id or a natural key), one or many."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from legami.core.inputs.fields import Context, Field
from legami.core.parsing import fold, parse_id


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
