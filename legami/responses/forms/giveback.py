"""Forms of give-back places and their list's filters (they shape input; the services validate it)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.needs.models import NeedArea
from legami.network.models import Organization
from legami.responses.models import GiveBackPlace, GiveBackPlaceStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlaceFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=NeedArea.objects.none(), required=False, empty_label=_("All"), widget=PlainSelect
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(GiveBackPlaceStatus.choices),
        widget=PlainSelect,
    )
    on = forms.DateField(label=_("Available on"), required=False, widget=DATE)

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = NeedArea.objects.filter(network=network).order_by(
            "name"
        )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"area": data.get("area"), "status": data.get("status") or "", "on": data.get("on")}


class PlaceForm(forms.Form):
    objective = forms.CharField(
        label=_("Objective"), max_length=300, help_text=_("What the people who take a place will do.")
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=NeedArea.objects.none(), required=False, empty_label=_("None"), widget=PlainSelect
    )
    places = forms.IntegerField(label=_("Number of places"), min_value=1, max_value=1000, initial=1)
    host = forms.ModelChoiceField(
        label=_("Host organisation"), queryset=Organization.objects.none(), widget=PlainSelect
    )
    skills_sought = forms.CharField(label=_("Skills sought"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = NeedArea.objects.filter(network=network).order_by(
            "name"
        )
        cast(forms.ModelChoiceField, self.fields["host"]).queryset = Organization.objects.filter(
            network=network
        ).order_by("name")

    @staticmethod
    def initial_for(place: GiveBackPlace) -> dict[str, Any]:
        return {name: getattr(place, name) for name in PlaceForm.base_fields}
