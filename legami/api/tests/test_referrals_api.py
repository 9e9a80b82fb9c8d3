"""The API of referrals: filing and following one's own (the reporter sees the status only, never the triage's
data), the triage queue and a referral (district-limited, audited), and its moves."""

from typing import get_args

import pytest
from django.core import mail

from legami.api.tests.helpers import network_url
from legami.api.v1 import referrals as api_referrals
from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.pacts.models import Case
from legami.pacts.tests.factories import case_processing
from legami.referrals import models
from legami.referrals.models import Referral, ReferralMessage, ReferralStatus
from legami.referrals.tests.factories import ReferralFactory, days_ago, in_cremona

pytestmark = pytest.mark.django_db

# What only the triage reads: the reporter's answers never carry these keys.
TRIAGE_FIELDS = {"assigned_to", "redirected_to", "close_reason", "decided_at", "history", "due_at", "overdue", "case"}


def url(cast, *parts):
    return network_url(cast.network, "referrals", *parts)


def _filing(**change):
    data = {
        "subject": "Il signore del terzo piano",
        "age_band": "older",
        "where": "Via Dante 3",
        "observed": "Non esce di casa da giorni.",
        "urgency": "high",
        "consent": "not_asked",
        "consent_note": "Non l'ho visto.",
        "municipality": "019036",
        "reporter_contact": "Farmacia, 0372 111111",
    }
    return data | change


# --- filing and following -----------------------------------------------------------------------------------------


def test_a_sentinel_files_a_referral_and_sees_it_as_the_reporter(cast, api_as, django_capture_on_commit_callbacks):
    client = api_as(cast.sentinel)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(cast), _filing())
    assert response.status_code == 201, response.content
    body = response.json()
    referral = Referral.objects.get(pk=body["id"])
    assert referral.reporter == cast.sentinel and referral.status == "new" and referral.urgency == "high"
    assert body["status"] == "received" and body["subject"] == "Il signore del terzo piano"
    assert not TRIAGE_FIELDS & set(body)
    # The district's triage is told with the number and a link, never the text.
    assert mail.outbox and all("terzo piano" not in m.body and "terzo piano" not in m.subject for m in mail.outbox)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"subject": ""}, "subject", "string_too_short"),
        ({"observed": ""}, "observed", "string_too_short"),
        ({"urgency": "soon"}, "urgency", "literal_error"),
        ({"consent_note": ""}, "consent_note", "consent_note_required"),
        ({"municipality": "999999"}, "municipality", "unknown_municipality"),
        ({"municipality": "019035", "reporter_contact": ""}, "reporter_contact", "string_too_short"),
    ],
)
def test_bad_input_answers_422_with_the_field_and_code_and_files_nothing(cast, api_as, change, field, code):
    response = api_as(cast.sentinel).post(url(cast), _filing(**change))
    assert response.status_code == 422
    assert (field, code) in {(str(i["loc"][-1]), i["type"]) for i in response.json()["detail"]}
    assert not Referral.objects.exists()


def test_a_comune_outside_the_territory_is_refused(cast, api_as):
    f.MunicipalityFactory(istat_code="015146", cadastral_code="F205", name="Milano")
    response = api_as(cast.sentinel).post(url(cast), _filing(municipality="015146"))
    assert response.status_code == 422
    assert {(i["loc"][-1], i["type"]) for i in response.json()["detail"]} == {("municipality", "not_in_territory")}


def test_who_may_file(cast, api_as):
    for persona in ("evaluator", "funder", "citizen", "privacy_officer"):
        assert api_as(getattr(cast, persona)).post(url(cast), _filing()).status_code == 403
    assert api_as(cast.outsider).post(url(cast), _filing()).status_code == 404
    assert api_as(cast.partner_staff).post(url(cast), _filing()).status_code == 201


