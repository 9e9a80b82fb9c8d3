"""The API's writes on cases and pacts (assessments, the pact's moves, expenses, give-back hours, the host's
confirmations) and the reads that come with them (the diff, the budget, the give-back): allowed and refused for
each kind of caller, bad input as 422 with the field and the code, amounts as decimal strings with exact sums."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from legami.api.tests.helpers import network_url
from legami.core.tests import factories as f
from legami.pacts.models import (
    Assessment,
    BudgetLine,
    Expense,
    GiveBackHours,
    Pact,
    PactEvent,
    PactVersion,
)
from legami.pacts.tests.factories import draft_pact, open_case, signed_pact
from legami.pacts.tests.factories_giveback import commitment_of, pending_hours, place_of, shift_of, started_pact

pytestmark = pytest.mark.django_db

DOMAINS = ("housing", "work", "income", "health", "relationships", "skills", "family_care", "autonomy")


def url(cast, *parts):
    return network_url(cast.network, *parts)


def _assessment(**change):
    data = {"kind": "baseline", "assessed_on": str(timezone.localdate()), "note": "Primo colloquio"}
    for n, domain in enumerate(DOMAINS):
        data |= {f"score_{domain}": n % 5 + 1, f"notes_{domain}": "", f"evidence_{domain}": ""}
    return data | change


# --- assessments -------------------------------------------------------------------------------------------------


def test_a_team_member_records_an_assessment(cast, api_as):
    case = open_case(cast)
    response = api_as(cast.partner_staff).post(url(cast, "cases", case.pk, "assessments"), _assessment())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "baseline" and len(body["scores"]) == 8
    assert {s["domain"]: s["score"] for s in body["scores"]}["income"] == 3
    assert body["assessed_by"]["id"] == cast.partner_staff.pk


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"score_housing": 6}, "score_housing", "less_than_equal"),
        ({"score_work": 0}, "score_work", "greater_than_equal"),
        ({"kind": "sometimes"}, "kind", "literal_error"),
        ({"assessed_on": "2999-01-01"}, "assessed_on", "future"),
        ({"assessed_on": "2000-01-01"}, "assessed_on", "before_opening"),
    ],
)
def test_bad_assessments_answer_422_and_write_nothing(cast, api_as, change, field, code):
    case = open_case(cast)
    response = api_as(cast.case_manager).post(url(cast, "cases", case.pk, "assessments"), _assessment(**change))
    assert response.status_code == 422, response.content
    assert (field, code) in {(str(i["loc"][-1]), i["type"]) for i in response.json()["detail"]}
    assert not Assessment.objects.filter(case=case).exists()


def test_a_second_baseline_is_refused(cast, api_as):
    case = open_case(cast)
    client = api_as(cast.case_manager)
    assert client.post(url(cast, "cases", case.pk, "assessments"), _assessment()).status_code == 201
    again = client.post(url(cast, "cases", case.pk, "assessments"), _assessment())
    assert again.status_code == 422 and again.json()["detail"][0]["type"] == "baseline_exists"


def test_who_may_not_record_an_assessment(cast, api_as):
    case = open_case(cast)
    data = _assessment()
    assert api_as(cast.privacy_officer).post(url(cast, "cases", case.pk, "assessments"), data).status_code == 403
    assert api_as(cast.evaluator).post(url(cast, "cases", case.pk, "assessments"), data).status_code == 403
    for persona in ("coordinator", "community_worker", "district_case_manager"):
        refused = api_as(getattr(cast, persona)).post(url(cast, "cases", case.pk, "assessments"), data)
        assert refused.status_code == 404
    assert api_as(cast.outsider).post(url(cast, "cases", case.pk, "assessments"), data).status_code == 404
    assert not Assessment.objects.exists()


# --- the pact's moves ---------------------------------------------------------------------------------------------


def test_propose_back_to_draft_and_interrupt(cast, api_as):
    pact = draft_pact(open_case(cast))
    client = api_as(cast.case_manager)
    proposed = client.post(url(cast, "pacts", pact.pk, "propose"), {"note": ""})
    assert proposed.status_code == 200 and proposed.json()["status"] == "proposed"
    assert client.post(url(cast, "pacts", pact.pk, "propose"), {}).status_code == 409
    redrafted = client.post(url(cast, "pacts", pact.pk, "redraft"), {})
    assert redrafted.json()["status"] == "draft"
    assert [h["to_status"] for h in redrafted.json()["history"]][-2:] == ["proposed", "draft"]
    bad = client.post(url(cast, "pacts", pact.pk, "interrupt"), {"interrupt_reason": "bored"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "interrupt_reason"
    interrupted = client.post(url(cast, "pacts", pact.pk, "interrupt"), {"interrupt_reason": "moved"})
    assert interrupted.json()["status"] == "interrupted" and interrupted.json()["interrupt_reason"] == "moved"


def test_review_and_complete_are_the_case_managers(cast, api_as):
    pact = signed_pact(open_case(cast))
    assert api_as(cast.partner_staff).post(url(cast, "pacts", pact.pk, "review"), {}).status_code == 403
    reviewed = api_as(cast.case_manager).post(url(cast, "pacts", pact.pk, "review"), {})
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "under_review"
    completed = api_as(cast.case_manager).post(url(cast, "pacts", pact.pk, "complete"), {})
    assert completed.json()["status"] == "completed"


def test_who_may_not_move_a_pact(cast, api_as):
    pact = draft_pact(open_case(cast))
    assert api_as(cast.privacy_officer).post(url(cast, "pacts", pact.pk, "propose"), {}).status_code == 403
    assert api_as(cast.coordinator).post(url(cast, "pacts", pact.pk, "propose"), {}).status_code == 404
    assert api_as(cast.outsider).post(url(cast, "pacts", pact.pk, "propose"), {}).status_code == 404
    assert Pact.objects.get(pk=pact.pk).status == "draft"
    assert not PactEvent.objects.filter(pact=pact).exists()


def test_sign_then_start(cast, api_as):
    pact = draft_pact(open_case(cast))
    client = api_as(cast.case_manager)
    client.post(url(cast, "pacts", pact.pk, "propose"), {})
    today = str(timezone.localdate())
    paper = client.post(url(cast, "pacts", pact.pk, "signature"), {"signed_on": today, "signature_method": "paper"})
    assert paper.status_code == 422 and paper.json()["detail"][0]["loc"][-1] == "signature_method"
    future = client.post(
        url(cast, "pacts", pact.pk, "signature"), {"signed_on": "2999-01-01", "signature_method": "digital"}
    )
    assert future.status_code == 422 and future.json()["detail"][0]["type"] == "future"
    staff = api_as(cast.partner_staff).post(
        url(cast, "pacts", pact.pk, "signature"), {"signed_on": today, "signature_method": "witnessed"}
    )
    assert staff.status_code == 403
    signed = client.post(
        url(cast, "pacts", pact.pk, "signature"), {"signed_on": today, "signature_method": "witnessed"}
    )
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert signed.json()["version_in_force"]["signature_method"] == "witnessed"
    started = client.post(url(cast, "pacts", pact.pk, "start"), {})
    assert started.json()["status"] == "active" and started.json()["next_review_on"]
    again = client.post(url(cast, "pacts", pact.pk, "signature"), {"signed_on": today, "signature_method": "digital"})
    assert again.status_code == 409


# --- the differences between two versions -----------------------------------------------------------------------


def _second_version(pact: Pact, *, amount: Decimal) -> PactVersion:
    """Version 2 of the pact, a copy of version 1 (the same keys) with the budget line's amount changed."""
    first = pact.versions.get(number=1)
    second = PactVersion.objects.create(
        network=pact.network,
        pact=pact,
        number=2,
        based_on=first,
        summary=first.summary,
        change_note="Più budget per il corso",
        starts_on=first.starts_on,
        ends_on=first.ends_on,
        review_every_weeks=first.review_every_weeks,
    )
    line = first.budget_lines.get()
    BudgetLine.objects.create(
        version=second, key=line.key, category=line.category, description=line.description, amount=amount, position=1
    )
    return second


