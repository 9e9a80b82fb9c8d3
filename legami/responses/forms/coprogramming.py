"""Forms of co-programming rounds (they shape input; the services validate it)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.core.widgets import PlainSelect
from legami.needs.models import Survey
from legami.network.models import Network, Organization, Partnership
from legami.participation.models import Process
from legami.responses.models import ContributionKind, CoProgrammingStatus
from legami.responses.services.coprogramming import PUBLIC_BODY_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(CoProgrammingStatus.choices),
        widget=PlainSelect,
    )

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"status": data.get("status") or ""}


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    public_body = forms.ModelChoiceField(
        label=_("Public body opening the round"),
        queryset=Organization.objects.none(),
        widget=PlainSelect,
        help_text=_("A Comune or another public body of the network."),
    )
    lead = forms.ModelChoiceField(
        label=_("Lead partner"),
        queryset=Organization.objects.none(),
        widget=PlainSelect,
        help_text=_("The organisation that signs off the priorities when the round closes."),
    )
    analysis = forms.CharField(
        label=_("Shared analysis"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the public body knows of the needs and asks the partners to complete."),
    )
    demands = forms.ModelMultipleChoiceField(
        label=_("Accepted demands"),
        queryset=AggregatedDemand.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    surveys = forms.ModelMultipleChoiceField(
        label=_("Surveys"),
        queryset=Survey.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    process = forms.ModelChoiceField(
        label=_("Participatory process"),
        queryset=Process.objects.none(),
        required=False,
        empty_label=_("None"),
        widget=PlainSelect,
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Contributions until"), widget=DATE)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.filter(network=network).order_by("name")
        cast(forms.ModelChoiceField, self.fields["public_body"]).queryset = organizations.filter(
            kind__in=PUBLIC_BODY_KINDS
        )
        cast(forms.ModelChoiceField, self.fields["lead"]).queryset = organizations
        cast(forms.ModelMultipleChoiceField, self.fields["demands"]).queryset = AggregatedDemand.objects.filter(
            network=network, status__in=(DemandStatus.ACCEPTED, DemandStatus.ANSWERED)
        ).order_by("title")
        cast(forms.ModelMultipleChoiceField, self.fields["surveys"]).queryset = Survey.objects.filter(
            network=network
        ).order_by("title")
        cast(forms.ModelChoiceField, self.fields["process"]).queryset = Process.objects.filter(
            network=network
        ).order_by("title")
        if not self.is_bound:
            lead = Partnership.objects.filter(network=network, role=Partnership.Role.LEAD).first()
            if lead is not None:
                self.initial.setdefault("lead", lead.organization_id)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["demands"] = list(data.get("demands") or [])
        data["surveys"] = list(data.get("surveys") or [])
        return data


class ContributionForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Organization.objects.none(), widget=PlainSelect
    )
    kind = forms.ChoiceField(label=_("Kind of contribution"), choices=ContributionKind.choices, widget=PlainSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Contribution"), widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(
        label=_("File (optional)"),
        required=False,
        help_text=_("PDF, ODT, DOCX, XLSX, CSV, PNG or JPG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.odt,.docx,.xlsx,.csv,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, network: Network, own_only: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if own_only:
            del self.fields["organization"]
        else:
            field = cast(forms.ModelChoiceField, self.fields["organization"])
            field.queryset = Organization.objects.filter(network=network).order_by("name")

    def service_data(self) -> dict[str, Any]:
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, False) or key == "file"}


class CloseForm(forms.Form):
    priorities = forms.CharField(
        label=_("Priorities agreed"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One per line, in order of importance: they go into the outcome document."),
    )
    for_lead = forms.BooleanField(
        label=_("I sign off on behalf of the lead partner"),
        required=False,
        help_text=_("Needed when your account is not a member of the lead partner."),
    )
    note = forms.CharField(
        label=_("Note (optional)"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
