"""Forms of moderation: a participant's report, the moderators' reason to hide or show again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.participation.models import Report, ReportReason
from legami.participation.services.proposals import REASON_MAX_LENGTH


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting it?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=Report._meta.get_field("details").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the moderators read it."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Everyone reads it in place of the text: no names, no personal details."),
    )


class ResolveForm(forms.Form):
    """A moderator judges a reported text fine: the report is closed, the text stays."""

    report = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
