"""The network's territory: Comuni, social districts, neighbourhoods and places."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.territory import selectors, services
from legami.territory.capabilities import MANAGE_TERRITORY as MANAGE
from legami.territory.capabilities import VIEW_TERRITORY as VIEW
from legami.territory.forms import (
    DistrictForm,
    MunicipalityAddForm,
    MunicipalitySearchForm,
    NeighbourhoodForm,
    PlaceFilterForm,
    PlaceForm,
)

NAV = "territory"


def _overview_url(network: Any) -> str:
    return reverse("territory:overview", args=[network.slug])


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))


# --- overview and Comuni --------------------------------------------------------------------------


@network_view(VIEW)
@require_GET
def overview(request: HttpRequest, network: Any) -> HttpResponse:
    """The network's Comuni grouped by district, its neighbourhoods, and a link to its places."""
    districts = list(selectors.districts_of(network))
    unassigned = list(selectors.unassigned_links_of(network))
    neighbourhoods = list(selectors.neighbourhoods_of(network))
    # The summary at the top counts each district's Comuni and neighbourhoods from what is already loaded.
    per_municipality = Counter(n.municipality_id for n in neighbourhoods)
    district_rows = [
        (d, len(d.members.all()), sum(per_municipality[link.municipality_id] for link in d.members.all()))
        for d in districts
    ]
    unassigned_neighbourhoods = sum(per_municipality[link.municipality_id] for link in unassigned)
    context = {
        "nav": NAV,
        "districts": districts,
        "district_rows": district_rows,
        "unassigned_neighbourhoods": unassigned_neighbourhoods,
        "unassigned": unassigned,
        "neighbourhoods": neighbourhoods,
        "municipality_count": len(unassigned) + sum(len(d.members.all()) for d in districts),
        "place_count": selectors.places_of(network).count(),
    }
    return render(request, "territory/overview.html", context)


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def municipality_add(request: HttpRequest, network: Any) -> HttpResponse:
    """Search the ISTAT list and add the ticked Comuni to the territory (the search works with or without HTMX)."""
    search = MunicipalitySearchForm(request.GET)
    search.is_valid()
    query = search.cleaned_data.get("q", "")
    province = search.cleaned_data.get("province")
    page_obj = None
    if query or province:
        page_obj = _page(request, selectors.search_municipalities(query, province, network=network))

    form = MunicipalityAddForm(network, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_municipalities(
                actor=request.user,
                network=network,
                municipalities=form.cleaned_data["municipalities"],
                district=form.cleaned_data["district"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if added:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d Comune added to the territory.",
                        "%(count)d Comuni added to the territory.",
                        len(added),
                    )
                    % {"count": len(added)},
                )
            else:
                messages.info(request, _("The chosen Comuni were already in the territory."))
            return redirect(_overview_url(network))

    # Keep the ticks from a refused POST, so that the user fixes the problem without ticking again.
    selected = {int(v) for v in request.POST.getlist("municipalities") if v.isdigit()}
    context = {
        "nav": NAV,
        "search": search,
        "form": form,
        "page_obj": page_obj,
        "query": query,
        "province": province,
        "selected": selected,
        "query_string": request.GET.urlencode(),
        "loaded_count": selectors.loaded_municipality_count(),
    }
    if request.htmx and request.method == "GET":
        return render(request, "territory/municipality_add.html#results", context)
    return render(request, "territory/municipality_add.html", context)


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def municipality_remove(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """Confirm, then take a Comune out of the territory (refused while the network's rows use it)."""
    link = selectors.get_territory_link_for_user(request.user, network, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.remove_municipality(actor=request.user, network=network, municipality=link.municipality)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(name)s was removed from the territory.") % {"name": link.municipality.name})
            return redirect(_overview_url(network))
    usage = selectors.municipality_usage(network, link.municipality_id)
    context = {
        "nav": NAV,
        "link": link,
        "usage": usage,
        "in_use": any(usage.values()),
        "errors": errors,
    }
    return render(request, "territory/municipality_remove.html", context)


# --- districts ------------------------------------------------------------------------------------


def _district_form(request: HttpRequest, network: Any, district: Any) -> HttpResponse:
    """The district form: creates a district when `district` is None, else changes it."""
    form = DistrictForm(network, request.POST if request.method == "POST" else None, district=district)
    if request.method == "POST" and form.is_valid():
        fields = {key: form.cleaned_data[key] for key in ("name", "code", "municipalities")}
        try:
            if district is None:
                saved = services.create_district(actor=request.user, network=network, **fields)
                message = _("%(name)s has been created.")
            else:
                saved = services.update_district(actor=request.user, district=district, **fields)
                message = _("%(name)s has been saved.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message % {"name": saved.name})
            return redirect(_overview_url(network))
    return render(request, "territory/district_form.html", {"nav": NAV, "form": form, "district": district})


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def district_create(request: HttpRequest, network: Any) -> HttpResponse:
    """Create a social district from the network's Comuni."""
    return _district_form(request, network, None)


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def district_update(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """Rename a district or change its Comuni."""
    return _district_form(request, network, selectors.get_district_for_user(request.user, network, pk))


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def district_delete(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """Confirm, then delete a district (its Comuni stay in the territory)."""
    district = selectors.get_district_for_user(request.user, network, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.delete_district(actor=request.user, district=district)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(name)s has been deleted.") % {"name": district.name})
            return redirect(_overview_url(network))
    blockers = services.district_blockers(district)
    context = {
        "nav": NAV,
        "district": district,
        "blockers": blockers,
        "blocked": any(blockers.values()),
        "errors": errors,
    }
    return render(request, "territory/district_delete.html", context)


# --- neighbourhoods -------------------------------------------------------------------------------


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
            neighbourhood = services.create_neighbourhood(actor=request.user, network=network, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The neighbourhood %(name)s was created.") % {"name": neighbourhood.name})
            return redirect(_overview_url(network))
    return render(request, "territory/neighbourhood_form.html", {"nav": NAV, "form": form, "neighbourhood": None})


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def neighbourhood_update(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """Rename or describe a neighbourhood."""
    neighbourhood = selectors.get_neighbourhood_for_user(request.user, network, pk)
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
            neighbourhood = services.update_neighbourhood(
                actor=request.user, neighbourhood=neighbourhood, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The neighbourhood %(name)s was saved.") % {"name": neighbourhood.name})
            return redirect(_overview_url(network))
    context = {"nav": NAV, "form": form, "neighbourhood": neighbourhood}
    return render(request, "territory/neighbourhood_form.html", context)


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def neighbourhood_delete(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """Confirm, then delete a neighbourhood (what is in it stays, without a neighbourhood)."""
    neighbourhood = selectors.get_neighbourhood_for_user(request.user, network, pk)
    if request.method == "POST":
        services.delete_neighbourhood(actor=request.user, neighbourhood=neighbourhood)
        messages.success(request, _("The neighbourhood %(name)s was deleted.") % {"name": neighbourhood.name})
        return redirect(_overview_url(network))
    context = {"nav": NAV, "neighbourhood": neighbourhood, "usage": selectors.neighbourhood_usage(neighbourhood)}
    return render(request, "territory/neighbourhood_delete.html", context)


# --- places ---------------------------------------------------------------------------------------


@network_view(VIEW)
@require_GET
def place_list(request: HttpRequest, network: Any) -> HttpResponse:
    """The network's places, filtered by kind, Comune or text, a page at a time."""
    filters = PlaceFilterForm(network, request.GET)
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    places = selectors.places_of(
        network,
        kind=data.get("kind") or None,
        municipality=data.get("municipality"),
        search=data.get("q", ""),
    )
    page_obj = _page(request, places)
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
    place = selectors.get_place_for_user(request.user, network, pk)
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
            place = services.create_place(actor=request.user, network=network, data=form.cleaned_data)
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
    place = selectors.get_place_for_user(request.user, network, pk)
    if request.method == "POST":
        form = PlaceForm(network, request.POST)
    else:
        form = PlaceForm(network, initial=PlaceForm.initial_for(place))
    if request.method == "POST" and form.is_valid():
        try:
            place = services.update_place(actor=request.user, place=place, data=form.cleaned_data)
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
    place = selectors.get_place_for_user(request.user, network, pk)
    if request.method == "POST":
        services.delete_place(actor=request.user, place=place)
        messages.success(request, _("The place %(name)s was deleted.") % {"name": place.name})
        return redirect("territory:places", network.slug)
    return render(request, "territory/place_delete.html", {"nav": NAV, "place": place})
