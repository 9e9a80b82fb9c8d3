"""Proposals: filing, editing, the answer workflow, withdrawal, hiding and showing again."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.needs.tests.factories import NeedAreaFactory
from legami.participation.models import ProcessStatus, Proposal, ProposalEvent, ProposalStatus, Report
from legami.participation.services.proposals import (
    PROPOSAL_INPUTS,
    PROPOSAL_WORKFLOW,
    answer_proposal,
    create_proposal,
    hide_proposal,
    show_proposal,
    update_proposal,
    withdraw_proposal,
)
from legami.participation.tests.factories import open_process
from legami.participation.tests.factories_proposals import ProposalFactory, ReportFactory, SupportFactory

S = ProposalStatus


@pytest.fixture
def process(cast):
    return open_process(cast.network)


@pytest.fixture
def proposal(cast, process):
    return ProposalFactory(process=process, author=cast.citizen)


def codes(exc):
    if hasattr(exc.value, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in exc.value.error_dict.items()}
    return [e.code for e in exc.value.error_list]


DATA = {"title": "Uno spazio compiti", "body": "Il martedì al centro civico."}


# --- filing ---------------------------------------------------------------------------------------------


def test_a_member_files_a_proposal_in_the_open_phase(cast, process):
    proposal = create_proposal(actor=cast.citizen, process=process, data=dict(DATA))
    assert proposal.status == S.PUBLISHED
    assert proposal.phase == process.current_phase
    assert proposal.author == cast.citizen and proposal.network == cast.network
    event = ProposalEvent.objects.get(proposal=proposal)
    assert (event.from_status, event.to_status) == ("", S.PUBLISHED)
    audit = AuditEvent.objects.get(object_type="participation.proposal", action=AuditEvent.Action.CREATE)
    # The audit keeps that the text was written, never the text itself.
    assert "spazio" not in str(audit.after) and "spazio" not in audit.object_repr


@pytest.mark.parametrize("persona", ["coordinator", "partner_staff", "evaluator", "funder", "privacy_officer"])
def test_every_role_may_propose(cast, process, persona):
    assert create_proposal(actor=getattr(cast, persona), process=process, data=dict(DATA)).pk


@pytest.mark.parametrize("persona", ["outsider", "platform_admin", "anonymous"])
def test_non_members_may_not_propose(cast, process, persona):
    from django.contrib.auth.models import AnonymousUser

    actor = getattr(cast, persona) or AnonymousUser()
    with pytest.raises(PermissionDenied):
        create_proposal(actor=actor, process=process, data=dict(DATA))
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"phase__proposals_open": False},
        {"phase__starts_on": timezone.localdate() + datetime.timedelta(days=1)},
        {
            "phase__ends_on": timezone.localdate() - datetime.timedelta(days=1),
            "phase__starts_on": timezone.localdate() - datetime.timedelta(days=5),
        },
        {"status": ProcessStatus.CLOSED},
        {"status": ProcessStatus.DRAFT},
    ],
    ids=["phase-without-proposals", "phase-not-started", "phase-over", "process-closed", "process-draft"],
)
def test_no_proposal_outside_a_phase_that_takes_them(cast, change):
    process = open_process(cast.network, **change)
    with pytest.raises(ValidationError) as exc:
        create_proposal(actor=cast.citizen, process=process, data=dict(DATA))
    assert codes(exc) == ["proposals_closed"]
    assert not Proposal.objects.exists()


def test_a_process_without_a_current_phase_takes_no_proposal(cast, process):
    process.current_phase = None
    process.save()
    with pytest.raises(ValidationError):
        create_proposal(actor=cast.citizen, process=process, data=dict(DATA))


@pytest.mark.parametrize(
    "data, field, code",
    [
        ({"body": "x"}, "title", "required"),
        ({"title": "   ", "body": "x"}, "title", "required"),
        ({"title": "t" * 151, "body": "x"}, "title", "max_length"),
        ({"title": "t"}, "body", "required"),
        ({"title": "t", "body": "b" * 10_001}, "body", "max_length"),
        ({"title": "t", "body": "b", "area": 999_999}, "area", "invalid_choice"),
        ({"title": "t", "body": "b", "organization": 999_999}, "organization", "invalid_choice"),
        ({"title": "t", "body": "b", "colour": "red"}, "colour", "unknown"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_code(cast, process, data, field, code):
    with pytest.raises(ValidationError) as exc:
        create_proposal(actor=cast.citizen, process=process, data=data)
    found = codes(exc)
    assert field in found or code == "unknown", found
    if code != "unknown":
        assert code in found[field]
    assert not Proposal.objects.exists()


def test_an_area_of_the_network_is_taken_another_networks_and_an_unused_one_are_not(cast, process):
    area = NeedAreaFactory(network=cast.network, code="casa")
    assert create_proposal(actor=cast.citizen, process=process, data={**DATA, "area": area.pk}).area == area
    other = NeedAreaFactory(network=cast.other_network, code="casa")
    with pytest.raises(ValidationError) as exc:
        create_proposal(actor=cast.citizen, process=process, data={**DATA, "area": other.pk})
    assert codes(exc) == {"area": ["invalid_choice"]}
    unused = NeedAreaFactory(network=cast.network, code="vecchia", is_active=False)
    with pytest.raises(ValidationError) as exc:
        create_proposal(actor=cast.citizen, process=process, data={**DATA, "area": unused.pk})
    assert codes(exc) == {"area": ["inactive"]}


def test_partner_staff_propose_on_behalf_of_their_organisation_only(cast, process):
    proposal = create_proposal(
        actor=cast.partner_staff, process=process, data={**DATA, "organization": cast.organization.pk}
    )
    assert proposal.organization == cast.organization
    with pytest.raises(ValidationError) as exc:
        create_proposal(actor=cast.citizen, process=process, data={**DATA, "organization": cast.organization.pk})
    assert codes(exc) == {"organization": ["not_your_organization"]}
    other = f.OrganizationFactory(network=cast.network, name="Altra")
    with pytest.raises(ValidationError) as exc:
        create_proposal(actor=cast.partner_staff, process=process, data={**DATA, "organization": other.pk})
    assert codes(exc) == {"organization": ["not_your_organization"]}


def test_the_rules_check_one_field_at_a_time():
    with pytest.raises(ValidationError) as exc:
        PROPOSAL_INPUTS.clean({"title": "", "body": ""})
    assert set(exc.value.error_dict) == {"title", "body"}


# --- editing ------------------------------------------------------------------------------------------


def test_the_author_edits_a_published_unsupported_proposal(cast, proposal):
    update_proposal(actor=cast.citizen, proposal=proposal, data={"title": "Nuovo titolo"})
    proposal.refresh_from_db()
    assert proposal.title == "Nuovo titolo"
    assert AuditEvent.objects.filter(object_type="participation.proposal", action=AuditEvent.Action.UPDATE).exists()


def test_an_unchanged_edit_writes_nothing(cast, proposal):
    update_proposal(actor=cast.citizen, proposal=proposal, data={"title": proposal.title})
    assert not AuditEvent.objects.filter(object_type="participation.proposal").exists()


def test_only_the_author_edits(cast, proposal):
    with pytest.raises(PermissionDenied):
        update_proposal(actor=cast.coordinator, proposal=proposal, data={"title": "Altro"})


def test_a_supported_proposal_cannot_be_edited(cast, proposal):
    SupportFactory(proposal=proposal, user=cast.funder)
    with pytest.raises(ValidationError) as exc:
        update_proposal(actor=cast.citizen, proposal=proposal, data={"title": "Altro"})
    assert codes(exc) == ["supported"]


@pytest.mark.parametrize("status", [S.EVALUATING, S.ACCEPTED, S.REJECTED, S.WITHDRAWN])
def test_only_a_published_proposal_can_be_edited(cast, proposal, status):
    Proposal.objects.filter(pk=proposal.pk).update(status=status)
    with pytest.raises(ValidationError) as exc:
        update_proposal(actor=cast.citizen, proposal=proposal, data={"title": "Altro"})
    assert codes(exc) == ["not_editable"]


def test_an_edit_checks_its_input(cast, proposal):
    with pytest.raises(ValidationError) as exc:
        update_proposal(actor=cast.citizen, proposal=proposal, data={"title": ""})
    assert codes(exc) == {"title": ["required"]}


# --- the answer workflow ------------------------------------------------------------------------------


def test_the_table_is_the_one_documented():
    assert PROPOSAL_WORKFLOW.table() == {
        S.PUBLISHED: frozenset({S.EVALUATING, S.ACCEPTED, S.REJECTED, S.WITHDRAWN}),
        S.EVALUATING: frozenset({S.ACCEPTED, S.REJECTED}),
        S.ACCEPTED: frozenset(),
        S.REJECTED: frozenset(),
        S.WITHDRAWN: frozenset(),
    }


@pytest.mark.parametrize(
    "start, target",
    [
        (S.PUBLISHED, S.EVALUATING),
        (S.PUBLISHED, S.ACCEPTED),
        (S.PUBLISHED, S.REJECTED),
        (S.EVALUATING, S.ACCEPTED),
        (S.EVALUATING, S.REJECTED),
    ],
)
@pytest.mark.parametrize("persona", ["coordinator", "community_worker"])
def test_those_who_answer_move_a_proposal_with_the_answer(cast, proposal, start, target, persona):
    Proposal.objects.filter(pk=proposal.pk).update(status=start)
    proposal.refresh_from_db()
    answered = answer_proposal(actor=getattr(cast, persona), proposal=proposal, status=target, answer="Lo faremo.")
    assert answered.status == target
    assert answered.answer == "Lo faremo."
    assert answered.answered_by == getattr(cast, persona) and answered.answered_at is not None
    event = ProposalEvent.objects.filter(proposal=proposal).latest("id")
    assert (event.from_status, event.to_status, event.note) == (start, target, "Lo faremo.")


@pytest.mark.parametrize(
    "persona", ["citizen", "partner_staff", "case_manager", "evaluator", "funder", "privacy_officer"]
)
def test_other_roles_may_not_answer(cast, proposal, persona):
    with pytest.raises(PermissionDenied):
        answer_proposal(actor=getattr(cast, persona), proposal=proposal, status=S.ACCEPTED, answer="Sì")
    proposal.refresh_from_db()
    assert proposal.status == S.PUBLISHED


@pytest.mark.parametrize("target", [S.ACCEPTED, S.REJECTED])
def test_accepting_or_rejecting_needs_the_answers_text(cast, proposal, target):
    with pytest.raises(ValidationError) as exc:
        answer_proposal(actor=cast.coordinator, proposal=proposal, status=target, answer="   ")
    assert codes(exc) == {"answer": ["required"]}
    proposal.refresh_from_db()
    assert proposal.status == S.PUBLISHED and proposal.answered_at is None


def test_under_evaluation_needs_no_text(cast, proposal):
    assert (
        answer_proposal(actor=cast.coordinator, proposal=proposal, status=S.EVALUATING, answer="").status
        == S.EVALUATING
    )


def test_an_answer_too_long_or_of_an_unknown_status_is_refused(cast, proposal):
    with pytest.raises(ValidationError) as exc:
        answer_proposal(actor=cast.coordinator, proposal=proposal, status=S.ACCEPTED, answer="x" * 5001)
    assert codes(exc) == {"answer": ["max_length"]}
    for status in (S.WITHDRAWN, S.PUBLISHED, "maybe"):
        with pytest.raises(ValidationError) as exc:
            answer_proposal(actor=cast.coordinator, proposal=proposal, status=status, answer="x")
        assert codes(exc) == {"status": ["invalid_choice"]}


@pytest.mark.parametrize(
    "start, target",
    [
        (S.EVALUATING, S.EVALUATING),
        (S.ACCEPTED, S.REJECTED),
        (S.REJECTED, S.ACCEPTED),
        (S.ACCEPTED, S.EVALUATING),
        (S.WITHDRAWN, S.ACCEPTED),
    ],
)
def test_moves_the_table_lacks_are_refused(cast, proposal, start, target):
    Proposal.objects.filter(pk=proposal.pk).update(status=start)
    proposal.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        answer_proposal(actor=cast.coordinator, proposal=proposal, status=target, answer="x")
    assert codes(exc) == ["transition"]
    proposal.refresh_from_db()
    assert proposal.status == start


# --- withdrawal ---------------------------------------------------------------------------------------


def test_the_author_withdraws_an_unsupported_proposal(cast, proposal):
    assert withdraw_proposal(actor=cast.citizen, proposal=proposal, note="Ci ho ripensato").status == S.WITHDRAWN


def test_nobody_else_withdraws_it(cast, proposal):
    with pytest.raises(ValidationError) as exc:
        withdraw_proposal(actor=cast.coordinator, proposal=proposal)
    assert codes(exc) == ["not_author"]


def test_a_supported_proposal_cannot_be_withdrawn(cast, proposal):
    SupportFactory(proposal=proposal, user=cast.funder)
    with pytest.raises(ValidationError) as exc:
        withdraw_proposal(actor=cast.citizen, proposal=proposal)
    assert codes(exc) == ["supported"]


@pytest.mark.parametrize("status", [S.EVALUATING, S.ACCEPTED, S.REJECTED, S.WITHDRAWN])
def test_only_a_published_proposal_is_withdrawn(cast, proposal, status):
    Proposal.objects.filter(pk=proposal.pk).update(status=status)
    proposal.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        withdraw_proposal(actor=cast.citizen, proposal=proposal)
    assert codes(exc) == ["transition"]


def test_an_outsider_author_cannot_withdraw(cast, process):
    proposal = ProposalFactory(process=process, author=cast.outsider)
    with pytest.raises(PermissionDenied):
        withdraw_proposal(actor=cast.outsider, proposal=proposal)


# --- hiding -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "community_worker"])
def test_moderators_hide_with_a_reason_and_the_reports_are_resolved(cast, proposal, persona):
    moderator = getattr(cast, persona)
    report = ReportFactory(proposal=proposal, reporter=cast.funder)
    hidden = hide_proposal(actor=moderator, proposal=proposal, reason="Contiene dati personali")
    assert hidden.hidden_at is not None and hidden.hidden_by == moderator
    assert hidden.hidden_reason == "Contiene dati personali"
    assert hidden.status == S.PUBLISHED
    event = ProposalEvent.objects.filter(proposal=proposal).latest("id")
    assert event.from_status == event.to_status == S.PUBLISHED
    assert "Contiene dati personali" in event.note
    report.refresh_from_db()
    assert report.resolved_at is not None and report.resolved_by == moderator
    shown = show_proposal(actor=moderator, proposal=proposal, reason="Corretto dall'autore")
    assert shown.hidden_at is None and shown.hidden_reason == "" and shown.hidden_by is None
    assert "Corretto" in ProposalEvent.objects.filter(proposal=proposal).latest("id").note


@pytest.mark.parametrize(
    "persona", ["citizen", "partner_staff", "case_manager", "evaluator", "funder", "privacy_officer", "outsider"]
)
def test_others_may_not_hide_or_show(cast, proposal, persona):
    with pytest.raises(PermissionDenied):
        hide_proposal(actor=getattr(cast, persona), proposal=proposal, reason="x")
    Proposal.objects.filter(pk=proposal.pk).update(hidden_at=timezone.now(), hidden_reason="r")
    with pytest.raises(PermissionDenied):
        show_proposal(actor=getattr(cast, persona), proposal=proposal, reason="x")


@pytest.mark.parametrize("reason, code", [("", "required"), ("   ", "required"), ("r" * 301, "max_length")])
def test_hiding_needs_a_reason(cast, proposal, reason, code):
    with pytest.raises(ValidationError) as exc:
        hide_proposal(actor=cast.coordinator, proposal=proposal, reason=reason)
    assert codes(exc) == {"reason": [code]}
    proposal.refresh_from_db()
    assert proposal.hidden_at is None
    with pytest.raises(ValidationError):
        show_proposal(actor=cast.coordinator, proposal=proposal, reason=reason)


def test_hiding_twice_or_showing_a_visible_one_is_refused(cast, proposal):
    with pytest.raises(ValidationError) as exc:
        show_proposal(actor=cast.coordinator, proposal=proposal, reason="x")
    assert codes(exc) == ["not_hidden"]
    hide_proposal(actor=cast.coordinator, proposal=proposal, reason="x")
    with pytest.raises(ValidationError) as exc:
        hide_proposal(actor=cast.coordinator, proposal=proposal, reason="y")
    assert codes(exc) == ["already_hidden"]
    assert Report.objects.count() == 0
