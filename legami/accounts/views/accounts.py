"""Log in and out, change the password.

The account's other pages (the user's networks, accepting an invitation) are the network app's
(`legami.network.views.account`): they read and write memberships, which accounts does not import.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from legami.accounts.forms.accounts import LegamiPasswordChangeForm, LoginForm
from legami.accounts.services.accounts import change_password, record_login
from legami.core.forms import add_service_errors


class LoginView(auth_views.LoginView):
    """Log in with e-mail and password; the log-in is written to the audit trail."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        record_login(user=form.get_user())
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
