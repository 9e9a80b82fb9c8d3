"""Writes of enrolments: enrolling a person (a place if one is free, else the end of the waiting list),
withdrawing, and the promotion of the first person waiting when a place frees (ENROLLMENT_WORKFLOW).

Places are counted under a lock on the activity's row (`select_for_update`): two people asking for the last
place at once never both get it, and a withdrawal and an enrolment at once never leave a free place with
someone waiting. The waiting list is in order of `Enrollment.position` (given under the same lock).
Who may enrol: the operators and the organisers (ENROLL_PEOPLE) anyone of the registry; any member
(ENROLL_OWN) only themselves and the members of their own household (the registry's Person linked to their
account), in a published public activity.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.activities.capabilities import ENROLL_OWN, ENROLL_PEOPLE
from legami.activities.models import (
    Activity,
    ActivityStatus,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
)
from legami.activities.permissions import may
from legami.activities.services.common import ROME, mail_on_commit
from legami.core import inputs
from legami.core.audit import append, audit_event
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can
from legami.core.workflow import Refusal, Transition, Workflow
from legami.network.models import Network, Person

E = EnrollmentStatus
ADULT = 18
GUARDIAN_ROLES = (Person.HouseholdRole.HEAD, Person.HouseholdRole.PARTNER, Person.HouseholdRole.PARENT)

ENROLLMENT_WORKFLOW = Workflow(
    name="enrollment",
    model=Enrollment,
    states=EnrollmentStatus,
    history=EnrollmentEvent,
    refusal=Refusal(_("An enrolment cannot go from “%(from)s” to “%(to)s”."), code="transition"),
    data_class=DataClass.PERSONAL,
    transitions=(
        Transition(E.WAITLISTED, E.ENROLLED, name="promote", label=_("Give the free place")),
        Transition((E.ENROLLED, E.WAITLISTED), E.WITHDRAWN, name="withdraw", label=_("Withdraw")),
        Transition(E.WITHDRAWN, E.ENROLLED, name="enrol_again", label=_("Enrol again")),
        Transition(E.WITHDRAWN, E.WAITLISTED, name="wait_again", label=_("Back on the waiting list")),
    ),
)

PROMOTED_SUBJECT = _("A place is free: %(title)s")
PROMOTED_BODY = (
    _("Hello,"),
    _(
        "a place has become free in the activity “%(title)s”: %(person)s, who was on the waiting list, is now "
        "enrolled. If you no longer need the place, please tell the organisers so that it goes to the next person "
        "waiting."
    ),
)


def _consented(ctx: inputs.Context) -> None:
    """The consent to the processing of the data is given."""
    if ctx.ok("consent") and "consent" in ctx.values and ctx.value("consent") is not True:
        ctx.add_error(
            "consent", gettext("Consent to the use of the data for the activity is needed."), "consent_required"
        )


ENROLLMENT_INPUTS = inputs.Rules(
    {
        "person": inputs.Lookup(
            Person,
            by=("pk", "tax_code"),
            required=True,
            messages={
                "required": _("Choose the person to enrol."),
                "invalid_choice": _("Choose a person of the network's registry."),
            },
        ),
        "guardian_name": inputs.Text(max_length=200),
        "guardian_email": inputs.Email(lower=True),
        "guardian_phone": inputs.Phone(),
        "consent": inputs.Boolean(default=False),
    },
    checks=(
        inputs.described(
            _consented, "consent", "consent_required", _("Consent to the use of the data for the activity.")
        ),
    ),
)


# --- reading what a write needs -------------------------------------------------------------------------


def age_on(person: Person, day: datetime.date) -> int | None:
    """The person's age on `day`, None when the date of birth is unknown."""
    born = person.birth_date
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def reference_day(activity: Activity) -> datetime.date:
    """The day ages are counted on: the first day of the activity, or today once it has started."""
    return max(activity.first_day, timezone.localdate(timezone=ROME))


