"""Pages of the co-production ledger: a response's entries and totals, recording and removing an entry, and
each partner's totals across the network's responses."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core import smallnumbers
from legami.core.decorators import network_view
from legami.core.exports import EXPORT_FORMATS, export_response
from legami.core.forms import add_service_errors
from legami.core.imports.views import bad_format
from legami.core.parsing import parse_id
from legami.core.permissions import can
from legami.network.models import Network, Organization
from legami.network.selectors.organizations import organizations_staffed_by
from legami.responses.capabilities import MANAGE_RESPONSES, RECORD_COPRODUCTION, VIEW_RESPONSES
from legami.responses.forms.coproduction import EntryForm
from legami.responses.models import CoProduction
from legami.responses.selectors.coproduction import KINDS, ledger_for, totals_by_contributor, totals_by_kind
from legami.responses.selectors.coproduction import partner_totals as totals_per_partner
from legami.responses.selectors.responses import get_response
from legami.responses.services.coproduction import delete_entry, may_delete, record_entry
from legami.responses.services.imports import (
    COPRODUCTION_IMPORT_COLUMNS,
    coproduction_export_rows,
    record_coproduction_export,
)

NAV = "responses"


@require_GET
@network_view(VIEW_RESPONSES)
def ledger(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A response's co-production ledger: totals by kind and by contributor, then the entries."""
    response = get_response(network, pk)
    limit = smallnumbers.limit_for(request.user, network)
    page_obj = Paginator(ledger_for(response), settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for entry in page_obj.object_list:
        entry.removable = may_delete(request.user, entry, now=now)
        entry.people_small = smallnumbers.hidden(entry.people, limit)
    context = {
        "nav": NAV,
        "response": response,
        "by_kind": totals_by_kind(response),
        "contributors": totals_by_contributor(response, limit=limit),
        "kinds": KINDS,
        "k": smallnumbers.k(),
        "page_obj": page_obj,
        "can_record": can(request.user, RECORD_COPRODUCTION, network),
    }
    return render(request, "responses/coproduction/ledger.html", context)


@require_http_methods(["GET", "POST"])
@network_view(RECORD_COPRODUCTION)
def entry_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Record a contribution to a response (partner staff: their own organisation's)."""
    response = get_response(network, pk)
    manages = can(request.user, MANAGE_RESPONSES, network)
    partners = Organization.objects.filter(network=network, pk__in=response.partners.values("organization_id"))
    if not manages:
        partners = partners.filter(pk__in=organizations_staffed_by(request.user, network).values("pk"))
    form = EntryForm(
        request.POST or None,
        organizations=partners.order_by("name"),
        citizens=manages,
        initial={"on_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_entry(actor=request.user, response=response, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contribution was recorded."))
            return redirect("responses:coproduction", network.slug, response.pk)
    context = {"nav": NAV, "response": response, "form": form, "no_partner": not partners.exists()}
    return render(request, "responses/coproduction/form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(RECORD_COPRODUCTION)
def entry_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Remove an entry (those who run responses; whoever recorded it, within a week)."""
    entry = (
        CoProduction.objects.select_related("response", "organization", "network")
        .filter(network=network, pk=pk)
        .first()
    )
    if entry is None:
        raise Http404
    if not may_delete(request.user, entry):
        raise PermissionDenied(MANAGE_RESPONSES)
    response = entry.response
    if request.method == "POST":
        delete_entry(actor=request.user, entry=entry)
        messages.success(request, _("The contribution was removed."))
        return redirect("responses:coproduction", network.slug, response.pk)
    return render(request, "responses/coproduction/delete.html", {"nav": NAV, "response": response, "entry": entry})


@require_GET
@network_view(VIEW_RESPONSES)
def partner_totals(request: HttpRequest, network: Network) -> HttpResponse:
    """What each partner, and citizens, contributed across the network's responses, by kind."""
    limit = smallnumbers.limit_for(request.user, network)
    context = {"nav": NAV, "rows": totals_per_partner(network, limit=limit), "kinds": KINDS, "k": smallnumbers.k()}
    return render(request, "responses/coproduction/partners.html", context)


@require_GET
@network_view(RECORD_COPRODUCTION)
def ledger_export(request: HttpRequest, network: Network) -> HttpResponseBase:
    """Download the ledger (of one response with ?response=<pk>) in the import's columns, CSV (default) or XLSX: the
    entries the viewer may re-import (partner staff: their own organisation's)."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return bad_format(request, fmt, nav=NAV)
    response = None
    if request.GET.get("response"):
        pk = parse_id(request.GET["response"])
        if pk is None:
            raise Http404
        response = get_response(network, pk)
    entries = record_coproduction_export(actor=request.user, network=network, fmt=fmt, response=response)
    suffix = f"-{response.pk}" if response is not None else ""
    return export_response(
        rows=coproduction_export_rows(entries.iterator(chunk_size=2000)),
        header=COPRODUCTION_IMPORT_COLUMNS,
        filename=f"{network.slug}-coproduzione{suffix}-{timezone.localdate():%Y-%m-%d}.{fmt}",
        fmt=fmt,
    )
