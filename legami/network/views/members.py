"""Members of a network: the list, invitations, revoking invitations and ending memberships."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from legami.core.forms import add_service_errors
from legami.core.http import site_base_url
from legami.core.permissions import can
from legami.network.decorators import network_view
from legami.network.forms.members import InvitationForm, MemberFilterForm
from legami.network.selectors.members import (
    get_invitation_for_user,
    get_membership_for_user,
    memberships_for,
    open_invitations_for,
)
from legami.network.services.members import (
    deactivate_membership,
    invitation_link,
    invitation_state,
    invite_member,
    revoke_invitation,
    role_label,
)


@require_http_methods(["GET"])
@network_view("network.view_members")
def member_list(request: HttpRequest, network) -> HttpResponse:
    """Active members with their roles and limitations, and the open invitations."""
    filters = MemberFilterForm(request.GET or None)
    role = filters.cleaned_data["role"] if filters.is_valid() else ""
    page_obj = Paginator(memberships_for(request.user, network, role=role), settings.LEGAMI_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    invitations = [
        (inv, invitation_state(inv), role_label(inv.role)) for inv in open_invitations_for(request.user, network)
    ]
    context = {
        "nav": "members",
        "filters": filters,
        "page_obj": page_obj,
        "invitations": invitations,
        "can_manage": can(request.user, "network.manage_members", network),
    }
    return render(request, "network/members/list.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@network_view("network.manage_members")
def member_invite(request: HttpRequest, network) -> HttpResponse:
    """Invite someone with a role; the page then shows the link that was e-mailed."""
    form = InvitationForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            base_url = site_base_url(request)
            invitation, raw = invite_member(actor=request.user, network=network, base_url=base_url, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Rendered, not redirected: the link holds the secret, which is not stored anywhere to show it later.
            # No flash message: the page itself says the invitation was sent, once.
            return render(
                request,
                "network/members/invite_done.html",
                {
                    "nav": "members",
                    "invitation": invitation,
                    "role_label": role_label(invitation.role),
                    "link": invitation_link(raw, base_url=base_url),
                },
            )
    context = {"nav": "members", "form": form, "invitation_days": settings.LEGAMI_INVITATION_DAYS}
    return render(request, "network/members/invite.html", context)


@require_http_methods(["GET", "POST"])
@network_view("network.manage_members")
def invitation_revoke(request: HttpRequest, network, pk: int) -> HttpResponse:
    """Confirm (GET) and withdraw (POST) an invitation that has not been used."""
    invitation = get_invitation_for_user(request.user, network, pk)
    if request.method == "POST":
        try:
            revoke_invitation(actor=request.user, invitation=invitation)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The invitation for %(email)s has been withdrawn.") % {"email": invitation.email}
            )
        return redirect("network:members", network_slug=network.slug)
    context = {"nav": "members", "invitation": invitation, "role_label": role_label(invitation.role)}
    return render(request, "network/members/invitation_revoke.html", context)


@require_http_methods(["GET", "POST"])
@network_view("network.manage_members")
def membership_deactivate(request: HttpRequest, network, pk: int) -> HttpResponse:
    """Confirm (GET) and end (POST) a member's role; the last coordinator is kept."""
    membership = get_membership_for_user(request.user, network, pk)
    error = None
    if request.method == "POST":
        try:
            deactivate_membership(actor=request.user, membership=membership)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s no longer has the role %(role)s.")
                % {"name": membership.user.display_name, "role": membership.get_role_display()},
            )
            return redirect("network:members", network_slug=network.slug)
    context = {"nav": "members", "membership": membership, "error": error}
    return render(request, "network/members/membership_deactivate.html", context, status=409 if error else 200)
