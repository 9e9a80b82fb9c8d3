"""Log in and out, change the password.

The account's other pages (the user's networks, accepting an invitation) are the network app's
(`legami.network.views.account`): they read and write memberships, which accounts does not import.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _

from legami.accounts.forms.accounts import LegamiPasswordChangeForm, LoginForm
from legami.accounts.selectors.two_factor import has_two_factor, two_factor_required
from legami.accounts.services.accounts import change_password, record_login
from legami.core.forms import add_service_errors


def second_step_url_after_login(target: str) -> str:
    """The page of the second step, which then goes on to `target` (where the log-in would have gone)."""
    return reverse("accounts:two_factor_verify") + "?" + urlencode({"next": target})


class LoginView(auth_views.LoginView):
    """Log in with e-mail and password; the log-in is written to the audit trail."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        record_login(user=user)
        if two_factor_required(user) or has_two_factor(user):
            # The password was the first step: the code (or turning the verification on) comes next, then the page.
            return redirect(second_step_url_after_login(response["Location"]))
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
            change_password(
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


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """The page of a refused log-in while the account or the address is locked out (django-axes calls it)."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
