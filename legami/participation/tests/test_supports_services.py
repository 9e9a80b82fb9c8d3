"""Supports: one per person, only in a phase that opens them, within the process's limit, not on closed proposals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.participation.models import ProcessStatus, Proposal, ProposalStatus, Support
from legami.participation.services.processes import activate_phase
from legami.participation.services.supports import support, unsupport
from legami.participation.tests.factories import open_process
from legami.participation.tests.factories_proposals import PhaseFactory, ProposalFactory, SupportFactory

S = ProposalStatus


def codes(exc):
    return [e.code for e in exc.value.error_list]


@pytest.fixture
def process(cast):
    return open_process(cast.network, support_limit=2)


@pytest.fixture
def proposals(cast, process):
    return [ProposalFactory(process=process, author=cast.citizen) for _ in range(3)]


def count(proposal):
    return Proposal.objects.get(pk=proposal.pk).support_count


@pytest.mark.parametrize(
    "persona", ["citizen", "coordinator", "partner_staff", "evaluator", "funder", "privacy_officer"]
)
def test_a_member_supports_once_and_the_count_follows(cast, proposals, persona):
    user = getattr(cast, persona)
    row = support(actor=user, proposal=proposals[0])
    assert row.user == user and count(proposals[0]) == 1
    assert AuditEvent.objects.filter(object_type="participation.support", action="create").count() == 1
    unsupport(actor=user, proposal=proposals[0])
    assert count(proposals[0]) == 0 and not Support.objects.exists()
    assert AuditEvent.objects.filter(object_type="participation.support", action="delete").count() == 1


@pytest.mark.parametrize("persona", ["outsider", "platform_admin"])
def test_non_members_may_not_support(cast, proposals, persona):
    with pytest.raises(PermissionDenied):
        support(actor=getattr(cast, persona), proposal=proposals[0])
    with pytest.raises(PermissionDenied):
        unsupport(actor=getattr(cast, persona), proposal=proposals[0])


def test_a_second_support_is_refused_with_a_clear_error(cast, proposals):
    support(actor=cast.citizen, proposal=proposals[0])
    with pytest.raises(ValidationError) as exc:
        support(actor=cast.citizen, proposal=proposals[0])
    assert codes(exc) == ["already_supported"]
    assert Support.objects.count() == 1 and count(proposals[0]) == 1


def test_the_limit_per_person_counts_the_process_only(cast, process, proposals):
    support(actor=cast.citizen, proposal=proposals[0])
    support(actor=cast.citizen, proposal=proposals[1])
    with pytest.raises(ValidationError) as exc:
        support(actor=cast.citizen, proposal=proposals[2])
    assert codes(exc) == ["support_limit"]
    # Another process's supports do not count, and somebody else is not limited by this person's.
    other = ProposalFactory(process=open_process(cast.network, support_limit=2))
    support(actor=cast.citizen, proposal=other)
    support(actor=cast.funder, proposal=proposals[2])
    # Taking one back frees a support.
    unsupport(actor=cast.citizen, proposal=proposals[0])
    support(actor=cast.citizen, proposal=proposals[2])
    assert Support.objects.filter(user=cast.citizen, proposal__process=process).count() == 2


def test_no_limit_when_the_limit_is_zero(cast):
    process = open_process(cast.network, support_limit=0)
    for proposal in [ProposalFactory(process=process) for _ in range(4)]:
        support(actor=cast.citizen, proposal=proposal)
    assert Support.objects.filter(user=cast.citizen).count() == 4


@pytest.mark.parametrize(
    "change",
    [
        {"phase__supports_open": False},
        {"phase__starts_on": timezone.localdate() + datetime.timedelta(days=1)},
        {
            "phase__starts_on": timezone.localdate() - datetime.timedelta(days=5),
            "phase__ends_on": timezone.localdate() - datetime.timedelta(days=1),
        },
        {"status": ProcessStatus.CLOSED},
    ],
    ids=["phase-without-supports", "phase-not-started", "after-the-last-day", "process-closed"],
)
def test_no_support_outside_its_phase(cast, change):
    proposal = ProposalFactory(process=open_process(cast.network, **change))
    with pytest.raises(ValidationError) as exc:
        support(actor=cast.citizen, proposal=proposal)
    assert codes(exc) == ["supports_closed"]
    assert count(proposal) == 0


def test_the_last_day_of_the_phase_still_counts(cast):
    proposal = ProposalFactory(process=open_process(cast.network, phase__ends_on=timezone.localdate()))
    support(actor=cast.citizen, proposal=proposal)
    assert count(proposal) == 1


def test_no_support_taken_back_once_the_phase_is_over(cast, process, proposals):
    support(actor=cast.citizen, proposal=proposals[0])
    later = PhaseFactory(process=process, supports_open=False, position=1)
    activate_phase(actor=cast.coordinator, process=process, phase=later)
    with pytest.raises(ValidationError) as exc:
        unsupport(actor=cast.citizen, proposal=proposals[0])
    assert codes(exc) == ["supports_closed"]
    with pytest.raises(ValidationError):
        support(actor=cast.funder, proposal=proposals[0])
    assert count(proposals[0]) == 1


def test_taking_back_a_support_one_does_not_give_is_refused(cast, proposals):
    with pytest.raises(ValidationError) as exc:
        unsupport(actor=cast.citizen, proposal=proposals[0])
    assert codes(exc) == ["not_supported"]


@pytest.mark.parametrize("status", [S.WITHDRAWN, S.REJECTED])
def test_no_support_on_a_closed_proposal(cast, proposals, status):
    Proposal.objects.filter(pk=proposals[0].pk).update(status=status)
    with pytest.raises(ValidationError) as exc:
        support(actor=cast.citizen, proposal=proposals[0])
    assert codes(exc) == ["proposal_closed"]


@pytest.mark.parametrize("status", [S.EVALUATING, S.ACCEPTED])
def test_a_proposal_under_evaluation_or_accepted_can_be_supported(cast, proposals, status):
    Proposal.objects.filter(pk=proposals[0].pk).update(status=status)
    support(actor=cast.citizen, proposal=proposals[0])
    assert count(proposals[0]) == 1


def test_no_support_on_a_hidden_proposal(cast, proposals):
    Proposal.objects.filter(pk=proposals[0].pk).update(hidden_at=timezone.now(), hidden_reason="spam")
    with pytest.raises(ValidationError) as exc:
        support(actor=cast.citizen, proposal=proposals[0])
    assert codes(exc) == ["hidden"]


def test_the_state_is_read_again_under_the_lock(cast, proposals):
    """A stale proposal object (loaded before it was withdrawn) does not let a support through."""
    stale = Proposal.objects.get(pk=proposals[0].pk)
    Proposal.objects.filter(pk=stale.pk).update(status=S.WITHDRAWN)
    with pytest.raises(ValidationError):
        support(actor=cast.citizen, proposal=stale)


def test_the_count_uses_the_database_value(cast, proposals):
    """The count is F() + 1 in the database, not the stale number of the object in hand."""
    SupportFactory(proposal=proposals[0], user=cast.funder)
    stale = Proposal.objects.get(pk=proposals[0].pk)
    SupportFactory(proposal=proposals[0], user=cast.evaluator)
    support(actor=cast.citizen, proposal=stale)
    assert count(proposals[0]) == 3
