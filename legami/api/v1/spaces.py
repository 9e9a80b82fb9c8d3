"""Shared spaces and their bookings: the spaces and when they are taken (every member who sees spaces), booking
once or every week (who may book), one's own bookings, a booking's details (its booker, the operators, the space's
managers) and its moves: confirm and refuse (the space's managers), cancel (its booker or the managers).

When a space is taken, a caller who may not see the booking reads only "taken" (or a public event's title), never
who booked it or why."""

import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import refusals
from legami.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    ErrorOut,
    Id,
    MunicipalityRef,
    NamedRef,
    PageNumberPagination,
    declared,
    with_server_rules,
)
from legami.api.scoping import scoped_network
from legami.exchange.capabilities import BOOK_SPACES, VIEW_SPACES
from legami.exchange.selectors import spaces as selectors
from legami.exchange.services import bookings as services
from legami.exchange.services.bookings import BOOKING_INPUTS, WEEKLY_INPUTS

router = Router(tags=["spaces"])

BookingStatus = Literal["requested", "confirmed", "refused", "cancelled"]


class SpacePlaceOut(Schema):
    """The place a space is in."""

    id: int
    name: str
    address: str
    municipality: MunicipalityRef


class OpeningWindow(Schema):
    """One weekly opening window: day 0 (Monday) to 6 (Sunday), from and to HH:MM."""

    day: int
    start: str
    end: str


class SpaceOut(Schema):
    """A bookable space of a place of the network."""

    id: int
    name: str
    description: str
    place: SpacePlaceOut
    capacity: int = Field(..., description="How many people the space holds.")
    opening_hours: list[OpeningWindow] = Field(..., description="Weekly windows; empty: open at any time.")
    rules: str = Field(..., description="The rules of use.")
    manager_organization: NamedRef
    approval_required: bool = Field(..., description="A manager confirms each booking; else confirmed at once.")
    step_free: bool
    is_public: bool = Field(..., description="Its calendar (when it is taken) is public.")
    is_active: bool = Field(..., description="It takes bookings.")


class SpaceSlotOut(Schema):
    """A moment the space is taken, as the caller may see it."""

    booking: int | None = Field(..., description="The booking's id when the caller may read it; else null.")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    label: str = Field(..., description="The purpose for who may read it; else “taken” or a public event's title.")
    requested: bool = Field(..., description="Waiting for a manager's confirmation (it holds the slot already).")


class BookingOut(Schema):
    """A booking, for its booker, the operators and the space's managers."""

    id: int
    space: NamedRef
    series: int | None = Field(..., description="The weekly booking it belongs to; null for a single booking.")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    title: str = Field(..., description="What the space is for.")
    is_public_event: bool
    people: int
    status: BookingStatus
    organization: NamedRef | None
    contact_name: str
    contact_phone: str

    @staticmethod
    def resolve_space(obj: Any) -> dict[str, Any]:
        return {"id": obj.space_id, "name": obj.space.name}

    @staticmethod
    def resolve_series(obj: Any) -> int | None:
        return obj.series_id


class WeeklyBookingOut(Schema):
    """What a weekly booking wrote: the bookings, the series, and the dates skipped because they were taken."""

    series: int
    bookings: list[BookingOut]
    skipped: list[datetime.date] = Field(..., description="Dates already taken, skipped (with `skip_taken`).")


BOOKING = declared(BOOKING_INPUTS)
WEEKLY = declared(WEEKLY_INPUTS)
HHMM = r"^([01]?\d|2[0-3])[:.][0-5]\d$"


class BookingIn(Schema):
    """A single booking of the space: a day, from a time to a time (within its opening hours), what for, how many.
    A requested or confirmed booking of the same space that overlaps refuses it (422, `slot_taken`)."""

    model_config = with_server_rules(BOOKING.server_rules(BOOKING.rules.fields))

    date: Day = BOOKING.field("date")
    start: str = BOOKING.field("start", pattern=HHMM, description="HH:MM, Rome's time.")
    end: str = BOOKING.field("end", pattern=HHMM, description="HH:MM, after `start`, the same day.")
    title: str = BOOKING.field("title")
    people: int = BOOKING.field("people", description="At most the space's capacity.")
    is_public_event: bool = BOOKING.field("is_public_event")
    organization: int | None = BOOKING.field("organization", None, description="Your organisation's id.")
    contact_name: str = BOOKING.field("contact_name")
    contact_phone: str = BOOKING.field("contact_phone")


class WeeklyBookingIn(BookingIn):
    """A booking every week on the first day's weekday, until a day, skipping the exceptions. A conflict on any date
    refuses it all (422 `slot_taken` on `exceptions`, naming the dates), unless `skip_taken`."""

    model_config = with_server_rules(WEEKLY.server_rules(WEEKLY.rules.fields))

    until: Day = WEEKLY.field("until")
    exceptions: list[Day] = Field(default_factory=list, max_length=60, description="Dates to skip.")
    skip_taken: bool = WEEKLY.field("skip_taken", description="Book the free dates only; the taken ones are skipped.")


class BookingNoteIn(Schema):
    """Why (optional), kept in the booking's history."""

    model_config = with_server_rules([])

    note: str = Field("", max_length=500)


class SpaceFilters(Schema):
    municipality: Id | None = Field(None, description="Only the spaces of this Comune (its id).")


class SpaceSlotFilters(Schema):
    start: Day | None = Field(None, description="The first day (default: today).")
    days: int = Field(7, ge=1, le=62, description="How many days from `start`.")


