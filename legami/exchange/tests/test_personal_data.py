"""What the exchange app declares about a person: their offers, the matches in which they are a side, their hours
account and transfers, and their space bookings, in the export (GDPR Art. 15, 20), in anonymisation and in the
end of retention."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.core.personal_data import audit_events_about, collect_person_data, registry
from legami.core.tests import factories as f
from legami.exchange.models import (
    Booking,
    BookingEvent,
    BookingSeries,
    BookingStatus,
    Match,
    MatchEvent,
    MatchStatus,
    Movement,
    Offer,
    OfferEvent,
    OfferStatus,
    TimeAccount,
    Transfer,
    TransferEvent,
)
from legami.exchange.personal_data import SECTIONS
from legami.exchange.selectors.timebank import ledger_problems
from legami.exchange.services import bookings as booking_services
from legami.exchange.services import matching
from legami.exchange.services.offers import record_offer, submit_public_offer
from legami.exchange.services.timebank import confirm_transfer, open_account, propose_from, reverse_transfer
from legami.exchange.tests.factories_offers import area, need, offer, proposed
from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory, at, next_weekday
from legami.exchange.tests.factories_timebank import citizen_account, credit
from legami.needs.models import NeedStatus
from legami.network.models import Person
from legami.network.selectors.retention import people_due_for_anonymisation
from legami.network.services.personal_data import anonymise_person, export_person_data

pytestmark = pytest.mark.django_db

NAMES = ("exchange_offers", "exchange_matches", "timebank", "space_bookings")
TUESDAY = 1


class World:
    """The citizen's person with something of every kind, and a stranger with the same: only the first may show."""


def _world(cast):
    w = World()
    network, cremona = cast.network, cast.municipalities[0]
    w.casa = area(cast)
    w.person = f.PersonFactory(network=network, user=cast.citizen, first_name="Giulia", municipality=cremona)
    w.stranger = f.PersonFactory(network=network, first_name="Estraneo", municipality=cremona)
    # offers: one an operator recorded for the person, one the person posted on the public page from their account
    w.recorded = record_offer(
        actor=cast.coordinator,
        network=network,
        data={
            "title": "MkOfferTitle",
            "description": "MkOfferDescription",
            "kind": "skill",
            "areas": [w.casa.pk],
            "person": w.person.pk,
            "contact_name": "MkOfferContact",
            "contact_email": "mk-offer@example.org",
            "contact_phone": "0372 111222",
            "municipality": cremona.pk,
            "accessibility_notes": "MkOfferAccess",
            "external_id": "MkOfferExternal",
        },
        note="MkOfferNote",
    )
    w.posted = submit_public_offer(
        network=network,
        user=cast.citizen,
        data={"title": "MkPostedTitle", "kind": "time", "areas": [w.casa.pk], "municipality": cremona.pk},
    )
    # the stranger's offer, and one an operator typed in for a caller with neither person nor organisation
    w.strangers_offer = offer(cast, [w.casa], person=w.stranger, title="MkStrangerOffer", contact_name="MkOtherSide")
    w.typed_in = record_offer(
        actor=cast.coordinator,
        network=network,
        data={
            "title": "MkTypedInTitle",
            "kind": "good",
            "areas": [w.casa.pk],
            "municipality": cremona.pk,
            "contact_name": "MkCaller",
        },
    )
    # matches: the person's need with the stranger's offer, completed by the person with their feedback; the
    # person's offer with a stranger's need, completed by an operator; a match of two strangers
    w.own_need = need(cast, w.casa, person=w.person, status=NeedStatus.READING)
    w.need_match = proposed(cast, w.own_need, w.strangers_offer)
    _run(cast, w.need_match, actor=cast.citizen, feedback="MkNeedSideFeedback", need_rating=5)
    w.strangers_need = need(cast, w.casa, person=w.stranger, status=NeedStatus.READING)
    w.offer_match = proposed(cast, w.strangers_need, w.recorded)
    _run(cast, w.offer_match, actor=cast.coordinator, feedback="MkOperatorFeedback", offer_rating=4)
    w.other_match = proposed(cast, need(cast, w.casa, person=w.stranger), w.strangers_offer)
    # time bank: opened by an operator, credited from the fund (and a mistake reversed), hours given to the
    # stranger, hours asked of them and waiting
    open_account(actor=cast.coordinator, network=network, person=w.person)
    w.account = citizen_account(cast)
    w.strangers_account = account_of(cast, w.stranger)
    w.credit = credit(cast, w.account, 180, reason="MkCreditReason")
    w.given = propose_from(
        actor=cast.citizen,
        network=network,
        account=w.account,
        data={"counterpart": w.strangers_account.pk, "gives": True, "minutes": "1:00", "reason": "MkGivenReason"},
    )
    confirm_transfer(actor=cast.coordinator, transfer=w.given, note="MkConfirmNote")
    w.waiting = propose_from(
        actor=cast.citizen,
        network=network,
        account=w.account,
        data={"counterpart": w.strangers_account.pk, "gives": False, "minutes": "0:30", "reason": "MkWaitingReason"},
    )
    w.mistake = credit(cast, w.account, 60, reason="MkMistakeReason")
    w.reversal = reverse_transfer(actor=cast.coordinator, transfer=w.mistake, reason="MkReversalReason")
    w.strangers_credit = credit(cast, w.strangers_account, 45, reason="MkStrangerReason")
    # bookings: one and a weekly one from the person's account, one of someone else
    w.space = SpaceFactory(network=network, manager_organization=cast.organization, approval_required=False)
    w.booking = booking_services.request_booking(
        actor=cast.citizen,
        space=w.space,
        data={
            "date": next_weekday(TUESDAY),
            "start": "16:00",
            "end": "18:00",
            "title": "MkBookingTitle",
            "people": 12,
            "is_public_event": True,
            "contact_name": "MkBookingContact",
            "contact_phone": "0372 333444",
        },
    )
    w.weekly = booking_services.request_weekly_booking(
        actor=cast.citizen,
        space=w.space,
        data={
            "date": next_weekday(TUESDAY),
            "start": "10:00",
            "end": "11:00",
            "until": next_weekday(TUESDAY, weeks=2),
            "title": "MkWeeklyTitle",
            "people": 5,
        },
    )
    booking_services.cancel_booking(actor=cast.citizen, booking=w.weekly.bookings[-1], note="MkCancelNote")
    w.strangers_booking = BookingFactory(
        space=w.space,
        starts_at=at(next_weekday(TUESDAY), 19),  # another hour (PostgreSQL refuses an overlap)
        booked_by=cast.community_worker,
        title="MkStrangerBooking",
        contact_name="MkStrangerContact",
    )
    return w


