"""Forms of co-design tables: the call, its criteria, applications, scores, exclusion and award."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.network.models import Network, Organization
from legami.participation.models import Process
from legami.responses.models import Application, ApplicationStatus, CallStatus, CoDesignCall, CoProgramming, Criterion
from legami.territory.models import Municipality

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CALL_TEXT_FIELDS = (
    "title",
    "purpose",
    "duration_months",
    "budget",
    "budget_notes",
    "requirements",
    "phases",
    "opens_on",
    "closes_on",
    "coprogramming",
    "process",
)


class CallFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, widget=PlainSelect)

    def __init__(self, *args: Any, drafts: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statuses = [s for s in CallStatus.choices if drafts or s[0] != CallStatus.DRAFT]
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("All"))] + statuses

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"status": data.get("status") or ""}


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 5}))
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Comuni"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    duration_months = forms.IntegerField(label=_("Duration (months)"), min_value=1, max_value=120)
    # Read by the service (Italian "50.000,00" and English "50000.00" alike).
    budget = forms.CharField(label=_("Budget framework (euro)"), max_length=20, help_text=_("For example 50.000,00"))
    budget_notes = forms.CharField(label=_("Budget notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    requirements = forms.CharField(label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    phases = forms.CharField(
        label=_("Phases of the table"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: 1. applications; 2. the table; 3. the convention."),
    )
    opens_on = forms.DateField(label=_("Applications from"), widget=DATE)
    closes_on = forms.DateField(label=_("Applications until"), widget=DATE)
    coprogramming = forms.ModelChoiceField(
        label=_("Co-programming round"),
        queryset=CoProgramming.objects.none(),
        required=False,
        empty_label=_("None"),
        widget=PlainSelect,
    )
    process = forms.ModelChoiceField(
        label=_("Participatory process"),
        queryset=Process.objects.none(),
        required=False,
        empty_label=_("None"),
        widget=PlainSelect,
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["municipalities"]).queryset = Municipality.objects.filter(
            network_links__network=network
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["coprogramming"]).queryset = CoProgramming.objects.filter(
            network=network
        ).order_by("-opens_on")
        cast(forms.ModelChoiceField, self.fields["process"]).queryset = Process.objects.filter(
            network=network
        ).order_by("title")

    @staticmethod
    def initial_for(call: CoDesignCall) -> dict[str, Any]:
        values = {name: getattr(call, name) for name in CALL_TEXT_FIELDS}
        values["municipalities"] = list(call.municipalities.all())
        return values

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["municipalities"] = list(data.get("municipalities") or [])
        return data


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(
        label=_("What is evaluated"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    weight = forms.IntegerField(
        label=_("Weight"), min_value=1, max_value=100, help_text=_("The weights of a call add up to 100.")
    )
    max_score = forms.IntegerField(
        label=_("Highest score"), min_value=1, max_value=100, initial=10, help_text=_("Scores go from 0 to this.")
    )
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, required=False)

    @staticmethod
    def initial_for(criterion: Criterion) -> dict[str, Any]:
        return {name: getattr(criterion, name) for name in CriterionForm.base_fields}

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("position") is None:
            data.pop("position", None)
        return data


class ApplicationForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Applicant organisation"), queryset=Organization.objects.none(), widget=PlainSelect
    )
    title = forms.CharField(label=_("Title of the project"), max_length=200)
    proposal = forms.CharField(label=_("Project proposal"), widget=forms.Textarea(attrs={"rows": 8}))
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners in the application"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    staff_hours = forms.IntegerField(label=_("Staff hours"), min_value=0, initial=0)
    volunteers = forms.IntegerField(label=_("Volunteers"), min_value=0, initial=0)
    spaces = forms.CharField(
        label=_("Spaces"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Which spaces you make available, and when."),
    )
    money = forms.CharField(
        label=_("Own money (euro)"), max_length=20, initial="0", help_text=_("For example 2.500,00")
    )

    def __init__(self, *args: Any, network: Network, own_only: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.filter(network=network).order_by("name")
        cast(forms.ModelMultipleChoiceField, self.fields["partners"]).queryset = organizations
        if own_only:
            del self.fields["organization"]
        else:
            cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["partners"] = list(data.get("partners") or [])
        return data


class NoteForm(forms.Form):
    """A confirmation with an optional note."""

    note = forms.CharField(
        label=_("Note (optional)"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExcludeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the application is excluded"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScoreForm(forms.Form):
    """One score and one reason per criterion of the call (fields score_<id>, reason_<id>)."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("Score for “%(name)s” (0 to %(max)s)") % {"name": criterion.name, "max": criterion.max_score},
                min_value=0,
                max_value=criterion.max_score,
                required=False,
                help_text=criterion.description,
            )
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(
                label=_("Reason for “%(name)s”") % {"name": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def initial_for(scores: dict[int, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for criterion_id, score in scores.items():
            initial[f"score_{criterion_id}"] = score.score
            initial[f"reason_{criterion_id}"] = score.reason
        return initial

    def service_scores(self) -> dict[int, dict[str, Any]]:
        scores = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(f"score_{criterion.pk}")
            reason = self.cleaned_data.get(f"reason_{criterion.pk}") or ""
            if value is None and not reason.strip():
                continue
            scores[criterion.pk] = {"score": value, "reason": reason}
        return scores


class AwardForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label=_("Selected applications"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The best ranked of those chosen leads the Response."),
    )
    note = forms.CharField(
        label=_("Note (optional)"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, call: CoDesignCall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["applications"])
        field.queryset = call.applications.filter(status=ApplicationStatus.SUBMITTED).select_related("organization")
        field.label_from_instance = lambda a: (  # type: ignore[method-assign]
            f"{a.rank or '–'}. {a.title} — {a.organization.name} ({a.total_score})"
        )
