"""The form of a neighbourhood."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.territory.selectors.municipalities import municipalities_of


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
