"""The participation API, continued: comments, reports and moderation of proposals; a meeting's edit, roll call
and minutes; processes drafted from an aggregated demand or from the needs map. Every response is checked
against the schema.

Commenting and reporting ask for participation.take_part (every role); moderation for participation.moderate and
meetings and processes for participation.manage_processes (coordinator, community worker). A hidden comment's
words never reach anyone but the moderators."""

import datetime

import pytest
from django.utils import timezone

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.api.tests.helpers import network_url
from legami.core.tests import factories as f
from legami.needs.models import TargetGroup
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory
from legami.participation.models import (
    Comment,
    Meeting,
    MeetingStatus,
    Process,
    ProcessKind,
    ProcessStatus,
    Proposal,
    Registration,
    RegistrationStatus,
    Report,
)
from legami.participation.tests.factories import ProcessFactory, open_process
from legami.participation.tests.factories_meetings import MeetingFactory, RegistrationFactory, in_days
from legami.participation.tests.factories_proposals import CommentFactory, ProposalFactory, ReportFactory

pytestmark = pytest.mark.django_db

MANAGERS = ["coordinator", "community_worker"]
NOT_MANAGERS = ["case_manager", "partner_staff", "evaluator", "funder", "citizen", "privacy_officer"]
EVERY_ROLE = [*MANAGERS, *NOT_MANAGERS]
# The moderators are the managers (participation.moderate: coordinator, community worker).
MODERATORS, NOT_MODERATORS = MANAGERS, NOT_MANAGERS
SECRET = "Parole che solo i moderatori leggono"


def url(cast, *parts):
    return network_url(cast.network, *parts)


def loc_and_types(response) -> set[tuple[str, str]]:
    """(field, code) of each problem of a 422."""
    assert response.status_code == 422, response.content
    return {(str(item["loc"][-1]), item["type"]) for item in response.json()["detail"]}


@pytest.fixture
def open_one(cast):
    """A published process whose current phase opens proposals, supports and comments today."""
    return open_process(cast.network, title="Bilancio partecipativo")


@pytest.fixture
def proposal(cast, open_one):
    return ProposalFactory(process=open_one, author=cast.citizen, title="Orti condivisi", body="Al parco")


@pytest.fixture
def thread(cast, proposal):
    """A comment, a reply, a reply to the reply (depth 2) and a second first-level comment, oldest first."""
    first = CommentFactory(proposal=proposal, author=cast.funder, body="Bella idea")
    reply = CommentFactory(proposal=proposal, author=cast.citizen, parent=first, body="Grazie")
    deeper = CommentFactory(proposal=proposal, author=cast.evaluator, parent=reply, body="Anche per me")
    second = CommentFactory(proposal=proposal, author=cast.partner_staff, body="Con quali fondi?")
    now = timezone.now()
    for n, row in enumerate((first, reply, deeper, second)):
        Comment.objects.filter(pk=row.pk).update(created_at=now - datetime.timedelta(minutes=10 - n))
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=4)
    return [first, reply, deeper, second]


# --- comments: reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERY_ROLE)
def test_comments_are_a_flat_thread_oldest_first(cast, api_as, proposal, thread, persona):
    response = api_as(cast.users[persona]).get(url(cast, "proposals", proposal.pk, "comments"))
    body = response.json()
    assert body["count"] == 4
    first, reply, deeper, second = thread
    assert [(c["id"], c["parent"], c["depth"]) for c in body["items"]] == [
        (first.pk, None, 0),
        (reply.pk, first.pk, 1),
        (deeper.pk, reply.pk, 2),
        (second.pk, None, 0),
    ]
    assert [c["author"] for c in body["items"]] == ["Funder", "Citizen", "Evaluator", "Partner Staff"]
    assert body["items"][0]["body"] == "Bella idea" and body["items"][0]["hidden"] is False
    assert all(c["proposal"] == proposal.pk and c["hidden_reason"] == "" for c in body["items"])
    # Authors by their public name, never their e-mail.
    assert "@example.org" not in response.content.decode()


@pytest.mark.parametrize("persona", NOT_MODERATORS)
def test_a_hidden_comments_words_never_reach_non_moderators(cast, api_as, proposal, thread, persona):
    hidden = thread[1]
    Comment.objects.filter(pk=hidden.pk).update(body=SECRET, hidden_at=timezone.now(), hidden_reason="Offensivo")
    response = api_as(cast.users[persona]).get(url(cast, "proposals", proposal.pk, "comments"))
    assert SECRET not in response.content.decode()
    row = next(c for c in response.json()["items"] if c["id"] == hidden.pk)
    assert row["body"] is None and row["hidden"] is True and row["hidden_reason"] == "Offensivo"
    # Its place in the thread is kept: the reply to it still names it.
    assert next(c for c in response.json()["items"] if c["id"] == thread[2].pk)["parent"] == hidden.pk


@pytest.mark.parametrize("persona", MODERATORS)
def test_the_moderators_read_a_hidden_comment(cast, api_as, proposal, thread, persona):
    hidden = thread[1]
    Comment.objects.filter(pk=hidden.pk).update(body=SECRET, hidden_at=timezone.now(), hidden_reason="Offensivo")
    items = api_as(cast.users[persona]).get(url(cast, "proposals", proposal.pk, "comments")).json()["items"]
    row = next(c for c in items if c["id"] == hidden.pk)
    assert row["body"] == SECRET and row["hidden"] is True and row["hidden_reason"] == "Offensivo"


