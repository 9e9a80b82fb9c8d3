"""The public calendar of activities (no login): the coming sessions with filters, paged, and its iCalendar feed
with the same filters."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from legami.activities.forms.activities import CalendarFilterForm
from legami.activities.models import Session
from legami.activities.selectors.calendar import (
    CalendarFilters,
    calendar_comuni,
    calendar_sessions,
    feed_sessions,
    feed_version,
    sessions_calendar,
)
from legami.core.decorators import network_view
from legami.core.http import site_base_url
from legami.core.pagination import COUNT_AT_MOST, CountedPaginator
from legami.network.models import Network

NAV = "activity_calendar"
FEED_CACHE_SECONDS = 24 * 3600


@require_GET
@network_view()
def calendar(request: HttpRequest, network: Network) -> HttpResponse:
    """The coming sessions of the published public activities, filtered by Comune, age, kind and day."""
    filters = CalendarFilters.from_query(request.GET)
    form = CalendarFilterForm(request.GET or None, comuni=calendar_comuni(network))
    form.is_valid()
    sessions = calendar_sessions(network, filters)
    paginator = CountedPaginator(sessions, settings.LEGAMI_PAGE_SIZE, at_most=COUNT_AT_MOST)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = filters.query()
    feed = reverse("activities:calendar_feed", args=[network.slug])
    context = {
        "nav": NAV,
        "form": form,
        "page_obj": page_obj,
        "filtered": bool(query),
        "feed_url": f"{feed}?{urlencode(query)}" if query else feed,
    }
    return render(request, "activities/calendar.html", context)


@require_GET
@network_view()
def calendar_feed(request: HttpRequest, network: Network) -> HttpResponse:
    """The calendar's coming sessions (up to four months ahead) as iCalendar, with the page's filters. Calendar
    apps ask for it again and again: an unchanged feed answers 304 to their If-None-Match, and is written once."""
    filters = CalendarFilters.from_query(request.GET)
    base = site_base_url(request)
    etag = f'"{feed_version(network, filters, base=base)}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified

    def link(session: Session) -> str:
        return base + reverse("activities:activity_detail", args=[network.slug, session.activity_id])

    # Writing a busy feed takes a second: each process keeps the feeds it wrote, by their tag.
    key = f"activities-feed:{network.pk}:{etag}"
    body = caches["feeds"].get(key)
    if body is None:
        body = sessions_calendar(feed_sessions(network, filters), name=network.name, link=link)
        caches["feeds"].set(key, body, timeout=FEED_CACHE_SECONDS)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{network.slug}-attivita.ics"'
    response["ETag"] = etag
    return response
