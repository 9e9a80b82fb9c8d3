"""Forms of needs: the operator form, the list filters, the status change and the citizens' public report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.forms import PublicForm
from legami.core.widgets import PlainSelect
from legami.needs.models import Channel, Need, NeedStatus, PrivacyLevel, TargetGroup, Urgency
from legami.needs.selectors.needs import VIEW_NEEDS, active_areas
from legami.needs.services.needs import CHANGE_NEEDS, DESCRIPTION_MAX_LENGTH, REPORT_RULES, allowed_transitions
from legami.needs.timewindows import format_time_windows, windows_from_json
from legami.network.forms.people import (
    DateInput,
    PickerField,
    describe_household,
    describe_person,
    municipality_choices_for,
    neighbourhoods_in_reach,
)
from legami.network.selectors.households import households_for
from legami.network.selectors.people import people_for
from legami.territory.selectors.municipalities import municipalities_of
from legami.territory.selectors.neighbourhoods import neighbourhoods_of

# The fields of the operator form, in the order the service takes them.
FORM_FIELDS = (
    "area",
    "target_group",
    "description",
    "urgency",
    "expressed",
    "channel",
    "privacy_level",
    "person",
    "household",
    "people_count",
    "municipality",
    "neighbourhood",
    "latitude",
    "longitude",
    "time_windows",
    "languages",
    "step_free",
    "observed_on",
    "contact_name",
    "contact_email",
    "contact_phone",
)
TIME_WINDOWS_HELP = _(
    "Days and hours when the need applies, for example: mar e gio 16-18; lun-ven 9-12. Empty: any time."
)
EXPRESSED_CHOICES = [("yes", _("Expressed: asked for by the people concerned")), ("no", _("Detected by others"))]


def _neighbourhood_choices(neighbourhoods: Any) -> list:
    return [("", _("— none —")), *((n.pk, f"{n.name} ({n.municipality.name})") for n in neighbourhoods)]


class NeedForm(forms.Form):
    """Record or edit a need. The service checks everything again; this form only shapes the input."""

    area = forms.ModelChoiceField(label=_("Area"), queryset=None, widget=PlainSelect, empty_label=_("Choose the area"))
    target_group = forms.ChoiceField(label=_("Target group"))
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is needed, in the words of who expressed it when possible."),
    )
    urgency = forms.TypedChoiceField(label=_("Urgency"), coerce=int, choices=Urgency.choices, initial=Urgency.MEDIUM)
    expressed = forms.ChoiceField(
        label=_("Expressed or detected"), choices=EXPRESSED_CHOICES, widget=forms.RadioSelect, initial="yes"
    )
    channel = forms.ChoiceField(label=_("Channel"))
    privacy_level = forms.ChoiceField(
        label=_("Who may read it"),
        choices=PrivacyLevel.choices,
        initial=PrivacyLevel.NETWORK,
        help_text=_("Choose the case team only for health, vulnerability or other special-category data."),
    )
    person = PickerField(
        label=_("Person: number"),
        queryset=None,
        required=False,
        describe=describe_person,
        help_text=_("Leave empty for a need observed in a place. Not sure of the number? Search below."),
    )
    person_search = forms.CharField(
        label=_("Search a person by name, e-mail or codice fiscale"), max_length=100, required=False
    )
    household = PickerField(
        label=_("Household number"),
        queryset=None,
        required=False,
        describe=describe_household,
        help_text=_("Optional."),
    )
    people_count = forms.IntegerField(label=_("People concerned"), min_value=1, max_value=10000, initial=1)
    municipality = forms.ModelChoiceField(
        label=_("Comune"), queryset=None, widget=PlainSelect, empty_label=_("Choose the Comune")
    )
    neighbourhood = forms.TypedChoiceField(
        label=_("Neighbourhood"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=PlainSelect,
        help_text=_("It must be in the chosen Comune."),
    )
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6, localize=True)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6, localize=True)
    time_windows = forms.CharField(label=_("When"), required=False, max_length=300, help_text=TIME_WINDOWS_HELP)
    languages = forms.CharField(
        label=_("Languages spoken"),
        required=False,
        max_length=200,
        help_text=_("Whoever helps must speak one of them, for example: italiano, arabo. Empty: any."),
    )
    step_free = forms.BooleanField(label=_("Needs step-free access"), required=False)
    observed_on = forms.DateField(label=_("Date"), required=False, widget=DateInput(), help_text=_("Empty: today."))
    contact_name = forms.CharField(label=_("Contact name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)

    def __init__(self, *args, viewer: Any, network: Any, person_matches: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = active_areas(network)
        self.fields["target_group"].choices = [("", _("Choose the target group")), *TargetGroup.choices]
        self.fields["channel"].choices = [("", _("Choose the channel")), *Channel.choices]
        self.fields["person"].queryset = people_for(viewer, network, capability=CHANGE_NEEDS)
        self.fields["person"].error_messages["invalid_choice"] = _(
            "There is no person with this number that you can see."
        )
        self.fields["household"].queryset = households_for(viewer, network)
        self.fields["household"].error_messages["invalid_choice"] = _(
            "There is no household with this number that you can see."
        )
        self.fields["municipality"].queryset = municipality_choices_for(viewer, network, CHANGE_NEEDS)
        self.fields["neighbourhood"].choices = _neighbourhood_choices(
            neighbourhoods_in_reach(viewer, network, CHANGE_NEEDS)
        )
        self.fields["expressed"].widget.attrs["class"] = "form-check-input"
        if person_matches:
            self.fields["person"].offer(
                person_matches, label=_("Person"), help_text=_("The people who match your search.")
            )

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the `data` of record_need / update_need."""
        data = {name: self.cleaned_data.get(name) for name in FORM_FIELDS}
        data["expressed"] = data["expressed"] == "yes"
        data["time_windows"] = data["time_windows"] or ""
        data["languages"] = data["languages"] or ""
        data["step_free"] = bool(data["step_free"])
        for name in ("contact_name", "contact_email", "contact_phone"):
            data[name] = data[name] or ""
        return data


