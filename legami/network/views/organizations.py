"""Partner organisations and their roles in the partnership."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.network.capabilities import MANAGE_ORGANIZATIONS as MANAGE
from legami.network.capabilities import VIEW_MEMBERS
from legami.network.capabilities import VIEW_ORGANIZATIONS as VIEW
from legami.network.forms.organizations import (
    OrganizationCreateForm,
    OrganizationFilterForm,
    OrganizationForm,
    PartnershipForm,
)
from legami.network.models import Network
from legami.network.selectors.organizations import (
    get_organization_for_user,
    get_partnership_for_user,
    organizations_for,
    staff_of,
)
from legami.network.services.organizations import (
    add_partnership_role,
    can_update_organization,
    create_organization,
    delete_organization,
    remove_partnership_role,
    update_organization,
)


@require_GET
@network_view(VIEW)
def organization_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The partner organisations, filtered by kind, role and name, paginated."""
    form = OrganizationFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    organizations = organizations_for(request.user, network, **filters)
    page_obj = Paginator(organizations, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav": "organizations", "form": form, "page_obj": page_obj, "filtered": any(filters.values())}
    return render(request, "network/organizations/list.html", context)


@require_GET
@network_view(VIEW)
def organization_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """An organisation: its roles in the partnership, contact details and staff."""
    organization = get_organization_for_user(request.user, network, pk)
    context = {
        "nav": "organizations",
        "organization": organization,
        "staff": list(staff_of(request.user, organization)),
        "can_update": can_update_organization(request.user, organization),
        "can_manage": can(request.user, MANAGE, network),
        "can_see_staff": can(request.user, VIEW_MEMBERS, network),
    }
    return render(request, "network/organizations/detail.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def organization_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Add an organisation to the partnership, optionally with its first role."""
    form = OrganizationCreateForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            organization = create_organization(
                actor=request.user, network=network, data=form.organization_data(), **form.role_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The organisation %(name)s was added.") % {"name": organization.name})
            return redirect("network:organization_detail", network.slug, organization.pk)
    context = {"nav": "organizations", "form": form, "organization": None}
    return render(request, "network/organizations/form.html", context)


@require_http_methods(["GET", "POST"])
@network_view(VIEW)
def organization_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change an organisation: coordinators, or the partner staff of that organisation."""
    organization = get_organization_for_user(request.user, network, pk)
    if not can_update_organization(request.user, organization):
        raise PermissionDenied(MANAGE)
    if request.method == "POST":
        form = OrganizationForm(request.POST, network=network)
        if form.is_valid():
            try:
                organization = update_organization(
                    actor=request.user, organization=organization, data=form.organization_data()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The changes to %(name)s were saved.") % {"name": organization.name})
                return redirect("network:organization_detail", network.slug, organization.pk)
    else:
        form = OrganizationForm(initial=OrganizationForm.initial_for(organization), network=network)
    context = {"nav": "organizations", "form": form, "organization": organization}
    return render(request, "network/organizations/form.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def organization_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Confirm (GET) and delete (POST) an organisation; refused while it has active staff."""
    organization = get_organization_for_user(request.user, network, pk)
    error = None
    if request.method == "POST":
        try:
            delete_organization(actor=request.user, organization=organization)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The organisation %(name)s was deleted.") % {"name": organization.name})
            return redirect("network:organizations", network.slug)
    staff_count = staff_of(request.user, organization).count()
    context = {"nav": "organizations", "organization": organization, "error": error, "staff_count": staff_count}
    return render(request, "network/organizations/confirm_delete.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def partnership_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Give an organisation a role in the partnership."""
    organization = get_organization_for_user(request.user, network, pk)
    form = PartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partnership = add_partnership_role(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s now has the role %(role)s.")
                % {"name": organization.name, "role": partnership.get_role_display()},
            )
            return redirect("network:organization_detail", network.slug, organization.pk)
    context = {"nav": "organizations", "form": form, "organization": organization}
    return render(request, "network/organizations/partnership_form.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def partnership_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Confirm (GET) and remove (POST) one role of an organisation."""
    partnership = get_partnership_for_user(request.user, network, pk)
    organization = partnership.organization
    if request.method == "POST":
        remove_partnership_role(actor=request.user, partnership=partnership)
        messages.success(
            request,
            _("%(name)s no longer has the role %(role)s.")
            % {"name": organization.name, "role": partnership.get_role_display()},
        )
        return redirect("network:organization_detail", network.slug, organization.pk)
    context = {"nav": "organizations", "partnership": partnership, "organization": organization}
    return render(request, "network/organizations/partnership_confirm_delete.html", context)
