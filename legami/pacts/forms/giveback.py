"""Form of the give-back hours: the commitment and where the hours were given (the service checks them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.pacts.models import GiveBackSource
from legami.pacts.selectors.giveback import duration

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GiveBackForm(forms.Form):
    commitment = forms.ChoiceField(label=_("Give-back commitment"), widget=PlainSelect)
    source = forms.ChoiceField(label=_("Where"), choices=GiveBackSource.choices, widget=forms.RadioSelect)
    volunteer_shift = forms.ChoiceField(
        label=_("Volunteer shift"),
        required=False,
        widget=PlainSelect,
        help_text=_("For a Civic Center activity: the shift the organiser logged. Its hours count at once."),
    )
    transfer = forms.ChoiceField(
        label=_("Time bank exchange"),
        required=False,
        widget=PlainSelect,
        help_text=_("A confirmed exchange in which the person gave time. Its hours count at once."),
    )
    giveback_place = forms.ChoiceField(label=_("Give-back place"), required=False, widget=PlainSelect)
    host = forms.ChoiceField(
        label=_("Host organisation"),
        required=False,
        widget=PlainSelect,
        help_text=_("Elsewhere: the organisation that will confirm the hours."),
    )
    done_on = forms.DateField(label=_("Day"), required=False, widget=DATE)
    minutes = forms.CharField(
        label=_("How long"), required=False, max_length=20, help_text=_("Hours and minutes, such as 2:00 or 1,5 h.")
    )
    description = forms.CharField(
        label=_("What the person did"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        commitments: list[Any],
        shifts: list[Any],
        transfers: list[Any],
        places: list[Any],
        hosts: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choose = ("", _("Choose…"))
        self.fields["commitment"].choices = [choose, *((str(c.key), c.what) for c in commitments)]
        if len(commitments) == 1:
            self.fields["commitment"].initial = str(commitments[0].key)
        self.fields["volunteer_shift"].choices = [
            choose,
            *(
                (
                    str(s.pk),
                    f"{s.session.activity.title}, "
                    f"{timezone.localtime(s.session.starts_at):%d/%m/%Y}, {duration(s.minutes)}",
                )
                for s in shifts
            ),
        ]
        self.fields["transfer"].choices = [
            choose,
            *(
                (str(t.pk), f"{t.reason}, {timezone.localtime(t.posted_at or t.created_at):%d/%m/%Y}")
                for t in transfers
            ),
        ]
        self.fields["giveback_place"].choices = [
            choose,
            *((str(p.pk), f"{p.objective} ({p.host.name})") for p in places),
        ]
        self.fields["host"].choices = [choose, *((str(o.pk), o.name) for o in hosts)]

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