def household_people(actor: Any, network: Network) -> list[Person]:
    """The registry's people `actor` may enrol for themselves: their own record and their household's members."""
    if not getattr(actor, "is_authenticated", False):
        return []
    own = list(Person.objects.filter(network=network, user=actor, anonymised_at__isnull=True))
    households = {person.household_id for person in own if person.household_id}
    if not households:
        return own
    query = Q(user=actor) | Q(household_id__in=households)
    return list(Person.objects.filter(query, network=network, anonymised_at__isnull=True).order_by("first_name", "pk"))


def household_guardian(person: Person) -> Person | None:
    """An adult of the person's household with an e-mail or a phone (the reference person first)."""
    if person.household_id is None:
        return None
    adults = (
        Person.objects.filter(household_id=person.household_id, household_role__in=GUARDIAN_ROLES)
        .exclude(pk=person.pk)
        .filter(~Q(email="") | ~Q(phone=""))
        .order_by("household_role", "pk")
    )
    today = timezone.localdate(timezone=ROME)
    for adult in adults:
        age = age_on(adult, today)
        if age is None or age >= ADULT:
            return adult
    return None


def enrollment_refusal(activity: Activity) -> ValidationError | None:
    """Why nobody may enrol in `activity` now, or None when they may (read by the pages and by `enroll`)."""
    if activity.status != ActivityStatus.PUBLISHED:
        return ValidationError(gettext("The activity is not open for enrolment."), code="not_open")
    if activity.last_day < timezone.localdate(timezone=ROME):
        return ValidationError(gettext("The activity is over."), code="over")
    return None


def may_enroll(actor: Any, activity: Activity, person: Person | None = None) -> bool:
    """Whether `actor` may enrol (or withdraw) `person` in `activity`; without `person`, anyone they may."""
    if may(actor, ENROLL_PEOPLE, activity):
        return True
    if not (activity.is_public and can(actor, ENROLL_OWN, activity.network)):
        return False
    if person is None:
        return True
    return person.pk in {p.pk for p in household_people(actor, activity.network)}


# --- writing ---------------------------------------------------------------------------------------------


def _lock(activity: Activity) -> Activity:
    return Activity.objects.select_for_update(of=("self",)).select_related("network").get(pk=activity.pk)


def _audit(actor: Any, enrollment: Enrollment, *, before: str | None, note: str = "") -> AuditEvent:
    return audit_event(
        actor=actor,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        obj=enrollment,
        network=enrollment.network_id,
        before=None if before is None else {"status": before},
        after={"status": enrollment.status, "activity": enrollment.activity_id, "position": enrollment.position},
        data_class=DataClass.PERSONAL,
        note=note,
    )


def _next_position(activity: Activity) -> int:
    top = Enrollment.objects.filter(activity=activity, status=E.WAITLISTED).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


def free_places(activity: Activity) -> int:
    """The places not taken (read under the activity's lock by the writes)."""
    return max(activity.capacity - Enrollment.objects.filter(activity=activity, status=E.ENROLLED).count(), 0)


def fill_places(activity: Activity, actor: Any) -> list[int]:
    """Promote the first people waiting while the (locked) activity has free places; their enrolments' ids.

    Each is told by e-mail after the commit (the guardian for a minor)."""
    free = free_places(activity)
    if free <= 0:
        return []
    waiting = list(
        Enrollment.objects.select_for_update()
        .filter(activity=activity, status=E.WAITLISTED)
        .order_by("position", "pk")[:free]
    )
    for enrollment in waiting:
        enrollment.activity = activity
        ENROLLMENT_WORKFLOW.apply(
            enrollment,
            E.ENROLLED,
            actor=actor,
            note="promoted from the waiting list",
            changes={"position": None},
            lock=False,
            check_capability=False,
        )
    ids = [enrollment.pk for enrollment in waiting]
    mail_on_commit(ids, PROMOTED_SUBJECT, PROMOTED_BODY)
    return ids


