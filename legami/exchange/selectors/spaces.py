"""Reads of shared spaces and their bookings: who manages a space, what a viewer may see of a booking, the
week and month calendars, the manager's queue and the usage figures (hours booked, never who booked)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from legami.core.permissions import can, capability_grants
from legami.core.roles import Role, registry
from legami.exchange.capabilities import BOOK_SPACES, MANAGE_SPACES, SPACE_USAGE, VIEW_BOOKINGS
from legami.exchange.models import HOLDING_BOOKING_STATES, Booking, BookingStatus, Space
from legami.needs.timewindows import format_time_windows, windows_from_json

# Who manages every space of the network; partner staff manage their own organisation's spaces only.
NETWORK_WIDE_MANAGERS = frozenset({Role.COORDINATOR, Role.COMMUNITY_WORKER})


def local_zone() -> ZoneInfo:
    """The zone bookings are read and written in (Europe/Rome)."""
    return ZoneInfo(settings.TIME_ZONE)


def manages(user: Any, space: Space) -> bool:
    """True when `user` may edit `space` and confirm or refuse its bookings."""
    held = capability_grants(user, MANAGE_SPACES, space.network)
    if any(grant.role in NETWORK_WIDE_MANAGERS for grant in held):
        return True
    if not held:
        return False
    return space.manager_id == user.pk or any(g.organization_id == space.manager_organization_id for g in held)


def space_manager_candidates(network: Any) -> QuerySet:
    """The users who may be named a space's manager: the network's active members with a role that manages spaces
    (coordinators, community workers, partner staff), by name."""
    from legami.network.models import Membership

    members = Membership.objects.filter(
        network=network, is_active=True, role__in=list(registry.roles_for(MANAGE_SPACES))
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=members, is_active=True).order_by("full_name", "email", "pk")


def managed_organization_ids(user: Any, network: Any) -> set[int] | None:
    """None when `user` manages every space of `network`, else the organisations whose spaces they manage."""
    held = capability_grants(user, MANAGE_SPACES, network)
    if any(grant.role in NETWORK_WIDE_MANAGERS for grant in held):
        return None
    return {g.organization_id for g in held if g.organization_id is not None}


def sees_booking_details(user: Any, booking: Booking) -> bool:
    """True when `user` may read who booked, their contact and the purpose: the booker, managers, operators."""
    if booking.booked_by_id is not None and getattr(user, "pk", None) == booking.booked_by_id:
        return True
    return can(user, VIEW_BOOKINGS, booking.network) or manages(user, booking.space)


def spaces_for(viewer: Any, network: Any, *, municipality: int | None = None, active_only: bool = True) -> QuerySet:
    """The network's spaces with their place and Comune, optionally in one Comune."""
    spaces = Space.objects.filter(network=network).select_related(
        "place", "place__municipality", "manager_organization"
    )
    if active_only:
        spaces = spaces.filter(is_active=True)
    if municipality is not None:
        spaces = spaces.filter(place__municipality_id=municipality)
    return spaces.order_by("place__municipality__name", "place__name", "name", "id")


def space_municipalities(network: Any) -> list[tuple[int, str]]:
    """The Comuni that have an active space, for the list's filter."""
    rows = (
        Space.objects.filter(network=network, is_active=True)
        .values_list("place__municipality_id", "place__municipality__name")
        .distinct()
        .order_by("place__municipality__name")
    )
    return list(rows)


def get_space_for(viewer: Any, network: Any, pk: int) -> Space:
    """The space `pk` of `network` (inactive ones only for its managers); 404 otherwise."""
    try:
        space = Space.objects.select_related("place", "place__municipality", "manager_organization", "manager").get(
            network=network, pk=pk
        )
    except Space.DoesNotExist:
        raise Http404 from None
    if not space.is_active and not manages(viewer, space):
        raise Http404
    return space


def opening_hours_text(space: Space) -> str:
    """The opening hours in words ("lun–ven 9–18"); "" when the space has none (open at any time)."""
    return format_time_windows(windows_from_json(space.opening_hours))


def open_between(space: Space, weekday: int, start: datetime.time, end: datetime.time) -> bool:
    """True when `space` is open on `weekday` (0 Monday) from `start` to `end` (a space without hours always is)."""
    windows = windows_from_json(space.opening_hours)
    if not windows:
        return True
    first, last = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    return any(w.day == weekday and w.start <= first and last <= w.end for w in windows)


def get_booking_for(viewer: Any, network: Any, pk: int) -> Booking:
    """The booking `pk`, for its booker, the space's managers and the operators; 404 for anyone else."""
    try:
        booking = Booking.objects.select_related(
            "space", "space__place", "space__manager_organization", "booked_by", "organization", "network"
        ).get(network=network, pk=pk)
    except Booking.DoesNotExist:
        raise Http404 from None
    if not sees_booking_details(viewer, booking):
        raise Http404
    return booking


def my_bookings(viewer: Any, network: Any) -> QuerySet:
    """The viewer's own bookings, latest first."""
    return (
        Booking.objects.filter(network=network, booked_by=viewer)
        .select_related("space", "space__place")
        .order_by("-starts_at", "-id")
    )


def queue_for(viewer: Any, network: Any) -> QuerySet:
    """The requests waiting for the viewer's decision, oldest first (their spaces only for partner staff)."""
    bookings = Booking.objects.filter(network=network, status=BookingStatus.REQUESTED).select_related(
        "space", "space__place", "booked_by", "organization"
    )
    organizations = managed_organization_ids(viewer, network)
    if organizations is not None:
        bookings = bookings.filter(Q(space__manager_organization_id__in=organizations) | Q(space__manager=viewer))
    return bookings.order_by("starts_at", "id")


