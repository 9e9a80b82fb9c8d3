"""Forms of referrals: filing one on a phone, the reporter's answer, the triage queue's filters and the triage's
moves (assign, ask the reporter, redirect, close). The services check everything again (core.inputs)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.referrals.models import AgeBand, CloseReason, ConsentState, ReferralStatus, Urgency
from legami.referrals.selectors.referrals import OPEN_STATES, triagers_for
from legami.referrals.services.filing import (
    CONSENT_NOTE_MAX_LENGTH,
    CONTACT_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    OBSERVED_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    WHERE_MAX_LENGTH,
)
from legami.referrals.services.triage import NOTE_MAX_LENGTH, SERVICE_MAX_LENGTH
from legami.territory.selectors.municipalities import municipalities_of

# Each urgency with what it means for the services, in the sentinel's words.
URGENCY_CHOICES = [
    (Urgency.IMMEDIATE, _("Immediate: someone may be at risk now. The services look at it within a day.")),
    (Urgency.HIGH, _("Soon: the situation is getting worse. The services look at it within two days.")),
    (Urgency.ORDINARY, _("It can wait a little: the services look at it within two weeks.")),
]
CONSENT_CHOICES = [
    (ConsentState.GIVEN, _("Yes: the person knows and agrees")),
    (ConsentState.NOT_ASKED, _("I have not asked the person")),
    (ConsentState.REFUSED, _("The person does not agree")),
    (ConsentState.UNABLE, _("The person cannot say (for example, too unwell or a child)")),
]


def _text(label: Any, max_length: int, *, required: bool = True, rows: int = 0, **kwargs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget, **kwargs)


class ReferralForm(forms.Form):
    """A referral, in the order a sentinel thinks of it: who, where, what was seen, how urgent, consent, contact."""

    subject = _text(
        _("Who is it about?"),
        SUBJECT_MAX_LENGTH,
        help_text=_("As few words as let the services find the person, for example: the lady at number 12."),
    )
    age_band = forms.ChoiceField(label=_("About how old?"), choices=AgeBand.choices, widget=forms.RadioSelect)
    municipality = forms.ModelChoiceField(
        label=_("Comune"), queryset=None, widget=PlainSelect, empty_label=_("Choose the Comune")
    )
    where = _text(
        _("Where can the person be found?"),
        WHERE_MAX_LENGTH,
        required=False,
        help_text=_("A street, a shop, a building: whatever helps. You may leave it empty."),
    )
    observed = _text(
        _("What did you see or hear?"),
        OBSERVED_MAX_LENGTH,
        rows=4,
        help_text=_("Facts, not judgements: what happened, since when, how often."),
    )
    urgency = forms.ChoiceField(label=_("How urgent is it?"), choices=URGENCY_CHOICES, widget=forms.RadioSelect)
    consent = forms.ChoiceField(
        label=_("Does the person know of this referral and agree?"), choices=CONSENT_CHOICES, widget=forms.RadioSelect
    )
    consent_note = _text(
        _("If not, why?"),
        CONSENT_NOTE_MAX_LENGTH,
        required=False,
        rows=2,
        help_text=_("Needed when the person was not asked, does not agree or cannot say."),
    )
    reporter_contact = _text(
        _("How can the services reach you?"),
        CONTACT_MAX_LENGTH,
        help_text=_("A phone number or an e-mail address, and when you can be reached."),
    )

    NAMES = (
        "subject",
        "age_band",
        "municipality",
        "where",
        "observed",
        "urgency",
        "consent",
        "consent_note",
        "reporter_contact",
    )

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities_of(network)
        self.fields["municipality"].label_from_instance = lambda municipality: municipality.name
        self.fields["reporter_contact"].widget.attrs["autocomplete"] = "email"

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the `data` of file_referral."""
        return {name: self.cleaned_data.get(name) or "" for name in self.NAMES}


def referral_initial(user: Any) -> dict[str, Any]:
    """What the form starts with: the reporter's own contact (their e-mail, and phone when the account has one)."""
    contact = ", ".join(value for value in (getattr(user, "phone", ""), getattr(user, "email", "")) if value)
    return {"reporter_contact": contact, "age_band": AgeBand.UNKNOWN}


class AnswerForm(forms.Form):
    """The reporter's answer to the services' question."""

    answer = _text(_("Your answer"), MESSAGE_MAX_LENGTH, rows=4)


class QueueFilterForm(forms.Form):
    """Filters of the triage queue; a bad value is ignored rather than an error page."""

    status = forms.ChoiceField(label=_("Status"), required=False, widget=PlainSelect)
    urgency = forms.ChoiceField(label=_("Urgency"), required=False, widget=PlainSelect)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, decided: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        states = [s for s in ReferralStatus if (s not in OPEN_STATES) == decided]
        self.fields["status"].choices = [("", _("All statuses")), *((s.value, s.label) for s in states)]
        self.fields["urgency"].choices = [("", _("All urgencies")), *Urgency.choices]
        if decided:
            del self.fields["overdue"]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of triage_queue() from the valid fields (invalid ones are left out)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "status": data.get("status") or "",
            "urgency": data.get("urgency") or "",
            "mine": bool(data.get("mine")),
            "overdue": bool(data.get("overdue")),
        }


# --- the triage's moves ----------------------------------------------------------------------------------------


def _note() -> forms.CharField:
    return _text(_("Note for the history (optional)"), NOTE_MAX_LENGTH, required=False, rows=2)


class AssignForm(forms.Form):
    """Give the referral to a coordinator or case manager who triages its Comune."""

    assignee = forms.ModelChoiceField(
        label=_("Who will examine it"), queryset=None, widget=PlainSelect, empty_label=_("Choose a person")
    )
    note = _note()

    def __init__(self, *args: Any, referral: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = triagers_for(referral.network, referral.municipality_id)
        self.fields["assignee"].label_from_instance = lambda user: user.display_name
        self.fields["assignee"].error_messages["invalid_choice"] = _("Choose who will examine the referral.")

    def service_data(self) -> dict[str, Any]:
        return {"assignee": self.cleaned_data["assignee"], "note": self.cleaned_data.get("note") or ""}


class AskForm(forms.Form):
    """A question for the reporter (they receive an e-mail with a link, not the question)."""

    question = _text(
        _("Question for the person who filed it"),
        NOTE_MAX_LENGTH,
        rows=3,
        help_text=_("They will read it after logging in; the e-mail only tells them there is a question."),
    )

    def service_data(self) -> dict[str, Any]:
        return {"question": self.cleaned_data["question"]}


class RedirectForm(forms.Form):
    """Send the referral to another service."""

    service = _text(_("Service it is sent to"), SERVICE_MAX_LENGTH)
    note = _note()

    def service_data(self) -> dict[str, Any]:
        return {"service": self.cleaned_data["service"], "note": self.cleaned_data.get("note") or ""}


class CloseForm(forms.Form):
    """Close the referral with a reason."""

    reason = forms.ChoiceField(
        label=_("Why is it closed?"), choices=[("", _("Choose a reason")), *CloseReason.choices], widget=PlainSelect
    )
    note = _note()

    def service_data(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"], "note": self.cleaned_data.get("note") or ""}


# The form of each move of the detail page (`referrals:move`), by the workflow transition's name.
MOVE_FORMS: dict[str, type[forms.Form]] = {
    "assign": AssignForm,
    "ask": AskForm,
    "redirect": RedirectForm,
    "close": CloseForm,
}
