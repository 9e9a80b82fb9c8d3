"""The account pages that read or write memberships: the user's networks, accepting an invitation.

They are mounted under /accounts/ with the accounts app's pages, in its "accounts" URL namespace
(see legami/urls.py): the invitation model is the accounts app's, its acceptance is the network's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from legami.accounts.forms.accounts import InvitationSignupForm
from legami.accounts.selectors.accounts import account_exists
from legami.accounts.services.accounts import record_login
from legami.core.forms import add_service_errors
from legami.network.selectors.members import get_invitation_by_token
from legami.network.selectors.networks import networks_with_my_roles
from legami.network.services.members import InvitationUnavailable, accept_invitation, invitation_state, role_label

INVITATION_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_required
@require_http_methods(["GET"])
def account_home(request: HttpRequest) -> HttpResponse:
    """My networks: where the user holds a role, with links to each dashboard."""
    networks = list(networks_with_my_roles(request.user))
    return render(request, "accounts/home.html", {"networks": networks, "nav": "account"})


def _invitation_page(request, invitation, *, mode, form=None, status=200):
    context = {
        "invitation": invitation,
        "role_label": role_label(invitation.role),
        "mode": mode,
        "form": form,
        "login_url": reverse("accounts:login") + "?" + urlencode({"next": request.path}),
    }
    return render(request, "accounts/invitation_accept.html", context, status=status)


def _unavailable_page(request, reason: str, status: int, invitation=None) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_unavailable.html",
        {"reason": reason, "invitation": invitation},
        status=status,
    )


def _accepted(request, membership, *, logged_in_now: bool) -> HttpResponse:
    if logged_in_now:
        auth_login(request, membership.user, backend=INVITATION_BACKEND)
        record_login(user=membership.user)
    messages.success(request, _("Welcome to %(network)s.") % {"network": membership.network.name})
    return redirect("network:dashboard", network_slug=membership.network.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: create an account, or confirm as the invited logged-in user."""
    try:
        invitation = get_invitation_by_token(token)
    except Http404:  # an unknown token gets the same clear page as a used one, with status 404
        return _unavailable_page(request, "unknown", 404)
    state = invitation_state(invitation)
    if state != "pending":
        return _unavailable_page(request, {"accepted": "used"}.get(state, state), 410, invitation)

    existing = account_exists(invitation.email)
    user = request.user
    if user.is_authenticated and user.email.lower() != invitation.email.lower():
        return _invitation_page(request, invitation, mode="wrong_user", status=403)
    if existing and not user.is_authenticated:
        return _invitation_page(request, invitation, mode="login_required")

    if user.is_authenticated:
        if request.method == "POST":
            try:
                membership = accept_invitation(raw_token=token, user=user)
            except InvitationUnavailable as exc:
                return _unavailable_page(request, exc.code or "used", 410, invitation)
            except PermissionDenied:
                return _invitation_page(request, invitation, mode="wrong_user", status=403)
            return _accepted(request, membership, logged_in_now=False)
        return _invitation_page(request, invitation, mode="confirm")

    if request.method == "POST":
        form = InvitationSignupForm(request.POST)
        if form.is_valid():
            try:
                membership = accept_invitation(
                    raw_token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password"],
                )
            except InvitationUnavailable as exc:
                return _unavailable_page(request, exc.code or "used", 410, invitation)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _accepted(request, membership, logged_in_now=True)
    else:
        form = InvitationSignupForm(initial={"full_name": invitation.full_name})
    return _invitation_page(request, invitation, mode="signup", form=form)
