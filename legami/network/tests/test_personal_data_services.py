"""A person's rights: the data export, anonymisation (on request and at the end of retention), consent withdrawal."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from legami.aggregation.models import AggregatedDemand, DemandItem
from legami.core.audit import record_event
from legami.core.models import AuditEvent, Consent, DataClass, Processing
from legami.core.personal_data import AUDIT_SECTION, registry
from legami.core.tests import factories as f
from legami.needs.models import Answer, Need, NeedEvent, PrivacyLevel, Question, SurveyResponse
from legami.needs.selectors.map import MapFilters, needs_figures
from legami.needs.tests.factories import AnswerFactory, NeedAreaFactory, NeedFactory, QuestionFactory, SurveyFactory
from legami.network.models import Household, Person, Tie
from legami.network.selectors.dashboard import dashboard_counts
from legami.network.selectors.retention import consenting_people, people_due_for_anonymisation
from legami.network.services.consents import record_consent
from legami.network.services.people import update_person
from legami.network.services.personal_data import (
    anonymise_expired_people,
    anonymise_person,
    export_consenting_people,
    export_person_data,
)

# One marker per field that can hold something about the person: each must come out of the export in clear,
# and none may be left after anonymisation.
MARKERS = {
    "first_name": "MkFirst",
    "last_name": "MkLast",
    "tax_code": "MKTAXCODE0000001",
    "email": "mk-email@example.org",
    "phone": "MkPhone 333",
    "address": "MkAddress 1",
    "notes": "MkNotes diabete",
    "household_name": "MkHousehold",
    "household_address": "MkHouseholdAddress",
    "tie_note": "MkTieNote",
    "consent_source": "MkConsentSource",
    "need_description": "MkNeedDescription",
    "case_need_description": "MkCaseNeedDescription",
    "need_contact_name": "MkContactName",
    "need_contact_email": "mk-contact@example.org",
    "need_contact_phone": "MkContactPhone",
    "need_external_id": "MkExternalId",
    "need_event_note": "MkEventNote",
    "response_contact_name": "MkRespondentName",
    "response_contact_email": "mk-respondent@example.org",
    "text_answer": "MkTextAnswer",
    "audit_repr": "MkAuditRepr",
    "audit_after": "MkAuditAfter",
    "proposal_body": "MkProposalBody",
    "comment_body": "MkCommentBody",
    "guardian_name": "MkGuardianName",
    "guardian_phone": "MkGuardianPhone",
    "shift_role": "MkShiftRole",
    "report_details": "MkReportDetails",
    "offer_title": "MkOfferTitle",
    "offer_description": "MkOfferDescription",
    "offer_contact_name": "MkOfferContact",
    "offer_contact_email": "mk-offer@example.org",
    "offer_contact_phone": "MkOfferPhone",
    "offer_accessibility_notes": "MkOfferAccess",
    "offer_external_id": "MkOfferExternal",
    "offer_event_note": "MkOfferEventNote",
    "match_feedback": "MkMatchFeedback",
    "match_event_note": "MkMatchEventNote",
    "transfer_reason": "MkTransferReason",
    "transfer_event_note": "MkTransferEventNote",
    "booking_title": "MkBookingTitle",
    "booking_contact_name": "MkBookingContact",
    "booking_contact_phone": "MkBookingPhone",
    "booking_event_note": "MkBookingEventNote",
    "case_summary": "MkCaseSummary",
    "case_event_note": "MkCaseEventNote",
    "assessment_note": "MkAssessmentNote",
    "score_notes": "MkScoreNotes",
    "score_evidence": "MkScoreEvidence",
    "pact_summary": "MkPactSummary",
    "pact_change_note": "MkPactChangeNote",
    "pact_event_note": "MkPactEventNote",
    "party_name": "MkPartyName",
    "objective_text": "MkObjectiveText",
    "result_indicator": "MkResultIndicator",
    "result_target": "MkResultTarget",
    "support_service": "MkSupportService",
    "support_frequency": "MkSupportFrequency",
    "budget_description": "MkBudgetDescription",
    "commitment_what": "MkCommitmentWhat",
    "expense_description": "MkExpenseDescription",
    "expense_decision_note": "MkExpenseDecision",
    "giveback_description": "MkGiveBackDescription",
    "review_notes": "MkReviewNotes",
    "review_item_note": "MkReviewItemNote",
}
SECTIONS = {
    "person",
    "household",
    "ties",
    "consents",
    "needs",
    "need_history",
    "survey_answers",
    "participation_meetings",
    "participation_contributions",
    "activities_enrollments",
    "activities_volunteering",
    "exchange_offers",
    "exchange_matches",
    "timebank",
    "space_bookings",
    "cases",
    "pacts",
    AUDIT_SECTION,
}


def _planted(cast):
    """A person of the cast's network with a marker in every field that can hold their data."""
    network = cast.network
    cremona = cast.municipalities[0]
    account = f.UserFactory(email="mk-account@example.org")
    household = f.HouseholdFactory(
        network=network, name=MARKERS["household_name"], address=MARKERS["household_address"], municipality=cremona
    )
    person = f.PersonFactory(
        network=network,
        first_name=MARKERS["first_name"],
        last_name=MARKERS["last_name"],
        tax_code=MARKERS["tax_code"],
        email=MARKERS["email"],
        phone=MARKERS["phone"],
        address=MARKERS["address"],
        notes=MARKERS["notes"],
        birth_date=datetime.date(1980, 3, 15),
        gender="F",
        municipality=cremona,
        household=household,
        household_role=Person.HouseholdRole.HEAD,
        user=account,
    )
    friend = f.PersonFactory(network=network, municipality=cremona, first_name="Amica")
    f.TieFactory(network=network, source_person=person, target_person=friend, note=MARKERS["tie_note"])
    processing = f.ProcessingFactory(network=network, code="newsletter", legal_basis="consent")
    f.ConsentFactory(person=person, processing=processing, source=MARKERS["consent_source"])
    survey = SurveyFactory(network=network, anonymous=False)
    text_question = QuestionFactory(survey=survey, kind=Question.Kind.TEXT, choices=[])
    choice_question = QuestionFactory(survey=survey)
    response = SurveyResponse.objects.create(
        survey=survey,
        contact_name=MARKERS["response_contact_name"],
        contact_email=MARKERS["response_contact_email"],
        municipality=cremona,
    )
    AnswerFactory(response=response, question=text_question, value=MARKERS["text_answer"])
    AnswerFactory(response=response, question=choice_question, value="Sì")
    area = NeedAreaFactory(network=network, code="casa")
    need = NeedFactory(
        network=network,
        area=area,
        person=person,
        municipality=cremona,
        description=MARKERS["need_description"],
        contact_name=MARKERS["need_contact_name"],
        contact_email=MARKERS["need_contact_email"],
        contact_phone=MARKERS["need_contact_phone"],
        external_id=MARKERS["need_external_id"],
        survey_response=response,
        reported_by=account,
    )
    NeedEvent.objects.create(need=need, from_status="", to_status="new", note=MARKERS["need_event_note"])
    NeedFactory(
        network=network,
        area=area,
        person=person,
        municipality=cremona,
        description=MARKERS["case_need_description"],
        privacy_level=PrivacyLevel.CASE_TEAM,
    )
    record_event(
        actor=cast.case_manager,
        action=AuditEvent.Action.UPDATE,
        obj=person,
        object_repr=MARKERS["audit_repr"],
        after={"phone": MARKERS["audit_after"]},
        data_class=DataClass.PERSONAL,
    )
    record_event(actor=cast.case_manager, action=AuditEvent.Action.READ, obj=need, data_class=DataClass.CASE)
    _plant_participation(cast, account)
    _plant_activities(cast, person)
    _plant_exchange(cast, person, need, account)
    _plant_pacts(cast, person)
    return person


