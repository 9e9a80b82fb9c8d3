"""Routes of the needs app: the needs import (the pipeline's pages) and the export."""

from django.urls import path

from legami.core.imports.views import import_urls
from legami.needs.services.imports import NEEDS_IMPORT
from legami.needs.views import imports
from legami.network.decorators import network_view

urlpatterns: list = [
    # import/, import/template/, import/jobs/<pk>/
    *import_urls(NEEDS_IMPORT, guard=network_view),
    path("export/", imports.needs_export, name="needs_export"),
]
