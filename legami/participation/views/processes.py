"""Pages of participatory processes: the public list and page (timeline, evidence, meetings, proposals),
and the operators' pages to draft, publish, close and reopen a process and to shape its phases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from legami.aggregation.selectors.demands import get_demand_for_user
from legami.core import smallnumbers
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.needs.forms.map import MapFilterForm
from legami.network.models import Network
from legami.participation.capabilities import MANAGE_PROCESSES as MANAGE
from legami.participation.capabilities import TAKE_PART
from legami.participation.forms.processes import (
    FromDemandForm,
    FromMapForm,
    NoteForm,
    PhaseChoiceForm,
    PhaseForm,
    ProcessFilterForm,
    ProcessForm,
)
from legami.participation.selectors.meetings import meetings_of, process_attendance
from legami.participation.selectors.processes import (
    evidence_figures,
    evidence_figures_of,
    get_phase_for,
    get_process_for,
    latest_proposals,
    open_phase,
    process_events,
    processes_for,
    sees_drafts,
    timeline,
)
from legami.participation.services.from_map import create_process_from_map, map_evidence, map_query, public_figures
from legami.participation.services.processes import (
    PROCESS_FROM_DEMAND_STATUSES,
    PROCESS_WORKFLOW,
    activate_phase,
    close_process,
    create_phase,
    create_process,
    create_process_from_demand,
    delete_phase,
    publish_process,
    reopen_process,
    update_phase,
    update_process,
)

NAV = "processes"


@require_GET
@network_view()
def process_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's processes: open ones first, with their current phase; drafts for those who run them."""
    drafts = sees_drafts(request.user, network)
    form = ProcessFilterForm(request.GET, drafts=drafts)
    processes = processes_for(request.user, network, **form.filters())
    page_obj = Paginator(processes, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": NAV,
        "form": form,
        "page_obj": page_obj,
        "can_manage": drafts,
        "filtered": any(form.filters().values()),
    }
    return render(request, "participation/processes/list.html", context)


