"""Pages of demand aggregation: starting a run of the engine, following its progress."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.aggregation.capabilities import REVIEW_DEMANDS as REVIEW
from legami.aggregation.forms.runs import RunForm
from legami.aggregation.selectors.runs import aggregation_jobs, get_aggregation_job, misfiled_needs, size_rows
from legami.aggregation.services.runs import start_aggregation
from legami.aggregation.views.demands import NAV, _need_url
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.network.models import Network


@require_http_methods(["GET", "POST"])
@network_view(REVIEW)
def run_list(request: HttpRequest, network: Network) -> HttpResponseBase:
    """Start a run of the engine (distance, smallest group, minimum cohesion) and see the last runs."""
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = start_aggregation(
                actor=request.user,
                network=network,
                distance_km=float(form.cleaned_data["distance_km"]),
                min_group_size=form.cleaned_data["min_group_size"],
                min_cohesion=form.cleaned_data["min_cohesion"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The aggregation has started."))
            return redirect("aggregation:run_detail", network.slug, job.pk)
    context = {"nav": NAV, "form": form, "jobs": aggregation_jobs(network)}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "aggregation/runs.html", context, status=status)


@require_GET
@network_view(REVIEW)
def run_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A run's progress and outcome (candidates per size, needs flagged as misfiled); HTMX polls it every second
    for just the status fragment."""
    job = get_aggregation_job(network, pk)
    context = {"nav": NAV, "job": job, "result": job.result or {}}
    if job.is_finished:
        misfiled = misfiled_needs(request.user, network, job)
        url = _need_url(network)
        context |= {
            "sizes": size_rows(job),
            "misfiled": [{"row": row, "url": url(row.need_id) if url and row.visible else ""} for row in misfiled],
        }
    template = "aggregation/run_detail.html"
    if getattr(request, "htmx", False):
        return render(request, f"{template}#run-status", context)
    from legami.aggregation.views.vocabulary import run_learned_context

    context |= run_learned_context(request, network, job)
    return render(request, template, context)