def test_a_hidden_proposals_comments_are_the_moderators_only(cast, api_as, proposal, thread):
    Proposal.objects.filter(pk=proposal.pk).update(hidden_at=timezone.now(), hidden_reason="Dati personali")
    path = url(cast, "proposals", proposal.pk, "comments")
    for persona in NOT_MODERATORS:
        response = api_as(cast.users[persona]).get(path)
        assert response.json()["count"] == 0, persona
        assert "Bella idea" not in response.content.decode()
    assert api_as(cast.coordinator).get(path).json()["count"] == 4


def test_comments_pages_and_queries(cast, api_as, proposal, django_assert_max_num_queries):
    for n in range(7):
        CommentFactory(proposal=proposal, author=f.UserFactory(full_name=f"Persona {n}"))
    client = api_as(cast.citizen)
    path = url(cast, "proposals", proposal.pk, "comments")
    pages = [client.get(path, {"page_size": 3, "page": n}).json() for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [3, 3, 1] and pages[0]["count"] == 7
    assert len({c["id"] for p in pages for c in p["items"]}) == 7
    with django_assert_max_num_queries(12):
        assert client.get(path).json()["count"] == 7
    assert loc_and_types(client.get(path, {"page_size": 201})) == {("page_size", "less_than_equal")}


def test_comments_of_a_draft_and_of_outsiders(cast, api_as, proposal):
    draft = ProposalFactory(process=ProcessFactory(network=cast.network), phase=None)
    assert api_as(cast.citizen).get(url(cast, "proposals", draft.pk, "comments")).status_code == 404
    assert api_as(cast.coordinator).get(url(cast, "proposals", draft.pk, "comments")).status_code == 200
    assert api_as(cast.outsider).get(url(cast, "proposals", proposal.pk, "comments")).status_code == 404
    assert api_as(None).get(url(cast, "proposals", proposal.pk, "comments")).status_code == 401
    elsewhere = ProposalFactory(process=open_process(cast.other_network))
    assert api_as(cast.coordinator).get(url(cast, "proposals", elsewhere.pk, "comments")).status_code == 404


# --- comments: writing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERY_ROLE)
def test_comment(cast, api_as, proposal, persona):
    user = cast.users[persona]
    response = api_as(user).post(url(cast, "proposals", proposal.pk, "comments"), {"body": "Ci sono anch'io"})
    assert response.status_code == 201, response.content
    body = response.json()
    row = Comment.objects.get(pk=body["id"])
    assert row.author == user and row.body == "Ci sono anch'io" and row.proposal == proposal and row.depth == 0
    assert body["author"] == user.full_name and body["body"] == "Ci sono anch'io" and body["parent"] is None
    proposal.refresh_from_db()
    assert proposal.comment_count == 1


def test_replies_nest_at_most_two_deep(cast, api_as, proposal, thread):
    client = api_as(cast.citizen)
    path = url(cast, "proposals", proposal.pk, "comments")
    first, _reply, deeper, _second = thread
    one = client.post(path, {"body": "Risposta", "parent": first.pk}).json()
    assert one["parent"] == first.pk and one["depth"] == 1
    # A reply to a comment at depth 2 joins the thread beside it.
    beside = client.post(path, {"body": "Ancora", "parent": deeper.pk}).json()
    assert beside["parent"] == deeper.parent_id and beside["depth"] == 2


def test_comment_when_the_phase_does_not_open_comments_is_a_conflict(cast, api_as):
    closed = ProposalFactory(process=open_process(cast.network, comments=False))
    response = api_as(cast.citizen).post(url(cast, "proposals", closed.pk, "comments"), {"body": "Ciao"})
    assert response.status_code == 409, response.content
    assert "Comments are not open" in response.json()["detail"]
    assert not Comment.objects.exists()


def test_comment_on_a_hidden_proposal_is_a_conflict(cast, api_as, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(hidden_at=timezone.now(), hidden_reason="Spam")
    response = api_as(cast.citizen).post(url(cast, "proposals", proposal.pk, "comments"), {"body": "Ciao"})
    assert response.status_code == 409
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"body": ""}, "body", "string_too_short"),
        ({"body": "   "}, "body", "required"),
        ({"body": "x" * 5001}, "body", "string_too_long"),
        ({}, "body", "missing"),
        ({"body": "Ciao", "parent": 0}, "parent", "greater_than_equal"),
        ({"body": "Ciao", "parent": 999_999}, "parent", "invalid_choice"),
        ({"body": "Ciao", "author": 1}, "author", "extra_forbidden"),
    ],
)
def test_comment_bad_input(cast, api_as, proposal, payload, field, code):
    response = api_as(cast.citizen).post(url(cast, "proposals", proposal.pk, "comments"), payload)
    assert (field, code) in loc_and_types(response)
    assert not Comment.objects.exists()