@require_GET
@network_view()
def process_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A process: what it is for, its phases as a timeline, its evidence, next meetings and latest proposals."""
    process = get_process_for(request.user, network, pk)
    user = request.user
    can_manage = can(user, MANAGE, network)
    limit = smallnumbers.limit_for(user, network)
    upcoming, past = meetings_of(process)
    context = {
        "nav": NAV,
        "process": process,
        "timeline": timeline(process),
        "evidence": evidence_figures(process, limit=limit),
        "k": smallnumbers.k(),
        "meetings": upcoming,
        "past_meetings": past[:5],
        "attendance": process_attendance(process) if can_manage else None,
        "proposals": latest_proposals(process),
        "open_for": {
            "proposals": open_phase(process, "proposals_open") is not None,
            "supports": open_phase(process, "supports_open") is not None,
            "comments": open_phase(process, "comments_open") is not None,
        },
        "can_take_part": user.is_authenticated and can(user, TAKE_PART, network),
        "can_manage": can_manage,
        "transitions": PROCESS_WORKFLOW.available(process, user, network=network) if can_manage else [],
        "events": process_events(process) if can_manage else [],
        "demand_visible": bool(process.demand_id) and _sees_demand(user, network),
    }
    return render(request, "participation/processes/detail.html", context)


def _sees_demand(user: Any, network: Network) -> bool:
    from legami.aggregation.capabilities import VIEW_DEMANDS

    return bool(user.is_authenticated) and can(user, VIEW_DEMANDS, network)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def process_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Draft a new process."""
    form = ProcessForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            process = create_process(actor=request.user, network=network, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The process was drafted: now add its phases, then publish it."))
            return redirect("participation:process_detail", network.slug, process.pk)
    status = 400 if form.errors else 200
    return render(
        request, "participation/processes/form.html", {"nav": NAV, "form": form, "process": None}, status=status
    )


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def process_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change what a process is."""
    process = get_process_for(request.user, network, pk)
    form = ProcessForm(request.POST or None, network=network, initial=ProcessForm.initial_for(process))
    if request.method == "POST" and form.is_valid():
        try:
            update_process(actor=request.user, process=process, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The process was saved."))
            return redirect("participation:process_detail", network.slug, process.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "form": form, "process": process}
    return render(request, "participation/processes/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def process_from_demand(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Start a process from an accepted aggregated demand: its figures and area become the evidence."""
    demand = get_demand_for_user(request.user, network, pk)
    if demand.status not in PROCESS_FROM_DEMAND_STATUSES:
        raise Http404
    form = FromDemandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            process = create_process_from_demand(actor=request.user, demand=demand, kind=form.cleaned_data["kind"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The process was drafted from the demand: check it, add its phases, then publish it.")
            )
            return redirect("participation:process_detail", network.slug, process.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "form": form, "demand": demand}
    return render(request, "participation/processes/from_demand.html", context, status=status)


def _suggested_title(pairs: list[dict[str, str]]) -> str:
    """A first title from the map's area and place (the operator changes it at will)."""
    values = {pair["field"]: pair["value"] for pair in pairs}
    place = values.get("municipality") or values.get("district")
    what = " · ".join(v for v in (values.get("area"), place) if v)
    return _("Community lab: %(what)s") % {"what": what} if what else _("Community lab on the needs of the network")


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def process_from_map(request: HttpRequest, network: Network) -> HttpResponse:
    """Start a process from the needs map's filters (in the address): the public figures for them are the evidence."""
    map_form = MapFilterForm(request.GET, viewer=request.user, network=network, exact=False)
    filters = map_form.filters() if map_form.is_valid() else None
    evidence = map_evidence(network, filters, public_figures(network, filters)) if filters is not None else None
    initial = {"title": _suggested_title(evidence["filters"]) if evidence else ""}
    form = FromMapForm(request.POST or None, initial=initial)
    if request.method == "POST" and filters is not None and form.is_valid():
        try:
            process = create_process_from_map(
                actor=request.user,
                network=network,
                filters=filters,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The process was drafted from the needs map: check it, add its phases, then publish it.")
            )
            return redirect("participation:process_detail", network.slug, process.pk)
    status = 400 if form.errors or map_form.errors else 200
    context = {
        "nav": NAV,
        "form": form,
        "map_form": map_form,
        # The filters are not on this page: their errors are told with their labels, not linked.
        "filter_problems": [
            f"{map_form.fields[name].label}: {' '.join(errors)}" for name, errors in map_form.errors.items()
        ],
        "evidence": evidence_figures_of(evidence) if evidence else None,
        "k": smallnumbers.k(),
        "query": map_query(filters) if filters is not None else "",
    }
    return render(request, "participation/processes/from_map.html", context, status=status)


# --- the process's life: one page per action (GET shows the form, POST acts) ---------------------------


@dataclass(frozen=True)
class Action:
    title: str | Promise
    explanation: str | Promise
    submit: str | Promise
    done: str | Promise
    danger: bool = False


ACTIONS: dict[str, Action] = {
    "publish": Action(
        gettext_lazy("Publish the process"),
        gettext_lazy(
            "Everyone will see its page, its phases and its meetings; what the current phase opens "
            "(proposals, supports, comments) becomes possible for the network's members."
        ),
        gettext_lazy("Publish"),
        gettext_lazy("The process is published."),
    ),
    "close": Action(
        gettext_lazy("Close the process"),
        gettext_lazy("Nothing more can be proposed, supported or commented; its pages stay visible."),
        gettext_lazy("Close"),
        gettext_lazy("The process is closed."),
        danger=True,
    ),
    "reopen": Action(
        gettext_lazy("Reopen the process"),
        gettext_lazy("What the current phase opens becomes possible again."),
        gettext_lazy("Reopen"),
        gettext_lazy("The process is open again."),
    ),
}
SERVICES = {"publish": publish_process, "close": close_process, "reopen": reopen_process}


def _act(request: HttpRequest, network: Network, pk: int, name: str) -> HttpResponse:
    process = get_process_for(request.user, network, pk)
    action = ACTIONS[name]
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            SERVICES[name](actor=request.user, process=process, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, str(action.done))
            return redirect("participation:process_detail", network.slug, process.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "process": process, "action": action, "form": form}
    return render(request, "participation/processes/action.html", context, status=status)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def process_publish(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Publish a draft process."""
    return _act(request, network, pk, "publish")


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def process_close(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Close a published process."""
    return _act(request, network, pk, "close")


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def process_reopen(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Reopen a closed process."""
    return _act(request, network, pk, "reopen")


# --- phases ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def phase_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Add a phase to a process."""
    process = get_process_for(request.user, network, pk)
    form = PhaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_phase(actor=request.user, process=process, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The phase was added."))
            return redirect("participation:process_detail", network.slug, process.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "process": process, "form": form, "phase": None}
    return render(request, "participation/processes/phase_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def phase_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change a phase's name, dates or what it opens."""
    phase = get_phase_for(request.user, network, pk)
    process = phase.process
    form = PhaseForm(request.POST or None, initial=PhaseForm.initial_for(phase))
    if request.method == "POST" and form.is_valid():
        try:
            update_phase(actor=request.user, phase=phase, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The phase was saved."))
            return redirect("participation:process_detail", network.slug, process.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "process": process, "form": form, "phase": phase}
    return render(request, "participation/processes/phase_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def phase_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Remove a phase (not the current one of a published process)."""
    phase = get_phase_for(request.user, network, pk)
    process = phase.process
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delete_phase(actor=request.user, phase=phase)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The phase was removed."))
            return redirect("participation:process_detail", network.slug, process.pk)
    status = 400 if form.errors else 200
    action = Action(
        gettext_lazy("Remove the phase"),
        _("The phase “%(name)s” will be removed from the timeline.") % {"name": phase.name},
        gettext_lazy("Remove"),
        "",
        danger=True,
    )
    context = {"nav": NAV, "process": process, "action": action, "form": form}
    return render(request, "participation/processes/action.html", context, status=status)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def phase_activate(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Choose the current phase of a process."""
    process = get_process_for(request.user, network, pk)
    form = PhaseChoiceForm(request.POST or None, process=process, initial={"phase": process.current_phase_id})
    if request.method == "POST" and form.is_valid():
        try:
            activate_phase(
                actor=request.user, process=process, phase=form.cleaned_data["phase"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The current phase was changed."))
            return redirect("participation:process_detail", network.slug, process.pk)
    status = 400 if form.errors else 200
    action = Action(
        gettext_lazy("Change the current phase"),
        gettext_lazy("The timeline marks it, and what it opens applies from now on, within its dates."),
        gettext_lazy("Make it current"),
        "",
    )
    context = {"nav": NAV, "process": process, "action": action, "form": form}
    return render(request, "participation/processes/action.html", context, status=status)
