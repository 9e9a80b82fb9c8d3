"""Pages of proposals: the public list and page, filing, supporting, commenting, answering, withdrawing."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from legami.needs.tests.factories import NeedAreaFactory
from legami.participation.models import Comment, Proposal, ProposalStatus, Support
from legami.participation.tests.factories import open_process
from legami.participation.tests.factories_proposals import CommentFactory, ProposalFactory, SupportFactory

S = ProposalStatus


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")


@pytest.fixture
def process(cast):
    return open_process(cast.network, support_limit=2)


@pytest.fixture
def proposal(cast, process):
    return ProposalFactory(process=process, author=cast.citizen, title="Uno spazio compiti", body="Il martedì")


def url(name, *args, network=None):
    return reverse(f"participation:{name}", args=["rete-prova", *args])


def page(response) -> str:
    return response.content.decode()


# --- the list -----------------------------------------------------------------------------------------


def test_anyone_reads_the_list_with_counts_and_badges(client, cast, process, proposal):
    SupportFactory(proposal=proposal, user=cast.funder)
    CommentFactory(proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=1, status=S.ACCEPTED)
    response = client.get(url("proposals", process.pk))
    assert response.status_code == 200
    text = page(response)
    assert "Uno spazio compiti" in text and "Citizen" in text
    assert "1 support" in text and "1 comment" in text and "Accepted" in text
    # Anonymous visitors get no Support button.
    assert url("proposal_support", proposal.pk) not in text


def test_a_draft_processs_proposals_are_not_found_by_participants(client, cast):
    process = open_process(cast.network, status="draft")
    client.force_login(cast.citizen)
    assert client.get(url("proposals", process.pk)).status_code == 404
    client.force_login(cast.coordinator)
    assert client.get(url("proposals", process.pk)).status_code == 200


def test_the_author_is_named_never_by_e_mail(client, cast, process):
    from legami.core.tests import factories as f

    # A user with no full name: the pages must not fall back on the e-mail (as User.display_name does).
    nameless = f.UserFactory(email="zqnameless@example.org", full_name="")
    proposal = ProposalFactory(process=process, author=nameless)
    CommentFactory(proposal=proposal, author=nameless)
    for address in (url("proposals", process.pk), url("proposal_detail", proposal.pk)):
        text = page(client.get(address))
        assert "zqnameless" not in text and "A participant" in text


def test_an_organisations_proposal_shows_the_organisation(client, cast, process):
    ProposalFactory(process=process, author=cast.partner_staff, organization=cast.organization)
    assert "Proposed by Cooperativa Il Ponte" in page(client.get(url("proposals", process.pk)))


def test_a_member_sees_the_support_button_and_what_is_left(client, cast, process, proposal):
    other = ProposalFactory(process=process, title="Un orto")
    SupportFactory(proposal=other, user=cast.funder)
    client.force_login(cast.funder)
    text = page(client.get(url("proposals", process.pk)))
    assert "You support this" in text
    assert url("proposal_support", proposal.pk) in text and url("proposal_unsupport", other.pk) in text
    assert "You can support 1 more proposal in this process." in text


def test_no_support_button_outside_the_phase(client, cast):
    process = open_process(cast.network, phase__supports_open=False)
    proposal = ProposalFactory(process=process)
    client.force_login(cast.funder)
    assert url("proposal_support", proposal.pk) not in page(client.get(url("proposals", process.pk)))


def test_search_filters_and_sort(client, cast, process):
    area = NeedAreaFactory(network=cast.network, code="casa", name="Casa")
    ProposalFactory(process=process, title="Orto condiviso", body="terra")
    ProposalFactory(process=process, title="Doposcuola", body="compiti nel giardino", area=area)
    popular = ProposalFactory(process=process, title="Biblioteca", body="libri", status=S.EVALUATING)
    Proposal.objects.filter(pk=popular.pk).update(support_count=9)
    base = url("proposals", process.pk)
    # Search reads the title and the body, case-insensitive.
    text = page(client.get(base, {"q": "GIARD"}))
    assert "Doposcuola" in text and "Orto condiviso" not in text
    text = page(client.get(base, {"q": "orto"}))
    assert "Orto condiviso" in text and "Doposcuola" not in text
    text = page(client.get(base, {"area": area.pk}))
    assert "Doposcuola" in text and "Biblioteca" not in text
    text = page(client.get(base, {"status": "evaluating"}))
    assert "Biblioteca" in text and "Doposcuola" not in text
    text = page(client.get(base, {"sort": "most_supported"}))
    assert text.index("Biblioteca") < text.index("Doposcuola")
    # The random order is stable for the viewer (the same all day), so pages do not shuffle under them.
    titles = ("Biblioteca", "Doposcuola", "Orto condiviso")
    first = page(client.get(base, {"sort": "random"}))
    again = page(client.get(base, {"sort": "random"}))
    assert sorted(titles, key=first.index) == sorted(titles, key=again.index)


def test_a_search_finds_the_proposals_with_every_word_in_the_title_or_the_text(client, process):
    ProposalFactory(process=process, title="Biblioteca aperta", body="la sera, due volte a settimana")
    ProposalFactory(process=process, title="Biblioteca dei ragazzi", body="il sabato mattina")
    ProposalFactory(process=process, title="Cinema all'aperto", body="la sera d'estate")
    base = url("proposals", process.pk)
    text = page(client.get(base, {"q": "sera  BIBLIOTECA"}))
    assert "Biblioteca aperta" in text and "Biblioteca dei ragazzi" not in text and "Cinema" not in text
    text = page(client.get(base, {"q": "sera"}))
    assert "Biblioteca aperta" in text and "Cinema" in text and "Biblioteca dei ragazzi" not in text
    # Words across the title and the text, and a word that nothing holds.
    assert "Biblioteca dei ragazzi" in page(client.get(base, {"q": "ragazzi sabato"}))
    assert "No proposal matches this search." in page(client.get(base, {"q": "biblioteca piscina"}))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is a PostgreSQL index")
def test_the_search_can_use_the_trigram_index_on_postgresql(process):
    # The index helps only if the query's expression is exactly the indexed one: check the planner can use it.
    from legami.participation.selectors.proposals import apply_search

    ProposalFactory(process=process, title="Biblioteca aperta")
    sql, params = apply_search(Proposal.objects.order_by(), "biblioteca").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "proposal_search_trgm" in plan


@pytest.mark.parametrize("query", [{"area": "999999"}, {"status": "nonsense"}, {"sort": "loudest"}])
def test_bad_filters_answer_400_with_the_error_summary(client, process, query):
    response = client.get(url("proposals", process.pk), query)
    assert response.status_code == 400
    assert "legami-error-summary" in page(response)


def test_hidden_proposals_are_left_out_for_participants_and_marked_for_moderators(client, cast, process):
    ProposalFactory(process=process, title="zqhiddentitle", hidden_at=timezone.now(), hidden_reason="spam")
    for persona in ("citizen", "funder", "privacy_officer", "partner_staff"):
        client.force_login(getattr(cast, persona))
        assert "zqhiddentitle" not in page(client.get(url("proposals", process.pk)))
    client.logout()
    assert "zqhiddentitle" not in page(client.get(url("proposals", process.pk)))
    client.force_login(cast.community_worker)
    text = page(client.get(url("proposals", process.pk)))
    assert "zqhiddentitle" in text and "Hidden by the moderators" in text


def _list_queries(client, django_assert_max_num_queries, process, viewer, n):
    client.force_login(viewer)
    client.get(url("proposals", process.pk))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(15):
        response = client.get(url("proposals", process.pk), {"sort": "most_supported"})
    assert response.status_code == 200
    assert page(response).count('aria-labelledby="proposal-') == min(n, 25)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["citizen", "coordinator"])
def test_the_list_runs_the_same_few_queries_for_5_and_for_30_proposals(
    client, cast, django_assert_max_num_queries, persona
):
    area = NeedAreaFactory(network=cast.network, code="casa")
    counts = []
    for n in (5, 30):
        process = open_process(cast.network, support_limit=3)
        for i in range(n):
            proposal = ProposalFactory(process=process, area=area, organization=cast.organization if i % 2 else None)
            if i % 3 == 0:
                SupportFactory(proposal=proposal, user=getattr(cast, persona))
        counts.append(_list_queries(client, django_assert_max_num_queries, process, getattr(cast, persona), n))
    assert counts[0] == counts[1], counts


def test_the_detail_runs_the_same_queries_for_few_and_many_comments(
    client, cast, process, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (2, 20):
        proposal = ProposalFactory(process=process)
        previous = None
        for i in range(n):
            previous = CommentFactory(proposal=proposal, parent=previous if i % 2 else None)
        client.force_login(cast.coordinator)
        client.get(url("proposal_detail", proposal.pk))
        with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(20):
            assert client.get(url("proposal_detail", proposal.pk)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# --- the page -----------------------------------------------------------------------------------------


def test_the_page_shows_text_answer_comments_and_history(client, cast, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(
        status=S.ACCEPTED, answer="La faremo a gennaio.", answered_at=timezone.now()
    )
    root = CommentFactory(proposal=proposal, author=cast.funder, body="Bella idea")
    CommentFactory(proposal=proposal, parent=root, body="Concordo")
    text = page(client.get(url("proposal_detail", proposal.pk)))
    assert "Uno spazio compiti" in text and "Il martedì" in text
    assert "La faremo a gennaio." in text and "Bella idea" in text and "Concordo" in text
    assert "History" in text


def test_a_hidden_comment_shows_the_reason_to_everyone_and_the_text_to_moderators(client, cast, proposal):
    CommentFactory(proposal=proposal, body="zqhiddencomment", hidden_at=timezone.now(), hidden_reason="Offensivo")
    for persona in ("citizen", "funder", "privacy_officer", "evaluator", None):
        client.logout()
        if persona:
            client.force_login(getattr(cast, persona))
        text = page(client.get(url("proposal_detail", proposal.pk)))
        assert "zqhiddencomment" not in text
        assert "Comment hidden by the moderators: Offensivo" in text
    client.force_login(cast.coordinator)
    text = page(client.get(url("proposal_detail", proposal.pk)))
    assert "zqhiddencomment" in text and "Comment hidden by the moderators: Offensivo" in text


def test_a_hidden_proposals_text_reaches_moderators_only(client, cast, process):
    hidden = ProposalFactory(
        process=process,
        title="zqhiddentitle",
        body="zqhiddenbody",
        hidden_at=timezone.now(),
        hidden_reason="Dati personali",
    )
    # Its comments may quote it: they are hidden with it.
    CommentFactory(proposal=hidden, body="zqquotedincomment")
    pages = [url("proposal_detail", hidden.pk), url("proposals", process.pk)]
    for persona in ("citizen", "funder", "privacy_officer", "case_manager", "outsider", None):
        client.logout()
        if persona:
            client.force_login(getattr(cast, persona))
        for address in pages + [url("proposal_support", hidden.pk), url("proposal_comment", hidden.pk)]:
            text = page(client.get(address))
            assert "zqhiddentitle" not in text and "zqhiddenbody" not in text, (persona, address)
            assert "zqquotedincomment" not in text, (persona, address)
        assert "Proposal hidden by the moderators: Dati personali" in page(client.get(pages[0]))
    client.force_login(cast.community_worker)
    text = page(client.get(pages[0]))
    assert "zqhiddentitle" in text and "zqhiddenbody" in text and "zqquotedincomment" in text


def test_the_page_of_another_networks_proposal_is_not_found(client, cast):
    other = ProposalFactory(process=open_process(cast.other_network))
    assert client.get(url("proposal_detail", other.pk)).status_code == 404


# --- filing ------------------------------------------------------------------------------------------


def test_the_form_says_the_proposal_is_public_with_the_name(client, cast, process):
    client.force_login(cast.citizen)
    response = client.get(url("proposal_create", process.pk))
    assert response.status_code == 200
    assert "The proposal will be public with your name." in page(response)
    # The citizen works for no organisation: no "on behalf of" choice.
    assert 'name="organization"' not in page(response)
    client.force_login(cast.partner_staff)
    assert 'name="organization"' in page(client.get(url("proposal_create", process.pk)))


def test_a_member_files_a_proposal(client, cast, process):
    client.force_login(cast.citizen)
    response = client.post(url("proposal_create", process.pk), {"title": "Orto", "body": "Nel parco"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == url("proposal_detail", proposal.pk)
    assert proposal.author == cast.citizen


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": "", "body": "x"}, "title"),
        ({"title": "x", "body": ""}, "body"),
        ({"title": "t" * 151, "body": "x"}, "title"),
        ({"title": "x", "body": "x", "area": "999999"}, "area"),
    ],
)
def test_bad_input_answers_400_with_the_error_summary(client, cast, process, data, field):
    client.force_login(cast.citizen)
    response = client.post(url("proposal_create", process.pk), data)
    assert response.status_code == 400
    assert "legami-error-summary" in page(response) and f'id="id_{field}_error"' in page(response)
    assert not Proposal.objects.exists()


def test_an_organisation_one_does_not_work_for_is_refused(client, cast, process):
    from legami.core.tests import factories as f

    other = f.OrganizationFactory(network=cast.network, name="Altra")
    client.force_login(cast.partner_staff)
    response = client.post(url("proposal_create", process.pk), {"title": "x", "body": "y", "organization": other.pk})
    assert response.status_code == 400 and not Proposal.objects.exists()


def test_filing_outside_the_phase_shows_why_and_refuses(client, cast):
    process = open_process(cast.network, phase__proposals_open=False)
    client.force_login(cast.citizen)
    response = client.get(url("proposal_create", process.pk))
    assert response.status_code == 200 and "Proposals cannot be made now" in page(response)
    response = client.post(url("proposal_create", process.pk), {"title": "Orto", "body": "Nel parco"})
    assert response.status_code == 400 and "legami-error-summary" in page(response)
    assert not Proposal.objects.exists()


# --- supports ----------------------------------------------------------------------------------------


def test_support_and_take_back_redirect_back_with_a_message(client, cast, process, proposal):
    client.force_login(cast.funder)
    back = url("proposals", process.pk) + "?sort=newest"
    assert client.get(url("proposal_support", proposal.pk)).status_code == 200
    response = client.post(url("proposal_support", proposal.pk), {"next": back})
    assert response.status_code == 302 and response.url == back
    assert Support.objects.filter(proposal=proposal, user=cast.funder).exists()
    response = client.post(url("proposal_support", proposal.pk), follow=True)
    assert "You already support this proposal." in page(response)
    response = client.post(url("proposal_unsupport", proposal.pk), follow=True)
    assert "Your support has been taken back." in page(response)
    assert not Support.objects.exists()


def test_support_never_redirects_to_another_site(client, cast, proposal):
    client.force_login(cast.funder)
    response = client.post(url("proposal_support", proposal.pk), {"next": "https://evil.example.com/"})
    assert response.url == url("proposal_detail", proposal.pk)


def test_support_outside_the_phase_is_refused_with_a_message(client, cast):
    proposal = ProposalFactory(process=open_process(cast.network, phase__supports_open=False))
    client.force_login(cast.funder)
    response = client.post(url("proposal_support", proposal.pk), follow=True)
    assert "Supports are not open" in page(response) and not Support.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in_to_support(client, proposal):
    response = client.post(url("proposal_support", proposal.pk))
    assert response.status_code == 302 and "/login/" in response.url
    assert not Support.objects.exists()


# --- comments ----------------------------------------------------------------------------------------


def test_a_member_comments_and_replies(client, cast, proposal):
    client.force_login(cast.funder)
    detail = page(client.get(url("proposal_detail", proposal.pk)))
    assert url("proposal_comment", proposal.pk) in detail
    response = client.post(url("proposal_comment", proposal.pk), {"body": "Ottimo"})
    root = Comment.objects.get()
    assert response.url == url("proposal_detail", proposal.pk) + f"#comment-{root.pk}"
    form = page(client.get(url("proposal_comment", proposal.pk), {"parent": root.pk}))
    assert f'value="{root.pk}"' in form
    client.post(url("proposal_comment", proposal.pk), {"body": "Anch'io", "parent": root.pk})
    assert Comment.objects.get(parent=root).depth == 1


@pytest.mark.parametrize("data", [{"body": ""}, {"body": "x" * 5001}, {"body": "x", "parent": "999999"}])
def test_a_bad_comment_answers_400(client, cast, proposal, data):
    client.force_login(cast.funder)
    response = client.post(url("proposal_comment", proposal.pk), data)
    assert response.status_code == 400 and "legami-error-summary" in page(response)
    assert not Comment.objects.exists()


def test_no_comment_form_when_comments_are_closed(client, cast):
    proposal = ProposalFactory(process=open_process(cast.network, phase__comments_open=False))
    client.force_login(cast.funder)
    assert 'action="' + url("proposal_comment", proposal.pk) not in page(
        client.get(url("proposal_detail", proposal.pk))
    )
    response = client.post(url("proposal_comment", proposal.pk), {"body": "x"})
    assert response.status_code == 400


# --- answers and withdrawal ---------------------------------------------------------------------------


def test_the_coordinator_answers(client, cast, proposal):
    client.force_login(cast.coordinator)
    assert url("proposal_answer", proposal.pk) in page(client.get(url("proposal_detail", proposal.pk)))
    response = client.post(url("proposal_answer", proposal.pk), {"status": "accepted", "answer": "Sì, da gennaio"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.ACCEPTED and proposal.answer == "Sì, da gennaio"


@pytest.mark.parametrize(
    "data, field",
    [({"status": "accepted", "answer": ""}, "answer"), ({"status": "withdrawn"}, "status"), ({}, "status")],
)
def test_a_bad_answer_answers_400(client, cast, proposal, data, field):
    client.force_login(cast.community_worker)
    response = client.post(url("proposal_answer", proposal.pk), data)
    assert response.status_code == 400 and "legami-error-summary" in page(response)
    proposal.refresh_from_db()
    assert proposal.status == S.PUBLISHED


def test_an_answer_the_table_lacks_answers_400(client, cast, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(status=S.REJECTED)
    client.force_login(cast.coordinator)
    response = client.post(url("proposal_answer", proposal.pk), {"status": "accepted", "answer": "x"})
    assert response.status_code == 400 and "cannot become" in page(response)


@pytest.mark.parametrize("persona", ["citizen", "partner_staff", "funder"])
def test_participants_may_not_answer(client, cast, proposal, persona):
    client.force_login(getattr(cast, persona))
    assert client.post(url("proposal_answer", proposal.pk), {"status": "accepted", "answer": "x"}).status_code == 403
    assert url("proposal_answer", proposal.pk) not in page(client.get(url("proposal_detail", proposal.pk)))


def test_the_author_withdraws(client, cast, proposal):
    client.force_login(cast.citizen)
    assert url("proposal_withdraw", proposal.pk) in page(client.get(url("proposal_detail", proposal.pk)))
    response = client.post(url("proposal_withdraw", proposal.pk), {"note": ""})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.WITHDRAWN


def test_a_supported_proposal_is_not_withdrawn(client, cast, proposal):
    SupportFactory(proposal=proposal, user=cast.funder)
    client.force_login(cast.citizen)
    assert url("proposal_withdraw", proposal.pk) not in page(client.get(url("proposal_detail", proposal.pk)))
    response = client.post(url("proposal_withdraw", proposal.pk))
    assert response.status_code == 400 and "Somebody already supports" in page(response)


@pytest.mark.parametrize("persona", ["coordinator", "funder"])
def test_others_may_not_withdraw(client, cast, proposal, persona):
    client.force_login(getattr(cast, persona))
    assert client.post(url("proposal_withdraw", proposal.pk)).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == S.PUBLISHED
