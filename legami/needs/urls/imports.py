"""Routes of the needs app: imports and exports."""

from django.urls import path

from legami.needs.views import imports

urlpatterns: list = [
    path("import/", imports.needs_import, name="needs_import"),
    path("import/template/", imports.needs_import_template, name="needs_import_template"),
    path("import/jobs/<int:pk>/", imports.import_job, name="import_job"),
    path("export/", imports.needs_export, name="needs_export"),
]
