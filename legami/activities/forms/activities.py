"""Forms of activities, sessions, enrolments, volunteers and the calendar's filters.

The forms take what people type; the rules are the services' (ACTIVITY_INPUTS, ENROLLMENT_INPUTS …), whose
errors come back through `core.forms.add_service_errors`.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.activities.models import Activity, ActivityKind, Weekday
from legami.activities.services.common import ROME
from legami.aggregation.models import AggregatedDemand
from legami.core.widgets import PlainSelect
from legami.exchange.models import Space
from legami.network.models import Organization
from legami.responses.models import Response
from legami.territory.models import Place

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ActivityForm(forms.Form):
    """An activity's details and its weekly schedule (times on the clocks of Rome)."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happens, for whom, what to bring. It is public once the activity is published."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *ActivityKind.choices], required=False)
    organizer = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Organization.objects.none(), required=False, widget=PlainSelect
    )
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.none(), required=False, widget=PlainSelect)
    space = forms.ModelChoiceField(
        label=_("Shared space"),
        queryset=Space.objects.none(),
        required=False,
        widget=PlainSelect,
        help_text=_(
            "Optional: a bookable space of the place. Each session to come books it (a space that needs approval "
            "waits for its managers); a time already taken is listed on the activity's page."
        ),
        error_messages={"invalid_choice": _("Choose a shared space of the network.")},
    )
    min_age = forms.IntegerField(label=_("From age"), required=False, help_text=_("Empty: any age."))
    max_age = forms.IntegerField(label=_("Up to age"), required=False, help_text=_("Empty: any age."))
    capacity = forms.IntegerField(
        label=pgettext_lazy("seats", "Places"),
        required=False,
        help_text=_("When the places are taken, a waiting list; a place that frees goes to the first waiting."),
    )
    is_public = forms.BooleanField(label=_("In the public calendar"), required=False, initial=True)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(label=_("Starts at"), required=False, widget=TIME)
    end_time = forms.TimeField(label=_("Ends at"), required=False, widget=TIME)
    first_day = forms.DateField(label=_("From"), required=False, widget=DATE)
    last_day = forms.DateField(label=_("Until"), required=False, widget=DATE)
    demand = forms.ModelChoiceField(
        label=_("Answers the aggregated demand"),
        queryset=AggregatedDemand.objects.none(),
        required=False,
        widget=PlainSelect,
    )
    response = forms.ModelChoiceField(
        label=_("Part of the response"), queryset=Response.objects.none(), required=False, widget=PlainSelect
    )

    def __init__(
        self,
        *args: Any,
        network: Any,
        organizations: set[int] | None = None,
        current_space: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        orgs = Organization.objects.filter(network=network).order_by("name")
        if organizations is not None:
            orgs = orgs.filter(pk__in=organizations)
        cast(forms.ModelChoiceField, fields["organizer"]).queryset = orgs
        place = cast(forms.ModelChoiceField, fields["place"])
        place.queryset = Place.objects.filter(network=network).select_related("municipality").order_by("name")
        place.label_from_instance = lambda p: f"{p.name} — {p.municipality.name}"  # type: ignore[method-assign]
        space = cast(forms.ModelChoiceField, fields["space"])
        # The bookable spaces, and the activity's own even when it no longer takes bookings.
        spaces = Space.objects.filter(network=network).filter(Q(is_active=True) | Q(pk=current_space))
        space.queryset = spaces.select_related("place", "place__municipality").order_by("place__name", "name")
        space.label_from_instance = lambda s: f"{s.name} — {s.place.name}, {s.place.municipality.name}"  # type: ignore[method-assign]
        demand = cast(forms.ModelChoiceField, fields["demand"])
        demand.queryset = AggregatedDemand.objects.filter(network=network).order_by("title")
        cast(forms.ModelChoiceField, fields["response"]).queryset = Response.objects.filter(network=network).order_by(
            "title"
        )

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the `data` of create_activity / update_activity."""
        data = self.cleaned_data
        return {
            "title": data.get("title") or "",
            "description": data.get("description") or "",
            "kind": data.get("kind") or "",
            "organizer": data.get("organizer"),
            "place": data.get("place"),
            "space": data.get("space"),
            "min_age": data.get("min_age"),
            "max_age": data.get("max_age"),
            "capacity": data.get("capacity"),
            "is_public": bool(data.get("is_public")),
            "weekdays": data.get("weekdays") or [],
            "start_time": data.get("start_time"),
            "end_time": data.get("end_time"),
            "first_day": data.get("first_day"),
            "last_day": data.get("last_day"),
            "demand": data.get("demand"),
            "response": data.get("response"),
        }


def activity_initial(activity: Activity) -> dict[str, Any]:
    """The form's values for an existing activity."""
    return {
        "title": activity.title,
        "description": activity.description,
        "kind": activity.kind,
        "organizer": activity.organizer_id,
        "place": activity.place_id,
        "space": activity.space_id,
        "min_age": activity.min_age,
        "max_age": activity.max_age,
        "capacity": activity.capacity,
        "is_public": activity.is_public,
        "weekdays": activity.weekdays,
        "start_time": activity.start_time,
        "end_time": activity.end_time,
        "first_day": activity.first_day,
        "last_day": activity.last_day,
        "demand": activity.demand_id,
        "response": activity.response_id,
    }


class NoteForm(forms.Form):
    """Why (a cancellation), or a note for a step."""

    note = forms.CharField(label=_("Why?"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MoveSessionForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=DATE)
    start_time = forms.TimeField(label=_("Starts at"), required=False, widget=TIME)
    end_time = forms.TimeField(label=_("Ends at"), required=False, widget=TIME)
    note = forms.CharField(label=_("Note for the participants"), max_length=300, required=False)


def session_initial(session: Any) -> dict[str, Any]:
    starts = timezone.localtime(session.starts_at, ROME)
    ends = timezone.localtime(session.ends_at, ROME)
    return {"day": starts.date(), "start_time": starts.time(), "end_time": ends.time(), "note": session.note}


GUARDIAN_HELP = _("For a minor: a parent or guardian to call. Empty: the household's reference person, if on file.")


class EnrollmentForm(forms.Form):
    """Enrol a person of the registry, found by codice fiscale or registry number."""

    person = forms.CharField(
        label=_("Person"),
        max_length=20,
        required=False,
        help_text=_("Codice fiscale or number in the registry."),
    )
    guardian_name = forms.CharField(
        label=_("Parent or guardian"), max_length=200, required=False, help_text=GUARDIAN_HELP
    )
    guardian_email = forms.CharField(label=_("Guardian's e-mail"), max_length=254, required=False)
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=30, required=False)
    consent = forms.BooleanField(
        label=_("The person (or their guardian) agrees to the use of these data for the activity"), required=False
    )

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        person = data.get("person")
        return {
            "person": person.strip().upper() if isinstance(person, str) else person,
            "guardian_name": data.get("guardian_name") or "",
            "guardian_email": data.get("guardian_email") or "",
            "guardian_phone": data.get("guardian_phone") or "",
            "consent": bool(data.get("consent")),
        }


class OwnEnrollmentForm(EnrollmentForm):
    """Enrol oneself or a member of one's household (chosen among them)."""

    person = forms.TypedChoiceField(label=_("Who takes part"), coerce=int, required=False, widget=forms.RadioSelect)

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["person"]).choices = [(p.pk, p.full_name) for p in people]


class ShiftForm(forms.Form):
    person = forms.CharField(
        label=_("Volunteer"), max_length=20, required=False, help_text=_("Codice fiscale or number in the registry.")
    )
    minutes = forms.IntegerField(label=_("Minutes"), required=False)
    role = forms.CharField(label=_("What they did"), max_length=200, required=False)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "person": (data.get("person") or "").strip().upper(),
            "minutes": data.get("minutes"),
            "role": data.get("role") or "",
        }


class CalendarFilterForm(forms.Form):
    """The public calendar's filters (GET)."""

    comune = forms.TypedChoiceField(label=_("Comune"), coerce=int, required=False, empty_value=None)
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *ActivityKind.choices], required=False)
    day = forms.TypedChoiceField(
        label=_("Day of the week"),
        choices=[("", _("Any day")), *Weekday.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, comuni: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Any Comune")), *((m.pk, m.name) for m in comuni)]
        cast(forms.TypedChoiceField, self.fields["comune"]).choices = choices
