"""Pages of give-back places: the filtered list, and offering, changing and closing places on a response."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.network.models import Network
from legami.responses.capabilities import MANAGE_RESPONSES as MANAGE
from legami.responses.capabilities import VIEW_RESPONSES
from legami.responses.forms.giveback import PlaceFilterForm, PlaceForm
from legami.responses.selectors.giveback import get_place, places_for
from legami.responses.selectors.responses import get_response
from legami.responses.services.giveback import close_place, create_place, update_place

NAV = "giveback"


@require_GET
@network_view(VIEW_RESPONSES)
def place_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's give-back places, by area, status and a day they cover."""
    form = PlaceFilterForm(request.GET, network=network)
    filters = form.filters()
    page_obj = Paginator(places_for(network, **filters), settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": NAV,
        "form": form,
        "page_obj": page_obj,
        "filtered": any(value for value in filters.values()),
        "can_manage": can(request.user, MANAGE, network),
    }
    return render(request, "responses/giveback/list.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def place_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Offer give-back places on a response."""
    response = get_response(network, pk)
    form = PlaceForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            create_place(actor=request.user, response=response, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The give-back places were offered."))
            return redirect("responses:response_detail", network.slug, response.pk)
    context = {"nav": NAV, "response": response, "form": form, "place": None}
    return render(request, "responses/giveback/form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def place_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change give-back places."""
    place = get_place(network, pk)
    response = place.response
    form = PlaceForm(request.POST or None, network=network, initial=PlaceForm.initial_for(place))
    if request.method == "POST" and form.is_valid():
        try:
            update_place(actor=request.user, place=place, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The give-back places were saved."))
            return redirect("responses:response_detail", network.slug, response.pk)
    context = {"nav": NAV, "response": response, "form": form, "place": place}
    return render(request, "responses/giveback/form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def place_close(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Close give-back places: pacts no longer take them."""
    place = get_place(network, pk)
    response = place.response
    error = ""
    if request.method == "POST":
        try:
            close_place(actor=request.user, place=place)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The give-back places were closed."))
            return redirect("responses:response_detail", network.slug, response.pk)
    context = {"nav": NAV, "response": response, "place": place, "error": error}
    return render(request, "responses/giveback/close.html", context, status=400 if error else 200)
