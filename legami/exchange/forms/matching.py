"""Forms of matching: running the engine, matching by hand, and the answers that move a match on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.exchange.models import MatchStatus
from legami.network.forms.people import DateInput
from legami.territory.selectors.municipalities import municipalities_of


class RunMatchingForm(forms.Form):
    """Limit a run of the engine to an area or a Comune (empty: every open need the operator may see)."""

    area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None, widget=PlainSelect)
    municipality = forms.TypedChoiceField(
        label=_("Comune"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from legami.needs.selectors.needs import active_areas

        self.fields["area"].choices = [("", _("All areas")), *active_areas(network).values_list("pk", "name")]
        self.fields["municipality"].choices = [
            ("", _("All Comuni")),
            *municipalities_of(network).values_list("pk", "name"),
        ]


class MatchFilterForm(forms.Form):
    """Filters of the matches list."""

    status = forms.ChoiceField(label=_("Status"), required=False, widget=PlainSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *MatchStatus.choices]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        return {"status": self.cleaned_data.get("status") or ""}


class MatchByHandForm(forms.Form):
    """An operator pairs a need and an offer by their numbers."""

    need = forms.IntegerField(label=_("Need number"), min_value=1)
    offer = forms.IntegerField(label=_("Offer number"), min_value=1)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, help_text=_("Why, in a few words."))


class NoteForm(forms.Form):
    """A few words with an answer (accept, decline, start)."""

    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    started_on = forms.DateField(
        label=_("Started on"), required=False, widget=DateInput(), help_text=_("Empty: today.")
    )


class CancelForm(forms.Form):
    """Why a match stops."""

    note = forms.CharField(label=_("Why is it cancelled?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


RATINGS = [("", _("No rating")), *((n, str(n)) for n in range(1, 6))]


class CompleteForm(forms.Form):
    """How it went: a rating from each side and a few words."""

    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=DateInput(), help_text=_("Empty: today."))
    need_rating = forms.TypedChoiceField(
        label=_("Rating from the person helped (1–5)"), choices=RATINGS, coerce=int, empty_value=None, required=False
    )
    offer_rating = forms.TypedChoiceField(
        label=_("Rating from who helped (1–5)"), choices=RATINGS, coerce=int, empty_value=None, required=False
    )
    feedback = forms.CharField(
        label=_("How did it go?"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in ("ended_on", "need_rating", "offer_rating", "feedback")}