def test_a_reply_to_another_proposals_comment_is_refused(cast, api_as, open_one, proposal):
    other = CommentFactory(proposal=ProposalFactory(process=open_one))
    elsewhere = CommentFactory(proposal=ProposalFactory(process=open_process(cast.other_network)))
    client = api_as(cast.citizen)
    for parent in (other, elsewhere):
        response = client.post(url(cast, "proposals", proposal.pk, "comments"), {"body": "Ciao", "parent": parent.pk})
        assert ("parent", "invalid_choice") in loc_and_types(response)
    assert Comment.objects.count() == 2


def test_comment_outsider_and_anonymous(cast, api_as, proposal):
    path = url(cast, "proposals", proposal.pk, "comments")
    assert api_as(cast.outsider).post(path, {"body": "Ciao"}).status_code == 404
    assert api_as(None).post(path, {"body": "Ciao"}).status_code == 401
    assert not Comment.objects.exists()


# --- reports -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERY_ROLE)
def test_report_a_proposal(cast, api_as, proposal, persona):
    user = cast.users[persona]
    payload = {"reason": "personal_data", "details": "Nomina un vicino"}
    response = api_as(user).post(url(cast, "proposals", proposal.pk, "report"), payload)
    assert response.status_code == 201, response.content
    body = response.json()
    report = Report.objects.get(pk=body["id"])
    assert report.reporter == user and report.proposal == proposal and report.comment is None
    assert report.reason == "personal_data" and report.details == "Nomina un vicino"
    assert body["proposal"] == proposal.pk and body["comment"] is None and body["reason"] == "personal_data"
    assert "details" not in body  # the moderators' to read


@pytest.mark.parametrize("persona", EVERY_ROLE)
def test_report_a_comment(cast, api_as, proposal, thread, persona):
    response = api_as(cast.users[persona]).post(url(cast, "comments", thread[0].pk, "report"), {"reason": "spam"})
    assert response.status_code == 201, response.content
    report = Report.objects.get(pk=response.json()["id"])
    assert report.comment == thread[0] and report.proposal is None and report.details == ""
    assert response.json()["comment"] == thread[0].pk


def test_reporting_twice_or_a_hidden_text_is_a_conflict(cast, api_as, proposal, thread):
    client = api_as(cast.funder)
    assert client.post(url(cast, "proposals", proposal.pk, "report"), {"reason": "spam"}).status_code == 201
    again = client.post(url(cast, "proposals", proposal.pk, "report"), {"reason": "other"})
    assert again.status_code == 409 and "already reported" in again.json()["detail"]
    Comment.objects.filter(pk=thread[0].pk).update(hidden_at=timezone.now(), hidden_reason="Spam")
    assert client.post(url(cast, "comments", thread[0].pk, "report"), {"reason": "spam"}).status_code == 409
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({}, "reason", "missing"),
        ({"reason": "brutto"}, "reason", "literal_error"),
        ({"reason": "spam", "details": "x" * 501}, "details", "string_too_long"),
        ({"reason": "spam", "reporter": 1}, "reporter", "extra_forbidden"),
    ],
)
def test_report_bad_input(cast, api_as, proposal, thread, payload, field, code):
    client = api_as(cast.citizen)
    assert (field, code) in loc_and_types(client.post(url(cast, "proposals", proposal.pk, "report"), payload))
    assert (field, code) in loc_and_types(client.post(url(cast, "comments", thread[0].pk, "report"), payload))
    assert not Report.objects.exists()


def test_report_outsider_and_other_network(cast, api_as, proposal, thread):
    spam = {"reason": "spam"}
    assert api_as(cast.outsider).post(url(cast, "proposals", proposal.pk, "report"), spam).status_code == 404
    assert api_as(cast.outsider).post(url(cast, "comments", thread[0].pk, "report"), spam).status_code == 404
    elsewhere = CommentFactory(proposal=ProposalFactory(process=open_process(cast.other_network)))
    assert api_as(cast.citizen).post(url(cast, "comments", elsewhere.pk, "report"), spam).status_code == 404
    assert not Report.objects.exists()


# --- moderation: the open reports ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MODERATORS)
def test_the_open_reports(cast, api_as, proposal, thread, persona):
    Comment.objects.filter(pk=thread[1].pk).update(body=SECRET, hidden_at=timezone.now(), hidden_reason="Offensivo")
    on_proposal = ReportFactory(proposal=proposal, reporter=cast.funder, details="Pubblicità")
    on_comment = ReportFactory(proposal=None, comment=thread[1], reporter=cast.citizen, reason="offensive")
    ReportFactory(proposal=proposal, reporter=cast.evaluator, resolved_at=timezone.now())  # dealt with
    Report.objects.filter(pk=on_comment.pk).update(created_at=timezone.now() + datetime.timedelta(seconds=1))
    response = api_as(cast.users[persona]).get(url(cast, "reports"))
    body = response.json()
    assert body["count"] == 2
    first, second = body["items"]
    assert first["id"] == on_proposal.pk and first["reason"] == "spam" and first["details"] == "Pubblicità"
    assert first["target"] == {
        "kind": "proposal",
        "id": proposal.pk,
        "proposal": {"id": proposal.pk, "title": "Orti condivisi"},
        "author": "Citizen",
        "text": "Al parco",
        "hidden": False,
    }
    assert second["id"] == on_comment.pk and second["target"]["kind"] == "comment"
    assert second["target"]["text"] == SECRET and second["target"]["hidden"] is True
    assert second["target"]["proposal"]["id"] == proposal.pk and second["target"]["author"] == "Citizen"
    # The reporters are not named.
    assert "Funder" not in response.content.decode() and "@example.org" not in response.content.decode()


