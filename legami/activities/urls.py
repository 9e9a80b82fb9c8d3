"""Pages of activities, under /<network-slug>/activities/.

The calendar, its feed and a published public activity's page are public; the other pages ask for a role.
"""

from django.urls import path

from legami.activities.services.imports import ACTIVITIES_IMPORT, ENROLLMENTS_IMPORT
from legami.activities.views import activities, calendar, enrollments, sessions
from legami.core.decorators import network_view
from legami.core.imports.views import import_urls

app_name = "activities"

urlpatterns = [
    path("", calendar.calendar, name="calendar"),
    path("calendar.ics", calendar.calendar_feed, name="calendar_feed"),
    path("manage/", activities.activity_list, name="activities"),
    path("new/", activities.activity_create, name="activity_create"),
    *import_urls(ACTIVITIES_IMPORT, guard=network_view, prefix="manage/"),
    *import_urls(ENROLLMENTS_IMPORT, guard=network_view, prefix="enrollments/"),
    path("<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", activities.activity_update, name="activity_update"),
    path("<int:pk>/enrollments/", enrollments.enrollment_list, name="enrollments"),
    path("<int:pk>/enroll/", enrollments.enrollment_create, name="enroll"),
    path("<int:pk>/enroll-me/", enrollments.enrollment_own, name="enroll_own"),
    path("<int:pk>/<slug:move>/", activities.activity_move, name="activity_move"),
    path("enrollments/<int:pk>/withdraw/", enrollments.enrollment_withdraw, name="withdraw"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/roll-call/", sessions.roll_call, name="roll_call"),
    path("sessions/<int:pk>/volunteers/", sessions.volunteers, name="volunteers"),
    path("shifts/<int:pk>/credit/", sessions.shift_credit, name="shift_credit"),
]
