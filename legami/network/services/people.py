"""Writes to the person registry: create, update and delete people, always audited."""

from __future__ import annotations

import datetime
import re
from typing import Any

from codicefiscale import codicefiscale
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.core.validation import length_error
from legami.network.models import Household, Network, Person
from legami.network.selectors.people import municipality_in_scope, person_in_scope
from legami.network.validators import validate_tax_code
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality

CHANGE_PEOPLE = "network.change_people"

# The keys `data` may hold: the editable Person fields.
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "tax_code",
    "birth_date",
    "gender",
    "email",
    "phone",
    "address",
    "municipality",
    "neighbourhood",
    "household",
    "household_role",
    "notes",
)
_TEXT_FIELDS = ("first_name", "last_name", "tax_code", "gender", "email", "phone", "address", "household_role", "notes")
_PHONE = re.compile(r"^(?:\+39)?[0-9]{6,11}$")


def normalize_phone(value: str) -> str:
    """The phone number as stored: words separated by single spaces."""
    return " ".join(value.split())


def _check_phone(value: str) -> str | None:
    compact = value.replace(" ", "")
    if not _PHONE.match(compact):
        return None
    return normalize_phone(value)


def to_date(value: Any) -> datetime.date | None:
    """A date from a date, a datetime, an ISO string or None; ValueError otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value.strip())
    raise ValueError(value)


def _birth_date_matches(code: str, birth_date: datetime.date) -> bool:
    decoded = codicefiscale.decode(code)["birthdate"]
    # The codice fiscale holds only two digits of the year, and the library guesses the century: a
    # person born in 1920 decodes as 2020. Day, month and the last two digits are what the code says.
    return (decoded.day, decoded.month, decoded.year % 100) == (birth_date.day, birth_date.month, birth_date.year % 100)


def _length_error(errors: dict, values: dict, name: str) -> None:
    error = length_error(Person, name, values[name])
    if error is not None:
        errors[name] = error


def clean_person_data(*, actor: Any, network: Network, data: dict, instance: Person | None = None) -> dict[str, Any]:
    """Validate `data` (Person field names) for `network` and return the complete, normalised values.

    Raises ValidationError mapping each field to what is wrong with it; nothing is written.
    """
    unknown = sorted(set(data) - set(PERSON_FIELDS))
    if unknown:
        raise ValidationError({key: ValidationError(_("Unknown field."), code="unknown") for key in unknown})
    if instance is not None:
        values = {name: getattr(instance, name) for name in PERSON_FIELDS}
    else:
        values = {name: "" for name in _TEXT_FIELDS} | {
            "birth_date": None,
            "municipality": None,
            "neighbourhood": None,
            "household": None,
        }
    values.update(data)
    errors: dict[str, ValidationError] = {}

    for name in _TEXT_FIELDS:
        raw = values[name]
        values[name] = "" if raw is None else str(raw).strip()
    for name in ("first_name", "last_name"):
        if not values[name]:
            errors[name] = ValidationError(_("This field is required."), code="required")
    for name in ("first_name", "last_name", "address", "email"):
        if name not in errors:
            _length_error(errors, values, name)

    try:
        values["tax_code"] = validate_tax_code(values["tax_code"])
    except ValidationError as exc:
        errors["tax_code"] = exc
    else:
        if values["tax_code"]:
            duplicates = Person.objects.filter(network=network, tax_code=values["tax_code"])
            if instance is not None:
                duplicates = duplicates.exclude(pk=instance.pk)
            if duplicates.exists():
                errors["tax_code"] = ValidationError(
                    _("Another person in this network already has this codice fiscale."), code="tax_code_duplicate"
                )

    try:
        values["birth_date"] = to_date(values["birth_date"])
    except (TypeError, ValueError):
        errors["birth_date"] = ValidationError(_("Enter a valid date."), code="invalid")
    else:
        birth_date = values["birth_date"]
        if birth_date and birth_date > timezone.localdate():
            errors["birth_date"] = ValidationError(_("The date of birth cannot be in the future."), code="future")
        elif birth_date and values["tax_code"] and "tax_code" not in errors:
            if not _birth_date_matches(values["tax_code"], birth_date):
                errors["birth_date"] = ValidationError(
                    _("The date of birth does not match the one in the codice fiscale."), code="birth_date_mismatch"
                )

    if values["gender"] and values["gender"] not in Person.Gender.values:
        errors["gender"] = ValidationError(_("Choose a valid gender."), code="invalid_choice")
    elif values["gender"] in ("F", "M") and values["tax_code"] and "tax_code" not in errors:
        if codicefiscale.decode(values["tax_code"])["gender"] != values["gender"]:
            errors["gender"] = ValidationError(
                _("The gender does not match the one in the codice fiscale."), code="gender_mismatch"
            )

    if values["email"] and "email" not in errors:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = ValidationError(_("Enter a valid e-mail address."), code="invalid")

    if values["phone"]:
        phone = _check_phone(values["phone"])
        if phone is None:
            errors["phone"] = ValidationError(
                _("Enter an Italian phone number: digits and spaces, optionally starting with +39."),
                code="invalid_phone",
            )
        else:
            values["phone"] = phone

    check_place(
        actor=actor, network=network, values=values, errors=errors, changed=_municipality_changed(instance, values)
    )

    household = values["household"]
    if household is not None and (not isinstance(household, Household) or household.network_id != network.pk):
        errors["household"] = ValidationError(_("Choose a household of this network."), code="invalid_choice")
    if household is None:
        # Leaving a household also drops the role held in it.
        values["household_role"] = ""
    elif values["household_role"] and values["household_role"] not in Person.HouseholdRole.values:
        errors["household_role"] = ValidationError(_("Choose a valid role."), code="invalid_choice")

    if errors:
        raise ValidationError(errors)
    return values


def _municipality_changed(instance: Any, values: dict) -> bool:
    return instance is None or instance.municipality_id != getattr(values["municipality"], "pk", values["municipality"])


def check_place(
    *, actor: Any, network: Network, values: dict, errors: dict, changed: bool, capability: str = CHANGE_PEOPLE
) -> None:
    """Check `values["municipality"]` and `values["neighbourhood"]`, adding what is wrong to `errors`.

    A new Comune must be in the network's territory and, for a district-limited actor, in one of their
    districts (otherwise they would register someone they can no longer see). A Comune already on file
    stays valid even if it later left the territory. The neighbourhood must be in the chosen Comune.
    """
    municipality = values["municipality"]
    neighbourhood = values["neighbourhood"]
    if municipality is not None and not isinstance(municipality, Municipality):
        errors["municipality"] = ValidationError(_("Choose a Comune of the network."), code="invalid_choice")
        return
    if changed and municipality is not None:
        if not NetworkMunicipality.objects.filter(network=network, municipality=municipality).exists():
            errors["municipality"] = ValidationError(
                _("This Comune is not part of the network's territory."), code="not_in_territory"
            )
            return
    if changed and not municipality_in_scope(actor, network, municipality, capability):
        errors["municipality"] = ValidationError(
            _("Choose a Comune of your district: you can only register what is there."), code="out_of_district"
        )
        return
    if neighbourhood is not None:
        if not isinstance(neighbourhood, Neighbourhood) or neighbourhood.network_id != network.pk:
            errors["neighbourhood"] = ValidationError(
                _("Choose a neighbourhood of the network."), code="invalid_choice"
            )
        elif municipality is None or neighbourhood.municipality_id != municipality.pk:
            errors["neighbourhood"] = ValidationError(
                _("This neighbourhood is not in the chosen Comune."), code="neighbourhood_not_in_municipality"
            )


def _require_reach(actor: Any, person: Person) -> None:
    require(actor, CHANGE_PEOPLE, person.network)
    if not person_in_scope(actor, person, CHANGE_PEOPLE):
        raise PermissionDenied(CHANGE_PEOPLE)


def _save(person: Person) -> None:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        # Two operators saving the same codice fiscale at once: the unique index is the last word.
        raise ValidationError(
            {"tax_code": _("Another person in this network already has this codice fiscale.")},
            code="tax_code_duplicate",
        ) from exc


def create_person(*, actor: Any, network: Network, data: dict) -> Person:
    """Add a person to the network's registry."""
    require(actor, CHANGE_PEOPLE, network)
    with transaction.atomic():
        values = clean_person_data(actor=actor, network=network, data=data)
        person = Person(network=network, **values)
        _save(person)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=person,
            after=snapshot(person),
            data_class=DataClass.PERSONAL,
        )
    return person


