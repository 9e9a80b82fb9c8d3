"""Writes to the person registry: create, update and delete people, always audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import change_and_record, record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.network.capabilities import CHANGE_PEOPLE, MANAGE_MEMBERS
from legami.network.models import Household, Network, Person
from legami.network.selectors.people import municipality_in_scope, person_in_scope
from legami.network.validators import TaxCodeField
from legami.territory.models import Neighbourhood
from legami.territory.services.common import territory_municipality


def normalize_phone(value: str) -> str:
    """The phone number as stored: words separated by single spaces."""
    return " ".join(value.split())


_CF_DIGITS = str.maketrans("LMNPQRSTUV", "0123456789")  # omocodia: letters standing for digits
_CF_MONTHS = "ABCDEHLMPRST"


def _tax_code_birth(code: str) -> tuple[int, int, int, str] | None:
    """(day, month, last two digits of the year, gender) written in a valid codice fiscale.

    Read from the code's characters directly: the library's decode also rebuilds every omocode and the place
    of birth, which costs a millisecond a code (20 s in an import of 20,000 people). The code holds only two
    digits of the year, so the century is not known.
    """
    digits = code.translate(_CF_DIGITS)
    try:
        year, month, day = int(digits[6:8]), _CF_MONTHS.index(code[8]) + 1, int(digits[9:11])
    except ValueError:
        return None
    return (day - 40, month, year, "F") if day > 40 else (day, month, year, "M")


# The place fields of people and households: a Comune of the territory, a neighbourhood of the network.
PLACE_INPUTS: dict[str, inputs.Field] = {
    "municipality": territory_municipality(messages={"invalid_choice": _("Choose a Comune of the network.")}),
    "neighbourhood": inputs.Lookup(
        Neighbourhood, messages={"invalid_choice": _("Choose a neighbourhood of the network.")}
    ),
}


OUT_OF_DISTRICT = _("Choose a Comune of your district: you can only register what is there.")
TAX_CODE_TAKEN = _("Another person in this network already has this codice fiscale.")


def neighbourhood_in_municipality(ctx: inputs.Context) -> None:
    """The neighbourhood is one of the chosen Comune's."""
    if not ctx.ok("municipality", "neighbourhood"):
        return
    municipality, neighbourhood = ctx.value("municipality"), ctx.value("neighbourhood")
    if neighbourhood is not None and (municipality is None or neighbourhood.municipality_id != municipality.pk):
        ctx.add_error(
            "neighbourhood", _("This neighbourhood is not in the chosen Comune."), "neighbourhood_not_in_municipality"
        )


def place_check(capability: str = CHANGE_PEOPLE) -> inputs.Check:
    """The Comune and neighbourhood together, and a new Comune in the actor's districts.

    A district-limited actor must choose a Comune of their districts (otherwise they would register someone
    they can no longer see); a Comune already on file stays valid. The neighbourhood must be in the chosen Comune.
    """

    def check(ctx: inputs.Context) -> None:
        """A new Comune is one of the caller's districts (code out_of_district); the neighbourhood is in the
        Comune (code neighbourhood_not_in_municipality)."""
        if not ctx.ok("municipality"):
            return
        municipality = ctx.value("municipality")
        if ctx.changed("municipality") and not municipality_in_scope(ctx.actor, ctx.network, municipality, capability):
            ctx.add_error("municipality", OUT_OF_DISTRICT, "out_of_district")
            return
        neighbourhood_in_municipality(ctx)

    return check


def tax_code_agrees(ctx: inputs.Context) -> None:
    """The date of birth and the gender agree with what the codice fiscale says (birth_date_mismatch,
    gender_mismatch)."""
    code, birth_date, gender = ctx.value("tax_code"), ctx.value("birth_date"), ctx.value("gender")
    if not code or not ctx.ok("tax_code") or (written := _tax_code_birth(code)) is None:
        return
    coded_gender = written[3]
    if birth_date and ctx.ok("birth_date") and (birth_date.day, birth_date.month, birth_date.year % 100) != written[:3]:
        ctx.add_error(
            "birth_date", _("The date of birth does not match the one in the codice fiscale."), "birth_date_mismatch"
        )
    if gender in ("F", "M") and ctx.ok("gender") and coded_gender != gender:
        ctx.add_error("gender", _("The gender does not match the one in the codice fiscale."), "gender_mismatch")


