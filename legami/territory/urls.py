"""The network's territory, under /<network-slug>/territory/."""

from django.urls import path

from legami.territory.views import districts, municipalities, neighbourhoods, places

app_name = "territory"

urlpatterns = [
    path("", municipalities.overview, name="overview"),
    path("municipalities/add/", municipalities.municipality_add, name="municipality_add"),
    path("municipalities/<int:pk>/remove/", municipalities.municipality_remove, name="municipality_remove"),
    path("districts/new/", districts.district_create, name="district_create"),
    path("districts/<int:pk>/edit/", districts.district_update, name="district_update"),
    path("districts/<int:pk>/delete/", districts.district_delete, name="district_delete"),
    path("neighbourhoods/new/", neighbourhoods.neighbourhood_create, name="neighbourhood_create"),
    path("neighbourhoods/<int:pk>/edit/", neighbourhoods.neighbourhood_update, name="neighbourhood_update"),
    path("neighbourhoods/<int:pk>/delete/", neighbourhoods.neighbourhood_delete, name="neighbourhood_delete"),
    path("places/", places.place_list, name="places"),
    path("places/new/", places.place_create, name="place_create"),
    path("places/<int:pk>/", places.place_detail, name="place_detail"),
    path("places/<int:pk>/edit/", places.place_update, name="place_update"),
    path("places/<int:pk>/delete/", places.place_delete, name="place_delete"),
]