def holding_between(space: Space, start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    """The bookings of `space` that hold a slot overlapping [start, end)."""
    return Booking.objects.filter(
        space=space, status__in=HOLDING_BOOKING_STATES, starts_at__lt=end, ends_at__gt=start
    ).order_by("starts_at", "id")


# --- calendars ----------------------------------------------------------------------------------------------


@dataclass
class Slot:
    """One booking as a viewer may see it on a calendar."""

    booking: Booking
    start: datetime.datetime  # local time
    end: datetime.datetime
    label: str  # the title for who may see it, or "taken" / a public event's title
    detailed: bool  # the viewer may open the booking's page
    requested: bool


@dataclass
class Day:
    date: datetime.date
    slots: list[Slot] = field(default_factory=list)
    in_month: bool = True


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week."""
    return day - datetime.timedelta(days=day.weekday())


def _bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = local_zone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def public_label(booking: Booking, taken: str) -> str:
    """What anyone may read of a booking: a public event's title, else `taken`."""
    return booking.title if booking.is_public_event else taken


def label_for(viewer: Any, booking: Booking, taken: str) -> str:
    """A booking as `viewer` may name it: its purpose for who sees its details (the booker, the operators, the
    space's managers), else a public event's title or `taken` (the calendar's rule)."""
    return booking.title if sees_booking_details(viewer, booking) else public_label(booking, taken)


def calendar_days(
    viewer: Any, space: Space, first: datetime.date, last: datetime.date, *, taken: str, network: Any
) -> list[Day]:
    """The days from `first` to `last` with the slots held on each, as `viewer` may see them (one query)."""
    start, end = _bounds(first, last)
    bookings = list(holding_between(space, start, end).select_related("network", "space"))
    wide = can(viewer, VIEW_BOOKINGS, network) or manages(viewer, space)
    days = {
        first + datetime.timedelta(days=n): Day(first + datetime.timedelta(days=n))
        for n in range((last - first).days + 1)
    }
    zone = local_zone()
    for booking in bookings:
        local_start, local_end = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
        own = viewer is not None and getattr(viewer, "pk", None) == booking.booked_by_id and booking.booked_by_id
        detailed = bool(wide or own)
        label = booking.title if detailed else public_label(booking, taken)
        day = local_start.date()
        if day in days:
            days[day].slots.append(
                Slot(booking, local_start, local_end, label, detailed, booking.status == BookingStatus.REQUESTED)
            )
    return list(days.values())


def public_slots(space: Space, start: datetime.datetime, end: datetime.datetime) -> list[Booking]:
    """The bookings of a public space's feed (confirmed only: a request may still be refused)."""
    return list(
        Booking.objects.filter(
            space=space, status=BookingStatus.CONFIRMED, starts_at__lt=end, ends_at__gt=start
        ).order_by("starts_at", "id")
    )


# --- usage ----------------------------------------------------------------------------------------------


@dataclass
class UsageRow:
    space: Space
    hours: list[float]  # one per month
    total: float


def usage_by_month(viewer: Any, network: Any, year: int) -> tuple[list[datetime.date], list[UsageRow]]:
    """Hours of confirmed bookings per space and month of `year` (who booked is never read)."""
    if not can(viewer, SPACE_USAGE, network):
        raise Http404
    months = [datetime.date(year, m, 1) for m in range(1, 13)]
    start, end = _bounds(months[0], datetime.date(year, 12, 31))
    spaces = list(spaces_for(viewer, network, active_only=False))
    hours: dict[tuple[int, int], float] = {}
    zone = local_zone()
    rows = Booking.objects.filter(
        network=network, status=BookingStatus.CONFIRMED, starts_at__gte=start, starts_at__lt=end
    ).values_list("space_id", "starts_at", "ends_at")
    for space_id, starts_at, ends_at in rows:
        key = (space_id, starts_at.astimezone(zone).month)
        hours[key] = hours.get(key, 0.0) + (ends_at - starts_at).total_seconds() / 3600
    table = []
    for space in spaces:
        values = [round(hours.get((space.pk, m.month), 0.0), 1) for m in months]
        table.append(UsageRow(space, values, round(sum(values), 1)))
    return months, table


def spaces_managed(viewer: Any, network: Any) -> Iterable[Space]:
    """The spaces `viewer` manages (for the queue's heading and the edit links)."""
    organizations = managed_organization_ids(viewer, network)
    spaces = Space.objects.filter(network=network)
    if organizations is not None:
        spaces = spaces.filter(Q(manager_organization_id__in=organizations) | Q(manager=viewer))
    return spaces.order_by("name")


def booking_organizations(viewer: Any, network: Any) -> QuerySet:
    """The organisations `viewer` may book for: any of the network for operators, else their own."""
    from legami.network.models import Organization

    organizations = Organization.objects.filter(network=network).order_by("name")
    if can(viewer, VIEW_BOOKINGS, network):
        return organizations
    own = {g.organization_id for g in capability_grants(viewer, BOOK_SPACES, network) if g.organization_id}
    return organizations.filter(pk__in=own)


def get_space_by_token(network: Any, pk: int, token: str | None) -> Space:
    """The space of a calendar feed: a public one for anyone, another with its feed key; 404 otherwise."""
    import secrets

    try:
        space = Space.objects.select_related("place", "place__municipality", "network").get(
            network=network, pk=pk, is_active=True
        )
    except Space.DoesNotExist:
        raise Http404 from None
    if space.is_public:
        return space
    if not token or not secrets.compare_digest(str(token).encode(), space.feed_token.encode()):
        raise Http404
    return space
