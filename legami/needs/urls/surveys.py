"""Routes of the needs app: surveys (builder, rules, results, export) and their public answering page."""

from django.urls import path

from legami.needs.views import surveys as views

urlpatterns: list = [
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/edit/", views.survey_update, name="survey_update"),
    path("surveys/<int:pk>/delete/", views.survey_delete, name="survey_delete"),
    path("surveys/<int:pk>/status/", views.survey_status, name="survey_status"),
    path("surveys/<int:pk>/questions/new/", views.survey_question_create, name="survey_question_create"),
    path("surveys/questions/<int:pk>/edit/", views.survey_question_update, name="survey_question_update"),
    path("surveys/questions/<int:pk>/delete/", views.survey_question_delete, name="survey_question_delete"),
    path("surveys/questions/<int:pk>/move/", views.survey_question_move, name="survey_question_move"),
    path("surveys/<int:pk>/rules/", views.survey_rules_view, name="survey_rules"),
    path("surveys/<int:pk>/rules/apply/", views.survey_rules_apply, name="survey_rules_apply"),
    path("surveys/rules/<int:pk>/delete/", views.survey_rule_delete, name="survey_rule_delete"),
    path("surveys/<int:pk>/results/", views.survey_results_view, name="survey_results"),
    path("surveys/<int:pk>/export/", views.survey_export_view, name="survey_export"),
    path("s/<str:token>/", views.survey_answer, name="survey_answer"),
    path("s/<str:token>/thanks/", views.survey_thanks, name="survey_thanks"),
]
