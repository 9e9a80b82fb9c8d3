"""The pages of the social districts: create, edit and delete."""

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
from legami.territory.forms.districts import DistrictForm
from legami.territory.selectors.districts import get_district_for_user
from legami.territory.services.districts import create_district, delete_district, district_blockers, update_district
from legami.territory.views.common import NAV, overview_url


def _district_form(request: HttpRequest, network: Any, district: Any) -> HttpResponse:
    """The district form: creates a district when `district` is None, else changes it."""
    form = DistrictForm(network, request.POST if request.method == "POST" else None, district=district)
    if request.method == "POST" and form.is_valid():
        fields = {key: form.cleaned_data[key] for key in ("name", "code", "municipalities")}
        try:
            if district is None:
                saved = create_district(actor=request.user, network=network, **fields)
                message = _("%(name)s has been created.")
            else:
                saved = update_district(actor=request.user, district=district, **fields)
                message = _("%(name)s has been saved.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message % {"name": saved.name})
            return redirect(overview_url(network))
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
    return _district_form(request, network, get_district_for_user(request.user, network, pk))


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def district_delete(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """Confirm, then delete a district (its Comuni stay in the territory)."""
    district = get_district_for_user(request.user, network, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            delete_district(actor=request.user, district=district)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(name)s has been deleted.") % {"name": district.name})
            return redirect(overview_url(network))
    blockers = district_blockers(district)
    context = {
        "nav": NAV,
        "district": district,
        "blockers": blockers,
        "blocked": any(blockers.values()),
        "errors": errors,
    }
    return render(request, "territory/district_delete.html", context)