def _plant_pacts(cast, person):
    """A case of the person with an assessment, and a signed pact with a marker in every free text: its version's
    rows, its history, an expense, give-back hours and a review."""
    from legami.pacts.models import (
        Assessment,
        AssessmentScore,
        CaseEvent,
        Expense,
        GiveBackHours,
        PactEvent,
        PactParty,
        Review,
        ReviewItem,
    )
    from legami.pacts.tests.factories import case_processing, open_case, signed_pact

    processing = case_processing(cast.network)
    processing.retention_months = 12  # the register's processing of cases has its retention, as any should
    processing.save()
    case = open_case(cast, person=person, processing=processing, summary=MARKERS["case_summary"])
    CaseEvent.objects.create(case=case, from_status="", to_status="open", note=MARKERS["case_event_note"])
    assessment = Assessment.objects.create(
        network=cast.network, case=case, kind="baseline", assessed_on=case.opened_on, note=MARKERS["assessment_note"]
    )
    AssessmentScore.objects.create(
        assessment=assessment,
        domain="housing",
        score=2,
        notes=MARKERS["score_notes"],
        evidence=MARKERS["score_evidence"],
    )
    pact = signed_pact(case)
    PactEvent.objects.create(pact=pact, from_status="signed", to_status="active", note=MARKERS["pact_event_note"])
    version = pact.versions.get()
    version.summary, version.change_note = MARKERS["pact_summary"], MARKERS["pact_change_note"]
    version.save()
    PactParty.objects.create(version=version, kind="family", name=MARKERS["party_name"])
    objective = version.objectives.get()
    objective.text = MARKERS["objective_text"]
    objective.save()
    result = objective.results.get()
    result.indicator, result.target = MARKERS["result_indicator"], MARKERS["result_target"]
    result.save()
    version.supports.update(service=MARKERS["support_service"], frequency=MARKERS["support_frequency"])
    line = version.budget_lines.get()
    line.description = MARKERS["budget_description"]
    line.save()
    give_back = version.commitments.get(is_give_back=True)
    give_back.what = MARKERS["commitment_what"]
    give_back.save()
    Expense.objects.create(
        network=cast.network,
        pact=pact,
        line_key=line.key,
        amount="120.50",
        spent_on=case.opened_on,
        description=MARKERS["expense_description"],
        decision_note=MARKERS["expense_decision_note"],
    )
    GiveBackHours.objects.create(
        network=cast.network,
        pact=pact,
        commitment_key=give_back.key,
        done_on=case.opened_on,
        minutes=120,
        source="other",
        description=MARKERS["giveback_description"],
        status="confirmed",
    )
    review = Review.objects.create(
        network=cast.network, pact=pact, version=version, due_on=case.opened_on, notes=MARKERS["review_notes"]
    )
    ReviewItem.objects.create(
        review=review, kind="commitment", item_key=give_back.key, rating="met", note=MARKERS["review_item_note"]
    )


