"""Pages of the aggregation app, under /<network-slug>/demands/."""

from django.urls import path

from legami.aggregation import views

app_name = "aggregation"

urlpatterns = [
    path("", views.demand_list, name="demands"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("new-needs/", views.suggestions, name="suggestions"),
    path("<int:pk>/", views.demand_detail, name="demand_detail"),
    path("<int:pk>/accept/", views.demand_accept, name="demand_accept"),
    path("<int:pk>/discard/", views.demand_discard, name="demand_discard"),
    path("<int:pk>/rename/", views.demand_rename, name="demand_rename"),
    path("<int:pk>/split/", views.demand_split, name="demand_split"),
    path("<int:pk>/merge/", views.demand_merge, name="demand_merge"),
    path("<int:pk>/remove-need/", views.demand_remove_need, name="demand_remove_need"),
    path("<int:pk>/attach/", views.demand_attach, name="demand_attach"),
    path("<int:pk>/answer/", views.demand_answer, name="demand_answer"),
    path("<int:pk>/close/", views.demand_close, name="demand_close"),
    path("<int:pk>/reopen/", views.demand_reopen, name="demand_reopen"),
]
