"""The pact page in a fixed number of queries (selectors.pact_page): at two sizes of content and history the same
count, at most 15 with the session, the network, the grants and the audit's statements; what it reads in one go is
what the per-table readers give (the version's rows, the budget, the give-back hours, the draft, the consent)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from legami.core.models import Consent, LegalBasis
from legami.core.tests import factories as f
from legami.pacts.models import (
    BudgetLine,
    Commitment,
    ExpectedResult,
    Expense,
    ExpenseStatus,
    GiveBackHours,
    GiveBackSource,
    GiveBackStatus,
    Objective,
    PactEvent,
    PactParty,
    PactStatus,
    PactVersion,
    Review,
    Support,
)
from legami.pacts.selectors.budget import budget_of
from legami.pacts.selectors.giveback import progress_since_start
from legami.pacts.selectors.pact_page import pact_page, version_rows
from legami.pacts.selectors.pacts import draft_version, version_content
from legami.pacts.tests.factories import case_processing, draft_pact, open_case, signed_pact

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def page_url(cast, pact) -> str:
    return reverse("pacts:pact", args=[cast.network.slug, pact.pk])


def grow(cast, pact, n: int) -> None:
    """`n` more of every row of the version in force, and of expenses, hours, reviews and history."""
    version = pact.current_version
    line = version.budget_lines.get()
    give_back = version.commitments.get(is_give_back=True)
    for i in range(n):
        PactParty.objects.create(version=version, kind="organization", organization=cast.organization, name=f"P{i}")
        objective = Objective.objects.create(version=version, position=10 + i, text=f"Obiettivo {i}")
        for j in range(2):
            ExpectedResult.objects.create(objective=objective, indicator=f"Ind {i}.{j}", target="3")
        support = Support.objects.create(version=version, service=f"Servizio {i}", provider=cast.organization)
        BudgetLine.objects.create(
            version=version, support=support, category="food", description=f"Spesa {i}", amount=Decimal("10.00")
        )
        Commitment.objects.create(
            version=version, party="organization", organization=cast.organization, what=f"Impegno {i}"
        )
        Commitment.objects.create(
            version=version, party="person", what=f"Restituzione {i}", is_give_back=True, hours_total=Decimal("20")
        )
        Expense.objects.create(
            network=cast.network,
            pact=pact,
            line_key=line.key,
            amount=Decimal("5.00"),
            spent_on=TODAY,
            status=ExpenseStatus.RECORDED,
            recorded_by=cast.case_manager,
        )
        GiveBackHours.objects.create(
            network=cast.network,
            pact=pact,
            commitment_key=give_back.key,
            done_on=TODAY,
            minutes=60,
            source=GiveBackSource.OTHER,
            host=cast.organization,
            status=GiveBackStatus.CONFIRMED,
        )
        Review.objects.create(
            network=cast.network, pact=pact, version=version, due_on=TODAY, held_on=TODAY, outcome="continue"
        )
        PactEvent.objects.create(pact=pact, from_status="active", to_status="active", actor=cast.partner_staff)


def _real(queries) -> list[str]:
    """As test_desk_views: the test's transaction turns the audit's BEGIN/COMMIT into SAVEPOINT/RELEASE."""
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


@pytest.mark.parametrize("persona", ["case_manager", "privacy_officer"])
def test_the_pact_page_runs_a_constant_number_of_queries(cast, login, persona):
    pact = signed_pact(open_case(cast))
    client = login(getattr(cast, persona))
    client.get(page_url(cast, pact))
    with CaptureQueriesContext(connection) as small:
        assert client.get(page_url(cast, pact)).status_code == 200
    grow(cast, pact, 6)
    with CaptureQueriesContext(connection) as large:
        response = client.get(page_url(cast, pact))

    assert response.status_code == 200 and "Obiettivo 5" in response.content.decode()
    # session, user, two-factor device, network, grants; the pact, its rows, reviews, history; the audit (3 here,
    # 5 in a request: BEGIN and COMMIT)
    assert len(_real(large.captured_queries)) == len(_real(small.captured_queries))
    assert len(large.captured_queries) <= 15


def test_a_draft_pact_page_takes_one_query_more_for_its_newest_version(cast, login):
    pact = draft_pact(open_case(cast))
    client = login(cast.case_manager)
    client.get(page_url(cast, pact))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page_url(cast, pact)).status_code == 200
    assert len(queries.captured_queries) <= 15


def test_the_rows_in_one_query_are_the_version_content(cast, django_assert_num_queries):
    pact = signed_pact(open_case(cast))
    grow(cast, pact, 3)
    version = PactVersion.objects.get(pk=pact.current_version_id)
    expected = version_content(version)

    with django_assert_num_queries(1):
        found = version_rows(version, give_back_period=(TODAY - datetime.timedelta(days=30), TODAY))
        shown = [
            [(p.pk, p.key, p.kind, p.organization and p.organization.name, p.name, p.signs) for p in found.parties],
            [
                (o.pk, o.text, [(r.pk, r.indicator, r.target, r.due_on) for r in o.results.all()])
                for o in found.objectives
            ],
            [(s.pk, s.service, s.frequency, s.provider and s.provider.name) for s in found.supports],
            [(b.pk, b.category, b.description, b.amount, b.support and b.support.service) for b in found.budget_lines],
            [
                (c.pk, c.party, c.organization and c.organization.name, c.what, c.due_on, c.is_give_back)
                + (c.hours_per_week, c.hours_total)
                for c in found.commitments
            ],
        ]
    assert shown == [
        [(p.pk, p.key, p.kind, p.organization and p.organization.name, p.name, p.signs) for p in expected.parties],
        [
            (o.pk, o.text, [(r.pk, r.indicator, r.target, r.due_on) for r in o.results.all()])
            for o in expected.objectives
        ],
        [(s.pk, s.service, s.frequency, s.provider and s.provider.name) for s in expected.supports],
        [(b.pk, b.category, b.description, b.amount, b.support and b.support.service) for b in expected.budget_lines],
        [
            (c.pk, c.party, c.organization and c.organization.name, c.what, c.due_on, c.is_give_back)
            + (c.hours_per_week, c.hours_total)
            for c in expected.commitments
        ],
    ]
    assert found.budget_total == expected.budget_total and len(found.give_back) == len(expected.give_back) == 4


def test_the_summaries_agree_with_the_budget_and_give_back_readers(cast):
    pact = signed_pact(open_case(cast))
    version = pact.current_version
    version.starts_on = TODAY - datetime.timedelta(days=40)
    version.save()
    grow(cast, pact, 2)
    line = version.budget_lines.order_by("position", "id").first()
    gone = BudgetLine(version=version, category="other", amount=Decimal("1.00"))  # a key no longer in force
    for amount, status, key in (
        ("470.00", ExpenseStatus.APPROVED, line.key),
        ("90.00", ExpenseStatus.AWAITING_APPROVAL, line.key),
        ("30.00", ExpenseStatus.RECORDED, gone.key),
        ("70.00", ExpenseStatus.REFUSED, line.key),
    ):
        Expense.objects.create(
            network=cast.network,
            pact=pact,
            line_key=key,
            amount=Decimal(amount),
            spent_on=TODAY,
            status=status,
            recorded_by=cast.case_manager,
        )
    GiveBackHours.objects.create(
        network=cast.network,
        pact=pact,
        commitment_key=version.commitments.get(is_give_back=True, hours_per_week__isnull=False).key,
        done_on=TODAY,
        minutes=45,
        source=GiveBackSource.OTHER,
        host=cast.organization,
        status=GiveBackStatus.PENDING,
    )

    page = pact_page(cast.case_manager, cast.network, pact.pk, today=TODAY)
    budget = budget_of(pact)
    progress, _period = progress_since_start(pact, TODAY)

    summary = page.budget
    assert (summary.total, summary.spent, summary.pending, summary.remaining, summary.over) == (
        budget.total,
        budget.spent,
        budget.pending,
        budget.remaining,
        budget.over,
    )
    assert (summary.percent_spent, summary.near_limit, bool(summary.lines)) == (
        budget.percent_spent,
        budget.near_limit,
        bool(budget.lines),
    )
    assert [(p.key, p.confirmed_minutes, p.pending_minutes, p.committed_minutes) for p in page.progress] == [
        (p.key, p.confirmed_minutes, p.pending_minutes, p.committed_minutes) for p in progress
    ]


def test_the_draft_to_write_is_the_one_of_draft_version(cast, english_login):
    pact = signed_pact(open_case(cast))
    client = english_login(cast.case_manager)
    assert draft_version(pact) is None and "Write version" not in client.get(page_url(cast, pact)).content.decode()

    pact.status = PactStatus.UNDER_REVIEW
    pact.save()
    body = client.get(page_url(cast, pact)).content.decode()
    assert draft_version(pact) is None and "Write version" not in body and "Change the pact (new version)" in body

    v1 = pact.current_version
    PactVersion.objects.create(
        network=cast.network,
        pact=pact,
        number=2,
        based_on=v1,
        starts_on=v1.starts_on,
        ends_on=v1.ends_on,
        review_every_weeks=12,
        created_by=cast.case_manager,
    )
    body = client.get(page_url(cast, pact)).content.decode()
    assert draft_version(pact).number == 2 and "Write version 2" in body and "Record the signature" in body
    assert "Change the pact (new version)" not in body


def test_the_page_warns_when_the_consent_it_rests_on_is_missing(cast, english_login):
    processing = case_processing(cast.network, legal_basis=LegalBasis.CONSENT)
    person = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    pact = signed_pact(open_case(cast, person=person, processing=processing))
    client = english_login(cast.case_manager)
    warning = "consent to this processing was withdrawn"

    assert warning in client.get(page_url(cast, pact)).content.decode()
    Consent.objects.create(person=person, processing=processing, given=True, given_at=timezone.now())
    assert warning not in client.get(page_url(cast, pact)).content.decode()
