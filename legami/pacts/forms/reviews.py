"""The form of a review held: a rating and a note for each objective and commitment, the overall notes, the
assessment made for it and the outcome. The rules are services.reviews.hold_review's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.pacts.models import Assessment, InterruptReason, ItemRating, ReviewOutcome

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choices(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), required=False, widget=DATE)
    notes = forms.CharField(label=_("Overall notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    assessment = forms.ModelChoiceField(
        label=_("The assessment made for this review"),
        queryset=Assessment.objects.none(),
        required=False,
        widget=PlainSelect,
        error_messages={"invalid_choice": _("Choose one of the case's review assessments not yet used.")},
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_choices(ReviewOutcome.choices), required=False)
    interrupt_reason = forms.ChoiceField(
        label=_("Why it is interrupted"),
        choices=_choices(InterruptReason.choices),
        required=False,
        help_text=_("Only when the outcome is to interrupt the pact."),
    )

    def __init__(self, *args: Any, items: list[tuple[str, Any]], assessments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = assessments  # type: ignore[attr-defined]
        self.fields["assessment"].label_from_instance = lambda a: a.assessed_on.strftime("%d/%m/%Y")  # type: ignore[attr-defined]
        self.items = items
        for _kind, row in items:
            self.fields[f"rating_{row.key}"] = forms.ChoiceField(
                label=_("How it went"),
                choices=ItemRating.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{row.key}"] = forms.CharField(
                label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def item_fields(self) -> list[tuple[str, Any, Any, Any]]:
        """(kind, row, rating field, note field) for the template."""
        return [(kind, row, self[f"rating_{row.key}"], self[f"note_{row.key}"]) for kind, row in self.items]

    def service_data(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name] for name in ("held_on", "notes", "assessment", "outcome", "interrupt_reason")
        }
        data["items"] = {
            str(row.key): {
                "rating": self.cleaned_data.get(f"rating_{row.key}", ""),
                "note": self.cleaned_data.get(f"note_{row.key}", ""),
            }
            for _kind, row in self.items
        }
        return data