def test_the_open_reports_page_and_queries(cast, api_as, proposal, django_assert_max_num_queries):
    for _n in range(6):
        ReportFactory(proposal=ProposalFactory(process=proposal.process), reporter=f.UserFactory())
        ReportFactory(proposal=None, comment=CommentFactory(proposal=proposal), reporter=f.UserFactory())
    client = api_as(cast.coordinator)
    assert client.get(url(cast, "reports"), {"page_size": 5}).json()["count"] == 12
    with django_assert_max_num_queries(12):
        assert len(client.get(url(cast, "reports")).json()["items"]) == 12


@pytest.mark.parametrize("persona", NOT_MODERATORS)
def test_the_open_reports_are_refused_to_non_moderators(cast, api_as, proposal, persona):
    ReportFactory(proposal=proposal, reporter=cast.funder, details=SECRET)
    response = api_as(cast.users[persona]).get(url(cast, "reports"))
    assert response.status_code == 403 and SECRET not in response.content.decode()


def test_the_open_reports_of_outsiders(cast, api_as, proposal):
    ReportFactory(proposal=proposal, reporter=cast.funder, details=SECRET)
    response = api_as(cast.outsider).get(url(cast, "reports"))
    assert response.status_code == 404 and SECRET not in response.content.decode()
    assert api_as(None).get(url(cast, "reports")).status_code == 401
    # The other network's moderator sees only their own network's reports.
    other = ProposalFactory(process=open_process(cast.other_network))
    ReportFactory(proposal=other, reporter=cast.outsider)
    assert api_as(cast.outsider).get(network_url(cast.other_network, "reports")).json()["count"] == 1


