"""The network's territory: the overview, and the Comuni added from the ISTAT list or taken out."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.parsing import parse_id
from legami.territory.capabilities import MANAGE_TERRITORY as MANAGE
from legami.territory.capabilities import VIEW_TERRITORY as VIEW
from legami.territory.forms.municipalities import MunicipalityAddForm, MunicipalitySearchForm
from legami.territory.selectors.districts import districts_of
from legami.territory.selectors.municipalities import (
    get_territory_link_for_user,
    loaded_municipality_count,
    municipality_usage,
    search_municipalities,
    unassigned_links_of,
)
from legami.territory.selectors.neighbourhoods import neighbourhoods_of
from legami.territory.selectors.places import places_of
from legami.territory.services.municipalities import add_municipalities, remove_municipality
from legami.territory.views.common import NAV, overview_url, page


@network_view(VIEW)
@require_GET
def overview(request: HttpRequest, network: Any) -> HttpResponse:
    """The network's Comuni grouped by district, its neighbourhoods, and a link to its places."""
    districts = list(districts_of(network))
    unassigned = list(unassigned_links_of(network))
    neighbourhoods = list(neighbourhoods_of(network))
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
        "place_count": places_of(network).count(),
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
        page_obj = page(request, search_municipalities(query, province, network=network))

    form = MunicipalityAddForm(network, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            added = add_municipalities(
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
            return redirect(overview_url(network))

    # Keep the ticks from a refused POST, so that the user fixes the problem without ticking again.
    selected = {pk for pk in map(parse_id, request.POST.getlist("municipalities")) if pk is not None}
    context = {
        "nav": NAV,
        "search": search,
        "form": form,
        "page_obj": page_obj,
        "query": query,
        "province": province,
        "selected": selected,
        "query_string": request.GET.urlencode(),
        "loaded_count": loaded_municipality_count(),
    }
    if request.htmx and request.method == "GET":
        return render(request, "territory/municipality_add.html#results", context)
    return render(request, "territory/municipality_add.html", context)


@network_view(MANAGE)
@require_http_methods(["GET", "POST"])
def municipality_remove(request: HttpRequest, network: Any, pk: int) -> HttpResponse:
    """Confirm, then take a Comune out of the territory (refused while the network's rows use it)."""
    link = get_territory_link_for_user(request.user, network, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            remove_municipality(actor=request.user, network=network, municipality=link.municipality)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(name)s was removed from the territory.") % {"name": link.municipality.name})
            return redirect(overview_url(network))
    usage = municipality_usage(network, link.municipality_id)
    context = {
        "nav": NAV,
        "link": link,
        "usage": usage,
        "in_use": any(usage.values()),
        "errors": errors,
    }
    return render(request, "territory/municipality_remove.html", context)
