"""Forms of the two-factor pages and of the password reset; the services check the codes and the passwords."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app (its format is checked by the service, with clear messages)."""

    code = forms.CharField(
        label=_("Code from the app"),
        required=False,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
        help_text=_("The 6 digits the authenticator app shows now for legami."),
    )


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Recovery code"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "size": 12, "spellcheck": "false"}),
        help_text=_("One of the 10 codes you kept when you turned the verification on. Each works once."),
    )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": _("Enter the e-mail address of your account."),
            "invalid": _("This is not an e-mail address."),
            "max_length": _("This e-mail address is too long."),
        },
    )


class NewPasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text=_("At least 10 characters, not only digits, not too common and not like your name or e-mail."),
        error_messages={"required": _("Enter the new password.")},
    )
    new_password2 = forms.CharField(
        label=_("New password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter the new password again.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", _("The two passwords do not match."))
        return data
