"""Forms of a pact: its version's header, one small form per kind of content row, the moves, the signature and a
new version. They take what people type; the rules are the services' (services.pacts), whose errors come back
through `core.forms.add_service_errors`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.network.models import Network, Organization
from legami.pacts.models import (
    BudgetCategory,
    CommitmentParty,
    InterruptReason,
    PactVersion,
    PartyKind,
    SignatureMethod,
    Support,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AMOUNT = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


def _choices(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class VersionForm(forms.Form):
    """A version's header: what the pact is for, its dates, how often it is reviewed."""

    summary = forms.CharField(
        label=_("What the pact is for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In a few words the person understands."),
    )
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)
    review_every_weeks = forms.IntegerField(
        label=_("Review every (weeks)"), required=False, initial=12, help_text=_("From 1 to 52 weeks.")
    )

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def version_initial(version: PactVersion) -> dict[str, Any]:
    return {
        "summary": version.summary,
        "starts_on": version.starts_on,
        "ends_on": version.ends_on,
        "review_every_weeks": version.review_every_weeks,
    }


class RowForm(forms.Form):
    """A content row's form; `network` and `version` fill the lists of organisations and of the version's rows."""

    kind = ""

    def __init__(self, *args: Any, network: Network, version: PactVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("organization", "provider"):
            if name in self.fields:
                field = self.fields[name]
                field.queryset = Organization.objects.filter(network=network).order_by("name")  # type: ignore[attr-defined]
        if "support" in self.fields:
            supports = Support.objects.filter(version=version)
            self.fields["support"].choices = _choices([(s.pk, s.service) for s in supports])  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _organization(label: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=Organization.objects.none(),
        required=False,
        widget=PlainSelect,
        error_messages={"invalid_choice": _("Choose an organisation of the network.")},
    )


class PartyForm(RowForm):
    kind = "party"
    kind_field = forms.ChoiceField(label=_("Party"), choices=_choices(PartyKind.choices), required=False)
    organization = _organization(_("Organisation"))
    name = forms.CharField(label=_("Name"), required=False, help_text=_("For a family member or someone else."))
    signs = forms.BooleanField(label=_("Signs the pact"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The field is "kind" for the service; the form's own `kind` names the kind of row.
        self.fields["kind"] = self.fields.pop("kind_field")
        self.order_fields(["kind", "organization", "name", "signs"])


class ObjectiveForm(RowForm):
    kind = "objective"
    text = forms.CharField(label=_("Objective"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResultForm(RowForm):
    kind = "result"
    objective = forms.CharField(required=False, widget=forms.HiddenInput)
    indicator = forms.CharField(label=_("Indicator"), required=False, help_text=_("How we will know."))
    target = forms.CharField(label=_("Target"), required=False)
    due_on = forms.DateField(label=_("By"), required=False, widget=DATE)


class SupportForm(RowForm):
    kind = "support"
    service = forms.CharField(label=_("Service"), required=False)
    provider = _organization(_("Provided by"))
    frequency = forms.CharField(label=_("How often"), required=False)


class BudgetForm(RowForm):
    kind = "budget"
    category = forms.ChoiceField(label=_("Category"), choices=_choices(BudgetCategory.choices), required=False)
    description = forms.CharField(label=_("Description"), required=False)
    amount = forms.CharField(
        label=_("Amount (euro)"), required=False, widget=AMOUNT, help_text=_("For example 600,00 or 1.200,50.")
    )
    support = forms.ChoiceField(label=_("For the support"), required=False, widget=PlainSelect)


class CommitmentForm(RowForm):
    kind = "commitment"
    party = forms.ChoiceField(label=_("Who"), choices=_choices(CommitmentParty.choices), required=False)
    organization = _organization(_("Organisation"))
    what = forms.CharField(label=_("What"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("By"), required=False, widget=DATE)
    is_give_back = forms.BooleanField(label=_("Give-back to the community"), required=False)
    hours_per_week = forms.CharField(
        label=_("Hours a week"), required=False, widget=AMOUNT, help_text=_("For give-back: a week or in all.")
    )
    hours_total = forms.CharField(label=_("Hours in all"), required=False, widget=AMOUNT)


ROW_FORMS: dict[str, type[RowForm]] = {
    form.kind: form for form in (PartyForm, ObjectiveForm, ResultForm, SupportForm, BudgetForm, CommitmentForm)
}


def row_initial(kind: str, row: Any) -> dict[str, Any]:
    """The form's initial values from a row."""
    names = list(ROW_FORMS[kind].base_fields)
    if kind == "party":
        names = ["organization", "name", "signs"]
    initial = {}
    for name in names:
        if name == "objective":
            continue
        value = getattr(row, f"{name}_id", None) if name in ("organization", "provider", "support") else None
        initial[name] = value if value is not None else getattr(row, name, None)
    if kind == "party":
        initial["kind"] = row.kind
    return initial


class MoveForm(forms.Form):
    """A move of the pact, with a note and, to interrupt it, the reason."""

    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    interrupt_reason = forms.ChoiceField(
        label=_("Why it is interrupted"), choices=_choices(InterruptReason.choices), required=False
    )


class SignatureForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DATE)
    signature_method = forms.ChoiceField(
        label=_("How it was signed"), choices=_choices(SignatureMethod.choices), required=False
    )
    scan = forms.FileField(
        label=_("The signed copy"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB. Required when it was signed on paper."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def service_data(self) -> dict[str, Any]:
        return {"signed_on": self.cleaned_data["signed_on"], "signature_method": self.cleaned_data["signature_method"]}


class NewVersionForm(forms.Form):
    change_note = forms.CharField(
        label=_("What changes and why"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
