"""Forms for partner organisations and their roles; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.network.models import Network, Organization, Partnership
from legami.network.selectors.organizations import territory_municipalities
from legami.territory.models import Municipality


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrganizationForm(forms.Form):
    """An organisation's details; `municipality` offers only the Comuni of the network's territory."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("— choose —")), *Organization.Kind.choices])
    tax_code = forms.CharField(
        label=_("Codice fiscale or partita IVA"),
        max_length=20,
        required=False,
        help_text=_("11 digits for a body; 16 characters for an informal group or a sole business."),
    )
    municipality = forms.ModelChoiceField(
        widget=PlainSelect,
        label=_("Comune"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("— not stated —"),
    )
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = territory_municipalities(network)  # type: ignore[attr-defined]
        self.fields["tax_code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel"})
        self.fields["website"].widget.attrs.update({"autocomplete": "url"})

    @staticmethod
    def initial_for(organization: Organization) -> dict:
        """The form's initial values from an existing organisation."""
        return {
            "name": organization.name,
            "kind": organization.kind,
            "tax_code": organization.tax_code,
            "municipality": organization.municipality_id,
            "address": organization.address,
            "email": organization.email,
            "phone": organization.phone,
            "website": organization.website,
            "description": organization.description,
        }

    def organization_data(self) -> dict:
        """The cleaned values, keyed as the service expects."""
        return {name: self.cleaned_data.get(name) for name in OrganizationForm.base_fields}


class OrganizationCreateForm(OrganizationForm):
    """An organisation's details plus, optionally, its first role in the partnership."""

    role = forms.ChoiceField(
        label=_("Role in the partnership"),
        choices=[("", _("— none for now —")), *Partnership.Role.choices],
        required=False,
    )
    since = forms.DateField(label=_("Since"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    contribution = forms.CharField(
        label=_("Contribution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What the organisation brings to the partnership."),
    )

    def role_data(self) -> dict:
        """The first role's values, keyed as the service expects."""
        return {key: self.cleaned_data.get(key) for key in ("role", "since", "until", "contribution")}


class PartnershipForm(forms.Form):
    """A role of an organisation in the partnership."""

    # No preselected role: the coordinator must choose one, not accept "Lead partner" by accident.
    role = forms.ChoiceField(
        label=_("Role in the partnership"), choices=[("", _("— choose a role —")), *Partnership.Role.choices]
    )
    since = forms.DateField(label=_("Since"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    contribution = forms.CharField(
        label=_("Contribution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What the organisation brings to the partnership."),
    )


class OrganizationFilterForm(forms.Form):
    """Filters of the organisation list (all optional; invalid values are ignored)."""

    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Organization.Kind.choices], required=False
    )
    role = forms.ChoiceField(
        label=_("Role in the partnership"),
        choices=[("", _("All roles")), *Partnership.Role.choices],
        required=False,
    )

    def filters(self) -> dict:
        """The valid filters as keyword arguments of organizations_for()."""
        self.is_valid()  # fills cleaned_data with the valid fields only
        data = self.cleaned_data
        return {"search": data.get("q", ""), "kind": data.get("kind", ""), "role": data.get("role", "")}