def update_person(*, actor: Any, person: Person, data: dict) -> Person:
    """Change some fields of a person (only the keys present in `data`)."""
    _require_reach(actor, person)
    with transaction.atomic():
        values = clean_person_data(actor=actor, network=person.network, data=data, instance=person)
        before = snapshot(person)
        for name, value in values.items():
            setattr(person, name, value)
        after = snapshot(person)
        if after == before:
            return person
        _save(person)
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=person,
            before=before,
            after=after,
            data_class=DataClass.PERSONAL,
        )
    return person


def delete_person(*, actor: Any, person: Person) -> None:
    """Remove a person from the registry, with their ties and consents."""
    _require_reach(actor, person)
    with transaction.atomic():
        before = snapshot(person)
        pk, label = person.pk, str(person)
        try:
            with transaction.atomic():
                person.delete()
        except ProtectedError as exc:
            raise ValidationError(
                _("This person is referred to by other records (for example a pact or a need) and cannot be deleted."),
                code="protected",
            ) from exc
        record_event(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            object_type=Person._meta.label_lower,
            object_id=pk,
            object_repr=label,
            network=person.network_id,
            before=before,
            data_class=DataClass.PERSONAL,
        )


def link_user(*, actor: Any, person: Person, user: Any | None) -> Person:
    """Link a person record to the account of the same person (None unlinks); coordinators only."""
    from legami.network.models import Membership

    require(actor, "network.manage_members", person.network)
    if user is not None:
        if not Membership.objects.filter(network_id=person.network_id, user=user, is_active=True).exists():
            raise ValidationError(
                {
                    "user": ValidationError(
                        _("This account has no role in the network: invite the person first."), code="user_not_member"
                    )
                }
            )
        other = Person.objects.filter(network_id=person.network_id, user=user).exclude(pk=person.pk).first()
        if other is not None:
            raise ValidationError(
                {
                    "user": ValidationError(
                        _("This account is already linked to another person: %(name)s."),
                        code="user_already_linked",
                        params={"name": str(other)},
                    )
                }
            )
    with transaction.atomic():
        before = snapshot(person, ["user"])
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=person,
            before=before,
            after=snapshot(person, ["user"]),
            data_class=DataClass.PERSONAL,
        )
    return person