def _plant_exchange(cast, person, need, account):
    """The person's offer, the match of their need (they completed it, with feedback), hours credited to their
    account, and a space booked from their account."""
    from legami.exchange.models import BookingEvent, Match, MatchEvent, OfferEvent
    from legami.exchange.services.timebank import account_for, confirm_transfer, propose_transfer
    from legami.exchange.tests.factories_offers import OfferFactory
    from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory

    cremona = cast.municipalities[0]
    offer = OfferFactory(
        network=cast.network,
        areas=[need.area],
        person=person,
        municipality=cremona,
        title=MARKERS["offer_title"],
        description=MARKERS["offer_description"],
        contact_name=MARKERS["offer_contact_name"],
        contact_email=MARKERS["offer_contact_email"],
        contact_phone=MARKERS["offer_contact_phone"],
        accessibility_notes=MARKERS["offer_accessibility_notes"],
        external_id=MARKERS["offer_external_id"],
    )
    OfferEvent.objects.create(offer=offer, from_status="", to_status="open", note=MARKERS["offer_event_note"])
    helper = OfferFactory(network=cast.network, areas=[need.area], municipality=cremona, title="Aiuto")
    match = Match.objects.create(
        network=cast.network,
        need=need,
        offer=helper,
        status="completed",
        need_rating=5,
        feedback=MARKERS["match_feedback"],
    )
    MatchEvent.objects.create(
        match=match, from_status="active", to_status="completed", actor=account, note=MARKERS["match_event_note"]
    )
    transfer = propose_transfer(
        actor=cast.coordinator,
        network=cast.network,
        legs=[(account_for(network=cast.network), -90), (account_for(network=cast.network, person=person), 90)],
        reason=MARKERS["transfer_reason"],
    )
    confirm_transfer(actor=cast.coordinator, transfer=transfer, note=MARKERS["transfer_event_note"])
    space = SpaceFactory(network=cast.network, manager_organization=cast.organization)
    booking = BookingFactory(
        space=space,
        booked_by=account,
        title=MARKERS["booking_title"],
        contact_name=MARKERS["booking_contact_name"],
        contact_phone=MARKERS["booking_contact_phone"],
        is_public_event=True,
    )
    BookingEvent.objects.create(
        booking=booking, from_status="", to_status="confirmed", note=MARKERS["booking_event_note"]
    )


def _plant_activities(cast, person):
    """The person enrolled in an activity (with a guardian's contact) and volunteering at one of its sessions."""
    from legami.activities.tests.factories import (
        EnrollmentFactory,
        SessionFactory,
        VolunteerShiftFactory,
        make_activity,
    )

    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    activity = make_activity(network=cast.network, organizer=cast.organization, place=place, title="Doposcuola")
    EnrollmentFactory(
        activity=activity,
        person=person,
        guardian_name=MARKERS["guardian_name"],
        guardian_phone=MARKERS["guardian_phone"],
    )
    VolunteerShiftFactory(session=SessionFactory(activity=activity), person=person, role=MARKERS["shift_role"])


def _plant_participation(cast, account):
    """The person's account registered for a meeting and came, proposed, commented, supported and reported."""
    from legami.participation.models import Comment, Meeting, Proposal, Registration, Report, Support
    from legami.participation.tests.factories import open_process

    process = open_process(cast.network)
    start = timezone.now() - datetime.timedelta(days=1)
    meeting = Meeting.objects.create(
        network=cast.network,
        process=process,
        title="Assemblea",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        online_url="https://meet.example.org/a",
    )
    Registration.objects.create(meeting=meeting, user=account, attended=True)
    proposal = Proposal.objects.create(
        network=cast.network, process=process, author=account, title="Orto", body=MARKERS["proposal_body"]
    )
    other = Proposal.objects.create(network=cast.network, process=process, author=cast.citizen, title="Altro", body="x")
    Comment.objects.create(proposal=other, author=account, body=MARKERS["comment_body"])
    Support.objects.create(proposal=other, user=account)
    Report.objects.create(
        network=cast.network, proposal=other, reporter=account, reason="spam", details=MARKERS["report_details"]
    )
    return proposal


def _zip(content):
    return zipfile.ZipFile(io.BytesIO(content))


# --- the registry ---


def test_every_app_declares_its_sections():
    assert {s.name for s in registry.sections()} | {AUDIT_SECTION} == SECTIONS


# --- export ---


def test_the_export_holds_every_section_and_every_marker_in_clear(cast):
    person = _planted(cast)
    archive = _zip(export_person_data(actor=cast.privacy_officer, person=person))
    assert set(archive.namelist()) == {"data.json"} | {f"{name}.csv" for name in SECTIONS}
    document = json.loads(archive.read("data.json"))
    assert document["person_id"] == person.pk
    assert set(document["sections"]) == SECTIONS
    text = archive.read("data.json").decode()
    csvs = "".join(archive.read(f"{name}.csv").decode("utf-8") for name in SECTIONS)
    for field, marker in MARKERS.items():
        assert marker in text, f"{field} is missing from data.json"
        assert marker in csvs, f"{field} is missing from the CSV files"
    sections = document["sections"]
    assert sections["person"][0]["birth_date"] == "1980-03-15"
    assert {n["privacy_level"] for n in sections["needs"]} == {"network", "case_team"}
    assert {row["answer"] for row in sections["survey_answers"]} == {MARKERS["text_answer"], "Sì"}
    assert [(r["meeting_title"], r["attended"]) for r in sections["participation_meetings"]] == [("Assemblea", True)]
    assert sorted(r["kind"] for r in sections["participation_contributions"]) == [
        "comment",
        "proposal",
        "report",
        "support",
    ]
    # The audit events about the person and about their rows (the read of the need), not anyone else's.
    assert {(e["object_type"], e["action"]) for e in sections[AUDIT_SECTION]} >= {
        ("network.person", "update"),
        ("needs.need", "read"),
    }


