"""Pages of co-design tables: the list and a call's page, drafting and editing, criteria, the call's life,
applications (apply, withdraw, exclude), scoring, the ranking, the award and the convention as PDF."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.network.models import Network
from legami.responses.capabilities import (
    CONTRIBUTE,
    MANAGE_COPROGRAMMING,
    SCORE_APPLICATIONS,
    VIEW_RESPONSES,
)
from legami.responses.forms.calls import (
    ApplicationForm,
    AwardForm,
    CallFilterForm,
    CallForm,
    CriterionForm,
    ExcludeForm,
    NoteForm,
    ScoreForm,
)
from legami.responses.models import ApplicationStatus, CallStatus
from legami.responses.selectors.calls import (
    application_scores,
    applications_for,
    call_events,
    calls_for,
    get_application_for,
    get_call_for,
    get_convention_response,
    get_criterion_for,
    own_organization_ids,
    ranking,
    scores_by,
    sees_drafts,
    sees_every_application,
)
from legami.responses.services.awards import award_call
from legami.responses.services.calls import (
    CALL_WORKFLOW,
    MOVES,
    accepts_applications,
    create_call,
    create_criterion,
    delete_criterion,
    exclude_application,
    may_act_for,
    missing_scores,
    move_call,
    score_application,
    score_refusal,
    submit_application,
    update_call,
    update_criterion,
    withdraw_application,
)
from legami.responses.services.common import acts_only_for_own

NAV = "calls"


@require_GET
@network_view(VIEW_RESPONSES)
def call_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's co-design tables; drafts for those who run them."""
    drafts = sees_drafts(request.user, network)
    form = CallFilterForm(request.GET, drafts=drafts)
    calls = calls_for(request.user, network, **form.filters())
    page_obj = Paginator(calls, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": NAV,
        "form": form,
        "page_obj": page_obj,
        "can_manage": drafts,
        "filtered": any(form.filters().values()),
    }
    return render(request, "responses/calls/list.html", context)


