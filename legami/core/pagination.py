"""Paginators for long lists: the page's ids first, then its rows (the one way list pages page through big tables).

`IdFirstPaginator` finds the page's ids with a narrow query (often an index-only scan), so that sorting or skipping
thousands of rows does not drag every column, join and computed column along; a second query loads the page's
rows by primary key. `CountedPaginator` is the same with the number of rows given: counted elsewhere, or by a
narrower query than the list's (see `counted_by`).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class IdFirstPaginator(Paginator):
    """A paginator that finds the page's ids first, then loads only those rows with their joins.

    Two queries per page whatever the page number (three with the count).
    """

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset: QuerySet = self.object_list  # type: ignore[assignment]  # built from a QuerySet
        ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)} if ids else {}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)


class CountedPaginator(IdFirstPaginator):
    """IdFirstPaginator with the number of rows given rather than asked of the list's own queryset."""

    def __init__(self, object_list: Any, per_page: int, *, count: int | None = None, counted_by: Any = None) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count
        self._counted_by = counted_by

    @property
    def count(self) -> int:  # type: ignore[override]  # a cached_property on Paginator
        if self._known_count is None:
            self._known_count = self._counted_by.count()
        return self._known_count
