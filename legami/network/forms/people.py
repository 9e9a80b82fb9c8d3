"""Forms of the person registry: the person form, the list filters, and the shared picker helpers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.network.capabilities import CHANGE_PEOPLE
from legami.network.models import Person
from legami.network.selectors.households import households_for
from legami.network.selectors.people import VIEW_PEOPLE, scoped_municipality_ids
from legami.network.services.people import PERSON_FIELDS
from legami.territory.selectors.municipalities import municipalities_of
from legami.territory.selectors.neighbourhoods import neighbourhoods_of

# Name of the submit button that asks a form to look people (or households) up instead of saving.
SEARCH_BUTTON = "_search"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def municipality_choices_for(viewer: Any, network: Any, capability: str) -> Any:
    """The network's Comuni the viewer may register people in (their districts' when district-limited)."""
    qs = municipalities_of(network)
    scope = scoped_municipality_ids(viewer, network, capability)
    if scope is not None:
        qs = qs.filter(pk__in=scope)
    return qs


def neighbourhoods_in_reach(viewer: Any, network: Any, capability: str) -> Any:
    """The network's neighbourhoods in the Comuni the viewer reaches, with their Comune."""
    qs = neighbourhoods_of(network)
    scope = scoped_municipality_ids(viewer, network, capability)
    if scope is not None:
        qs = qs.filter(municipality_id__in=scope)
    return qs


class PickerField(forms.ModelChoiceField):
    """A record chosen by its number: a text box, or a list of the matches of a search (see `offer`).

    A select of every person cannot be rendered at 50,000 people, so the form asks for the number
    and offers a search that fills a short list.
    """

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 10})

    def __init__(self, queryset, *, describe=str, **kwargs):
        self.describe = describe
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset, **kwargs)

    def offer(self, matches: list, current: Any = None, *, label: Any = None, help_text: Any = None) -> None:
        """Render as a list of `matches` (keeping the current choice) instead of a text box.

        A label or help text that speaks of "the number" no longer fits a list of names: pass the ones to show.
        """
        options = list(matches)
        if current is not None and all(m.pk != current.pk for m in options):
            options.insert(0, current)
        self.widget = forms.Select(choices=[("", _("— choose —")), *((m.pk, self.describe(m)) for m in options)])
        if label is not None:
            self.label = label
        if help_text is not None:
            self.help_text = help_text


def describe_person(person: Person) -> str:
    """A person as the pickers show them: name, Comune and year of birth, to tell namesakes apart."""
    details = [str(person.pk)]
    if person.municipality_id:
        details.append(person.municipality.name)
    if person.birth_date:
        details.append(str(person.birth_date.year))
    return f"{person.full_name} ({', '.join(details)})"


def describe_household(household: Any) -> str:
    """A household as the picker shows it: name, Comune and number."""
    details = [str(household.pk)]
    if household.municipality_id:
        details.append(household.municipality.name)
    return f"{household.name} ({', '.join(details)})"


class PersonForm(forms.Form):
    """Create or edit a person. The service checks everything again; this form only shapes the input."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    tax_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=20,
        required=False,
        help_text=_("16 characters; optional."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "text-uppercase"}),
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    gender = forms.ChoiceField(label=_("Gender"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("Digits and spaces, optionally starting with +39."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    municipality = forms.ModelChoiceField(
        widget=PlainSelect, label=_("Comune"), queryset=None, required=False, empty_label=_("— none —")
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=None,
        required=False,
        empty_label=_("— none —"),
        help_text=_("It must be in the chosen Comune."),
    )
    household = PickerField(
        label=_("Household number"),
        queryset=None,
        required=False,
        describe=describe_household,
        help_text=_("Leave empty for no household. Not sure of the number? Search below."),
    )
    household_search = forms.CharField(label=_("Search a household by name or address"), max_length=100, required=False)
    household_role = forms.ChoiceField(label=_("Role in the household"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, viewer: Any, network: Any, household_matches: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [("", _("Not stated")), *Person.Gender.choices]
        self.fields["household_role"].choices = [("", _("None")), *Person.HouseholdRole.choices]
        self.fields["municipality"].queryset = municipality_choices_for(viewer, network, CHANGE_PEOPLE)
        self.fields["neighbourhood"].queryset = neighbourhoods_in_reach(viewer, network, CHANGE_PEOPLE)
        self.fields["household"].queryset = households_for(viewer, network)
        self.fields["household"].error_messages["invalid_choice"] = _(
            "There is no household with this number that you can see."
        )
        if household_matches:
            self.fields["household"].offer(
                household_matches, label=_("Household"), help_text=_("The households that match your search.")
            )

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the `data` of create_person / update_person."""
        return {name: self.cleaned_data.get(name) for name in PERSON_FIELDS}


def person_initial(person: Person) -> dict[str, Any]:
    """The form's initial values for an existing person."""
    return {name: getattr(person, name) for name in PERSON_FIELDS}


class PersonFilterForm(forms.Form):
    """Search, filters and sort of the people list; a bad value is ignored rather than an error page."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, help_text=_("Name, e-mail or codice fiscale")
    )
    municipality = forms.TypedChoiceField(
        widget=PlainSelect, label=_("Comune"), required=False, coerce=int, empty_value=None
    )
    neighbourhood = forms.TypedChoiceField(label=_("Neighbourhood"), required=False, coerce=int, empty_value=None)
    household = forms.ChoiceField(
        label=_("Household"),
        required=False,
        choices=[("", _("All")), ("yes", _("In a household")), ("no", _("In no household"))],
    )
    age = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[
            ("", _("All ages")),
            ("0-17", _("0–17")),
            ("18-34", _("18–34")),
            ("35-64", _("35–64")),
            ("65+", _("65 and over")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("name", _("Name")), ("municipality", _("Comune")), ("created", _("Recently added"))],
    )

    def __init__(self, *args, viewer: Any, network: Any, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = municipality_choices_for(viewer, network, VIEW_PEOPLE)
        self.fields["municipality"].choices = [("", _("All Comuni")), *((m.pk, m.name) for m in municipalities)]
        neighbourhoods = neighbourhoods_in_reach(viewer, network, VIEW_PEOPLE)
        self.fields["neighbourhood"].choices = [
            ("", _("All neighbourhoods")),
            *((n.pk, f"{n.name} ({n.municipality.name})") for n in neighbourhoods),
        ]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of people_for() from the valid fields (invalid ones are left out)."""
        self.is_valid()
        data = self.cleaned_data
        household = {"yes": True, "no": False}.get(data.get("household") or "")
        return {
            "search": data.get("q") or "",
            "municipality": data.get("municipality"),
            "neighbourhood": data.get("neighbourhood"),
            "household": household,
            "age_band": data.get("age") or "",
            "ordering": data.get("sort") or "name",
        }

    @property
    def is_filtered(self) -> bool:
        filters = self.filters()
        return any(
            filters[k] not in ("", None) for k in ("search", "municipality", "neighbourhood", "household", "age_band")
        )
