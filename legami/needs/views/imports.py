"""Import and export of needs, the template file, and the page that follows an import job."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.exports import EXPORT_FORMATS
from legami.core.forms import add_service_errors
from legami.core.models import Job
from legami.needs.forms.imports import NEED_COLUMN_HELP, NeedsImportForm
from legami.needs.forms.needs import NeedFilterForm
from legami.needs.services.exports import export_needs, needs_template_response
from legami.needs.services.imports import MAX_SHOWN_ERRORS, NEEDS_IMPORT_KIND, start_needs_import
from legami.network.decorators import network_view
from legami.network.models import Network

RECENT_JOBS = 10


@require_http_methods(["GET", "POST"])
@network_view("needs.import_needs")
def needs_import(request: HttpRequest, network: Network) -> HttpResponseBase:
    """The upload form (with the columns explained and a template file); POST queues the import job."""
    form = NeedsImportForm(request.POST, request.FILES) if request.method == "POST" else NeedsImportForm()
    if form.is_bound and form.is_valid():
        try:
            job = start_needs_import(actor=request.user, network=network, uploaded_file=form.cleaned_data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The file has been uploaded: the import is under way."))
            return redirect("needs:import_job", network.slug, job.pk)
    recent = list(Job.objects.filter(network=network, kind=NEEDS_IMPORT_KIND).select_related("actor")[:RECENT_JOBS])
    context = {"nav": "needs", "form": form, "columns": NEED_COLUMN_HELP, "recent_jobs": recent}
    return render(request, "needs/imports/needs_import.html", context)


@require_GET
@network_view("needs.import_needs")
def needs_import_template(request: HttpRequest, network: Network) -> HttpResponseBase:
    """A file to fill in: the header and two example rows (CSV by default, or ?format=xlsx)."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return _bad_format(request, fmt)
    return needs_template_response(network=network, fmt=fmt)


@require_GET
@network_view("needs.import_needs")
def import_job(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A needs import's progress and outcome; HTMX polls it every second for just the status fragment."""
    job = get_object_or_404(Job.objects.select_related("actor"), pk=pk, network=network, kind=NEEDS_IMPORT_KIND)
    result = job.result or {}
    error_count = result.get("error_count", len(job.errors))
    context = {
        "nav": "needs",
        "job": job,
        "phase": result.get("phase", ""),
        "file_error": result.get("file_error", ""),
        "created": result.get("created"),
        "error_count": error_count,
        "bad_rows": result.get("bad_rows"),
        "hidden_errors": max(0, error_count - len(job.errors)),
        "max_shown": MAX_SHOWN_ERRORS,
    }
    template = "needs/imports/job_detail.html"
    if getattr(request, "htmx", False):
        return render(request, f"{template}#job-status", context)
    return render(request, template, context)


@require_GET
@network_view("needs.export_needs")
def needs_export(request: HttpRequest, network: Network) -> HttpResponseBase:
    """Download the needs the viewer may see, with the list's filters, as CSV (default) or XLSX."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return _bad_format(request, fmt)
    # The list's own filter form: the file holds exactly what the list shows (bad values ignored alike).
    form = NeedFilterForm(request.GET, viewer=request.user, network=network)
    return export_needs(actor=request.user, network=network, fmt=fmt, filters=form.filters())


def _bad_format(request: HttpRequest, fmt: str) -> HttpResponse:
    context = {"nav": "needs", "requested": fmt[:20], "formats": EXPORT_FORMATS, "path": request.path}
    return render(request, "needs/imports/bad_format.html", context, status=400)