def test_each_csv_starts_with_a_bom_and_neutralises_formulas(cast):
    person = f.PersonFactory(network=cast.network, first_name='=HYPERLINK("http://x")', notes="+39 333", phone="@SUM")
    archive = _zip(export_person_data(actor=cast.privacy_officer, person=person))
    for name in archive.namelist():
        if name.endswith(".csv"):
            assert archive.read(name).startswith("\ufeff".encode()), name
    person_csv = archive.read("person.csv").decode("utf-8")
    assert "'=HYPERLINK" in person_csv and "'+39 333" in person_csv and "'@SUM" in person_csv
    # The JSON keeps the values as they are: it is data, not a spreadsheet.
    assert json.loads(archive.read("data.json"))["sections"]["person"][0]["first_name"] == '=HYPERLINK("http://x")'


def test_the_export_leaves_out_other_people_and_other_networks(cast):
    person = _planted(cast)
    stranger = f.PersonFactory(network=cast.network, first_name="MkStranger")
    NeedFactory(network=cast.network, person=stranger, municipality=cast.municipalities[0], description="MkOther")
    record_event(actor=cast.coordinator, action="update", obj=stranger, object_repr="MkStrangerEvent")
    text = _zip(export_person_data(actor=cast.privacy_officer, person=person)).read("data.json").decode()
    assert "MkStranger" not in text and "MkOther" not in text


def test_the_export_is_audited_without_personal_data(cast):
    person = _planted(cast)
    export_person_data(actor=cast.privacy_officer, person=person)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).get()
    assert (event.object_type, event.object_id, event.data_class) == ("network.person", str(person.pk), "case")
    assert event.actor == cast.privacy_officer and event.object_repr == f"#{person.pk}"


@pytest.mark.parametrize("persona", ["coordinator", "case_manager", "community_worker", "evaluator", "outsider"])
def test_only_the_privacy_officer_exports(cast, persona):
    person = _planted(cast)
    with pytest.raises(PermissionDenied):
        export_person_data(actor=getattr(cast, persona), person=person)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


# --- anonymisation ---


def _figures(cast):
    network = cast.network
    needs = Need.objects.filter(network=network)
    return {
        "by_area_place": sorted(  # sorted as text: a neighbourhood may be None
            needs.values_list("area_id", "municipality_id", "neighbourhood_id", "target_group", "urgency", "status")
            .annotate(n=Count("id"))
            .values_list("area_id", "municipality_id", "neighbourhood_id", "target_group", "urgency", "status", "n"),
            key=repr,
        ),
        "people": sorted(
            Person.objects.filter(network=network)
            .values_list("municipality_id", "neighbourhood_id", "gender", "household_id", "birth_date__year")
            .annotate(n=Count("id"))
            .values_list("municipality_id", "neighbourhood_id", "gender", "household_id", "birth_date__year", "n"),
            key=repr,
        ),
        "ties": Tie.objects.filter(network=network).count(),
        "consents": sorted(Consent.objects.values_list("processing_id", "given")),
        "demands": sorted(
            DemandItem.objects.values_list("demand_id").annotate(n=Count("id")).values_list("demand_id", "n")
        ),
        "answers": sorted(
            Answer.objects.values_list("question_id").annotate(n=Count("id")).values_list("question_id", "n")
        ),
        "map": repr(needs_figures(cast.coordinator, network, MapFilters())),
        "public_map": repr(needs_figures(None, network, MapFilters(), public=True)),
        "dashboard": dashboard_counts(cast.coordinator, network),
        **_exchange_figures(network),
        **_pacts_figures(network),
    }


def _pacts_figures(network):
    """What cases and pacts count: cases by status, scores, budget amounts, expenses and give-back minutes."""
    from legami.pacts.models import AssessmentScore, BudgetLine, Case, Expense, GiveBackHours, Pact

    return {
        "cases": sorted(Case.objects.filter(network=network).values_list("status", "opened_on", "processing_id")),
        "scores": sorted(AssessmentScore.objects.values_list("domain", "score")),
        "pacts": sorted(Pact.objects.filter(network=network).values_list("status", "next_review_on")),
        "budget": sorted(BudgetLine.objects.values_list("category", "amount")),
        "expenses": sorted(Expense.objects.values_list("amount", "status")),
        "give_back": sorted(GiveBackHours.objects.values_list("minutes", "status")),
    }


def _pacts_dump():
    """Every free text of cases and pacts, decrypted."""
    from legami.pacts import models as m

    texts = {
        m.Case: ("summary",),
        m.CaseEvent: ("note",),
        m.Assessment: ("note",),
        m.AssessmentScore: ("notes", "evidence"),
        m.PactEvent: ("note",),
        m.PactVersion: ("summary", "change_note"),
        m.PactParty: ("name",),
        m.Objective: ("text",),
        m.ExpectedResult: ("indicator", "target"),
        m.Support: ("service", "frequency"),
        m.BudgetLine: ("description",),
        m.Commitment: ("what",),
        m.Expense: ("description", "decision_note"),
        m.GiveBackHours: ("description",),
        m.Review: ("notes",),
        m.ReviewItem: ("note",),
    }
    return [[[getattr(row, name) for name in names] for row in model.objects.all()] for model, names in texts.items()]


