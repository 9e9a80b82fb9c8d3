"""Forms of the budget: an expense with its receipt, and the second person's decision (the service checks them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.pacts.models import BudgetLine
from legami.pacts.selectors.budget import euro

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExpenseForm(forms.Form):
    line = forms.ChoiceField(label=_("Budget line"), widget=PlainSelect)
    amount = forms.CharField(
        label=_("Amount (euro)"),
        max_length=20,
        help_text=_("Such as 50,00 or 1.200,50."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    spent_on = forms.DateField(label=_("Day of the expense"), widget=DATE)
    description = forms.CharField(label=_("What it was for"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(
        label=_("Receipt"),
        required=False,
        help_text=_("A PDF, JPEG or PNG file of at most 10 MB. It is kept encrypted."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, lines: list[BudgetLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (str(line.key), f"{line.get_category_display()}: {line.description} ({euro(line.amount)})")
            for line in lines
        ]
        self.fields["line"].choices = [("", _("Choose…")), *choices]

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("line", "amount", "spent_on", "description")}


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the decision"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
