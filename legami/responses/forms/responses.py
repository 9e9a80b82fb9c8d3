"""Forms of responses: the response itself, its moves, partners, budget lines, milestones and what it answers
(they shape input; the services validate it)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.needs.models import NeedArea
from legami.network.models import Organization
from legami.participation.models import Process
from legami.responses.models import BudgetLine, BudgetSource, Milestone, PartnerRole, Response, ResponseStatus
from legami.territory.models import Municipality

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResponseFilterForm(forms.Form):
    """Filters of the list of responses."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(ResponseStatus.choices), widget=PlainSelect
    )

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"status": data.get("status") or ""}


class ResponseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("In one sentence"),
        max_length=300,
        help_text=_("Shown in the list of responses and on its public page."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the response does, for whom, where and how; it is public."),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Comuni"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    area = forms.ModelChoiceField(
        label=_("Area of need"),
        queryset=NeedArea.objects.none(),
        required=False,
        empty_label=_("None"),
        widget=PlainSelect,
    )
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)
    process = forms.ModelChoiceField(
        label=_("Participatory process"),
        queryset=Process.objects.none(),
        required=False,
        empty_label=_("None"),
        widget=PlainSelect,
    )

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        comuni = cast(forms.ModelMultipleChoiceField, self.fields["municipalities"])
        comuni.queryset = Municipality.objects.filter(network_links__network=network).order_by("name")
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = NeedArea.objects.filter(network=network).order_by(
            "name"
        )
        cast(forms.ModelChoiceField, self.fields["process"]).queryset = Process.objects.filter(
            network=network
        ).order_by("title")

    @staticmethod
    def initial_for(response: Response) -> dict[str, Any]:
        values = {
            name: getattr(response, name)
            for name in ("title", "summary", "description", "area", "starts_on", "ends_on", "process")
        }
        values["municipalities"] = list(response.municipalities.all())
        return values

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["municipalities"] = list(data.get("municipalities") or [])
        return data


class NoteForm(forms.Form):
    """A confirmation with a note, shown on the public timeline (required to cancel: the service says so)."""

    note = forms.CharField(
        label=_("Note (shown on the public timeline)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _organizations(network: Any) -> Any:
    return Organization.objects.filter(network=network).order_by("name")


class PartnerForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), widget=PlainSelect
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=PartnerRole.choices, initial=PartnerRole.PARTNER, widget=PlainSelect
    )
    brings = forms.CharField(
        label=_("What it brings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Staff, volunteers, spaces, money, skills: in words, it is public."),
    )

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = _organizations(network)


class BudgetForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=BudgetSource.choices, widget=PlainSelect)
    organization = forms.ModelChoiceField(
        label=_("Given by"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("Not one organisation"),
        widget=PlainSelect,
    )
    description = forms.CharField(label=_("What it is for"), max_length=300)
    amount = forms.CharField(label=_("Amount (euro)"), max_length=20, help_text=_("For example 12.500,00 or 12500."))

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = _organizations(network)

    @staticmethod
    def initial_for(line: BudgetLine) -> dict[str, Any]:
        return {
            "source": line.source,
            "organization": line.organization,
            "description": line.description,
            "amount": str(line.amount),
        }


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("How much the milestone counts in the progress, from 1 to 100."),
    )

    @staticmethod
    def initial_for(milestone: Milestone) -> dict[str, Any]:
        return {name: getattr(milestone, name) for name in ("title", "description", "due_on", "weight")}


class ReachedForm(forms.Form):
    done_on = forms.DateField(label=_("Reached on"), widget=DATE)


class AnswersForm(forms.Form):
    """What a response answers: demands, needs, accepted proposals and its process."""

    demands = forms.ModelMultipleChoiceField(
        label=_("Collective demands"),
        queryset=Response.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("An accepted demand becomes answered, and so do its needs."),
    )
    needs = forms.ModelMultipleChoiceField(
        label=_("Individual needs"),
        queryset=Response.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each need becomes answered. The public page shows only how many."),
    )
    proposals = forms.ModelMultipleChoiceField(
        label=_("Accepted proposals"),
        queryset=Response.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    process = forms.ModelChoiceField(
        label=_("Participatory process"),
        queryset=Process.objects.none(),
        required=False,
        empty_label=_("None"),
        widget=PlainSelect,
    )

    def __init__(self, *args: Any, demands: Any, needs: Any, proposals: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        demand_field = cast(forms.ModelMultipleChoiceField, self.fields["demands"])
        demand_field.queryset = demands
        demand_field.label_from_instance = lambda d: f"{d.title} ({d.get_status_display()})"  # type: ignore[method-assign]
        need_field = cast(forms.ModelMultipleChoiceField, self.fields["needs"])
        need_field.queryset = needs
        need_field.label_from_instance = lambda n: (  # type: ignore[method-assign]
            f"#{n.pk} · {n.area.name} · {n.municipality.name} ({n.get_status_display()})"
        )
        proposal_field = cast(forms.ModelMultipleChoiceField, self.fields["proposals"])
        proposal_field.queryset = proposals
        proposal_field.label_from_instance = lambda p: f"{p.title} ({p.process.title})"  # type: ignore[method-assign]
        cast(forms.ModelChoiceField, self.fields["process"]).queryset = Process.objects.filter(
            network=network
        ).order_by("title")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("demands", "needs", "proposals"):
            data[name] = list(data.get(name) or [])
        return data