@router.get(
    "/{slug}/spaces/",
    response={200: list[SpaceOut], **READ_ERRORS},
    operation_id="spaces_list",
    summary="The network's bookable spaces",
    auth=requires(VIEW_SPACES),
)
@paginate(PageNumberPagination)
def list_spaces(request: HttpRequest, slug: str, filters: Query[SpaceFilters]):
    network = scoped_network(request)
    return selectors.spaces_for(request.user, network, municipality=filters.municipality)


@router.get(
    "/{slug}/spaces/{id}/",
    response={200: SpaceOut, **READ_ERRORS},
    operation_id="spaces_get",
    summary="One space",
    auth=requires(VIEW_SPACES),
)
def get_space(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return selectors.get_space_for(request.user, network, id)


@router.get(
    "/{slug}/spaces/{id}/slots/",
    response={200: list[SpaceSlotOut], **READ_ERRORS},
    operation_id="spaces_slots",
    summary="When a space is taken, day by day",
    auth=requires(VIEW_SPACES),
)
def list_slots(request: HttpRequest, slug: str, id: Id, filters: Query[SpaceSlotFilters]):
    network = scoped_network(request)
    space = selectors.get_space_for(request.user, network, id)
    first = filters.start or timezone.localdate()
    last = first + datetime.timedelta(days=filters.days - 1)
    days = selectors.calendar_days(request.user, space, first, last, taken=gettext("taken"), network=network)
    return [
        {
            "booking": slot.booking.pk if slot.detailed else None,
            "starts_at": slot.start,
            "ends_at": slot.end,
            "label": slot.label,
            "requested": slot.requested,
        }
        for day in days
        for slot in day.slots
    ]


@router.post(
    "/{slug}/spaces/{id}/bookings/",
    response={201: BookingOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="bookings_create",
    summary="Book a space once (409 when it takes no bookings)",
    auth=requires(BOOK_SPACES),
)
def create_booking(request: HttpRequest, slug: str, id: Id, payload: BookingIn):
    network = scoped_network(request)
    space = selectors.get_space_for(request.user, network, id)
    with refusals():
        booking = services.request_booking(actor=request.user, space=space, data=payload.dict())
    return Status(201, selectors.get_booking_for(request.user, network, booking.pk))


@router.post(
    "/{slug}/spaces/{id}/weekly-bookings/",
    response={201: WeeklyBookingOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="bookings_create_weekly",
    summary="Book a space every week until a day (409 when it takes no bookings)",
    auth=requires(BOOK_SPACES),
)
def create_weekly(request: HttpRequest, slug: str, id: Id, payload: WeeklyBookingIn):
    network = scoped_network(request)
    space = selectors.get_space_for(request.user, network, id)
    with refusals():
        booked = services.request_weekly_booking(actor=request.user, space=space, data=payload.dict())
    series = booked.series
    if series is None:
        raise HttpError(500, "no series")
    return Status(201, {"series": series.pk, "bookings": booked.bookings, "skipped": list(booked.skipped)})


@router.get(
    "/{slug}/bookings/",
    response={200: list[BookingOut], **READ_ERRORS},
    operation_id="bookings_list",
    summary="The caller's own bookings, latest first",
    auth=requires(BOOK_SPACES),
)
@paginate(PageNumberPagination)
def list_bookings(request: HttpRequest, slug: str):
    network = scoped_network(request)
    return selectors.my_bookings(request.user, network).select_related("organization")


@router.get(
    "/{slug}/bookings/{id}/",
    response={200: BookingOut, **READ_ERRORS},
    operation_id="bookings_get",
    summary="One booking (its booker, the operators and the space's managers; 404 for anyone else)",
    auth=requires(VIEW_SPACES),
)
def get_booking(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return selectors.get_booking_for(request.user, network, id)


def _move(request: HttpRequest, id: int, move: Any, note: str) -> Any:
    network = scoped_network(request)
    booking = selectors.get_booking_for(request.user, network, id)
    try:
        with refusals():
            move(actor=request.user, booking=booking, note=note)
    except PermissionDenied as exc:
        raise HttpError(403, gettext("You may not do this to this booking.")) from exc
    return selectors.get_booking_for(request.user, network, id)


MOVE_RESPONSES: dict[int, Any] = {200: BookingOut, 409: ErrorOut, **WRITE_ERRORS}


@router.post(
    "/{slug}/bookings/{id}/confirm/",
    response=MOVE_RESPONSES,
    operation_id="bookings_confirm",
    summary="Confirm a requested booking (the space's managers; 409 when it is not requested or has started)",
    auth=requires(VIEW_SPACES),
)
def confirm(request: HttpRequest, slug: str, id: Id, payload: BookingNoteIn):
    return _move(request, id, services.confirm_booking, payload.note)


@router.post(
    "/{slug}/bookings/{id}/refuse/",
    response=MOVE_RESPONSES,
    operation_id="bookings_refuse",
    summary="Refuse a requested booking (the space's managers; 409 when it is not requested)",
    auth=requires(VIEW_SPACES),
)
def refuse(request: HttpRequest, slug: str, id: Id, payload: BookingNoteIn):
    return _move(request, id, services.refuse_booking, payload.note)


@router.post(
    "/{slug}/bookings/{id}/cancel/",
    response=MOVE_RESPONSES,
    operation_id="bookings_cancel",
    summary="Cancel a booking (its booker or the space's managers; 409 when it is over or already ended)",
    auth=requires(VIEW_SPACES),
)
def cancel(request: HttpRequest, slug: str, id: Id, payload: BookingNoteIn):
    return _move(request, id, services.cancel_booking, payload.note)
