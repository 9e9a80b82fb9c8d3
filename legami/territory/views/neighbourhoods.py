"""The pages of the neighbourhoods: create, edit and delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.territory.capabilities import MANAGE_TERRITORY as MANAGE
from legami.territory.forms.neighbourhoods import NeighbourhoodForm
from legami.territory.selectors.neighbourhoods import get_neighbourhood_for_user, neighbourhood_usage
from legami.territory.services.neighbourhoods import create_neighbourhood, delete_neighbourhood, update_neighbourhood
from legami.territory.views.common import NAV, overview_url


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def neighbourhood_create(request: HttpRequest, network: Any) -> HttpResponse:
    """Create a neighbourhood in one of the network's Comuni."""
    if request.method == "POST":
        form = NeighbourhoodForm(network, request.POST)
    else:
        form = NeighbourhoodForm(network, initial={"municipality": request.GET.get("municipality") or None})
    if request.method == "POST" and form.is_valid():
        try:
            neighbourhood = create_neighbourhood(actor=request.user, network=network, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The neighbourhood %(name)s was created.") % {"name": neighbourhood.name})
            return redirect(overview_url(network))
    return render(request, "territory/neighbourhood_form.html", {"nav": NAV, "form": form, "neighbourhood": None})


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def neighbourhood_update(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """Rename or describe a neighbourhood."""
    neighbourhood = get_neighbourhood_for_user(request.user, network, pk)
    if request.method == "POST":
        form = NeighbourhoodForm(network, request.POST)
    else:
        form = NeighbourhoodForm(
            network,
            initial={
                "municipality": neighbourhood.municipality_id,
                "name": neighbourhood.name,
                "description": neighbourhood.description,
            },
        )
    if request.method == "POST" and form.is_valid():
        try:
            neighbourhood = update_neighbourhood(actor=request.user, neighbourhood=neighbourhood, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The neighbourhood %(name)s was saved.") % {"name": neighbourhood.name})
            return redirect(overview_url(network))
    context = {"nav": NAV, "form": form, "neighbourhood": neighbourhood}
    return render(request, "territory/neighbourhood_form.html", context)


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def neighbourhood_delete(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """Confirm, then delete a neighbourhood (what is in it stays, without a neighbourhood)."""
    neighbourhood = get_neighbourhood_for_user(request.user, network, pk)
    if request.method == "POST":
        delete_neighbourhood(actor=request.user, neighbourhood=neighbourhood)
        messages.success(request, _("The neighbourhood %(name)s was deleted.") % {"name": neighbourhood.name})
        return redirect(overview_url(network))
    context = {"nav": NAV, "neighbourhood": neighbourhood, "usage": neighbourhood_usage(neighbourhood)}
    return render(request, "territory/neighbourhood_delete.html", context)
