"""What activities hold about a person of the registry: their enrolments (with a minor's guardian contact), the
attendance at each session and their volunteer shifts.

Anonymisation empties the guardian's contact and the volunteer's task; the enrolments, the attendance and the
minutes stay, so that the activity's figures (enrolled, attendance rate, hours) do not change. Registered in
legami.core.personal_data from ActivitiesConfig.ready().
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max

from legami.activities.models import Attendance, Enrollment, VolunteerShift
from legami.core.personal_data import AuditObjects, Rows, Section, register, row_of


def _enrollment_rows(person: Any) -> Rows:
    enrollments = Enrollment.objects.filter(person=person).select_related("activity").order_by("pk")
    marks: dict[int, list[str]] = {}
    for enrollment_id, starts_at, present in Attendance.objects.filter(enrollment__person=person).values_list(
        "enrollment_id", "session__starts_at", "present"
    ):
        marks.setdefault(enrollment_id, []).append(f"{starts_at.isoformat()}: {'present' if present else 'absent'}")
    return [
        {**row_of(e), "activity_title": e.activity.title, "attendance": "; ".join(marks.get(e.pk, []))}
        for e in enrollments
    ]


def _shift_rows(person: Any) -> Rows:
    shifts = VolunteerShift.objects.filter(person=person).select_related("session__activity").order_by("pk")
    return [
        {**row_of(s), "activity_title": s.session.activity.title, "session_starts_at": s.session.starts_at.isoformat()}
        for s in shifts
    ]


def _anonymise(person: Any) -> None:
    Enrollment.objects.filter(person=person).update(guardian_name="", guardian_email="", guardian_phone="")
    VolunteerShift.objects.filter(person=person).update(role="")


def _last_activity(person_ids: list[int]) -> dict[int, datetime.datetime]:
    latest: dict[int, datetime.datetime] = {}
    for model in (Enrollment, VolunteerShift):
        found = model.objects.filter(person_id__in=person_ids).values("person_id").annotate(m=Max("updated_at"))
        for row in found:
            if row["person_id"] not in latest or row["m"] > latest[row["person_id"]]:
                latest[row["person_id"]] = row["m"]
    return latest


def _audit(person: Any) -> AuditObjects:
    return [
        (Enrollment._meta.label_lower, Enrollment.objects.filter(person=person).values_list("pk", flat=True)),
        (VolunteerShift._meta.label_lower, VolunteerShift.objects.filter(person=person).values_list("pk", flat=True)),
    ]


SECTIONS = (
    Section(
        "activities_enrollments",
        _enrollment_rows,
        audit_objects=_audit,
        anonymise=_anonymise,
        last_activity=_last_activity,
        order=80,
    ),
    Section("activities_volunteering", _shift_rows, order=81),
)


def register_personal_data() -> None:
    """Declare the activities' sections (called from ActivitiesConfig.ready())."""
    register(*SECTIONS)
