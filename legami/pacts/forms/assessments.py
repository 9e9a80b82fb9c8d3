"""The assessment form: kind, day, and the eight domains, each a score from 1 to 5 with notes and evidence."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.network.forms.people import DateInput
from legami.pacts.models import AssessmentKind, Domain
from legami.pacts.services.assessments import TEXT_MAX_LENGTH, evidence_field, notes_field, score_field

SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
SCORE_HELP = _("1: serious difficulty, needs help now. 5: no difficulty, the person manages on their own.")


class AssessmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("When"), choices=AssessmentKind.choices, widget=PlainSelect)
    assessed_on = forms.DateField(label=_("Day of the assessment"), widget=DateInput())
    note = forms.CharField(
        label=_("Overall note"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("assessed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        for domain in Domain.values:
            field = forms.ChoiceField(
                label=_("Score"), choices=SCORE_CHOICES, widget=forms.RadioSelect, help_text=SCORE_HELP
            )
            field.widget.attrs["class"] = "form-check-input"
            self.fields[score_field(domain)] = field
            self.fields[notes_field(domain)] = forms.CharField(
                label=_("Notes"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[evidence_field(domain)] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=TEXT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("What the score rests on: a document, an interview, what was seen."),
            )

    def domains(self) -> list[dict[str, Any]]:
        """The domain fields grouped for the template."""
        return [
            {
                "label": label,
                "key": domain,
                "score": self[score_field(domain)],
                "notes": self[notes_field(domain)],
                "evidence": self[evidence_field(domain)],
            }
            for domain, label in Domain.choices
        ]

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
