"""Personal access tokens: the list, creating one (its secret shown once), revoking one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from legami.accounts.forms.tokens import TokenCreateForm
from legami.accounts.selectors.tokens import get_token_for_user, tokens_for
from legami.accounts.services.tokens import create_token, revoke_token
from legami.core.forms import add_service_errors


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
                token, raw = create_token(
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
            revoke_token(actor=request.user, token=token)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token, "nav": "account"})
