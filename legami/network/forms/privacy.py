"""Forms of the register of processings and of a person's consents."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.models import LegalBasis, Processing, SpecialCategoryCondition


class ProcessingForm(forms.Form):
    """Define or edit a processing of the register; the code is fixed once the processing exists."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("A short identifier: lower-case letters, digits and hyphens (e.g. newsletter)."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.ChoiceField(
        label=_("Legal basis (Art. 6 GDPR)"),
        help_text=_("Only processings based on consent ask each person for it."),
    )
    special_category_condition = forms.ChoiceField(
        label=_("Condition for special-category data (Art. 9 GDPR)"),
        required=False,
        help_text=_("Only if the processing touches health, vulnerability or other special-category data."),
    )
    retention = forms.CharField(
        label=_("Retention period"),
        max_length=200,
        required=False,
        help_text=_("For example: 5 years after the end of the project."),
    )
    # Text, not a number field: the input rules read it (Italian or English digits) and say what is wrong.
    retention_months = forms.CharField(
        label=_("Retention in months"),
        max_length=10,
        required=False,
        help_text=_(
            "After how many months without activity a person is anonymised. "
            "Leave it empty if nobody is to be anonymised automatically."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, processing: Processing | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].choices = [("", _("Choose the legal basis")), *LegalBasis.choices]
        self.fields["special_category_condition"].choices = SpecialCategoryCondition.choices
        if processing is not None:
            del self.fields["code"]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of define_processing / `data` of update_processing."""
        names = (
            "code",
            "name",
            "purpose",
            "legal_basis",
            "special_category_condition",
            "retention",
            "retention_months",
        )
        return {name: self.cleaned_data[name] for name in names if name in self.fields}


def processing_initial(processing: Processing) -> dict[str, Any]:
    """The form's initial values for an existing processing."""
    return {
        name: getattr(processing, name)
        for name in ("name", "purpose", "legal_basis", "special_category_condition", "retention", "retention_months")
    }


class ConsentForm(forms.Form):
    """Record one person's consent to one processing: given or withdrawn, and how it was collected."""

    processing = forms.IntegerField(widget=forms.HiddenInput)
    given = forms.TypedChoiceField(
        label=_("Consent"),
        choices=[("yes", _("Given")), ("no", _("Withdrawn or refused"))],
        coerce=lambda value: value == "yes",
    )
    source = forms.CharField(
        label=_("How it was collected"),
        max_length=200,
        required=False,
        help_text=_("For example: paper form, online, phone call."),
    )
