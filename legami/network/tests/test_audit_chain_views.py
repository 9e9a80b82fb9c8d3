"""The audit page shows the state of the network's chain, and its readers may verify it now (POST)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from legami.core.audit import record_event
from legami.core.models import AuditEvent
from legami.core.tests import audit_tools
from legami.network.selectors.audit import last_verification


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def audit(cast):
    return reverse("network:audit", args=[cast.network.slug])


def verify(cast):
    return reverse("network:audit_verify", args=[cast.network.slug])


def events(cast, n):
    return [record_event(actor=cast.coordinator, action="create", obj=cast.organization, note=str(i)) for i in range(n)]


def test_the_page_says_the_log_was_never_verified(cast, login):
    response = login(cast.privacy_officer).get(audit(cast))
    assert response.context["verification"] is None
    assert "The log has not been verified yet." in response.content.decode()
    assert f'action="{verify(cast)}"' in response.content.decode()


@pytest.mark.parametrize("persona", ["privacy_officer", "coordinator"])
def test_readers_verify_now_and_see_the_result(cast, login, persona):
    events(cast, 3)
    client = login(getattr(cast, persona))
    response = client.post(verify(cast), follow=True)
    assert response.redirect_chain == [(audit(cast), 302)]
    page = response.content.decode()
    assert "The audit log is intact: 3 events checked, none altered." in page
    state = response.context["verification"]
    assert (state.ok, state.checked, state.who) == (True, 3, getattr(cast, persona).email)
    assert "Intact" in page and "3 events checked, none altered." in page
    recorded = AuditEvent.objects.get(action="verify")
    assert (recorded.network, recorded.actor, recorded.after["ok"]) == (cast.network, getattr(cast, persona), True)


def test_a_broken_chain_is_named_on_the_page(cast, login):
    written = events(cast, 3)
    audit_tools.tamper(written[1], note="rewritten")
    response = login(cast.privacy_officer).post(verify(cast), follow=True)
    page = response.content.decode()
    assert "The audit log has been altered at event no. 2: its content was changed." in page
    state = response.context["verification"]
    assert (state.ok, state.sequence, state.event_id) == (False, 2, written[1].pk)
    assert "Altered" in page and "the log has been altered at event no. 2 (its content was changed)" in page


def test_the_list_words_each_verification_not_its_keys(cast, login):
    written = events(cast, 2)
    client = login(cast.privacy_officer)
    client.post(verify(cast))
    audit_tools.tamper(written[0], note="rewritten")
    client.post(verify(cast))
    rows = client.get(audit(cast) + "?action=verify").content.decode()
    assert "Note: Intact: 2 events checked." in rows
    assert "Note: Altered from event no. 1: its content was changed." in rows
    assert "last_hash" not in rows and "checked:" not in rows.lower()


def test_the_scheduled_check_shows_as_such(cast, login):
    events(cast, 1)
    call_command("verify_audit", "--network", cast.network.slug, stdout=StringIO())
    state = last_verification(cast.privacy_officer, cast.network)
    assert state.who == "the scheduled check" and state.ok
    assert last_verification(cast.citizen, cast.network) is None


@pytest.mark.parametrize(
    "persona",
    ["case_manager", "community_worker", "partner_staff", "evaluator", "funder", "citizen", "district_case_manager"],
)
def test_other_members_may_not_verify(cast, login, persona):
    assert login(getattr(cast, persona)).post(verify(cast)).status_code == 403
    assert not AuditEvent.objects.filter(action="verify").exists()


def test_outsiders_get_404_and_anonymous_log_in(cast, login):
    assert login(cast.outsider).post(verify(cast)).status_code == 404
    assert login(cast.platform_admin).post(verify(cast)).status_code == 404
    response = login(None).post(verify(cast))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.filter(action="verify").exists()


def test_get_is_not_allowed(cast, login):
    assert login(cast.privacy_officer).get(verify(cast)).status_code == 405


def test_the_page_reads_in_italian(cast, login, settings):
    settings.LANGUAGE_CODE = "it"
    events(cast, 1)
    client = login(cast.privacy_officer)
    page = client.post(verify(cast), follow=True).content.decode()
    assert "Integrità del registro" in page and "Verifica ora" in page
    assert "Il registro delle attività è integro: 1 evento controllato, nessuno alterato." in page
    assert f"eseguita da {cast.privacy_officer.email}. 1 evento controllato, nessuno alterato." in page
