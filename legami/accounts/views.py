"""Log in and out, the user's networks, invitations and personal access tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from legami.accounts import services
from legami.accounts.forms import (
    InvitationSignupForm,
    LegamiPasswordChangeForm,
    LoginForm,
    TokenCreateForm,
)
from legami.accounts.selectors import account_exists, get_token_for_user, tokens_for
from legami.core.forms import add_service_errors
from legami.network.selectors.members import get_invitation_by_token
from legami.network.selectors.networks import networks_with_my_roles
from legami.network.services.members import InvitationUnavailable, accept_invitation, invitation_state, role_label

INVITATION_BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    """Log in with e-mail and password; the log-in is written to the audit trail."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_login(user=form.get_user())
        return response


class LogoutView(auth_views.LogoutView):
    """Log out (POST only)."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password, through the accounts service."""

    template_name = "accounts/password_change.html"
    form_class = LegamiPasswordChangeForm
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form):
        try:
            services.change_password(
                actor=self.request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


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
        services.record_login(user=membership.user)
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


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's personal access tokens; a new token's secret is shown once, in the POST response."""
    created = None
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            try:
                token, raw = services.create_token(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # No redirect here on purpose: the secret must not be kept anywhere to show it after one.
                created = {"token": token, "raw": raw}
                form = TokenCreateForm()
    else:
        form = TokenCreateForm()
    context = {"tokens": list(tokens_for(request.user)), "form": form, "created": created, "nav": "account"}
    return render(request, "accounts/tokens.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET) and revoke (POST) one of the user's own tokens."""
    token = get_token_for_user(request.user, pk)
    if request.method == "POST":
        try:
            services.revoke_token(actor=request.user, token=token)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token, "nav": "account"})
