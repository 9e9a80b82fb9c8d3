"""Pages of demand aggregation: the demands, their review and follow-up (one page per action)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from legami.aggregation.capabilities import REVIEW_DEMANDS as REVIEW
from legami.aggregation.capabilities import VIEW_DEMANDS as VIEW
from legami.aggregation.forms.demands import (
    AnswerForm,
    AttachForm,
    DemandFilterForm,
    MergeForm,
    NoteForm,
    RemoveNeedForm,
    RenameForm,
    ReopenForm,
    SplitForm,
)
from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.aggregation.selectors.demands import (
    demand_events,
    demand_member_needs,
    demand_status_counts,
    demands_for_user,
    get_demand_for_user,
    mark_small_groups,
    merge_candidates,
    small_group_threshold,
)
from legami.aggregation.services.attachments import attach_need
from legami.aggregation.services.demands import (
    DEMAND_WORKFLOW,
    EDITABLE_STATUSES,
    accept_demand,
    answer_demand,
    close_demand,
    discard_demand,
    merge_demands,
    remove_need_from_demand,
    rename_demand,
    reopen_demand,
    split_demand,
)
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.needs.models import Need
from legami.network.models import Network

NAV = "demands"


def _need_url(network: Network) -> Callable[[int], str] | None:
    """A function giving a need's page, when the needs app has one."""
    try:
        reverse("needs:need_detail", args=[network.slug, 1])
    except NoReverseMatch:
        return None
    return lambda pk: reverse("needs:need_detail", args=[network.slug, pk])


@require_GET
@network_view(VIEW)
def demand_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The demands by status (tabs), with filters by area, Comune and target group."""
    form = DemandFilterForm(request.GET, network=network)
    filters = form.filters()
    status = filters.pop("status")
    counts = demand_status_counts(request.user, network, **filters)
    demands = demands_for_user(request.user, network, status=status, **filters)
    page_obj = Paginator(demands, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    threshold = small_group_threshold(request.user, network)
    mark_small_groups(page_obj.object_list, threshold)
    tabs = [("", _("All"), sum(counts.values()))] + [(s.value, s.label, counts[s.value]) for s in DemandStatus]
    context = {
        "nav": NAV,
        "form": form,
        "page_obj": page_obj,
        "tabs": tabs,
        "status": status,
        "filtered": any(filters.values()),
        "can_review": can(request.user, REVIEW, network),
        "k": threshold,
    }
    return render(request, "aggregation/list.html", context)


@require_GET
@network_view(VIEW)
def demand_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A demand: summary, reasons, figures, history, the review actions and (for operators) its needs."""
    demand = get_demand_for_user(request.user, network, pk)
    threshold = small_group_threshold(request.user, network)
    mark_small_groups([demand], threshold)
    members = demand_member_needs(request.user, network, demand)
    can_review = can(request.user, REVIEW, network)
    transitions = {t.target for t in DEMAND_WORKFLOW.available(demand, request.user, network=network)}
    context = {
        "nav": NAV,
        "demand": demand,
        "members": members,
        "need_url": _need_url(network),
        "events": demand_events(demand),
        "can_review": can_review,
        "editable": can_review and demand.status in EDITABLE_STATUSES,
        "can_accept": DemandStatus.ACCEPTED in transitions and demand.status == DemandStatus.CANDIDATE,
        "can_discard": DemandStatus.DISCARDED in transitions,
        "can_answer": DemandStatus.ANSWERED in transitions,
        "can_close": DemandStatus.CLOSED in transitions,
        "can_reopen": DemandStatus.ACCEPTED in transitions and demand.status == DemandStatus.ANSWERED,
        "can_rename": can_review and demand.status != DemandStatus.DISCARDED,
        "can_attach": can_review and demand.status == DemandStatus.ACCEPTED,
        "time_windows": _windows_text(demand.time_windows),
        "k": threshold,
    }
    if members is not None:
        for member in members:
            member.url = context["need_url"](member.need.pk) if context["need_url"] else ""  # type: ignore[attr-defined]
    return render(request, "aggregation/detail.html", context)


def _windows_text(data: list) -> str:
    from legami.needs.timewindows import format_time_windows, windows_from_json

    try:
        return format_time_windows(windows_from_json(data or []))
    except ValueError:
        return ""


# --- review actions: one page each (GET shows the form, POST acts) --------------------------------


@dataclass(frozen=True)
class Action:
    title: str | Promise
    explanation: str | Promise
    submit: str | Promise
    done: str | Promise
    danger: bool = False


