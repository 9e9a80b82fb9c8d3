"""The give-back pages: the pact's progress and entries (team, privacy officer), logging hours, and the host's queue,
which never shows a pact or a case."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from legami.core.tests import factories as f
from legami.pacts.models import GiveBackHours, GiveBackStatus
from legami.pacts.tests.factories_giveback import (
    commitment_of,
    pending_hours,
    place_of,
    shift_of,
    started_pact,
)


@pytest.fixture
def pact(cast):
    return started_pact(cast)


def url(cast, name, *args):
    return reverse(f"pacts:{name}", args=[cast.network.slug, *args])


def main_of(response) -> str:
    """The page's own content (the menu names its groups, "Pacts and referrals" among them, for every operator)."""
    return re.search(r'<main id="main".*?</main>', response.content.decode(), re.S).group(0)


def text_of(response) -> str:
    """What the page's own content says, without its markup (the app's addresses all start with /pacts/)."""
    return re.sub(r"<[^>]+>", " ", main_of(response))


def test_the_team_sees_progress_and_entries(cast, english_login, pact):
    shift = shift_of(cast, pact, minutes=150)
    client = english_login(cast.case_manager)
    client.post(
        url(cast, "giveback_log", pact.pk),
        {"commitment": str(commitment_of(pact).key), "source": "activity", "volunteer_shift": shift.pk},
    )
    page = client.get(url(cast, "giveback", pact.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "2 h 30 min confirmed of" in body and "Doposcuola di via Dante" in body
    assert url(cast, "giveback_log", pact.pk) in body


def test_the_privacy_officer_reads_without_the_log_button(cast, english_login, pact):
    page = english_login(cast.privacy_officer).get(url(cast, "giveback", pact.pk))
    assert page.status_code == 200 and url(cast, "giveback_log", pact.pk) not in page.content.decode()


@pytest.mark.parametrize("persona", ["coordinator", "community_worker", "district_case_manager"])
def test_off_the_team_the_pages_do_not_exist(cast, english_login, pact, persona):
    client = english_login(getattr(cast, persona))
    assert client.get(url(cast, "giveback", pact.pk)).status_code == 404
    assert client.get(url(cast, "giveback_log", pact.pk)).status_code == 404


def test_logging_hours_at_a_give_back_place(cast, english_login, pact):
    place = place_of(cast)
    client = english_login(cast.partner_staff)
    form = client.get(url(cast, "giveback_log", pact.pk))
    assert form.status_code == 200 and place.objective in form.content.decode()
    response = client.post(
        url(cast, "giveback_log", pact.pk),
        {
            "commitment": str(commitment_of(pact).key),
            "source": "giveback_place",
            "giveback_place": place.pk,
            "done_on": timezone.localdate().isoformat(),
            "minutes": "2:00",
        },
    )
    assert response.status_code == 302
    hours = GiveBackHours.objects.get()
    assert hours.status == GiveBackStatus.PENDING and hours.minutes == 120


def test_a_missing_field_is_shown_on_the_form(cast, english_login, pact):
    response = english_login(cast.case_manager).post(
        url(cast, "giveback_log", pact.pk), {"commitment": str(commitment_of(pact).key), "source": "other"}
    )
    assert response.status_code == 400
    assert "Choose the organisation that hosted the person." in response.content.decode()
    assert not GiveBackHours.objects.exists()


def test_the_host_sees_the_person_the_day_and_the_hours_never_the_pact(cast, english_login):
    # a case whose team the host's staff are not on
    pact = started_pact(cast, members=(), summary="Situazione delicatissima")
    hours = pending_hours(cast, pact, minutes=150)
    page = english_login(cast.partner_staff).get(url(cast, "giveback_confirmations"))
    assert page.status_code == 200
    content = text_of(page)
    assert pact.case.person.full_name in content and "2 h 30 min" in content
    assert hours.giveback_place.objective in content
    lowered = content.lower()
    for word in ("pact", "patto", "case", "caso", "situazione delicatissima", "doposcuola del quartiere"):
        assert word not in lowered, word
    assert f"/pacts/{pact.pk}/" not in main_of(page) and "/cases/" not in main_of(page)


def test_the_host_page_in_italian_says_no_patto_either(cast, login):
    pact = started_pact(cast, members=())
    pending_hours(cast, pact)
    page = login(cast.partner_staff).get(url(cast, "giveback_confirmations"))
    content = text_of(page).lower()
    assert "ore di volontariato da confermare" in content
    assert "patt" not in content and "caso" not in content


def test_the_host_confirms_and_rejects_from_the_queue(cast, english_login, pact):
    first = pending_hours(cast, pact)
    second = pending_hours(cast, pact)
    client = english_login(cast.partner_staff)
    assert client.post(url(cast, "giveback_decide", first.pk, "confirm")).status_code == 302
    assert client.post(url(cast, "giveback_decide", second.pk, "reject")).status_code == 302
    statuses = dict(GiveBackHours.objects.values_list("pk", "status"))
    assert statuses == {first.pk: GiveBackStatus.CONFIRMED, second.pk: GiveBackStatus.REJECTED}


def test_another_hosts_hours_do_not_exist_for_the_partner_staff(cast, english_login, pact):
    other = pending_hours(cast, pact, host=f.OrganizationFactory(network=cast.network, name="Parrocchia"))
    response = english_login(cast.partner_staff).post(url(cast, "giveback_decide", other.pk, "confirm"))
    assert response.status_code == 404
    assert GiveBackHours.objects.get(pk=other.pk).status == GiveBackStatus.PENDING


def test_a_refusal_is_told_on_the_queue(cast, english_login):
    pact = started_pact(cast, members=("partner_staff", "coordinator"))
    hours = pending_hours(cast, pact)
    client = english_login(cast.coordinator)
    response = client.post(url(cast, "giveback_decide", hours.pk, "confirm"), follow=True)
    assert "Someone of the host organisation confirms these hours" in response.content.decode()
    assert GiveBackHours.objects.get(pk=hours.pk).status == GiveBackStatus.PENDING


@pytest.mark.parametrize("persona", ["case_manager", "privacy_officer", "evaluator"])
def test_who_does_not_host_has_no_queue(cast, english_login, persona):
    assert english_login(getattr(cast, persona)).get(url(cast, "giveback_confirmations")).status_code == 403


def test_the_queue_runs_a_constant_number_of_queries(cast, client, pact):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.community_worker)
    pending_hours(cast, pact)
    with CaptureQueriesContext(connection) as few:
        client.get(url(cast, "giveback_confirmations"))
    for _ in range(5):
        pending_hours(cast, started_pact(cast))
    with CaptureQueriesContext(connection) as many:
        client.get(url(cast, "giveback_confirmations"))
    assert len(many) == len(few)


def test_the_menu_leads_the_host_to_the_queue(cast, login):
    page = login(cast.partner_staff).get(reverse("network:dashboard", args=[cast.network.slug]))
    assert url(cast, "giveback_confirmations") in page.content.decode()
