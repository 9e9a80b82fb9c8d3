"""Forms of cases: taking a person in charge (from a referral too), the team, closing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.models import Processing
from legami.core.widgets import PlainSelect
from legami.network.capabilities import VIEW_PEOPLE
from legami.network.forms.people import DateInput, PickerField, describe_person, municipality_choices_for
from legami.network.selectors.people import people_for
from legami.pacts.models import CaseCloseReason
from legami.pacts.services.cases import SUMMARY_MAX_LENGTH


def describe_processing(processing: Processing) -> str:
    return f"{processing.name} — {processing.get_legal_basis_display()}"


class ProcessingField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return describe_processing(obj)


class CaseForm(forms.Form):
    """Open a case: the person (by number or a search of the registry), the processing, the situation."""

    person = PickerField(
        label=_("Person: number"),
        queryset=None,
        required=False,
        describe=describe_person,
        help_text=_("The person's number in the registry. Not sure of the number? Search below."),
    )
    person_search = forms.CharField(
        label=_("Search a person by name, e-mail or codice fiscale"), max_length=100, required=False
    )
    processing = ProcessingField(
        label=_("Processing of the register"),
        queryset=None,
        widget=PlainSelect,
        empty_label=_("Choose the processing"),
        help_text=_("What the case is done under: its legal basis and purpose are listed below."),
    )
    summary = forms.CharField(
        label=_("Situation"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A short summary of the person's situation. Only the case team reads it."),
    )

    def __init__(self, *args, viewer: Any, network: Any, person_matches: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_for(viewer, network, capability=VIEW_PEOPLE)
        self.fields["person"].error_messages["invalid_choice"] = _(
            "There is no person with this number that you can see."
        )
        self.fields["processing"].queryset = Processing.objects.filter(network=network).order_by("name")
        if person_matches:
            self.fields["person"].offer(
                person_matches, label=_("Person"), help_text=_("The people who match your search.")
            )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in ("person", "processing", "summary")}


WHO_EXISTING, WHO_NEW = "existing", "new"


class TakeInChargeForm(CaseForm):
    """Open a case from a referral: a person of the registry, or one recorded now."""

    who = forms.ChoiceField(
        label=_("Who is taken in charge"),
        choices=[
            (WHO_EXISTING, _("A person already in the registry")),
            (WHO_NEW, _("A person not yet in the registry: record them now")),
        ],
        widget=forms.RadioSelect,
        initial=WHO_EXISTING,
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    municipality = forms.ModelChoiceField(
        label=_("Comune"), queryset=None, required=False, widget=PlainSelect, empty_label=_("— none —")
    )

    NEW_FIELDS = ("first_name", "last_name", "birth_date", "municipality")

    def __init__(self, *args, viewer: Any, network: Any, **kwargs):
        super().__init__(*args, viewer=viewer, network=network, **kwargs)
        self.fields["municipality"].queryset = municipality_choices_for(viewer, network, VIEW_PEOPLE)
        self.fields["who"].widget.attrs["class"] = "form-check-input"

    @property
    def new_person(self) -> bool:
        return self.cleaned_data.get("who") == WHO_NEW

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("who") == WHO_NEW:
            for name in ("first_name", "last_name"):
                if not data.get(name):
                    self.add_error(name, _("Give the new person's first and last name."))
        elif data.get("who") == WHO_EXISTING and not data.get("person") and "person" not in self.errors:
            self.add_error("person", _("Choose the person, or record a new one."))
        return data

    def new_person_data(self) -> dict[str, Any]:
        values = {name: self.cleaned_data.get(name) for name in self.NEW_FIELDS}
        return {name: value for name, value in values.items() if value not in (None, "")}


class AddMemberForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Who joins the team"), coerce=int, widget=PlainSelect)

    def __init__(self, *args, candidates: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [
            ("", _("— choose —")),
            *(
                (u.pk, f"{u.acting_name} ({u.organization_name})" if u.organization_name else u.acting_name)
                for u in candidates
            ),
        ]


class HandOverForm(forms.Form):
    user = forms.TypedChoiceField(label=_("The new case manager"), coerce=int, widget=PlainSelect)

    def __init__(self, *args, candidates: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("— choose —")), *((u.pk, u.acting_name) for u in candidates)]


class CloseCaseForm(forms.Form):
    close_reason = forms.ChoiceField(label=_("Why the case is closed"), widget=PlainSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Only the case team reads it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["close_reason"].choices = [("", _("Choose the reason")), *CaseCloseReason.choices]


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Case number"), required=False, max_length=20)
