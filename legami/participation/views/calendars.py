"""iCalendar feeds (text/calendar): a process's meetings, the network's meetings, and one meeting for "add to
calendar". Public, as the meetings' pages: only the meetings of published (or closed) processes are in them."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from legami.core.decorators import network_view
from legami.core.http import site_base_url
from legami.network.models import Network
from legami.participation.models import Meeting
from legami.participation.selectors.calendars import meetings_calendar
from legami.participation.selectors.meetings import calendar_meetings
from legami.participation.selectors.processes import get_process_for

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _response(
    request: HttpRequest, network: Network, meetings: list[Meeting], *, name: str, filename: str
) -> HttpResponse:
    base = site_base_url(request)

    def link(meeting: Meeting) -> str:
        return base + reverse("participation:meeting_detail", args=[network.slug, meeting.pk])

    response = HttpResponse(meetings_calendar(meetings, name=name, link=link), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@network_view()
def network_calendar(request: HttpRequest, network: Network) -> HttpResponse:
    """Every meeting of the network's public processes."""
    meetings = list(calendar_meetings(network))
    return _response(request, network, meetings, name=network.name, filename=f"{network.slug}-incontri.ics")


@require_GET
@network_view()
def process_calendar(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The meetings of one public process (a draft's feed does not exist, whoever asks: feeds are read anonymously)."""
    process = get_process_for(AnonymousUser(), network, pk)
    meetings = list(calendar_meetings(network, process=process))
    return _response(request, network, meetings, name=process.title, filename=f"processo-{process.pk}.ics")


@require_GET
@network_view()
def meeting_calendar(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """One meeting, to add to one's calendar."""
    meetings = list(calendar_meetings(network).filter(pk=pk))
    if not meetings:
        raise Http404
    return _response(request, network, meetings, name=meetings[0].title, filename=f"incontro-{pk}.ics")
