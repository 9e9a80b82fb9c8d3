"""Pages of participation, under /<network-slug>/processes/.

Reading a published process, its meetings and its proposals is public; the other pages ask for a role.
"""

from django.urls import path

from legami.participation.views import calendars, meetings, moderation, processes, proposals

app_name = "participation"

urlpatterns = [
    # Processes and their phases.
    path("", processes.process_list, name="processes"),
    path("new/", processes.process_create, name="process_create"),
    path("from-demand/<int:pk>/", processes.process_from_demand, name="process_from_demand"),
    path("from-map/", processes.process_from_map, name="process_from_map"),
    path("calendar.ics", calendars.network_calendar, name="network_calendar"),
    path("<int:pk>/", processes.process_detail, name="process_detail"),
    path("<int:pk>/edit/", processes.process_update, name="process_update"),
    path("<int:pk>/publish/", processes.process_publish, name="process_publish"),
    path("<int:pk>/close/", processes.process_close, name="process_close"),
    path("<int:pk>/reopen/", processes.process_reopen, name="process_reopen"),
    path("<int:pk>/phases/new/", processes.phase_create, name="phase_create"),
    path("<int:pk>/phases/current/", processes.phase_activate, name="phase_activate"),
    path("phases/<int:pk>/edit/", processes.phase_update, name="phase_update"),
    path("phases/<int:pk>/delete/", processes.phase_delete, name="phase_delete"),
    path("<int:pk>/calendar.ics", calendars.process_calendar, name="process_calendar"),
    # Meetings, registrations and roll call.
    path("<int:pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_update, name="meeting_update"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/register/", meetings.meeting_register, name="meeting_register"),
    path("meetings/<int:pk>/unregister/", meetings.meeting_unregister, name="meeting_unregister"),
    path("meetings/<int:pk>/registrations/", meetings.meeting_registrations, name="meeting_registrations"),
    path("meetings/<int:pk>/roll-call/", meetings.meeting_roll_call, name="meeting_roll_call"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/calendar.ics", calendars.meeting_calendar, name="meeting_calendar"),
    # Proposals, supports, comments, answers.
    path("<int:pk>/proposals/", proposals.proposal_list, name="proposals"),
    path("<int:pk>/proposals/new/", proposals.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/support/", proposals.proposal_support, name="proposal_support"),
    path("proposals/<int:pk>/unsupport/", proposals.proposal_unsupport, name="proposal_unsupport"),
    path("proposals/<int:pk>/comment/", proposals.proposal_comment, name="proposal_comment"),
    path("proposals/<int:pk>/answer/", proposals.proposal_answer, name="proposal_answer"),
    path("proposals/<int:pk>/withdraw/", proposals.proposal_withdraw, name="proposal_withdraw"),
    # Moderation.
    path("moderation/", moderation.report_list, name="moderation"),
    path("proposals/<int:pk>/report/", moderation.proposal_report, name="proposal_report"),
    path("proposals/<int:pk>/hide/", moderation.proposal_hide, name="proposal_hide"),
    path("proposals/<int:pk>/show/", moderation.proposal_show, name="proposal_show"),
    path("comments/<int:pk>/report/", moderation.comment_report, name="comment_report"),
    path("comments/<int:pk>/hide/", moderation.comment_hide, name="comment_hide"),
    path("comments/<int:pk>/show/", moderation.comment_show, name="comment_show"),
]
