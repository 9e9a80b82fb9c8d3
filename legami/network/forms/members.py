"""Forms of the members pages: invitations and the member list filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.roles import Role
from legami.network.models import Network, Organization
from legami.territory.models import SocialDistrict


class InvitationForm(forms.Form):
    """Invite someone with a role, optionally limited to one organisation or one district."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Choose a role")), *Role.choices])
    organization = forms.ModelChoiceField(
        label=_("Limited to the organisation"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("No limitation"),
        help_text=_("For partner staff: the organisation they work for."),
    )
    district = forms.ModelChoiceField(
        label=_("Limited to the district"),
        queryset=SocialDistrict.objects.none(),
        required=False,
        empty_label=_("No limitation (whole network)"),
        help_text=_("Limits the people and ties they see to the Comuni of this district."),
    )

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(network=network).order_by("name")
        self.fields["district"].queryset = SocialDistrict.objects.filter(network=network).order_by("name")


class MemberFilterForm(forms.Form):
    """Filter the member list by role."""

    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False)
