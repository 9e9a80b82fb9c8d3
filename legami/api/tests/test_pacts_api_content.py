"""The API's writes that open and close a case, manage its team, create a pact, write the content of its unsigned
version and draft a new version: allowed and refused for each kind of caller (outsider 404, a role without the
capability 403, a holder of the capability not on the team 404, the privacy officer 403), bad input as 422 with the
field and the code, and nothing written on a refusal."""

import datetime

import pytest
from django.utils import timezone

from legami.api.tests.helpers import assert_refused, field_errors, network_url
from legami.core.models import LegalBasis
from legami.core.tests import factories as f
from legami.network.services.consents import record_consent
from legami.pacts.models import (
    BudgetLine,
    Case,
    CaseMember,
    Commitment,
    ExpectedResult,
    Objective,
    Pact,
    PactParty,
    PactVersion,
)
from legami.pacts.services import pacts as pact_services
from legami.pacts.tests.factories import case_processing, draft_pact, open_case, signed_pact

pytestmark = pytest.mark.django_db

# Hold pacts.work_on_cases (coordinator and district case manager: pacts.open_cases too) but are not on the team of
# open_case(cast).
NOT_ON_TEAM = ("coordinator", "community_worker", "district_case_manager")
OPENERS_NOT_ON_TEAM = ("coordinator", "district_case_manager")


def url(cast, *parts):
    return network_url(cast.network, *parts)


# --- opening a case --------------------------------------------------------------------------------------------


def _person(cast, **kwargs):
    return f.PersonFactory(network=cast.network, municipality=cast.municipalities[0], **kwargs)


def _case_data(cast, **change):
    data = {
        "person": _person(cast).pk,
        "processing": case_processing(cast.network).pk,
        "summary": "Sfratto in corso, due figli piccoli.",
    }
    return data | change


def test_a_case_manager_opens_a_case_and_manages_it(cast, api_as):
    data = _case_data(cast)
    response = api_as(cast.case_manager).post(url(cast, "cases"), data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person"]["id"] == data["person"] and body["status"] == "open" and body["my_role"] == "manager"
    assert body["opened_on"] == str(timezone.localdate()) and body["summary"] == data["summary"]
    assert [(m["user"]["id"], m["role"]) for m in body["team"]] == [(cast.case_manager.pk, "manager")]
    assert api_as(cast.case_manager).get(url(cast, "cases", body["id"])).status_code == 200


def test_who_may_not_open_a_case(cast, api_as):
    data = _case_data(cast)
    assert_refused(api_as, cast, "post", url(cast, "cases"), data, forbidden=("partner_staff", "community_worker"))
    assert_refused(
        api_as, cast, "post", url(cast, "cases"), data, forbidden=("privacy_officer", "evaluator", "sentinel")
    )
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"summary": ""}, "summary", "string_too_short"),
        ({"person": 0}, "person", "greater_than_equal"),
        ({"opened_on": "2999-01-01"}, "opened_on", "future"),
        ({"colour": "blue"}, "colour", "extra_forbidden"),
    ],
)
def test_bad_cases_answer_422_and_write_nothing(cast, api_as, change, field, code):
    response = api_as(cast.case_manager).post(url(cast, "cases"), _case_data(cast, **change))
    assert response.status_code == 422, response.content
    assert (field, code) in field_errors(response)
    assert not Case.objects.exists()


def test_a_case_needs_a_person_in_reach_and_consent_when_the_basis_is_consent(cast, api_as):
    client = api_as(cast.case_manager)
    stranger = f.PersonFactory(network=cast.other_network)
    assert ("person", "invalid_choice") in field_errors(
        client.post(url(cast, "cases"), _case_data(cast, person=stranger.pk))
    )
    crema = f.PersonFactory(network=cast.network, municipality=cast.municipalities[1])
    district = api_as(cast.district_case_manager).post(url(cast, "cases"), _case_data(cast, person=crema.pk))
    assert district.status_code == 422 and ("person", "invalid_choice") in field_errors(district)
    consent = case_processing(cast.network, legal_basis=LegalBasis.CONSENT)
    response = client.post(url(cast, "cases"), _case_data(cast, processing=consent.pk))
    assert response.status_code == 422 and ("processing", "no_consent") in field_errors(response)
    other = case_processing(cast.other_network)
    response = client.post(url(cast, "cases"), _case_data(cast, processing=other.pk))
    assert response.status_code == 422 and ("processing", "invalid_choice") in field_errors(response)
    assert not Case.objects.exists()


