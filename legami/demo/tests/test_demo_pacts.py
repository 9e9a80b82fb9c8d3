"""The demo's referrals, cases and pacts: every state of a referral and of a pact, cases with their team and their
assessments, versions 2, expenses (some waiting for a second person), give-back hours, reviews; the demo case
manager's desk has something in every section; a second run writes nothing."""

import pytest
from django.contrib.auth import get_user_model

from legami.demo import data
from legami.demo.generator import load_demo
from legami.demo.tests.test_demo_generator import province, wipe_demo  # noqa: F401 — the fixture
from legami.network.models import Network
from legami.pacts.models import (
    Assessment,
    AssessmentKind,
    Case,
    CaseMember,
    CaseStatus,
    Expense,
    ExpenseStatus,
    GiveBackHours,
    GiveBackSource,
    GiveBackStatus,
    Pact,
    PactStatus,
    PactVersion,
    Review,
    ReviewItem,
    TeamRole,
)
from legami.pacts.selectors.desk import desk_for
from legami.referrals.models import Referral, ReferralMessage, ReferralStatus
from legami.referrals.selectors.referrals import is_overdue

pytestmark = pytest.mark.django_db

CASE_MANAGER = "assistente.sociale@legami.demo"
PARTNER_STAFF = "cooperativa@legami.demo"
MODELS = (Referral, ReferralMessage, Case, CaseMember, Assessment, Pact, PactVersion, Expense, GiveBackHours, Review)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_referrals_cases_and_pacts_at_every_stage(province):  # noqa: F811
    load_demo(small=True)
    network = Network.objects.get(slug="welfare-cremona")

    referrals = Referral.objects.filter(network=network)
    assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert {r.reporter.email for r in referrals} == {data.SENTINEL_EMAIL, PARTNER_STAFF}
    assert referrals.values("municipality").distinct().count() >= 3
    assert any(is_overdue(r) for r in referrals)
    # A question put to the reporter and answered, and one still waiting for the answer.
    answered = ReferralMessage.objects.filter(from_reporter=True).values("referral")
    assert ReferralMessage.objects.filter(from_reporter=False, referral__in=answered).exists()
    assert referrals.filter(status=ReferralStatus.INFO_REQUESTED).exists()
    assert not referrals.filter(status=ReferralStatus.CLOSED, close_reason="").exists()

    cases = Case.objects.filter(network=network)
    accepted = referrals.filter(status=ReferralStatus.ACCEPTED)
    assert cases.filter(referral__isnull=False).count() == accepted.count() > cases.count() / 2
    assert cases.filter(referral__isnull=True).exists()
    assert cases.filter(status=CaseStatus.CLOSED).exists()
    managers = CaseMember.objects.filter(case__in=cases, role=TeamRole.MANAGER)
    assert managers.filter(user__email=CASE_MANAGER).count() > cases.count() / 2
    assert CaseMember.objects.filter(case__in=cases, user__email=PARTNER_STAFF).exists()
    # Every case has its baseline; the older ones their reviews' assessments, mostly better than the baseline.
    assert Assessment.objects.filter(case__in=cases, kind=AssessmentKind.BASELINE).count() == cases.count()
    reviewed = Assessment.objects.filter(case__in=cases, kind=AssessmentKind.REVIEW)
    assert reviewed.exists()

    pacts = Pact.objects.filter(network=network)
    assert set(pacts.values_list("status", flat=True)) == set(PactStatus.values)
    assert not pacts.filter(status=PactStatus.INTERRUPTED, interrupt_reason="").exists()
    renewed = PactVersion.objects.filter(pact__in=pacts, number=2)
    assert renewed.filter(signed_on__isnull=False).exists()
    assert renewed.filter(signed_on__isnull=True).exists()  # a version 2 being written at a review

    expenses = Expense.objects.filter(pact__in=pacts)
    assert {ExpenseStatus.RECORDED, ExpenseStatus.AWAITING_APPROVAL} <= set(expenses.values_list("status", flat=True))
    hours = GiveBackHours.objects.filter(pact__in=pacts)
    assert {GiveBackStatus.CONFIRMED, GiveBackStatus.PENDING} <= set(hours.values_list("status", flat=True))
    assert {GiveBackSource.GIVEBACK_PLACE, GiveBackSource.OTHER} <= set(hours.values_list("source", flat=True))
    assert hours.filter(source__in=(GiveBackSource.ACTIVITY, GiveBackSource.TIME_BANK)).exists()
    held = Review.objects.filter(pact__in=pacts, held_on__isnull=False)
    assert held.exists()
    assert ReviewItem.objects.filter(review__in=held).count() >= held.count()
    assert Review.objects.filter(pact__in=pacts, held_on__isnull=True).exists()


def test_the_case_managers_desk_has_something_in_every_section(province):  # noqa: F811
    load_demo(small=True)
    network = Network.objects.get(slug="welfare-cremona")
    case_manager = get_user_model().objects.get(email=CASE_MANAGER)

    desk = desk_for(case_manager, network)

    for section in ("cases", "reviews", "commitments", "referrals", "budgets", "approvals"):
        assert getattr(desk, section).count > 0, section


def test_a_second_run_adds_no_referral_case_or_pact(province):  # noqa: F811
    load_demo(small=True)
    before = counts()
    assert before["Pact"] > 0

    result = load_demo(small=True)

    assert not result.created
    assert counts() == before
    wipe_demo()
    assert not Pact.objects.exists() and not Referral.objects.exists()
