"""Import and export of the person registry, and the page that follows a background job."""

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
from legami.core.permissions import can
from legami.network.decorators import network_view
from legami.network.forms.imports import PERSON_COLUMN_HELP, PeopleImportForm
from legami.network.models import Network
from legami.network.services.imports import (
    MAX_SHOWN_ERRORS,
    PEOPLE_IMPORT_KIND,
    export_people,
    people_template_response,
    start_people_import,
)

RECENT_JOBS = 10


@require_http_methods(["GET", "POST"])
@network_view("network.import_people")
def people_import(request: HttpRequest, network: Network) -> HttpResponseBase:
    """The upload form (with the columns explained and a template file); POST queues the import job."""
    template_format = request.GET.get("template")
    if request.method == "GET" and template_format:
        if template_format not in EXPORT_FORMATS:
            return _bad_format(request, network, template_format, param="template")
        return people_template_response(template_format)
    form = PeopleImportForm(request.POST, request.FILES) if request.method == "POST" else PeopleImportForm()
    if form.is_bound and form.is_valid():
        try:
            job = start_people_import(actor=request.user, network=network, uploaded_file=form.cleaned_data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The file has been uploaded: the import is under way."))
            return redirect("network:job_detail", network.slug, job.pk)
    recent = []
    if can(request.user, "core.view_jobs", network):
        recent = list(
            Job.objects.filter(network=network, kind=PEOPLE_IMPORT_KIND).select_related("actor")[:RECENT_JOBS]
        )
    context = {"nav": "people", "form": form, "columns": PERSON_COLUMN_HELP, "recent_jobs": recent}
    return render(request, "network/imports/people_import.html", context)


@require_GET
@network_view("core.view_jobs")
def job_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A job's progress and outcome; HTMX polls it every second for just the status fragment."""
    job = get_object_or_404(Job.objects.select_related("actor"), pk=pk, network=network)
    result = job.result or {}
    error_count = result.get("error_count", len(job.errors))
    context = {
        "nav": "people",
        "job": job,
        "phase": result.get("phase", ""),
        "file_error": result.get("file_error", ""),
        "created": result.get("created"),
        "households_created": result.get("households_created"),
        "error_count": error_count,
        "bad_rows": result.get("bad_rows"),
        "hidden_errors": max(0, error_count - len(job.errors)),
        "max_shown": MAX_SHOWN_ERRORS,
    }
    template = "network/imports/job_detail.html"
    if getattr(request, "htmx", False):
        return render(request, f"{template}#job-status", context)
    return render(request, template, context)


@require_GET
@network_view("network.export_people")
def people_export(request: HttpRequest, network: Network) -> HttpResponseBase:
    """Download the people the viewer may see as CSV (default) or XLSX, in the import format."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return _bad_format(request, network, fmt, param="format")
    return export_people(actor=request.user, network=network, fmt=fmt)


def _bad_format(request: HttpRequest, network: Network, fmt: str, *, param: str) -> HttpResponse:
    context = {"nav": "people", "requested": fmt[:20], "formats": EXPORT_FORMATS, "path": request.path, "param": param}
    return render(request, "network/imports/bad_format.html", context, status=400)