def account_of(cast, person):
    from legami.exchange.services.timebank import account_for

    return account_for(network=cast.network, person=person)


def _run(cast, match, *, actor, feedback, **ratings):
    matching.accept_match(actor=cast.coordinator, match=match, side=matching.Side.NEED)
    matching.accept_match(actor=cast.coordinator, match=match, side=matching.Side.OFFER, note="MkAcceptNote")
    match.refresh_from_db()
    matching.start_match(actor=cast.coordinator, match=match)
    match.refresh_from_db()
    matching.complete_match(actor=actor, match=match, data={"feedback": feedback, **ratings})
    match.refresh_from_db()
    return match


def _sections(person):
    return collect_person_data(Person.objects.get(pk=person.pk))


# --- the declarations ---


def test_the_four_sections_are_declared_each_with_an_order_of_its_own():
    declared = {s.name: s for s in registry.sections()}
    assert all(declared[name] is s for name, s in zip(NAMES, SECTIONS, strict=True))
    orders = [s.order for s in registry.sections()]
    assert len(orders) == len(set(orders)), "two sections share an order"
    for section in SECTIONS:
        assert section.audit_objects and section.anonymise and section.last_activity


# --- the export ---


def test_offers_are_the_persons_own_in_clear_with_labels_and_history(cast):
    w = _world(cast)
    rows = {r["id"]: r for r in _sections(w.person)["exchange_offers"]}
    # the operator's record for the person and the person's own post; not the stranger's, not the one typed in
    assert set(rows) == {w.recorded.pk, w.posted.pk}
    recorded = rows[w.recorded.pk]
    assert (recorded["title"], recorded["description"]) == ("MkOfferTitle", "MkOfferDescription")
    # the encrypted contacts come out decrypted
    assert (recorded["contact_name"], recorded["contact_email"], recorded["contact_phone"]) == (
        "MkOfferContact",
        "mk-offer@example.org",
        "0372 111222",
    )
    assert (recorded["accessibility_notes"], recorded["external_id"]) == ("MkOfferAccess", "MkOfferExternal")
    assert (recorded["kind"], recorded["kind_label"], recorded["status"], recorded["status_label"]) == (
        "skill",
        "Skill",
        "open",
        "Open",
    )
    assert recorded["areas"] == [w.casa.pk] and recorded["area_names"] == w.casa.name
    assert recorded["municipality_name"] == cast.municipalities[0].name
    assert [(h["from_status"], h["to_status"], h["note"]) for h in recorded["history"]] == [("", "open", "MkOfferNote")]
    posted = rows[w.posted.pk]
    assert posted["status"] == OfferStatus.PENDING and posted["submitted_by_id"] == cast.citizen.pk
    assert posted["contact_email"] == cast.citizen.email


