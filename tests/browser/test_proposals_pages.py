"""Proposals in Chromium at 320 px and by keyboard, with axe on each page: a citizen supports a proposal and
comments on it; a moderator reads the reports and hides a comment."""

import re

import pytest
from django.urls import reverse

from legami.participation.models import Comment, Support
from legami.participation.tests.factories import open_process
from legami.participation.tests.factories_proposals import CommentFactory, ProposalFactory, ReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 700}
LONG_WORD = "Partecipazionecomunitariaintergenerazionaledelquartiere" * 2


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _wide(page) -> list:
    """The elements that stick out on the right (to say what does not fit)."""
    return page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + '.' + e.className + ': ' + e.outerHTML.slice(0, 120))"
    )


def _look(page, check_a11y, url):
    page.goto(url)
    check_a11y(page)
    assert _fits(page), (url, _wide(page))


def test_a_citizen_supports_and_comments_by_keyboard_at_320_px(cast, page, login_as, check_a11y):
    page.set_viewport_size(NARROW)
    process = open_process(cast.network, support_limit=2)
    proposal = ProposalFactory(process=process, author=cast.funder, title=f"Uno spazio compiti {LONG_WORD}")
    CommentFactory(proposal=proposal, author=cast.coordinator, body=f"Bella idea {LONG_WORD}")
    login_as(cast.citizen)
    slug = cast.network.slug
    _look(page, check_a11y, reverse("participation:proposals", args=[slug, process.pk]))
    button = page.get_by_role("button", name=re.compile(r"^Sostieni"))
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Sostieni questa proposta." in page.inner_text("main")
    assert "Puoi sostenere ancora 1 proposta in questo percorso." in page.inner_text("main")
    assert Support.objects.filter(proposal=proposal, user=cast.citizen).exists()
    check_a11y(page)
    assert _fits(page), _wide(page)
    _look(page, check_a11y, reverse("participation:proposal_detail", args=[slug, proposal.pk]))
    page.get_by_label("Il tuo commento").focus()
    page.keyboard.type("Ci sto anch'io")
    page.get_by_role("button", name="Pubblica il commento").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Il tuo commento è stato pubblicato." in page.inner_text("main")
    assert Comment.objects.filter(author=cast.citizen).exists()
    assert _fits(page), _wide(page)
    for name, pk in (
        ("proposal_create", process.pk),
        ("proposal_report", proposal.pk),
        ("proposal_unsupport", proposal.pk),
    ):
        _look(page, check_a11y, reverse(f"participation:{name}", args=[slug, pk]))
    # A form sent empty shows the error summary, still accessible and narrow.
    page.goto(reverse("participation:proposal_create", args=[slug, process.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Pubblica la proposta").click()
    assert page.locator("#error-summary").is_visible()
    check_a11y(page)
    assert _fits(page), _wide(page)
    assert page.js_errors == []


def test_a_moderator_hides_a_reported_comment_at_320_px(cast, page, login_as, check_a11y):
    page.set_viewport_size(NARROW)
    process = open_process(cast.network)
    proposal = ProposalFactory(process=process, author=cast.citizen, title=LONG_WORD)
    comment = CommentFactory(proposal=proposal, author=cast.funder, body=f"Offesa {LONG_WORD}")
    ReportFactory(proposal=None, comment=comment, network=cast.network, reporter=cast.citizen, details=LONG_WORD)
    login_as(cast.community_worker)
    slug = cast.network.slug
    _look(page, check_a11y, reverse("participation:moderation", args=[slug]))
    _look(page, check_a11y, reverse("participation:comment_hide", args=[slug, comment.pk]))
    page.get_by_label("Motivo").focus()
    page.keyboard.type("Linguaggio offensivo")
    page.get_by_role("button", name="Nascondi il commento").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Commento nascosto dai moderatori: Linguaggio offensivo" in page.inner_text("main")
    check_a11y(page)
    assert _fits(page), _wide(page)
    for name, pk in (("proposal_answer", proposal.pk), ("proposal_hide", proposal.pk)):
        _look(page, check_a11y, reverse(f"participation:{name}", args=[slug, pk]))
    assert page.js_errors == []
