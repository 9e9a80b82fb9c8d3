"""Form helpers shared by every app's views, and the base of the public forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from legami.core import formguard


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.error_list)


class PublicForm(forms.Form):
    """What every public form shares (a need's report, an offer): a contact when the sender is not logged in,
    the consent, a honeypot and a signed stamp that is used once (legami.core.formguard).

    A subclass sets `stamp_salt`, `anonymous_rules` (the service's inputs.Rules for a sender without an account,
    checked in `clean` so that the form and the service say the same) and `consent_when_logged_in` (whether a
    logged-in sender still ticks the consent: yes where consent is the legal basis). Its template renders the
    fields by name; `contact_data()` gives the contact to the service ("" for what was not given).
    """

    CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
    stamp_salt: str
    anonymous_rules: Any
    consent_when_logged_in = False

    contact_name = forms.CharField(
        label=_("Your name"), max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    contact_phone = forms.CharField(
        label=_("Your phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    privacy = forms.BooleanField(label=_("I have read the privacy notice above and I agree to be contacted."))
    # Honeypot: hidden from people (and from screen readers), filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if getattr(user, "is_authenticated", False) else None
        if self.user is not None:
            # A logged-in sender is reachable through their account: no contact needed.
            dropped = self.CONTACT_FIELDS if self.consent_when_logged_in else (*self.CONTACT_FIELDS, "privacy")
            for name in dropped:
                del self.fields[name]
        if not self.is_bound:
            self.initial["stamp"] = self.fresh_stamp()

    @classmethod
    def fresh_stamp(cls) -> str:
        """The signed stamp put in the form when it is shown."""
        return formguard.new_stamp(cls.stamp_salt)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if self.user is None:
            for name, errors in self.anonymous_rules.check(data).items():
                self.add_error(name, errors)
        if self.errors:
            # Show only what the person can fix: a form with field errors is refused anyway, and the anti-bot
            # checks below run on the next submission (with a fresh stamp, see `public_form_page`).
            return data
        if data.get("website"):
            raise forms.ValidationError(_("The form could not be sent. Please try again."), code="bot")
        # Not too old, not too fast, and used once (a page's stamp cannot be replayed to post many times).
        formguard.spend_stamp(formguard.check_stamp(data.get("stamp") or "", salt=self.stamp_salt))
        return data

    def contact_data(self) -> dict[str, str]:
        """The contact given, for the service ("" for each part not given; nothing when logged in)."""
        return {name: self.cleaned_data.get(name) or "" for name in self.CONTACT_FIELDS if name in self.fields}


def public_form_page(
    request: HttpRequest,
    form: Any,
    *,
    limit: str,
    submit: Callable[[dict[str, Any]], Any],
    done: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The page of a public form (a PublicForm with its `service_data()`): the rate limit of the sender's
    address (`limit` names the form), then the form; a valid one goes to `submit(form.service_data())` and on to
    the `done` address. A form sent back for correction gets a fresh stamp, so that correcting it does not count
    as filling it in too fast."""
    if request.method == "POST":
        if limited := formguard.too_many_posts(request, limit):
            return limited
        if form.is_valid():
            try:
                submit(form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(done)
        form.data = form.data.copy()
        form.data["stamp"] = form.fresh_stamp()
    status = 400 if form.errors else 200
    return render(request, template, {**context, "form": form}, status=status)
