"""Forms of the territory pages; they only shape input, the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.territory.models import Place
from legami.territory.selectors import (
    districts_of,
    municipalities_of,
    neighbourhoods_of,
    provinces,
    territory_links_of,
)


class SearchInput(forms.TextInput):
    input_type = "search"


class IdListField(forms.Field):
    """A list of positive integer ids (checkboxes sharing one name); the service checks they exist."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("The choice is not valid.")}

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        ids = []
        for item in value:
            text = str(item).strip()
            if not text.isdigit():
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(text))
        return list(dict.fromkeys(ids))


class MunicipalitySearchForm(forms.Form):
    """Search the ISTAT list by name and province (a GET form)."""

    q = forms.CharField(
        label=_("Name of the Comune"), required=False, max_length=100, widget=SearchInput(attrs={"autocomplete": "off"})
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=provinces(), required=False, empty_label=_("All provinces")
    )


class MunicipalityAddForm(forms.Form):
    """The Comuni ticked in the search results, and the district to put them in."""

    municipalities = IdListField(
        label=_("Comuni to add"), error_messages={"required": _("Choose at least one Comune.")}
    )
    district = forms.ModelChoiceField(
        label=_("Add them to the district"),
        queryset=None,
        required=False,
        empty_label=_("No district"),
    )

    def __init__(self, network: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts_of(network).prefetch_related(None)


class DistrictForm(forms.Form):
    """Name, code and Comuni of a social district."""

    name = forms.CharField(label=_("Name"), max_length=150)
    code = forms.CharField(
        label=_("Code"),
        max_length=30,
        required=False,
        help_text=_("The regional code of the ambito, if it has one."),
    )
    municipalities = forms.TypedMultipleChoiceField(
        label=_("Comuni of the district"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A Comune can be in only one district: those already in another one say which."),
    )

    def __init__(self, network: Any, *args: Any, district: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        initial = []
        for link in territory_links_of(network):
            label = link.municipality.name
            if link.district is not None and (district is None or link.district_id != district.pk):
                # The other district is a side note: smaller and lighter than the Comune's name.
                label = format_html(
                    '{} <small class="legami-aside">{}</small>',
                    label,
                    _("(now in %(district)s)") % {"district": link.district.name},
                )
            choices.append((link.municipality_id, label))
            if district is not None and link.district_id == district.pk:
                initial.append(link.municipality_id)
        self.fields["municipalities"].choices = choices
        if district is not None and not self.is_bound:
            self.initial.update({"name": district.name, "code": district.code, "municipalities": initial})


class NeighbourhoodForm(forms.Form):
    """A neighbourhood of one of the network's Comuni."""

    municipality = forms.ModelChoiceField(
        widget=PlainSelect, label=_("Comune"), queryset=None, empty_label=_("Choose a Comune")
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, network: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities_of(network)


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
