"""The admin site shows the platform admin the activities read only, without a minor's guardian or what a volunteer
did."""

import pytest
from django.contrib import admin
from django.urls import reverse

from legami.activities.models import Activity, Attendance, Enrollment, Session, VolunteerShift
from legami.activities.tests.factories import EnrollmentFactory, SessionFactory, VolunteerShiftFactory, make_activity
from legami.core.tests import factories as f

pytestmark = pytest.mark.django_db

REGISTERED = {Activity, Session, Enrollment, Attendance, VolunteerShift}


def test_the_activities_models_are_registered():
    assert {m for m in admin.site._registry if m._meta.app_label == "activities"} == REGISTERED


def test_every_page_loads_read_only_without_the_guardian_or_the_volunteers_task(cast, login):
    activity = make_activity(network=cast.network, organizer=cast.organization, title="Doposcuola")
    child = f.PersonFactory(network=cast.network)
    enrollment = EnrollmentFactory(
        activity=activity, person=child, guardian_name="MkGuardian", guardian_phone="MkGuardianPhone"
    )
    session = SessionFactory(activity=activity)
    attendance = Attendance.objects.create(network=cast.network, session=session, enrollment=enrollment, present=True)
    shift = VolunteerShiftFactory(session=session, person=f.PersonFactory(network=cast.network), role="MkShiftRole")
    client = login(cast.platform_admin)
    for obj in (activity, session, enrollment, attendance, shift):
        meta = obj._meta
        model_admin = admin.site._registry[type(obj)]
        for url in (
            reverse(f"admin:activities_{meta.model_name}_changelist"),
            reverse(f"admin:activities_{meta.model_name}_change", args=[obj.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            for secret in ("MkGuardian", "MkShiftRole"):
                assert secret not in html, (url, secret)
        assert client.get(reverse(f"admin:activities_{meta.model_name}_add")).status_code == 403
        assert client.get(reverse(f"admin:activities_{meta.model_name}_delete", args=[obj.pk])).status_code == 403
        request = response.wsgi_request
        assert not model_admin.has_change_permission(request, obj) and not model_admin.has_delete_permission(request)
    assert "Doposcuola" in client.get(reverse("admin:activities_activity_changelist")).content.decode()
