"""Password reset by e-mail: ask for the link, then choose the new password from it (Django's token checks)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from legami.accounts.forms.two_factor import NewPasswordForm, PasswordResetRequestForm
from legami.accounts.services.passwords import request_password_reset, reset_password
from legami.core import formguard
from legami.core.forms import add_service_errors
from legami.core.http import site_base_url


def _too_many_for_address(request: HttpRequest, email: str) -> HttpResponse | None:
    return formguard.too_many_for(
        request, f"password_reset:{email.strip().lower()}", limit=settings.LEGAMI_PASSWORD_RESETS_PER_HOUR
    )


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link; the same answer whether the address has an account or not."""
    if request.method == "POST" and (limited := formguard.too_many_posts(request, "password_reset")):
        return limited
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if limited := _too_many_for_address(request, email):
            return limited
        request_password_reset(email=email, base_url=site_base_url(request))
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_done(request: HttpRequest) -> HttpResponse:
    """What happens next, said the same way for every address."""
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    return render(request, "accounts/password_reset_done.html", {"minutes": minutes})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's checks of the link (it moves the token into the session, out of the address bar), then the new
    password through the accounts service. It logs nobody in: the log-in, two-factor included, comes after."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm  # type: ignore[assignment]
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user", None)  # NewPasswordForm is a plain form; the service checks the password rules
        return kwargs

    def form_valid(self, form):
        try:
            reset_password(user=self.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_complete.html")
