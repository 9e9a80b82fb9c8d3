"""The register of processings: purposes, legal bases, Art. 9 conditions, retention."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.capabilities import MANAGE_PROCESSINGS as MANAGE
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.core.selectors import get_processing, processings_of
from legami.core.services import define_processing, update_processing
from legami.network.capabilities import EXPORT_PEOPLE
from legami.network.forms.privacy import ProcessingForm, processing_initial
from legami.network.models import Network


@require_GET
@network_view(MANAGE)
def processing_list(request: HttpRequest, network: Network) -> HttpResponse:
    """Every processing of the network with its purpose, legal basis, Art. 9 condition and retention."""
    processings = processings_of(network).annotate(
        given_count=Count("consents", filter=Q(consents__given=True)),
        withdrawn_count=Count("consents", filter=Q(consents__given=False)),
    )
    context = {
        "nav": "privacy",
        "processings": processings,
        "can_export_consenting": can(request.user, EXPORT_PEOPLE, network),
    }
    return render(request, "network/privacy/list.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def processing_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Add a processing to the register."""
    form = ProcessingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            processing = define_processing(actor=request.user, network=network, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” has been added to the register.") % {"name": processing.name})
            return redirect("network:processings", network.slug)
    return render(request, "network/privacy/form.html", {"nav": "privacy", "form": form, "processing": None})


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def processing_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Edit a processing (its code stays)."""
    processing = get_processing(network, pk)
    if request.method == "POST":
        form = ProcessingForm(request.POST, processing=processing)
        if form.is_valid():
            try:
                update_processing(actor=request.user, processing=processing, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("network:processings", network.slug)
    else:
        form = ProcessingForm(initial=processing_initial(processing), processing=processing)
    context = {"nav": "privacy", "form": form, "processing": processing}
    return render(request, "network/privacy/form.html", context)
