"""Pages of matching: run the engine (queued, with a page that follows it), the list of matches, one match with its
answers, a side's own proposals."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.pagination import IdFirstPaginator
from legami.core.permissions import can
from legami.exchange.capabilities import MANAGE_MATCHES, OFFER_OWN
from legami.exchange.forms.matching import (
    CancelForm,
    CompleteForm,
    MatchByHandForm,
    MatchFilterForm,
    NoteForm,
    RunMatchingForm,
)
from legami.exchange.models import Match, MatchStatus, Offer
from legami.exchange.selectors.matching import (
    get_match_for_user,
    get_matching_job_for_user,
    get_run_for_user,
    job_filter_names,
    job_run,
    match_history,
    matches_for_user,
    matching_jobs_under_way,
    matching_runs,
    my_matches,
)
from legami.exchange.services.matching import (
    PHASES,
    Side,
    accept_match,
    cancel_match,
    complete_match,
    decline_match,
    match_by_hand,
    sides_of,
    start_match,
    start_matching,
)
from legami.needs.models import Need
from legami.needs.timewindows import format_time_windows, windows_from_json
from legami.network.models import Network


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_MATCHES)
def matching(request: HttpRequest, network: Network) -> HttpResponse:
    """Queue a run of the engine over the open needs and offers (optionally one area or Comune); the latest runs."""
    # Bound on every POST, even one without fields (no filter: the whole network).
    form = RunMatchingForm(request.POST if request.method == "POST" else None, network=network)
    if request.method == "POST" and form.is_valid():
        filters = {name: value for name, value in form.cleaned_data.items() if value}
        try:
            job = start_matching(actor=request.user, network=network, filters=filters)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The matching has started."))
            return redirect("exchange:matching_job", network.slug, job.pk)
    return render(
        request,
        "exchange/matching/run.html",
        _matching_context(request, network, form=form),
        status=400 if form.errors else 200,
    )


def _matching_context(request: HttpRequest, network: Network, **forms: Any) -> dict:
    return {
        "nav": "matching",
        "form": RunMatchingForm(network=network),
        "by_hand": MatchByHandForm(),
        "runs": matching_runs(request.user, network),
        "under_way": matching_jobs_under_way(request.user, network),
    } | forms


@require_GET
@network_view(MANAGE_MATCHES)
def matching_job(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A queued run of the engine: its progress, then what it proposed (a link to the run) or why it failed; HTMX
    polls it every second for just the status fragment."""
    job = get_matching_job_for_user(request.user, network, pk)
    result = job.result or {}
    context = {
        "nav": "matching",
        "job": job,
        "result": result,
        "phase": result.get("phase", "") if job.status == job.Status.RUNNING else "",
        "phases": len(PHASES),
        "filter_names": job_filter_names(job),
        "run": job_run(job),
    }
    template = "exchange/matching/job.html"
    if getattr(request, "htmx", False):
        return render(request, f"{template}#job-status", context)
    return render(request, template, context)


