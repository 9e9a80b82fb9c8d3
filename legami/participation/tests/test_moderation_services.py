"""Reports: one per person per target, a reason from the list; resolved when hidden or judged fine."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.participation.models import Comment, Proposal, Report, ReportReason
from legami.participation.selectors.moderation import open_reports_for
from legami.participation.services.moderation import report_comment, report_proposal, resolve_report
from legami.participation.tests.factories import open_process
from legami.participation.tests.factories_proposals import CommentFactory, ProposalFactory, ReportFactory


def codes(exc):
    if hasattr(exc.value, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in exc.value.error_dict.items()}
    return [e.code for e in exc.value.error_list]


@pytest.fixture
def proposal(cast):
    return ProposalFactory(process=open_process(cast.network), author=cast.citizen)


def test_a_member_reports_a_proposal_once(cast, proposal):
    report = report_proposal(
        actor=cast.funder, proposal=proposal, data={"reason": ReportReason.OFFENSIVE, "details": "zqdetails"}
    )
    assert (report.proposal, report.reporter, report.reason, report.details) == (
        proposal,
        cast.funder,
        "offensive",
        "zqdetails",
    )
    # The details are the moderators' only: the audit log (read by others) never holds them.
    audit = AuditEvent.objects.get(object_type="participation.report")
    assert "zqdetails" not in str(audit.after)
    with pytest.raises(ValidationError) as exc:
        report_proposal(actor=cast.funder, proposal=proposal, data={"reason": ReportReason.SPAM})
    assert codes(exc) == ["already_reported"]
    # Somebody else may report it too.
    report_proposal(actor=cast.evaluator, proposal=proposal, data={"reason": ReportReason.SPAM})
    assert Report.objects.count() == 2


def test_a_member_reports_a_comment_once(cast, proposal):
    row = CommentFactory(proposal=proposal)
    report = report_comment(actor=cast.funder, comment=row, data={"reason": "spam"})
    assert report.comment == row and report.proposal is None and report.network == cast.network
    with pytest.raises(ValidationError) as exc:
        report_comment(actor=cast.funder, comment=row, data={"reason": "spam"})
    assert codes(exc) == ["already_reported"]


@pytest.mark.parametrize(
    "data, field, code",
    [
        ({}, "reason", "required"),
        ({"reason": "boring"}, "reason", "invalid_choice"),
        ({"reason": "spam", "details": "x" * 501}, "details", "max_length"),
    ],
)
def test_bad_reports_are_refused(cast, proposal, data, field, code):
    with pytest.raises(ValidationError) as exc:
        report_proposal(actor=cast.funder, proposal=proposal, data=data)
    assert code in codes(exc)[field]
    assert not Report.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "platform_admin"])
def test_non_members_may_not_report(cast, proposal, persona):
    with pytest.raises(PermissionDenied):
        report_proposal(actor=getattr(cast, persona), proposal=proposal, data={"reason": "spam"})
    with pytest.raises(PermissionDenied):
        report_comment(actor=getattr(cast, persona), comment=CommentFactory(proposal=proposal), data={"reason": "spam"})


def test_hidden_targets_are_not_reported_again(cast, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(hidden_at=timezone.now())
    proposal.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        report_proposal(actor=cast.funder, proposal=proposal, data={"reason": "spam"})
    assert codes(exc) == ["hidden"]
    row = CommentFactory(proposal=proposal)
    Comment.objects.filter(pk=row.pk).update(hidden_at=timezone.now())
    row.refresh_from_db()
    with pytest.raises(ValidationError):
        report_comment(actor=cast.funder, comment=row, data={"reason": "spam"})


@pytest.mark.parametrize("persona", ["coordinator", "community_worker"])
def test_a_moderator_judges_a_text_fine(cast, proposal, persona):
    report = ReportFactory(proposal=proposal, reporter=cast.funder)
    resolved = resolve_report(actor=getattr(cast, persona), report=report)
    assert resolved.resolved_at is not None and resolved.resolved_by == getattr(cast, persona)
    assert not open_reports_for(cast.coordinator, cast.network).exists()
    with pytest.raises(ValidationError) as exc:
        resolve_report(actor=cast.coordinator, report=report)
    assert codes(exc) == ["resolved"]


@pytest.mark.parametrize("persona", ["citizen", "partner_staff", "evaluator", "funder", "privacy_officer"])
def test_others_may_not_resolve_nor_read_reports(cast, proposal, persona):
    report = ReportFactory(proposal=proposal, reporter=cast.funder)
    with pytest.raises(PermissionDenied):
        resolve_report(actor=getattr(cast, persona), report=report)
    with pytest.raises(PermissionDenied):
        open_reports_for(getattr(cast, persona), cast.network)


def test_open_reports_come_with_their_targets_in_one_query(cast, proposal, django_assert_num_queries):
    for _i in range(3):
        ReportFactory(proposal=ProposalFactory(process=proposal.process), reporter=cast.funder)
        row = CommentFactory(proposal=proposal)
        ReportFactory(proposal=None, comment=row, network=cast.network, reporter=cast.funder)
    ReportFactory(proposal=proposal, reporter=cast.citizen, resolved_at=timezone.now())
    ReportFactory(proposal=ProposalFactory(process=open_process(cast.other_network)), reporter=cast.outsider)
    reports = open_reports_for(cast.coordinator, cast.network)
    cast.coordinator.refresh_from_db()
    with django_assert_num_queries(1):
        found = list(reports)
        texts = [(r.proposal or r.comment).body for r in found]
        authors = [(r.proposal or r.comment).author for r in found]
        processes = [(r.proposal or r.comment.proposal).process.title for r in found]
    assert len(found) == 6 and len(texts) == len(authors) == len(processes) == 6
