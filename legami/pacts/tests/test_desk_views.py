"""The desk page through the client: who opens it, what it shows (and hides), its audit, its query count at two
sizes, the menu entry and the dashboard's "Oggi" card."""

from __future__ import annotations

import pytest
from django.urls import reverse

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.pacts.models import ExpenseStatus
from legami.pacts.tests.factories import open_case
from legami.pacts.tests.test_desk_selectors import _busy, _expense, dated, days, live_pact
from legami.referrals.tests.factories import in_cremona

pytestmark = pytest.mark.django_db

NAME = ("Ermenegilda", "Scaramuzza")


def desk_url(cast) -> str:
    return reverse("pacts:desk", args=[cast.network.slug])


@pytest.fixture
def planted(cast):
    """A case of the team (case manager, partner staff) of a named person, with something in every list."""
    person = f.PersonFactory(
        network=cast.network, municipality=cast.municipalities[0], first_name=NAME[0], last_name=NAME[1]
    )
    pact = live_pact(open_case(cast, person=person), review_in=-2)
    commitment = dated(pact)
    commitment.due_on = days(-3)
    commitment.save()
    _expense(pact, "560.00")
    _expense(pact, "90.00", status=ExpenseStatus.AWAITING_APPROVAL, by=cast.partner_staff)
    referral = in_cremona(cast)
    return pact, referral


def test_the_case_manager_sees_every_list_of_their_desk(cast, planted, login):
    pact, referral = planted

    response = login(cast.case_manager).get(desk_url(cast))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Scrivania" in body
    for anchor in (
        "desk-cases",
        "desk-reviews",
        "desk-commitments",
        "desk-referrals",
        "desk-budgets",
        "desk-approvals",
    ):
        assert f'id="{anchor}"' in body
    assert f"{NAME[0]} {NAME[1]}" in body
    assert "In ritardo:" in body  # the late review
    assert "Accompagnare ai colloqui" in body  # the overdue commitment, for its team
    assert "560,00 euro spesi su 600,00" in body
    assert "90,00 euro oltre il budget" in body
    # the referral by its number and Comune, never what the sentinel wrote
    assert f"n. {referral.pk}" in body or f"no. {referral.pk}" in body
    assert "Non ritira più la pensione" not in body and "civico 12" not in body
    assert "80% del budget" in body


def test_a_team_member_without_triage_or_approval_sees_no_such_lists(cast, planted, login):
    body = login(cast.partner_staff).get(desk_url(cast)).content.decode()

    assert f"{NAME[0]} {NAME[1]}" in body
    assert 'id="desk-referrals"' not in body and 'id="desk-approvals"' not in body


@pytest.mark.parametrize("persona", ["coordinator", "community_worker", "district_case_manager"])
def test_a_holder_off_the_team_finds_nothing_of_the_case(cast, planted, login, persona):
    response = login(getattr(cast, persona)).get(desk_url(cast))

    assert response.status_code == 200
    body = response.content.decode()
    assert NAME[1] not in body and "Accompagnare" not in body
    assert "Non fai parte dell'équipe di nessun caso aperto." in body


@pytest.mark.parametrize(
    ("persona", "status"),
    [("privacy_officer", 403), ("sentinel", 403), ("evaluator", 403), ("citizen", 403), ("outsider", 404)],
)
def test_who_has_no_desk(cast, planted, login, persona, status):
    response = login(getattr(cast, persona)).get(desk_url(cast))

    assert response.status_code == status
    assert NAME[1] not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(cast, login):
    response = login(None).get(desk_url(cast))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_desk_only_answers_get(cast, login):
    assert login(cast.case_manager).post(desk_url(cast)).status_code == 405


def test_opening_the_desk_records_which_cases_were_read(cast, planted, login):
    pact, _referral = planted

    login(cast.case_manager).get(desk_url(cast))

    event = AuditEvent.objects.get(object_type="pacts.desk")
    assert event.action == AuditEvent.Action.READ and event.data_class == "case"
    assert event.after == {"cases": [pact.case_id]} and event.actor == cast.case_manager
    assert NAME[1] not in (event.object_repr + event.note + str(event.after))


def test_an_empty_desk_writes_no_audit_event(cast, login):
    login(cast.coordinator).get(desk_url(cast))
    assert not AuditEvent.objects.filter(object_type="pacts.desk").exists()


def _real(queries) -> list[str]:
    """The queries a request runs in production: the test's transaction turns the audit's atomic block into a
    SAVEPOINT and its RELEASE, which a request in autocommit does not send."""
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_the_page_runs_a_constant_number_of_queries(cast, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.case_manager)
    _busy(cast, 2)
    client.get(desk_url(cast))
    with CaptureQueriesContext(connection) as small:
        assert client.get(desk_url(cast)).status_code == 200
    _busy(cast, 15)
    with CaptureQueriesContext(connection) as large:
        response = client.get(desk_url(cast))

    assert response.status_code == 200 and "I primi 10 di 17." in response.content.decode()
    # session, user, two-factor device, network, grants; five lists and the approvals; the audit (3)
    assert len(_real(large.captured_queries)) == len(_real(small.captured_queries)) <= 15


def test_the_menu_has_the_desk_for_holders_only(cast, login):
    dashboard = reverse("network:dashboard", args=[cast.network.slug])

    assert f'href="{desk_url(cast)}"' in login(cast.case_manager).get(dashboard).content.decode()
    # The desk is the pacts app's root: the privacy officer's menu links to the cases below it, never to the desk.
    assert f'href="{desk_url(cast)}"' not in login(cast.privacy_officer).get(dashboard).content.decode()


def test_the_dashboard_card_today_counts_the_desk(cast, planted, login):
    dashboard = reverse("network:dashboard", args=[cast.network.slug])

    body = login(cast.case_manager).get(dashboard).content.decode()
    assert 'id="panel-pacts_today"' in body and "Oggi" in body
    assert f"{desk_url(cast)}#desk-commitments" in body

    for persona in ("privacy_officer", "evaluator"):
        assert 'id="panel-pacts_today"' not in login(getattr(cast, persona)).get(dashboard).content.decode()
