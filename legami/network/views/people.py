"""The person registry: list, detail, create, edit, delete, and a person's consents."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.capabilities import VIEW_AUDIT
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.pagination import IdFirstPaginator
from legami.core.permissions import can
from legami.core.selectors import consent_states, consents_of, get_processing
from legami.network.capabilities import CHANGE_PEOPLE as CHANGE
from legami.network.capabilities import CHANGE_TIES, VIEW_TIES
from legami.network.capabilities import VIEW_PEOPLE as VIEW
from legami.network.forms.people import SEARCH_BUTTON, PersonFilterForm, PersonForm, person_initial
from legami.network.forms.privacy import ConsentForm
from legami.network.models import Network, Tie
from legami.network.selectors.households import get_household_for_user, households_matching
from legami.network.selectors.people import (
    get_person_for_user,
    household_members,
    people_for,
    person_in_scope,
)
from legami.network.selectors.ties import ties_of_person
from legami.network.services.consents import record_consent
from legami.network.services.people import create_person, delete_person, update_person


@require_GET
@network_view(VIEW)
def person_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The people of the network the viewer may see: search, filters, sort, pages."""
    form = PersonFilterForm(request.GET, viewer=request.user, network=network)
    filters = form.filters()
    people = people_for(request.user, network, **filters)
    page_obj = IdFirstPaginator(people, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "people",
        "form": form,
        "page_obj": page_obj,
        "filtered": form.is_filtered,
        "sort": filters["ordering"],
    }
    return render(request, "network/people/list.html", context)


@require_GET
@network_view(VIEW)
def person_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """One person: contacts, Comune, household and its other members, ties and consents."""
    person = get_person_for_user(request.user, network, pk)
    housemates = []
    if person.household_id:
        housemates = list(household_members(request.user, network, person.household).exclude(pk=person.pk))
    can_view_ties = can(request.user, VIEW_TIES, network)
    context = {
        "nav": "people",
        "person": person,
        "housemates": housemates,
        "ties": list(ties_of_person(request.user, network, person)) if can_view_ties else None,
        "consents": list(consents_of(person)),
        "can_change": person_in_scope(request.user, person, CHANGE),
        "can_change_ties": can_view_ties and can(request.user, CHANGE_TIES, network),
        "can_view_audit": can(request.user, VIEW_AUDIT, network),
    }
    return render(request, "network/people/detail.html", context)


def _household_search(request: HttpRequest, network: Network) -> list:
    return households_matching(request.user, network, request.POST.get("household_search", ""))


def _searching(request: HttpRequest) -> bool:
    return request.method == "POST" and SEARCH_BUTTON in request.POST


@require_http_methods(["GET", "POST"])
@network_view(CHANGE)
def person_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Register a new person (optionally straight into a household: ?household=<id>)."""
    kwargs = {"viewer": request.user, "network": network}
    if _searching(request):
        # The search button re-renders the form with the households found; nothing is saved.
        form = PersonForm(initial=request.POST.dict(), household_matches=_household_search(request, network), **kwargs)
    elif request.method == "POST":
        form = PersonForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                person = create_person(actor=request.user, network=network, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s has been added.") % {"name": person.full_name})
                return redirect("network:person_detail", network.slug, person.pk)
    else:
        initial = {}
        if request.GET.get("household"):
            try:
                household = get_household_for_user(request.user, network, request.GET["household"])
            except Http404:
                household = None
            if household is not None:
                initial = {"household": household, "municipality": household.municipality}
                initial["neighbourhood"] = household.neighbourhood
                initial["address"] = household.address
        form = PersonForm(initial=initial, **kwargs)
    return render(request, "network/people/form.html", {"nav": "people", "form": form, "person": None})


@require_http_methods(["GET", "POST"])
@network_view(CHANGE)
def person_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Edit a person, including joining or leaving a household."""
    person = get_person_for_user(request.user, network, pk, capability=CHANGE)
    if person.anonymised_at is not None:
        # Nothing to edit: the page would only invite writing about them again.
        messages.error(request, _("This person has been anonymised: their record can no longer be changed."))
        return redirect("network:person_detail", network.slug, person.pk)
    kwargs = {"viewer": request.user, "network": network}
    if _searching(request):
        form = PersonForm(initial=request.POST.dict(), household_matches=_household_search(request, network), **kwargs)
    elif request.method == "POST":
        form = PersonForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                update_person(actor=request.user, person=person, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("network:person_detail", network.slug, person.pk)
    else:
        form = PersonForm(initial=person_initial(person), **kwargs)
    return render(request, "network/people/form.html", {"nav": "people", "form": form, "person": person})


@require_http_methods(["GET", "POST"])
@network_view(CHANGE)
def person_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Ask for confirmation (GET), then delete the person with their ties and consents (POST)."""
    person = get_person_for_user(request.user, network, pk, capability=CHANGE)
    error = None
    if request.method == "POST":
        name = person.full_name
        try:
            delete_person(actor=request.user, person=person)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(name)s has been deleted.") % {"name": name})
            return redirect("network:people", network.slug)
    context = {
        "nav": "people",
        "person": person,
        "error": error,
        "tie_count": Tie.objects.filter(Q(source_person=person) | Q(target_person=person)).count(),
        "consent_count": person.consents.count(),
    }
    return render(request, "network/people/confirm_delete.html", context)


@require_http_methods(["GET", "POST"])
@network_view(VIEW)
def person_consents(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The person's consent to each consent-based processing, and the other processings with their basis.

    Whoever may see the person reads this page (the privacy officer above all); recording an answer
    needs network.change_people within the viewer's reach.
    """
    person = get_person_for_user(request.user, network, pk)
    can_record = person_in_scope(request.user, person, CHANGE)
    if request.method == "POST" and not can_record:
        raise PermissionDenied(CHANGE)
    failed_processing = None
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        processing = get_processing(network, form.cleaned_data["processing"])
        try:
            record_consent(
                actor=request.user,
                person=person,
                processing=processing,
                given=form.cleaned_data["given"],
                source=form.cleaned_data["source"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            failed_processing = processing.pk
        else:
            if form.cleaned_data["given"]:
                message = _("Consent to “%(processing)s” recorded as given.")
            else:
                message = _("Consent to “%(processing)s” recorded as withdrawn.")
            messages.success(request, message % {"processing": processing.name})
            return redirect("network:person_consents", network.slug, person.pk)
    elif request.method == "POST":
        failed_processing = form.data.get("processing")
    states = consent_states(person, network)
    context = {
        "nav": "people",
        "person": person,
        "can_record": can_record,
        "form": form if request.method == "POST" else None,
        "failed_processing": str(failed_processing) if failed_processing is not None else None,
        "consent_based": [s for s in states if s.processing.needs_consent],
        "other_bases": [s for s in states if not s.processing.needs_consent],
    }
    return render(request, "network/people/consents.html", context)