# --- moderation: hiding and showing --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MODERATORS)
def test_hide_and_show_a_proposal(cast, api_as, proposal, persona):
    report = ReportFactory(proposal=proposal, reporter=cast.funder)
    client = api_as(cast.users[persona])
    response = client.post(url(cast, "proposals", proposal.pk, "hide"), {"reason": "Dati personali"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["hidden"] is True and body["hidden_reason"] == "Dati personali" and body["title"] == "Orti condivisi"
    proposal.refresh_from_db()
    report.refresh_from_db()
    assert proposal.hidden_at is not None and proposal.hidden_by == cast.users[persona]
    assert report.resolved_at is not None  # its open reports are closed
    seen = api_as(cast.citizen).get(url(cast, "proposals", proposal.pk)).json()
    assert seen["title"] is None and seen["body"] is None and seen["hidden_reason"] == "Dati personali"
    shown = client.post(url(cast, "proposals", proposal.pk, "show"), {"reason": "Corretta dall'autore"})
    assert shown.status_code == 200 and shown.json()["hidden"] is False and shown.json()["hidden_reason"] == ""
    proposal.refresh_from_db()
    assert proposal.hidden_at is None
    assert api_as(cast.citizen).get(url(cast, "proposals", proposal.pk)).json()["title"] == "Orti condivisi"


@pytest.mark.parametrize("persona", MODERATORS)
def test_hide_and_show_a_comment(cast, api_as, proposal, thread, persona):
    target = thread[0]
    Comment.objects.filter(pk=target.pk).update(body=SECRET)
    report = ReportFactory(proposal=None, comment=target, reporter=cast.citizen)
    client = api_as(cast.users[persona])
    response = client.post(url(cast, "comments", target.pk, "hide"), {"reason": "Offensivo"})
    assert response.status_code == 200, response.content
    assert response.json()["hidden"] is True and response.json()["body"] == SECRET
    target.refresh_from_db()
    report.refresh_from_db()
    assert target.hidden_at is not None and target.hidden_reason == "Offensivo" and report.resolved_at is not None
    for persona_ in NOT_MODERATORS:
        listed = api_as(cast.users[persona_]).get(url(cast, "proposals", proposal.pk, "comments"))
        assert SECRET not in listed.content.decode(), persona_
    shown = client.post(url(cast, "comments", target.pk, "show"), {"reason": "Ci siamo sbagliati"})
    assert shown.status_code == 200 and shown.json()["hidden"] is False
    target.refresh_from_db()
    assert target.hidden_at is None
    listed = api_as(cast.citizen).get(url(cast, "proposals", proposal.pk, "comments")).json()["items"]
    assert listed[0]["body"] == SECRET


def test_hiding_twice_or_showing_what_is_shown_is_a_conflict(cast, api_as, proposal, thread):
    client = api_as(cast.coordinator)
    for kind, pk in (("proposals", proposal.pk), ("comments", thread[0].pk)):
        assert client.post(url(cast, kind, pk, "show"), {"reason": "Perché"}).status_code == 409
        assert client.post(url(cast, kind, pk, "hide"), {"reason": "Perché"}).status_code == 200
        again = client.post(url(cast, kind, pk, "hide"), {"reason": "Di nuovo"})
        assert again.status_code == 409 and "already hidden" in again.json()["detail"]
    proposal.refresh_from_db()
    thread[0].refresh_from_db()
    assert proposal.hidden_reason == "Perché" and thread[0].hidden_reason == "Perché"


@pytest.mark.parametrize("persona", NOT_MODERATORS)
def test_hiding_and_showing_are_refused_to_non_moderators(cast, api_as, proposal, thread, persona):
    client = api_as(cast.users[persona])
    Comment.objects.filter(pk=thread[1].pk).update(hidden_at=timezone.now(), hidden_reason="Spam")
    for path in (
        url(cast, "proposals", proposal.pk, "hide"),
        url(cast, "proposals", proposal.pk, "show"),
        url(cast, "comments", thread[0].pk, "hide"),
        url(cast, "comments", thread[1].pk, "show"),
    ):
        assert client.post(path, {"reason": "Perché"}).status_code == 403, path
    proposal.refresh_from_db()
    assert proposal.hidden_at is None
    assert Comment.objects.get(pk=thread[0].pk).hidden_at is None
    assert Comment.objects.get(pk=thread[1].pk).hidden_at is not None


def test_hiding_by_outsiders(cast, api_as, proposal, thread):
    client = api_as(cast.outsider)
    assert client.post(url(cast, "proposals", proposal.pk, "hide"), {"reason": "x"}).status_code == 404
    assert client.post(url(cast, "comments", thread[0].pk, "hide"), {"reason": "x"}).status_code == 404
    assert not Comment.objects.filter(hidden_at__isnull=False).exists()
    assert not Proposal.objects.filter(hidden_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({}, "reason", "missing"),
        ({"reason": ""}, "reason", "string_too_short"),
        ({"reason": "   "}, "reason", "required"),
        ({"reason": "x" * 301}, "reason", "string_too_long"),
        ({"reason": "Spam", "note": "x"}, "note", "extra_forbidden"),
    ],
)
def test_hiding_bad_input(cast, api_as, proposal, thread, payload, field, code):
    client = api_as(cast.coordinator)
    for path in (url(cast, "proposals", proposal.pk, "hide"), url(cast, "comments", thread[0].pk, "hide")):
        assert (field, code) in loc_and_types(client.post(path, payload)), path
    assert not Comment.objects.filter(hidden_at__isnull=False).exists()
    assert not Proposal.objects.filter(hidden_at__isnull=False).exists()


# --- meetings: editing ---------------------------------------------------------------------------------------


@pytest.fixture
def meeting(cast, open_one):
    return MeetingFactory(process=open_one, title="Assemblea", capacity=1)


@pytest.mark.parametrize("persona", MANAGERS)
def test_update_a_meeting(cast, api_as, meeting, persona):
    waiting = RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    RegistrationFactory(meeting=meeting)
    response = api_as(cast.users[persona]).patch(
        url(cast, "meetings", meeting.pk), {"title": "Assemblea di quartiere", "capacity": None}
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Assemblea di quartiere" and response.json()["capacity"] is None
    meeting.refresh_from_db()
    assert meeting.title == "Assemblea di quartiere" and meeting.capacity is None
    assert meeting.agenda.startswith("1. Presentazioni")  # what was not sent stays
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED  # no limit: the people waiting get a place


def test_update_a_meeting_s_times_with_rome_s_clock(cast, api_as, meeting):
    response = api_as(cast.coordinator).patch(
        url(cast, "meetings", meeting.pk), {"starts_at": "2030-03-10T18:00", "ends_at": "2030-03-10T20:00"}
    )
    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime.datetime(2030, 3, 10, 17, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_update_a_meeting_refused(cast, api_as, meeting, persona):
    assert api_as(cast.users[persona]).patch(url(cast, "meetings", meeting.pk), {"title": "X"}).status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).title == "Assemblea"


def test_update_a_meeting_outsider_and_other_network(cast, api_as, meeting):
    assert api_as(cast.outsider).patch(url(cast, "meetings", meeting.pk), {"title": "X"}).status_code == 404
    elsewhere = MeetingFactory(process=open_process(cast.other_network))
    assert api_as(cast.coordinator).patch(url(cast, "meetings", elsewhere.pk), {"title": "X"}).status_code == 404


def test_update_a_cancelled_meeting_is_a_conflict(cast, api_as, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    response = api_as(cast.coordinator).patch(url(cast, "meetings", meeting.pk), {"title": "X"})
    assert response.status_code == 409 and "cancelled" in response.json()["detail"]
    assert Meeting.objects.get(pk=meeting.pk).title == "Assemblea"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"title": ""}, "title", "string_too_short"),
        ({"title": None}, "title", "string_type"),
        ({"capacity": 0}, "capacity", "greater_than_equal"),
        ({"ends_at": "2000-01-01T10:00"}, "ends_at", "ends_before_start"),
        ({"starts_at": "domani"}, "starts_at", "value_error"),
        ({"place": 999_999}, "place", "invalid_choice"),
        ({"place": None, "online_url": ""}, "place", "place_or_link"),
        ({"process": 1}, "process", "extra_forbidden"),
    ],
)
def test_update_a_meeting_bad_input(cast, api_as, meeting, change, field, code):
    response = api_as(cast.coordinator).patch(url(cast, "meetings", meeting.pk), {"title": "Nuovo", **change})
    assert (field, code) in loc_and_types(response)
    meeting.refresh_from_db()
    assert meeting.title == "Assemblea" and meeting.capacity == 1


