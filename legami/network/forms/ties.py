"""Forms of ties: the tie form (with person pickers) and the list filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.network.capabilities import CHANGE_TIES
from legami.network.forms.people import DateInput, PickerField, describe_person
from legami.network.models import Organization, Tie
from legami.network.selectors.people import people_for
from legami.network.services.ties import TIE_FIELDS

ENDS = ("source", "target")
# The label of a person end once a search turned its number box into a list of names.
CHOSEN_LABELS = {"source": _("First person"), "target": _("Second person")}


class TieForm(forms.Form):
    """Create or edit a tie. Each end is a person (by number, with a search) or an organisation."""

    source_person = PickerField(
        label=_("First person: number"),
        queryset=None,
        required=False,
        describe=describe_person,
        help_text=_("The number shown next to the name in the registry. Not sure? Search below."),
    )
    source_search = forms.CharField(
        label=_("Search the first person by name, e-mail or codice fiscale"), max_length=100, required=False
    )
    source_organization = forms.ModelChoiceField(
        label=_("…or first organisation"), queryset=None, required=False, empty_label=_("No organisation")
    )
    target_person = PickerField(
        label=_("Second person: number"),
        queryset=None,
        required=False,
        describe=describe_person,
        help_text=_("The number shown next to the name in the registry. Not sure? Search below."),
    )
    target_search = forms.CharField(
        label=_("Search the second person by name, e-mail or codice fiscale"), max_length=100, required=False
    )
    target_organization = forms.ModelChoiceField(
        label=_("…or second organisation"), queryset=None, required=False, empty_label=_("No organisation")
    )
    kind = forms.ChoiceField(label=_("Kind of tie"))
    direction = forms.ChoiceField(label=_("Direction"), widget=forms.RadioSelect, initial=Tie.Direction.MUTUAL)
    since = forms.DateField(label=_("Since"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput(), help_text=_("Empty if still active."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, viewer: Any, network: Any, matches: dict[str, list] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        people = people_for(viewer, network, capability=CHANGE_TIES)
        organizations = Organization.objects.filter(network=network).order_by("name", "pk")
        for end in ENDS:
            self.fields[f"{end}_person"].queryset = people
            self.fields[f"{end}_person"].error_messages["invalid_choice"] = _(
                "There is no person with this number that you can see."
            )
            self.fields[f"{end}_organization"].queryset = organizations
            if matches and matches.get(end):
                self.fields[f"{end}_person"].offer(
                    matches[end], label=CHOSEN_LABELS[end], help_text=_("The people who match your search.")
                )
        self.fields["kind"].choices = [("", _("Choose the kind")), *Tie.Kind.choices]
        self.fields["direction"].choices = Tie.Direction.choices
        self.fields["direction"].widget.attrs["class"] = "form-check-input"

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the `data` of create_tie / update_tie."""
        return {name: self.cleaned_data.get(name) for name in TIE_FIELDS}

    def selected_person(self, end: str) -> Any:
        """The person currently chosen at `end` (for showing their name next to the number), or None."""
        field = self.fields[f"{end}_person"]
        value = self[f"{end}_person"].value()
        if value in (None, ""):
            return None
        if hasattr(value, "_meta"):
            return value
        try:
            return field.queryset.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None


def tie_initial(tie: Tie) -> dict[str, Any]:
    """The form's initial values for an existing tie."""
    return {name: getattr(tie, name) for name in TIE_FIELDS}


class TieFilterForm(forms.Form):
    """Filters of the ties list: kind, and one person by number."""

    kind = forms.ChoiceField(label=_("Kind of tie"), required=False)
    person = forms.IntegerField(
        label=_("Person number"), required=False, min_value=1, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *Tie.Kind.choices]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of ties_for() from the valid fields (invalid ones are left out)."""
        self.is_valid()
        data = self.cleaned_data
        return {"kind": data.get("kind") or "", "person": data.get("person")}