def test_an_operator_in_the_registry_does_not_receive_the_offers_they_typed_in_for_others(cast):
    w = _world(cast)
    operator = f.PersonFactory(network=cast.network, user=cast.coordinator, municipality=cast.municipalities[0])
    assert Offer.objects.filter(submitted_by=cast.coordinator).count() == 2
    assert _sections(operator)["exchange_offers"] == []
    assert w.typed_in.pk not in {r["id"] for r in _sections(w.person)["exchange_offers"]}


def test_matches_say_the_persons_side_and_only_the_feedback_they_gave(cast):
    w = _world(cast)
    rows = {r["id"]: r for r in _sections(w.person)["exchange_matches"]}
    assert set(rows) == {w.need_match.pk, w.offer_match.pk}
    as_need = rows[w.need_match.pk]
    assert as_need["side"] == "need" and as_need["need_id"] == w.own_need.pk
    # the other side's offer, and who makes it, stay out
    assert as_need["offer_id"] is None
    assert (as_need["status"], as_need["status_label"], as_need["need_rating"]) == ("completed", "Completed", 5)
    assert as_need["feedback"] == "MkNeedSideFeedback"
    assert as_need["started_on"] and as_need["ended_on"] and as_need["need_accepted_at"]
    assert "MkAcceptNote" in [h["note"] for h in as_need["history"]]
    as_offer = rows[w.offer_match.pk]
    assert as_offer["side"] == "offer" and as_offer["offer_id"] == w.recorded.pk and as_offer["need_id"] is None
    assert as_offer["offer_rating"] == 4
    # an operator completed it: the feedback is not the person's words
    assert as_offer["feedback"] == ""
    text = json.dumps(_sections(w.person)["exchange_matches"])
    for other in ("MkOtherSide", "MkStrangerOffer", "Estraneo", "MkOperatorFeedback"):
        assert other not in text
    for row in rows.values():
        assert not {"need_accepted_by_id", "offer_accepted_by_id", "created_by_id"} & set(row)
        assert all(set(h) == {"at", "from_status", "to_status", "note"} for h in row["history"])


def test_the_time_bank_has_the_account_and_every_transfer_with_the_persons_leg(cast):
    w = _world(cast)
    rows = _sections(w.person)["timebank"]
    account = [r for r in rows if r["entry"] == "account"]
    assert len(account) == 1 and account[0]["id"] == w.account.pk
    w.account.refresh_from_db()
    assert account[0]["balance_minutes"] == w.account.balance_minutes == 180 - 60 + 60 - 60
    assert account[0]["balance"] == "2:00 h"
    transfers = {r["id"]: r for r in rows if r["entry"] == "transfer"}
    assert set(transfers) == {w.credit.pk, w.given.pk, w.waiting.pk, w.mistake.pk, w.reversal.pk}
    given = transfers[w.given.pk]
    assert (given["reason"], given["minutes"], given["total_minutes"], given["status"]) == (
        "MkGivenReason",
        -60,
        60,
        "confirmed",
    )
    assert given["posted_at"] and given["proposed_by_this_account"] is True
    assert given["other_legs"] == [{"account_id": w.strangers_account.pk, "kind": "person", "minutes": 60}]
    assert "MkConfirmNote" in [h["note"] for h in given["history"]]
    waiting = transfers[w.waiting.pk]
    assert (waiting["minutes"], waiting["status"], waiting["posted_at"]) == (30, "proposed", None)
    assert transfers[w.credit.pk]["other_legs"][0]["kind"] == "fund"
    assert transfers[w.reversal.pk]["reverses_id"] == w.mistake.pk
    assert transfers[w.reversal.pk]["reason"] == "MkReversalReason" and transfers[w.reversal.pk]["minutes"] == -60
    assert transfers[w.mistake.pk]["status"] == "reversed"
    assert "MkStrangerReason" not in json.dumps(rows) and "Estraneo" not in json.dumps(rows)