@pytest.mark.parametrize(
    ("status", "seen"),
    [
        ("new", "received"),
        ("assigned", "being_examined"),
        ("info_requested", "more_information_asked"),
        ("accepted", "taken_in_charge"),
        ("redirected", "sent_to_another_service"),
        ("closed", "closed"),
    ],
)
def test_the_reporter_sees_only_the_status_never_the_triage(cast, api_as, status, seen):
    referral = in_cremona(
        cast,
        status=status,
        assigned_to=cast.case_manager,
        redirected_to="Centro di salute mentale" if status == "redirected" else "",
        close_reason="refused" if status == "closed" else "",
    )
    client = api_as(cast.sentinel)
    [item] = client.get(url(cast, "mine")).json()["items"]
    detail = client.get(url(cast, "mine", referral.pk))
    for body in (item, detail.json()):
        assert body["status"] == seen
        assert not TRIAGE_FIELDS & set(body)
    text = detail.content.decode()
    assert "Centro di salute mentale" not in text and cast.case_manager.acting_name not in text


def test_the_reporter_reads_only_their_own(cast, api_as):
    others = in_cremona(cast, reporter=cast.partner_staff)
    client = api_as(cast.sentinel)
    assert client.get(url(cast, "mine")).json()["count"] == 0
    assert client.get(url(cast, "mine", others.pk)).status_code == 404


def test_the_reporter_answers_a_question(cast, api_as):
    referral = in_cremona(cast, status="info_requested", assigned_to=cast.case_manager)
    ReferralMessage.objects.create(
        network=cast.network, referral=referral, author=cast.case_manager, from_reporter=False, body="Quale civico?"
    )
    client = api_as(cast.sentinel)
    [question] = client.get(url(cast, "mine", referral.pk)).json()["messages"]
    assert question == {"from_reporter": False, "body": "Quale civico?", "created_at": question["created_at"]}
    assert client.post(url(cast, "mine", referral.pk, "answer"), {"answer": ""}).status_code == 422
    response = client.post(url(cast, "mine", referral.pk, "answer"), {"answer": "Il 12"})
    assert response.status_code == 201 and response.json()["status"] == "being_examined"
    assert [m["body"] for m in response.json()["messages"]] == ["Quale civico?", "Il 12"]
    again = client.post(url(cast, "mine", referral.pk, "answer"), {"answer": "Il 12"})
    assert again.status_code == 422 and again.json()["detail"][0]["type"] == "no_question"
    assert api_as(cast.partner_staff).post(url(cast, "mine", referral.pk, "answer"), {"answer": "x"}).status_code == 404


# --- triage -------------------------------------------------------------------------------------------------------


def test_the_queue_is_limited_to_the_callers_districts_and_shows_no_text(cast, api_as):
    in_cremona_ = in_cremona(cast, urgency="immediate", due_at=days_ago(1))
    in_crema = ReferralFactory(network=cast.network, municipality=cast.municipalities[1], reporter=cast.sentinel)
    every = api_as(cast.coordinator).get(url(cast)).json()
    assert [r["id"] for r in every["items"]] == [in_cremona_.pk, in_crema.pk]
    first = every["items"][0]
    assert first["overdue"] is True and first["urgency"] == "immediate"
    assert not {"subject", "observed", "where", "reporter_contact", "consent_note"} & set(first)
    limited = api_as(cast.district_case_manager).get(url(cast)).json()
    assert [r["id"] for r in limited["items"]] == [in_cremona_.pk]
    assert api_as(cast.district_case_manager).get(url(cast, in_crema.pk)).status_code == 404
    assert api_as(cast.coordinator).get(url(cast), {"overdue": True}).json()["count"] == 1
    assert api_as(cast.coordinator).get(url(cast), {"urgency": "ordinary"}).json()["count"] == 1


def test_the_queue_runs_a_constant_number_of_queries(cast, api_as, django_assert_max_num_queries):
    client = api_as(cast.coordinator)
    in_cremona(cast, assigned_to=cast.case_manager)
    client.get(url(cast))
    for _ in range(6):
        in_cremona(cast, assigned_to=cast.case_manager, status="assigned")
    with django_assert_max_num_queries(12):
        assert client.get(url(cast)).json()["count"] == 7


@pytest.mark.parametrize("persona", ["community_worker", "partner_staff", "sentinel", "privacy_officer", "citizen"])
def test_roles_that_do_not_triage_get_403(cast, api_as, persona):
    referral = in_cremona(cast)
    assert api_as(getattr(cast, persona)).get(url(cast)).status_code == 403
    assert api_as(getattr(cast, persona)).get(url(cast, referral.pk)).status_code == 403
    assert api_as(cast.outsider).get(url(cast, referral.pk)).status_code == 404


