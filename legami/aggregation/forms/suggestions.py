"""Forms of demand aggregation: attaching a suggested need."""

from __future__ import annotations

from django import forms


class SuggestionAttachForm(forms.Form):
    """The one-click attach of a suggestion."""

    need = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    demand = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
