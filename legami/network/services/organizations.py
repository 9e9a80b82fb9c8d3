"""Writes on partner organisations and on their roles in the partnership."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can, grants, require
from legami.core.roles import Role
from legami.network.capabilities import CHANGE_ORGANIZATIONS
from legami.network.capabilities import MANAGE_ORGANIZATIONS as MANAGE
from legami.network.models import Membership, Network, Organization, Partnership
from legami.network.validators import normalize_tax_code, validate_tax_code
from legami.territory.services.common import territory_municipality

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
    if not can(user, CHANGE_ORGANIZATIONS, network):
        return False
    return any(g.role == Role.PARTNER_STAFF and g.organization_id == organization.pk for g in grants(user, network))


def _tax_code_fits_kind(ctx: inputs.Context) -> None:
    """The codice fiscale or partita IVA is valid, and a personal one only for the kinds that may have it."""
    if not ctx.ok("tax_code"):
        return
    kind = ctx.value("kind") if ctx.ok("kind") else ""
    try:
        ctx.values["tax_code"] = validate_organization_tax_code(ctx.value("tax_code"), kind)
    except ValidationError as exc:
        ctx.add_error("tax_code", exc)


ORGANIZATION_INPUTS = inputs.Rules(
    {
        "name": inputs.model_text(
            Organization, "name", required=True, messages={"required": _("Enter the organisation's name.")}
        ),
        "kind": inputs.choose(Organization.Kind, _("Choose the kind of organisation.")),
        "tax_code": inputs.Text(),
        "municipality": territory_municipality(
            codes={"invalid_choice": "invalid"}, messages={"invalid_choice": _("This Comune does not exist.")}
        ),
        "address": inputs.model_text(Organization, "address"),
        "email": inputs.model_text(Organization, "email"),
        "phone": inputs.model_text(Organization, "phone"),
        "website": inputs.model_text(Organization, "website"),
        "description": inputs.Text(),
    },
    checks=(
        inputs.unique(
            Organization,
            "name",
            lookup="iexact",
            message=_("Another organisation in this network already has this name."),
        ),
        _tax_code_fits_kind,
        inputs.unique(Organization, "tax_code", message=_("Another organisation in this network has this tax code.")),
    ),
    messages={"unknown": _("Unknown field: %(field)s.")},
    unknown_on_all=True,
)
# The fields of an organisation that create/update accept in `data`.
ORGANIZATION_FIELDS = tuple(ORGANIZATION_INPUTS.fields)


def _role_is_free(ctx: inputs.Context) -> None:
    """An organisation holds each role once (code role_taken)."""
    organization = ctx.extra.get("organization")
    if ctx.given("role") and organization is not None and organization.pk is not None:
        if Partnership.objects.filter(network=ctx.network, organization=organization, role=ctx.value("role")).exists():
            ctx.add_error("role", _("This organisation already has this role."), "role_taken")


def _one_lead(ctx: inputs.Context) -> None:
    """A network has one lead partner: the current one's role must be removed first (code lead_taken)."""
    if not ctx.given("role") or ctx.value("role") != Partnership.Role.LEAD:
        return
    current = (
        Partnership.objects.filter(network=ctx.network, role=Partnership.Role.LEAD)
        .select_related("organization")
        .first()
    )
    if current is not None:
        message = _(
            "The partnership already has a lead partner (%(name)s): a network has only one. Remove that role first."
        )
        ctx.add_error("role", message, "lead_taken", name=current.organization.name)


def _until_after_since(ctx: inputs.Context) -> None:
    """A role's end date is not before its start date (code until_before_since)."""
    # Only with a role chosen (even a wrong one): without one, the dates are not looked at (see _role_for_details).
    if not (ctx.value("role") or "role" in ctx.errors):
        return
    since, until = ctx.value("since"), ctx.value("until")
    if ctx.ok("since", "until") and since and until and until < since:
        ctx.add_error("until", _("The end date cannot be before the start date."), "until_before_since")


# A role of an organisation in the partnership; the checks read the organisation from `extra`.
PARTNERSHIP_INPUTS = inputs.Rules(
    {
        "role": inputs.choose(Partnership.Role, _("Choose a role in the partnership.")),
        "since": inputs.Date(),
        "until": inputs.Date(),
        "contribution": inputs.Text(),
    },
    checks=(_role_is_free, _one_lead, _until_after_since),
)
PARTNERSHIP_FIELDS = tuple(PARTNERSHIP_INPUTS.fields)
_ROLE_DETAILS = ("since", "until", "contribution")


def _role_for_details(ctx: inputs.Context) -> None:
    """Dates or a contribution belong to a role: without one, the role is asked for (and they are not looked at)."""
    if ctx.value("role") or "role" in ctx.errors:
        return
    if any(name in ctx.errors or ctx.value(name) for name in _ROLE_DETAILS):
        for name in _ROLE_DETAILS:
            ctx.errors.pop(name, None)
        ctx.add_error("role", _("Choose the role these dates and contribution belong to."))


# A new organisation with, optionally, its first role: the organisation's fields and the role's, checked together.
ORGANIZATION_CREATE_INPUTS = ORGANIZATION_INPUTS.extend(
    {
        "role": inputs.Choice(Partnership.Role, messages={"invalid_choice": _("Choose a role in the partnership.")}),
        **{name: PARTNERSHIP_INPUTS[name] for name in _ROLE_DETAILS},
    },
    checks=(_one_lead, _until_after_since, _role_for_details),
)


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
        # The first role comes as arguments, not in `data`.
        ORGANIZATION_INPUTS.refuse_unknown(data)
        given_role = {"role": role, "since": since, "until": until, "contribution": contribution}
        values = ORGANIZATION_CREATE_INPUTS.clean({**data, **given_role}, network=network, actor=actor)
        first_role = {name: values.pop(name) for name in PARTNERSHIP_FIELDS}
        org = Organization(network=network, **values)
        _save_or_explain(org)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=org,
            after=snapshot(org),
            data_class=_data_class(org),
        )
        if first_role["role"]:
            partnership = Partnership(network=network, organization=org, **first_role)
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
        ORGANIZATION_INPUTS.apply(org, data, network=network, actor=actor)
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
        try:
            with transaction.atomic():
                org.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise _in_use(org, exc) from None


def _in_use(org: Organization, exc: ProtectedError | RestrictedError) -> ValidationError:
    """The refusal to delete an organisation that rows of other parts still name (a response, an application…)."""
    objects = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    kinds = sorted({str(obj._meta.verbose_name_plural) for obj in objects})
    return ValidationError(
        _("%(name)s cannot be deleted: %(uses)s still name it.") % {"name": org.name, "uses": ", ".join(kinds)},
        code="in_use",
    )


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
        values = PARTNERSHIP_INPUTS.clean(
            {"role": role, "since": since, "until": until, "contribution": contribution},
            network=network,
            extra={"organization": organization},
        )
        partnership = Partnership(network=network, organization=organization, **values)
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
