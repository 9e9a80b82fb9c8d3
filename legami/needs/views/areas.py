"""The network's need-area taxonomy: the list for operators, and its editing for coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.needs.forms.areas import AreaForm
from legami.needs.selectors.areas import areas_for_network, get_area
from legami.needs.selectors.needs import VIEW_NEEDS
from legami.needs.services.areas import (
    MANAGE_AREAS,
    create_area,
    delete_area,
    load_default_areas,
    move_area,
    set_area_active,
    update_area,
)
from legami.network.models import Network


@require_GET
@network_view(VIEW_NEEDS)
def area_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The areas of the network's taxonomy, in order, with how many needs each holds."""
    return render(request, "needs/areas/list.html", {"nav": "needs", "areas": list(areas_for_network(network))})


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_AREAS)
def area_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Add an area to the taxonomy."""
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = create_area(actor=request.user, network=network, data=form.service_data(creating=True))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The area “%(name)s” has been added.") % {"name": area.name})
            return redirect("needs:areas", network.slug)
    return render(request, "needs/areas/form.html", {"nav": "needs", "form": form, "area": None})


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_AREAS)
def area_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Rename an area, describe it or move it in the list."""
    area = get_area(network, pk)
    initial = {"name": area.name, "description": area.description, "position": area.position}
    form = AreaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_area(actor=request.user, area=area, data=form.service_data(creating=False))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("needs:areas", network.slug)
    return render(request, "needs/areas/form.html", {"nav": "needs", "form": form, "area": area})


@network_view(MANAGE_AREAS)
@require_POST
def area_toggle(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Take an area out of use, or back into use."""
    area = get_area(network, pk)
    set_area_active(actor=request.user, area=area, active=not area.is_active)
    if area.is_active:
        messages.success(request, _("The area “%(name)s” is in use again.") % {"name": area.name})
    else:
        messages.success(request, _("The area “%(name)s” is no longer in use.") % {"name": area.name})
    return redirect("needs:areas", network.slug)


@network_view(MANAGE_AREAS)
@require_POST
def area_move(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Move an area one place up or down the list."""
    area = get_area(network, pk)
    move_area(actor=request.user, area=area, direction=-1 if request.POST.get("direction") == "up" else 1)
    return redirect("needs:areas", network.slug)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_AREAS)
def area_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Ask for confirmation (GET), then delete an area no need uses (POST)."""
    area = get_area(network, pk)
    error = None
    if request.method == "POST":
        try:
            delete_area(actor=request.user, area=area)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The area “%(name)s” has been deleted.") % {"name": area.name})
            return redirect("needs:areas", network.slug)
    return render(
        request,
        "needs/areas/confirm_delete.html",
        {"nav": "needs", "area": area, "error": error},
        status=400 if error else 200,
    )


@network_view(MANAGE_AREAS)
@require_POST
def area_load_defaults(request: HttpRequest, network: Network) -> HttpResponse:
    """Add the standard areas the network lacks."""
    created = load_default_areas(actor=request.user, network=network)
    if created:
        message = ngettext(
            "%(count)d standard area has been added.", "%(count)d standard areas have been added.", created
        ) % {"count": created}
    else:
        message = _("The network already has every standard area.")
    messages.success(request, message)
    return redirect("needs:areas", network.slug)
