"""Ties (legami) between people and organisations: list, create, edit, delete."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.pagination import IdFirstPaginator
from legami.network.capabilities import CHANGE_TIES as CHANGE
from legami.network.capabilities import VIEW_TIES as VIEW
from legami.network.forms.people import SEARCH_BUTTON
from legami.network.forms.ties import ENDS, TieFilterForm, TieForm, tie_initial
from legami.network.models import Network, Tie
from legami.network.selectors.people import get_person_for_user, people_matching
from legami.network.selectors.ties import get_tie_for_user, ties_for
from legami.network.services.ties import create_tie, delete_tie, update_tie


@require_GET
@network_view(VIEW)
def tie_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The ties the viewer may see, by kind or of one person, newest first."""
    form = TieFilterForm(request.GET)
    filters = form.filters()
    person = None
    if filters["person"]:
        try:
            person = get_person_for_user(request.user, network, filters["person"], capability=VIEW)
        except Http404:
            form.add_error("person", _("There is no person with this number that you can see."))
            filters["person"] = None
    ties = ties_for(request.user, network, **filters)
    page_obj = IdFirstPaginator(ties, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "ties",
        "form": form,
        "page_obj": page_obj,
        "person": person,
        "filtered": bool(filters["kind"] or filters["person"]),
    }
    return render(request, "network/ties/list.html", context)


def _search_form(request: HttpRequest, network: Network) -> TieForm:
    """The tie form re-rendered with the people matching the search of the end whose button was pressed."""
    end = request.POST.get(SEARCH_BUTTON)
    matches = {}
    if end in ENDS:
        matches[end] = people_matching(request.user, network, request.POST.get(f"{end}_search", ""), capability=CHANGE)
    return TieForm(initial=request.POST.dict(), matches=matches, viewer=request.user, network=network)


def _render_form(request: HttpRequest, form: TieForm, tie: Tie | None, searched: str | None = None) -> HttpResponse:
    context = {
        "nav": "ties",
        "form": form,
        "tie": tie,
        "searched": searched,
        "selected": {end: form.selected_person(end) for end in ENDS},
    }
    return render(request, "network/ties/form.html", context)


@require_http_methods(["GET", "POST"])
@network_view(CHANGE)
def tie_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Record a tie; `?source=<person id>` starts from that person (the "Add a tie" link of a person's page)."""
    kwargs = {"viewer": request.user, "network": network}
    if request.method == "POST" and SEARCH_BUTTON in request.POST:
        return _render_form(request, _search_form(request, network), None, request.POST.get(SEARCH_BUTTON))
    if request.method == "POST":
        form = TieForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                tie = create_tie(actor=request.user, network=network, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The tie has been recorded."))
                if tie.source_person_id:
                    return redirect("network:person_detail", network.slug, tie.source_person_id)
                return redirect("network:ties", network.slug)
    else:
        initial = {}
        for end in ENDS:
            if request.GET.get(end):
                try:
                    initial[f"{end}_person"] = get_person_for_user(
                        request.user, network, request.GET[end], capability=CHANGE
                    )
                except Http404:
                    pass
        form = TieForm(initial=initial, **kwargs)
    return _render_form(request, form, None)


@require_http_methods(["GET", "POST"])
@network_view(CHANGE)
def tie_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Edit a tie (kind, ends, dates, note)."""
    tie = get_tie_for_user(request.user, network, pk, capability=CHANGE)
    kwargs = {"viewer": request.user, "network": network}
    if request.method == "POST" and SEARCH_BUTTON in request.POST:
        return _render_form(request, _search_form(request, network), tie, request.POST.get(SEARCH_BUTTON))
    if request.method == "POST":
        form = TieForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                update_tie(actor=request.user, tie=tie, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("network:ties", network.slug)
    else:
        form = TieForm(initial=tie_initial(tie), **kwargs)
    return _render_form(request, form, tie)


@require_http_methods(["GET", "POST"])
@network_view(CHANGE)
def tie_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Ask for confirmation (GET), then delete the tie (POST)."""
    tie = get_tie_for_user(request.user, network, pk, capability=CHANGE)
    if request.method == "POST":
        delete_tie(actor=request.user, tie=tie)
        messages.success(request, _("The tie has been deleted."))
        return redirect("network:ties", network.slug)
    return render(request, "network/ties/confirm_delete.html", {"nav": "ties", "tie": tie})
