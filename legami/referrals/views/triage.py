"""Pages of the triage (coordinators and case managers, within their districts): the queue, one referral with
everything the sentinel wrote, its history and the moves the viewer may take now."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.http import site_base_url
from legami.core.pagination import IdFirstPaginator
from legami.network.models import Network
from legami.referrals.capabilities import TRIAGE_REFERRALS
from legami.referrals.forms.referrals import MOVE_FORMS, AssignForm, QueueFilterForm
from legami.referrals.models import Referral
from legami.referrals.selectors.referrals import (
    is_overdue,
    referral_for_triage,
    referral_history,
    referral_messages,
    triage_queue,
)
from legami.referrals.services.triage import (
    REFERRAL_WORKFLOW,
    ask_reporter,
    assign_referral,
    close_referral,
    redirect_referral,
)

NAV = "referrals_queue"
READ_PURPOSE = "referral triage"


@require_GET
@network_view(TRIAGE_REFERRALS)
def queue(request: HttpRequest, network: Network) -> HttpResponse:
    """Open referrals by due time, overdue ones flagged; or the decided ones. Never the referral's text."""
    decided = request.GET.get("decided") == "1"
    form = QueueFilterForm(request.GET, decided=decided)
    filters = form.filters()
    referrals = triage_queue(request.user, network, decided=decided, **filters)
    page_obj = IdFirstPaginator(referrals, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for referral in page_obj.object_list:
        referral.overdue = is_overdue(referral, now)
        referral.age = timesince(referral.created_at, now, depth=1)
    context = {
        "nav": NAV,
        "form": form,
        "page_obj": page_obj,
        "decided": decided,
        "filtered": any(filters.values()),
    }
    return render(request, "referrals/queue.html", context)


def _moves(request: HttpRequest, network: Network, referral: Referral) -> list[str]:
    """The names of the moves the viewer may take now on the detail page (the reporter's answer and the taking
    in charge, which opens a case in the pacts app, are not among them)."""
    return [
        t.name for t in REFERRAL_WORKFLOW.available(referral, request.user, network=network) if t.name in MOVE_FORMS
    ]


def _form(name: str, referral: Referral, data: Any = None) -> Any:
    form_class = MOVE_FORMS[name]
    if form_class is AssignForm:
        return AssignForm(data, referral=referral, prefix=name)
    return form_class(data, prefix=name)


def _detail(
    request: HttpRequest, network: Network, referral: Referral, bound: Any = None, move: str = ""
) -> HttpResponse:
    moves = _moves(request, network, referral)
    forms = {name: bound if name == move else _form(name, referral) for name in moves}
    if bound is not None and move not in forms:
        # A move the referral no longer allows (someone else acted first): its form shows why.
        forms[move] = bound
    available = {t.name for t in REFERRAL_WORKFLOW.available(referral, request.user, network=network)}
    context = {
        "nav": NAV,
        "referral": referral,
        "overdue": is_overdue(referral),
        "age": timesince(referral.created_at, depth=1),
        "history": list(referral_history(referral)),
        "exchange": list(referral_messages(referral)),
        "forms": forms,
        "failed": move,
        "failed_form": bound,
        "may_take_in_charge": "accept" in available,
        "assign_to_me": "assign" in moves and referral.assigned_to_id != request.user.pk,
    }
    return render(request, "referrals/detail.html", context, status=400 if bound is not None else 200)


@require_GET
@network_view(TRIAGE_REFERRALS)
def detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """One referral: what the sentinel wrote, the questions and answers, the history, the moves."""
    referral = referral_for_triage(request.user, network, pk, purpose=READ_PURPOSE)
    return _detail(request, network, referral)


SERVICES = {
    "assign": assign_referral,
    "ask": ask_reporter,
    "redirect": redirect_referral,
    "close": close_referral,
}
DONE = {
    "assign": _("The referral has been assigned."),
    "ask": _("The question has been sent: the reporter receives an e-mail with a link."),
    "redirect": _("The referral has been sent to the other service."),
    "close": _("The referral has been closed."),
}


@network_view(TRIAGE_REFERRALS)
@require_POST
def move(request: HttpRequest, network: Network, pk: int, move: str) -> HttpResponse:
    """Assign, ask the reporter, redirect or close (POST); a refusal shows the referral again with the error."""
    if move not in SERVICES:
        raise Http404
    referral = referral_for_triage(request.user, network, pk, purpose=READ_PURPOSE)
    if request.POST.get("assign_to_me") and move == "assign":
        data = request.POST.copy()
        data[f"{move}-assignee"] = str(request.user.pk)
        form = _form(move, referral, data)
    else:
        form = _form(move, referral, request.POST)
    if form.is_valid():
        kwargs: dict[str, Any] = {"actor": request.user, "referral": referral, "data": form.service_data()}
        if move == "ask":
            kwargs["base_url"] = site_base_url(request)
        try:
            SERVICES[move](**kwargs)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, str(DONE[move]))
            return redirect("referrals:detail", network.slug, referral.pk)
    return _detail(request, network, referral, bound=form, move=move)
