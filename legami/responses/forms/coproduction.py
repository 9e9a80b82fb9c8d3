"""The form of an entry of the co-production ledger (it shapes input; the service validates it)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.network.models import Organization
from legami.responses.models import ContributorKind, CoProductionKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntryForm(forms.Form):
    contributor = forms.ChoiceField(label=_("Who contributed"), choices=ContributorKind.choices, widget=PlainSelect)
    organization = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("None (citizens)"),
        widget=PlainSelect,
        help_text=_("For a partner's contribution."),
    )
    kind = forms.ChoiceField(label=_("What"), choices=CoProductionKind.choices, widget=PlainSelect)
    quantity = forms.CharField(
        label=_("How much"), max_length=20, help_text=_("Hours, or euro for money and goods; for example 12,5.")
    )
    people = forms.IntegerField(
        label=_("How many citizens"),
        min_value=0,
        required=False,
        help_text=_("For citizens' contributions: how many people, never who."),
    )
    on_date = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args: Any, organizations: Any, citizens: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        if not citizens:
            field = cast(forms.ChoiceField, self.fields["contributor"])
            field.choices = [(ContributorKind.PARTNER.value, ContributorKind.PARTNER.label)]
            del self.fields["people"]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("people") is None:
            data.pop("people", None)
        if not data.get("description"):
            data["description"] = ""
        return data


class DeleteForm(forms.Form):
    """A confirmation."""
