"""Pages of co-programming rounds: the list, a round with its analysis, figures and contributions, contributing,
closing with the priorities, a contribution's file and the outcome document as PDF."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core import smallnumbers
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.network.models import Network
from legami.responses.capabilities import CONTRIBUTE, MANAGE_COPROGRAMMING, VIEW_RESPONSES
from legami.responses.forms.coprogramming import CloseForm, ContributionForm, RoundFilterForm, RoundForm
from legami.responses.selectors.coprogramming import (
    contributions_of,
    figures_for,
    get_contribution_for,
    get_round_for,
    round_events,
    rounds_for,
)
from legami.responses.services.common import acts_only_for_own
from legami.responses.services.coprogramming import (
    COPROGRAMMING_WORKFLOW,
    accepts_contributions,
    add_contribution,
    close_round,
    open_round,
    signs_as_lead,
)

NAV = "coprogramming"


@require_GET
@network_view(VIEW_RESPONSES)
def round_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's co-programming rounds, newest first."""
    form = RoundFilterForm(request.GET)
    rounds = rounds_for(request.user, network, **form.filters())
    page_obj = Paginator(rounds, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": NAV,
        "form": form,
        "page_obj": page_obj,
        "can_manage": can(request.user, MANAGE_COPROGRAMMING, network),
        "filtered": any(form.filters().values()),
    }
    return render(request, "responses/coprogramming/list.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_COPROGRAMMING)
def round_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Open a co-programming round."""
    form = RoundForm(request.POST if request.method == "POST" else None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = open_round(actor=request.user, network=network, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The round is open: partners may now add their contributions."))
            return redirect("responses:coprogramming_detail", network.slug, round_.pk)
    status = 400 if form.errors else 200
    return render(request, "responses/coprogramming/form.html", {"nav": NAV, "form": form}, status=status)


@require_GET
@network_view(VIEW_RESPONSES)
def round_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A round: the shared analysis, linked demands and surveys, territorial figures, contributions, priorities."""
    round_ = get_round_for(request.user, network, pk)
    user = request.user
    can_manage = can(user, MANAGE_COPROGRAMMING, network)
    context = {
        "nav": NAV,
        "round": round_,
        "figures": figures_for(round_, limit=smallnumbers.limit_for(user, network)),
        "k": smallnumbers.k(),
        "contributions": contributions_of(round_),
        "can_contribute": can(user, CONTRIBUTE, network) and accepts_contributions(round_) is None,
        "closed_reason": accepts_contributions(round_),
        "can_manage": can_manage,
        "transitions": COPROGRAMMING_WORKFLOW.available(round_, user, network=network) if can_manage else [],
        "events": round_events(round_) if can_manage else [],
    }
    return render(request, "responses/coprogramming/detail.html", context)


@require_http_methods(["GET", "POST"])
@network_view(CONTRIBUTE)
def contribute(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Add a contribution to an open round (partner staff for their own organisation)."""
    round_ = get_round_for(request.user, network, pk)
    own_only = acts_only_for_own(request.user, network)
    form = ContributionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        network=network,
        own_only=own_only,
    )
    closed = accepts_contributions(round_)
    if request.method == "POST" and form.is_valid():
        try:
            add_contribution(actor=request.user, coprogramming=round_, data=dict(form.cleaned_data))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your contribution was added to the round."))
            return redirect("responses:coprogramming_detail", network.slug, round_.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "round": round_, "form": form, "closed_reason": closed}
    return render(request, "responses/coprogramming/contribute.html", context, status=status)


@require_GET
@network_view(VIEW_RESPONSES)
def contribution_file(request: HttpRequest, network: Network, pk: int) -> FileResponse:
    """A contribution's file, as a download (never shown inline)."""
    contribution = get_contribution_for(request.user, network, pk)
    if not contribution.file:
        raise Http404
    try:
        handle = contribution.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = Path(contribution.file.name).name
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_COPROGRAMMING)
def round_close(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Close a round writing the priorities, signed off by (or for) the lead partner."""
    round_ = get_round_for(request.user, network, pk)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            close_round(
                actor=request.user,
                coprogramming=round_,
                priorities=data["priorities"],
                for_lead=data["for_lead"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The round is closed and its priorities signed off."))
            return redirect("responses:coprogramming_detail", network.slug, round_.pk)
    status = 400 if form.errors else 200
    context = {"nav": NAV, "round": round_, "form": form, "own_signature": signs_as_lead(request.user, round_)}
    return render(request, "responses/coprogramming/close.html", context, status=status)


@require_GET
@network_view(VIEW_RESPONSES)
def outcome_pdf(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The round's outcome document as PDF: analysis, contributions, priorities and the signature line."""
    from legami.responses.views.pdf import pdf_response

    round_ = get_round_for(request.user, network, pk)
    context = {
        "network": network,
        "round": round_,
        "contributions": contributions_of(round_),
        "printed_at": timezone.localtime(),
    }
    filename = f"co-programmazione-{slugify(round_.title)[:60] or round_.pk}.pdf"
    return pdf_response(request, "responses/coprogramming/outcome_pdf.html", context, filename=filename)
