"""Pages of the needs app, under /<network-slug>/needs/: one module per part, composed here."""

from legami.needs.urls import imports, map, needs, surveys

app_name = "needs"

urlpatterns = [*needs.urlpatterns, *imports.urlpatterns, *surveys.urlpatterns, *map.urlpatterns]
