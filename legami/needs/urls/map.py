"""Routes of the needs app: map."""

from django.urls import path

from legami.needs.views import map as views

urlpatterns: list = [
    path("map/", views.needs_map, name="map"),
    path("map/export/", views.needs_map_export, name="map_export"),
    path("map/public/", views.needs_map_public, name="map_public"),
    path("map/public/export/", views.needs_map_public_export, name="map_public_export"),
]
