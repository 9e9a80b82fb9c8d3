"""Forms of proposals: the list's search and filters, a new proposal, a comment, an answer, a confirmation."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.needs.models import NeedArea
from legami.network.models import Organization
from legami.participation.models import Proposal, ProposalStatus
from legami.participation.selectors.proposals import SORTS
from legami.participation.services.comments import BODY_MAX_LENGTH as COMMENT_MAX_LENGTH
from legami.participation.services.proposals import ANSWER_MAX_LENGTH, ANSWER_STATUSES, BODY_MAX_LENGTH

SORT_LABELS = {
    "newest": _("Newest first"),
    "most_supported": _("Most supported"),
    "most_commented": _("Most commented"),
    "random": _("In random order"),
}


class ProposalFilterForm(forms.Form):
    """Search, filters and sort of a process's proposals (invalid values are dropped and shown as errors)."""

    q = forms.CharField(label=_("Search the proposals"), required=False, max_length=200)
    # Choices read once as a list (a model choice field would ask again to check the value, and iterate with
    # a server-side cursor on PostgreSQL).
    area = forms.TypedChoiceField(
        label=_("Area"), required=False, coerce=int, empty_value=None, choices=(), widget=PlainSelect
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(ProposalStatus.choices), widget=PlainSelect
    )
    sort = forms.ChoiceField(
        label=_("Order"), required=False, choices=[(s, SORT_LABELS[s]) for s in SORTS], widget=PlainSelect
    )

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = NeedArea.objects.filter(network=network, is_active=True).order_by("position", "name")
        area_field = cast(forms.TypedChoiceField, self.fields["area"])
        area_field.choices = [("", _("All")), *areas.values_list("pk", "name")]

    def filters(self) -> dict[str, Any]:
        """The valid filters, as the selector takes them."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": data.get("q") or "",
            "area": data.get("area"),
            "status": data.get("status") or "",
            "sort": data.get("sort") or "newest",
        }


class ProposalForm(forms.Form):
    """A new proposal: public, under the author's name."""

    title = forms.CharField(
        label=_("Title"),
        max_length=Proposal._meta.get_field("title").max_length,
        help_text=_("In a few words, what you propose."),
    )
    body = forms.CharField(
        label=_("Your proposal"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What, for whom, where, with whom. Do not write other people's personal details."),
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=NeedArea.objects.none(), required=False, empty_label=_("None"), widget=PlainSelect
    )
    organization = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("Myself"),
        widget=PlainSelect,
        help_text=_("An organisation you work for, if you propose on its behalf."),
    )

    def __init__(self, *args: Any, network: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = NeedArea.objects.filter(network=network, is_active=True).order_by("position", "name")
        area_field = cast(forms.TypedChoiceField, self.fields["area"])
        area_field.choices = [("", _("All")), *areas.values_list("pk", "name")]
        organizations = Organization.objects.filter(
            network=network, memberships__user=user, memberships__is_active=True
        ).distinct()
        if organizations.exists():
            cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations.order_by("name")
        else:
            del self.fields["organization"]


class CommentForm(forms.Form):
    """A comment, or a reply to one (`parent`)."""

    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Comments are public, under your name."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class AnswerForm(forms.Form):
    """The partnership's answer to a proposal."""

    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[(s.value, s.label) for s in ANSWER_STATUSES],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Text of the answer"),
        required=False,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required to accept or not accept: say why, and what happens next. It is public."),
    )


class ConfirmForm(forms.Form):
    """A confirmation with no field (support, take the support back)."""


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why do you withdraw it? (optional, public)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