def _exchange_figures(network):
    """What the exchange counts: offers by kind and status, matches by status and rating, the time bank's
    balances and movements, and the hours each space is booked."""
    from legami.exchange.models import Booking, Match, Movement, Offer, TimeAccount

    return {
        "offers": sorted(Offer.objects.filter(network=network).values_list("kind", "status", "municipality_id")),
        "matches": sorted(Match.objects.filter(network=network).values_list("status", "need_rating", "offer_rating")),
        "balances": sorted(TimeAccount.objects.filter(network=network).values_list("pk", "balance_minutes")),
        "movements": sorted(Movement.objects.filter(network=network).values_list("account_id", "minutes", "posted_at")),
        "booked": sorted(
            Booking.objects.filter(network=network).values_list("space_id", "starts_at", "ends_at", "status", "people")
        ),
    }


def _exchange_dump():
    """What the exchange stores that may name someone, decrypted."""
    from legami.exchange.models import (
        Booking,
        BookingEvent,
        Match,
        MatchEvent,
        Offer,
        OfferEvent,
        Transfer,
        TransferEvent,
    )

    return [
        [
            (
                o.title,
                o.description,
                o.contact_name,
                o.contact_email,
                o.contact_phone,
                o.accessibility_notes,
                o.external_id,
            )
            for o in Offer.objects.all()
        ],
        [m.feedback for m in Match.objects.all()],
        list(Transfer.objects.values_list("reason", flat=True)),
        [(b.title, b.contact_name, b.contact_phone) for b in Booking.objects.all()],
        [
            list(model.objects.values_list("note", flat=True))
            for model in (OfferEvent, MatchEvent, TransferEvent, BookingEvent)
        ],
    ]


def _raw(model, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608 — test names
        return cursor.fetchone()[0]


def test_anonymisation_keeps_every_figure(cast):
    person = _planted(cast)
    neighbourhood = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0])
    for i in range(6):  # enough needs for the figures to show unsuppressed
        NeedFactory(
            network=cast.network,
            area=person.needs.first().area,
            municipality=cast.municipalities[0],
            neighbourhood=neighbourhood,
            person=person if i < 2 else None,
        )
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        area=person.needs.first().area,
        title="Casa",
        summary="Casa",
        target_group="families",
        municipality=cast.municipalities[0],
    )
    for need in person.needs.all()[:2]:
        DemandItem.objects.create(demand=demand, need=need)
    before = _figures(cast)
    anonymise_person(actor=cast.privacy_officer, person=person)
    assert _figures(cast) == before


def test_anonymisation_removes_every_marker_encrypted_fields_included(cast):
    person = _planted(cast)
    need_ids = list(person.needs.values_list("pk", flat=True))
    encrypted_before = {pk: _raw(Need, "description", pk) for pk in need_ids}
    notes_before = _raw(Person, "notes", person.pk)
    anonymise_person(actor=cast.privacy_officer, person=person)
    person.refresh_from_db()
    assert person.anonymised_at is not None
    assert (person.first_name, person.last_name, person.tax_code, person.email, person.phone, person.address) == (
        "",
        f"#{person.pk}",
        "",
        "",
        "",
        "",
    )
    assert person.notes == "" and person.user is None
    assert person.birth_date == datetime.date(1980, 7, 1)  # the year stays, for the age bands
    assert _raw(Person, "notes", person.pk) != notes_before
    for pk in need_ids:
        assert _raw(Need, "description", pk) != encrypted_before[pk]
    # Nothing planted is left anywhere the app stores it, in clear or once decrypted.
    dump = json.dumps(
        [
            list(Person.objects.values()),
            list(Household.objects.values()),
            list(Tie.objects.values()),
            list(Consent.objects.values()),
            [
                (n.description, n.contact_name, n.contact_email, n.contact_phone, n.external_id)
                for n in Need.objects.all()
            ],
            list(NeedEvent.objects.values()),
            [(r.contact_name, r.contact_email, r.respondent_id) for r in SurveyResponse.objects.all()],
            list(Answer.objects.values()),
            list(AuditEvent.objects.values("object_repr", "before", "after", "note")),
            *_exchange_dump(),
            *_pacts_dump(),
        ],
        default=str,
    )
    for field, marker in MARKERS.items():
        assert marker not in dump, f"{field} is still stored"
    assert not Need.objects.filter(reported_by__email="mk-account@example.org").exists()
    # What the person published stays, by "a participant": the process keeps its history and its counts.
    from legami.participation.models import Comment, Proposal, Registration, Report, Support

    assert Proposal.objects.get(body=MARKERS["proposal_body"]).author is None
    assert Comment.objects.get(body=MARKERS["comment_body"]).author is None
    assert not Report.objects.filter(details=MARKERS["report_details"]).exists() and Report.objects.count() == 1
    assert Registration.objects.filter(attended=True).count() == 1 and Support.objects.count() == 1
    # The export of an anonymised person holds nothing planted either.
    text = _zip(export_person_data(actor=cast.privacy_officer, person=person)).read("data.json").decode()
    for marker in MARKERS.values():
        assert marker not in text


