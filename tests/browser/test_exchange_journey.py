"""Offers and matching in Chromium: a volunteer posts an offer from a 360 px phone; a community worker checks it,
queues a run of the matching engine and follows it to its proposals, and both sides accept on their own pages (the
person in need from her phone).

Labels and buttons are found through the project's Italian catalogue; every page visited must pass axe.
"""

import pytest
from django.urls import reverse

from legami.core.models import Job
from legami.core.tests import factories as f
from legami.exchange.models import MATCHING_JOB_KIND, Match, MatchStatus, Offer, OfferStatus
from legami.exchange.services.matching import run_matching_job
from legami.exchange.tests.factories_offers import OfferFactory
from legami.needs.models import NeedArea, NeedStatus
from legami.needs.services.areas import ensure_default_areas
from legami.needs.tests.factories import NeedFactory
from tests.browser.test_coordinator_journey import exactly, label, submit, t

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def _fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide on a {width} px screen"


def test_a_volunteer_offers_and_both_sides_accept_the_match(cast, page, login_as, check_a11y):
    network = cast.network
    ensure_default_areas(network=network)
    cremona = cast.municipalities[0]
    relations = NeedArea.objects.get(network=network, code="relazioni")
    neighbour = f.UserFactory(email="giovanna@example.org", full_name="Giovanna Ferri")
    f.MembershipFactory(network=network, user=neighbour, role="citizen")
    person = f.PersonFactory(network=network, user=neighbour, municipality=cremona)
    need = NeedFactory(
        network=network,
        area=relations,
        municipality=cremona,
        person=person,
        time_windows=[{"day": 1, "start": "15:00", "end": "17:00"}],
        description="Vive sola e vorrebbe compagnia il martedì.",
    )

    # The volunteer, on a phone, posts her offer.
    page.set_viewport_size(PHONE)
    login_as(cast.citizen)
    page.goto(reverse("exchange:offer_create", args=[network.slug]))
    _fits(page, 360)
    check_a11y.soft(page)
    page.get_by_label(label("What do you offer?")).fill("Compagnia e passeggiate")
    page.get_by_label(label("Kind")).select_option("time")
    page.locator("label", has_text=relations.name).click()  # the label's text, as a person taps it
    assert page.get_by_role("checkbox", name=relations.name).is_checked()
    page.get_by_label(label("Comune")).select_option(str(cremona.pk))
    page.get_by_label(label("When")).fill("mar 15-18")
    page.get_by_label(label("Languages")).fill("italiano")
    submit(page, "Save")
    offer = Offer.objects.get(network=network)
    assert offer.status == OfferStatus.PENDING and offer.submitted_by == cast.citizen
    _fits(page, 360)
    check_a11y.soft(page)

    # The community worker checks the offer and runs the engine.
    page.set_viewport_size({"width": 1280, "height": 900})
    login_as(cast.community_worker)
    page.goto(reverse("exchange:offer_detail", args=[network.slug, offer.pk]))
    submit(page, "Checked: open it")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN
    page.goto(reverse("exchange:matching", args=[network.slug]))
    check_a11y.soft(page)
    submit(page, "Propose matches")
    # The run is queued: its page follows it (polling with htmx) until it says it is done. The tests' tasks backend
    # runs it as the request commits; a worker would take a moment, and the page would wait the same way.
    page.wait_for_url("**/exchange/matching/jobs/*/")
    page.get_by_role("heading", name=exactly("Matching completed")).wait_for()
    check_a11y.soft(page)
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("See the proposed matches")).click()
    match = Match.objects.get(network=network)
    assert (match.need, match.offer, match.status) == (need, offer, MatchStatus.PROPOSED)
    page.wait_for_url(f"**{reverse('exchange:run_detail', args=[network.slug, match.run_id])}")
    assert t("same area: %(area)s") % {"area": relations.name} in page.content()
    check_a11y.soft(page)

    # The volunteer accepts from her phone.
    page.set_viewport_size(PHONE)
    login_as(cast.citizen)
    page.goto(reverse("exchange:my_matches", args=[network.slug]))
    _fits(page, 360)
    check_a11y.soft(page)
    page.get_by_role("link", name=exactly("Compagnia e passeggiate")).click()
    page.wait_for_url(f"**{reverse('exchange:match_detail', args=[network.slug, match.pk])}")
    _fits(page, 360)
    assert "Vive sola" not in page.content()  # the need's own words stay with the operators
    submit(page, "Yes, I can help")
    check_a11y.soft(page)

    # The person in need accepts too, from her phone: the match is accepted and her need is matched.
    login_as(neighbour)
    page.goto(reverse("exchange:my_matches", args=[network.slug]))
    page.get_by_role("link", name=exactly("Compagnia e passeggiate")).click()
    page.wait_for_url(f"**{reverse('exchange:match_detail', args=[network.slug, match.pk])}")
    _fits(page, 360)
    check_a11y.soft(page)
    submit(page, "Yes, I accept this help")
    match.refresh_from_db()
    need.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED and need.status == NeedStatus.MATCHED
    assert not page.js_errors, page.js_errors
    check_a11y.finish()


@pytest.mark.django_db(transaction=True)
def test_the_run_page_follows_a_queued_run_until_its_proposals(cast, page, login_as, check_a11y, settings):
    # Tasks wait in the queue, as they do for a worker, so the page can be seen while the run is pending.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    network = cast.network
    ensure_default_areas(network=network)
    relations = NeedArea.objects.get(network=network, code="relazioni")
    cremona = cast.municipalities[0]
    NeedFactory(network=network, area=relations, municipality=cremona, description="Compagnia il giovedì")
    OfferFactory(network=network, areas=[relations], municipality=cremona, title="Due chiacchiere")
    login_as(cast.community_worker)
    page.goto(reverse("exchange:matching", args=[network.slug]))
    page.get_by_label(label("Area")).select_option(str(relations.pk))
    submit(page, "Propose matches")
    job = Job.objects.get(network=network, kind=MATCHING_JOB_KIND)
    assert page.url.endswith(reverse("exchange:matching_job", args=[network.slug, job.pk]))
    main = page.inner_text("main")
    assert t("Waiting for the run to start…") in main and relations.name in main
    check_a11y.soft(page)
    # A second run while this one waits is refused, and the matching page links to the one under way.
    page.goto(reverse("exchange:matching", args=[network.slug]))
    submit(page, "Propose matches")
    assert t("A matching run is already under way: wait for it to finish.") in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("Follow its progress")).click()
    # What the worker does; the page, polling with htmx, shows the outcome without a reload and announces it.
    run_matching_job(job)
    page.get_by_role("heading", name=exactly("Matching completed")).wait_for()
    assert page.locator("#job-announce").inner_text() == t("Matching completed")
    check_a11y.soft(page)
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("See the proposed matches")).click()
    assert "Due chiacchiere" in page.inner_text("main")
    assert not page.js_errors, page.js_errors
    check_a11y.finish()
