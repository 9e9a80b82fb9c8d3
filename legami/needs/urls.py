"""Pages of the needs app, under /<network-slug>/needs/: needs, areas, the public report form, the import and
export, surveys and their public answering page, the map."""

from django.urls import path

from legami.core.decorators import network_view
from legami.core.imports.views import import_urls
from legami.needs.services.imports import NEEDS_IMPORT
from legami.needs.views import areas, imports, map, needs, public, surveys

app_name = "needs"

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
    # import/, import/template/, import/jobs/<pk>/
    *import_urls(NEEDS_IMPORT, guard=network_view),
    path("export/", imports.needs_export, name="needs_export"),
    path("surveys/", surveys.survey_list, name="surveys"),
    path("surveys/new/", surveys.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/edit/", surveys.survey_update, name="survey_update"),
    path("surveys/<int:pk>/delete/", surveys.survey_delete, name="survey_delete"),
    path("surveys/<int:pk>/status/", surveys.survey_status, name="survey_status"),
    path("surveys/<int:pk>/questions/new/", surveys.survey_question_create, name="survey_question_create"),
    path("surveys/questions/<int:pk>/edit/", surveys.survey_question_update, name="survey_question_update"),
    path("surveys/questions/<int:pk>/delete/", surveys.survey_question_delete, name="survey_question_delete"),
    path("surveys/questions/<int:pk>/move/", surveys.survey_question_move, name="survey_question_move"),
    path("surveys/<int:pk>/rules/", surveys.survey_rules_view, name="survey_rules"),
    path("surveys/<int:pk>/rules/apply/", surveys.survey_rules_apply, name="survey_rules_apply"),
    path("surveys/rules/<int:pk>/delete/", surveys.survey_rule_delete, name="survey_rule_delete"),
    path("surveys/<int:pk>/results/", surveys.survey_results_view, name="survey_results"),
    path("surveys/<int:pk>/export/", surveys.survey_export_view, name="survey_export"),
    path("s/<str:token>/", surveys.survey_answer, name="survey_answer"),
    path("s/<str:token>/thanks/", surveys.survey_thanks, name="survey_thanks"),
    path("map/", map.needs_map, name="map"),
    path("map/export/", map.needs_map_export, name="map_export"),
    path("map/public/", map.needs_map_public, name="map_public"),
    path("map/public/export/", map.needs_map_public_export, name="map_public_export"),
]
