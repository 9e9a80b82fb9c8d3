"""A co-design table in Chromium: a partner's staff answers the call from a 360 px phone, an evaluator scores the
application on a desk screen (a score and a reason per criterion). Every page is checked with axe; the labels and
buttons come from the Italian catalogue."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from legami.responses.models import Application, ApplicationStatus, CallStatus, Score
from legami.responses.tests.factories_codesign import CallFactory, CriterionFactory, evaluator
from tests.browser.test_coordinator_journey import exactly, label, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide on a {width} px screen"


def _it(message: str, **params) -> str:
    with translation.override("it"):
        return gettext(message) % params


def test_a_partner_applies_and_an_evaluator_scores(cast, page, login_as, check_a11y):
    network, slug = cast.network, cast.network.slug
    call = CallFactory(network=network, title="Tavolo: compagnia agli anziani soli", status=CallStatus.OPEN)
    quality = CriterionFactory(call=call, name="Qualità della proposta", weight=60, position=0)
    roots = CriterionFactory(call=call, name="Radicamento nel quartiere", weight=40, position=1)

    # The partner's staff (Cooperativa Il Ponte) answers the call from a phone.
    page.set_viewport_size({"width": 360, "height": 740})
    login_as(cast.partner_staff)
    page.goto(reverse("responses:call_detail", args=[slug, call.pk]))
    _fits(page, 360)
    check_a11y.soft(page)
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("Apply")).click()
    _fits(page, 360)
    check_a11y.soft(page)
    submit(page, "Submit the application")  # empty: the error summary, nothing written
    assert page.locator("#error-summary").is_visible()
    assert not Application.objects.exists()
    page.get_by_label(label("Title of the project")).fill("Vicini che fanno compagnia")
    page.get_by_label(label("Project proposal")).fill(
        "Volontari del quartiere visitano gli anziani soli ogni settimana."
    )
    page.get_by_label(label("Staff hours")).fill("300")
    page.get_by_label(label("Volunteers")).fill("12")
    page.get_by_label(label("Own money (euro)")).fill("1.500,00")
    submit(page, "Submit the application")
    application = Application.objects.get()
    assert application.organization == cast.organization and application.status == ApplicationStatus.SUBMITTED
    assert application.volunteers == 12 and str(application.money) == "1500.00"
    _fits(page, 360)
    check_a11y.soft(page)

    # The table moves to evaluation; an evaluator of no applying organisation scores it.
    call.status = CallStatus.EVALUATION
    call.save(update_fields=["status"])
    judge = evaluator(network, "valutatrice@example.org")
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login_as(judge)
    page.goto(reverse("responses:application_score", args=[slug, application.pk]))
    check_a11y.soft(page)
    for criterion, value, reason in ((quality, "8", "Proposta chiara e concreta."), (roots, "6", "Pochi legami.")):
        page.get_by_label(_it("Score for “%(name)s” (0 to %(max)s)", name=criterion.name, max=10)).fill(value)
        page.get_by_label(_it("Reason for “%(name)s”", name=criterion.name)).fill(reason)
    submit(page, "Save the scores")
    scores = {s.criterion_id: (s.score, s.reason) for s in Score.objects.filter(evaluator=judge)}
    assert scores == {quality.pk: (8, "Proposta chiara e concreta."), roots.pk: (6, "Pochi legami.")}
    check_a11y.soft(page)
    check_a11y.finish()
    assert page.js_errors == []
