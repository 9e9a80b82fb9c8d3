"""Supports at the same moment, on PostgreSQL: the process row's lock makes them take turns.

Each case slows the service down between its checks and its write (where a race would slip in without the
lock), starts two threads at once, and checks that the rules held: one person at the limit gets one support
out of two, the same support twice is one row, and a support racing a change of phase is either counted
before the change or refused after it, never counted after it.
"""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from legami.core.tests.concurrency import run_together
from legami.participation.models import Proposal, Support
from legami.participation.services import processes as process_services
from legami.participation.services import supports as support_services
from legami.participation.tests.factories import open_process
from legami.participation.tests.factories_proposals import PhaseFactory, ProposalFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def slow_checks(monkeypatch):
    """The limit's count takes a while: without the lock, both threads would pass it before either wrote."""
    counted = support_services.supports_used

    def slow(user, process):
        found = counted(user, process)
        time.sleep(0.4)
        return found

    monkeypatch.setattr(support_services, "supports_used", slow)


def test_at_the_limit_two_supports_at_once_give_one(cast, slow_checks):
    process = open_process(cast.network, support_limit=1)
    first, second = ProposalFactory(process=process), ProposalFactory(process=process)
    results = run_together(
        lambda: support_services.support(actor=cast.citizen, proposal=first),
        lambda: support_services.support(actor=cast.citizen, proposal=second),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and refused[0].code == "support_limit", results
    assert Support.objects.filter(user=cast.citizen).count() == 1
    assert sum(Proposal.objects.filter(process=process).values_list("support_count", flat=True)) == 1


def test_the_same_support_twice_at_once_is_one_row(cast, slow_checks):
    process = open_process(cast.network, support_limit=5)
    proposal = ProposalFactory(process=process)
    results = run_together(
        lambda: support_services.support(actor=cast.citizen, proposal=proposal),
        lambda: support_services.support(actor=cast.citizen, proposal=proposal),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and refused[0].code == "already_supported", results
    assert Support.objects.filter(proposal=proposal).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1


def test_a_support_that_locks_first_is_counted_before_the_phase_changes(cast, slow_checks):
    process = open_process(cast.network, support_limit=5)
    closed = PhaseFactory(process=process, supports_open=False, position=1)
    proposal = ProposalFactory(process=process)
    results = run_together(
        lambda: support_services.support(actor=cast.citizen, proposal=proposal),
        lambda: process_services.activate_phase(actor=cast.coordinator, process=process, phase=closed),
        stagger=0.15,
    )
    assert not any(isinstance(r, Exception) for r in results), results
    row = Support.objects.get(proposal=proposal)
    change = process.events.filter(note__contains=closed.name).latest("id")
    assert row.created_at < change.created_at


def test_a_support_that_comes_second_sees_the_new_phase_and_is_refused(cast, monkeypatch):
    process = open_process(cast.network, support_limit=5)
    closed = PhaseFactory(process=process, supports_open=False, position=1)
    proposal = ProposalFactory(process=process)
    chosen = process_services._phase_of

    def slow_phase_of(process, phase):
        found = chosen(process, phase)
        time.sleep(0.4)  # the process is locked; the support waits for the change to be committed
        return found

    monkeypatch.setattr(process_services, "_phase_of", slow_phase_of)
    results = run_together(
        lambda: process_services.activate_phase(actor=cast.coordinator, process=process, phase=closed),
        lambda: support_services.support(actor=cast.citizen, proposal=proposal),
        stagger=0.15,
    )
    assert isinstance(results[1], ValidationError) and results[1].code == "supports_closed", results
    assert not Support.objects.filter(proposal=proposal).exists()
    assert Proposal.objects.get(pk=proposal.pk).support_count == 0
