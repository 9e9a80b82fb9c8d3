"""Permission-matrix rows of meetings and calendars (read by legami/core/tests/test_permission_matrix.py).

Meetings of a published process and the calendar feeds are public; registering asks for a role in the network
(GET shows the confirmation page); running a meeting asks for MANAGE_PROCESSES.
"""

from legami.core.tests.matrix import PUBLIC, Row

TAKE_PART = "participation.take_part"
MANAGE = "participation.manage_processes"

ROUTES: dict[str, Row] = {
    "participation:network_calendar": Row(PUBLIC),
    "participation:process_calendar": Row(PUBLIC, obj="meetings_process"),
    "participation:meeting_calendar": Row(PUBLIC, obj="meetings_meeting"),
    "participation:meeting_detail": Row(PUBLIC, obj="meetings_meeting"),
    "participation:meeting_create": Row(MANAGE, obj="meetings_process"),
    "participation:meeting_update": Row(MANAGE, obj="meetings_meeting"),
    "participation:meeting_cancel": Row(MANAGE, obj="meetings_meeting"),
    "participation:meeting_register": Row(TAKE_PART, obj="meetings_meeting"),
    "participation:meeting_unregister": Row(TAKE_PART, obj="meetings_meeting"),
    "participation:meeting_registrations": Row(MANAGE, obj="meetings_meeting"),
    "participation:meeting_roll_call": Row(MANAGE, obj="meetings_meeting"),
    "participation:meeting_minutes": Row(MANAGE, obj="meetings_meeting"),
}


def objects(cast) -> dict:
    """A published process with a phase, and its meeting today in a place of Cremona, with a registration."""
    from legami.core.tests import factories as f
    from legami.participation.tests.factories_meetings import (
        MeetingFactory,
        PhaseFactory,
        ProcessFactory,
        RegistrationFactory,
        in_days,
    )

    process = ProcessFactory(network=cast.network, title="Laboratorio di quartiere (matrice incontri)")
    PhaseFactory(process=process)
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    meeting = MeetingFactory(
        process=process, title="Incontro (matrice)", place=place, starts_at=in_days(0, hour=23), capacity=20
    )
    RegistrationFactory(meeting=meeting, user=cast.citizen)
    return {"meetings_process": process, "meetings_meeting": meeting}