def test_bookings_made_from_the_persons_account_with_their_contact_in_clear(cast):
    w = _world(cast)
    rows = {r["id"]: r for r in _sections(w.person)["space_bookings"]}
    assert set(rows) == {w.booking.pk, *(b.pk for b in w.weekly.bookings)}
    single = rows[w.booking.pk]
    assert (single["title"], single["contact_name"], single["contact_phone"]) == (
        "MkBookingTitle",
        "MkBookingContact",
        "0372 333444",
    )
    assert single["space_name"] == w.space.name and single["status_label"] == "Confirmed"
    assert single["series"] is None and single["is_public_event"] is True
    last = rows[w.weekly.bookings[-1].pk]
    assert last["series"]["id"] == w.weekly.series.pk and last["series"]["weekday"] == TUESDAY
    assert last["status"] == BookingStatus.CANCELLED
    assert [h["note"] for h in last["history"]][-1] == "MkCancelNote"
    assert "MkStranger" not in json.dumps(list(rows.values()))


def test_a_person_without_an_account_has_only_what_is_recorded_for_them(cast):
    w = _world(cast)
    data = _sections(w.stranger)
    assert [r["id"] for r in data["exchange_offers"]] == [w.strangers_offer.pk]
    assert {r["id"] for r in data["exchange_matches"]} == {w.need_match.pk, w.offer_match.pk, w.other_match.pk}
    assert data["space_bookings"] == []
    # nothing is said of the citizen's side (the audit events about the shared matches name them by the offer's
    # title, which the need's side reads on the match anyway)
    text = json.dumps({name: data[name] for name in NAMES})
    assert "MkNeedSideFeedback" not in text and "MkOfferTitle" not in text and "Giulia" not in text


def test_the_audit_events_about_the_rows_go_with_the_export(cast):
    w = _world(cast)
    about = audit_events_about(Person.objects.get(pk=w.person.pk))
    found = set(about.values_list("object_type", "object_id"))
    for row in (w.recorded, w.posted, w.need_match, w.offer_match, w.given, w.reversal, w.booking, w.account):
        assert (row._meta.label_lower, str(row.pk)) in found, row
    for row in (w.strangers_offer, w.other_match, w.strangers_credit, w.typed_in):
        assert (row._meta.label_lower, str(row.pk)) not in found, row


def test_the_zip_holds_the_four_files(cast):
    w = _world(cast)
    archive = zipfile.ZipFile(io.BytesIO(export_person_data(actor=cast.privacy_officer, person=w.person)))
    for name in NAMES:
        assert f"{name}.csv" in archive.namelist()
    csv = archive.read("exchange_offers.csv").decode("utf-8")
    assert "MkOfferContact" in csv and "mk-offer@example.org" in csv
    assert "MkGivenReason" in archive.read("timebank.csv").decode("utf-8")


# --- anonymisation ---


def _figures(network):
    """What the exchange's figures count, for the whole network."""
    return {
        "offers": sorted(
            Offer.objects.filter(network=network)
            .values_list("kind", "status", "municipality_id", "capacity", "areas")
            .annotate(n=Count("id", distinct=True))
        ),
        "matches": sorted(
            Match.objects.filter(network=network).values_list(
                "status", "need_id", "offer_id", "need_rating", "offer_rating", "started_on", "ended_on"
            ),
            key=repr,
        ),
        "transfers": sorted(Transfer.objects.filter(network=network).values_list("pk", "status", "total_minutes")),
        "movements": sorted(Movement.objects.filter(network=network).values_list("pk", "account_id", "minutes")),
        "posted": Movement.objects.filter(network=network, posted_at__isnull=False).count(),
        "balances": sorted(TimeAccount.objects.filter(network=network).values_list("pk", "balance_minutes")),
        "bookings": sorted(
            Booking.objects.filter(network=network).values_list(
                "pk", "space_id", "starts_at", "ends_at", "status", "people"
            )
        ),
        "series": sorted(BookingSeries.objects.filter(network=network).values_list("pk", "weekday", "starts_on")),
        "history": [
            model.objects.count() for model in (OfferEvent, MatchEvent, TransferEvent, BookingEvent, AuditEvent)
        ],
    }


