"""The network's territory, under /<network-slug>/territory/."""

from django.urls import path

from legami.territory import views

app_name = "territory"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("municipalities/add/", views.municipality_add, name="municipality_add"),
    path("municipalities/<int:pk>/remove/", views.municipality_remove, name="municipality_remove"),
    path("districts/new/", views.district_create, name="district_create"),
    path("districts/<int:pk>/edit/", views.district_update, name="district_update"),
    path("districts/<int:pk>/delete/", views.district_delete, name="district_delete"),
    path("neighbourhoods/new/", views.neighbourhood_create, name="neighbourhood_create"),
    path("neighbourhoods/<int:pk>/edit/", views.neighbourhood_update, name="neighbourhood_update"),
    path("neighbourhoods/<int:pk>/delete/", views.neighbourhood_delete, name="neighbourhood_delete"),
    path("places/", views.place_list, name="places"),
    path("places/new/", views.place_create, name="place_create"),
    path("places/<int:pk>/", views.place_detail, name="place_detail"),
    path("places/<int:pk>/edit/", views.place_update, name="place_update"),
    path("places/<int:pk>/delete/", views.place_delete, name="place_delete"),
]
