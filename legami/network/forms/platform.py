"""Forms of the platform administration pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class NetworkCreateForm(forms.Form):
    """A new network: the service checks the short name and the rest."""

    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.CharField(
        label=_("Short name (in the address)"),
        max_length=60,
        help_text=_("Lowercase letters, digits and hyphens, e.g. welfare-cremona. It cannot be changed later."),
    )
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    description = forms.CharField(
        label=_("What the network does"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")


class CoordinatorInviteForm(forms.Form):
    """The e-mail address (and name) of the network's coordinator."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