def test_the_diff_between_two_versions(cast, api_as):
    pact = signed_pact(open_case(cast))
    _second_version(pact, amount=Decimal("800.00"))
    client = api_as(cast.case_manager)
    body = client.get(url(cast, "pacts", pact.pk, "diff"), {"from": 1, "to": 2}).json()
    assert body["from_version"] == 1 and body["to_version"] == 2
    sections = {s["name"]: s for s in body["sections"]}
    [budget_row] = sections["budget"]["rows"]
    assert budget_row["status"] == "changed"
    assert any("600" in c["old"] and "800" in c["new"] for c in budget_row["changes"])
    assert {r["status"] for r in sections["commitments"]["rows"]} == {"removed"}
    assert client.get(url(cast, "pacts", pact.pk, "diff"), {"from": 1, "to": 3}).status_code == 404
    missing = client.get(url(cast, "pacts", pact.pk, "diff"), {"from": 1})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"][-1] == "to"
    assert api_as(cast.coordinator).get(url(cast, "pacts", pact.pk, "diff"), {"from": 1, "to": 2}).status_code == 404


# --- budget and expenses -----------------------------------------------------------------------------------------


def _expense(pact, amount="200.00", **change):
    line = pact.current_version.budget_lines.get()
    data = {"line": str(line.key), "amount": amount, "spent_on": str(timezone.localdate()), "description": "Rata"}
    return data | change


