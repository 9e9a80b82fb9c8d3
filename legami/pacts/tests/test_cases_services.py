"""Services of cases: opening (from a referral too), the team, closing and reopening, consent withdrawal."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.core.models import AuditEvent, LegalBasis
from legami.core.tests import factories as f
from legami.network.models import Person
from legami.network.services.consents import record_consent
from legami.pacts.models import Case, CaseEvent, CaseMember, CaseStatus, TeamRole
from legami.pacts.services import cases as services
from legami.pacts.services.assessments import record_assessment
from legami.pacts.tests.factories import case_processing, open_case
from legami.referrals.models import ReferralStatus
from legami.referrals.tests.factories import in_cremona


def _codes(exc, field=None):
    if field is None:
        return {e.code for e in exc.value.error_list} if not hasattr(exc.value, "error_dict") else set()
    return {e.code for e in exc.value.error_dict.get(field, [])}


def _person(cast, **kwargs):
    return f.PersonFactory(network=cast.network, municipality=cast.municipalities[0], **kwargs)


def _data(cast, person=None, processing=None, **extra):
    return {
        "person": person or _person(cast),
        "processing": processing or case_processing(cast.network),
        "summary": "Sfratto in corso, due figli piccoli.",
        **extra,
    }


# --- opening ---


@pytest.mark.parametrize("persona", ["case_manager", "coordinator", "district_case_manager"])
def test_an_opener_opens_a_case_and_becomes_its_manager(cast, persona):
    actor = getattr(cast, persona)
    case = services.open_case(actor=actor, network=cast.network, data=_data(cast))
    assert case.status == CaseStatus.OPEN and case.opened_on == timezone.localdate() and case.opened_by == actor
    member = CaseMember.objects.get(case=case)
    assert (member.user, member.role) == (actor, TeamRole.MANAGER)
    assert CaseEvent.objects.filter(case=case, from_status="", to_status="open").exists()
    event = AuditEvent.objects.get(object_type="pacts.case", action="create")
    assert event.data_class == "case" and "Sfratto" not in str(event.after) and "Sfratto" not in event.note


@pytest.mark.parametrize("persona", ["community_worker", "partner_staff", "privacy_officer", "citizen", "outsider"])
def test_who_may_not_open_cases_is_refused(cast, persona):
    with pytest.raises(PermissionDenied):
        services.open_case(actor=getattr(cast, persona), network=cast.network, data=_data(cast))
    assert not Case.objects.exists()


def test_a_district_case_manager_cannot_open_a_case_for_someone_outside_their_district(cast):
    crema = f.PersonFactory(network=cast.network, municipality=cast.municipalities[1])
    with pytest.raises(ValidationError) as exc:
        services.open_case(actor=cast.district_case_manager, network=cast.network, data=_data(cast, person=crema))
    assert _codes(exc, "person") == {"invalid_choice"}
    assert not Case.objects.exists()


def test_a_person_of_another_network_is_refused(cast):
    stranger = f.PersonFactory(network=cast.other_network)
    with pytest.raises(ValidationError) as exc:
        services.open_case(actor=cast.case_manager, network=cast.network, data=_data(cast, person=stranger))
    assert _codes(exc, "person") == {"invalid_choice"}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("person", None, "invalid_choice"),
        ("processing", None, "invalid_choice"),
        ("summary", "", "required"),
        ("summary", "x" * 4001, "max_length"),
        ("opened_on", timezone.localdate() + datetime.timedelta(days=1), "future"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cast, field, value, code):
    with pytest.raises(ValidationError) as exc:
        services.open_case(actor=cast.case_manager, network=cast.network, data=_data(cast) | {field: value})
    assert code in _codes(exc, field)
    assert not Case.objects.exists() and not CaseMember.objects.exists()


def test_a_processing_on_consent_needs_a_given_consent(cast):
    processing = case_processing(cast.network, legal_basis=LegalBasis.CONSENT)
    person = _person(cast)
    with pytest.raises(ValidationError) as exc:
        services.open_case(actor=cast.case_manager, network=cast.network, data=_data(cast, person, processing))
    assert _codes(exc, "processing") == {"no_consent"}
    record_consent(actor=cast.case_manager, person=person, processing=processing, given=True)
    case = services.open_case(actor=cast.case_manager, network=cast.network, data=_data(cast, person, processing))
    assert case.processing == processing
    record_consent(actor=cast.case_manager, person=person, processing=processing, given=False)
    with pytest.raises(ValidationError) as exc:
        services.open_case(actor=cast.case_manager, network=cast.network, data=_data(cast, person, processing))
    assert _codes(exc, "processing") == {"no_consent"}


def test_an_anonymised_person_is_refused(cast):
    person = _person(cast, anonymised_at=timezone.now())
    with pytest.raises(ValidationError) as exc:
        services.open_case(actor=cast.case_manager, network=cast.network, data=_data(cast, person))
    assert _codes(exc, "person") == {"anonymised"}


# --- from a referral ---


def test_taking_in_charge_from_a_referral_marks_it_taken_in_charge(cast):
    referral = in_cremona(cast)
    case = services.take_in_charge(actor=cast.case_manager, network=cast.network, referral=referral, data=_data(cast))
    referral.refresh_from_db()
    assert case.referral == referral and referral.status == ReferralStatus.ACCEPTED and referral.decided_at


def test_taking_in_charge_records_a_new_person(cast):
    referral = in_cremona(cast)
    data = _data(cast)
    data.pop("person")
    new = {"first_name": "Nuova", "last_name": "Persona", "municipality": cast.municipalities[0]}
    case = services.take_in_charge(
        actor=cast.case_manager, network=cast.network, referral=referral, data=data, new_person=new
    )
    assert case.person.full_name == "Nuova Persona"


def test_a_refused_case_leaves_no_new_person_and_the_referral_open(cast):
    referral = in_cremona(cast)
    data = _data(cast, summary="")
    data.pop("person")
    with pytest.raises(ValidationError):
        services.take_in_charge(
            actor=cast.case_manager,
            network=cast.network,
            referral=referral,
            data=data,
            new_person={"first_name": "Nuova", "last_name": "Persona"},
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW and not Person.objects.filter(first_name="Nuova").exists()


def test_a_referral_no_longer_open_is_refused(cast):
    referral = in_cremona(cast, status=ReferralStatus.CLOSED, close_reason="other")
    with pytest.raises(ValidationError) as exc:
        services.open_case(actor=cast.case_manager, network=cast.network, data=_data(cast), referral=referral)
    assert _codes(exc) == {"referral_not_open"}
    assert not Case.objects.exists()


def test_a_referral_outside_the_district_is_refused(cast):
    from legami.referrals.tests.factories import ReferralFactory

    referral = ReferralFactory(network=cast.network, municipality=cast.municipalities[1], reporter=cast.sentinel)
    with pytest.raises(PermissionDenied):
        services.open_case(actor=cast.district_case_manager, network=cast.network, data=_data(cast), referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW


# --- the team ---


def test_the_manager_adds_a_member_with_their_organisation(cast):
    case = open_case(cast, members=())
    member = services.add_member(actor=cast.case_manager, case=case, user=cast.partner_staff)
    assert (member.role, member.organization_id) == (TeamRole.MEMBER, cast.organization.pk)
    assert AuditEvent.objects.filter(object_type="pacts.casemember", action="create", data_class="case").exists()


@pytest.mark.parametrize(
    ("persona", "code"), [("evaluator", "cannot_work_on_cases"), ("partner_staff", "already_on_team")]
)
def test_adding_someone_who_cannot_or_is_already_there_is_refused(cast, persona, code):
    case = open_case(cast)
    with pytest.raises(ValidationError) as exc:
        services.add_member(actor=cast.case_manager, case=case, user=getattr(cast, persona))
    assert _codes(exc, "user") == {code}


@pytest.mark.parametrize("persona", ["partner_staff", "coordinator", "privacy_officer"])
def test_only_the_case_manager_changes_the_team(cast, persona):
    case = open_case(cast)
    with pytest.raises(PermissionDenied):
        services.add_member(actor=getattr(cast, persona), case=case, user=cast.community_worker)
    member = CaseMember.objects.get(case=case, user=cast.partner_staff)
    with pytest.raises(PermissionDenied):
        services.remove_member(actor=getattr(cast, persona), case=case, member=member)
    assert CaseMember.objects.filter(case=case).count() == 2


def test_a_removed_member_loses_access_at_once(cast):
    from django.http import Http404

    from legami.pacts.selectors.access import case_for

    case = open_case(cast)
    assert case_for(cast.partner_staff, cast.network, case.pk, purpose="test") == case
    member = CaseMember.objects.get(case=case, user=cast.partner_staff)
    services.remove_member(actor=cast.case_manager, case=case, member=member)
    with pytest.raises(Http404):
        case_for(cast.partner_staff, cast.network, case.pk, purpose="test")
    with pytest.raises(PermissionDenied):
        record_assessment(actor=cast.partner_staff, case=case, data={})


def test_the_manager_is_never_removed(cast):
    case = open_case(cast)
    manager = CaseMember.objects.get(case=case, role=TeamRole.MANAGER)
    with pytest.raises(ValidationError) as exc:
        services.remove_member(actor=cast.case_manager, case=case, member=manager)
    assert _codes(exc) == {"last_manager"}
    assert CaseMember.objects.filter(pk=manager.pk).exists()


def test_hand_over_makes_a_new_manager_and_keeps_the_former_as_a_member(cast):
    case = open_case(cast)
    services.hand_over(actor=cast.case_manager, case=case, user=cast.coordinator)
    roles = dict(CaseMember.objects.filter(case=case).values_list("user_id", "role"))
    assert roles == {
        cast.coordinator.pk: TeamRole.MANAGER,
        cast.case_manager.pk: TeamRole.MEMBER,
        cast.partner_staff.pk: TeamRole.MEMBER,
    }
    # The former manager no longer changes the team.
    with pytest.raises(PermissionDenied):
        services.add_member(actor=cast.case_manager, case=case, user=cast.community_worker)


@pytest.mark.parametrize(("persona", "code"), [("partner_staff", "cannot_manage"), ("case_manager", "same")])
def test_hand_over_to_someone_who_cannot_manage_is_refused(cast, persona, code):
    case = open_case(cast)
    with pytest.raises(ValidationError) as exc:
        services.hand_over(actor=cast.case_manager, case=case, user=getattr(cast, persona))
    assert _codes(exc, "user") == {code}
    assert CaseMember.objects.get(case=case, role=TeamRole.MANAGER).user == cast.case_manager


# --- closing, reopening, consent withdrawal ---


def test_the_manager_closes_and_reopens_the_case(cast):
    case = open_case(cast)
    services.close_case(actor=cast.case_manager, case=case, data={"close_reason": "goals_reached", "note": "Bene"})
    case.refresh_from_db()
    assert (case.status, case.close_reason, case.closed_on) == ("closed", "goals_reached", timezone.localdate())
    event = AuditEvent.objects.filter(object_type="pacts.case", action="update").last()
    assert "Bene" not in event.note
    services.reopen_case(actor=cast.case_manager, case=case)
    case.refresh_from_db()
    assert (case.status, case.close_reason, case.closed_on) == ("open", "", None)
    assert list(case.events.values_list("from_status", "to_status")) == [("open", "closed"), ("closed", "open")]


def test_closing_needs_a_reason(cast):
    case = open_case(cast)
    with pytest.raises(ValidationError) as exc:
        services.close_case(actor=cast.case_manager, case=case, data={"close_reason": ""})
    assert _codes(exc, "close_reason") == {"invalid_choice"}
    case.refresh_from_db()
    assert case.status == "open"


def test_refused_transitions(cast):
    case = open_case(cast)
    with pytest.raises(ValidationError) as exc:
        services.reopen_case(actor=cast.case_manager, case=case)
    assert _codes(exc) == {"transition"}
    services.close_case(actor=cast.case_manager, case=case, data={"close_reason": "moved"})
    with pytest.raises(ValidationError) as exc:
        services.close_case(actor=cast.case_manager, case=case, data={"close_reason": "moved"})
    assert _codes(exc) == {"transition"}


@pytest.mark.parametrize("persona", ["partner_staff", "privacy_officer", "coordinator"])
def test_only_the_case_manager_closes(cast, persona):
    case = open_case(cast)
    with pytest.raises(PermissionDenied):
        services.close_case(actor=getattr(cast, persona), case=case, data={"close_reason": "moved"})
    case.refresh_from_db()
    assert case.status == "open"


def test_a_closed_case_refuses_team_changes(cast):
    case = open_case(cast)
    services.close_case(actor=cast.case_manager, case=case, data={"close_reason": "moved"})
    with pytest.raises(ValidationError) as exc:
        services.add_member(actor=cast.case_manager, case=case, user=cast.community_worker)
    assert _codes(exc) == {"case_closed"}


def test_consent_withdrawal_takes_effect(cast):
    processing = case_processing(cast.network, legal_basis=LegalBasis.CONSENT)
    person = _person(cast)
    record_consent(actor=cast.case_manager, person=person, processing=processing, given=True)
    case = services.open_case(actor=cast.case_manager, network=cast.network, data=_data(cast, person, processing))
    services.add_member(actor=cast.case_manager, case=case, user=cast.partner_staff)
    record_consent(actor=cast.case_manager, person=person, processing=processing, given=False)
    with pytest.raises(ValidationError) as exc:
        services.add_member(actor=cast.case_manager, case=case, user=cast.community_worker)
    assert _codes(exc) == {"consent_withdrawn"}
    with pytest.raises(ValidationError) as exc:
        record_assessment(actor=cast.partner_staff, case=case, data={})
    assert _codes(exc) == {"consent_withdrawn"}
    # Closing is the one write left, and the case cannot be reopened.
    services.close_case(actor=cast.case_manager, case=case, data={"close_reason": "consent_withdrawn"})
    with pytest.raises(ValidationError) as exc:
        services.reopen_case(actor=cast.case_manager, case=case)
    assert _codes(exc) == {"consent_withdrawn"}
    case.refresh_from_db()
    assert case.status == "closed"
