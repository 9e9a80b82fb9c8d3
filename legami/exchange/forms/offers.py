"""Forms of offers: the operator's and owner's form, the citizens' public form, the list filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.forms import PublicForm
from legami.core.widgets import PlainSelect
from legami.exchange.models import Offer, OfferKind, OfferStatus
from legami.exchange.services.offers import DESCRIPTION_MAX_LENGTH, PUBLIC_CONTACT_RULES
from legami.needs.selectors.needs import active_areas
from legami.needs.timewindows import format_time_windows, windows_from_json
from legami.network.forms.people import PickerField, describe_person
from legami.territory.selectors.municipalities import municipalities_of
from legami.territory.selectors.neighbourhoods import neighbourhoods_of

WHEN_HELP = _("Days and hours when you are available, for example: mar e gio 16-18; sab 9-12. Empty: any time.")
LANGUAGES_HELP = _("The languages you speak, for example: italiano, inglese.")
RADIUS_HELP = _("How far from your Comune (or your neighbourhood) you can go, in kilometres.")


def _neighbourhood_choices(network: Any) -> list:
    return [
        ("", _("— none —")),
        *(
            (n.pk, f"{n.name} ({n.municipality.name})")
            for n in neighbourhoods_of(network).select_related("municipality")
        ),
    ]


class _OfferFields(forms.Form):
    """What every offer form asks: what, for which needs, where, when, how."""

    title = forms.CharField(label=_("What do you offer?"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"))
    areas = forms.ModelMultipleChoiceField(
        label=_("Which needs can it help with?"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more."),
    )
    description = forms.CharField(
        label=_("Describe it"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Comune"), queryset=None, widget=PlainSelect, empty_label=_("Choose the Comune")
    )
    neighbourhood = forms.TypedChoiceField(
        label=_("Neighbourhood or frazione"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    radius_km = forms.DecimalField(
        label=_("How far (km)"),
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=200,
        initial=5,
        localize=True,
        help_text=RADIUS_HELP,
    )
    time_windows = forms.CharField(label=_("When"), required=False, max_length=300, help_text=WHEN_HELP)
    capacity = forms.IntegerField(
        label=_("How many needs at once"),
        min_value=1,
        max_value=500,
        initial=1,
        help_text=_("For example, how many families you can help in the same weeks."),
    )
    languages = forms.CharField(label=_("Languages"), required=False, max_length=200, help_text=LANGUAGES_HELP)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False, help_text=_("Reachable without steps."))
    accessibility_notes = forms.CharField(label=_("Accessibility notes"), max_length=300, required=False)

    NAMES = (
        "title",
        "kind",
        "areas",
        "description",
        "municipality",
        "neighbourhood",
        "radius_km",
        "time_windows",
        "capacity",
        "languages",
        "step_free",
        "accessibility_notes",
    )

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Choose")), *OfferKind.choices]
        self.fields["areas"].queryset = active_areas(network)
        self.fields["areas"].label_from_instance = lambda area: area.name
        self.fields["municipality"].queryset = municipalities_of(network)
        self.fields["neighbourhood"].choices = _neighbourhood_choices(network)

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the `data` of the offer services."""
        data = {name: self.cleaned_data.get(name) for name in self.NAMES if name in self.fields}
        data["areas"] = list(data.get("areas") or [])
        for name in ("description", "time_windows", "languages", "accessibility_notes"):
            if name in data:
                data[name] = data[name] or ""
        data["step_free"] = bool(data.get("step_free"))
        return data


class OfferForm(_OfferFields):
    """An operator records or edits an offer (for a person, an organisation, or with a contact)."""

    person = PickerField(
        label=_("Person: number"),
        queryset=None,
        required=False,
        describe=describe_person,
        help_text=_("The person of the registry who offers it, if any."),
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False, widget=PlainSelect, empty_label=_("— none —")
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6, localize=True)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6, localize=True)

    NAMES = (
        *_OfferFields.NAMES,
        "person",
        "organization",
        "contact_name",
        "contact_email",
        "contact_phone",
        "latitude",
        "longitude",
    )

    def __init__(self, *args: Any, network: Any, people: Any, organizations: Any, manager: bool, **kwargs: Any):
        super().__init__(*args, network=network, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].error_messages["invalid_choice"] = _(
            "There is no person with this number that you can see."
        )
        self.fields["organization"].queryset = organizations
        if not manager:
            # An owner posts for themself, or for the organisation they work for.
            for name in ("person", "contact_name", "contact_email", "contact_phone", "latitude", "longitude"):
                del self.fields[name]
            if not organizations.exists():
                del self.fields["organization"]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        for name in ("contact_name", "contact_email", "contact_phone"):
            if name in data:
                data[name] = data[name] or ""
        return data


def offer_initial(offer: Offer) -> dict[str, Any]:
    """The form's initial values for an existing offer."""
    initial = {name: getattr(offer, name) for name in OfferForm.NAMES if name not in ("areas", "neighbourhood")}
    initial["areas"] = list(offer.areas.all())
    initial["neighbourhood"] = offer.neighbourhood_id
    initial["time_windows"] = format_time_windows(windows_from_json(offer.time_windows))
    initial["languages"] = ", ".join(offer.languages or ())
    return initial


class OfferFilterForm(forms.Form):
    """Filters of the offers list; a bad value is ignored rather than an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=PlainSelect)
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=PlainSelect)
    area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None, widget=PlainSelect)
    municipality = forms.TypedChoiceField(
        label=_("Comune"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *OfferStatus.choices]
        self.fields["kind"].choices = [("", _("All kinds")), *OfferKind.choices]
        self.fields["area"].choices = [("", _("All areas")), *active_areas(network).values_list("pk", "name")]
        self.fields["municipality"].choices = [
            ("", _("All Comuni")),
            *municipalities_of(network).values_list("pk", "name"),
        ]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of offers_for_user() from the valid fields (invalid ones are left out)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "status": data.get("status") or "",
            "kind": data.get("kind") or "",
            "area": data.get("area"),
            "municipality": data.get("municipality"),
            "search": data.get("q") or "",
        }


# --- the public form ----------------------------------------------------------------------------------

_STAMP_SALT = "legami.exchange.offer"


class PublicOfferForm(PublicForm, _OfferFields):
    """Anyone offers time, skills, goods, a space or transport; a contact when not logged in, and the consent
    always (it is the legal basis of keeping an offer)."""

    stamp_salt = _STAMP_SALT
    anonymous_rules = PUBLIC_CONTACT_RULES
    consent_when_logged_in = True

    def service_data(self) -> dict[str, Any]:
        return {**super().service_data(), **self.contact_data()}