def test_expenses_are_exact_decimal_strings_and_the_fourth_waits(cast, api_as):
    pact = signed_pact(open_case(cast))
    client = api_as(cast.partner_staff)
    for _ in range(3):
        created = client.post(url(cast, "pacts", pact.pk, "expenses"), _expense(pact))
        assert created.status_code == 201, created.content
        assert created.json()["amount"] == "200.00" and created.json()["status"] == "recorded"
    fourth = client.post(url(cast, "pacts", pact.pk, "expenses"), _expense(pact, "0.01"))
    assert fourth.json()["status"] == "awaiting_approval"
    budget = client.get(url(cast, "pacts", pact.pk, "budget")).json()
    assert (budget["total"], budget["spent"], budget["pending"], budget["remaining"]) == (
        "600.00",
        "600.00",
        "0.01",
        "0.00",
    )
    assert budget["near_limit"] is True and len(budget["expenses"]) == 4
    [line] = budget["lines"]
    assert line["spent"] == "600.00" and line["remaining"] == "0.00"


def test_tenths_add_up_exactly(cast, api_as):
    pact = signed_pact(open_case(cast))
    client = api_as(cast.case_manager)
    client.post(url(cast, "pacts", pact.pk, "expenses"), _expense(pact, "0.10"))
    client.post(url(cast, "pacts", pact.pk, "expenses"), _expense(pact, "0.2"))
    budget = client.get(url(cast, "pacts", pact.pk, "budget")).json()
    assert budget["spent"] == "0.30" and budget["remaining"] == "599.70"
    assert sum(e.amount for e in Expense.objects.filter(pact=pact)) == Decimal("0.30")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"amount": 200.5}, "amount", "string_type"),
        ({"amount": "200.505"}, "amount", "string_pattern_mismatch"),
        ({"amount": "-5"}, "amount", "string_pattern_mismatch"),
        ({"amount": "0"}, "amount", "min_value"),
        ({"line": "6a7c8a64-61a8-4c5d-9c4e-1b8f1f0e0000"}, "line", "invalid_choice"),
        ({"spent_on": "2999-01-01"}, "spent_on", "future"),
        ({"description": ""}, "description", "string_too_short"),
    ],
)
def test_bad_expenses_answer_422_and_write_nothing(cast, api_as, change, field, code):
    pact = signed_pact(open_case(cast))
    response = api_as(cast.case_manager).post(url(cast, "pacts", pact.pk, "expenses"), _expense(pact, **change))
    assert response.status_code == 422, response.content
    assert (field, code) in {(str(i["loc"][-1]), i["type"]) for i in response.json()["detail"]}
    assert not Expense.objects.exists()