# --- meetings: the roll call ---------------------------------------------------------------------------------


@pytest.fixture
def held(cast, open_one):
    """A meeting held yesterday: two people registered, one waiting, one who cancelled."""
    meeting = MeetingFactory(process=open_one, starts_at=in_days(-1), ends_at=in_days(-1, hour=20))
    came = RegistrationFactory(meeting=meeting, user=cast.citizen)
    missed = RegistrationFactory(meeting=meeting, user=cast.funder)
    waiting = RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    cancelled = RegistrationFactory(meeting=meeting, status=RegistrationStatus.CANCELLED)
    return {"meeting": meeting, "came": came, "missed": missed, "waiting": waiting, "cancelled": cancelled}


@pytest.mark.parametrize("persona", MANAGERS)
def test_take_the_roll_call(cast, api_as, held, persona):
    meeting = held["meeting"]
    client = api_as(cast.users[persona])
    response = client.put(url(cast, "meetings", meeting.pk, "attendance"), {"present": [held["came"].pk], "guests": 3})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["figures"] == {
        "registered": 2,
        "present": 1,
        "absent": 1,
        "guests": 3,
        "new_faces": 1,
        "roll_call_taken": True,
    }
    assert body["roll_call_at"] is not None
    attended = {row["id"]: row["attended"] for row in body["registrations"]}
    assert attended[held["came"].pk] is True and attended[held["missed"].pk] is False
    meeting.refresh_from_db()
    assert meeting.guests == 3 and meeting.roll_call_at is not None
    assert Registration.objects.get(pk=held["came"].pk).attended is True
    assert Registration.objects.get(pk=held["missed"].pk).attended is False
    # Taken again, it replaces the first; guests default to 0.
    again = client.put(url(cast, "meetings", meeting.pk, "attendance"), {"present": [held["missed"].pk]})
    assert again.json()["figures"]["present"] == 1 and again.json()["figures"]["guests"] == 0
    assert Registration.objects.get(pk=held["came"].pk).attended is False


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_the_roll_call_refused(cast, api_as, held, persona):
    path = url(cast, "meetings", held["meeting"].pk, "attendance")
    assert api_as(cast.users[persona]).put(path, {"present": [held["came"].pk]}).status_code == 403
    assert not Registration.objects.filter(attended__isnull=False).exists()


def test_the_roll_call_outsider(cast, api_as, held):
    path = url(cast, "meetings", held["meeting"].pk, "attendance")
    assert api_as(cast.outsider).put(path, {"present": [held["came"].pk]}).status_code == 404
    assert not Registration.objects.filter(attended__isnull=False).exists()


def test_the_roll_call_before_the_day_or_of_a_cancelled_meeting_is_a_conflict(cast, api_as, held, open_one):
    future = MeetingFactory(process=open_one, starts_at=in_days(2), ends_at=in_days(2, hour=20))
    registration = RegistrationFactory(meeting=future)
    client = api_as(cast.coordinator)
    early = client.put(url(cast, "meetings", future.pk, "attendance"), {"present": [registration.pk]})
    assert early.status_code == 409 and "day of the meeting" in early.json()["detail"]
    Meeting.objects.filter(pk=held["meeting"].pk).update(status=MeetingStatus.CANCELLED)
    cancelled = client.put(url(cast, "meetings", held["meeting"].pk, "attendance"), {"present": []})
    assert cancelled.status_code == 409
    assert not Registration.objects.filter(attended__isnull=False).exists()
    assert not Meeting.objects.filter(roll_call_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("which", "guests", "field", "code"),
    [
        ("waiting", 0, "present", "invalid"),
        ("cancelled", 0, "present", "invalid"),
        ("elsewhere", 0, "present", "invalid"),
        ("came", -1, "guests", "greater_than_equal"),
        ("came", 10_001, "guests", "less_than_equal"),
        ("zero", 0, 1, "greater_than_equal"),
    ],
)
def test_the_roll_call_bad_input(cast, api_as, held, open_one, which, guests, field, code):
    if which == "elsewhere":
        pk = RegistrationFactory(meeting=MeetingFactory(process=open_one, starts_at=in_days(-1))).pk
    elif which == "zero":
        pk = 0
    else:
        pk = held[which].pk
    path = url(cast, "meetings", held["meeting"].pk, "attendance")
    response = api_as(cast.coordinator).put(path, {"present": [held["came"].pk, pk], "guests": guests})
    assert (str(field), code) in loc_and_types(response)
    assert not Registration.objects.filter(attended__isnull=False).exists()
    assert not Meeting.objects.filter(roll_call_at__isnull=False).exists()


# --- meetings: the minutes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MANAGERS)
def test_write_the_minutes(cast, api_as, held, persona):
    meeting = held["meeting"]
    payload = {"minutes": "Si è parlato del parco.", "outcomes": "Un gruppo di lavoro."}
    response = api_as(cast.users[persona]).put(url(cast, "meetings", meeting.pk, "minutes"), payload)
    assert response.status_code == 200, response.content
    assert response.json()["minutes"] == payload["minutes"] and response.json()["outcomes"] == payload["outcomes"]
    meeting.refresh_from_db()
    assert meeting.minutes == payload["minutes"] and meeting.outcomes == payload["outcomes"]
    # Both are replaced: one left out becomes empty.
    api_as(cast.users[persona]).put(url(cast, "meetings", meeting.pk, "minutes"), {"minutes": "Solo questo."})
    meeting.refresh_from_db()
    assert meeting.minutes == "Solo questo." and meeting.outcomes == ""


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_write_the_minutes_refused(cast, api_as, held, persona):
    path = url(cast, "meetings", held["meeting"].pk, "minutes")
    assert api_as(cast.users[persona]).put(path, {"minutes": "X"}).status_code == 403
    assert api_as(cast.outsider).put(path, {"minutes": "X"}).status_code == 404
    assert Meeting.objects.get(pk=held["meeting"].pk).minutes == ""


