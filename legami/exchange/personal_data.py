"""What the exchange app holds about a person of the registry: the offers they make, the matches in which they are a
side (their offer, or a need about them), their hours account with its transfers, and the space bookings made from
their account.

Which rows are the person's:

- offers: those recorded for the person (`Offer.person`), and those they posted themselves from their account (the
  offer form or the public page) that nobody has tied to a person or an organisation yet. Those carry the moment
  consent was given (`consent_at`); an operator's record carries none, so an operator who is also in the registry
  does not receive the offers they typed in for others;
- matches: those of their offers and those of the needs about them (`Need.person`). The export says which side the
  person is on and never who the other side is; the feedback is exported when the person gave it (they completed
  the match from their account), since the sides do not read each other's words;
- time bank: their account (`TimeAccount.person`) and every transfer with a leg on it, with the person's own leg
  and the other legs by account number and kind only;
- space bookings: those made from their account (`Booking.booked_by`); a booking has no link to a person of the
  registry, so an operator's booking for someone is found only by its contact, which is not read here.

Anonymisation removes what was written and who to call, and keeps what the figures count: an offer keeps its kind,
areas, Comune, point, capacity and status (its title becomes its number); a match keeps its status, dates, ratings
and distance (its feedback and the notes of its history are emptied); the time bank keeps every transfer and every
movement, so balances and `manage.py check_ledger` do not change (a transfer's reason becomes its number, the
notes of its history are emptied); a booking keeps its space, time slot, status and people expected (its title
becomes its number, its contact is emptied and it is no longer a public event). Every link to the person's account
(posted by, accepted by, proposed by, booked by…) is cut. Registered in legami.core.personal_data from
ExchangeConfig.ready().
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import CharField, F, Max, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from legami.core.personal_data import AuditObjects, Rows, Section, jsonable, register, row_of
from legami.exchange.models import (
    Booking,
    BookingEvent,
    BookingSeries,
    Match,
    MatchEvent,
    MatchStatus,
    Movement,
    Offer,
    OfferEvent,
    TimeAccount,
    Transfer,
    TransferEvent,
)
from legami.needs.models import NeedArea

Latest = dict[int, datetime.datetime]


def _number() -> Concat:
    """A row's number as text ("#12"): what replaces a title or a reason that may name someone."""
    return Concat(Value("#"), Cast("pk", output_field=CharField()), output_field=CharField())


def _merge(latest: Latest, found: Iterable[tuple[int, datetime.datetime | None]]) -> None:
    for person_id, moment in found:
        if moment is not None and (person_id not in latest or moment > latest[person_id]):
            latest[person_id] = moment


def _accounts_of(person_ids: list[int]) -> dict[tuple[int, int], int]:
    """{(user id, network id): person id} of the people with an account: what they did from it is theirs."""
    from legami.network.models import Person

    rows = Person.objects.filter(pk__in=person_ids, user__isnull=False).values_list("user_id", "network_id", "pk")
    return {(user_id, network_id): pk for user_id, network_id, pk in rows}


def _history(events: Iterable[Any]) -> list[dict[str, Any]]:
    # The steps of a row's life, without who took them (an operator, or the other side).
    return [
        {"at": jsonable(e.created_at), "from_status": e.from_status, "to_status": e.to_status, "note": e.note}
        for e in events
    ]


# --- offers ---------------------------------------------------------------------------------------------------


# Posted from someone's account as their own: no person or organisation given, consent recorded.
OWN_POSTED = Q(person__isnull=True, organization__isnull=True, consent_at__isnull=False)


def _offers(person: Any) -> QuerySet[Offer]:
    condition = Q(person_id=person.pk)
    if person.user_id is not None:
        condition |= OWN_POSTED & Q(submitted_by_id=person.user_id)
    return Offer.objects.filter(condition, network_id=person.network_id).order_by("pk")


def _offer_rows(person: Any) -> Rows:
    offers = (
        _offers(person)
        .select_related("municipality", "neighbourhood")
        .prefetch_related(
            Prefetch("areas", queryset=NeedArea.objects.order_by("name", "pk")),
            Prefetch("events", queryset=OfferEvent.objects.order_by("created_at", "pk")),
        )
    )
    rows = []
    for offer in offers:
        areas = list(offer.areas.all())
        rows.append(
            {
                **row_of(offer),
                "kind_label": offer.get_kind_display(),
                "status_label": offer.get_status_display(),
                "areas": [area.pk for area in areas],
                "area_names": "; ".join(area.name for area in areas),
                "municipality_name": offer.municipality.name,
                "neighbourhood_name": offer.neighbourhood.name if offer.neighbourhood is not None else "",
                "history": _history(offer.events.all()),
            }
        )
    return rows