def household_role_check(ctx: inputs.Context) -> None:
    """Leaving a household also drops the role held in it; a role must be one of the list."""
    if ctx.value("household") is None:
        ctx.values["household_role"] = ""
    elif ctx.value("household_role") and ctx.value("household_role") not in Person.HouseholdRole.values:
        ctx.add_error("household_role", _("Choose a valid role."), "invalid_choice")


def _text(name: str = "", **kwargs: Any) -> inputs.Text:
    return inputs.Text(max_length=max_length_of(Person, name) if name else None, **kwargs)


# The checks a file import runs its own way (once per file, or against its own district set).
UNIQUE_TAX_CODE = inputs.unique(Person, "tax_code", message=TAX_CODE_TAKEN, code="tax_code_duplicate")
PERSON_PLACE = place_check()

PERSON_INPUTS = inputs.Rules(
    {
        "first_name": _text("first_name", required=True),
        "last_name": _text("last_name", required=True),
        "tax_code": TaxCodeField(),
        "birth_date": inputs.Date(past=True, messages={"future": _("The date of birth cannot be in the future.")}),
        "gender": inputs.Choice(Person.Gender, messages={"invalid_choice": _("Choose a valid gender.")}),
        "email": inputs.Email(max_length=max_length_of(Person, "email")),
        "phone": inputs.Phone(),
        "address": _text("address"),
        **PLACE_INPUTS,
        "household": inputs.Lookup(Household, messages={"invalid_choice": _("Choose a household of this network.")}),
        "household_role": _text(),
        "notes": _text(),
    },
    checks=(UNIQUE_TAX_CODE, tax_code_agrees, PERSON_PLACE, household_role_check),
)
# The keys `data` may hold: the editable Person fields.
PERSON_FIELDS = tuple(PERSON_INPUTS.fields)


def clean_person_data(*, actor: Any, network: Network, data: dict, instance: Person | None = None) -> dict[str, Any]:
    """Validate `data` (Person field names) for `network` and return the complete, normalised values.

    On an edit the values on file are checked again with the new ones. Raises ValidationError mapping each
    field to what is wrong with it; nothing is written.
    """
    PERSON_INPUTS.refuse_unknown(data)
    if instance is not None:
        data = {name: getattr(instance, name) for name in PERSON_FIELDS} | dict(data)
    return PERSON_INPUTS.clean(data, network=network, actor=actor, instance=instance)


def _require_reach(actor: Any, person: Person) -> None:
    require(actor, CHANGE_PEOPLE, person.network)
    if not person_in_scope(actor, person, CHANGE_PEOPLE):
        raise PermissionDenied(CHANGE_PEOPLE)


def refuse_anonymised(person: Person) -> None:
    """An anonymised person is nobody any more: writing about them again would undo the anonymisation."""
    if person.anonymised_at is not None:
        raise ValidationError(
            _("This person has been anonymised: their record can no longer be changed."), code="anonymised"
        )


def _save(person: Person) -> None:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        # Two operators saving the same codice fiscale at once: the unique index is the last word.
        raise ValidationError({"tax_code": TAX_CODE_TAKEN}, code="tax_code_duplicate") from exc


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
    """Change some fields of a person (only the keys present in `data`); an anonymised person stays as they are."""
    _require_reach(actor, person)
    refuse_anonymised(person)
    with transaction.atomic():
        values = clean_person_data(actor=actor, network=person.network, data=data, instance=person)
        change_and_record(actor=actor, obj=person, values=values, data_class=DataClass.PERSONAL, save=_save)
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
        except (ProtectedError, RestrictedError) as exc:
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

    require(actor, MANAGE_MEMBERS, person.network)
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