def check_enrollment(actor: Any, activity: Activity, person: Person, values: dict[str, Any]) -> dict[str, str]:
    """The checks of one enrolment after its inputs (who may enrol the person, the ages, a minor's guardian);
    the guardian's contact to record. ValidationError {field: [error]} when refused (read by the import too)."""
    if not may_enroll(actor, activity, person):
        raise ValidationError(
            {"person": [ValidationError(gettext("You may enrol only yourself and your household."), "not_own")]}
        )
    age = age_on(person, reference_day(activity))
    if age is not None and (
        (activity.min_age is not None and age < activity.min_age)
        or (activity.max_age is not None and age > activity.max_age)
    ):
        raise ValidationError(
            {"person": [ValidationError(gettext("The person's age is outside the activity's ages."), "age")]}
        )
    guardian = {name: values.get(name) or "" for name in ("guardian_name", "guardian_email", "guardian_phone")}
    if age is not None and age < ADULT and not (guardian["guardian_email"] or guardian["guardian_phone"]):
        adult = household_guardian(person)
        if adult is None:
            raise ValidationError(
                {
                    "guardian_phone": [
                        ValidationError(
                            gettext("For a minor, give a parent's or guardian's phone or e-mail."), "guardian_required"
                        )
                    ]
                }
            )
        guardian = {
            "guardian_name": guardian["guardian_name"] or adult.full_name,
            "guardian_email": adult.email,
            "guardian_phone": adult.phone,
        }
    return guardian


@transaction.atomic
def enroll(*, actor: Any, activity: Activity, data: dict[str, Any]) -> Enrollment:
    """Enrol a person in a published activity: a place if one is free, else the end of the waiting list."""
    if not may_enroll(actor, activity):
        raise PermissionDenied(ENROLL_PEOPLE)
    activity = _lock(activity)
    refusal = enrollment_refusal(activity)
    if refusal is not None:
        raise refusal
    values = ENROLLMENT_INPUTS.clean(data, network=activity.network, actor=actor)
    person: Person = values["person"]
    guardian = check_enrollment(actor, activity, person, values)
    status = E.ENROLLED if free_places(activity) > 0 else E.WAITLISTED
    position = _next_position(activity) if status == E.WAITLISTED else None
    consent_at = timezone.now() if values.get("consent") else None
    enrollment = Enrollment.objects.select_for_update().filter(activity=activity, person=person).first()
    if enrollment is None:
        enrollment = Enrollment.objects.create(
            network=activity.network,
            activity=activity,
            person=person,
            status=status,
            position=position,
            enrolled_by=actor,
            consent_at=consent_at,
            **guardian,
        )
        ENROLLMENT_WORKFLOW.record(enrollment, actor=actor, from_state="")
        append([_audit(actor, enrollment, before=None)])
        return enrollment
    if enrollment.status != E.WITHDRAWN:
        raise ValidationError(
            {"person": [ValidationError(gettext("The person is already enrolled or waiting."), "already_enrolled")]}
        )
    changes: dict[str, Any] = {"position": position, "enrolled_by": actor, "consent_at": consent_at, **guardian}
    enrollment.activity = activity
    return ENROLLMENT_WORKFLOW.apply(
        enrollment, status, actor=actor, note="enrolled again", changes=changes, lock=False, check_capability=False
    )


@transaction.atomic
def withdraw(*, actor: Any, enrollment: Enrollment) -> Enrollment:
    """Withdraw an enrolled or waiting person; a freed place goes to the first person waiting (told by e-mail)."""
    activity = enrollment.activity
    if not may_enroll(actor, activity, enrollment.person):
        raise PermissionDenied(ENROLL_PEOPLE)
    activity = _lock(activity)
    enrollment = Enrollment.objects.select_for_update().select_related("person").get(pk=enrollment.pk)
    enrollment.activity = activity
    before = enrollment.status
    enrollment = ENROLLMENT_WORKFLOW.apply(
        enrollment,
        E.WITHDRAWN,
        actor=actor,
        changes={"position": None},
        lock=False,
        check_capability=False,
    )
    if before == E.ENROLLED and activity.status == ActivityStatus.PUBLISHED:
        fill_places(activity, actor)
    return enrollment
