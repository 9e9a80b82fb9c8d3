"""Enrolments: a place or the waiting list, withdrawal and the promotion it brings, every transition, who may
enrol whom, minors and their guardian, bad input."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from legami.activities.models import ActivityStatus, Enrollment, EnrollmentEvent, EnrollmentStatus
from legami.activities.services import enrollments as services
from legami.activities.tests.factories import make_activity, today
from legami.core.tests import factories as f
from legami.network.models import Person

E = EnrollmentStatus


@pytest.fixture
def activity(cast):
    return make_activity(network=cast.network, organizer=cast.organization, capacity=2)


def adult(cast, **kwargs):
    kwargs.setdefault("birth_date", datetime.date(1980, 5, 1))
    return f.PersonFactory(network=cast.network, **kwargs)


def enrol(actor, activity, person, **extra):
    return services.enroll(actor=actor, activity=activity, data={"person": person.pk, "consent": True, **extra})


def test_the_table_is_the_one_declared():
    assert services.ENROLLMENT_WORKFLOW.table() == {
        E.ENROLLED: {E.WITHDRAWN},
        E.WAITLISTED: {E.ENROLLED, E.WITHDRAWN},
        E.WITHDRAWN: {E.ENROLLED, E.WAITLISTED},
    }


def test_places_first_then_the_waiting_list_in_order(cast, activity):
    people = [adult(cast) for _ in range(4)]
    rows = [enrol(cast.case_manager, activity, person) for person in people]
    assert [(r.status, r.position) for r in rows] == [
        (E.ENROLLED, None),
        (E.ENROLLED, None),
        (E.WAITLISTED, 1),
        (E.WAITLISTED, 2),
    ]
    assert rows[0].consent_at is not None and rows[0].enrolled_by == cast.case_manager
    assert EnrollmentEvent.objects.filter(enrollment=rows[2], from_status="", to_status=E.WAITLISTED).exists()


def test_withdrawing_an_enrolled_person_promotes_the_first_waiting_and_tells_them(
    cast, activity, django_capture_on_commit_callbacks
):
    first, second = enrol(cast.coordinator, activity, adult(cast)), enrol(cast.coordinator, activity, adult(cast))
    waiting = enrol(cast.coordinator, activity, adult(cast, email="attesa@example.org"))
    later = enrol(cast.coordinator, activity, adult(cast))
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(actor=cast.coordinator, enrollment=first)
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert Enrollment.objects.get(pk=first.pk).status == E.WITHDRAWN
    assert (waiting.status, waiting.position) == (E.ENROLLED, None)
    assert (later.status, later.position) == (E.WAITLISTED, 2)
    assert [m.to for m in mail.outbox] == [["attesa@example.org"]]
    assert activity.title in mail.outbox[0].subject
    assert list(waiting.events.values_list("from_status", "to_status")) == [
        ("", E.WAITLISTED),
        (E.WAITLISTED, E.ENROLLED),
    ]
    assert second.status == E.ENROLLED


def test_withdrawing_from_the_waiting_list_promotes_nobody(cast, activity):
    enrol(cast.coordinator, activity, adult(cast))
    enrol(cast.coordinator, activity, adult(cast))
    waiting = enrol(cast.coordinator, activity, adult(cast))
    services.withdraw(actor=cast.coordinator, enrollment=waiting)
    assert activity.enrollments.filter(status=E.ENROLLED).count() == 2
    assert Enrollment.objects.get(pk=waiting.pk).position is None


def test_a_withdrawn_person_enrols_again_at_the_end_of_the_line(cast, activity):
    person = adult(cast)
    first = enrol(cast.coordinator, activity, person)
    services.withdraw(actor=cast.coordinator, enrollment=first)
    again = enrol(cast.coordinator, activity, person)
    assert again.pk == first.pk and again.status == E.ENROLLED
    enrol(cast.coordinator, activity, adult(cast))
    services.withdraw(actor=cast.coordinator, enrollment=again)
    enrol(cast.coordinator, activity, adult(cast))  # the place goes to someone else
    back = enrol(cast.coordinator, activity, person)
    assert (back.status, back.position) == (E.WAITLISTED, 1)


def test_withdrawing_twice_is_refused(cast, activity):
    row = enrol(cast.coordinator, activity, adult(cast))
    services.withdraw(actor=cast.coordinator, enrollment=row)
    with pytest.raises(ValidationError) as exc:
        services.withdraw(actor=cast.coordinator, enrollment=Enrollment.objects.get(pk=row.pk))
    assert exc.value.code == "transition"


def test_enrolling_twice_is_refused(cast, activity):
    person = adult(cast)
    enrol(cast.coordinator, activity, person)
    with pytest.raises(ValidationError) as exc:
        enrol(cast.coordinator, activity, person)
    assert exc.value.error_dict["person"][0].code == "already_enrolled"
    assert activity.enrollments.count() == 1


@pytest.mark.parametrize("status", [ActivityStatus.DRAFT, ActivityStatus.CLOSED, ActivityStatus.CANCELLED])
def test_only_a_published_activity_takes_enrolments(cast, status):
    activity = make_activity(network=cast.network, organizer=cast.organization, status=status)
    with pytest.raises(ValidationError) as exc:
        enrol(cast.coordinator, activity, adult(cast))
    assert exc.value.code == "not_open"


def test_an_activity_that_is_over_takes_no_enrolment(cast):
    activity = make_activity(
        network=cast.network,
        organizer=cast.organization,
        first_day=today() - datetime.timedelta(days=30),
        last_day=today() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as exc:
        enrol(cast.coordinator, activity, adult(cast))
    assert exc.value.code == "over"


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({}, "person", "required"),
        ({"person": 999999}, "person", "invalid_choice"),
        ({"person": "XXXXXX00X00X000X"}, "person", "invalid_choice"),
        ({"guardian_email": "non-una-mail"}, "guardian_email", "invalid"),
        ({"consent": False}, "consent", "consent_required"),
        ({"consent": "forse"}, "consent", "invalid"),
        ({"status": "enrolled"}, "status", "unknown"),
    ],
)
def test_bad_input_is_refused(cast, activity, data, field, code):
    person = adult(cast)
    values = {"person": person.pk, "consent": True} | data
    if not data:
        values = {"consent": True}
    with pytest.raises(ValidationError) as exc:
        services.enroll(actor=cast.coordinator, activity=activity, data=values)
    assert exc.value.error_dict[field][0].code == code
    assert not activity.enrollments.exists()


def test_a_person_of_another_network_is_refused(cast, activity):
    foreign = f.PersonFactory(network=cast.other_network)
    with pytest.raises(ValidationError) as exc:
        enrol(cast.coordinator, activity, foreign)
    assert exc.value.error_dict["person"][0].code == "invalid_choice"


def test_a_person_is_found_by_codice_fiscale(cast, activity):
    person = adult(cast, tax_code="RSSMRA80E01D150X")
    row = services.enroll(
        actor=cast.coordinator, activity=activity, data={"person": "RSSMRA80E01D150X", "consent": "sì"}
    )
    assert row.person == person


def test_ages_outside_the_range_are_refused(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization, min_age=6, max_age=11)
    too_old = adult(cast)
    with pytest.raises(ValidationError) as exc:
        enrol(cast.coordinator, activity, too_old)
    assert exc.value.error_dict["person"][0].code == "age"
    unknown_age = adult(cast, birth_date=None)
    assert enrol(cast.coordinator, activity, unknown_age).status == E.ENROLLED


def test_a_minor_needs_a_guardian_contact_that_the_household_may_give(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization, min_age=6, max_age=11)
    born = today().replace(year=today().year - 8) - datetime.timedelta(days=1)
    household = f.HouseholdFactory(network=cast.network)
    child = f.PersonFactory(network=cast.network, birth_date=born, household=household, email="")
    with pytest.raises(ValidationError) as exc:
        enrol(cast.coordinator, activity, child)
    assert exc.value.error_dict["guardian_phone"][0].code == "guardian_required"
    mother = adult(
        cast, household=household, household_role=Person.HouseholdRole.HEAD, email="mamma@example.org", phone=""
    )
    row = enrol(cast.coordinator, activity, child)
    assert (row.guardian_name, row.guardian_email) == (mother.full_name, "mamma@example.org")
    other_child = f.PersonFactory(network=cast.network, birth_date=born, email="")
    row = enrol(cast.coordinator, activity, other_child, guardian_name="Nonna Pina", guardian_phone="0372 123456")
    assert row.guardian_phone and row.guardian_name == "Nonna Pina"


# --- who may ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "case_manager", "community_worker", "partner_staff"])
def test_operators_and_the_organisers_enrol_anyone(cast, activity, persona):
    assert enrol(getattr(cast, persona), activity, adult(cast)).status == E.ENROLLED


def test_partner_staff_of_another_organisation_enrol_only_their_own_household(cast):
    activity = make_activity(network=cast.network)  # organised by another organisation
    with pytest.raises(ValidationError) as exc:
        enrol(cast.partner_staff, activity, adult(cast))
    assert exc.value.error_dict["person"][0].code == "not_own"


def test_a_citizen_enrols_themselves_and_their_household_only(cast, activity):
    household = f.HouseholdFactory(network=cast.network)
    me = adult(cast, user=cast.citizen, household=household, household_role=Person.HouseholdRole.HEAD)
    son = f.PersonFactory(network=cast.network, household=household, birth_date=datetime.date(1990, 1, 1))
    assert enrol(cast.citizen, activity, me).status == E.ENROLLED
    row = enrol(cast.citizen, activity, son)
    stranger = adult(cast)
    with pytest.raises(ValidationError) as exc:
        enrol(cast.citizen, activity, stranger)
    assert exc.value.error_dict["person"][0].code == "not_own"
    services.withdraw(actor=cast.citizen, enrollment=row)
    theirs = enrol(cast.coordinator, activity, stranger)
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=cast.citizen, enrollment=theirs)


def test_a_private_activity_takes_no_self_enrolment(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization, is_public=False)
    me = adult(cast, user=cast.citizen)
    with pytest.raises(PermissionDenied):
        enrol(cast.citizen, activity, me)


def test_an_outsider_enrols_nobody(cast, activity):
    with pytest.raises(PermissionDenied):
        enrol(cast.outsider, activity, adult(cast))
    with pytest.raises(PermissionDenied):
        enrol(None, activity, adult(cast))


def test_the_waiting_list_positions_stay_unique_after_promotions(cast, activity):
    rows = [enrol(cast.coordinator, activity, adult(cast)) for _ in range(6)]
    services.withdraw(actor=cast.coordinator, enrollment=rows[0])
    services.withdraw(actor=cast.coordinator, enrollment=rows[3])
    newcomer = enrol(cast.coordinator, activity, adult(cast))
    waiting = list(activity.enrollments.filter(status=E.WAITLISTED).order_by("position"))
    assert [w.pk for w in waiting] == [rows[4].pk, rows[5].pk, newcomer.pk]
    assert len({w.position for w in waiting}) == 3


def test_a_mail_server_failure_does_not_undo_the_promotion(
    cast, activity, monkeypatch, django_capture_on_commit_callbacks
):
    first = enrol(cast.coordinator, activity, adult(cast))
    enrol(cast.coordinator, activity, adult(cast))
    waiting = enrol(cast.coordinator, activity, adult(cast))

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("legami.activities.services.common.get_connection", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(actor=cast.coordinator, enrollment=first)
    assert Enrollment.objects.get(pk=waiting.pk).status == E.ENROLLED
