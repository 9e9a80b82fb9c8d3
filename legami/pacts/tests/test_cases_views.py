"""Pages of cases: the list, taking in charge (from a referral too), the case page, the team, closing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from legami.core.models import AuditEvent, LegalBasis
from legami.core.tests import factories as f
from legami.network.services.consents import record_consent
from legami.pacts.models import Case, CaseMember, TeamRole
from legami.pacts.tests.factories import case_processing, draft_pact, open_case
from legami.referrals.models import ReferralStatus
from legami.referrals.tests.factories import in_cremona


def _url(cast, name, *args, move=None):
    return reverse(f"pacts:{name}", args=[cast.network.slug, *args, *([move] if move else [])])


def _login(client, user):
    client.force_login(user)
    return client


# --- the list ---


def test_my_cases_lists_the_cases_i_am_on_with_my_role(client, cast):
    mine = open_case(cast)
    other = open_case(cast, members=(), manager=cast.coordinator)
    response = _login(client, cast.partner_staff).get(_url(cast, "cases"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Caso n. {mine.pk}" in body and f"Caso n. {other.pk}" not in body
    assert mine.person.full_name in body and other.person.full_name not in body
    assert "Membro dell" in body or "Team member" in body


def test_a_holder_not_on_any_team_sees_no_case(client, cast):
    case = open_case(cast)
    response = _login(client, cast.community_worker).get(_url(cast, "cases"))
    assert response.status_code == 200 and case.person.full_name not in response.content.decode()


def test_the_privacy_officer_sees_every_case_and_finds_one_by_number(client, cast):
    first, second = open_case(cast), open_case(cast, members=())
    client = _login(client, cast.privacy_officer)
    body = client.get(_url(cast, "cases")).content.decode()
    assert f"Caso n. {first.pk}" in body and f"Caso n. {second.pk}" in body
    assert "Prendi in carico" not in body
    body = client.get(_url(cast, "cases"), {"q": str(second.pk)}).content.decode()
    assert f"Caso n. {second.pk}" in body and f"Caso n. {first.pk}<" not in body


def test_the_list_runs_a_constant_number_of_queries(client, cast):
    client = _login(client, cast.case_manager)
    open_case(cast)
    client.get(_url(cast, "cases"))
    with CaptureQueriesContext(connection) as small:
        client.get(_url(cast, "cases"))
    for _ in range(6):
        open_case(cast)
    with CaptureQueriesContext(connection) as large:
        client.get(_url(cast, "cases"))
    assert len(large) == len(small)


# --- opening ---


def test_the_form_searches_the_registry_and_opens_the_case(client, cast):
    person = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0], last_name="Cercabile")
    processing = case_processing(cast.network)
    client = _login(client, cast.case_manager)
    assert client.get(_url(cast, "case_create")).status_code == 200
    response = client.post(_url(cast, "case_create"), {"person_search": "Cercabile", "_search": "person"})
    assert response.status_code == 200 and f'value="{person.pk}"' in response.content.decode()
    response = client.post(
        _url(cast, "case_create"), {"person": person.pk, "processing": processing.pk, "summary": "Situazione"}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(cast, "case", case.pk)
    assert CaseMember.objects.get(case=case).role == TeamRole.MANAGER


def test_the_form_shows_a_missing_consent(client, cast):
    person = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    processing = case_processing(cast.network, legal_basis=LegalBasis.CONSENT)
    response = _login(client, cast.case_manager).post(
        _url(cast, "case_create"), {"person": person.pk, "processing": processing.pk, "summary": "Situazione"}
    )
    assert response.status_code == 400 and "consenso" in response.content.decode()
    assert not Case.objects.exists()


def test_taking_in_charge_shows_the_referral_and_marks_it(client, cast):
    referral = in_cremona(cast)
    person = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    client = _login(client, cast.district_case_manager)
    response = client.get(_url(cast, "case_from_referral", referral.pk))
    assert response.status_code == 200 and referral.observed in response.content.decode()
    response = client.post(
        _url(cast, "case_from_referral", referral.pk),
        {"who": "existing", "person": person.pk, "processing": case_processing(cast.network).pk, "summary": "S"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.case.person == person
    # Taken in charge, the referral has no page to take it again.
    assert client.get(_url(cast, "case_from_referral", referral.pk)).status_code == 404


def test_taking_in_charge_a_new_person(client, cast):
    referral = in_cremona(cast)
    response = _login(client, cast.case_manager).post(
        _url(cast, "case_from_referral", referral.pk),
        {
            "who": "new",
            "first_name": "Ada",
            "last_name": "Nuova",
            "municipality": cast.municipalities[0].pk,
            "processing": case_processing(cast.network).pk,
            "summary": "S",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get().person.full_name == "Ada Nuova"


def test_a_referral_outside_the_district_does_not_exist(client, cast):
    from legami.referrals.tests.factories import ReferralFactory

    referral = ReferralFactory(network=cast.network, municipality=cast.municipalities[1], reporter=cast.sentinel)
    response = _login(client, cast.district_case_manager).get(_url(cast, "case_from_referral", referral.pk))
    assert response.status_code == 404


# --- the case page ---


def test_the_case_page_for_a_team_member(client, cast):
    case = open_case(cast)
    household = f.HouseholdFactory(network=cast.network, name="Famiglia Rossi")
    case.person.household = household
    case.person.birth_date = timezone.localdate() - datetime.timedelta(days=365 * 40 + 20)
    case.person.save()
    draft_pact(case)
    old_friend = f.PersonFactory(network=cast.network, first_name="Vecchia")
    new_friend = f.PersonFactory(network=cast.network, first_name="Nuova")
    f.TieFactory(
        network=cast.network,
        source_person=case.person,
        target_person=old_friend,
        since=case.opened_on - datetime.timedelta(days=400),
    )
    f.TieFactory(
        network=cast.network,
        source_person=new_friend,
        target_person=case.person,
        kind="mutual_help",
        since=timezone.localdate(),
    )
    response = _login(client, cast.partner_staff).get(_url(cast, "case", case.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert case.person.full_name in body and "Famiglia Rossi" in body and "40 anni" in body
    assert case.summary in body and "Registra una valutazione" in body
    assert "Patto n." in body
    assert "1 legame alla presa in carico" in body and "1 legame nato durante il patto" in body
    # Partner staff do not read the registry's ties: kinds and counts, not the names.
    assert "Vecchia" not in body
    body = _login(client, cast.case_manager).get(_url(cast, "case", case.pk)).content.decode()
    assert "Vecchia" in body and "Nuova" in body
    assert case.person.full_name not in body.split("<title>")[1].split("</title>")[0]


def test_the_case_page_leads_its_manager_to_a_new_pact_while_none_is_under_way(client, cast):
    case = open_case(cast)
    new_pact = _url(cast, "pact_create", case.pk)
    assert new_pact in _login(client, cast.case_manager).get(_url(cast, "case", case.pk)).content.decode()
    # A member of the team does not draft pacts; the privacy officer only reads.
    for persona in ("partner_staff", "privacy_officer"):
        client.logout()
        body = _login(client, getattr(cast, persona)).get(_url(cast, "case", case.pk)).content.decode()
        assert new_pact not in body, persona
    # With a pact under way, the case manager changes that one.
    draft_pact(case)
    client.logout()
    assert new_pact not in _login(client, cast.case_manager).get(_url(cast, "case", case.pk)).content.decode()


def test_partner_staff_not_on_the_team_gets_404(client, cast):
    case = open_case(cast, members=())
    client = _login(client, cast.partner_staff)
    for name in ("case", "case_team", "assessment_create"):
        assert client.get(_url(cast, name, case.pk)).status_code == 404


def test_every_read_of_a_case_is_audited(client, cast):
    case = open_case(cast)
    client = _login(client, cast.case_manager)
    client.get(_url(cast, "case", case.pk))
    client.get(_url(cast, "case", case.pk))
    reads = AuditEvent.objects.filter(action="read", object_type="pacts.case", object_id=str(case.pk))
    assert reads.count() == 2 and set(reads.values_list("data_class", flat=True)) == {"case"}


def test_the_privacy_officer_reads_without_buttons(client, cast):
    case = open_case(cast)
    body = _login(client, cast.privacy_officer).get(_url(cast, "case", case.pk)).content.decode()
    assert case.person.full_name in body
    for action in ("assessments/new", "/team/", "/status/"):
        assert action not in body
    assert AuditEvent.objects.filter(action="read", actor=cast.privacy_officer, object_id=str(case.pk)).exists()


def test_the_case_page_warns_of_a_withdrawn_consent(client, cast):
    processing = case_processing(cast.network, legal_basis=LegalBasis.CONSENT)
    case = open_case(cast, processing=processing)
    record_consent(actor=cast.case_manager, person=case.person, processing=processing, given=True)
    record_consent(actor=cast.case_manager, person=case.person, processing=processing, given=False)
    body = _login(client, cast.case_manager).get(_url(cast, "case", case.pk)).content.decode()
    assert "il caso può solo essere chiuso" in body
    assert "assessments/new" not in body and "/status/close/" in body


# --- the team ---


def test_the_manager_adds_and_removes_a_member_who_loses_access_at_once(client, cast):
    case = open_case(cast, members=())
    client = _login(client, cast.case_manager)
    page = client.get(_url(cast, "case_team", case.pk)).content.decode()
    assert "Cooperativa Il Ponte" in page
    response = client.post(_url(cast, "case_team", case.pk), {"action": "add", "add-user": cast.partner_staff.pk})
    assert response.status_code == 302
    member = CaseMember.objects.get(case=case, user=cast.partner_staff)
    staff = client.__class__()
    staff.force_login(cast.partner_staff)
    assert staff.get(_url(cast, "case", case.pk)).status_code == 200
    response = client.post(_url(cast, "case_team", case.pk), {"action": "remove", "member": member.pk})
    assert response.status_code == 302 and not CaseMember.objects.filter(pk=member.pk).exists()
    assert staff.get(_url(cast, "case", case.pk)).status_code == 404


def test_the_team_page_hands_over(client, cast):
    case = open_case(cast)
    response = _login(client, cast.case_manager).post(
        _url(cast, "case_team", case.pk), {"action": "hand_over", "hand-user": cast.coordinator.pk}
    )
    assert response.status_code == 302
    assert CaseMember.objects.get(case=case, role=TeamRole.MANAGER).user == cast.coordinator


def test_the_manager_cannot_be_removed_from_the_page(client, cast):
    case = open_case(cast)
    manager = CaseMember.objects.get(case=case, role=TeamRole.MANAGER)
    response = _login(client, cast.case_manager).post(
        _url(cast, "case_team", case.pk), {"action": "remove", "member": manager.pk}
    )
    assert response.status_code == 400 and CaseMember.objects.filter(pk=manager.pk).exists()


@pytest.mark.parametrize("persona", ["partner_staff", "privacy_officer"])
def test_a_member_or_the_privacy_officer_cannot_change_the_team(client, cast, persona):
    case = open_case(cast)
    client = _login(client, getattr(cast, persona))
    page = client.get(_url(cast, "case_team", case.pk)).content.decode()
    assert 'name="action"' not in page
    response = client.post(_url(cast, "case_team", case.pk), {"action": "add", "add-user": cast.community_worker.pk})
    assert response.status_code in (400, 403)
    assert not CaseMember.objects.filter(case=case, user=cast.community_worker).exists()


# --- closing, reopening ---


def test_the_manager_closes_and_reopens(client, cast):
    case = open_case(cast)
    client = _login(client, cast.case_manager)
    assert client.get(_url(cast, "case_move", case.pk, move="close")).status_code == 200
    response = client.post(_url(cast, "case_move", case.pk, move="close"), {"close_reason": ""})
    assert response.status_code == 400
    response = client.post(_url(cast, "case_move", case.pk, move="close"), {"close_reason": "goals_reached"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed"
    response = client.post(_url(cast, "case_move", case.pk, move="reopen"))
    case.refresh_from_db()
    assert response.status_code == 302 and case.status == "open"
    assert client.get(_url(cast, "case_move", case.pk, move="delete")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"), [("partner_staff", 403), ("privacy_officer", 403), ("coordinator", 404)]
)
def test_others_cannot_close(client, cast, persona, status):
    case = open_case(cast)
    response = _login(client, getattr(cast, persona)).post(
        _url(cast, "case_move", case.pk, move="close"), {"close_reason": "moved"}
    )
    assert response.status_code == status
    case.refresh_from_db()
    assert case.status == "open"


# --- the menu and the admin ---


@pytest.mark.parametrize(
    ("persona", "label"),
    [("case_manager", "I miei casi"), ("partner_staff", "I miei casi"), ("privacy_officer", "Casi della rete")],
)
def test_the_menu_leads_to_the_cases(client, cast, persona, label):
    body = _login(client, getattr(cast, persona)).get(_url(cast, "cases")).content.decode()
    assert f'href="{_url(cast, "cases")}"' in body and label in body


def test_the_menu_hides_the_cases_from_who_works_on_none(client, cast):
    body = _login(client, cast.evaluator).get(reverse("network:dashboard", args=[cast.network.slug])).content.decode()
    assert _url(cast, "cases") not in body


def test_the_admin_lists_cases_read_only_without_the_person_or_the_situation(client, cast):
    case = open_case(cast, summary="MkSituazione")
    client = _login(client, cast.platform_admin)
    listing = client.get(reverse("admin:pacts_case_changelist")).content.decode()
    page = client.get(reverse("admin:pacts_case_change", args=[case.pk])).content.decode()
    for body in (listing, page):
        assert case.person.last_name not in body and "MkSituazione" not in body
    assert client.post(reverse("admin:pacts_case_delete", args=[case.pk]), {"post": "yes"}).status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()