# --- closing and reopening -------------------------------------------------------------------------------------


def test_the_manager_closes_and_reopens_a_case(cast, api_as):
    case = open_case(cast)
    client = api_as(cast.case_manager)
    closed = client.post(url(cast, "cases", case.pk, "close"), {"close_reason": "goals_reached", "note": ""})
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["close_reason"] == "goals_reached"
    assert closed.json()["closed_on"] == str(timezone.localdate())
    assert client.post(url(cast, "cases", case.pk, "close"), {"close_reason": "moved"}).status_code == 409
    reopened = client.post(url(cast, "cases", case.pk, "reopen"), {"note": "Nuova richiesta"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert reopened.json()["close_reason"] == "" and reopened.json()["closed_on"] is None
    assert client.post(url(cast, "cases", case.pk, "reopen"), {}).status_code == 409


def test_who_may_not_close_or_reopen_a_case(cast, api_as):
    case = open_case(cast)
    data = {"close_reason": "moved"}
    path = url(cast, "cases", case.pk, "close")
    assert_refused(
        api_as, cast, "post", path, data, forbidden=("partner_staff", "privacy_officer"), not_found=OPENERS_NOT_ON_TEAM
    )
    assert Case.objects.get(pk=case.pk).status == "open"
    Case.objects.filter(pk=case.pk).update(status="closed", close_reason="moved", closed_on=timezone.localdate())
    path = url(cast, "cases", case.pk, "reopen")
    assert_refused(
        api_as, cast, "post", path, {}, forbidden=("partner_staff", "privacy_officer"), not_found=OPENERS_NOT_ON_TEAM
    )
    assert Case.objects.get(pk=case.pk).status == "closed"


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [({"close_reason": "bored"}, "close_reason", "literal_error"), ({}, "close_reason", "missing")],
)
def test_a_case_is_closed_with_a_reason(cast, api_as, data, field, code):
    case = open_case(cast)
    response = api_as(cast.case_manager).post(url(cast, "cases", case.pk, "close"), data)
    assert response.status_code == 422 and (field, code) in field_errors(response)
    assert Case.objects.get(pk=case.pk).status == "open"


def test_a_case_whose_consent_was_withdrawn_is_closed_never_reopened(cast, api_as):
    processing = case_processing(cast.network, legal_basis=LegalBasis.CONSENT)
    person = _person(cast)
    record_consent(actor=cast.case_manager, person=person, processing=processing, given=True)
    client = api_as(cast.case_manager)
    opened = client.post(url(cast, "cases"), _case_data(cast, person=person.pk, processing=processing.pk))
    assert opened.status_code == 201, opened.content
    pk = opened.json()["id"]
    record_consent(actor=cast.case_manager, person=person, processing=processing, given=False)
    assert client.post(url(cast, "cases", pk, "team"), {"user": cast.partner_staff.pk}).status_code == 409
    assert client.post(url(cast, "cases", pk, "pacts"), _pact_data()).status_code == 409
    closed = client.post(url(cast, "cases", pk, "close"), {"close_reason": "consent_withdrawn"})
    assert closed.status_code == 200 and closed.json()["consent_withdrawn"] is True
    assert client.post(url(cast, "cases", pk, "reopen"), {}).status_code == 409
    assert Case.objects.get(pk=pk).status == "closed"


# --- the team --------------------------------------------------------------------------------------------------


def test_the_manager_adds_and_removes_members(cast, api_as):
    case = open_case(cast)
    client = api_as(cast.case_manager)
    added = client.post(url(cast, "cases", case.pk, "team"), {"user": cast.community_worker.pk})
    assert added.status_code == 201, added.content
    assert {(m["user"]["id"], m["role"]) for m in added.json()["team"]} == {
        (cast.case_manager.pk, "manager"),
        (cast.partner_staff.pk, "member"),
        (cast.community_worker.pk, "member"),
    }
    assert api_as(cast.community_worker).get(url(cast, "cases", case.pk)).status_code == 200
    removed = client.post(url(cast, "cases", case.pk, "team", cast.partner_staff.pk, "remove"), {})
    assert removed.status_code == 200
    assert cast.partner_staff.pk not in {m["user"]["id"] for m in removed.json()["team"]}
    assert api_as(cast.partner_staff).get(url(cast, "cases", case.pk)).status_code == 404
    manager = client.post(url(cast, "cases", case.pk, "team", cast.case_manager.pk, "remove"), {})
    assert manager.status_code == 409
    gone = client.post(url(cast, "cases", case.pk, "team", cast.partner_staff.pk, "remove"), {})
    assert gone.status_code == 404
    assert CaseMember.objects.filter(case=case).count() == 2


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("partner_staff", "already_on_team"),
        ("evaluator", "cannot_work_on_cases"),
        ("stranger", "cannot_work_on_cases"),
        ("nobody", "cannot_work_on_cases"),
    ],
)
def test_bad_members_answer_422(cast, api_as, who, code):
    case = open_case(cast)
    user = {"stranger": 10**9, "nobody": 10**9 + 1}.get(who)
    if who == "stranger":
        user = f.UserFactory().pk
    elif user is None:
        user = getattr(cast, who).pk
    response = api_as(cast.case_manager).post(url(cast, "cases", case.pk, "team"), {"user": user})
    assert response.status_code == 422 and ("user", code) in field_errors(response)
    assert CaseMember.objects.filter(case=case).count() == 2