def _anonymise_offers(person: Any) -> None:
    offers = Offer.objects.filter(pk__in=list(_offers(person).values_list("pk", flat=True)))
    # Kind, areas, status, Comune, neighbourhood, point, reach, capacity, hours and languages stay: the matching
    # figures count them. What was written, and who to call, goes; the title becomes the offer's number.
    if person.user_id is not None:
        offers.filter(submitted_by_id=person.user_id).update(submitted_by=None)
    offers.update(
        title=_number(),
        description="",
        contact_name="",
        contact_email="",
        contact_phone="",
        accessibility_notes="",
        external_id="",
    )
    OfferEvent.objects.filter(offer__in=offers).update(note="")


def _offer_last_activity(person_ids: list[int]) -> Latest:
    latest: Latest = {}
    _merge(
        latest,
        Offer.objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(m=Max("updated_at"))
        .values_list("person_id", "m"),
    )
    accounts = _accounts_of(person_ids)
    if accounts:
        posted = (
            Offer.objects.filter(OWN_POSTED, submitted_by_id__in={user_id for user_id, _network in accounts})
            .values("submitted_by_id", "network_id")
            .annotate(m=Max("updated_at"))
        )
        _merge(
            latest,
            (
                (accounts[(row["submitted_by_id"], row["network_id"])], row["m"])
                for row in posted
                if (row["submitted_by_id"], row["network_id"]) in accounts
            ),
        )
    return latest


def _offer_audit(person: Any) -> AuditObjects:
    return [(Offer._meta.label_lower, _offers(person).values_list("pk", flat=True))]


# --- matches --------------------------------------------------------------------------------------------------


def _matches(person: Any) -> QuerySet[Match]:
    return Match.objects.filter(
        Q(need__person_id=person.pk) | Q(offer__in=_offers(person).values("pk")), network_id=person.network_id
    ).order_by("pk")


def _gave_feedback(match: Match, user_id: Any) -> bool:
    """Whether the person completed the match from their account, writing its feedback themself."""
    return user_id is not None and any(
        e.to_status == MatchStatus.COMPLETED and e.from_status != MatchStatus.COMPLETED and e.actor_id == user_id
        for e in match.events.all()
    )


def _match_rows(person: Any) -> Rows:
    own_offers = set(_offers(person).values_list("pk", flat=True))
    matches = (
        _matches(person)
        .annotate(need_person_id=F("need__person_id"))
        .prefetch_related(Prefetch("events", queryset=MatchEvent.objects.order_by("created_at", "pk")))
    )
    rows = []
    for match in matches:
        need_side = match.need_person_id == person.pk
        offer_side = match.offer_id in own_offers
        rows.append(
            {
                "id": match.pk,
                "side": ", ".join(side for side, mine in (("need", need_side), ("offer", offer_side)) if mine),
                # The person's own need or offer; the other side's row and who they are stay out.
                "need_id": match.need_id if need_side else None,
                "offer_id": match.offer_id if offer_side else None,
                "status": match.status,
                "status_label": match.get_status_display(),
                "origin": match.origin,
                "origin_label": match.get_origin_display(),
                "distance_km": jsonable(match.distance_km),
                "explanation": match.explanation,
                "created_at": jsonable(match.created_at),
                "need_accepted_at": jsonable(match.need_accepted_at),
                "offer_accepted_at": jsonable(match.offer_accepted_at),
                "started_on": jsonable(match.started_on),
                "ended_on": jsonable(match.ended_on),
                "updated_at": jsonable(match.updated_at),
                "need_rating": match.need_rating,
                "offer_rating": match.offer_rating,
                "feedback": match.feedback if _gave_feedback(match, person.user_id) else "",
                "history": _history(match.events.all()),
            }
        )
    return rows


def _anonymise_matches(person: Any) -> None:
    matches = Match.objects.filter(pk__in=list(_matches(person).values_list("pk", flat=True)))
    # Status, dates, ratings, distance and the engine's reasons stay: the figures of matching count them. The
    # feedback is one text for the whole match, written at its end: it goes, with the notes of its history.
    user_id = person.user_id
    if user_id is not None:
        matches.filter(need_accepted_by_id=user_id).update(need_accepted_by=None)
        matches.filter(offer_accepted_by_id=user_id).update(offer_accepted_by=None)
        matches.filter(created_by_id=user_id).update(created_by=None)
    matches.update(feedback="")
    MatchEvent.objects.filter(match__in=matches).update(note="")