def test_a_triager_reads_a_referral_and_the_read_is_audited(cast, api_as):
    referral = in_cremona(cast)
    body = api_as(cast.case_manager).get(url(cast, referral.pk)).json()
    assert body["subject"] == referral.subject and body["reporter"]["id"] == cast.sentinel.pk
    assert body["history"] == [] and body["status"] == "new"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=str(referral.pk)).latest("id")
    assert event.actor == cast.case_manager and event.data_class == "case"


def test_assign_ask_redirect_and_close(cast, api_as):
    client = api_as(cast.coordinator)
    referral = in_cremona(cast)
    assigned = client.post(url(cast, referral.pk, "assign"), {"assignee": cast.district_case_manager.pk, "note": ""})
    assert assigned.status_code == 200 and assigned.json()["assigned_to"]["id"] == cast.district_case_manager.pk
    asked = client.post(url(cast, referral.pk, "ask"), {"question": "Quale civico?"})
    assert asked.status_code == 200 and asked.json()["status"] == "info_requested"
    assert api_as(cast.sentinel).get(network_url(cast.network, "referrals", "mine", referral.pk)).json()["messages"][0][
        "body"
    ] == ("Quale civico?")
    closed = client.post(url(cast, referral.pk, "close"), {"reason": "no_need", "note": ""})
    assert closed.status_code == 200 and closed.json()["close_reason"] == "no_need"
    assert [h["to_status"] for h in closed.json()["history"]][-3:] == ["assigned", "info_requested", "closed"]
    # Decided: every further move is a conflict, and nothing changes.
    again = client.post(url(cast, referral.pk, "redirect"), {"service": "Consultorio", "note": ""})
    assert again.status_code == 409
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.CLOSED
    other = in_cremona(cast)
    redirected = client.post(url(cast, other.pk, "redirect"), {"service": "Consultorio", "note": "Già seguita"})
    assert redirected.status_code == 200 and redirected.json()["redirected_to"] == "Consultorio"
    seen = api_as(cast.sentinel).get(network_url(cast.network, "referrals", "mine", other.pk)).json()
    assert seen["status"] == "sent_to_another_service" and "Consultorio" not in str(seen)


@pytest.mark.parametrize(
    ("move", "data", "field", "code"),
    [
        ("assign", {"assignee": 999_999}, "assignee", "invalid_choice"),
        ("ask", {"question": ""}, "question", "string_too_short"),
        ("redirect", {"service": ""}, "service", "string_too_short"),
        ("close", {"reason": "bored"}, "reason", "literal_error"),
    ],
)
def test_bad_moves_answer_422_and_change_nothing(cast, api_as, move, data, field, code):
    referral = in_cremona(cast)
    response = api_as(cast.coordinator).post(url(cast, referral.pk, move), data)
    assert response.status_code == 422
    assert (field, code) in {(str(i["loc"][-1]), i["type"]) for i in response.json()["detail"]}
    assert Referral.objects.get(pk=referral.pk).status == "new"


def test_an_assignee_outside_the_comunes_district_is_refused(cast, api_as):
    referral = ReferralFactory(network=cast.network, municipality=cast.municipalities[1], reporter=cast.sentinel)
    response = api_as(cast.coordinator).post(
        url(cast, referral.pk, "assign"), {"assignee": cast.district_case_manager.pk}
    )
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "not_a_triager"


def test_a_triager_outside_the_district_cannot_move_it(cast, api_as):
    referral = ReferralFactory(network=cast.network, municipality=cast.municipalities[1], reporter=cast.sentinel)
    response = api_as(cast.district_case_manager).post(url(cast, referral.pk, "close"), {"reason": "no_need"})
    assert response.status_code == 404


# --- taking in charge ---------------------------------------------------------------------------------------------


def _case(cast, **change):
    person = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    data = {"person": person.pk, "processing": case_processing(cast.network).pk, "summary": "Vive sola, non esce."}
    return data | change