@require_GET
@network_view(MANAGE_MATCHES)
def run_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """What one run found, and the matches it proposed."""
    run = get_run_for_user(request.user, network, pk)
    matches = matches_for_user(request.user, network, run=run).select_related(
        "need__area", "need__municipality", "need__neighbourhood", "offer__municipality"
    )
    page_obj = IdFirstPaginator(matches, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/matching/run_detail.html", {"nav": "matching", "run": run, "page_obj": page_obj})


@require_GET
@network_view(MANAGE_MATCHES)
def match_list(request: HttpRequest, network: Network) -> HttpResponse:
    """Every match of the needs the operator may see, newest first, by status."""
    form = MatchFilterForm(request.GET)
    matches = matches_for_user(request.user, network, **form.filters()).select_related(
        "need__area", "need__municipality", "need__neighbourhood", "offer__municipality"
    )
    page_obj = IdFirstPaginator(matches, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/matching/list.html", {"nav": "matches", "form": form, "page_obj": page_obj})


@network_view(MANAGE_MATCHES)
@require_POST
def match_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Pair a need and an offer by hand."""
    form = MatchByHandForm(request.POST)
    if form.is_valid():
        need = Need.objects.filter(network=network, pk=form.cleaned_data["need"]).first()
        offer = Offer.objects.filter(network=network, pk=form.cleaned_data["offer"]).first()
        if need is None:
            form.add_error("need", _("There is no need with this number in the network."))
        if offer is None:
            form.add_error("offer", _("There is no offer with this number in the network."))
        if need is not None and offer is not None:
            try:
                created = match_by_hand(
                    actor=request.user, network=network, need=need, offer=offer, note=form.cleaned_data["note"]
                )
            except PermissionDenied:
                form.add_error("need", _("There is no need with this number in the network."))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The match has been proposed to both sides."))
                return redirect("exchange:match_detail", network.slug, created.pk)
    return render(request, "exchange/matching/run.html", _matching_context(request, network, by_hand=form), status=400)


@require_GET
@network_view(OFFER_OWN)
def my_match_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The matches one takes part in: proposals to answer, help under way, what ended."""
    return render(
        request, "exchange/matching/mine.html", {"nav": "my_matches", "matches": my_matches(request.user, network)}
    )


def _match(request: HttpRequest, network: Network, pk: int) -> Match:
    return get_match_for_user(request.user, network, pk)


@require_GET
@network_view(OFFER_OWN)
def match_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """One match: both sides (as much as the viewer may see), why it fits, its history and the answers."""
    match = _match(request, network, pk)
    sides = sides_of(request.user, match)
    operator = can(request.user, MANAGE_MATCHES, network)
    live = match.status in (MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.ACTIVE)
    context = {
        "nav": "matches" if operator else "my_matches",
        "match": match,
        "operator": operator,
        "sides": sides,
        "need_windows": format_time_windows(windows_from_json(match.need.time_windows)),
        "offer_windows": format_time_windows(windows_from_json(match.offer.time_windows)),
        "may_accept_need": match.status == MatchStatus.PROPOSED
        and Side.NEED in sides
        and match.need_accepted_at is None,
        "may_accept_offer": match.status == MatchStatus.PROPOSED
        and Side.OFFER in sides
        and match.offer_accepted_at is None,
        "may_start": match.status == MatchStatus.ACCEPTED and Side.OFFER in sides,
        "may_complete": match.status == MatchStatus.ACTIVE and bool(sides),
        "may_cancel": live and bool(sides),
        "note_form": NoteForm(),
        "cancel_form": CancelForm(),
        "complete_form": CompleteForm(),
        "history": list(match_history(match)),
    }
    return render(request, "exchange/matching/detail.html", context)


ACTIONS = ("accept", "decline", "start", "complete", "cancel")


@network_view(OFFER_OWN)
@require_POST
def match_action(request: HttpRequest, network: Network, pk: int, action: str) -> HttpResponse:
    """Answer a match: accept or decline for a side, say it started or ended, cancel it."""
    if action not in ACTIONS:
        raise Http404
    match = _match(request, network, pk)
    side = request.POST.get("side", "")
    form: NoteForm | CancelForm | CompleteForm
    if action == "cancel":
        form = CancelForm(request.POST)
    elif action == "complete":
        form = CompleteForm(request.POST)
    else:
        form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        note = form.cleaned_data.get("note", "")
        if action == "accept":
            accept_match(actor=request.user, match=match, side=side, note=note)
            done = _("Your answer has been recorded: thank you.")
        elif action == "decline":
            decline_match(actor=request.user, match=match, side=side, note=note)
            done = _("The proposal has been declined.")
        elif action == "start":
            start_match(actor=request.user, match=match, started_on=form.cleaned_data.get("started_on"), note=note)
            done = _("The match is under way.")
        elif action == "complete":
            complete_match(actor=request.user, match=match, data=form.service_data())
            done = _("The match has ended: thank you for the feedback.")
        else:
            cancel_match(actor=request.user, match=match, note=note)
            done = _("The match has been cancelled.")
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("exchange:match_detail", network.slug, match.pk)
