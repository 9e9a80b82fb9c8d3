"""What the territory pages share: their menu entry, the way back to the overview, one page of a list."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse

NAV = "territory"


def overview_url(network: Any) -> str:
    return reverse("territory:overview", args=[network.slug])


def page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