def test_who_may_not_change_the_team(cast, api_as):
    case = open_case(cast)
    data = {"user": cast.community_worker.pk}
    forbidden = ("partner_staff", "privacy_officer")
    assert_refused(
        api_as,
        cast,
        "post",
        url(cast, "cases", case.pk, "team"),
        data,
        forbidden=forbidden,
        not_found=OPENERS_NOT_ON_TEAM,
    )
    remove = url(cast, "cases", case.pk, "team", cast.partner_staff.pk, "remove")
    assert_refused(api_as, cast, "post", remove, {}, forbidden=forbidden, not_found=OPENERS_NOT_ON_TEAM)
    assert CaseMember.objects.filter(case=case).count() == 2


# --- creating a pact -------------------------------------------------------------------------------------------


def _pact_data(**change):
    today = timezone.localdate()
    data = {
        "summary": "Ritrovare un lavoro.",
        "starts_on": str(today),
        "ends_on": str(today + datetime.timedelta(days=180)),
        "review_every_weeks": 8,
    }
    return data | change


def test_the_manager_creates_a_pact_in_draft(cast, api_as):
    case = open_case(cast)
    client = api_as(cast.case_manager)
    created = client.post(url(cast, "cases", case.pk, "pacts"), _pact_data())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["case"] == case.pk and body["status"] == "draft" and body["version_in_force"] is None
    assert body["draft"]["number"] == 1 and body["draft"]["review_every_weeks"] == 8
    assert body["draft"]["objectives"] == [] and body["history"][0]["to_status"] == "draft"
    again = client.post(url(cast, "cases", case.pk, "pacts"), _pact_data())
    assert again.status_code == 409
    assert Pact.objects.filter(case=case).count() == 1


def test_who_may_not_create_a_pact(cast, api_as):
    case = open_case(cast)
    path = url(cast, "cases", case.pk, "pacts")
    assert_refused(
        api_as,
        cast,
        "post",
        path,
        _pact_data(),
        forbidden=("partner_staff", "privacy_officer"),
        not_found=OPENERS_NOT_ON_TEAM,
    )
    assert not Pact.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"ends_on": "2000-01-01"}, "ends_on", "dates"),
        ({"review_every_weeks": 0}, "review_every_weeks", "greater_than_equal"),
        ({"review_every_weeks": 53}, "review_every_weeks", "less_than_equal"),
        ({"starts_on": None}, "starts_on", "value_error"),
        ({"summary": "x" * 4001}, "summary", "string_too_long"),
    ],
)
def test_bad_pacts_answer_422_and_write_nothing(cast, api_as, change, field, code):
    case = open_case(cast)
    response = api_as(cast.case_manager).post(url(cast, "cases", case.pk, "pacts"), _pact_data(**change))
    assert response.status_code == 422, response.content
    assert (field, code) in field_errors(response)
    assert not Pact.objects.exists() and not PactVersion.objects.exists()


