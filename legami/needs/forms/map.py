"""The filters of the needs map and dashboard (a GET form: a bad value is a form error, never a 500)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.permissions import district_scope
from legami.core.widgets import PlainSelect
from legami.needs.models import Channel, NeedArea, NeedStatus, TargetGroup
from legami.needs.selectors.map import MEASURES, PERIODS, VIEW_NEEDS, MapFilters
from legami.territory.models import NetworkMunicipality, SocialDistrict
from legami.territory.selectors.municipalities import municipalities_of

ORIGIN_CHOICES = [
    ("", _("Expressed and detected")),
    ("expressed", _("Expressed only")),
    ("detected", _("Detected only")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MapFilterForm(forms.Form):
    """Area, target group, Comune, ambito, dates, expressed/detected, status, channel; period and measure."""

    area = forms.TypedChoiceField(widget=PlainSelect, label=_("Area"), required=False, coerce=int, empty_value=None)
    target_group = forms.ChoiceField(widget=PlainSelect, label=_("Target group"), required=False)
    district = forms.TypedChoiceField(
        widget=PlainSelect, label=_("Social district"), required=False, coerce=int, empty_value=None
    )
    municipality = forms.TypedChoiceField(
        widget=PlainSelect,
        label=_("Comune"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("With one Comune, the figures are broken down by neighbourhood."),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    origin = forms.ChoiceField(
        widget=PlainSelect, label=_("Expressed or detected"), required=False, choices=ORIGIN_CHOICES
    )
    status = forms.ChoiceField(widget=PlainSelect, label=_("Status"), required=False)
    channel = forms.ChoiceField(widget=PlainSelect, label=_("Channel"), required=False)
    period = forms.ChoiceField(
        widget=PlainSelect,
        label=_("Trend by"),
        required=False,
        choices=[("month", _("Month")), ("quarter", _("Quarter"))],
    )
    measure = forms.ChoiceField(
        widget=PlainSelect,
        label=_("Figure shown in the table and on the map"),
        required=False,
        choices=[("needs", _("Needs")), ("people", _("People concerned")), ("subjects", _("Distinct subjects"))],
    )

    def __init__(self, *args: Any, viewer: Any, network: Any, exact: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        # An operator limited to some districts chooses among their Comuni; everyone else among the network's.
        scope = district_scope(viewer, VIEW_NEEDS, network) if exact else None
        municipalities = municipalities_of(network)
        districts = SocialDistrict.objects.filter(network=network).order_by("name")
        if scope is not None:
            municipalities = municipalities.filter(
                pk__in=NetworkMunicipality.objects.filter(network=network, district_id__in=scope).values(
                    "municipality_id"
                )
            )
            districts = districts.filter(pk__in=scope)
        areas = NeedArea.objects.filter(network=network).order_by("position", "name")
        self.fields["area"].choices = [("", _("All areas")), *((a.pk, a.name) for a in areas)]
        self.fields["target_group"].choices = [("", _("All target groups")), *TargetGroup.choices]
        self.fields["district"].choices = [("", _("All social districts")), *((d.pk, d.name) for d in districts)]
        self.fields["municipality"].choices = [("", _("All Comuni")), *((m.pk, m.name) for m in municipalities)]
        self.fields["status"].choices = [("", _("Any status")), *NeedStatus.choices]
        self.fields["channel"].choices = [("", _("Any channel")), *Channel.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date comes before the start date."))
        if date_from and date_from > timezone.localdate():
            self.add_error("date_from", _("The start date is in the future."))
        municipality, district = data.get("municipality"), data.get("district")
        if municipality is not None and district is not None:
            inside = NetworkMunicipality.objects.filter(
                network=self.network, municipality_id=municipality, district_id=district
            ).exists()
            if not inside:
                self.add_error("municipality", _("This Comune is not in the chosen social district."))
        return data

    def filters(self) -> MapFilters:
        """The filters of a valid form (call is_valid() first)."""
        data = self.cleaned_data
        period = data.get("period") or "month"
        return MapFilters(
            area=data.get("area"),
            target_group=data.get("target_group") or "",
            municipality=data.get("municipality"),
            district=data.get("district"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            expressed={"expressed": True, "detected": False}.get(data.get("origin") or ""),
            status=data.get("status") or "",
            channel=data.get("channel") or "",
            period=period if period in PERIODS else "month",
        )

    @property
    def chosen_measure(self) -> str:
        value = self.cleaned_data.get("measure") if hasattr(self, "cleaned_data") else None
        return value if value in MEASURES else "needs"

    @property
    def is_filtered(self) -> bool:
        if not self.is_bound:
            return False
        return any(self.data.get(name) for name in self.fields if name not in ("period", "measure"))
