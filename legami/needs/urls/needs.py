"""Routes of the needs app: needs, the area taxonomy and the public report form (part B)."""

from django.urls import path

from legami.needs.views import areas, needs, public

urlpatterns = [
    path("", needs.need_list, name="needs"),
    path("new/", needs.need_create, name="need_create"),
    path("<int:pk>/", needs.need_detail, name="need_detail"),
    path("<int:pk>/edit/", needs.need_update, name="need_update"),
    path("<int:pk>/status/", needs.need_status, name="need_status"),
    path("<int:pk>/delete/", needs.need_delete, name="need_delete"),
    path("areas/", areas.area_list, name="areas"),
    path("areas/new/", areas.area_create, name="area_create"),
    path("areas/defaults/", areas.area_load_defaults, name="area_load_defaults"),
    path("areas/<int:pk>/edit/", areas.area_update, name="area_update"),
    path("areas/<int:pk>/toggle/", areas.area_toggle, name="area_toggle"),
    path("areas/<int:pk>/move/", areas.area_move, name="area_move"),
    path("areas/<int:pk>/delete/", areas.area_delete, name="area_delete"),
    path("report/", public.report, name="report"),
    path("report/thanks/", public.report_thanks, name="report_thanks"),
]