def _match_last_activity(person_ids: list[int]) -> Latest:
    latest: Latest = {}
    for path in ("need__person_id", "offer__person_id"):
        _merge(
            latest,
            Match.objects.filter(**{f"{path}__in": person_ids})
            .values(path)
            .annotate(m=Max("updated_at"))
            .values_list(path, "m"),
        )
    accounts = _accounts_of(person_ids)
    if accounts:
        posted = (
            Match.objects.filter(
                offer__submitted_by_id__in={user_id for user_id, _network in accounts},
                offer__person__isnull=True,
                offer__organization__isnull=True,
                offer__consent_at__isnull=False,
            )
            .values("offer__submitted_by_id", "network_id")
            .annotate(m=Max("updated_at"))
        )
        _merge(
            latest,
            (
                (accounts[(row["offer__submitted_by_id"], row["network_id"])], row["m"])
                for row in posted
                if (row["offer__submitted_by_id"], row["network_id"]) in accounts
            ),
        )
    return latest


def _match_audit(person: Any) -> AuditObjects:
    return [(Match._meta.label_lower, _matches(person).values_list("pk", flat=True))]


# --- time bank ------------------------------------------------------------------------------------------------


def _accounts(person: Any) -> QuerySet[TimeAccount]:
    return TimeAccount.objects.filter(person_id=person.pk, network_id=person.network_id).order_by("pk")


def _transfers(person: Any) -> QuerySet[Transfer]:
    return Transfer.objects.filter(legs__account__in=_accounts(person).values("pk")).distinct().order_by("pk")


def _timebank_rows(person: Any) -> Rows:
    from legami.exchange.services.timebank import hours_label

    accounts = list(_accounts(person))
    rows: Rows = [
        {"entry": "account", **row_of(account), "balance": hours_label(account.balance_minutes)} for account in accounts
    ]
    if not accounts:
        return rows
    own = {account.pk for account in accounts}
    legs = list(
        Movement.objects.filter(account_id__in=own)
        .select_related("transfer")
        .order_by("transfer__created_at", "transfer_id", "pk")
    )
    transfer_ids = [leg.transfer_id for leg in legs]
    others: dict[int, list[dict[str, Any]]] = {}
    for transfer_id, account_id, kind, minutes in (
        Movement.objects.filter(transfer_id__in=transfer_ids)
        .exclude(account_id__in=own)
        .order_by("pk")
        .values_list("transfer_id", "account_id", "account__kind", "minutes")
    ):
        # The other side by number and kind (person, organisation, the network's fund), not by name.
        others.setdefault(transfer_id, []).append({"account_id": account_id, "kind": kind, "minutes": minutes})
    history: dict[int, list[Any]] = {}
    for event in TransferEvent.objects.filter(transfer_id__in=transfer_ids).order_by("created_at", "pk"):
        history.setdefault(event.transfer_id, []).append(event)
    for leg in legs:
        transfer = leg.transfer
        rows.append(
            {
                "entry": "transfer",
                "id": transfer.pk,
                "account_id": leg.account_id,
                "status": transfer.status,
                "status_label": transfer.get_status_display(),
                "reason": transfer.reason,
                "total_minutes": transfer.total_minutes,
                "minutes": leg.minutes,  # the person's own leg: negative when they gave, positive when they received
                "movement_id": leg.pk,
                "posted_at": jsonable(leg.posted_at),
                "proposed_by_this_account": transfer.proposer_account_id == leg.account_id,
                "match_id": transfer.match_id,
                "reverses_id": transfer.reverses_id,
                "created_at": jsonable(transfer.created_at),
                "updated_at": jsonable(transfer.updated_at),
                "other_legs": others.get(transfer.pk, []),
                "history": _history(history.get(transfer.pk, [])),
            }
        )
    return rows


