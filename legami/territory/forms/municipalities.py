"""Forms of the network's territory: search the ISTAT list, and add the Comuni ticked in it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.parsing import parse_id
from legami.territory.selectors.districts import districts_of
from legami.territory.selectors.municipalities import provinces


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
            pk = parse_id(item)
            if pk is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(pk)
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
