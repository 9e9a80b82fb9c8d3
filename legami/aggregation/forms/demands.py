"""Forms of demand aggregation: the list's filters and the review actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.aggregation.services.demands import MAX_ANSWER, MAX_NOTE, MAX_TITLE
from legami.core.widgets import PlainSelect
from legami.needs.models import NeedArea, TargetGroup
from legami.territory.models import Municipality


class DemandFilterForm(forms.Form):
    """Filters of the demands list (the status is the tab, kept in the query string)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(DemandStatus.choices), widget=PlainSelect
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=NeedArea.objects.none(), required=False, empty_label=_("All"), widget=PlainSelect
    )
    municipality = forms.ModelChoiceField(
        label=_("Comune"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=PlainSelect,
    )
    target_group = forms.ChoiceField(
        label=_("Target group"),
        required=False,
        choices=[("", _("All"))] + list(TargetGroup.choices),
        widget=PlainSelect,
    )

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_field = cast(forms.ModelChoiceField, self.fields["area"])
        area_field.queryset = NeedArea.objects.filter(network=network).order_by("position", "name")
        comune_field = cast(forms.ModelChoiceField, self.fields["municipality"])
        comune_field.queryset = Municipality.objects.filter(network_links__network=network).order_by("name")

    def filters(self) -> dict[str, Any]:
        """The valid filters (invalid ones are dropped, and shown as errors)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or "",
            "area": data.get("area"),
            "municipality": data.get("municipality"),
            "target_group": data.get("target_group") or "",
        }


class NoteForm(forms.Form):
    """A confirmation with an optional note (accept, discard, close)."""

    note = forms.CharField(
        label=_("Note"), required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("Why is it reopened?"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )


class RenameForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("How was the demand answered?"),
        max_length=MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The service, project or activity that answers it, who runs it, from when."),
    )


class SplitForm(forms.Form):
    """Choose the needs that go into a new demand."""

    needs = forms.MultipleChoiceField(
        label=_("Needs to move into a new demand"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["needs"])
        field.choices = choices


class MergeForm(forms.Form):
    other = forms.ModelChoiceField(
        label=_("Demand to merge into this one"),
        queryset=AggregatedDemand.objects.none(),
        empty_label=_("Choose a demand"),
        help_text=_("Its needs move here; it is then discarded."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["other"])
        field.queryset = candidates
        field.label_from_instance = lambda d: f"{d.title} ({d.get_status_display()}, {d.need_count})"


class RemoveNeedForm(forms.Form):
    need = forms.TypedChoiceField(label=_("Need to remove"), coerce=int)
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["need"])
        field.choices = [("", _("Choose a need")), *choices]


class AttachForm(forms.Form):
    """Attach an open need (by number) to an accepted demand."""

    need = forms.IntegerField(label=_("Need number"), min_value=1)
    force = forms.BooleanField(label=_("Attach anyway, even if it does not fit"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=MAX_NOTE, help_text=_("Required when attaching anyway.")
    )
