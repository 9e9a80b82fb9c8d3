"""Permission-matrix rows of activities (read by legami/core/tests/test_permission_matrix.py).

The calendar, its feed and a published public activity's page are public. The managers' list asks for
VIEW_ACTIVITIES; running the activity (edit, moves, sessions, roll call, volunteers) for MANAGE_ACTIVITIES, and
the enrolment list for VIEW_ENROLLMENTS (partner staff: their own organisation's activities, as here). Enrolling
oneself is open to every member; withdrawing an enrolment is for whoever may enrol that person: the operators,
the organisers, the person's household (not the citizen of the cast, whose household this is not).
"""

from legami.core.tests.matrix import PUBLIC, Row

VIEW = "activities.view_activities"
MANAGE = "activities.manage_activities"
READ_ENROLLMENTS = "activities.view_enrollments"
ENROLL = "activities.enroll_people"
ENROLL_OWN = "activities.enroll_own"
NOT_THEIRS = dict.fromkeys(("evaluator", "funder", "citizen", "privacy_officer", "sentinel"), 403)

ROUTES: dict[str, Row] = {
    "activities:calendar": Row(PUBLIC),
    "activities:calendar_feed": Row(PUBLIC),
    "activities:activities": Row(VIEW),
    "activities:activity_create": Row(MANAGE),
    "activities:activity_detail": Row(PUBLIC, obj="activities_activity"),
    "activities:activity_update": Row(MANAGE, obj="activities_activity"),
    "activities:activity_move": Row(MANAGE, obj="activities_activity", kwargs={"move": "close"}),
    "activities:enrollments": Row(READ_ENROLLMENTS, obj="activities_activity"),
    "activities:enroll": Row(ENROLL, obj="activities_activity"),
    "activities:enroll_own": Row(ENROLL_OWN, obj="activities_activity"),
    "activities:withdraw": Row(ENROLL_OWN, obj="activities_enrollment", overrides=NOT_THEIRS),
    "activities:session": Row(MANAGE, obj="activities_session"),
    "activities:roll_call": Row(MANAGE, obj="activities_session"),
    "activities:volunteers": Row(MANAGE, obj="activities_session"),
    # Crediting a shift's minutes from the fund: who runs the time bank (POST only).
    "activities:shift_credit": Row(
        "exchange.manage_time_bank",
        obj="activities_shift",
        overrides={"coordinator": 405, "community_worker": 405},
    ),
    "activities:activities_import": Row(MANAGE),
    "activities:activities_import_template": Row(MANAGE),
    "activities:activities_import_job": Row(MANAGE, obj="activities_import_job"),
    "activities:enrollments_import": Row(ENROLL),
    "activities:enrollments_import_template": Row(ENROLL),
    "activities:enrollments_import_job": Row(ENROLL, obj="activities_enrollments_job"),
}


def objects(cast) -> dict:
    """A published public activity of the cast's organisation in Cremona, a person enrolled, a session today."""
    from legami.activities.tests.factories import (
        EnrollmentFactory,
        SessionFactory,
        VolunteerShiftFactory,
        make_activity,
    )
    from legami.core.tests import factories as f

    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Centro civico (matrice)")
    activity = make_activity(
        network=cast.network, organizer=cast.organization, place=place, title="Doposcuola (matrice)", capacity=20
    )
    person = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    enrollment = EnrollmentFactory(activity=activity, person=person)
    session = SessionFactory(activity=activity)
    shift = VolunteerShiftFactory(session=session, person=f.PersonFactory(network=cast.network))
    from legami.core.models import Job

    jobs = {
        key: Job.objects.create(
            network=cast.network, kind=kind, actor=cast.coordinator, status=Job.Status.SUCCEEDED, result={"created": 0}
        )
        for key, kind in (
            ("activities_import_job", "activities_import"),
            ("activities_enrollments_job", "enrollments_import"),
        )
    }
    return {
        "activities_activity": activity,
        "activities_enrollment": enrollment,
        "activities_session": session,
        "activities_shift": shift,
        **jobs,
    }
