"""Test data for give-back hours: a pact that started four weeks ago, a volunteer shift of its person, a confirmed
time-bank exchange in which the person gave time, an open give-back place hosted by the cast's organisation."""

from __future__ import annotations

import datetime

from django.utils import timezone

from legami.activities.tests.factories import ActivityFactory, SessionFactory, VolunteerShiftFactory
from legami.core.tests import factories as f
from legami.exchange.services.timebank import account_for, propose_transfer
from legami.pacts.models import Commitment, GiveBackHours, GiveBackSource, GiveBackStatus, Pact, PactVersion
from legami.pacts.tests.factories import open_case, signed_pact
from legami.responses.tests.factories_responses import GiveBackPlaceFactory, active_response

STARTED_DAYS_AGO = 28


def started_pact(cast, **case_fields) -> Pact:
    """A signed, active pact (600 € line, 2 h a week of give-back) whose version 1 started four weeks ago."""
    pact = signed_pact(open_case(cast, **case_fields))
    today = timezone.localdate()
    PactVersion.objects.filter(pk=pact.current_version_id).update(
        starts_on=today - datetime.timedelta(days=STARTED_DAYS_AGO), ends_on=today + datetime.timedelta(days=152)
    )
    pact.refresh_from_db()
    return pact


def commitment_of(pact: Pact) -> Commitment:
    return Commitment.objects.get(version_id=pact.current_version_id, is_give_back=True)


def shift_of(cast, pact: Pact, *, minutes: int = 150, days_ago: int = 2, organizer=None):
    """A shift of the pact's person at a session `days_ago`, logged by the community worker."""
    activity = ActivityFactory(
        network=cast.network,
        organizer=organizer or cast.organization,
        place=f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0]),
        title="Doposcuola di via Dante",
    )
    starts_at = timezone.now() - datetime.timedelta(days=days_ago)
    session = SessionFactory(activity=activity, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3))
    return VolunteerShiftFactory(
        session=session, person=pact.case.person, minutes=minutes, logged_by=cast.community_worker
    )


def exchange_of(cast, pact: Pact, *, minutes: int = 90, gives: bool = True):
    """A confirmed exchange between the cast's organisation and the pact's person (the person gave time)."""
    person = account_for(network=cast.network, person=pact.case.person)
    organization = account_for(network=cast.network, organization=cast.organization)
    fund = account_for(network=cast.network)
    propose_transfer(
        actor=cast.coordinator,
        network=cast.network,
        legs=[(fund, -600), (organization if gives else person, 600)],
        reason="Credito iniziale",
        confirm=True,
    )
    payer, payee = (organization, person) if gives else (person, organization)
    return propose_transfer(
        actor=cast.coordinator,
        network=cast.network,
        legs=[(payer, -minutes), (payee, minutes)],
        reason="Aiuto al trasloco della sede",
        confirm=True,
    )


def place_of(cast, *, host=None):
    """An open give-back place of an active response, hosted by the cast's organisation."""
    response = active_response(cast.network, cast.organization)
    return GiveBackPlaceFactory(response=response, host=host or cast.organization)


def pending_hours(cast, pact: Pact, *, host=None, minutes: int = 120, days_ago: int = 3) -> GiveBackHours:
    """Hours at a give-back place, waiting for the host (written straight to the database)."""
    place = place_of(cast, host=host)
    return GiveBackHours.objects.create(
        network=cast.network,
        pact=pact,
        commitment_key=commitment_of(pact).key,
        done_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        minutes=minutes,
        source=GiveBackSource.GIVEBACK_PLACE,
        giveback_place=place,
        host=place.host,
        status=GiveBackStatus.PENDING,
        logged_by=cast.case_manager,
    )