def need_initial(need: Need) -> dict[str, Any]:
    """The operator form's initial values for an existing need."""
    initial = {name: getattr(need, name) for name in FORM_FIELDS}
    initial["expressed"] = "yes" if need.expressed else "no"
    initial["neighbourhood"] = need.neighbourhood_id
    initial["time_windows"] = format_time_windows(windows_from_json(need.time_windows))
    initial["languages"] = ", ".join(need.languages or ())
    return initial


class NeedFilterForm(forms.Form):
    """Filters of the needs list; a bad value is ignored rather than an error page."""

    area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None, widget=PlainSelect)
    target_group = forms.ChoiceField(widget=PlainSelect, label=_("Target group"), required=False)
    municipality = forms.TypedChoiceField(
        label=_("Comune"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    neighbourhood = forms.TypedChoiceField(
        label=_("Neighbourhood"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    status = forms.ChoiceField(widget=PlainSelect, label=_("Status"), required=False)
    expressed = forms.ChoiceField(
        widget=PlainSelect,
        label=_("Expressed or detected"),
        required=False,
        choices=[("", _("All")), ("yes", _("Expressed")), ("no", _("Detected"))],
    )
    channel = forms.ChoiceField(widget=PlainSelect, label=_("Channel"), required=False)
    urgency = forms.TypedChoiceField(
        widget=PlainSelect, label=_("Urgency"), required=False, coerce=int, empty_value=None
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, viewer: Any, network: Any, **kwargs):
        super().__init__(*args, **kwargs)
        from legami.needs.selectors.areas import area_choices

        areas = area_choices(network)
        # Plain (pk, name) rows, not model instances: a province's hundred Comuni on every list page.
        self.fields["area"].choices = [("", _("All areas")), *areas.values_list("pk", "name")]
        self.fields["target_group"].choices = [("", _("All target groups")), *TargetGroup.choices]
        municipalities = municipality_choices_for(viewer, network, VIEW_NEEDS)
        self.fields["municipality"].choices = [("", _("All Comuni")), *municipalities.values_list("pk", "name")]
        neighbourhoods = neighbourhoods_in_reach(viewer, network, VIEW_NEEDS)
        self.fields["neighbourhood"].choices = [
            ("", _("All neighbourhoods")),
            *(
                (pk, f"{name} ({comune})")
                for pk, name, comune in neighbourhoods.values_list("pk", "name", "municipality__name")
            ),
        ]
        self.fields["status"].choices = [("", _("All statuses")), *NeedStatus.choices]
        self.fields["channel"].choices = [("", _("All channels")), *Channel.choices]
        self.fields["urgency"].choices = [("", _("Any urgency")), *Urgency.choices]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of needs_for_user() from the valid fields (invalid ones are left out)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "area": data.get("area"),
            "target_group": data.get("target_group") or "",
            "municipality": data.get("municipality"),
            "neighbourhood": data.get("neighbourhood"),
            "status": data.get("status") or "",
            "expressed": {"yes": True, "no": False}.get(data.get("expressed") or ""),
            "channel": data.get("channel") or "",
            "urgency": data.get("urgency"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }

    @property
    def is_filtered(self) -> bool:
        return any(value not in ("", None) for value in self.filters().values())


class NeedStatusForm(forms.Form):
    """Move a need on: only the statuses its present one allows are offered."""

    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, help_text=_("Why, in a few words."))

    def __init__(self, *args, need: Need, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(NeedStatus.choices)
        self.fields["to_status"].choices = [(value, labels[value]) for value in allowed_transitions(need)]
        self.fields["to_status"].widget.attrs["class"] = "form-check-input"


# --- the public report form -------------------------------------------------------------------

_STAMP_SALT = "legami.needs.report"


def form_stamp() -> str:
    """The signed stamp put in the form when it is shown (see legami.core.formguard)."""
    return PublicReportForm.fresh_stamp()


class PublicReportForm(PublicForm):
    """A citizen reports a need: plain words, the network's Comuni, and a contact when not logged in."""

    stamp_salt = _STAMP_SALT
    anonymous_rules = REPORT_RULES

    area = forms.ModelChoiceField(
        label=_("What is it about?"), queryset=None, widget=PlainSelect, empty_label=_("Choose a subject")
    )
    target_group = forms.ChoiceField(label=_("Who needs it?"))
    municipality = forms.ModelChoiceField(
        label=_("Comune"), queryset=None, widget=PlainSelect, empty_label=_("Choose the Comune")
    )
    neighbourhood = forms.TypedChoiceField(
        label=_("Neighbourhood or frazione"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    description = forms.CharField(
        label=_("Describe the need"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Do not write health information or other sensitive details here: we will ask you if needed."),
    )
    time_windows = forms.CharField(
        label=_("When would it be needed? (optional)"),
        required=False,
        max_length=300,
        help_text=_("For example: mar e gio 16-18, or lun-ven 9-12."),
    )

    def __init__(self, *args, network: Any, user: Any = None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["area"].queryset = active_areas(network)
        self.fields["area"].label_from_instance = lambda area: area.name
        self.fields["target_group"].choices = [("", _("Choose")), *TargetGroup.choices]
        self.fields["municipality"].queryset = municipalities_of(network)
        self.fields["neighbourhood"].choices = _neighbourhood_choices(neighbourhoods_of(network))

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the `data` of report_need."""
        names = ("area", "target_group", "municipality", "neighbourhood", "description", "time_windows")
        data = {name: self.cleaned_data.get(name) for name in names}
        data["time_windows"] = data["time_windows"] or ""
        return {**data, **self.contact_data()}
