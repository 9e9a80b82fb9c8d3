"""Comments: only in a phase that opens them, replies on the same proposal, at most three levels; hiding."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.participation.models import Comment, Proposal
from legami.participation.services.comments import MAX_DEPTH, comment, hide_comment, show_comment
from legami.participation.tests.factories import open_process
from legami.participation.tests.factories_proposals import CommentFactory, ProposalFactory, ReportFactory


def codes(exc):
    if hasattr(exc.value, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in exc.value.error_dict.items()}
    return [e.code for e in exc.value.error_list]


@pytest.fixture
def proposal(cast):
    return ProposalFactory(process=open_process(cast.network), author=cast.citizen)


def test_a_member_comments_and_the_count_follows(cast, proposal):
    row = comment(actor=cast.funder, proposal=proposal, body="  Ottima idea  ")
    assert (row.body, row.depth, row.parent, row.author) == ("Ottima idea", 0, None, cast.funder)
    assert Proposal.objects.get(pk=proposal.pk).comment_count == 1
    audit = AuditEvent.objects.get(object_type="participation.comment")
    assert "Ottima" not in str(audit.after) and "Ottima" not in audit.object_repr


@pytest.mark.parametrize("persona", ["outsider", "platform_admin"])
def test_non_members_may_not_comment(cast, proposal, persona):
    with pytest.raises(PermissionDenied):
        comment(actor=getattr(cast, persona), proposal=proposal, body="x")


@pytest.mark.parametrize("body, code", [("", "required"), ("   ", "required"), ("x" * 5001, "max_length")])
def test_bad_comments_are_refused(cast, proposal, body, code):
    with pytest.raises(ValidationError) as exc:
        comment(actor=cast.funder, proposal=proposal, body=body)
    assert codes(exc) == {"body": [code]}
    assert not Comment.objects.exists()


def test_no_comment_outside_a_phase_that_opens_them(cast):
    proposal = ProposalFactory(process=open_process(cast.network, phase__comments_open=False))
    with pytest.raises(ValidationError) as exc:
        comment(actor=cast.funder, proposal=proposal, body="x")
    assert codes(exc) == ["comments_closed"]


def test_no_comment_on_a_hidden_proposal(cast, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(hidden_at=timezone.now(), hidden_reason="spam")
    with pytest.raises(ValidationError) as exc:
        comment(actor=cast.funder, proposal=proposal, body="x")
    assert codes(exc) == ["hidden"]


def test_replies_nest_to_depth_two_then_join_the_thread_at_depth_two(cast, proposal):
    root = comment(actor=cast.funder, proposal=proposal, body="0")
    one = comment(actor=cast.citizen, proposal=proposal, body="1", parent=root)
    two = comment(actor=cast.funder, proposal=proposal, body="2", parent=one.pk)
    three = comment(actor=cast.citizen, proposal=proposal, body="3", parent=two)
    assert [c.depth for c in (root, one, two, three)] == [0, 1, 2, MAX_DEPTH]
    # The reply to a comment at depth 2 is attached beside it, to the same parent.
    assert three.parent == one
    assert Proposal.objects.get(pk=proposal.pk).comment_count == 4


def test_a_reply_to_another_proposals_comment_is_refused(cast, proposal):
    elsewhere = CommentFactory(proposal=ProposalFactory(process=proposal.process))
    with pytest.raises(ValidationError) as exc:
        comment(actor=cast.funder, proposal=proposal, body="x", parent=elsewhere)
    assert codes(exc) == {"parent": ["invalid_choice"]}


def test_a_reply_to_another_networks_or_a_missing_comment_is_refused(cast, proposal):
    other = CommentFactory(proposal=ProposalFactory(process=open_process(cast.other_network)))
    for parent in (other.pk, 999_999, "nonsense"):
        with pytest.raises(ValidationError) as exc:
            comment(actor=cast.funder, proposal=proposal, body="x", parent=parent)
        assert codes(exc) == {"parent": ["invalid_choice"]}
    assert not Comment.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize("persona", ["coordinator", "community_worker"])
def test_moderators_hide_and_show_a_comment_with_a_reason(cast, proposal, persona):
    row = CommentFactory(proposal=proposal)
    report = ReportFactory(proposal=None, comment=row, network=cast.network, reporter=cast.citizen)
    hidden = hide_comment(actor=getattr(cast, persona), comment=row, reason="Offensivo")
    assert hidden.hidden_at is not None and hidden.hidden_reason == "Offensivo"
    report.refresh_from_db()
    assert report.resolved_at is not None
    shown = show_comment(actor=getattr(cast, persona), comment=row, reason="Rivisto")
    assert shown.hidden_at is None and shown.hidden_reason == ""


@pytest.mark.parametrize("persona", ["citizen", "partner_staff", "case_manager", "evaluator", "funder", "outsider"])
def test_others_may_not_hide_a_comment(cast, proposal, persona):
    row = CommentFactory(proposal=proposal)
    with pytest.raises(PermissionDenied):
        hide_comment(actor=getattr(cast, persona), comment=row, reason="x")
    Comment.objects.filter(pk=row.pk).update(hidden_at=timezone.now())
    with pytest.raises(PermissionDenied):
        show_comment(actor=getattr(cast, persona), comment=row, reason="x")


def test_hiding_a_comment_needs_a_reason_and_a_visible_comment(cast, proposal):
    row = CommentFactory(proposal=proposal)
    with pytest.raises(ValidationError) as exc:
        hide_comment(actor=cast.coordinator, comment=row, reason=" ")
    assert codes(exc) == {"reason": ["required"]}
    with pytest.raises(ValidationError) as exc:
        show_comment(actor=cast.coordinator, comment=row, reason="x")
    assert codes(exc) == ["not_hidden"]
    hide_comment(actor=cast.coordinator, comment=row, reason="x")
    with pytest.raises(ValidationError) as exc:
        hide_comment(actor=cast.coordinator, comment=row, reason="x")
    assert codes(exc) == ["already_hidden"]
