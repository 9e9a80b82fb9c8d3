"""Households (nuclei familiari): list, detail with members, create, edit, delete."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.pagination import IdFirstPaginator
from legami.network.capabilities import CHANGE_PEOPLE as CHANGE
from legami.network.capabilities import VIEW_PEOPLE as VIEW
from legami.network.forms.households import HouseholdFilterForm, HouseholdForm, household_initial
from legami.network.models import Network
from legami.network.selectors.households import get_household_for_user, households_for
from legami.network.selectors.people import household_members, municipality_in_scope
from legami.network.services.households import create_household, delete_household, update_household


@require_GET
@network_view(VIEW)
def household_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The households the viewer may see, with how many members each has."""
    form = HouseholdFilterForm(request.GET, viewer=request.user, network=network)
    filters = form.filters()
    households = households_for(request.user, network, **filters)
    page_obj = IdFirstPaginator(households, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "households",
        "form": form,
        "page_obj": page_obj,
        "filtered": bool(filters["search"] or filters["municipality"]),
    }
    return render(request, "network/households/list.html", context)


@require_GET
@network_view(VIEW)
def household_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """One household and its members."""
    household = get_household_for_user(request.user, network, pk)
    context = {
        "nav": "households",
        "household": household,
        "members": list(household_members(request.user, network, household)),
        "can_change": municipality_in_scope(request.user, network, household.municipality_id, CHANGE),
    }
    return render(request, "network/households/detail.html", context)


@require_http_methods(["GET", "POST"])
@network_view(CHANGE)
def household_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Register a household."""
    form = HouseholdForm(request.POST or None, viewer=request.user, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            household = create_household(actor=request.user, network=network, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The household “%(name)s” has been added.") % {"name": household.name})
            return redirect("network:household_detail", network.slug, household.pk)
    return render(request, "network/households/form.html", {"nav": "households", "form": form, "household": None})


@require_http_methods(["GET", "POST"])
@network_view(CHANGE)
def household_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Edit a household's name, address and place."""
    household = get_household_for_user(request.user, network, pk, capability=CHANGE)
    if request.method == "POST":
        form = HouseholdForm(request.POST, viewer=request.user, network=network)
        if form.is_valid():
            try:
                update_household(actor=request.user, household=household, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("network:household_detail", network.slug, household.pk)
    else:
        form = HouseholdForm(initial=household_initial(household), viewer=request.user, network=network)
    context = {"nav": "households", "form": form, "household": household}
    return render(request, "network/households/form.html", context)


@require_http_methods(["GET", "POST"])
@network_view(CHANGE)
def household_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Ask for confirmation (GET), then delete the household, keeping its members in the registry (POST)."""
    household = get_household_for_user(request.user, network, pk, capability=CHANGE)
    if request.method == "POST":
        name = household.name
        detached = delete_household(actor=request.user, household=household)
        if detached:
            message = ngettext(
                "The household “%(name)s” has been deleted; its %(n)d member is still in the registry.",
                "The household “%(name)s” has been deleted; its %(n)d members are still in the registry.",
                detached,
            )
        else:
            message = _("The household “%(name)s” has been deleted.")
        messages.success(request, message % {"name": name, "n": detached})
        return redirect("network:households", network.slug)
    return render(request, "network/households/confirm_delete.html", {"nav": "households", "household": household})
