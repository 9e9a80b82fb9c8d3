"""Forms of households: the household form and the list filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.network.capabilities import CHANGE_PEOPLE
from legami.network.forms.people import municipality_choices_for, neighbourhoods_in_reach
from legami.network.models import Household
from legami.network.selectors.people import VIEW_PEOPLE
from legami.network.services.households import HOUSEHOLD_FIELDS


class HouseholdForm(forms.Form):
    """Create or edit a household; members join it from their own record."""

    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("How operators recognise it, e.g. “Famiglia Rossi, via Roma”.")
    )
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    municipality = forms.ModelChoiceField(
        widget=PlainSelect, label=_("Comune"), queryset=None, required=False, empty_label=_("— none —")
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=None,
        required=False,
        empty_label=_("— none —"),
        help_text=_("It must be in the chosen Comune."),
    )

    def __init__(self, *args, viewer: Any, network: Any, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipality_choices_for(viewer, network, CHANGE_PEOPLE)
        self.fields["neighbourhood"].queryset = neighbourhoods_in_reach(viewer, network, CHANGE_PEOPLE)

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the `data` of create_household / update_household."""
        return {name: self.cleaned_data.get(name) for name in HOUSEHOLD_FIELDS}


def household_initial(household: Household) -> dict[str, Any]:
    """The form's initial values for an existing household."""
    return {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}


class HouseholdFilterForm(forms.Form):
    """Search and Comune filter of the households list."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, help_text=_("Name or address"))
    municipality = forms.TypedChoiceField(
        widget=PlainSelect, label=_("Comune"), required=False, coerce=int, empty_value=None
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[("name", _("Name")), ("municipality", _("Comune"))]
    )

    def __init__(self, *args, viewer: Any, network: Any, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = municipality_choices_for(viewer, network, VIEW_PEOPLE)
        self.fields["municipality"].choices = [("", _("All Comuni")), *((m.pk, m.name) for m in municipalities)]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of households_for() from the valid fields (invalid ones are left out)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "municipality": data.get("municipality"),
            "ordering": data.get("sort") or "name",
        }
