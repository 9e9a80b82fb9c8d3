"""A volunteer's minutes at a held session are credited to their hours account from the network's fund, once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from legami.activities.models import SessionStatus
from legami.activities.services.volunteers import credit_shift, remove_shift
from legami.activities.tests.factories import SessionFactory, VolunteerShiftFactory, make_activity
from legami.core.tests import factories as f
from legami.exchange.models import TransferStatus
from legami.exchange.selectors.timebank import ledger_problems
from legami.exchange.services.timebank import account_for, fund_for

pytestmark = pytest.mark.django_db


def _shift(cast, *, hours_ago=3, status=SessionStatus.HELD):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    activity = make_activity(network=cast.network, organizer=cast.organization, place=place, title="Doposcuola")
    starts = timezone.now() - datetime.timedelta(hours=hours_ago)
    session = SessionFactory(activity=activity, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
    session.status = status
    session.save()
    volunteer = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    return VolunteerShiftFactory(session=session, person=volunteer, minutes=90)


def test_a_held_session_s_minutes_are_credited_once_from_the_fund(cast):
    shift = _shift(cast)
    transfer = credit_shift(actor=cast.community_worker, shift=shift)
    shift.refresh_from_db()
    assert transfer.status == TransferStatus.CONFIRMED and shift.transfer == transfer and shift.credited_at
    assert account_for(network=cast.network, person=shift.person).balance_minutes == 90
    assert fund_for(cast.network).balance_minutes == -90
    assert "Doposcuola" in transfer.reason
    assert ledger_problems(cast.network).problems == []
    with pytest.raises(ValidationError) as exc:
        credit_shift(actor=cast.community_worker, shift=shift)
    assert exc.value.code == "credited"
    with pytest.raises(ValidationError):
        remove_shift(actor=cast.coordinator, shift=shift)


def test_a_session_to_come_or_cancelled_credits_nothing(cast):
    for shift in (_shift(cast, hours_ago=-24, status=SessionStatus.SCHEDULED), _shift(cast, status="cancelled")):
        with pytest.raises(ValidationError) as exc:
            credit_shift(actor=cast.coordinator, shift=shift)
        assert exc.value.code == "not_held"
        shift.refresh_from_db()
        assert shift.credited_at is None and shift.transfer is None


@pytest.mark.parametrize("persona", ["case_manager", "partner_staff", "citizen", "evaluator", "outsider"])
def test_only_who_runs_the_time_bank_credits_hours(cast, persona):
    shift = _shift(cast)
    with pytest.raises(PermissionDenied):
        credit_shift(actor=getattr(cast, persona), shift=shift)
    shift.refresh_from_db()
    assert shift.credited_at is None


def test_the_volunteers_page_credits_with_a_button(cast, login):
    shift = _shift(cast)
    client = login(cast.coordinator)
    page = client.get(reverse("activities:volunteers", args=[cast.network.slug, shift.session_id])).content.decode()
    assert reverse("activities:shift_credit", args=[cast.network.slug, shift.pk]) in page
    response = client.post(reverse("activities:shift_credit", args=[cast.network.slug, shift.pk]))
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.credited_at is not None
    again = client.post(
        reverse("activities:shift_credit", args=[cast.network.slug, shift.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "already" in again.content.decode()