def test_the_minutes_of_a_cancelled_meeting_are_a_conflict(cast, api_as, held):
    Meeting.objects.filter(pk=held["meeting"].pk).update(status=MeetingStatus.CANCELLED)
    response = api_as(cast.coordinator).put(url(cast, "meetings", held["meeting"].pk, "minutes"), {"minutes": "X"})
    assert response.status_code == 409
    assert Meeting.objects.get(pk=held["meeting"].pk).minutes == ""


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"minutes": "x" * 50_001}, "minutes", "string_too_long"),
        ({"outcomes": "x" * 20_001}, "outcomes", "string_too_long"),
        ({"minutes": "X", "present": []}, "present", "extra_forbidden"),
        ({"minutes": 3}, "minutes", "string_type"),
    ],
)
def test_the_minutes_bad_input(cast, api_as, held, payload, field, code):
    response = api_as(cast.coordinator).put(url(cast, "meetings", held["meeting"].pk, "minutes"), payload)
    assert (field, code) in loc_and_types(response)
    assert Meeting.objects.get(pk=held["meeting"].pk).minutes == ""


# --- processes from an aggregated demand ---------------------------------------------------------------------


def _demand(network, status=DemandStatus.ACCEPTED, people=12, municipality=None):
    area = NeedAreaFactory(network=network, code=f"relazioni-{network.pk}", name="Relazioni")
    return AggregatedDemand.objects.create(
        network=network,
        title="Compagnia per anziani soli — Cremona",
        summary=f"{people} anziani di Cremona chiedono compagnia",
        area=area,
        target_group="elderly",
        municipality=municipality,
        need_count=people + 1,
        people_count=people,
        status=status,
    )


@pytest.mark.parametrize("persona", MANAGERS)
def test_a_process_from_a_demand(cast, api_as, persona):
    demand = _demand(cast.network, municipality=cast.municipalities[0])
    response = api_as(cast.users[persona]).post(url(cast, "processes", "from-demand", demand.pk), {"kind": "co_design"})
    assert response.status_code == 201, response.content
    body = response.json()
    process = Process.objects.get(pk=body["id"])
    assert process.demand == demand and process.status == ProcessStatus.DRAFT and process.kind == ProcessKind.CO_DESIGN
    assert body["status"] == "draft" and body["kind"] == "co_design" and "Compagnia" in body["title"]
    assert body["evidence"]["people"] == 12 and body["evidence"]["demand"] == demand.pk
    assert body["municipalities"] == [{"istat_code": "019036", "name": "Cremona"}]


def test_a_process_from_a_demand_is_a_community_lab_unless_told(cast, api_as):
    demand = _demand(cast.network)
    response = api_as(cast.coordinator).post(url(cast, "processes", "from-demand", demand.pk), {})
    assert response.status_code == 201 and response.json()["kind"] == "community_lab"


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_a_process_from_a_demand_refused(cast, api_as, persona):
    demand = _demand(cast.network)
    assert api_as(cast.users[persona]).post(url(cast, "processes", "from-demand", demand.pk), {}).status_code == 403
    assert not Process.objects.exists()


def test_a_process_from_a_demand_outsider_and_other_network(cast, api_as):
    demand = _demand(cast.network)
    assert api_as(cast.outsider).post(url(cast, "processes", "from-demand", demand.pk), {}).status_code == 404
    elsewhere = _demand(cast.other_network)
    assert api_as(cast.coordinator).post(url(cast, "processes", "from-demand", elsewhere.pk), {}).status_code == 404
    assert not Process.objects.exists()


@pytest.mark.parametrize("status", [DemandStatus.CANDIDATE, DemandStatus.DISCARDED, DemandStatus.CLOSED])
def test_a_process_from_a_demand_not_accepted_is_a_conflict(cast, api_as, status):
    demand = _demand(cast.network, status=status)
    response = api_as(cast.coordinator).post(url(cast, "processes", "from-demand", demand.pk), {})
    assert response.status_code == 409 and "accepted" in response.json()["detail"]
    assert not Process.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [({"kind": "assemblea"}, "kind", "literal_error"), ({"title": "X"}, "title", "extra_forbidden")],
)
def test_a_process_from_a_demand_bad_input(cast, api_as, payload, field, code):
    demand = _demand(cast.network)
    response = api_as(cast.coordinator).post(url(cast, "processes", "from-demand", demand.pk), payload)
    assert (field, code) in loc_and_types(response)
    assert not Process.objects.exists()


# --- processes from the needs map ----------------------------------------------------------------------------

JAN = datetime.date(2025, 1, 15)


