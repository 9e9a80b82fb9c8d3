"""Operators' pages of needs: list with filters, detail with history and status change, create, edit, delete."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.languages import language_names
from legami.core.pagination import CountedPaginator
from legami.core.permissions import can
from legami.needs.capabilities import VIEW_CASE_NEEDS
from legami.needs.forms.needs import NeedFilterForm, NeedForm, NeedStatusForm, need_initial
from legami.needs.models import Need
from legami.needs.selectors.needs import (
    VIEW_NEEDS,
    count_needs_for_user,
    get_need_for_user,
    list_scope,
    need_history,
    needs_for_user,
)
from legami.needs.selectors.snapshot import needs_revision
from legami.needs.services.needs import CHANGE_NEEDS, change_need_status, delete_need, record_need, update_need
from legami.needs.timewindows import format_time_windows, windows_from_json
from legami.network.forms.people import SEARCH_BUTTON
from legami.network.models import Network
from legami.network.selectors.people import people_matching, person_in_scope

# (network, revision, reach, filters, query, language) -> (page, its rendered results): per process, a cache that the
# revision keeps exact.
_RESULTS: OrderedDict[tuple, tuple[Any, str]] = OrderedDict()
_RESULTS_KEPT = 64
_RESULTS_LOCK = threading.Lock()


def _windows_text(need: Need) -> str:
    return format_time_windows(windows_from_json(need.time_windows))


@require_GET
@network_view(VIEW_NEEDS)
def need_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The needs the viewer may see, filtered, newest first, a page at a time."""
    form = NeedFilterForm(request.GET, viewer=request.user, network=network)
    filters = form.filters()
    scope = list_scope(request.user, network)
    # The results (count, rows, pages) depend on the needs and the names they show, which the network's needs
    # revision follows (database triggers), on the viewer's reach, the filters, the page and the language.
    key = (
        network.pk,
        needs_revision(network),
        scope,
        tuple(sorted(filters.items())),
        request.GET.urlencode(),
        get_language(),
    )
    kept = _RESULTS.get(key)
    if kept is None:
        # The list shows neither the person nor the household, nor the contacts: no joins nor decryption for them.
        needs = (
            needs_for_user(request.user, network, **filters)
            .select_related(None)
            .select_related("area", "municipality", "neighbourhood")
            .defer("contact_name", "contact_email", "contact_phone", "time_windows")
        )
        # The count comes from the cached snapshot of the network's needs: no COUNT over 100,000 rows per page.
        count = count_needs_for_user(request.user, network, scope=scope, **filters)
        page_obj = CountedPaginator(needs, settings.LEGAMI_PAGE_SIZE, count=count).get_page(request.GET.get("page"))
        html = render_to_string(
            "needs/needs/_results.html",
            {"network": network, "page_obj": page_obj, "filtered": form.is_filtered},
            request=request,
        )
        kept = (page_obj, html)
        with _RESULTS_LOCK:
            _RESULTS[key] = kept
            while len(_RESULTS) > _RESULTS_KEPT:
                _RESULTS.popitem(last=False)
    page_obj, html = kept
    context = {
        "nav": "needs",
        "form": form,
        "page_obj": page_obj,
        "filtered": form.is_filtered,
        "results_html": html,
    }
    return render(request, "needs/needs/list.html", context)


def _can_change(request: HttpRequest, network: Network, need: Need) -> bool:
    if not can(request.user, CHANGE_NEEDS, network):
        return False
    return person_in_scope(request.user, need, CHANGE_NEEDS)


@require_GET
@network_view(VIEW_NEEDS)
def need_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """One need: every field, its history, and the status change form."""
    need = get_need_for_user(request.user, network, pk, purpose="need detail page")
    can_change = _can_change(request, network, need)
    context = {
        "nav": "needs",
        "need": need,
        "windows": _windows_text(need),
        "languages": language_names(need.languages or ()),
        "history": list(need_history(need)),
        "can_change": can_change,
        "status_form": NeedStatusForm(need=need) if can_change else None,
    }
    return render(request, "needs/needs/detail.html", context)


@network_view(CHANGE_NEEDS)
@require_POST
def need_status(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Move a need to another status (the form on the detail page)."""
    need = get_need_for_user(request.user, network, pk, purpose="need status change")
    form = NeedStatusForm(request.POST, need=need)
    if form.is_valid():
        try:
            change_need_status(
                actor=request.user, need=need, to_status=form.cleaned_data["to_status"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The need is now “%(status)s”.") % {"status": need.get_status_display()})
            return redirect("needs:need_detail", network.slug, need.pk)
    context = {
        "nav": "needs",
        "need": need,
        "windows": _windows_text(need),
        "history": list(need_history(need)),
        "can_change": True,
        "status_form": form,
    }
    return render(request, "needs/needs/detail.html", context, status=400)


def _searching(request: HttpRequest) -> bool:
    return request.method == "POST" and SEARCH_BUTTON in request.POST


def _person_matches(request: HttpRequest, network: Network) -> list:
    return people_matching(request.user, network, request.POST.get("person_search", ""), capability=CHANGE_NEEDS)


@require_http_methods(["GET", "POST"])
@network_view(CHANGE_NEEDS)
def need_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Record a need from an interview, a lab, a sentinel or the front office."""
    kwargs = {"viewer": request.user, "network": network}
    if _searching(request):
        form = NeedForm(initial=request.POST.dict(), person_matches=_person_matches(request, network), **kwargs)
    elif request.method == "POST":
        form = NeedForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                need = record_need(actor=request.user, network=network, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The need has been recorded."))
                if can(request.user, VIEW_CASE_NEEDS, network) or not need.is_case_data:
                    return redirect("needs:need_detail", network.slug, need.pk)
                return redirect("needs:needs", network.slug)
    else:
        form = NeedForm(**kwargs)
    return render(request, "needs/needs/form.html", {"nav": "needs", "form": form, "need": None})


@require_http_methods(["GET", "POST"])
@network_view(CHANGE_NEEDS)
def need_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Correct a need's details (its status changes on the detail page)."""
    need = get_need_for_user(request.user, network, pk, purpose="need edit page")
    if not _can_change(request, network, need):
        raise PermissionDenied(CHANGE_NEEDS)
    kwargs = {"viewer": request.user, "network": network}
    if _searching(request):
        form = NeedForm(initial=request.POST.dict(), person_matches=_person_matches(request, network), **kwargs)
    elif request.method == "POST":
        form = NeedForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                update_need(actor=request.user, need=need, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("needs:need_detail", network.slug, need.pk)
    else:
        form = NeedForm(initial=need_initial(need), **kwargs)
    return render(request, "needs/needs/form.html", {"nav": "needs", "form": form, "need": need})


@require_http_methods(["GET", "POST"])
@network_view(CHANGE_NEEDS)
def need_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Ask for confirmation (GET), then delete the need and its history (POST)."""
    need = get_need_for_user(request.user, network, pk, purpose="need delete page")
    if not _can_change(request, network, need):
        raise PermissionDenied(CHANGE_NEEDS)
    if request.method == "POST":
        delete_need(actor=request.user, need=need)
        messages.success(request, _("The need has been deleted."))
        return redirect("needs:needs", network.slug)
    return render(request, "needs/needs/confirm_delete.html", {"nav": "needs", "need": need})