def test_anonymisation_erases_the_audit_events_and_records_one_without_personal_data(cast):
    person = _planted(cast)
    about = AuditEvent.objects.filter(object_type="network.person", object_id=str(person.pk))
    assert about.exclude(object_repr="").exists()
    anonymise_person(actor=cast.privacy_officer, person=person)
    events = AuditEvent.objects.filter(note="anonymised: on request")
    event = events.get()
    assert (event.object_repr, event.before, event.after, event.actor) == (
        f"#{person.pk}",
        None,
        None,
        cast.privacy_officer,
    )
    erased = about.exclude(pk=event.pk)
    assert erased.exists() and not erased.exclude(object_repr="").exists()
    assert not erased.filter(after__isnull=False).exists()
    # who did what and when stays
    assert erased.filter(actor=cast.case_manager, action="update").exists()


def test_a_household_keeps_its_name_while_someone_in_it_can_still_be_named(cast):
    person = _planted(cast)
    f.PersonFactory(network=cast.network, household=person.household, first_name="Fratello")
    anonymise_person(actor=cast.privacy_officer, person=person)
    assert Household.objects.get(pk=person.household_id).name == MARKERS["household_name"]


def test_anonymising_twice_is_refused_and_changes_nothing(cast):
    person = _planted(cast)
    anonymise_person(actor=cast.privacy_officer, person=person)
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        anonymise_person(actor=cast.privacy_officer, person=person)
    assert error.value.error_list[0].code == "already_anonymised"
    assert "already anonymised" in error.value.messages[0]
    assert AuditEvent.objects.count() == count


def test_an_anonymised_person_can_no_longer_be_changed_nor_given_consents(cast):
    person = _planted(cast)
    anonymise_person(actor=cast.privacy_officer, person=person)
    person.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        update_person(actor=cast.coordinator, person=person, data={"first_name": "MkFirst"})
    assert error.value.error_list[0].code == "anonymised"
    newsletter = Processing.objects.get(code="newsletter")
    with pytest.raises(ValidationError) as error:
        record_consent(actor=cast.coordinator, person=person, processing=newsletter, given=True)
    assert error.value.error_list[0].code == "anonymised"
    person.refresh_from_db()
    assert person.first_name == "" and Consent.objects.get(person=person).source == ""


@pytest.mark.parametrize("persona", ["coordinator", "case_manager", "evaluator", "outsider"])
def test_only_the_privacy_officer_anonymises(cast, persona):
    person = _planted(cast)
    with pytest.raises(PermissionDenied):
        anonymise_person(actor=getattr(cast, persona), person=person)
    person.refresh_from_db()
    assert person.anonymised_at is None and person.first_name == MARKERS["first_name"]


# --- end of retention ---

NOW = timezone.now()


def _age(person, months_ago):
    """Make every write about `person` look `months_ago` months old."""
    moment = NOW - datetime.timedelta(days=31 * months_ago)
    Person.objects.filter(pk=person.pk).update(updated_at=moment)
    Need.objects.filter(person=person).update(updated_at=moment)
    Consent.objects.filter(person=person).update(updated_at=moment)
    Tie.objects.filter(source_person=person).update(updated_at=moment)
    Tie.objects.filter(target_person=person).update(updated_at=moment)
    from legami.participation.models import Comment, Proposal, Registration

    Registration.objects.filter(user_id=person.user_id).update(updated_at=moment)
    Proposal.objects.filter(author_id=person.user_id).update(updated_at=moment)
    Comment.objects.filter(author_id=person.user_id).update(updated_at=moment)
    from legami.activities.models import Enrollment, VolunteerShift

    Enrollment.objects.filter(person=person).update(updated_at=moment)
    VolunteerShift.objects.filter(person=person).update(updated_at=moment)
    from legami.exchange.models import Booking, Match, Offer, TimeAccount, Transfer

    Offer.objects.filter(person=person).update(updated_at=moment)
    Match.objects.filter(need__person=person).update(updated_at=moment)
    TimeAccount.objects.filter(person=person).update(updated_at=moment)
    Transfer.objects.filter(legs__account__person=person).update(updated_at=moment)
    Booking.objects.filter(booked_by_id=person.user_id).update(updated_at=moment)
    from legami.pacts.models import Assessment, Case, Pact

    Case.objects.filter(person=person).update(updated_at=moment)
    Assessment.objects.filter(case__person=person).update(updated_at=moment)
    Pact.objects.filter(case__person=person).update(updated_at=moment)


def _due(cast):
    return {d.person_id for d in people_due_for_anonymisation(cast.network, now=NOW)}


def test_a_person_is_due_once_the_longest_retention_has_passed_since_their_last_activity(cast):
    f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=24)
    old, recent = f.PersonFactory(network=cast.network), f.PersonFactory(network=cast.network)
    _age(old, 25)
    _age(recent, 23)
    assert _due(cast) == {old.pk}
    # a need recorded last month is activity: the person is no longer due
    NeedFactory(network=cast.network, person=old, municipality=cast.municipalities[0])
    assert _due(cast) == set()


def test_nobody_is_due_while_a_processing_covering_everyone_has_no_retention(cast):
    f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=24)
    f.ProcessingFactory(network=cast.network, legal_basis="legal_obligation", retention_months=None)
    _age(f.PersonFactory(network=cast.network), 100)
    assert _due(cast) == set()


