"""Platform administration: platform admins (superusers) create networks and invite their coordinators."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from legami.core.forms import add_service_errors
from legami.core.http import site_base_url
from legami.core.roles import Role
from legami.network.forms.platform import CoordinatorInviteForm, NetworkCreateForm
from legami.network.selectors.members import platform_coordinator_invitations, platform_coordinators
from legami.network.selectors.networks import get_network_for_platform_admin, platform_networks
from legami.network.services.members import invitation_link, invite_member
from legami.network.services.networks import create_network


def platform_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors log in first; anyone but a platform admin gets 404 (the pages do not exist for them)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_superuser:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET"])
@platform_admin_required
def network_list(request: HttpRequest) -> HttpResponse:
    """Every network on the platform, with its members and coordinators."""
    page_obj = Paginator(platform_networks(request.user), settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "network/platform/network_list.html", {"page_obj": page_obj, "nav": "platform"})


@require_http_methods(["GET", "POST"])
@platform_admin_required
def network_create(request: HttpRequest) -> HttpResponse:
    """Create a network, then go on to invite its coordinator."""
    form = NetworkCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            network = create_network(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The network %(name)s has been created. Now invite its coordinator.") % {"name": network.name},
            )
            return redirect("platform:coordinator_invite", pk=network.pk)
    return render(request, "network/platform/network_form.html", {"form": form, "nav": "platform"})


@never_cache
@require_http_methods(["GET", "POST"])
@platform_admin_required
def coordinator_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a coordinator of a network; after sending, the page shows the invitation link."""
    target = get_network_for_platform_admin(request.user, pk)
    form = CoordinatorInviteForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, raw = invite_member(
                actor=request.user,
                network=target,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=Role.COORDINATOR,
                base_url=site_base_url(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Rendered, not redirected: the link holds the secret, which is not stored anywhere to show it later.
            messages.success(
                request, _("The invitation has been sent by e-mail to %(email)s.") % {"email": invitation.email}
            )
            link = invitation_link(raw, base_url=site_base_url(request))
            form = CoordinatorInviteForm()
    context = {
        "target": target,
        "form": form,
        "link": link,
        "coordinators": list(platform_coordinators(request.user, target)),
        "invitations": list(platform_coordinator_invitations(request.user, target)),
        "nav": "platform",
    }
    return render(request, "network/platform/coordinator_invite.html", context)
