"""Pages of the aggregation app, under /<network-slug>/demands/."""

from django.urls import path

from legami.aggregation.views import demands, runs, suggestions, vocabulary

app_name = "aggregation"

urlpatterns = [
    path("", demands.demand_list, name="demands"),
    path("runs/", runs.run_list, name="runs"),
    path("runs/<int:pk>/", runs.run_detail, name="run_detail"),
    path("new-needs/", suggestions.suggestions, name="suggestions"),
    path("vocabulary/", vocabulary.vocabulary, name="vocabulary"),
    path("vocabulary/download/", vocabulary.vocabulary_download, name="vocabulary_download"),
    path("vocabulary/add-term/", vocabulary.vocabulary_add_term, name="vocabulary_add_term"),
    path("vocabulary/remove-term/", vocabulary.vocabulary_remove_term, name="vocabulary_remove_term"),
    path("vocabulary/rename/", vocabulary.vocabulary_rename, name="vocabulary_rename"),
    path("vocabulary/merge/", vocabulary.vocabulary_merge, name="vocabulary_merge"),
    path("vocabulary/add-concept/", vocabulary.vocabulary_add_concept, name="vocabulary_add_concept"),
    path("vocabulary/upload/", vocabulary.vocabulary_upload, name="vocabulary_upload"),
    path("vocabulary/reset/", vocabulary.vocabulary_reset, name="vocabulary_reset"),
    path("learned/<int:pk>/undo/", vocabulary.evidence_undo, name="evidence_undo"),
    path("<int:pk>/", demands.demand_detail, name="demand_detail"),
    path("<int:pk>/accept/", demands.demand_accept, name="demand_accept"),
    path("<int:pk>/discard/", demands.demand_discard, name="demand_discard"),
    path("<int:pk>/rename/", demands.demand_rename, name="demand_rename"),
    path("<int:pk>/split/", demands.demand_split, name="demand_split"),
    path("<int:pk>/merge/", demands.demand_merge, name="demand_merge"),
    path("<int:pk>/remove-need/", demands.demand_remove_need, name="demand_remove_need"),
    path("<int:pk>/attach/", demands.demand_attach, name="demand_attach"),
    path("<int:pk>/answer/", demands.demand_answer, name="demand_answer"),
    path("<int:pk>/close/", demands.demand_close, name="demand_close"),
    path("<int:pk>/reopen/", demands.demand_reopen, name="demand_reopen"),
]
