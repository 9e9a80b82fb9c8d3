"""Forms of shared spaces and bookings (they shape input; the services validate it)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.exchange.models import Space
from legami.exchange.selectors.spaces import opening_hours_text, space_manager_candidates, space_municipalities
from legami.exchange.services.spaces import MANAGER_NOT_A_MEMBER
from legami.network.models import Organization
from legami.territory.models import Place

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class SpaceFilterForm(forms.Form):
    municipality = forms.TypedChoiceField(label=_("Comune"), required=False, coerce=int, widget=PlainSelect)

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("All"))] + [(pk, name) for pk, name in space_municipalities(network)]
        cast(forms.TypedChoiceField, self.fields["municipality"]).choices = choices

    def chosen_municipality(self) -> int | None:
        if not self.is_valid():
            return None
        return self.cleaned_data.get("municipality") or None


class SpaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("E.g. “Sala grande”, “Cortile”."))
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.none(), widget=PlainSelect)
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, max_value=5000)
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        max_length=500,
        help_text=_("E.g. “lun-ven 9-18; sab 9-12”. Empty: at any time."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rules = forms.CharField(label=_("Rules of use"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    manager_organization = forms.ModelChoiceField(
        label=_("Managing organisation"), queryset=Organization.objects.none(), widget=PlainSelect
    )
    manager = forms.ModelChoiceField(
        label=_("Manager"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody in particular"),
        widget=PlainSelect,
        help_text=_("A member of the network who confirms the space's bookings, with the managing organisation."),
        error_messages={"invalid_choice": MANAGER_NOT_A_MEMBER},
    )
    approval_required = forms.BooleanField(label=_("Bookings need approval"), required=False, initial=True)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    is_public = forms.BooleanField(
        label=_("Public calendar"),
        required=False,
        help_text=_("Anyone may read when the space is taken (never who booked it)."),
    )
    is_active = forms.BooleanField(label=_("Bookable"), required=False, initial=True)

    def __init__(
        self, *args: Any, network: Any, space: Space | None = None, names_manager: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not names_manager:
            # Partner staff manage their organisation's spaces; who else manages one is the coordinators' choice.
            del self.fields["manager"]
        managers = space_manager_candidates(network)
        if space is not None and space.manager_id is not None:
            # The manager on file stays a choice (the service keeps it valid), even if no longer a member.
            managers = managers | managers.model._default_manager.filter(pk=space.manager_id)
        if "manager" in self.fields:
            cast(forms.ModelChoiceField, self.fields["manager"]).queryset = managers
        cast(forms.ModelChoiceField, self.fields["place"]).queryset = (
            Place.objects.filter(network=network).select_related("municipality").order_by("municipality__name", "name")
        )
        cast(forms.ModelChoiceField, self.fields["manager_organization"]).queryset = Organization.objects.filter(
            network=network
        ).order_by("name")

    @staticmethod
    def initial_for(space: Space) -> dict[str, Any]:
        initial = {name: getattr(space, name) for name in SpaceForm.base_fields if name != "opening_hours"}
        return initial | {"opening_hours": opening_hours_text(space)}


class BookingForm(forms.Form):
    date = forms.DateField(label=_("Day"), widget=DATE)
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(label=_("To"), widget=TIME)
    title = forms.CharField(label=_("What for"), max_length=200, help_text=_("E.g. “Compleanno di Luca”."))
    people = forms.IntegerField(label=_("People expected"), min_value=1, max_value=5000)
    is_public_event = forms.BooleanField(
        label=_("Public event"), required=False, help_text=_("Its title is shown on the space's public calendar.")
    )
    organization = forms.ModelChoiceField(
        label=_("For the organisation"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("None (a personal booking)"),
        widget=PlainSelect,
    )
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=200)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=30)
    until = forms.DateField(
        label=_("Repeat every week until"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty for a single booking."),
    )
    exceptions = forms.CharField(
        label=_("Weeks to skip"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Dates, separated by commas (e.g. 24/12/2026, 31/12/2026)."),
    )
    skip_taken = forms.BooleanField(label=_("Skip the dates already taken"), required=False)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["organization"])
        field.queryset = organizations
        if not organizations.exists():
            del self.fields["organization"]

    def weekly(self) -> bool:
        return bool(self.cleaned_data.get("until"))

    def single_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("until", "exceptions", "skip_taken")}
        return data

    def weekly_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)