@require_GET
@network_view(VIEW_RESPONSES)
def call_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A call: purpose, Comuni, duration, budget, requirements, phases, criteria, applications and what to do."""
    call = get_call_for(request.user, network, pk)
    user = request.user
    can_manage = can(user, MANAGE_COPROGRAMMING, network)
    criteria = list(call.criteria.all())
    applications = list(applications_for(user, call))
    own = own_organization_ids(user, network)
    response = getattr(call, "response", None) if call.status == CallStatus.AWARDED else None
    context = {
        "nav": NAV,
        "call": call,
        "criteria": criteria,
        "weights": sum(c.weight for c in criteria),
        "applications": applications,
        "all_applications": sees_every_application(user, network),
        "can_apply": can(user, CONTRIBUTE, network)
        and accepts_applications(call) is None
        and not (acts_only_for_own(user, network) and any(a.organization_id in own for a in applications)),
        "can_score": can(user, SCORE_APPLICATIONS, network) and call.status == CallStatus.EVALUATION,
        "can_manage": can_manage,
        "transitions": [t for t in CALL_WORKFLOW.available(call, user, network=network) if t.name in MOVES]
        if can_manage
        else [],
        "can_award": can_manage and call.status == CallStatus.RANKED,
        "missing": len(missing_scores(call)) if can_manage and call.status == CallStatus.EVALUATION else 0,
        "response": response,
        "events": call_events(call) if can_manage else [],
    }
    return render(request, "responses/calls/detail.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_COPROGRAMMING)
def call_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Draft a co-design table."""
    form = CallForm(request.POST if request.method == "POST" else None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            call = create_call(actor=request.user, network=network, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call was drafted: add its criteria, then open it."))
            return redirect("responses:call_detail", network.slug, call.pk)
    status = 400 if form.errors else 200
    return render(request, "responses/calls/form.html", {"nav": NAV, "form": form, "call": None}, status=status)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_COPROGRAMMING)
def call_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change a draft call."""
    call = get_call_for(request.user, network, pk)
    form = CallForm(
        request.POST if request.method == "POST" else None, network=network, initial=CallForm.initial_for(call)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_call(actor=request.user, call=call, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call was saved."))
            return redirect("responses:call_detail", network.slug, call.pk)
    status = 400 if form.errors else 200
    return render(request, "responses/calls/form.html", {"nav": NAV, "form": form, "call": call}, status=status)


@dataclass(frozen=True)
class Action:
    title: str | Promise
    explanation: str | Promise
    submit: str | Promise
    done: str | Promise
    danger: bool = False


ACTIONS: dict[str, Action] = {
    "open": Action(
        gettext_lazy("Open the call"),
        gettext_lazy("Partners may apply until the closing day. The criteria and their weights can no longer change."),
        gettext_lazy("Open"),
        gettext_lazy("The call is open for applications."),
    ),
    "evaluate": Action(
        gettext_lazy("Close applications and evaluate"),
        gettext_lazy("No more applications are taken; evaluators may score each application on each criterion."),
        gettext_lazy("Start the evaluation"),
        gettext_lazy("The call is under evaluation."),
    ),
    "rank": Action(
        gettext_lazy("Compute the ranking"),
        gettext_lazy(
            "Each application's weighted score out of 100 is computed from the evaluators' scores; "
            "scores can no longer change."
        ),
        gettext_lazy("Compute the ranking"),
        gettext_lazy("The ranking was computed."),
    ),
    "cancel": Action(
        gettext_lazy("Cancel the call"),
        gettext_lazy("The call ends without a result; its page and applications stay visible."),
        gettext_lazy("Cancel the call"),
        gettext_lazy("The call was cancelled."),
        danger=True,
    ),
}


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_COPROGRAMMING)
def call_move(request: HttpRequest, network: Network, pk: int, transition: str) -> HttpResponse:
    """Open, evaluate, rank or cancel a call (GET asks for confirmation, POST acts)."""
    if transition not in ACTIONS:
        raise Http404
    call = get_call_for(request.user, network, pk)
    action = ACTIONS[transition]
    form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            move_call(actor=request.user, call=call, transition=transition, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, str(action.done))
            return redirect("responses:call_detail", network.slug, call.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "call": call, "action": action, "form": form}
    return render(request, "responses/calls/action.html", context, status=status)


# --- criteria -------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_COPROGRAMMING)
def criterion_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Add a criterion to a draft call."""
    call = get_call_for(request.user, network, pk)
    form = CriterionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            create_criterion(actor=request.user, call=call, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The criterion was added."))
            return redirect("responses:call_detail", network.slug, call.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "call": call, "form": form, "criterion": None}
    return render(request, "responses/calls/criterion_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_COPROGRAMMING)
def criterion_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change a criterion of a draft call."""
    criterion = get_criterion_for(request.user, network, pk)
    call = criterion.call
    form = CriterionForm(
        request.POST if request.method == "POST" else None, initial=CriterionForm.initial_for(criterion)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_criterion(actor=request.user, criterion=criterion, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The criterion was saved."))
            return redirect("responses:call_detail", network.slug, call.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "call": call, "form": form, "criterion": criterion}
    return render(request, "responses/calls/criterion_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_COPROGRAMMING)
def criterion_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Remove a criterion from a draft call."""
    criterion = get_criterion_for(request.user, network, pk)
    call = criterion.call
    form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            delete_criterion(actor=request.user, criterion=criterion)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The criterion was removed."))
            return redirect("responses:call_detail", network.slug, call.pk)
    status = 400 if form.errors else 200
    action = Action(
        gettext_lazy("Remove the criterion"),
        _("The criterion “%(name)s” will be removed from the call.") % {"name": criterion.name},
        gettext_lazy("Remove"),
        "",
        danger=True,
    )
    context = {"nav": NAV, "call": call, "action": action, "form": form}
    return render(request, "responses/calls/action.html", context, status=status)


# --- applications ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@network_view(CONTRIBUTE)
def application_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Apply to an open call (partner staff for their own organisation)."""
    call = get_call_for(request.user, network, pk)
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        network=network,
        own_only=acts_only_for_own(request.user, network),
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = submit_application(actor=request.user, call=call, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your application was submitted."))
            return redirect("responses:application_detail", network.slug, application.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "call": call, "form": form, "closed_reason": accepts_applications(call)}
    return render(request, "responses/calls/application_form.html", context, status=status)


@require_GET
@network_view(VIEW_RESPONSES)
def application_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """An application: proposal, partners, resources, status; its scores for who runs the call."""
    application = get_application_for(request.user, network, pk)
    call = application.call
    user = request.user
    can_manage = can(user, MANAGE_COPROGRAMMING, network)
    is_evaluator = can(user, SCORE_APPLICATIONS, network)
    context = {
        "nav": NAV,
        "application": application,
        "call": call,
        "can_withdraw": call.status == CallStatus.OPEN
        and application.status == ApplicationStatus.SUBMITTED
        and may_act_for(user, application),
        "can_exclude": can_manage
        and application.status == ApplicationStatus.SUBMITTED
        and call.status in (CallStatus.OPEN, CallStatus.EVALUATION),
        "can_score": is_evaluator and score_refusal(user, application) is None,
        "score_refusal": score_refusal(user, application)
        if is_evaluator and call.status == CallStatus.EVALUATION
        else "",
        # Who gave which score is for who runs the call (the ranking shows the means to everyone).
        "scores": application_scores(application) if can_manage else [],
    }
    return render(request, "responses/calls/application_detail.html", context)


def _application_action(
    request: HttpRequest, network: Network, pk: int, *, action: Action, form_class: type, run
) -> HttpResponse:
    application = get_application_for(request.user, network, pk)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            run(application, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, str(action.done))
            return redirect("responses:application_detail", network.slug, application.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "application": application, "call": application.call, "action": action, "form": form}
    return render(request, "responses/calls/application_action.html", context, status=status)


@require_http_methods(["GET", "POST"])
@network_view(CONTRIBUTE)
def application_withdraw(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The applicant withdraws its application while the call is open."""
    action = Action(
        gettext_lazy("Withdraw the application"),
        gettext_lazy("The application will not be evaluated. It cannot be submitted again by the same organisation."),
        gettext_lazy("Withdraw"),
        gettext_lazy("The application was withdrawn."),
        danger=True,
    )
    return _application_action(
        request,
        network,
        pk,
        action=action,
        form_class=NoteForm,
        run=lambda app, data: withdraw_application(actor=request.user, application=app, note=data["note"]),
    )


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_COPROGRAMMING)
def application_exclude(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Exclude an application, with the reason."""
    action = Action(
        gettext_lazy("Exclude the application"),
        gettext_lazy("The application will not be ranked; the reason is shown on its page."),
        gettext_lazy("Exclude"),
        gettext_lazy("The application was excluded."),
        danger=True,
    )
    return _application_action(
        request,
        network,
        pk,
        action=action,
        form_class=ExcludeForm,
        run=lambda app, data: exclude_application(actor=request.user, application=app, reason=data["reason"]),
    )


@require_http_methods(["GET", "POST"])
@network_view(SCORE_APPLICATIONS)
def application_score(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Score an application on each criterion, with a reason (an evaluator of an organisation in it may not)."""
    application = get_application_for(request.user, network, pk)
    call = application.call
    criteria = list(call.criteria.order_by("position", "id"))
    mine = scores_by(application, request.user)
    form = ScoreForm(
        request.POST if request.method == "POST" else None, criteria=criteria, initial=ScoreForm.initial_for(mine)
    )
    refusal = score_refusal(request.user, application)
    if request.method == "POST" and form.is_valid():
        try:
            score_application(actor=request.user, application=application, scores=form.service_scores())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your scores were saved."))
            return redirect("responses:application_detail", network.slug, application.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "application": application, "call": call, "form": form, "refusal": refusal}
    return render(request, "responses/calls/score_form.html", context, status=status)


@require_GET
@network_view(VIEW_RESPONSES)
def call_ranking(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The ranked applications with their weighted scores and the mean score on each criterion."""
    call = get_call_for(request.user, network, pk)
    ranked = call.status in (CallStatus.RANKED, CallStatus.AWARDED)
    context = {"nav": NAV, "call": call, "ranked": ranked, "ranking": ranking(call) if ranked else None}
    return render(request, "responses/calls/ranking.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_COPROGRAMMING)
def call_award(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Choose the selected application(s) of a ranked call: the Response is made from them."""
    call = get_call_for(request.user, network, pk)
    form = AwardForm(request.POST if request.method == "POST" else None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            award_call(
                actor=request.user,
                call=call,
                applications=list(form.cleaned_data["applications"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call was awarded and its Response created."))
            return redirect("responses:call_detail", network.slug, call.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "call": call, "form": form, "ranked": call.status == CallStatus.RANKED}
    return render(request, "responses/calls/award.html", context, status=status)


@require_GET
@network_view(VIEW_RESPONSES)
def convention_pdf(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The convention of a Response made by a co-design table, as PDF: partners, budget by source, signatures."""
    from legami.responses.views.pdf import pdf_response

    response = get_convention_response(request.user, network, pk)
    lines = list(response.budget.all())
    by_source: dict[str, dict] = {}
    for line in lines:
        group = by_source.setdefault(line.source, {"label": line.get_source_display(), "lines": [], "total": 0})
        group["lines"].append(line)
        group["total"] += line.amount
    context = {
        "network": network,
        "response": response,
        "call": response.call,
        "partners": list(response.partners.all()),
        "sources": list(by_source.values()),
        "total": sum((line.amount for line in lines), 0),
        "printed_at": timezone.localtime(),
    }
    filename = f"convenzione-{slugify(response.title)[:60] or response.pk}.pdf"
    return pdf_response(request, "responses/calls/convention_pdf.html", context, filename=filename)
