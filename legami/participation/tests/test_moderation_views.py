"""Pages of moderation: reporting, the moderators' list, hiding and showing again."""

import pytest
from django.urls import reverse
from django.utils import timezone

from legami.participation.models import Comment, Proposal, Report
from legami.participation.tests.factories import open_process
from legami.participation.tests.factories_proposals import CommentFactory, ProposalFactory, ReportFactory


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")


@pytest.fixture
def proposal(cast):
    return ProposalFactory(process=open_process(cast.network), author=cast.citizen, title="Uno spazio compiti")


def url(name, *args):
    return reverse(f"participation:{name}", args=["rete-prova", *args])


def page(response) -> str:
    return response.content.decode()


def test_a_member_reports_a_proposal_and_a_comment(client, cast, proposal):
    row = CommentFactory(proposal=proposal)
    client.force_login(cast.funder)
    assert client.get(url("proposal_report", proposal.pk)).status_code == 200
    response = client.post(url("proposal_report", proposal.pk), {"reason": "spam", "details": "Pubblicità"})
    assert response.status_code == 302 and response.url == url("proposal_detail", proposal.pk)
    response = client.post(url("comment_report", row.pk), {"reason": "offensive"})
    assert response.url == url("proposal_detail", proposal.pk) + f"#comment-{row.pk}"
    assert Report.objects.count() == 2


@pytest.mark.parametrize(
    "data", [{}, {"reason": "boring"}, {"reason": "spam", "details": "x" * 501}], ids=["no-reason", "bad", "long"]
)
def test_a_bad_report_answers_400(client, cast, proposal, data):
    client.force_login(cast.funder)
    response = client.post(url("proposal_report", proposal.pk), data)
    assert response.status_code == 400 and "legami-error-summary" in page(response)
    assert not Report.objects.exists()


def test_a_second_report_is_refused_with_a_clear_message(client, cast, proposal):
    client.force_login(cast.funder)
    client.post(url("proposal_report", proposal.pk), {"reason": "spam"})
    response = client.post(url("proposal_report", proposal.pk), {"reason": "spam"})
    assert response.status_code == 400 and "You have already reported this" in page(response)


def test_moderators_read_the_open_reports_with_their_texts_and_details(client, cast, proposal):
    row = CommentFactory(proposal=proposal, body="Testo del commento")
    ReportFactory(proposal=proposal, reporter=cast.funder, details="zqdetailsfunder")
    ReportFactory(proposal=None, comment=row, network=cast.network, reporter=cast.evaluator)
    ReportFactory(proposal=proposal, reporter=cast.citizen, details="zqresolved", resolved_at=timezone.now())
    client.force_login(cast.community_worker)
    text = page(client.get(url("moderation")))
    assert "2 open reports." in text
    assert "zqdetailsfunder" in text and "Testo del commento" in text and "Uno spazio compiti" in text
    assert "zqresolved" not in text


@pytest.mark.parametrize("persona", ["citizen", "partner_staff", "funder", "privacy_officer", "case_manager"])
def test_others_do_not_read_reports(client, cast, proposal, persona):
    ReportFactory(proposal=proposal, reporter=cast.funder, details="zqdetailsfunder")
    client.force_login(getattr(cast, persona))
    assert client.get(url("moderation")).status_code == 403
    assert "zqdetailsfunder" not in page(client.get(url("proposal_detail", proposal.pk)))


def test_a_moderator_closes_a_report_as_fine(client, cast, proposal):
    report = ReportFactory(proposal=proposal, reporter=cast.funder)
    client.force_login(cast.coordinator)
    response = client.post(url("moderation"), {"report": report.pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolved_by == cast.coordinator
    response = client.post(url("moderation"), {"report": report.pk})
    assert response.status_code == 400 and "already been dealt with" in page(response)


@pytest.mark.parametrize("data", [{}, {"report": "abc"}, {"report": "999999"}])
def test_closing_a_report_that_is_not_there_answers_400(client, cast, data):
    client.force_login(cast.coordinator)
    response = client.post(url("moderation"), data)
    assert response.status_code == 400 and "legami-error-summary" in page(response)


def test_another_networks_report_cannot_be_closed(client, cast):
    other = ReportFactory(proposal=ProposalFactory(process=open_process(cast.other_network)), reporter=cast.outsider)
    client.force_login(cast.coordinator)
    assert client.post(url("moderation"), {"report": other.pk}).status_code == 400
    other.refresh_from_db()
    assert other.resolved_at is None


def test_a_moderator_hides_and_shows_a_proposal(client, cast, proposal):
    ReportFactory(proposal=proposal, reporter=cast.funder)
    client.force_login(cast.coordinator)
    assert client.get(url("proposal_hide", proposal.pk)).status_code == 200
    response = client.post(url("proposal_hide", proposal.pk), {"reason": "Dati personali"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.hidden_reason == "Dati personali"
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    response = client.post(url("proposal_hide", proposal.pk), {"reason": "ancora"})
    assert response.status_code == 400 and "already hidden" in page(response)
    client.post(url("proposal_show", proposal.pk), {"reason": "Corretto"})
    proposal.refresh_from_db()
    assert proposal.hidden_at is None


def test_a_moderator_hides_and_shows_a_comment(client, cast, proposal):
    row = CommentFactory(proposal=proposal)
    client.force_login(cast.community_worker)
    response = client.post(url("comment_hide", row.pk), {"reason": "Offensivo"})
    assert response.url == url("proposal_detail", proposal.pk) + f"#comment-{row.pk}"
    assert Comment.objects.get(pk=row.pk).hidden_reason == "Offensivo"
    client.post(url("comment_show", row.pk), {"reason": "Rivisto"})
    assert Comment.objects.get(pk=row.pk).hidden_at is None


@pytest.mark.parametrize("name", ["proposal_hide", "proposal_show", "comment_hide", "comment_show"])
@pytest.mark.parametrize("reason", ["", "x" * 301])
def test_hiding_without_a_good_reason_answers_400(client, cast, proposal, name, reason):
    row = CommentFactory(proposal=proposal)
    Comment.objects.filter(pk=row.pk).update(hidden_at=timezone.now() if name.endswith("show") else None)
    Proposal.objects.filter(pk=proposal.pk).update(hidden_at=timezone.now() if name.endswith("show") else None)
    target = proposal.pk if name.startswith("proposal") else row.pk
    client.force_login(cast.coordinator)
    response = client.post(url(name, target), {"reason": reason})
    assert response.status_code == 400 and "legami-error-summary" in page(response)


@pytest.mark.parametrize("persona", ["citizen", "funder", "partner_staff", "privacy_officer"])
@pytest.mark.parametrize("name", ["proposal_hide", "proposal_show", "comment_hide", "comment_show"])
def test_participants_may_not_hide(client, cast, proposal, persona, name):
    row = CommentFactory(proposal=proposal)
    target = proposal.pk if name.startswith("proposal") else row.pk
    client.force_login(getattr(cast, persona))
    assert client.post(url(name, target), {"reason": "x"}).status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).hidden_at is None and Comment.objects.get(pk=row.pk).hidden_at is None


def test_the_moderation_list_runs_the_same_queries_for_few_and_many_reports(
    client, cast, proposal, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.coordinator)
    counts = []
    for n in (2, 12):
        for _i in range(n):
            ReportFactory(proposal=ProposalFactory(process=proposal.process), reporter=cast.funder)
            row = CommentFactory(proposal=proposal)
            ReportFactory(proposal=None, comment=row, network=cast.network, reporter=cast.funder)
        client.get(url("moderation"))
        with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(15):
            assert client.get(url("moderation")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
