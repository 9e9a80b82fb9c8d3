"""The pages of every import: the upload form, the template file, the job page; and the routes that mount them.

An app mounts an import with `import_urls(Declaration(), guard=network_view)`: the views receive the
network from the app's own guard (core imports no domain app), and every page asks for the
declaration's capability.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.exports import EXPORT_FORMATS, export_response
from legami.core.forms import add_service_errors
from legami.core.imports.declaration import ImportDeclaration
from legami.core.imports.forms import ImportForm
from legami.core.imports.pipeline import MAX_SHOWN_ERRORS
from legami.core.imports.services import start_import
from legami.core.models import Job

RECENT_JOBS = 10
TEMPLATE = "core/imports/upload.html"
JOB_TEMPLATE = "core/imports/job.html"


def _names(declaration: ImportDeclaration) -> dict[str, str]:
    """The route names of the import's pages (and of the list it fills), for the templates."""
    base = f"{declaration.namespace}:{declaration.slug}_import"
    return {
        "upload_url_name": base,
        "template_url_name": f"{base}_template",
        "job_url_name": f"{base}_job",
        "list_url_name": declaration.list_url_name,
    }


def upload_page(request: HttpRequest, network: Any, declaration: ImportDeclaration) -> HttpResponseBase:
    """The upload form, with the columns explained and the template file; POST queues the import job."""
    names = _names(declaration)
    if request.method == "GET" and "template" in request.GET:
        # The people import once served its template here as ?template=<format>: old links still work.
        target = reverse(names["template_url_name"], args=[network.slug])
        return redirect(f"{target}?{urlencode({'format': request.GET['template'][:20]})}")
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        try:
            job = start_import(
                declaration=declaration, actor=request.user, network=network, uploaded_file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The file has been uploaded: the import is under way."))
            return redirect(names["job_url_name"], network.slug, job.pk)
    recent = Job.objects.filter(network=network, kind=declaration.kind).select_related("actor")[:RECENT_JOBS]
    context = {"nav": declaration.nav, "form": form, "declaration": declaration, "recent_jobs": list(recent), **names}
    return render(request, TEMPLATE, context)


def template_download(request: HttpRequest, network: Any, declaration: ImportDeclaration) -> HttpResponseBase:
    """The file to fill in: the header and the declaration's example rows (CSV by default, or ?format=xlsx)."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return bad_format(request, fmt, nav=declaration.nav)
    return export_response(
        rows=declaration.template_rows(network),
        header=declaration.header(),
        filename=declaration.template_filename,
        fmt=fmt,
    )


def job_page(request: HttpRequest, network: Any, pk: int, declaration: ImportDeclaration) -> HttpResponse:
    """An import job's progress and outcome; HTMX polls it every second for just the status fragment."""
    job = get_object_or_404(Job.objects.select_related("actor"), pk=pk, network=network, kind=declaration.kind)
    result = job.result or {}
    error_count = result.get("error_count", len(job.errors))
    context = {
        "nav": declaration.nav,
        "declaration": declaration,
        "job": job,
        "job_title": declaration.job_title % {"n": job.pk},
        "phase": result.get("phase", ""),
        "file_error": result.get("file_error", ""),
        "summary": declaration.summary(result) if job.status == Job.Status.SUCCEEDED else [],
        "error_count": error_count,
        "bad_rows": result.get("bad_rows"),
        "hidden_errors": max(0, error_count - len(job.errors)),
        "max_shown": MAX_SHOWN_ERRORS,
        **_names(declaration),
    }
    if getattr(request, "htmx", False):
        return render(request, f"{JOB_TEMPLATE}#job-status", context)
    return render(request, JOB_TEMPLATE, context)


def job_redirect(request: HttpRequest, network: Any, pk: int, declaration: ImportDeclaration) -> HttpResponse:
    """An old address of an import's job page: on to the page, for a job of this import in this network only."""
    job = get_object_or_404(Job, pk=pk, network=network, kind=declaration.kind)
    return redirect(_names(declaration)["job_url_name"], network.slug, job.pk)


def bad_format(request: HttpRequest, fmt: str, *, nav: str) -> HttpResponse:
    """400: a download asked in a format we cannot produce, with a link to each one we can."""
    context = {"nav": nav, "requested": fmt[:20], "formats": EXPORT_FORMATS, "path": request.path}
    return render(request, "core/imports/bad_format.html", context, status=400)


def _view(declaration: ImportDeclaration, page: Callable[..., HttpResponseBase], guard: Callable) -> Callable:
    def view(request: HttpRequest, network: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return page(request, network, *args, declaration=declaration, **kwargs)

    view.__name__ = view.__qualname__ = f"{declaration.slug}_{page.__name__}"
    view.__doc__ = page.__doc__
    return guard(declaration.capability)(view)


def import_urls(declaration: ImportDeclaration, *, guard: Callable, prefix: str = "") -> list[URLPattern]:
    """The routes of an import under `prefix`: <prefix>import/, import/template/ and import/jobs/<pk>/.

    `guard(capability)` is the app's view decorator that resolves the network from the URL and asks
    for the capability; the route names are <slug>_import, <slug>_import_template and <slug>_import_job.
    """
    name = f"{declaration.slug}_import"
    return [
        path(
            f"{prefix}import/",
            require_http_methods(["GET", "POST"])(_view(declaration, upload_page, guard)),
            name=name,
        ),
        path(
            f"{prefix}import/template/",
            require_GET(_view(declaration, template_download, guard)),
            name=f"{name}_template",
        ),
        path(f"{prefix}import/jobs/<int:pk>/", require_GET(_view(declaration, job_page, guard)), name=f"{name}_job"),
    ]


def legacy_job_url(declaration: ImportDeclaration, route: str, *, guard: Callable, name: str) -> URLPattern:
    """An old job-page address (`route`, with <int:pk>) kept working as a redirect to the import's job page."""
    return path(route, require_GET(_view(declaration, job_redirect, guard)), name=name)