def test_a_triager_takes_the_person_in_charge(cast, api_as):
    referral = in_cremona(cast, status="assigned", assigned_to=cast.district_case_manager)
    data = _case(cast)
    response = api_as(cast.district_case_manager).post(url(cast, referral.pk, "take-in-charge"), data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["referral"] == referral.pk and body["person"]["id"] == data["person"]
    assert body["my_role"] == "manager" and body["status"] == "open" and body["summary"] == data["summary"]
    assert [(m["user"]["id"], m["role"]) for m in body["team"]] == [(cast.district_case_manager.pk, "manager")]
    case = Case.objects.get(pk=body["id"])
    assert case.referral == referral and case.opened_by == cast.district_case_manager
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.decided_at is not None
    # The triage's history says so; its reporter sees it taken in charge, never the case.
    history = api_as(cast.coordinator).get(url(cast, referral.pk)).json()["history"]
    assert history[-1]["to_status"] == "accepted"
    seen = api_as(cast.sentinel).get(url(cast, "mine", referral.pk)).json()
    assert seen["status"] == "taken_in_charge" and "case" not in seen and data["summary"] not in str(seen)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"summary": ""}, "summary", "string_too_short"),
        ({"person": 0}, "person", "greater_than_equal"),
        ({"processing": 10**9}, "processing", "invalid_choice"),
        ({"opened_on": "2999-01-01"}, "opened_on", "future"),
        ({"colour": "blue"}, "colour", "extra_forbidden"),
    ],
)
def test_bad_input_takes_nobody_in_charge(cast, api_as, change, field, code):
    referral = in_cremona(cast)
    response = api_as(cast.coordinator).post(url(cast, referral.pk, "take-in-charge"), _case(cast, **change))
    assert response.status_code == 422, response.content
    assert (field, code) in {(str(i["loc"][-1]), i["type"]) for i in response.json()["detail"]}
    assert not Case.objects.exists() and Referral.objects.get(pk=referral.pk).status == "new"


def test_a_person_out_of_reach_is_refused(cast, api_as):
    referral = in_cremona(cast)
    stranger = f.PersonFactory(network=cast.other_network)
    response = api_as(cast.coordinator).post(url(cast, referral.pk, "take-in-charge"), _case(cast, person=stranger.pk))
    assert response.status_code == 422
    assert ("person", "invalid_choice") in {(str(i["loc"][-1]), i["type"]) for i in response.json()["detail"]}
    assert not Case.objects.exists()


@pytest.mark.parametrize("status", ["accepted", "redirected", "closed"])
def test_a_decided_referral_is_not_taken_in_charge_again(cast, api_as, status):
    decided = {"redirected_to": "Consultorio"} if status == "redirected" else {"close_reason": "no_need"}
    referral = in_cremona(cast, status=status, **(decided if status != "accepted" else {}))
    response = api_as(cast.coordinator).post(url(cast, referral.pk, "take-in-charge"), _case(cast))
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "referral_not_open"
    assert not Case.objects.exists() and Referral.objects.get(pk=referral.pk).status == status


def test_who_may_not_take_in_charge(cast, api_as):
    referral = in_cremona(cast)
    data = _case(cast)
    for persona in ("community_worker", "partner_staff", "sentinel", "privacy_officer", "evaluator"):
        response = api_as(getattr(cast, persona)).post(url(cast, referral.pk, "take-in-charge"), data)
        assert response.status_code == 403, persona
    assert api_as(cast.outsider).post(url(cast, referral.pk, "take-in-charge"), data).status_code == 404
    # A triager of another district: the referral does not exist for them.
    in_crema = ReferralFactory(network=cast.network, municipality=cast.municipalities[1], reporter=cast.sentinel)
    crema = _case(cast)
    response = api_as(cast.district_case_manager).post(url(cast, in_crema.pk, "take-in-charge"), crema)
    assert response.status_code == 404
    assert not Case.objects.exists()
    assert set(Referral.objects.values_list("status", flat=True)) == {"new"}


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (api_referrals.Urgency, models.Urgency.values),
        (api_referrals.AgeBand, models.AgeBand.values),
        (api_referrals.ConsentState, models.ConsentState.values),
        (api_referrals.ReferralStatus, models.ReferralStatus.values),
        (api_referrals.CloseReason, models.CloseReason.values),
        (api_referrals.ReporterStatus, [api_referrals.REPORTER_STATUS[s] for s in models.ReferralStatus.values]),
    ],
)
def test_schema_choices_match_the_models(literal, choices):
    assert list(get_args(literal)) == list(choices)