def test_nobody_is_due_in_a_network_with_an_empty_register(cast):
    _age(f.PersonFactory(network=cast.network), 100)
    assert _due(cast) == set()


def test_a_given_consent_keeps_the_person_and_its_withdrawal_lets_retention_end(cast):
    f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=12)
    newsletter = f.ProcessingFactory(network=cast.network, legal_basis="consent", retention_months=None)
    person = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    record_consent(actor=cast.coordinator, person=person, processing=newsletter, given=True)
    _age(person, 13)
    assert _due(cast) == set()
    record_consent(actor=cast.coordinator, person=person, processing=newsletter, given=False)
    _age(person, 13)
    assert _due(cast) == {person.pk}


def test_a_consent_with_a_longer_retention_keeps_the_person_longer(cast):
    f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=12)
    photos = f.ProcessingFactory(network=cast.network, legal_basis="consent", retention_months=36)
    person = f.PersonFactory(network=cast.network)
    f.ConsentFactory(person=person, processing=photos, given=True)
    _age(person, 13)
    assert _due(cast) == set()
    _age(person, 37)
    assert _due(cast) == {person.pk}


def test_the_run_anonymises_the_due_people_of_each_network_and_records_the_system_as_actor(cast):
    f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=12)
    f.ProcessingFactory(network=cast.other_network, legal_basis="public_task", retention_months=12)
    old = _planted(cast)
    Processing.objects.filter(code="newsletter").update(retention_months=6)  # their consent keeps them no longer
    _age(old, 13)
    elsewhere = f.PersonFactory(network=cast.other_network)
    _age(elsewhere, 13)
    kept = f.PersonFactory(network=cast.network)
    runs = anonymise_expired_people(network=cast.network, now=NOW)
    assert [(r.network, r.due, r.anonymised) for r in runs] == [(cast.network, 1, 1)]
    old.refresh_from_db()
    elsewhere.refresh_from_db()
    kept.refresh_from_db()
    assert old.anonymised_at and not elsewhere.anonymised_at and not kept.anonymised_at
    event = AuditEvent.objects.get(note="anonymised: retention ended")
    assert (event.actor, event.actor_label) == (None, "system")
    # An anonymised person is never due again.
    assert anonymise_expired_people(network=cast.network, now=NOW)[0].due == 0


def test_a_dry_run_counts_and_changes_nothing(cast):
    f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=12)
    person = _planted(cast)
    Processing.objects.filter(code="newsletter").update(retention_months=6)
    _age(person, 13)
    events = AuditEvent.objects.count()
    runs = anonymise_expired_people(now=NOW, dry_run=True)
    assert {(r.network.slug, r.due, r.anonymised) for r in runs} == {("rete-prova", 1, 0), ("altra-rete", 0, 0)}
    person.refresh_from_db()
    assert person.anonymised_at is None and person.first_name == MARKERS["first_name"]
    assert AuditEvent.objects.count() == events


def test_the_command_prints_its_counts_and_a_dry_run_writes_nothing(cast):
    f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=1)
    person = f.PersonFactory(network=cast.network)
    _age(person, 3)
    out = io.StringIO()
    call_command("anonymise_expired", "--network", "rete-prova", "--dry-run", stdout=out)
    assert "rete-prova: 1 people due (dry run: nothing changed)" in out.getvalue()
    assert "Total: 1 people would be anonymised." in out.getvalue()
    assert Person.objects.get(pk=person.pk).anonymised_at is None
    out = io.StringIO()
    call_command("anonymise_expired", stdout=out)
    assert "rete-prova: 1 people due, 1 anonymised" in out.getvalue()
    assert "altra-rete: 0 people due, 0 anonymised" in out.getvalue()
    assert Person.objects.get(pk=person.pk).anonymised_at is not None


def test_the_command_refuses_an_unknown_network_and_a_dry_run_to_enqueue(cast):
    with pytest.raises(CommandError, match="No network has the slug 'nowhere'"):
        call_command("anonymise_expired", "--network", "nowhere")
    with pytest.raises(CommandError, match="--dry-run and --enqueue"):
        call_command("anonymise_expired", "--dry-run", "--enqueue")


def test_the_command_enqueues_the_task(cast):
    # The tests' task backend runs a task at once: the queued run anonymises as the worker would.
    f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=1)
    person = f.PersonFactory(network=cast.network)
    _age(person, 3)
    out = io.StringIO()
    call_command("anonymise_expired", "--network", "rete-prova", "--enqueue", stdout=out)
    assert out.getvalue().startswith("Queued: task ")
    assert Person.objects.get(pk=person.pk).anonymised_at is not None


def test_the_task_reports_per_network_and_a_missing_one(cast):
    from legami.network.tasks import anonymise_expired_task

    assert anonymise_expired_task.call("nowhere") == {"network": "nowhere", "status": "missing"}
    assert anonymise_expired_task.call("rete-prova") == {"rete-prova": {"due": 0, "anonymised": 0}}


# --- consent withdrawal with effect ---


