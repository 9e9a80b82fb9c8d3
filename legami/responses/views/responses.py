"""Pages of responses: the public list and accountability page, and the operators' pages to design a response,
move it along its life, and keep its partners, budget, milestones and what it answers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core import smallnumbers
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.network.models import Network
from legami.responses.capabilities import MANAGE_RESPONSES as MANAGE
from legami.responses.capabilities import RECORD_COPRODUCTION
from legami.responses.forms.responses import (
    AnswersForm,
    BudgetForm,
    MilestoneForm,
    NoteForm,
    PartnerForm,
    ReachedForm,
    ResponseFilterForm,
    ResponseForm,
)
from legami.responses.models import Milestone
from legami.responses.selectors.coproduction import KINDS, totals_by_contributor
from legami.responses.selectors.responses import (
    answered_figures,
    budget_by_source,
    get_budget_line,
    get_partner,
    get_response,
    history,
    responses_for,
    timeline,
)
from legami.responses.services import responses as services
from legami.responses.services.responses import (
    RESPONSE_WORKFLOW,
    TRANSITIONS,
    add_partner,
    candidate_demands,
    candidate_needs,
    candidate_proposals,
    create_budget_line,
    create_milestone,
    create_response,
    delete_budget_line,
    link_answers,
    mark_milestone_reached,
    remove_partner,
    update_budget_line,
    update_milestone,
    update_response,
)

NAV = "responses"
FORM = "responses/responses/form.html"


def _back(network: Network, pk: int) -> HttpResponse:
    return redirect("responses:response_detail", network.slug, pk)


@require_GET
@network_view()
def response_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's responses with their status and progress (public)."""
    form = ResponseFilterForm(request.GET)
    responses = responses_for(network, **form.filters())
    page_obj = Paginator(responses, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": NAV,
        "form": form,
        "page_obj": page_obj,
        "can_manage": request.user.is_authenticated and can(request.user, MANAGE, network),
        "filtered": any(form.filters().values()),
    }
    return render(request, "responses/responses/list.html", context)


