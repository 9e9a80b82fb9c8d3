"""Forms of participatory processes and their phases (they shape input; the services validate it)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.participation.models import LifeContext, Phase, Process, ProcessKind, ProcessStatus
from legami.territory.models import Municipality, Neighbourhood

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProcessFilterForm(forms.Form):
    """Filters of the process list."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + list(ProcessKind.choices), widget=PlainSelect
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=PlainSelect)

    def __init__(self, *args: Any, drafts: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statuses = [s for s in ProcessStatus.choices if drafts or s[0] != ProcessStatus.DRAFT]
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("All"))] + statuses

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"kind": data.get("kind") or "", "status": data.get("status") or ""}


class ProcessForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of process"), choices=ProcessKind.choices, widget=PlainSelect)
    life_context = forms.ChoiceField(
        label=_("Life context"),
        required=False,
        choices=[("", _("Not one in particular"))] + list(LifeContext.choices),
        widget=PlainSelect,
        help_text=_(
            "Community labs are organised where people live their lives: a neighbourhood, a village, a workplace."
        ),
    )
    summary = forms.CharField(
        label=_("In one sentence"), max_length=300, help_text=_("Shown in the list of processes and on the home page.")
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who promotes it, why, how one takes part and what happens to what is proposed."),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Comuni"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("None"),
        widget=PlainSelect,
    )
    support_limit = forms.IntegerField(
        label=_("Supports per person"),
        min_value=0,
        max_value=100,
        initial=0,
        help_text=_("How many proposals each person may support in this process; 0 means no limit."),
    )

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        comuni = cast(forms.ModelMultipleChoiceField, self.fields["municipalities"])
        comuni.queryset = Municipality.objects.filter(network_links__network=network).order_by("name")
        neighbourhoods = cast(forms.ModelChoiceField, self.fields["neighbourhood"])
        neighbourhoods.queryset = (
            Neighbourhood.objects.filter(network=network)
            .select_related("municipality")
            .order_by("municipality__name", "name")
        )
        neighbourhoods.label_from_instance = lambda n: f"{n.name} ({n.municipality.name})"  # type: ignore[method-assign]

    @staticmethod
    def initial_for(process: Process) -> dict[str, Any]:
        values = {
            name: getattr(process, name)
            for name in ("title", "kind", "life_context", "summary", "description", "neighbourhood", "support_limit")
        }
        values["municipalities"] = list(process.municipalities.all())
        return values

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["municipalities"] = list(data.get("municipalities") or [])
        return data


class PhaseForm(forms.Form):
    name = forms.CharField(label=_("Name of the phase"), max_length=120)
    description = forms.CharField(
        label=_("What happens in this phase"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    position = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=100, required=False, help_text=_("Phases are shown in this order.")
    )
    proposals_open = forms.BooleanField(label=_("People may file proposals"), required=False)
    supports_open = forms.BooleanField(label=_("People may support proposals"), required=False)
    comments_open = forms.BooleanField(label=_("People may comment on proposals"), required=False)

    @staticmethod
    def initial_for(phase: Phase) -> dict[str, Any]:
        return {name: getattr(phase, name) for name in PhaseForm.base_fields}

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("position") is None:
            data.pop("position", None)
        return data


class NoteForm(forms.Form):
    """A confirmation with an optional note (publish, close, reopen)."""

    note = forms.CharField(
        label=_("Note (optional)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PhaseChoiceForm(forms.Form):
    """Which phase is the current one."""

    phase = forms.ModelChoiceField(label=_("Current phase"), queryset=Phase.objects.none(), widget=PlainSelect)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["phase"])
        field.queryset = process.phases.order_by("position", "starts_on", "id")


class FromDemandForm(forms.Form):
    """The kind of process started from an aggregated demand."""

    kind = forms.ChoiceField(
        label=_("Kind of process"), choices=ProcessKind.choices, initial=ProcessKind.COMMUNITY_LAB, widget=PlainSelect
    )


class FromMapForm(FromDemandForm):
    """The title and kind of a process started from the needs map (the filters travel in the page's address)."""

    title = forms.CharField(label=_("Title"), max_length=200)

    field_order = ("title", "kind")