def test_after_withdrawal_the_person_is_no_longer_among_those_who_consent(cast):
    newsletter = f.ProcessingFactory(network=cast.network, legal_basis="consent")
    person = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    other = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    record_consent(actor=cast.coordinator, person=person, processing=newsletter, given=True)
    record_consent(actor=cast.coordinator, person=other, processing=newsletter, given=True)
    assert set(consenting_people(newsletter)) == {person, other}
    assert {row[0] for row in export_consenting_people(actor=cast.coordinator, processing=newsletter)} == {
        person.pk,
        other.pk,
    }
    record_consent(actor=cast.coordinator, person=person, processing=newsletter, given=False)
    assert set(consenting_people(newsletter)) == {other}
    assert [row[0] for row in export_consenting_people(actor=cast.coordinator, processing=newsletter)] == [other.pk]


def test_an_anonymised_person_never_consents(cast):
    newsletter = f.ProcessingFactory(network=cast.network, legal_basis="consent")
    person = f.PersonFactory(network=cast.network)
    f.ConsentFactory(person=person, processing=newsletter, given=True)
    anonymise_person(actor=cast.privacy_officer, person=person)
    assert not consenting_people(newsletter).exists()


def test_the_consenting_list_is_within_the_viewers_reach_and_audited(cast):
    newsletter = f.ProcessingFactory(network=cast.network, legal_basis="consent")
    cremona, crema = cast.municipalities
    here = f.PersonFactory(network=cast.network, municipality=cremona)
    there = f.PersonFactory(network=cast.network, municipality=crema)
    for person in (here, there):
        f.ConsentFactory(person=person, processing=newsletter, given=True)
    assert set(consenting_people(newsletter, viewer=cast.district_case_manager, capability="network.view_people")) == {
        here
    }
    export_consenting_people(actor=cast.privacy_officer, processing=newsletter)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.after == {"count": 2} and event.object_type == "core.processing"


def test_the_consenting_list_of_a_processing_not_based_on_consent_is_refused(cast):
    register = f.ProcessingFactory(network=cast.network, legal_basis="public_task", name="Registro")
    with pytest.raises(ValidationError) as error:
        export_consenting_people(actor=cast.coordinator, processing=register)
    assert error.value.error_list[0].code == "not_consent_based"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


@pytest.mark.parametrize("persona", ["case_manager", "community_worker", "evaluator", "citizen", "outsider"])
def test_the_consenting_list_is_refused_to_who_may_not_export_people(cast, persona):
    newsletter = f.ProcessingFactory(network=cast.network, legal_basis="consent")
    with pytest.raises(PermissionDenied):
        export_consenting_people(actor=getattr(cast, persona), processing=newsletter)


def test_the_export_runs_the_same_number_of_queries_however_much_a_person_has(cast):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    person = _planted(cast)
    export_person_data(actor=cast.privacy_officer, person=person)  # the actor's roles are read once, then kept
    with CaptureQueriesContext(conn) as few:
        export_person_data(actor=cast.privacy_officer, person=Person.objects.get(pk=person.pk))
    area = person.needs.first().area
    for _ in range(10):
        need = NeedFactory(network=cast.network, area=area, person=person, municipality=cast.municipalities[0])
        NeedEvent.objects.create(need=need, from_status="", to_status="new")
        f.TieFactory(network=cast.network, source_person=person)
        f.ConsentFactory(person=person, processing=f.ProcessingFactory(network=cast.network))
        _more_exchange(cast, person, need)
    with CaptureQueriesContext(conn) as many:
        export_person_data(actor=cast.privacy_officer, person=Person.objects.get(pk=person.pk))
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)


def _more_exchange(cast, person, need):
    """One more offer (with history), match, transfer and booking of the person."""
    from legami.exchange.models import Match, MatchEvent, OfferEvent
    from legami.exchange.services.timebank import account_for, propose_transfer
    from legami.exchange.tests.factories_offers import OfferFactory
    from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory

    made = OfferFactory(network=cast.network, areas=[need.area], person=person, municipality=need.municipality)
    OfferEvent.objects.create(offer=made, from_status="", to_status="open")
    match = Match.objects.create(network=cast.network, need=need, offer=made, status="completed")
    MatchEvent.objects.create(match=match, from_status="active", to_status="completed")
    propose_transfer(
        actor=cast.coordinator,
        network=cast.network,
        legs=[(account_for(network=cast.network), -30), (account_for(network=cast.network, person=person), 30)],
        reason="Ancora",
        confirm=True,
    )
    BookingFactory(space=SpaceFactory(network=cast.network), booked_by_id=person.user_id)


def test_define_processing_reads_the_retention_in_months(cast):
    from legami.core.services import define_processing

    processing = define_processing(
        actor=cast.privacy_officer,
        network=cast.network,
        code="registro",
        name="Registro",
        purpose="Anagrafe",
        legal_basis="public_task",
        retention_months="1.200",  # Italian thousands
    )
    assert processing.retention_months == 1200
    with pytest.raises(ValidationError) as error:
        define_processing(
            actor=cast.privacy_officer,
            network=cast.network,
            code="altro",
            name="Altro",
            purpose="Anagrafe",
            legal_basis="public_task",
            retention_months=0,
        )
    assert error.value.error_dict["retention_months"][0].code == "min_value"


def test_taking_part_in_a_process_is_activity(cast):
    from legami.participation.models import Proposal
    from legami.participation.tests.factories import open_process

    f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=24)
    account = f.UserFactory(email="partecipa@example.org")
    person = f.PersonFactory(network=cast.network, user=account)
    _age(person, 25)
    assert _due(cast) == {person.pk}
    Proposal.objects.create(
        network=cast.network, process=open_process(cast.network), author=account, title="T", body="B"
    )
    assert _due(cast) == set()
