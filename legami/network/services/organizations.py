"""Writes on partner organisations and on their roles in the partnership."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from legami.core.audit import record_event, snapshot
from legami.core.inputs import parse_date
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can, grants, require
from legami.core.roles import Role
from legami.network.capabilities import MANAGE_ORGANIZATIONS as MANAGE
from legami.network.models import Membership, Network, Organization, Partnership
from legami.network.validators import normalize_tax_code, validate_tax_code
from legami.territory.models import Municipality, NetworkMunicipality

# The fields of an organisation that create/update accept in `data`.
ORGANIZATION_FIELDS = (
    "name",
    "kind",
    "tax_code",
    "municipality",
    "address",
    "email",
    "phone",
    "website",
    "description",
)
TEXT_FIELDS = ("name", "tax_code", "address", "email", "phone", "website", "description")

# Kinds that may be identified by a person's 16-character codice fiscale (no separate legal entity).
PERSONAL_TAX_CODE_KINDS = frozenset({Organization.Kind.INFORMAL_GROUP, Organization.Kind.BUSINESS})


def partita_iva_is_valid(value: str) -> bool:
    """True when `value` is 11 digits whose last one is the Agenzia delle Entrate check digit."""
    if len(value) != 11 or not value.isascii() or not value.isdigit() or value == "0" * 11:
        return False
    total = 0
    for index, char in enumerate(value[:10]):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10 == int(value[10])


def validate_organization_tax_code(value: str | None, kind: str = "") -> str:
    """Return the normalised tax code of an organisation ('' when empty) or raise ValidationError saying why."""
    code = normalize_tax_code(value)
    if not code:
        return ""
    if code.isdigit():
        if len(code) != 11:
            raise ValidationError(
                _("A numeric codice fiscale or partita IVA has 11 digits; this one has %(n)d."),
                code="org_tax_code_length",
                params={"n": len(code)},
            )
        if not partita_iva_is_valid(code):
            raise ValidationError(
                _("This codice fiscale or partita IVA is not valid: the check digit does not match."),
                code="org_tax_code_checksum",
            )
        return code
    if len(code) == 16:
        if kind and kind not in PERSONAL_TAX_CODE_KINDS:
            raise ValidationError(
                _(
                    "A personal codice fiscale (16 characters) is accepted only for an informal group or a "
                    "sole business; an organisation of this kind has an 11-digit one."
                ),
                code="org_tax_code_personal",
            )
        return validate_tax_code(code)
    raise ValidationError(
        _("Enter the 11-digit codice fiscale or partita IVA, or a 16-character personal codice fiscale."),
        code="org_tax_code_format",
    )


def can_update_organization(user: Any, organization: Organization) -> bool:
    """Coordinators may edit any organisation; a partner staff member only the one their role is limited to."""
    network = organization.network
    if can(user, MANAGE, network):
        return True
    return any(g.role == Role.PARTNER_STAFF and g.organization_id == organization.pk for g in grants(user, network))


def _clean_organization(network: Network, org: Organization, raw: dict[str, Any]) -> None:
    """Apply `raw` to `org` (unsaved changes) and raise one ValidationError with every problem found."""
    errors: dict[str, list] = {}

    def add(field: str, error: Any) -> None:
        errors.setdefault(field, []).append(error)

    unknown = sorted(set(raw) - set(ORGANIZATION_FIELDS))
    for key in unknown:
        add("__all__", ValidationError(_("Unknown field: %(field)s."), params={"field": key}))

    for key in TEXT_FIELDS:
        if key in raw:
            setattr(org, key, str(raw[key] or "").strip())
    if "kind" in raw:
        org.kind = raw["kind"] or ""
    if "municipality" in raw:
        municipality = raw["municipality"]
        if municipality is not None and not isinstance(municipality, Municipality):
            try:
                municipality = Municipality.objects.filter(pk=int(municipality)).first()
            except (TypeError, ValueError):
                municipality = None
            if municipality is None:
                add("municipality", ValidationError(_("This Comune does not exist."), code="invalid"))
        org.municipality = municipality

    if not org.name:
        add("name", ValidationError(_("Enter the organisation's name."), code="required"))
    elif Organization.objects.filter(network=network, name__iexact=org.name).exclude(pk=org.pk).exists():
        add("name", ValidationError(_("Another organisation in this network already has this name."), code="unique"))

    if org.kind not in Organization.Kind.values:
        add("kind", ValidationError(_("Choose the kind of organisation."), code="invalid_choice"))

    try:
        org.tax_code = validate_organization_tax_code(org.tax_code, org.kind)
    except ValidationError as exc:
        add("tax_code", exc)
    else:
        if (
            org.tax_code
            and Organization.objects.filter(network=network, tax_code=org.tax_code).exclude(pk=org.pk).exists()
        ):
            add(
                "tax_code",
                ValidationError(_("Another organisation in this network has this tax code."), code="unique"),
            )

    if (
        org.municipality is not None
        and "municipality" not in errors
        and not NetworkMunicipality.objects.filter(network=network, municipality=org.municipality).exists()
    ):
        add(
            "municipality",
            ValidationError(_("This Comune is not part of the network's territory."), code="not_in_territory"),
        )

    # Field formats (e-mail, web address, lengths): the model's own validators say it best.
    try:
        org.full_clean(exclude=["network", "municipality", *errors], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                add(field, ValidationError(message))

    if errors:
        raise ValidationError(errors)


def _as_date(value: Any, field: str) -> datetime.date | None:
    try:
        return parse_date(value)
    except (TypeError, ValueError):  # not a date, or one that does not exist such as 2025-02-30
        raise ValidationError({field: _("Enter a valid date.")}) from None


def _clean_partnership(
    network: Network, organization: Organization | None, role: str, since: Any, until: Any, contribution: str
) -> tuple[datetime.date | None, datetime.date | None, str]:
    """Validate a new partnership role; return (since, until, contribution) cleaned."""
    errors: dict[str, list] = {}
    try:
        since = _as_date(since, "since")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        since = None
    try:
        until = _as_date(until, "until")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        until = None
    if role not in Partnership.Role.values:
        errors.setdefault("role", []).append(_("Choose a role in the partnership."))
    else:
        if organization is not None and organization.pk is not None:
            if Partnership.objects.filter(network=network, organization=organization, role=role).exists():
                errors.setdefault("role", []).append(_("This organisation already has this role."))
        if role == Partnership.Role.LEAD and "role" not in errors:
            current = (
                Partnership.objects.filter(network=network, role=Partnership.Role.LEAD)
                .select_related("organization")
                .first()
            )
            if current is not None:
                errors.setdefault("role", []).append(
                    _(
                        "The partnership already has a lead partner (%(name)s): a network has only one. "
                        "Remove that role first."
                    )
                    % {"name": current.organization.name}
                )
    if since and until and until < since:
        errors.setdefault("until", []).append(_("The end date cannot be before the start date."))
    if errors:
        raise ValidationError(errors)
    return since, until, (contribution or "").strip()


def _data_class(org: Organization) -> str:
    # A 16-character code is a person's codice fiscale: the event then holds personal data.
    return DataClass.PERSONAL if len(org.tax_code or "") == 16 else DataClass.PUBLIC


def _lock_network(network: Network) -> None:
    # Serialises concurrent role changes in one network, so the one-lead rule holds under races.
    Network.objects.select_for_update().filter(pk=network.pk).exists()


def _save_or_explain(obj: Organization | Partnership) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("The change conflicts with data saved meanwhile (a duplicate name, tax code or role). Try again.")
        ) from exc


def create_organization(
    *,
    actor: Any,
    network: Network,
    data: dict[str, Any],
    role: str = "",
    since: datetime.date | str | None = None,
    until: datetime.date | str | None = None,
    contribution: str = "",
) -> Organization:
    """Create a partner organisation, optionally with its first role in the partnership."""
    require(actor, MANAGE, network)
    with transaction.atomic():
        if role:
            _lock_network(network)
        org = Organization(network=network)
        errors: dict[str, list] = {}
        try:
            _clean_organization(network, org, data)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if role:
            try:
                since, until, contribution = _clean_partnership(network, None, role, since, until, contribution)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
        elif since or until or (contribution or "").strip():
            errors.setdefault("role", []).append(_("Choose the role these dates and contribution belong to."))
        if errors:
            raise ValidationError(errors)
        _save_or_explain(org)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=org,
            after=snapshot(org),
            data_class=_data_class(org),
        )
        if role:
            partnership = Partnership(
                network=network, organization=org, role=role, since=since, until=until, contribution=contribution
            )
            _save_or_explain(partnership)
            record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=partnership, after=snapshot(partnership))
    return org


def update_organization(*, actor: Any, organization: Organization, data: dict[str, Any]) -> Organization:
    """Change an organisation (coordinators, or the organisation's own partner staff)."""
    network = organization.network
    if not can_update_organization(actor, organization):
        raise PermissionDenied(MANAGE)
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk, network=network)
        before = snapshot(org)
        _clean_organization(network, org, data)
        _save_or_explain(org)
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=org,
            before=before,
            after=snapshot(org),
            data_class=_data_class(org),
        )
    return org