def test_who_may_record_and_read_expenses(cast, api_as):
    pact = signed_pact(open_case(cast))
    assert api_as(cast.privacy_officer).get(url(cast, "pacts", pact.pk, "budget")).status_code == 200
    assert api_as(cast.privacy_officer).post(url(cast, "pacts", pact.pk, "expenses"), _expense(pact)).status_code == 403
    assert api_as(cast.funder).get(url(cast, "pacts", pact.pk, "budget")).status_code == 403
    for persona in ("coordinator", "community_worker", "district_case_manager"):
        client = api_as(getattr(cast, persona))
        assert client.get(url(cast, "pacts", pact.pk, "budget")).status_code == 404
        assert client.post(url(cast, "pacts", pact.pk, "expenses"), _expense(pact)).status_code == 404
    assert not Expense.objects.exists()


def test_a_draft_pact_takes_no_expense(cast, api_as):
    pact = draft_pact(open_case(cast))
    line = pact.versions.get().budget_lines.get()
    data = {"line": str(line.key), "amount": "10.00", "spent_on": str(timezone.localdate()), "description": "x"}
    assert api_as(cast.case_manager).post(url(cast, "pacts", pact.pk, "expenses"), data).status_code == 409


def test_an_expense_over_budget_is_approved_by_a_second_person(cast, api_as):
    case = open_case(cast, members=("partner_staff", "coordinator"))
    pact = signed_pact(case)
    over = api_as(cast.case_manager).post(url(cast, "pacts", pact.pk, "expenses"), _expense(pact, "650.00")).json()
    assert over["status"] == "awaiting_approval"
    decide = url(cast, "pacts", pact.pk, "expenses", over["id"], "approve")
    refused = api_as(cast.case_manager).post(decide, {"reason": "Serve"})
    assert refused.status_code == 409 and Expense.objects.get(pk=over["id"]).status == "awaiting_approval"
    assert api_as(cast.partner_staff).post(decide, {"reason": "Serve"}).status_code == 403  # no such capability
    assert api_as(cast.district_case_manager).post(decide, {"reason": "Serve"}).status_code == 404  # not on the team
    bad = api_as(cast.coordinator).post(decide, {"reason": ""})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "reason"
    approved = api_as(cast.coordinator).post(decide, {"reason": "Il corso costa di più"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    budget = api_as(cast.case_manager).get(url(cast, "pacts", pact.pk, "budget")).json()
    assert budget["spent"] == "650.00" and budget["remaining"] == "-50.00"
    again = api_as(cast.coordinator).post(
        url(cast, "pacts", pact.pk, "expenses", over["id"], "refuse"), {"reason": "x"}
    )
    assert again.status_code == 409
    assert (
        api_as(cast.coordinator)
        .post(url(cast, "pacts", pact.pk, "expenses", 999_999, "refuse"), {"reason": "x"})
        .status_code
        == 404
    )


# --- give-back hours ---------------------------------------------------------------------------------------------


def test_a_shift_counts_at_once_and_once(cast, api_as):
    pact = started_pact(cast)
    shift = shift_of(cast, pact, minutes=150)
    data = {"commitment": str(commitment_of(pact).key), "source": "activity", "volunteer_shift": shift.pk}
    client = api_as(cast.case_manager)
    logged = client.post(url(cast, "pacts", pact.pk, "give-back"), data)
    assert logged.status_code == 201, logged.content
    assert logged.json()["status"] == "confirmed" and logged.json()["minutes"] == 150
    again = client.post(url(cast, "pacts", pact.pk, "give-back"), data)
    assert again.status_code == 422 and again.json()["detail"][0]["type"] == "already_counted"
    body = client.get(url(cast, "pacts", pact.pk, "give-back")).json()
    [progress] = body["progress"]
    # Two hours a week over the 29 days since the pact started, both ends counted.
    assert progress["confirmed_minutes"] == 150 and progress["committed_minutes"] == round(120 * 29 / 7)
    assert len(body["hours"]) == 1


def test_hours_at_a_place_wait_for_the_host(cast, api_as):
    pact = started_pact(cast)
    place = place_of(cast)
    data = {
        "commitment": str(commitment_of(pact).key),
        "source": "giveback_place",
        "giveback_place": place.pk,
        "done_on": str(timezone.localdate() - datetime.timedelta(days=1)),
        "minutes": 90,
    }
    logged = api_as(cast.partner_staff).post(url(cast, "pacts", pact.pk, "give-back"), data)
    assert logged.status_code == 201 and logged.json()["status"] == "pending"
    missing = api_as(cast.case_manager).post(url(cast, "pacts", pact.pk, "give-back"), data | {"minutes": None})
    assert missing.status_code == 422 and ("minutes", "required") in {
        (i["loc"][-1], i["type"]) for i in missing.json()["detail"]
    }
    assert api_as(cast.privacy_officer).post(url(cast, "pacts", pact.pk, "give-back"), data).status_code == 403
    assert api_as(cast.community_worker).post(url(cast, "pacts", pact.pk, "give-back"), data).status_code == 404
    assert GiveBackHours.objects.filter(pact=pact).count() == 1


# --- the host's confirmations ----------------------------------------------------------------------------------


def test_the_host_confirms_without_seeing_the_pact(cast, api_as):
    pact = started_pact(cast, members=())
    hours = pending_hours(cast, pact)
    client = api_as(cast.partner_staff)  # staff of the host, not on the team
    listed = client.get(url(cast, "volunteer-hours"))
    [item] = listed.json()["items"]
    assert item["id"] == hours.pk and item["person"] == pact.case.person.full_name and item["minutes"] == 120
    # Nothing names the pact, its case or its commitment: no key or word of theirs (whole words, so that a random
    # name such as "Casoli" cannot trip it), nor the commitment's key.
    text = listed.content.decode().lower()
    assert re.search(r"\b(pacts?|patt[oi]|cases?|cas[oi]|commitments?)\b", text) is None, text
    assert str(commitment_of(pact).key) not in text
    assert api_as(cast.partner_staff).get(url(cast, "pacts", pact.pk)).status_code == 404
    confirmed = client.post(url(cast, "volunteer-hours", hours.pk, "confirm"), {})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert client.post(url(cast, "volunteer-hours", hours.pk, "reject"), {}).status_code == 409
    progress = api_as(cast.case_manager).get(url(cast, "pacts", pact.pk, "give-back")).json()["progress"][0]
    assert progress["confirmed_minutes"] == 120


def test_who_may_confirm_hours(cast, api_as):
    pact = started_pact(cast)
    hours = pending_hours(cast, pact, host=f.OrganizationFactory(network=cast.network, name="Parrocchia San Luca"))
    # Partner staff of another organisation: the hours are not theirs to see.
    assert api_as(cast.partner_staff).get(url(cast, "volunteer-hours")).json()["count"] == 0
    assert api_as(cast.partner_staff).post(url(cast, "volunteer-hours", hours.pk, "confirm"), {}).status_code == 404
    # The case manager holds no pacts.confirm_give_back; the privacy officer neither.
    assert api_as(cast.case_manager).get(url(cast, "volunteer-hours")).status_code == 403
    assert api_as(cast.privacy_officer).post(url(cast, "volunteer-hours", hours.pk, "confirm"), {}).status_code == 403
    rejected = api_as(cast.community_worker).post(url(cast, "volunteer-hours", hours.pk, "reject"), {})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert GiveBackHours.objects.get(pk=hours.pk).status == "rejected"
