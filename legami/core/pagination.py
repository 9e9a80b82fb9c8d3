"""Paginators for long lists: the page's ids first, then its rows (the one way list pages page through big tables).

`IdFirstPaginator` finds the page's ids with a narrow query (often an index-only scan), so that sorting or skipping
thousands of rows does not drag every column, join and computed column along; a second query loads the page's
rows by primary key. `CountedPaginator` is the same with the number of rows given: counted elsewhere, by a
narrower query than the list's (see `counted_by`), or only up to a limit (`at_most`).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

# How far the lists of the biggest tables (transfers, sessions) count before saying "more than".
COUNT_AT_MOST = 10_000


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
    """IdFirstPaginator with the number of rows given rather than asked of the list's own queryset.

    `counted_by` counts with a narrower query than the list's; `at_most` stops counting past that many rows
    (a list of half a million transfers need not be counted to show its first page): `counted_all` is then
    False, the pages go as far as the count, and the page says "more than `at_most`" and offers its filters.
    """

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        count: int | None = None,
        counted_by: Any = None,
        at_most: int | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count
        self._counted_by = counted_by
        self.at_most = at_most

    @property
    def count(self) -> int:  # type: ignore[override]  # a cached_property on Paginator
        if self._known_count is None:
            counted = self._counted_by if self._counted_by is not None else self.object_list
            if self.at_most is not None:
                counted = counted.order_by().values("pk")[: self.at_most + 1]
            self._known_count = counted.count()
        return self._known_count

    @property
    def counted_all(self) -> bool:
        """False when the count stopped at `at_most`: there are more rows than the pages reach."""
        return self.at_most is None or self.count <= self.at_most