def delete_organization(*, actor: Any, organization: Organization) -> None:
    """Delete an organisation and its roles; refused while people work for it with an active role."""
    network = organization.network
    require(actor, MANAGE, network)
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk, network=network)
        staff = Membership.objects.filter(network=network, organization=org, is_active=True).count()
        if staff:
            raise ValidationError(
                ngettext(
                    "%(name)s cannot be deleted: %(n)d person still works for it with an active role. "
                    "Deactivate that membership first.",
                    "%(name)s cannot be deleted: %(n)d people still work for it with an active role. "
                    "Deactivate those memberships first.",
                    staff,
                )
                % {"name": org.name, "n": staff},
                code="has_staff",
            )
        for partnership in Partnership.objects.filter(network=network, organization=org).select_related("organization"):
            record_event(actor=actor, action=AuditEvent.Action.DELETE, obj=partnership, before=snapshot(partnership))
        record_event(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            obj=org,
            before=snapshot(org),
            data_class=_data_class(org),
        )
        org.delete()


def add_partnership_role(
    *,
    actor: Any,
    organization: Organization,
    role: str,
    since: datetime.date | str | None = None,
    until: datetime.date | str | None = None,
    contribution: str = "",
) -> Partnership:
    """Give an organisation a role in the partnership (one lead per network; until not before since)."""
    network = organization.network
    require(actor, MANAGE, network)
    with transaction.atomic():
        _lock_network(network)
        since, until, contribution = _clean_partnership(network, organization, role, since, until, contribution)
        partnership = Partnership(
            network=network, organization=organization, role=role, since=since, until=until, contribution=contribution
        )
        _save_or_explain(partnership)
        record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=partnership, after=snapshot(partnership))
    return partnership


def remove_partnership_role(*, actor: Any, partnership: Partnership) -> None:
    """Remove one role of an organisation from the partnership."""
    network = partnership.network
    require(actor, MANAGE, network)
    with transaction.atomic():
        record_event(actor=actor, action=AuditEvent.Action.DELETE, obj=partnership, before=snapshot(partnership))
        partnership.delete()
