"""Pages of the aggregation app, under /<network-slug>/demands/."""

from django.urls import path

from legami.aggregation.views import demands, runs, suggestions

app_name = "aggregation"

urlpatterns = [
    path("", demands.demand_list, name="demands"),
    path("runs/", runs.run_list, name="runs"),
    path("runs/<int:pk>/", runs.run_detail, name="run_detail"),
    path("new-needs/", suggestions.suggestions, name="suggestions"),
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
