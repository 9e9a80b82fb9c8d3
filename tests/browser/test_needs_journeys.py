"""Needs in Chromium: a citizen reports a need on the public form; a community worker aggregates and accepts.

Labels and buttons are found through the project's Italian catalogue (see test_coordinator_journey.py);
every page visited must pass axe, and the pages' violations are listed together at the end.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.needs.models import Channel, Need, NeedArea, NeedStatus, TargetGroup
from legami.needs.services.areas import ensure_default_areas
from legami.needs.tests.factories import NeedFactory
from tests.browser.test_coordinator_journey import exactly, label, submit, t

pytestmark = pytest.mark.browser

# The public form refuses a report sent sooner than this after the page was served (a bot's speed).
HUMAN_PAUSE_MS = 3_200


def test_a_citizen_reports_a_need_without_an_account(cast, page, check_a11y):
    network = cast.network
    ensure_default_areas(network=network)
    cremona = cast.municipalities[0]
    area = NeedArea.objects.get(network=network, code="conciliazione")

    # From the network's public home to the report form.
    page.goto(reverse("network:home", args=[network.slug]))
    check_a11y.soft(page)
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("Report a need")).click()
    page.wait_for_url(f"**{reverse('needs:report', args=[network.slug])}")
    check_a11y.soft(page)

    # Sent empty: the error summary lists what is missing and nothing is recorded.
    page.wait_for_timeout(HUMAN_PAUSE_MS)
    submit(page, "Send the report")
    assert page.locator(".legami-error-summary, [role=alert]").first.is_visible()
    assert not Need.objects.filter(network=network).exists()
    check_a11y.soft(page)

    page.get_by_label(label("What is it about?")).select_option(str(area.pk))
    page.get_by_label(label("Who needs it?")).select_option(TargetGroup.FAMILIES.value)
    page.get_by_label(label("Comune")).select_option(str(cremona.pk))
    page.get_by_label(label("Describe the need")).fill(
        "Lavoriamo entrambi fino alle 18: cerchiamo un doposcuola per nostro figlio di 9 anni."
    )
    page.get_by_label(label("When would it be needed? (optional)")).fill("mar e gio 16-18")
    page.get_by_label(label("Your name")).fill("Marta Bianchi")
    page.get_by_label(label("Your e-mail")).fill("marta.bianchi@example.org")
    # Bootstrap Italia draws the box on the label: a person clicks the label's text.
    consent = page.get_by_label(label("I have read the privacy notice above and I agree to be contacted."))
    page.locator(f"label[for={consent.get_attribute('id')}]").click()
    assert consent.is_checked()
    page.wait_for_timeout(HUMAN_PAUSE_MS)
    submit(page, "Send the report")
    page.wait_for_url(f"**{reverse('needs:report_thanks', args=[network.slug])}")
    check_a11y.soft(page)

    need = Need.objects.get(network=network)
    assert need.area == area
    assert need.channel == Channel.ONLINE
    assert need.expressed is True
    assert need.status == NeedStatus.NEW
    assert need.municipality == cremona
    assert need.contact_email == "marta.bianchi@example.org"
    assert need.reported_by is None
    assert need.time_windows == [
        {"day": 1, "start": "16:00", "end": "18:00"},
        {"day": 3, "start": "16:00", "end": "18:00"},
    ]
    assert not page.js_errors, page.js_errors
    check_a11y.finish()


AFTER_SCHOOL = [
    "Cerchiamo un doposcuola per i nostri figli, lavoriamo fino a tardi",
    "Servirebbe un doposcuola per aiutare i bambini con i compiti",
    "Un doposcuola nel quartiere per i compiti dei ragazzi",
    "Ci serve un doposcuola pomeridiano: i bambini restano soli a casa",
    "Doposcuola per bambini della primaria con aiuto nei compiti",
    "Chiediamo un doposcuola vicino a casa per i compiti",
]


def test_a_community_worker_aggregates_needs_and_accepts_a_demand(cast, page, login_as, check_a11y):
    network = cast.network
    ensure_default_areas(network=network)
    cremona = cast.municipalities[0]
    area = NeedArea.objects.get(network=network, code="conciliazione")
    windows = [{"day": 1, "start": "16:00", "end": "18:00"}, {"day": 3, "start": "16:00", "end": "18:00"}]
    today = datetime.date.today()
    after_school = [
        NeedFactory(
            network=network,
            area=area,
            municipality=cremona,
            target_group=TargetGroup.FAMILIES,
            description=text,
            time_windows=windows,
            observed_on=today,
        )
        for text in AFTER_SCHOOL
    ]
    # Same topic, but on Saturday morning: never in the Tuesday/Thursday group.
    saturday = NeedFactory(
        network=network,
        area=area,
        municipality=cremona,
        target_group=TargetGroup.FAMILIES,
        description="Cerchiamo un doposcuola per i compiti dei bambini",
        time_windows=[{"day": 5, "start": "09:00", "end": "12:00"}],
        observed_on=today,
    )
    login_as(cast.community_worker)

    page.goto(reverse("aggregation:demands", args=[network.slug]))
    check_a11y.soft(page)
    page.goto(reverse("aggregation:runs", args=[network.slug]))
    check_a11y.soft(page)
    submit(page, "Start the aggregation")
    page.wait_for_url("**/demands/runs/*/")
    assert t("Aggregation completed") in page.inner_text("main")
    check_a11y.soft(page)

    with page.expect_navigation():
        page.get_by_role("link", name=exactly("Review the candidates")).click()
    check_a11y.soft(page)
    candidate = AggregatedDemand.objects.get(network=network, status=DemandStatus.CANDIDATE)
    assert set(candidate.items.values_list("need_id", flat=True)) == {need.pk for need in after_school}
    with page.expect_navigation():
        page.get_by_role("link", name=candidate.title).first.click()
    page.wait_for_url(f"**{reverse('aggregation:demand_detail', args=[network.slug, candidate.pk])}")
    summary = page.locator("p.lead").inner_text()
    assert "Cremona" in summary
    assert "doposcuola" in summary.lower()
    check_a11y.soft(page)

    submit(page, "Accept")
    candidate.refresh_from_db()
    assert candidate.status == DemandStatus.ACCEPTED
    assert candidate.reviewed_by == cast.community_worker
    with translation.override("it"):
        accepted = pgettext("demand status", "Accepted")
    assert accepted in page.inner_text("main")
    check_a11y.soft(page)
    statuses = set(Need.objects.filter(pk__in=[n.pk for n in after_school]).values_list("status", flat=True))
    assert statuses == {NeedStatus.AGGREGATED}
    saturday.refresh_from_db()
    assert saturday.status == NeedStatus.NEW
    assert not page.js_errors, page.js_errors
    check_a11y.finish()
