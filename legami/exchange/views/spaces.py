"""Pages of shared spaces and their bookings: the list, a space with its week, the month, booking (once or every
week), a booking with its history and buttons, one's bookings, the managers' queue, the usage figures and the
iCalendar feed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.pagination import IdFirstPaginator
from legami.core.parsing import parse_date
from legami.core.permissions import can
from legami.exchange.capabilities import BOOK_SPACES, MANAGE_SPACES, SPACE_USAGE, VIEW_SPACES
from legami.exchange.forms.spaces import BookingForm, NoteForm, SpaceFilterForm, SpaceForm
from legami.exchange.selectors import spaces as selectors
from legami.exchange.selectors.calendars import space_calendar
from legami.exchange.services import bookings as booking_services
from legami.exchange.services import spaces as space_services
from legami.network.capabilities import VIEW_MEMBERS
from legami.network.models import Network

NAV = "spaces"


def _taken() -> str:
    return _("taken")


@require_GET
@network_view(VIEW_SPACES)
def space_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's bookable spaces, by Comune."""
    form = SpaceFilterForm(request.GET or None, network=network)
    municipality = form.chosen_municipality()
    spaces = selectors.spaces_for(request.user, network, municipality=municipality)
    page_obj = IdFirstPaginator(spaces, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": NAV,
        "form": form,
        "page_obj": page_obj,
        "filtered": municipality is not None,
        "can_manage": can(request.user, MANAGE_SPACES, network),
    }
    return render(request, "exchange/spaces/list.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_SPACES)
def space_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Add a bookable space."""
    names_manager = selectors.managed_organization_ids(request.user, network) is None
    form = SpaceForm(request.POST or None, network=network, names_manager=names_manager)
    if request.method == "POST" and form.is_valid():
        try:
            space = space_services.create_space(actor=request.user, network=network, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The space was added."))
            return redirect("exchange:space_detail", network.slug, space.pk)
    context = {"nav": NAV, "form": form, "space": None}
    return render(request, "exchange/spaces/form.html", context, status=400 if form.errors else 200)


@network_view(MANAGE_SPACES)
@require_POST
def space_renew_feed(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Give a space's private calendar feed a new key: the address shared so far stops working."""
    space = selectors.get_space_for(request.user, network, pk)
    space_services.renew_feed_token(actor=request.user, space=space)
    messages.success(request, _("The calendar has a new address: the old one no longer works."))
    return redirect("exchange:space_detail", network.slug, space.pk)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_SPACES)
def space_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change a space."""
    space = selectors.get_space_for(request.user, network, pk)
    if not selectors.manages(request.user, space):
        raise PermissionDenied
    form = SpaceForm(
        request.POST or None,
        network=network,
        space=space,
        names_manager=selectors.managed_organization_ids(request.user, network) is None,
        initial=SpaceForm.initial_for(space),
    )
    if request.method == "POST" and form.is_valid():
        try:
            space_services.update_space(actor=request.user, space=space, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The space was saved."))
            return redirect("exchange:space_detail", network.slug, space.pk)
    context = {"nav": NAV, "form": form, "space": space}
    return render(request, "exchange/spaces/form.html", context, status=400 if form.errors else 200)


def _day_param(request: HttpRequest, name: str) -> datetime.date:
    try:
        day = parse_date(request.GET.get(name) or "")
    except (TypeError, ValueError):
        day = None
    return day or timezone.localdate()


@require_GET
@network_view(VIEW_SPACES)
def space_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A space: details, rules, opening hours and its week (previous and next weeks by links)."""
    space = selectors.get_space_for(request.user, network, pk)
    monday = selectors.week_start(_day_param(request, "week"))
    sunday = monday + datetime.timedelta(days=6)
    days = selectors.calendar_days(request.user, space, monday, sunday, taken=_taken(), network=network)
    manages = selectors.manages(request.user, space)
    feed = reverse("exchange:space_feed", args=[network.slug, space.pk])
    if not space.is_public and manages:
        feed += f"?token={space.feed_token}"
    context = {
        "nav": NAV,
        "space": space,
        "hours": selectors.opening_hours_text(space),
        "days": days,
        "monday": monday,
        "sunday": sunday,
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
        "can_book": can(request.user, BOOK_SPACES, network) and space.is_active,
        "manages": manages,
        # Who the manager is: for who sees the network's members, and the manager themself.
        "show_manager": space.manager_id is not None
        and (space.manager_id == request.user.pk or can(request.user, VIEW_MEMBERS, network)),
        "feed_url": feed if (space.is_public or manages) else "",
    }
    return render(request, "exchange/spaces/detail.html", context)