# --- the content of the unsigned version -----------------------------------------------------------------------


def test_the_team_writes_the_draft(cast, api_as):
    pact = draft_pact(open_case(cast))
    client = api_as(cast.partner_staff)  # a member of the team works on the content
    objective = client.post(url(cast, "pacts", pact.pk, "rows", "objective"), {"text": "Patente di guida"})
    assert objective.status_code == 201, objective.content
    key = objective.json()["key"]
    assert objective.json()["text"] == "Patente di guida" and objective.json()["results"] == []
    result = client.post(
        url(cast, "pacts", pact.pk, "rows", "result"), {"objective": key, "indicator": "Esame", "target": "Superato"}
    )
    assert result.status_code == 201, result.content
    support = client.post(
        url(cast, "pacts", pact.pk, "rows", "support"),
        {"service": "Scuola guida", "provider": cast.organization.pk, "frequency": "Settimanale"},
    )
    assert support.status_code == 201 and support.json()["provider"]["id"] == cast.organization.pk
    line = client.post(
        url(cast, "pacts", pact.pk, "rows", "budget"),
        {"category": "transport", "amount": "450.5", "support": support.json()["key"]},
    )
    assert line.status_code == 201, line.content
    assert line.json()["amount"] == "450.50" and line.json()["support"] == support.json()["key"]
    commitment = client.post(
        url(cast, "pacts", pact.pk, "rows", "commitment"),
        {"party": "person", "what": "Aiuto in biblioteca", "is_give_back": True, "hours_per_week": "1.5"},
    )
    assert commitment.status_code == 201 and commitment.json()["hours_per_week"] == "1.50"
    party = client.post(url(cast, "pacts", pact.pk, "rows", "party"), {"kind": "family", "name": "La sorella"})
    assert party.status_code == 201 and party.json()["signs"] is True
    draft = client.get(url(cast, "pacts", pact.pk)).json()["draft"]
    assert [o["text"] for o in draft["objectives"]][-1] == "Patente di guida"
    assert draft["objectives"][-1]["results"][0]["indicator"] == "Esame"
    assert len(draft["budget_lines"]) == 2 and len(draft["commitments"]) == 3 and len(draft["parties"]) == 1

    removed = client.delete(url(cast, "pacts", pact.pk, "rows", "objective", key))
    assert removed.status_code == 204
    assert not Objective.objects.filter(key=key).exists()
    assert not ExpectedResult.objects.filter(indicator="Esame").exists()
    assert client.delete(url(cast, "pacts", pact.pk, "rows", "objective", key)).status_code == 404
    line_key = line.json()["key"]
    assert client.delete(url(cast, "pacts", pact.pk, "rows", "commitment", line_key)).status_code == 404
    assert client.delete(url(cast, "pacts", pact.pk, "rows", "budget", line_key)).status_code == 204


@pytest.mark.parametrize(
    ("kind", "data", "field", "code"),
    [
        ("objective", {"text": ""}, "text", "string_too_short"),
        ("objective", {}, "text", "missing"),
        (
            "result",
            {"objective": "6a7c8a64-61a8-4c5d-9c4e-1b8f1f0e0000", "indicator": "x", "target": "y"},
            "objective",
            "invalid_choice",
        ),
        ("support", {"service": "Mensa", "provider": 10**9}, "provider", "invalid_choice"),
        ("budget", {"category": "food", "amount": "0"}, "amount", "min_value"),
        ("budget", {"category": "food", "amount": "1.234"}, "amount", "string_pattern_mismatch"),
        ("budget", {"category": "holidays", "amount": "10"}, "category", "literal_error"),
        (
            "budget",
            {"category": "food", "amount": "10", "support": "6a7c8a64-61a8-4c5d-9c4e-1b8f1f0e0000"},
            "support",
            "invalid_choice",
        ),
        ("commitment", {"party": "person", "what": "x", "is_give_back": True}, "hours_per_week", "hours_required"),
        ("commitment", {"party": "person", "what": "x", "hours_total": "3"}, "is_give_back", "hours_not_give_back"),
        (
            "commitment",
            {"party": "person", "what": "x", "is_give_back": True, "hours_total": "0.1"},
            "hours_total",
            "min_value",
        ),
        ("party", {"kind": "organization"}, "organization", "organization_required"),
        ("party", {"kind": "family"}, "name", "name_required"),
        ("party", {"kind": "friend"}, "kind", "literal_error"),
    ],
)
def test_bad_rows_answer_422_and_write_nothing(cast, api_as, kind, data, field, code):
    pact = draft_pact(open_case(cast))
    version = pact.versions.get()
    before = [m.objects.count() for m in (Objective, ExpectedResult, BudgetLine, Commitment, PactParty)]
    response = api_as(cast.case_manager).post(url(cast, "pacts", pact.pk, "rows", kind), data)
    assert response.status_code == 422, response.content
    assert (field, code) in field_errors(response)
    assert [m.objects.count() for m in (Objective, ExpectedResult, BudgetLine, Commitment, PactParty)] == before
    assert version.supports.count() == 1


