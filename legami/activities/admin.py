"""Django admin for the activities: view-only, since every write goes through the audited services.

A minor's guardian and what a volunteer did stay in the application (the enrolment list, the session's volunteers).
"""

from django.contrib import admin

from legami.activities.models import Activity, Attendance, Enrollment, Session, VolunteerShift
from legami.network.admin import ViewOnlyAdmin


@admin.register(Activity)
class ActivityAdmin(ViewOnlyAdmin):
    list_display = ("title", "network", "kind", "organizer", "place", "status", "first_day", "last_day", "capacity")
    list_filter = ("status", "kind", "network")
    search_fields = ("title",)
    list_select_related = ("network", "organizer", "place")


@admin.register(Session)
class SessionAdmin(ViewOnlyAdmin):
    list_display = ("pk", "activity", "network", "starts_at", "ends_at", "status", "edited")
    list_filter = ("status", "network")
    list_select_related = ("activity", "network")


@admin.register(Enrollment)
class EnrollmentAdmin(ViewOnlyAdmin):
    list_display = ("pk", "activity", "person", "network", "status", "position", "created_at")
    list_filter = ("status", "network")
    list_select_related = ("activity", "person", "network")
    # A minor's guardian: for the activity's organisers and the operators only.
    exclude = ("guardian_name", "guardian_email", "guardian_phone")


@admin.register(Attendance)
class AttendanceAdmin(ViewOnlyAdmin):
    list_display = ("pk", "session", "enrollment", "present", "recorded_at")
    list_filter = ("present", "network")
    list_select_related = ("session", "enrollment")


@admin.register(VolunteerShift)
class VolunteerShiftAdmin(ViewOnlyAdmin):
    list_display = ("pk", "session", "person", "network", "minutes", "credited_at")
    list_filter = ("network",)
    list_select_related = ("session", "person", "network")
    # What the volunteer did: for who runs the activity.
    exclude = ("role",)
