"""Forms of the need-area taxonomy."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AreaForm(forms.Form):
    """Add or edit an area: its name, what it covers, and its place in the list."""

    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("What it covers"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    position = forms.IntegerField(
        label=_("Position in the list"),
        required=False,
        min_value=0,
        max_value=32767,
        help_text=_("Smaller numbers come first. Empty: at the end."),
    )

    def service_data(self, *, creating: bool) -> dict:
        """The cleaned values as the `data` of create_area / update_area."""
        data = {name: self.cleaned_data.get(name) for name in ("name", "description", "position")}
        if data["position"] is None:
            data.pop("position")
        data["description"] = data["description"] or ""
        return data
