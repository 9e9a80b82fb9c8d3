"""Forms of meetings: the meeting's details, its cancellation, the roll call and the minutes.

The forms take what people type; the rules are the services' (MEETING_INPUTS …), whose errors come back through
`meeting_errors` / `core.forms.add_service_errors`.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.core.forms import add_service_errors
from legami.core.widgets import PlainSelect
from legami.participation.models import Meeting, Registration
from legami.participation.services.meetings import ROME, rome_datetime
from legami.territory.models import Place

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MeetingForm(forms.Form):
    """A meeting's details: the day and the times are on the clocks of Rome."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What will be discussed, in order. It is public."),
    )
    day = forms.DateField(label=_("Day"), required=False, widget=DATE)
    start_time = forms.TimeField(label=_("Starts at"), required=False, widget=TIME)
    end_time = forms.TimeField(label=_("Ends at"), required=False, widget=TIME)
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("No place: online"),
        widget=PlainSelect,
    )
    online_url = forms.CharField(
        label=_("Online link"),
        max_length=200,
        required=False,
        help_text=_("For a meeting online, or also online. A place or a link is needed."),
    )
    capacity = forms.IntegerField(
        label=pgettext_lazy("seats", "Places"),
        required=False,
        help_text=_("Empty: no limit. When the places are taken, a waiting list."),
    )
    registrations_open = forms.BooleanField(label=_("Registrations open"), required=False, initial=True)

    # The service's fields that stand for the form's.
    FIELD_OF = {"starts_at": "start_time", "ends_at": "end_time"}

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place = cast(forms.ModelChoiceField, self.fields["place"])
        place.queryset = Place.objects.filter(network=network).select_related("municipality").order_by("name")
        place.label_from_instance = lambda p: f"{p.name} — {p.address}, {p.municipality.name}"  # type: ignore[method-assign]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("day")
        if not day and "day" not in self.errors:
            self.add_error("day", _("Give the day of the meeting."))
        return data

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the `data` of create_meeting / update_meeting."""
        data = self.cleaned_data
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        return {
            "title": data.get("title") or "",
            "agenda": data.get("agenda") or "",
            "starts_at": rome_datetime(day, start) if day and start else None,
            "ends_at": rome_datetime(day, end) if day and end else None,
            "place": data.get("place"),
            "online_url": data.get("online_url") or "",
            "capacity": data.get("capacity"),
            "registrations_open": bool(data.get("registrations_open")),
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        """The service's errors on the form's fields (starts_at on the start time, ends_at on the end time)."""
        if hasattr(exc, "error_dict"):
            exc = ValidationError({self.FIELD_OF.get(name, name): errors for name, errors in exc.error_dict.items()})
        add_service_errors(self, exc)


def meeting_initial(meeting: Meeting) -> dict[str, Any]:
    """The form's values for an existing meeting, on the clocks of Rome."""
    starts = timezone.localtime(meeting.starts_at, ROME)
    ends = timezone.localtime(meeting.ends_at, ROME)
    return {
        "title": meeting.title,
        "agenda": meeting.agenda,
        "day": starts.date(),
        "start_time": starts.time().replace(second=0, microsecond=0),
        "end_time": ends.time().replace(second=0, microsecond=0),
        "place": meeting.place_id,
        "online_url": meeting.online_url,
        "capacity": meeting.capacity,
        "registrations_open": meeting.registrations_open,
    }


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the meeting cancelled?"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The people registered and those waiting receive it by e-mail."),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "The minutes are public: write what was said and decided, never the names of the people present "
            "(nor details that let someone be recognised)."
        ),
    )
    outcomes = forms.CharField(
        label=_("Outcomes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the meeting decided or agreed, one point per line. Public, and with no names."),
    )


class RollCallForm(forms.Form):
    """One large checkbox "present" per person registered, and the number of other people present."""

    guests = forms.IntegerField(
        label=_("Other people present"),
        required=False,
        min_value=0,
        help_text=_("People who came without registering: only their number."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
    )

    def __init__(self, *args: Any, registrations: list[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registrations = registrations
        for registration in registrations:
            self.fields[self.key(registration)] = forms.BooleanField(
                label=registration.user.display_name,
                required=False,
                initial=bool(registration.attended),
            )
        self.order_fields([*(self.key(r) for r in registrations), "guests"])

    @staticmethod
    def key(registration: Registration) -> str:
        return f"present_{registration.pk}"

    def rows(self) -> list[tuple[Registration, forms.BoundField]]:
        return [(r, self[self.key(r)]) for r in self.registrations]

    def present(self) -> list[int]:
        return [r.pk for r in self.registrations if self.cleaned_data.get(self.key(r))]
