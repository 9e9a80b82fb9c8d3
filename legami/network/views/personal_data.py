"""A person's rights, for the privacy officer: the export of their data, their anonymisation; and who consents
to a processing now."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.exports import export_response
from legami.core.selectors import get_processing
from legami.network.capabilities import ANONYMISE_PEOPLE, EXPORT_PEOPLE, EXPORT_PERSON_DATA
from legami.network.models import Network
from legami.network.selectors.people import get_person_for_user
from legami.network.services.personal_data import anonymise_person, export_consenting_people, export_person_data

CONSENTING_HEADER = ("id", "nome", "cognome", "email", "telefono", "consenso_dato_il")


@require_GET
@network_view(EXPORT_PERSON_DATA)
def person_data_export(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Download everything the network holds about one person as a ZIP (data.json and one CSV per section)."""
    person = get_person_for_user(request.user, network, pk, capability=EXPORT_PERSON_DATA)
    content = export_person_data(actor=request.user, person=person)
    response = HttpResponse(content, content_type="application/zip")
    filename = f"{network.slug}-persona-{person.pk}-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # It holds case data: no cache, shared or private, may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@network_view(ANONYMISE_PEOPLE)
def person_anonymise(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Ask for confirmation (GET), then anonymise the person, irreversibly (POST)."""
    person = get_person_for_user(request.user, network, pk, capability=ANONYMISE_PEOPLE)
    error = None
    if request.method == "POST":
        try:
            anonymise_person(actor=request.user, person=person)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("The person has been anonymised: what identified them is gone, the figures stay.")
            )
            return redirect("network:person_detail", network.slug, person.pk)
    context = {
        "nav": "people",
        "person": person,
        "error": error,
        "already": person.anonymised_at is not None,
    }
    return render(request, "network/people/confirm_anonymise.html", context, status=409 if error else 200)


@require_GET
@network_view(EXPORT_PEOPLE)
def processing_consenting(request: HttpRequest, network: Network, pk: int) -> HttpResponseBase:
    """Download who consents to a consent-based processing now (CSV); withdrawn consents are not in it."""
    processing = get_processing(network, pk)
    try:
        rows = export_consenting_people(actor=request.user, processing=processing)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("network:processings", network.slug)
    filename = f"{network.slug}-consensi-{processing.code}-{timezone.localdate():%Y-%m-%d}"
    return export_response(rows=rows, header=CONSENTING_HEADER, filename=filename, fmt="csv")