def _raw(model, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608 — test names
        return cursor.fetchone()[0]


def test_anonymisation_empties_the_persons_words_and_contacts_and_keeps_every_figure(cast):
    w = _world(cast)
    raw_contact = _raw(Offer, "contact_name", w.recorded.pk)
    before = _figures(cast.network)
    anonymise_person(actor=cast.privacy_officer, person=w.person)
    after = _figures(cast.network)
    # one more audit event (the anonymisation's own), every other count the same
    assert after["history"][-1] == before["history"][-1] + 1
    after["history"][-1] = before["history"][-1]
    assert after == before

    for made in (w.recorded, w.posted):
        made.refresh_from_db()
        assert made.title == f"#{made.pk}"
        assert (made.description, made.contact_name, made.contact_email, made.contact_phone) == ("", "", "", "")
        assert (made.accessibility_notes, made.external_id) == ("", "")
    assert _raw(Offer, "contact_name", w.recorded.pk) != raw_contact
    # what figures count stays: kind, areas, Comune, status, the person's link
    w.recorded.refresh_from_db()
    assert (w.recorded.kind, w.recorded.status, w.recorded.person_id) == ("skill", "open", w.person.pk)
    assert list(w.recorded.areas.all()) == [w.casa]
    w.posted.refresh_from_db()
    assert w.posted.submitted_by is None and w.posted.consent_at is not None
    assert not OfferEvent.objects.filter(offer__in=[w.recorded, w.posted]).exclude(note="").exists()

    for match in (w.need_match, w.offer_match):
        match.refresh_from_db()
        assert match.feedback == "" and match.status == MatchStatus.COMPLETED
        assert not match.events.exclude(note="").exists()
    w.need_match.refresh_from_db()
    assert w.need_match.need_rating == 5 and w.need_match.ended_on is not None

    for transfer in (w.credit, w.given, w.waiting, w.mistake, w.reversal):
        transfer.refresh_from_db()
        assert transfer.reason == f"#{transfer.pk}"
        assert transfer.proposed_by_id != cast.citizen.pk and transfer.confirmed_by_id != cast.citizen.pk
        assert not transfer.events.exclude(note="").exists()

    for booking in Booking.objects.filter(pk__in=[w.booking.pk, *(b.pk for b in w.weekly.bookings)]):
        assert booking.title == f"#{booking.pk}"
        assert (booking.contact_name, booking.contact_phone, booking.is_public_event) == ("", "", False)
        assert booking.booked_by is None and not booking.events.exclude(note="").exists()
    assert BookingSeries.objects.get(pk=w.weekly.series.pk).created_by is None

    # the stranger's rows, the other side's words and the operator's offer typed in for a caller are untouched
    w.strangers_offer.refresh_from_db()
    w.typed_in.refresh_from_db()
    assert (w.strangers_offer.title, w.strangers_offer.contact_name) == ("MkStrangerOffer", "MkOtherSide")
    assert w.typed_in.title == "MkTypedInTitle" and w.typed_in.submitted_by == cast.coordinator
    assert Transfer.objects.get(pk=w.strangers_credit.pk).reason == "MkStrangerReason"
    assert Booking.objects.get(pk=w.strangers_booking.pk).title == "MkStrangerBooking"
    assert Booking.objects.get(pk=w.strangers_booking.pk).contact_name == "MkStrangerContact"

    # the export of the anonymised person holds none of their words
    text = json.dumps(_sections(w.person))
    for marker in ("MkOffer", "MkPosted", "MkNeedSide", "MkGiven", "MkCredit", "MkReversal", "MkBooking", "MkWeekly"):
        assert marker not in text, marker


def test_the_ledger_still_balances_after_anonymisation(cast):
    w = _world(cast)
    assert ledger_problems(cast.network).problems == []
    balances = dict(TimeAccount.objects.values_list("pk", "balance_minutes"))
    anonymise_person(actor=cast.privacy_officer, person=w.person)
    report = ledger_problems(cast.network)
    assert report.problems == [] and report.balance_sum == 0
    assert dict(TimeAccount.objects.values_list("pk", "balance_minutes")) == balances
    # every leg is still there, the proposed one (not posted) included
    assert Movement.objects.filter(account=w.account).aggregate(s=Sum("minutes"))["s"] == 180 - 60 + 30 + 60 - 60
    out = io.StringIO()
    call_command("check_ledger", "--network", cast.network.slug, stdout=out)
    assert "The ledger is balanced." in out.getvalue()
    # the waiting transfer can still be answered: nothing of its life was taken away
    confirm_transfer(actor=cast.coordinator, transfer=Transfer.objects.get(pk=w.waiting.pk))
    assert ledger_problems(cast.network).problems == []


def test_anonymisation_erases_the_audit_events_about_the_persons_rows(cast):
    w = _world(cast)
    rows = {
        ("exchange.offer", str(w.recorded.pk)),
        ("exchange.match", str(w.need_match.pk)),
        ("exchange.transfer", str(w.given.pk)),
        ("exchange.booking", str(w.booking.pk)),
    }
    events = [e for e in AuditEvent.objects.all() if (e.object_type, e.object_id) in rows]
    assert {(e.object_type, e.object_id) for e in events} == rows
    anonymise_person(actor=cast.privacy_officer, person=w.person)
    for event in AuditEvent.objects.filter(pk__in=[e.pk for e in events]):
        assert event.erased_at is not None and (event.object_repr, event.before, event.after) == ("", None, None)
    stranger_event = AuditEvent.objects.filter(object_type="exchange.transfer", object_id=str(w.strangers_credit.pk))
    assert stranger_event.exists() and not stranger_event.filter(erased_at__isnull=False).exists()


# --- the end of retention ---

NOW = timezone.now()


def _last(person):
    from legami.core.personal_data import last_activity

    return last_activity([person.pk]).get(person.pk)


def _age_everything(moment):
    for model in (Person, Offer, Match, TimeAccount, Transfer, Booking):
        model.objects.update(updated_at=moment)
    from legami.needs.models import Need

    Need.objects.update(updated_at=moment)


@pytest.mark.parametrize("section", NAMES)
def test_each_sections_last_activity_is_the_latest_write_of_its_rows(cast, section):
    w = _world(cast)
    old = NOW - datetime.timedelta(days=900)
    _age_everything(old)
    assert _last(w.person) == old
    latest = NOW - datetime.timedelta(days=3)
    touched = {
        "exchange_offers": (Offer, w.posted.pk),  # posted from the account: found through it
        "exchange_matches": (Match, w.need_match.pk),
        "timebank": (Transfer, w.waiting.pk),
        "space_bookings": (Booking, w.booking.pk),
    }[section]
    touched[0].objects.filter(pk=touched[1]).update(updated_at=latest)
    found = next(s for s in SECTIONS if s.name == section).last_activity([w.person.pk, w.stranger.pk])
    assert found[w.person.pk] == latest
    assert _last(w.person) == latest


def test_the_stranger_is_not_kept_by_the_persons_activity_and_vice_versa(cast):
    w = _world(cast)
    old = NOW - datetime.timedelta(days=900)
    _age_everything(old)
    Booking.objects.filter(pk=w.booking.pk).update(updated_at=NOW)
    Offer.objects.filter(pk=w.typed_in.pk).update(updated_at=NOW)  # an operator's record: nobody's activity
    from legami.core.personal_data import last_activity

    found = last_activity([w.person.pk, w.stranger.pk])
    assert found[w.person.pk] == NOW and found[w.stranger.pk] == old


def test_an_hours_account_moving_is_activity_that_keeps_the_person(cast):
    w = _world(cast)
    f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=24)
    _age_everything(NOW - datetime.timedelta(days=31 * 25))
    due = {d.person_id for d in people_due_for_anonymisation(cast.network, now=NOW)}
    assert w.person.pk in due
    credit(cast, w.account, 30, reason="Di nuovo attiva")
    due = {d.person_id for d in people_due_for_anonymisation(cast.network, now=NOW)}
    assert w.person.pk not in due


def test_last_activity_of_people_with_nothing_in_the_exchange_is_empty(cast):
    person = f.PersonFactory(network=cast.network)
    for section in SECTIONS:
        assert section.last_activity([person.pk]) == {}