def test_a_signed_version_is_never_changed(cast, api_as):
    pact = signed_pact(open_case(cast))
    client = api_as(cast.case_manager)
    refused = client.post(url(cast, "pacts", pact.pk, "rows", "objective"), {"text": "Uno in più"})
    assert refused.status_code == 409 and "signed" in refused.json()["detail"]
    objective = pact.current_version.objectives.get()
    assert client.delete(url(cast, "pacts", pact.pk, "rows", "objective", objective.key)).status_code == 409
    assert Objective.objects.filter(version=pact.current_version).count() == 1


def test_who_may_not_write_the_content(cast, api_as):
    pact = draft_pact(open_case(cast))
    objective = pact.versions.get().objectives.get()
    path = url(cast, "pacts", pact.pk, "rows", "objective")
    forbidden = ("privacy_officer", "evaluator", "funder")
    assert_refused(api_as, cast, "post", path, {"text": "Uno in più"}, forbidden=forbidden, not_found=NOT_ON_TEAM)
    remove = url(cast, "pacts", pact.pk, "rows", "objective", objective.key)
    for persona in forbidden:
        assert api_as(getattr(cast, persona)).delete(remove).status_code == 403
    for persona in (*NOT_ON_TEAM, "outsider"):
        assert api_as(getattr(cast, persona)).delete(remove).status_code == 404
    assert list(Objective.objects.values_list("pk", flat=True)) == [objective.pk]


# --- a new version ---------------------------------------------------------------------------------------------


def test_a_new_version_of_a_pact_under_review(cast, api_as):
    pact = signed_pact(open_case(cast))
    client = api_as(cast.case_manager)
    early = client.post(url(cast, "pacts", pact.pk, "versions"), {"change_note": "Più ore"})
    assert early.status_code == 409  # active: open a review first
    pact_services.open_review(actor=cast.case_manager, pact=pact)
    bad = client.post(url(cast, "pacts", pact.pk, "versions"), {"change_note": ""})
    assert bad.status_code == 422 and ("change_note", "string_too_short") in field_errors(bad)
    created = client.post(url(cast, "pacts", pact.pk, "versions"), {"change_note": "Più ore"})
    assert created.status_code == 201, created.content
    body = created.json()
    first = pact.current_version
    assert body["number"] == 2 and body["based_on"] == 1 and body["signed_on"] is None and body["in_force"] is False
    assert body["budget_lines"][0]["key"] == str(first.budget_lines.get().key)
    again = client.post(url(cast, "pacts", pact.pk, "versions"), {"change_note": "Ancora"})
    assert again.status_code == 409
    # The new version takes content; the version in force stays as it was.
    added = api_as(cast.partner_staff).post(url(cast, "pacts", pact.pk, "rows", "objective"), {"text": "Nuovo"})
    assert added.status_code == 201
    assert first.objectives.count() == 1 and PactVersion.objects.get(pact=pact, number=2).objectives.count() == 2


def test_who_may_not_draft_a_new_version(cast, api_as):
    pact = signed_pact(open_case(cast))
    pact_services.open_review(actor=cast.case_manager, pact=pact)
    path = url(cast, "pacts", pact.pk, "versions")
    forbidden = ("partner_staff", "privacy_officer", "community_worker")
    assert_refused(
        api_as, cast, "post", path, {"change_note": "Più ore"}, forbidden=forbidden, not_found=OPENERS_NOT_ON_TEAM
    )
    assert PactVersion.objects.filter(pact=pact).count() == 1
