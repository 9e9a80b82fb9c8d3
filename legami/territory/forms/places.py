"""The forms of the places: a place, and the filters of the place list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.territory.forms.municipalities import SearchInput
from legami.territory.models import Place
from legami.territory.selectors.municipalities import municipalities_of
from legami.territory.selectors.neighbourhoods import neighbourhoods_of


class PlaceForm(forms.Form):
    """A place of the network."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose a kind")), *Place.Kind.choices])
    municipality = forms.ModelChoiceField(
        widget=PlainSelect, label=_("Comune"), queryset=None, empty_label=_("Choose a Comune")
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=None,
        required=False,
        empty_label=_("No neighbourhood"),
        help_text=_("It must be in the Comune chosen above."),
    )
    address = forms.CharField(label=_("Address"), max_length=250)
    # Plain text: decimal degrees are accepted with a point or a comma in every language, and the
    # service says what is wrong with a value (not a number, outside Italy, only one of the two).
    latitude = forms.CharField(
        label=_("Latitude"),
        required=False,
        max_length=20,
        help_text=_("Optional, in decimal degrees (for example 45.1333). Enter it together with the longitude."),
    )
    longitude = forms.CharField(
        label=_("Longitude"),
        required=False,
        max_length=20,
        help_text=_("Optional, in decimal degrees (for example 10.0227)."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, network: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities_of(network)
        self.fields["neighbourhood"].queryset = neighbourhoods_of(network)
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    @staticmethod
    def initial_for(place: Place) -> dict[str, Any]:
        return {
            "name": place.name,
            "kind": place.kind,
            "municipality": place.municipality_id,
            "neighbourhood": place.neighbourhood_id,
            "address": place.address,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "description": place.description,
        }


class PlaceFilterForm(forms.Form):
    """Filters of the place list (a GET form)."""

    q = forms.CharField(label=_("Search by name or address"), required=False, max_length=100, widget=SearchInput)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Place.Kind.choices])
    municipality = forms.ModelChoiceField(
        widget=PlainSelect, label=_("Comune"), queryset=None, required=False, empty_label=_("All Comuni")
    )

    def __init__(self, network: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities_of(network)