def _anonymise_timebank(person: Any) -> None:
    # The ledger stays whole: no movement, balance or amount changes, nothing is deleted, so every balance still
    # equals its posted movements (manage.py check_ledger). What the hours were for may name people: each reason
    # becomes the transfer's number, and the notes of the transfers' history are emptied.
    transfers = Transfer.objects.filter(pk__in=list(_transfers(person).values_list("pk", flat=True)))
    user_id = person.user_id
    if user_id is not None:
        transfers.filter(proposed_by_id=user_id).update(proposed_by=None)
        transfers.filter(confirmed_by_id=user_id).update(confirmed_by=None)
    transfers.update(reason=_number())
    TransferEvent.objects.filter(transfer__in=transfers).update(note="")


def _timebank_last_activity(person_ids: list[int]) -> Latest:
    latest: Latest = {}
    _merge(
        latest,
        TimeAccount.objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(m=Max("updated_at"))
        .values_list("person_id", "m"),
    )
    _merge(
        latest,
        Movement.objects.filter(account__person_id__in=person_ids)
        .values("account__person_id")
        .annotate(m=Max("transfer__updated_at"))
        .values_list("account__person_id", "m"),
    )
    return latest


def _timebank_audit(person: Any) -> AuditObjects:
    return [
        (TimeAccount._meta.label_lower, _accounts(person).values_list("pk", flat=True)),
        (Transfer._meta.label_lower, _transfers(person).values_list("pk", flat=True)),
    ]


# --- space bookings ---------------------------------------------------------------------------------------------


def _bookings(person: Any) -> QuerySet[Booking]:
    if person.user_id is None:
        return Booking.objects.none()
    return Booking.objects.filter(booked_by_id=person.user_id, network_id=person.network_id).order_by("starts_at", "pk")


def _booking_rows(person: Any) -> Rows:
    bookings = (
        _bookings(person)
        .select_related("space", "series")
        .prefetch_related(Prefetch("events", queryset=BookingEvent.objects.order_by("created_at", "pk")))
    )
    rows = []
    for booking in bookings:
        series = booking.series
        rows.append(
            {
                **row_of(booking),
                "space_name": booking.space.name,
                "status_label": booking.get_status_display(),
                "series": row_of(series, exclude=("network", "space", "created_by")) if series is not None else None,
                "history": _history(booking.events.all()),
            }
        )
    return rows


def _anonymise_bookings(person: Any) -> None:
    if person.user_id is None:
        return
    bookings = Booking.objects.filter(pk__in=list(_bookings(person).values_list("pk", flat=True)))
    # The space, the time slot, the status and the people expected stay: the space's hours are counted from them.
    # What it was for and who to call go; the slot reads "taken" on the public calendar.
    BookingSeries.objects.filter(bookings__in=bookings, created_by_id=person.user_id).update(created_by=None)
    bookings.update(title=_number(), contact_name="", contact_phone="", is_public_event=False, booked_by=None)
    BookingEvent.objects.filter(booking__in=bookings).update(note="")


def _booking_last_activity(person_ids: list[int]) -> Latest:
    accounts = _accounts_of(person_ids)
    if not accounts:
        return {}
    latest: Latest = {}
    found = (
        Booking.objects.filter(booked_by_id__in={user_id for user_id, _network in accounts})
        .values("booked_by_id", "network_id")
        .annotate(m=Max("updated_at"))
    )
    _merge(
        latest,
        (
            (accounts[(row["booked_by_id"], row["network_id"])], row["m"])
            for row in found
            if (row["booked_by_id"], row["network_id"]) in accounts
        ),
    )
    return latest


def _booking_audit(person: Any) -> AuditObjects:
    return [(Booking._meta.label_lower, _bookings(person).values_list("pk", flat=True))]


SECTIONS = (
    Section(
        "exchange_offers",
        _offer_rows,
        audit_objects=_offer_audit,
        anonymise=_anonymise_offers,
        last_activity=_offer_last_activity,
        order=82,
    ),
    Section(
        "exchange_matches",
        _match_rows,
        audit_objects=_match_audit,
        anonymise=_anonymise_matches,
        last_activity=_match_last_activity,
        order=83,
    ),
    Section(
        "timebank",
        _timebank_rows,
        audit_objects=_timebank_audit,
        anonymise=_anonymise_timebank,
        last_activity=_timebank_last_activity,
        order=84,
    ),
    Section(
        "space_bookings",
        _booking_rows,
        audit_objects=_booking_audit,
        anonymise=_anonymise_bookings,
        last_activity=_booking_last_activity,
        order=85,
    ),
)


def register_personal_data() -> None:
    """Declare the exchange app's sections (called from ExchangeConfig.ready())."""
    register(*SECTIONS)
