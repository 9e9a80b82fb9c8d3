"""Pages of offers: the operators' list, one offer with its history and matches, the forms, the public form."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from legami.core.decorators import network_view
from legami.core.exports import EXPORT_FORMATS, export_response
from legami.core.forms import add_service_errors, public_form_page
from legami.core.imports.views import bad_format
from legami.core.languages import language_names
from legami.core.pagination import IdFirstPaginator
from legami.core.permissions import can
from legami.exchange.capabilities import MANAGE_MATCHES, MANAGE_OFFERS, OFFER_OWN, VIEW_OFFERS
from legami.exchange.forms.offers import OfferFilterForm, OfferForm, PublicOfferForm, offer_initial
from legami.exchange.models import Offer
from legami.exchange.selectors.matching import matches_for_user
from legami.exchange.selectors.offers import (
    get_offer_for_user,
    offer_history,
    offers_for_user,
    pending_offers_count,
    staff_organization_ids,
)
from legami.exchange.services.imports import OFFERS_IMPORT_COLUMNS, offer_export_rows, record_offers_export
from legami.exchange.services.offers import (
    OFFER_WORKFLOW,
    change_offer_status,
    may_change_offer,
    record_offer,
    submit_public_offer,
    update_offer,
)
from legami.needs.timewindows import format_time_windows, windows_from_json
from legami.network.models import Network, Organization
from legami.network.selectors.people import people_for


@require_GET
@network_view(OFFER_OWN)
def offer_list(request: HttpRequest, network: Network) -> HttpResponse:
    """Offers: every one for operators (with filters), one's own for the others."""
    form = OfferFilterForm(request.GET, network=network)
    filters = form.filters()
    offers = offers_for_user(request.user, network, **filters).select_related("municipality").prefetch_related("areas")
    page_obj = IdFirstPaginator(offers, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "offers",
        "form": form,
        "page_obj": page_obj,
        "filtered": any(value not in ("", None) for value in filters.values()),
        "sees_all": can(request.user, VIEW_OFFERS, network),
        "pending": pending_offers_count(request.user, network),
    }
    return render(request, "exchange/offers/list.html", context)


def _form(request: HttpRequest, network: Network, data=None, initial=None) -> OfferForm:
    manager = can(request.user, MANAGE_OFFERS, network)
    organizations = Organization.objects.filter(network=network).order_by("name")
    if not manager:
        organizations = organizations.filter(pk__in=staff_organization_ids(request.user, network))
    return OfferForm(
        data,
        initial=initial,
        network=network,
        people=people_for(request.user, network) if manager else None,
        organizations=organizations,
        manager=manager,
    )


@require_http_methods(["GET", "POST"])
@network_view(OFFER_OWN)
def offer_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Record an offer (operators for anyone; citizens and partner staff their own)."""
    form = _form(request, network, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = record_offer(actor=request.user, network=network, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if offer.status == "pending":
                messages.success(request, _("Thank you: an operator will check the offer and then open it."))
            else:
                messages.success(request, _("The offer has been recorded."))
            return redirect("exchange:offer_detail", network.slug, offer.pk)
    status = 400 if form.errors else 200
    return render(request, "exchange/offers/form.html", {"nav": "offers", "form": form, "offer": None}, status=status)


@require_GET
@network_view(OFFER_OWN)
def offer_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """One offer: what, where, when, who (operators), its history, its matches and the status buttons."""
    offer = get_offer_for_user(request.user, network, pk)
    may_change = may_change_offer(request.user, offer)
    transitions = [
        t
        for t in OFFER_WORKFLOW.available(offer, request.user, network=network)
        if may_change and (not t.capability or can(request.user, t.capability, network))
    ]
    if can(request.user, MANAGE_MATCHES, network):
        matches = list(
            matches_for_user(request.user, network)
            .filter(offer=offer)
            .select_related("need__area", "need__municipality")[:50]
        )
    else:
        matches = None
    context = {
        "nav": "offers",
        "offer": offer,
        "areas": [area.name for area in offer.areas.all()],
        "windows": format_time_windows(windows_from_json(offer.time_windows)),
        "languages": language_names(offer.languages or ()),
        "sees_contacts": can(request.user, VIEW_OFFERS, network),
        "may_change": may_change,
        "transitions": transitions,
        "history": list(offer_history(offer)),
        "matches": matches,
    }
    return render(request, "exchange/offers/detail.html", context)


def _changeable(request: HttpRequest, network: Network, pk: int) -> Offer:
    offer = get_offer_for_user(request.user, network, pk)
    if not may_change_offer(request.user, offer):
        raise PermissionDenied(MANAGE_OFFERS)
    return offer


@require_http_methods(["GET", "POST"])
@network_view(OFFER_OWN)
def offer_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Correct an offer (its owner or an operator)."""
    offer = _changeable(request, network, pk)
    if request.method == "POST":
        form = _form(request, network, request.POST)
        if form.is_valid():
            try:
                update_offer(actor=request.user, offer=offer, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("exchange:offer_detail", network.slug, offer.pk)
    else:
        form = _form(request, network, initial=offer_initial(offer))
    status = 400 if form.errors else 200
    return render(request, "exchange/offers/form.html", {"nav": "offers", "form": form, "offer": offer}, status=status)


@network_view(OFFER_OWN)
@require_POST
def offer_status(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Verify, pause, open again, close or reopen an offer."""
    offer = _changeable(request, network, pk)
    try:
        change_offer_status(
            actor=request.user,
            offer=offer,
            to_status=request.POST.get("to_status", ""),
            note=request.POST.get("note", "")[:500],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The offer is now “%(status)s”.") % {"status": offer.get_status_display()})
    return redirect("exchange:offer_detail", network.slug, offer.pk)


# --- the public form -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@network_view()
def offer_public(request: HttpRequest, network: Network) -> HttpResponse:
    """Offer time, a skill, goods, a space or transport to the community; a contact when not logged in."""
    return public_form_page(
        request,
        PublicOfferForm(request.POST or None, network=network, user=request.user),
        limit="offer",
        submit=lambda data: submit_public_offer(network=network, data=data, user=request.user),
        done=reverse("exchange:offer_thanks", args=[network.slug]),
        template="exchange/offers/public.html",
        context={"nav": "offer_public"},
    )


@require_GET
@network_view()
def offer_thanks(request: HttpRequest, network: Network) -> HttpResponse:
    """What happens after an offer."""
    return render(request, "exchange/offers/thanks.html", {"nav": "offer_public"})


@require_GET
@network_view(MANAGE_OFFERS)
def offers_export(request: HttpRequest, network: Network) -> HttpResponseBase:
    """Download every offer in the import's columns, CSV (default) or XLSX."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return bad_format(request, fmt, nav="offers")
    offers = record_offers_export(actor=request.user, network=network, fmt=fmt)
    return export_response(
        rows=offer_export_rows(offers.iterator(chunk_size=2000)),
        header=OFFERS_IMPORT_COLUMNS,
        filename=f"{network.slug}-offerte-{timezone.localdate():%Y-%m-%d}.{fmt}",
        fmt=fmt,
    )
