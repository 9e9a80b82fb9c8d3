"""The pages of the places: the list, one place, create, edit and delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.territory.capabilities import MANAGE_TERRITORY as MANAGE
from legami.territory.capabilities import VIEW_TERRITORY as VIEW
from legami.territory.forms.places import PlaceFilterForm, PlaceForm
from legami.territory.selectors.places import get_place_for_user, places_of
from legami.territory.services.places import create_place, delete_place, update_place
from legami.territory.views.common import NAV, page


@network_view(VIEW)
@require_GET
def place_list(request: HttpRequest, network: Any) -> HttpResponse:
    """The network's places, filtered by kind, Comune or text, a page at a time."""
    filters = PlaceFilterForm(network, request.GET)
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    places = places_of(
        network,
        kind=data.get("kind") or None,
        municipality=data.get("municipality"),
        search=data.get("q", ""),
    )
    page_obj = page(request, places)
    context = {
        "nav": NAV,
        "filters": filters,
        "page_obj": page_obj,
        "filtered": any(data.get(key) for key in ("q", "kind", "municipality")),
    }
    return render(request, "territory/place_list.html", context)


@network_view(VIEW)
@require_GET
def place_detail(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """One place: kind, address, Comune, neighbourhood and coordinates as text."""
    place = get_place_for_user(request.user, network, pk)
    coordinates = None
    if place.latitude is not None and place.longitude is not None:
        # Decimal degrees without the padding zeros of the column ("45.1333", not "45.133300").
        coordinates = tuple(f"{value.normalize():f}" for value in (place.latitude, place.longitude))
    return render(request, "territory/place_detail.html", {"nav": NAV, "place": place, "coordinates": coordinates})


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def place_create(request: HttpRequest, network: Any) -> HttpResponse:
    """Create a place in one of the network's Comuni."""
    form = PlaceForm(network, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            place = create_place(actor=request.user, network=network, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The place %(name)s was created.") % {"name": place.name})
            return redirect("territory:place_detail", network.slug, place.pk)
    return render(request, "territory/place_form.html", {"nav": NAV, "form": form, "place": None})


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def place_update(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """Change a place."""
    place = get_place_for_user(request.user, network, pk)
    if request.method == "POST":
        form = PlaceForm(network, request.POST)
    else:
        form = PlaceForm(network, initial=PlaceForm.initial_for(place))
    if request.method == "POST" and form.is_valid():
        try:
            place = update_place(actor=request.user, place=place, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The place %(name)s was saved.") % {"name": place.name})
            return redirect("territory:place_detail", network.slug, place.pk)
    return render(request, "territory/place_form.html", {"nav": NAV, "form": form, "place": place})


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def place_delete(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """Confirm, then delete a place."""
    place = get_place_for_user(request.user, network, pk)
    refusal = ""
    if request.method == "POST":
        try:
            delete_place(actor=request.user, place=place)
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
        else:
            messages.success(request, _("The place %(name)s was deleted.") % {"name": place.name})
            return redirect("territory:places", network.slug)
    context = {"nav": NAV, "place": place, "refusal": refusal}
    return render(request, "territory/place_delete.html", context, status=400 if refusal else 200)
