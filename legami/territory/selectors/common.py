"""What the territory's reads share: who may see the territory, and one row of it or 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from legami.core.permissions import can
from legami.territory.capabilities import VIEW_TERRITORY as VIEW


def pk_of(value: Any) -> Any:
    """The primary key of a row, or the value itself when it is already one."""
    return getattr(value, "pk", value)


def _require_view(viewer: Any, network: Any) -> None:
    # Territory pages do not exist for those who may not see them: 404, never 403, on objects.
    if not can(viewer, VIEW, network):
        raise Http404


def get_for_user(viewer: Any, network: Any, queryset: QuerySet, **lookup: Any) -> Any:
    """The one row of `queryset` matching `lookup` if the viewer may see the territory, else 404."""
    _require_view(viewer, network)
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
