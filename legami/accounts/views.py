"""Log in and out, change the password, personal access tokens.

The account's other pages (the user's networks, accepting an invitation) are the network app's
(`legami.network.views.account`): they read and write memberships, which accounts does not import.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from legami.accounts import services
from legami.accounts.forms import (
    LegamiPasswordChangeForm,
    LoginForm,
    TokenCreateForm,
)
from legami.accounts.selectors import get_token_for_user, tokens_for
from legami.core.forms import add_service_errors


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