@pytest.fixture
def needs(cast):
    """Casa: 6 needs in Cremona (elderly people), 2 in Crema; another network's need never counts."""
    cremona, crema = cast.municipalities
    casa = NeedAreaFactory(network=cast.network, code="casa", name="Casa", position=1)
    for _ in range(6):
        NeedFactory(
            network=cast.network, area=casa, municipality=cremona, observed_on=JAN, target_group=TargetGroup.ELDERLY
        )
    for _ in range(2):
        NeedFactory(network=cast.network, area=casa, municipality=crema, observed_on=JAN)
    NeedFactory(network=cast.other_network, municipality=cremona, observed_on=JAN)
    return {"casa": casa}


@pytest.mark.parametrize("persona", MANAGERS)
def test_a_process_from_the_map(cast, api_as, needs, persona):
    payload = {
        "title": "Laboratorio sulla casa",
        "kind": "co_design",
        "filters": {"area": needs["casa"].pk, "municipality": "019036", "target_group": "elderly"},
    }
    response = api_as(cast.users[persona]).post(url(cast, "processes", "from-map"), payload)
    assert response.status_code == 201, response.content
    body = response.json()
    process = Process.objects.get(pk=body["id"])
    assert process.title == "Laboratorio sulla casa" and process.kind == ProcessKind.CO_DESIGN
    assert process.status == ProcessStatus.DRAFT and process.evidence["source"] == "needs_map"
    assert process.evidence["needs"] == 6
    assert list(process.municipalities.all()) == [cast.municipalities[0]]
    assert body["municipalities"] == [{"istat_code": "019036", "name": "Cremona"}]
    assert body["evidence"]["needs"] == 6


def test_a_process_from_the_whole_map(cast, api_as, needs):
    response = api_as(cast.coordinator).post(url(cast, "processes", "from-map"), {"title": "Tutta la rete"})
    assert response.status_code == 201, response.content
    assert Process.objects.get().evidence["needs"] == 8 and response.json()["kind"] == "community_lab"


def test_a_small_reading_keeps_its_figures_hidden(cast, api_as, needs):
    payload = {"title": "Crema", "filters": {"municipality": "019035"}}
    response = api_as(cast.coordinator).post(url(cast, "processes", "from-map"), payload)
    assert response.status_code == 201, response.content
    evidence = Process.objects.get().evidence
    assert evidence["suppressed"] is True and evidence["needs"] is None
    assert api_as(cast.citizen).get(url(cast, "processes", response.json()["id"])).status_code == 404  # a draft


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_a_process_from_the_map_refused(cast, api_as, needs, persona):
    assert api_as(cast.users[persona]).post(url(cast, "processes", "from-map"), {"title": "X"}).status_code == 403
    assert api_as(cast.outsider).post(url(cast, "processes", "from-map"), {"title": "X"}).status_code == 404
    assert not Process.objects.exists()


def test_filters_no_need_matches_are_a_conflict(cast, api_as, needs):
    payload = {"title": "Vuoto", "filters": {"target_group": "minors"}}
    response = api_as(cast.coordinator).post(url(cast, "processes", "from-map"), payload)
    assert response.status_code == 409 and "No need matches" in response.json()["detail"]
    assert not Process.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"title": ""}, "title", "string_too_short"),
        ({"title": "   "}, "title", "required"),
        ({"title": "x" * 201}, "title", "string_too_long"),
        ({"kind": "assemblea"}, "kind", "literal_error"),
        ({"filters": {"area": 999_999}}, "area", "invalid_choice"),
        ({"filters": {"district": 999_999}}, "district", "invalid_choice"),
        ({"filters": {"municipality": "999999"}}, "municipality", "unknown_municipality"),
        ({"filters": {"municipality": "19036"}}, "municipality", "string_pattern_mismatch"),
        ({"filters": {"municipality": "015146"}}, "municipality", "invalid_choice"),
        ({"filters": {"municipality": "019035", "district": "first"}}, "municipality", "invalid"),
        ({"filters": {"date_from": "2999-01-01"}}, "date_from", "invalid"),
        ({"filters": {"date_from": "2025-03-01", "date_to": "2025-01-01"}}, "date_to", "invalid"),
        ({"filters": {"date_from": "ieri"}}, "date_from", "value_error"),
        ({"filters": {"origin": "maybe"}}, "origin", "literal_error"),
        ({"filters": {"status": "aperto"}}, "status", "literal_error"),
        ({"filters": {"channel": "piccione"}}, "channel", "literal_error"),
        ({"filters": {"period": "month"}}, "period", "extra_forbidden"),
    ],
)
def test_a_process_from_the_map_bad_input(cast, api_as, needs, change, field, code):
    f.MunicipalityFactory(istat_code="015146", name="Milano")  # a Comune outside the network's territory
    payload = {"title": "Laboratorio", **change}
    if payload.get("filters", {}).get("district") == "first":
        payload["filters"]["district"] = cast.district.pk  # Crema is in the other district
    response = api_as(cast.coordinator).post(url(cast, "processes", "from-map"), payload)
    found = loc_and_types(response)
    assert (field, code) in found, found
    if "filters" in change and code not in ("extra_forbidden",):
        assert all(item["loc"][:3] == ["body", "payload", "filters"] for item in response.json()["detail"])
    assert not Process.objects.exists()