@require_GET
@network_view()
def response_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A response's public accountability page: what it is, who takes part and brings what, what it answers,
    its budget by source, milestones and timeline, who contributed what, and its give-back places."""
    response = get_response(network, pk)
    user = request.user
    can_manage = user.is_authenticated and can(user, MANAGE, network)
    limit = smallnumbers.limit_for(user, network)
    context = {
        "nav": NAV,
        "response": response,
        "answered": answered_figures(response, limit=limit),
        "k": smallnumbers.k(),
        "budget": budget_by_source(response),
        "timeline": timeline(response),
        "contributors": totals_by_contributor(response, limit=limit),
        "kinds": KINDS,
        "can_manage": can_manage,
        "can_record": user.is_authenticated and can(user, RECORD_COPRODUCTION, network),
        "transitions": RESPONSE_WORKFLOW.available(response, user, network=network) if can_manage else [],
        "events": history(response) if can_manage else [],
    }
    return render(request, "responses/responses/detail.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def response_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Design a new response."""
    form = ResponseForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            response = create_response(actor=request.user, network=network, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The response was created: now add its partners, budget and milestones."))
            return _back(network, response.pk)
    context = {"nav": NAV, "form": form, "response": None, "title": _("New response")}
    return render(request, FORM, context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def response_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change what a response is."""
    response = get_response(network, pk)
    form = ResponseForm(request.POST or None, network=network, initial=ResponseForm.initial_for(response))
    if request.method == "POST" and form.is_valid():
        try:
            update_response(actor=request.user, response=response, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The response was saved."))
            return _back(network, response.pk)
    context = {"nav": NAV, "form": form, "response": response, "title": _("Edit the response")}
    return render(request, FORM, context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def response_move(request: HttpRequest, network: Network, pk: int, transition: str) -> HttpResponse:
    """Start, suspend, resume, complete or cancel a response (GET shows the confirmation, POST acts)."""
    step = TRANSITIONS.get(transition)
    if step is None:
        raise Http404
    response = get_response(network, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_move(
                actor=request.user, response=response, transition=transition, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The response is now “%(status)s”.") % {"status": RESPONSE_WORKFLOW.label(step.target)},
            )
            return _back(network, response.pk)
    context = {
        "nav": NAV,
        "response": response,
        "form": form,
        "title": step.label,
        "submit": step.label,
        "danger": transition == "cancel",
        "explanation": _("The note and the new status appear on the response's public timeline.")
        if transition != "cancel"
        else _("Say why the response is cancelled: the reason appears on its public timeline."),
        "possible": response.status in step.sources,
    }
    return render(request, "responses/responses/action.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def response_answers(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Link the demands, needs and accepted proposals a response answers, and its process."""
    response = get_response(network, pk)
    user = request.user
    linked = {
        "demands": set(response.demands.values_list("pk", flat=True)),
        "needs": set(response.needs.values_list("pk", flat=True)),
        "proposals": set(response.proposals.values_list("pk", flat=True)),
    }
    form = AnswersForm(
        request.POST or None,
        network=network,
        demands=candidate_demands(user, network).exclude(pk__in=linked["demands"]),
        needs=candidate_needs(user, network).exclude(pk__in=linked["needs"]),
        proposals=candidate_proposals(network).exclude(pk__in=linked["proposals"]),
        initial={"process": response.process},
    )
    if request.method == "POST" and form.is_valid():
        try:
            link_answers(actor=user, response=response, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("What the response answers was saved."))
            return _back(network, response.pk)
    context = {
        "nav": NAV,
        "response": response,
        "form": form,
        "linked_demands": response.demands.order_by("title"),
        "linked_needs": response.needs.count(),
        "linked_proposals": response.proposals.order_by("title"),
    }
    return render(request, "responses/responses/answers.html", context, status=400 if form.errors else 200)


# --- partners, budget, milestones ------------------------------------------------------------------------


def _small_form(request: HttpRequest, context: dict[str, Any], *, status: int) -> HttpResponse:
    return render(request, "responses/responses/part_form.html", {"nav": NAV, **context}, status=status)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def partner_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Add a partner to a response, with its role and what it brings."""
    response = get_response(network, pk)
    form = PartnerForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            add_partner(actor=request.user, response=response, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The partner was added."))
            return _back(network, response.pk)
    context = {"response": response, "form": form, "title": _("Add a partner")}
    return _small_form(request, context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def partner_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Remove a partner from a response."""
    partner = get_partner(network, pk)
    response = partner.response
    if request.method == "POST":
        remove_partner(actor=request.user, partner=partner)
        messages.success(request, _("The partner was removed."))
        return _back(network, response.pk)
    context = {
        "response": response,
        "title": _("Remove a partner"),
        "explanation": _(
            "“%(name)s” will no longer be shown among the partners of the response; "
            "what it contributed stays in the ledger."
        )
        % {"name": partner.organization.name},
        "submit": _("Remove"),
        "danger": True,
    }
    return _small_form(request, context, status=200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def budget_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Add a line to a response's budget."""
    response = get_response(network, pk)
    form = BudgetForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            create_budget_line(actor=request.user, response=response, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The budget line was added."))
            return _back(network, response.pk)
    context = {"response": response, "form": form, "title": _("Add a budget line")}
    return _small_form(request, context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def budget_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change a budget line."""
    line = get_budget_line(network, pk)
    response = line.response
    form = BudgetForm(request.POST or None, network=network, initial=BudgetForm.initial_for(line))
    if request.method == "POST" and form.is_valid():
        try:
            update_budget_line(actor=request.user, line=line, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The budget line was saved."))
            return _back(network, response.pk)
    context = {"response": response, "form": form, "title": _("Edit the budget line")}
    return _small_form(request, context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def budget_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Remove a budget line."""
    line = get_budget_line(network, pk)
    response = line.response
    if request.method == "POST":
        delete_budget_line(actor=request.user, line=line)
        messages.success(request, _("The budget line was removed."))
        return _back(network, response.pk)
    context = {
        "response": response,
        "title": _("Remove the budget line"),
        "explanation": _("The line “%(description)s” will be removed from the budget.")
        % {"description": line.description},
        "submit": _("Remove"),
        "danger": True,
    }
    return _small_form(request, context, status=200)


def _milestone_for(network: Network, pk: int) -> Milestone:
    milestone = Milestone.objects.select_related("response__network").filter(pk=pk, response__network=network).first()
    if milestone is None:
        raise Http404
    return milestone


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def milestone_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Add a milestone to a response."""
    response = get_response(network, pk)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_milestone(actor=request.user, response=response, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The milestone was added."))
            return _back(network, response.pk)
    context = {"response": response, "form": form, "title": _("Add a milestone")}
    return _small_form(request, context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def milestone_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change a milestone."""
    milestone = _milestone_for(network, pk)
    response = milestone.response
    form = MilestoneForm(request.POST or None, initial=MilestoneForm.initial_for(milestone))
    if request.method == "POST" and form.is_valid():
        try:
            update_milestone(actor=request.user, milestone=milestone, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The milestone was saved."))
            return _back(network, response.pk)
    context = {"response": response, "form": form, "title": _("Edit the milestone")}
    return _small_form(request, context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def milestone_reached(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Mark a milestone reached on a day: the progress is recomputed and the timeline shows it."""
    milestone = _milestone_for(network, pk)
    response = milestone.response
    form = ReachedForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            mark_milestone_reached(actor=request.user, milestone=milestone, done_on=form.cleaned_data["done_on"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The milestone was marked as reached."))
            return _back(network, response.pk)
    context = {
        "response": response,
        "form": form,
        "title": _("Milestone reached"),
        "explanation": _(
            "“%(title)s”: the progress of the response is recomputed and its public timeline shows the day."
        )
        % {"title": milestone.title},
        "submit": _("Mark as reached"),
    }
    return _small_form(request, context, status=400 if form.errors else 200)