ACTIONS: dict[str, Action] = {
    "accept": Action(
        gettext_lazy("Accept the demand"),
        gettext_lazy(
            "The demand will be followed until it is answered; its needs become “aggregated”. "
            "New needs that fit it can be attached later."
        ),
        gettext_lazy("Accept"),
        gettext_lazy("The demand has been accepted."),
    ),
    "discard": Action(
        gettext_lazy("Discard the demand"),
        gettext_lazy("Its needs are freed: a later run may group them differently. This cannot be undone."),
        gettext_lazy("Discard"),
        gettext_lazy("The demand has been discarded."),
        danger=True,
    ),
    "rename": Action(
        gettext_lazy("Rename the demand"),
        gettext_lazy("A short title that says what is asked and where; no names of people."),
        gettext_lazy("Save the title"),
        gettext_lazy("The title has been changed."),
    ),
    "split": Action(
        gettext_lazy("Split the demand"),
        gettext_lazy("The needs you tick move into a new demand with the same status; the others stay here."),
        gettext_lazy("Split"),
        gettext_lazy("The demand has been split."),
    ),
    "merge": Action(
        gettext_lazy("Merge another demand into this one"),
        gettext_lazy(
            "Only demands of the same area and of compatible groups can be merged. "
            "The other demand's needs move here and it is discarded."
        ),
        gettext_lazy("Merge"),
        gettext_lazy("The demands have been merged."),
    ),
    "remove_need": Action(
        gettext_lazy("Remove a need from the demand"),
        gettext_lazy("The need stays in the registry and can be grouped again."),
        gettext_lazy("Remove"),
        gettext_lazy("The need has been removed from the demand."),
        danger=True,
    ),
    "attach": Action(
        gettext_lazy("Attach a need to the demand"),
        gettext_lazy(
            "A new need or one being read, not in any demand. If it does not fit the demand it is attached "
            "only when you say so and why."
        ),
        gettext_lazy("Attach"),
        gettext_lazy("The need has been attached to the demand."),
    ),
    "answer": Action(
        gettext_lazy("Record the answer"),
        gettext_lazy("The demand and its needs become “answered”. It can be closed once the follow-up is over."),
        gettext_lazy("Save the answer"),
        gettext_lazy("The answer has been recorded."),
    ),
    "close": Action(
        gettext_lazy("Close the demand"),
        gettext_lazy("The follow-up is over. A closed demand cannot be reopened."),
        gettext_lazy("Close"),
        gettext_lazy("The demand has been closed."),
    ),
    "reopen": Action(
        gettext_lazy("Reopen the demand"),
        gettext_lazy("The answer fell short: the demand is accepted again and its needs aggregated again."),
        gettext_lazy("Reopen"),
        gettext_lazy("The demand has been reopened."),
    ),
}


def _member_choices(request: HttpRequest, network: Network, demand: AggregatedDemand) -> list[tuple[str, str]]:
    members = demand_member_needs(request.user, network, demand) or []
    choices = []
    for member in members:
        need = member.need
        text = member.description if member.description is not None else _("reserved description")
        label = f"#{need.pk} — {need.municipality.name} — {_short(text)}"
        choices.append((str(need.pk), label))
    return choices


def _short(text: str, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _build_form(name: str, request: HttpRequest, network: Network, demand: AggregatedDemand) -> Any:
    data = request.POST if request.method == "POST" else None
    if name in ("accept", "discard", "close"):
        return NoteForm(data)
    if name == "reopen":
        return ReopenForm(data)
    if name == "rename":
        return RenameForm(data, initial={"title": demand.title})
    if name == "answer":
        return AnswerForm(data, initial={"answer": demand.answer})
    if name == "split":
        return SplitForm(data, choices=_member_choices(request, network, demand))
    if name == "merge":
        return MergeForm(data, candidates=merge_candidates(demand))
    if name == "remove_need":
        return RemoveNeedForm(data, choices=_member_choices(request, network, demand))
    return AttachForm(data)


def _perform(name: str, request: HttpRequest, network: Network, demand: AggregatedDemand, data: dict) -> Any:
    actor = request.user
    if name == "accept":
        return accept_demand(actor=actor, demand=demand, note=data["note"])
    if name == "discard":
        return discard_demand(actor=actor, demand=demand, note=data["note"])
    if name == "close":
        return close_demand(actor=actor, demand=demand, note=data["note"])
    if name == "reopen":
        return reopen_demand(actor=actor, demand=demand, note=data["note"])
    if name == "rename":
        return rename_demand(actor=actor, demand=demand, title=data["title"])
    if name == "answer":
        return answer_demand(actor=actor, demand=demand, answer=data["answer"])
    if name == "split":
        return split_demand(actor=actor, demand=demand, need_ids=data["needs"])
    if name == "merge":
        return merge_demands(actor=actor, target=demand, others=[data["other"]], note=data["note"])
    if name == "remove_need":
        need = Need.objects.get(pk=data["need"])
        return remove_need_from_demand(actor=actor, demand=demand, need=need, note=data["note"])
    need = Need.objects.filter(pk=data["need"], network=network).first()
    if need is None:
        raise ValidationError({"need": [_("There is no need with this number in the network.")]})
    return attach_need(actor=actor, demand=demand, need=need, force=data["force"], note=data["note"])


def _action(request: HttpRequest, network: Network, pk: int, name: str) -> HttpResponseBase:
    demand = get_demand_for_user(request.user, network, pk)
    action = ACTIONS[name]
    form = _build_form(name, request, network, demand)
    if request.method == "POST" and form.is_valid():
        try:
            result = _perform(name, request, network, demand, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, str(action.done))
            target = result if name == "split" and isinstance(result, AggregatedDemand) else demand
            return redirect("aggregation:demand_detail", network.slug, target.pk)
    context = {"nav": NAV, "demand": demand, "action": action, "form": form, "name": name}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "aggregation/action.html", context, status=status)


def _action_view(name: str) -> Callable[..., HttpResponseBase]:
    @require_http_methods(["GET", "POST"])
    @network_view(REVIEW)
    def view(request: HttpRequest, network: Network, pk: int) -> HttpResponseBase:
        return _action(request, network, pk, name)

    view.__name__ = f"demand_{name}"
    view.__doc__ = f"{ACTIONS[name].title}: GET shows the form, POST acts."
    return view


demand_accept = _action_view("accept")


demand_discard = _action_view("discard")


demand_rename = _action_view("rename")


demand_split = _action_view("split")


demand_merge = _action_view("merge")


demand_remove_need = _action_view("remove_need")


demand_attach = _action_view("attach")


demand_answer = _action_view("answer")


demand_close = _action_view("close")


demand_reopen = _action_view("reopen")
