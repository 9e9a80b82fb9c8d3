"""A tiny import declared for the pipeline's own tests: the register of processings, one per row.

It is what an import of a later part looks like: columns, a row check, a write through the app's
existing service (`define_processing`), and its routes mounted with `import_urls`. Also the URLconf
the tests use (the project's routes plus this import's).
"""

from typing import Any

from django.urls import include, path

from legami.core.imports import CellError, Column, ImportContext, ImportDeclaration, RowCheck, bounded, text
from legami.core.imports.views import import_urls, legacy_job_url
from legami.core.models import LegalBasis, Processing
from legami.core.services import define_processing
from legami.network.decorators import network_view
from legami.urls import urlpatterns as project_urlpatterns

DEFAULT_PURPOSE = "Da definire"


def _legal_basis(value: Any) -> str:
    cell = text(value).lower()
    if cell not in LegalBasis.values:
        raise CellError(f"Write one of {', '.join(LegalBasis.values)} (found “{text(value)}”).")
    return cell


class ProcessingsImport(ImportDeclaration):
    kind, slug, namespace, nav = "test_processings_import", "processings", "testimports", "processings"
    capability, model, template_filename = "core.manage_processings", Processing, "trattamenti-modello"
    list_url_name = "network:processings"
    progress_every = 2
    columns = (
        Column("codice", "Code", "newsletter", True, aliases=("code",), parse=bounded(60, required=True)),
        Column("nome", "Name", "Newsletter", True, aliases=("name",), parse=bounded(200, required=True)),
        Column("finalita", "Purpose", "Informare", aliases=("purpose",)),
        Column("base_giuridica", "Legal basis", "consent", aliases=("legal_basis",), parse=_legal_basis),
    )
    title, list_label, intro, all_or_nothing = "Import processings", "Processings", "One per row.", "All or none."
    template_csv_label, template_xlsx_label = "CSV template", "Excel template"
    columns_note, columns_caption, recent_caption = "Any case.", "Processing columns", "Latest processing imports"
    job_title, saving_label, done_label = "Processings import no. %(n)s", "saving the processings", "Go to the register"
    refused_message, conflict_message = "No longer allowed.", "A code was taken meanwhile."
    command_refused = "%(email)s may not import processings into %(network)s."
    created_message = "%(n)s processings imported."  # (test-only: no catalogue entry, no singular)

    def begin(self, context: ImportContext) -> dict[str, Any]:
        taken = set(Processing.objects.filter(network=context.network).values_list("code", flat=True))
        return {"taken": taken, "seen": {}}

    def check_row(self, row: RowCheck, context: ImportContext) -> dict[str, Any]:
        code = row.values["codice"]
        if code and code in context.state["taken"]:
            row.error("codice", "The register already has this code.")
        elif code:
            first = context.state["seen"].setdefault(code, row.number)
            if first != row.number:
                row.error("codice", f"The same code is already on row {first}.")
        return row.values

    def write(self, rows: list[Any], context: ImportContext) -> dict[str, int]:
        defaulted = 0
        for values in rows:
            defaulted += not values["finalita"]
            define_processing(
                actor=context.actor,
                network=context.network,
                code=values["codice"],
                name=values["nome"],
                purpose=values["finalita"] or DEFAULT_PURPOSE,
                legal_basis=values["base_giuridica"],
            )
        return {"purposes_defaulted": defaulted}

    def template_rows(self, network: Any) -> list[list[Any]]:
        return [["newsletter", "Newsletter", "Informare i soci", "consent"]]


PROCESSINGS_IMPORT = ProcessingsImport()

urlpatterns = [
    path(
        "<slug:network_slug>/register/",
        include(
            (
                [
                    *import_urls(PROCESSINGS_IMPORT, guard=network_view),
                    legacy_job_url(PROCESSINGS_IMPORT, "jobs/<int:pk>/", guard=network_view, name="old_job"),
                ],
                "testimports",
            )
        ),
    ),
    *project_urlpatterns,
]
