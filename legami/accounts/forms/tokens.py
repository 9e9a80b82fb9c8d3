"""Forms of the account pages: a new personal access token (the services do the real validation)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.accounts.services.tokens import TOKEN_MAX_DAYS


class TokenCreateForm(forms.Form):
    """Name and optional lifetime of a new personal access token."""

    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the app using it.")
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        help_text=_("From 1 to 365 days. Leave empty for a token that does not expire."),
    )