@require_GET
@network_view(VIEW_SPACES)
def space_month(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A space's month, as a list of the days that have bookings (the same data on a phone and a desk)."""
    space = selectors.get_space_for(request.user, network, pk)
    day = _day_param(request, "month")
    first = day.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    days = selectors.calendar_days(request.user, space, first, last, taken=_taken(), network=network)
    context = {
        "nav": NAV,
        "space": space,
        "month": first,
        "days": [d for d in days if d.slots],
        "previous": (first - datetime.timedelta(days=1)).replace(day=1),
        "next": last + datetime.timedelta(days=1),
    }
    return render(request, "exchange/spaces/month.html", context)


@require_http_methods(["GET", "POST"])
@network_view(BOOK_SPACES)
def booking_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Book a space once, or every week until a date."""
    space = selectors.get_space_for(request.user, network, pk)
    organizations = selectors.booking_organizations(request.user, network)
    initial = {"date": _day_param(request, "date"), "people": 1}
    form = BookingForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if form.weekly():
                booked = booking_services.request_weekly_booking(
                    actor=request.user, space=space, data=form.weekly_data()
                )
                first = booked.bookings[0]
                messages.success(
                    request,
                    ngettext("%(n)s booking was made.", "%(n)s bookings were made.", len(booked.bookings))
                    % {"n": len(booked.bookings)},
                )
            else:
                first = booking_services.request_booking(actor=request.user, space=space, data=form.single_data())
                messages.success(request, _("The booking was made."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("exchange:booking_detail", network.slug, first.pk)
    context = {"nav": NAV, "space": space, "form": form, "hours": selectors.opening_hours_text(space)}
    return render(request, "exchange/spaces/book.html", context, status=400 if form.errors else 200)


@require_GET
@network_view(VIEW_SPACES)
def booking_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A booking with its history and the moves its viewer may make (its booker, the managers, the operators)."""
    booking = selectors.get_booking_for(request.user, network, pk)
    context = {
        "nav": NAV,
        "booking": booking,
        "space": booking.space,
        "actions": booking_services.available(booking, request.user),
        "history": booking.events.select_related("actor").all(),
        "form": NoteForm(),
    }
    return render(request, "exchange/spaces/booking.html", context)


MOVES = {
    "confirm": booking_services.confirm_booking,
    "refuse": booking_services.refuse_booking,
    "cancel": booking_services.cancel_booking,
}


@network_view(VIEW_SPACES)
@require_POST
def booking_move(request: HttpRequest, network: Network, pk: int, transition: str) -> HttpResponse:
    """Confirm, refuse or cancel a booking."""
    move = MOVES.get(transition)
    if move is None:
        raise Http404
    booking = selectors.get_booking_for(request.user, network, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            booking = move(actor=request.user, booking=booking, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            label = booking_services.WORKFLOW.label(booking.status)
            messages.success(request, _("The booking is now “%(status)s”.") % {"status": label})
            return redirect("exchange:booking_detail", network.slug, booking.pk)
    context = {
        "nav": NAV,
        "booking": booking,
        "space": booking.space,
        "actions": booking_services.available(booking, request.user),
        "history": booking.events.select_related("actor").all(),
        "form": form,
    }
    return render(request, "exchange/spaces/booking.html", context, status=400)


@require_GET
@network_view(BOOK_SPACES)
def my_bookings(request: HttpRequest, network: Network) -> HttpResponse:
    """The viewer's own bookings."""
    bookings = selectors.my_bookings(request.user, network)
    page_obj = IdFirstPaginator(bookings, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/spaces/mine.html", {"nav": "my_bookings", "page_obj": page_obj})


@require_GET
@network_view(MANAGE_SPACES)
def booking_queue(request: HttpRequest, network: Network) -> HttpResponse:
    """The requests waiting for the viewer's decision (partner staff: their organisation's spaces)."""
    bookings = selectors.queue_for(request.user, network)
    page_obj = IdFirstPaginator(bookings, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/spaces/queue.html", {"nav": "booking_queue", "page_obj": page_obj})


@require_GET
@network_view(SPACE_USAGE)
def space_usage(request: HttpRequest, network: Network) -> HttpResponse:
    """Hours booked per space and month of a year (who booked is never shown)."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    months, rows = selectors.usage_by_month(request.user, network, year)
    context = {"nav": "space_usage", "year": year, "months": months, "rows": rows}
    return render(request, "exchange/spaces/usage.html", context)


@require_GET
@network_view()
def space_feed(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The iCalendar feed of a space: public spaces for anyone, others with the feed key; only what anyone may see."""
    space = selectors.get_space_by_token(network, pk, request.GET.get("token"))
    now = timezone.now()
    bookings = selectors.public_slots(space, now - datetime.timedelta(days=31), now + datetime.timedelta(days=366))
    body = space_calendar(space, bookings, taken=_taken())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="spazio-{space.pk}.ics"'
    return response


@require_GET
@network_view()
def space_public(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A public space's week for anyone, without logging in: "taken" or a public event's title, never who booked."""
    space = selectors.get_space_by_token(network, pk, None)
    monday = selectors.week_start(_day_param(request, "week"))
    sunday = monday + datetime.timedelta(days=6)
    # Read as nobody: whoever asks, the public page shows what anyone may see.
    days = selectors.calendar_days(None, space, monday, sunday, taken=_taken(), network=network)
    context = {
        "space": space,
        "hours": selectors.opening_hours_text(space),
        "days": days,
        "monday": monday,
        "sunday": sunday,
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
        "feed_url": reverse("exchange:space_feed", args=[network.slug, space.pk]),
    }
    return render(request, "exchange/spaces/public.html", context)
