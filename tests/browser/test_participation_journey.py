"""A community lab in Chromium, end to end: a citizen on a 360 px phone registers for a meeting, files a proposal and
supports another; a coordinator answers the citizen's proposal. Every page is checked with axe and must fit the
phone without horizontal scrolling. Labels and buttons come from the Italian catalogue."""

import pytest
from django.urls import reverse
from django.utils import translation

from legami.participation.models import Proposal, ProposalStatus, Registration, RegistrationStatus, Support
from legami.participation.tests.factories import open_process
from legami.participation.tests.factories_meetings import MeetingFactory
from legami.participation.tests.factories_proposals import ProposalFactory
from tests.browser.test_coordinator_journey import exactly, label, submit, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"


def test_a_citizen_takes_part_from_a_phone_and_the_coordinator_answers(cast, page, login_as, check_a11y):
    network, slug = cast.network, cast.network.slug
    process = open_process(network, title="Laboratorio del quartiere Po", support_limit=3)
    process.municipalities.set([cast.municipalities[0]])
    meeting = MeetingFactory(process=process, title="Che cosa manca nel quartiere", capacity=20)
    other = ProposalFactory(process=process, author=cast.funder, title="Un orto condiviso al parco")

    page.set_viewport_size(PHONE)
    login_as(cast.citizen)

    # The process's page, from the list: the timeline, the next meeting, the proposals.
    page.goto(reverse("participation:processes", args=[slug]))
    _fits(page)
    check_a11y.soft(page)
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("Laboratorio del quartiere Po")).click()
    _fits(page)
    check_a11y.soft(page)

    # Register for the meeting.
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("Che cosa manca nel quartiere")).click()
    _fits(page)
    check_a11y.soft(page)
    submit(page, "Register")
    registration = Registration.objects.get(meeting=meeting, user=cast.citizen)
    assert registration.status == RegistrationStatus.REGISTERED
    _fits(page)
    check_a11y.soft(page)

    # File a proposal: sent empty first, the error summary says what is missing and nothing is written.
    page.goto(reverse("participation:process_detail", args=[slug, process.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("Make a proposal")).click()
    _fits(page)
    check_a11y.soft(page)
    submit(page, "Publish the proposal")
    assert page.locator("#error-summary").is_visible()
    assert not Proposal.objects.filter(author=cast.citizen).exists()
    check_a11y.soft(page)
    page.get_by_label(label("Title")).fill("Doposcuola il martedì")
    page.get_by_label(label("Your proposal")).fill(
        "Un doposcuola il martedì e il giovedì alla casa di quartiere, con i nonni del circolo."
    )
    submit(page, "Publish the proposal")
    mine = Proposal.objects.get(author=cast.citizen)
    assert mine.title == "Doposcuola il martedì" and mine.status == ProposalStatus.PUBLISHED
    _fits(page)
    check_a11y.soft(page)

    # Support the other proposal from the list.
    page.goto(reverse("participation:proposals", args=[slug, process.pk]))
    _fits(page)
    check_a11y.soft(page)
    card = page.locator("li, article").filter(has_text="Un orto condiviso al parco").last
    with page.expect_navigation():
        card.get_by_role("button", name=t("Support")).first.click()
    assert Support.objects.filter(proposal=other, user=cast.citizen).exists()
    other.refresh_from_db()
    assert other.support_count == 1
    _fits(page)
    check_a11y.soft(page)

    # The coordinator answers the citizen's proposal (on a desk screen).
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login_as(cast.coordinator)
    page.goto(reverse("participation:proposal_answer", args=[slug, mine.pk]))
    check_a11y.soft(page)
    with translation.override("it"):
        accepted_label = str(ProposalStatus.ACCEPTED.label)
    accepted = page.get_by_role("radio", name=accepted_label, exact=True)
    page.locator(f"label[for={accepted.get_attribute('id')}]").click()
    assert accepted.is_checked()
    page.get_by_label(label("Text of the answer")).fill("Accolta: la casa di quartiere mette a disposizione la sala.")
    submit(page, "Publish the answer")
    mine.refresh_from_db()
    assert mine.status == ProposalStatus.ACCEPTED and mine.answered_by == cast.coordinator
    assert "la casa di quartiere mette a disposizione la sala" in page.inner_text("main")
    check_a11y.soft(page)
    check_a11y.finish()
    assert page.js_errors == []
