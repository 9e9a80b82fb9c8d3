"""Queries compiled once per process: for the few hot pages whose querysets cost more to build than to run.

Django builds and compiles a queryset on every call. For a query with many annotations (the pact's page reads the
pact and eight figures about it in one row, and the rows of a version in a UNION of six tables), resolving and
compiling the expressions costs more CPU than PostgreSQL spends running the query. `Prepared` keeps the SQL of
such a query and runs it again with new values:

    _rows = Prepared(Item, lambda *, every, version_id: Item.objects.filter(...).annotate(...))
    items = _rows.fetch(shape={"every": False}, version_id=version.pk)

- `build(**shape, **values)` returns the queryset. `shape` holds what changes the SQL itself (which branch a
  permission takes, whether a filter is there at all); it is part of the cache's key and must be hashable.
  `values` are integers or dates that only fill the query's parameters (ids, days).
- The first call of a shape builds the queryset twice, with two sets of marker values, and keeps the compiled
  SQL with the positions where each marker landed among the parameters. It refuses (`PreparedQueryError`) a
  query whose SQL changes with the values, a value that does not reach the parameters as given (the marker is
  not found), and any other parameter that differs between the two builds.
- A query that can match nothing (`.none()`, an empty `__in`) is kept as such: `fetch` gives [] without a query.
- `fetch` runs the kept SQL with the call's values through the same compiler, so rows come back exactly as the
  queryset gives them: model instances with their `select_related` and annotations, or `values_list` tuples,
  every column through its field's converters (decryption included).

Every run goes through the connection's cursor, so query counting, `execute_wrapper` and the test runner's
query capture see it as any other query. The result is a list, never a queryset: a queryset could be chained
into SQL the cache does not hold.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet


class PreparedQueryError(Exception):
    """A query that cannot be kept as prepared SQL (see the module's docstring)."""


def _markers(names: list[str], sample: dict[str, Any], round_: int) -> dict[str, Any]:
    """Values no real query holds: integers above two thousand million, dates before 1800 (two rounds differ)."""
    markers: dict[str, Any] = {}
    for n, name in enumerate(names):
        value = sample[name]
        if isinstance(value, bool | datetime.datetime) or not isinstance(value, int | datetime.date):
            raise PreparedQueryError(f"{name}: only integers and dates can be prepared values, not {type(value)}")
        if isinstance(value, int):
            markers[name] = 2_000_000_011 + 7_919 * (n + 1) + round_
        else:
            markers[name] = datetime.date(1700 + 3 * n + round_, 1 + round_, 1 + n % 28)
    return markers


@dataclass(frozen=True)
class _Slot:
    """Where a value lands among the parameters: which value, and whether the database takes it as text."""

    name: str
    as_text: bool


@dataclass
class _Plan:
    queryset: QuerySet
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    slots: dict[int, _Slot]
    names: frozenset[str]

    def params_for(self, values: dict[str, Any]) -> tuple[Any, ...]:
        params = list(self.params)
        for position, slot in self.slots.items():
            value = values[slot.name]
            params[position] = str(value) if slot.as_text else value
        return tuple(params)


def _compiled(queryset: QuerySet, alias: str) -> tuple[Any, str, tuple[Any, ...]]:
    """The compiler set up for `queryset`, its SQL and parameters ("" for a query that can match nothing)."""
    compiler = queryset.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return compiler, "", ()
    return compiler, sql, tuple(params)


def _slots(params: tuple[Any, ...], markers: dict[str, Any]) -> dict[int, _Slot]:
    found: dict[int, _Slot] = {}
    for position, param in enumerate(params):
        for name, marker in markers.items():
            if type(param) is type(marker) and param == marker:
                found[position] = _Slot(name, as_text=False)
            elif isinstance(marker, datetime.date) and param == str(marker):
                found[position] = _Slot(name, as_text=True)
    missing = set(markers) - {slot.name for slot in found.values()}
    if missing:
        raise PreparedQueryError(f"values not found among the query's parameters: {', '.join(sorted(missing))}")
    return found


class Prepared:
    """A query of `model` kept as compiled SQL, per shape and per database (see the module's docstring)."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet]) -> None:
        self.model = model
        self.build = build
        self._plans: dict[tuple[str, tuple[tuple[str, Hashable], ...]], _Plan] = {}

    def _plan(self, alias: str, shape: dict[str, Hashable], values: dict[str, Any]) -> _Plan:
        names = sorted(values)
        markers = [_markers(names, values, round_) for round_ in (0, 1)]
        first = self.build(**shape, **markers[0]).using(alias)
        compiler, sql, params = _compiled(first, alias)
        _again, sql_again, params_again = _compiled(self.build(**shape, **markers[1]), alias)
        if sql_again != sql or len(params_again) != len(params):
            raise PreparedQueryError("the query's SQL changes with its values: put what changes it in `shape`")
        if not sql:  # `.none()`, an empty `__in`: nothing to run, whatever the values
            return _Plan(queryset=first, compiler=compiler, sql="", params=(), slots={}, names=frozenset(names))
        slots, slots_again = _slots(params, markers[0]), _slots(params_again, markers[1])
        if slots != slots_again:
            raise PreparedQueryError("the values land in different parameters from one build to the next")
        for position, (param, param_again) in enumerate(zip(params, params_again, strict=True)):
            if position not in slots and param != param_again:
                raise PreparedQueryError(f"parameter {position} changes with the values but is none of them")
        return _Plan(queryset=first, compiler=compiler, sql=sql, params=params, slots=slots, names=frozenset(names))

    def fetch(self, *, shape: dict[str, Hashable] | None = None, **values: Any) -> list[Any]:
        """The rows `build(**shape, **values)` gives, run from the kept SQL."""
        shape = shape or {}
        alias = router.db_for_read(self.model)
        key = (alias, tuple(sorted(shape.items())))
        plan = self._plans.get(key)
        if plan is None:
            # Two threads may plan the same shape at once: both plans are equal, the first one stored is kept.
            plan = self._plans.setdefault(key, self._plan(alias, shape, values))
        elif plan.names != values.keys():
            raise PreparedQueryError(f"values {sorted(values)} given where the query takes {sorted(plan.names)}")
        if not plan.sql:
            return []
        # A compiler of this run, on this thread's connection, set up as the kept one and answering its SQL.
        compiler = copy.copy(plan.compiler)
        compiler.connection = connections[alias]
        run = (plan.sql, plan.params_for(values))
        compiler.as_sql = lambda *args, **kwargs: run
        queryset = plan.queryset.all()  # a clone: the kept queryset is never run itself
        queryset.query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
        return list(queryset)
