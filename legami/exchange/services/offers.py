"""Writes on offers: record them (operators, their owners, the public form), edit them, move them along their status.

An offer posted by a citizen waits for an operator's check ("da verificare") before the matching engine sees it;
offers recorded by operators or by partner staff for their organisation are open at once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.languages import LanguagesField
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can, require
from legami.core.validation import max_length_of
from legami.core.workflow import Refusal, Transition, Workflow
from legami.exchange.capabilities import MANAGE_OFFERS, OFFER_OWN
from legami.exchange.models import Offer, OfferEvent, OfferKind, OfferStatus
from legami.exchange.selectors.offers import staff_organization_ids
from legami.needs.models import NeedArea
from legami.needs.services.needs import TimeWindowsField
from legami.network.models import Network, Organization, Person
from legami.territory.models import Neighbourhood
from legami.territory.services.common import territory_municipality

DESCRIPTION_MAX_LENGTH = 4000


def _neighbourhood_in_municipality(ctx: inputs.Context) -> None:
    """The neighbourhood is in the offer's Comune."""
    if not ctx.ok("municipality", "neighbourhood"):
        return
    neighbourhood, municipality = ctx.value("neighbourhood"), ctx.value("municipality")
    if neighbourhood is not None and (municipality is None or neighbourhood.municipality_id != municipality.pk):
        ctx.add_error(
            "neighbourhood", _("This neighbourhood is not in the chosen Comune."), "neighbourhood_not_in_municipality"
        )


def _one_owner(ctx: inputs.Context) -> None:
    """An offer is a person's or an organisation's, not both."""
    if ctx.ok("person", "organization") and ctx.value("person") and ctx.value("organization"):
        ctx.add_error(
            "organization",
            _("An offer is made by a person or by an organisation: choose one."),
            "one_owner",
        )


UNIQUE_EXTERNAL_ID = _("Another offer of this network already has this identifier.")

OFFER_RULES = inputs.Rules(
    {
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(Offer, "title"),
            messages={"blank": _("Say in a few words what you offer.")},
        ),
        "description": inputs.Text(max_length=DESCRIPTION_MAX_LENGTH),
        "kind": inputs.choose(OfferKind, _("Choose what kind of offer it is.")),
        "areas": inputs.LookupMany(
            NeedArea,
            required=True,
            messages={
                "required": _("Choose at least one area the offer can help with."),
                "invalid_choice": _("Choose areas of this network."),
            },
        ),
        "person": inputs.Lookup(Person, messages={"invalid_choice": _("Choose a person of this network.")}),
        "organization": inputs.Lookup(
            Organization, messages={"invalid_choice": _("Choose an organisation of this network.")}
        ),
        "contact_name": inputs.Text(max_length=max_length_of(Offer, "contact_name")),
        "contact_email": inputs.Email(max_length=max_length_of(Offer, "contact_email"), lower=True),
        "contact_phone": inputs.Phone(max_length=max_length_of(Offer, "contact_phone")),
        "municipality": territory_municipality(
            required=True,
            given_empty_code="invalid_choice",
            messages={"invalid_choice": _("Choose a Comune of the network.")},
        ),
        "neighbourhood": inputs.Lookup(
            Neighbourhood, messages={"invalid_choice": _("Choose a neighbourhood of the network.")}
        ),
        "latitude": inputs.Coordinate(inputs.ITALY_LATITUDE),
        "longitude": inputs.Coordinate(inputs.ITALY_LONGITUDE),
        "radius_km": inputs.Decimal(
            places=1,
            min_value=0,
            max_value=200,
            default=5,
            messages={
                "invalid": _("Enter the distance in kilometres, for example 2,5."),
                "min_value": _("Enter a distance of at least %(min)s km."),
                "max_value": _("Enter a distance of at most %(max)s km."),
            },
        ),
        "time_windows": TimeWindowsField(),
        "capacity": inputs.Integer(
            min_value=1,
            max_value=500,
            default=1,
            range_code="invalid",
            params={"max": 500},
            messages={"invalid": _("Enter how many needs at once, from 1 to %(max)d.")},
        ),
        "languages": LanguagesField(),
        "step_free": inputs.Boolean(default=False, empty=False),
        "accessibility_notes": inputs.Text(max_length=max_length_of(Offer, "accessibility_notes")),
        "external_id": inputs.Text(max_length=max_length_of(Offer, "external_id")),
    },
    checks=(
        _neighbourhood_in_municipality,
        _one_owner,
        inputs.point(message=_("Give both latitude and longitude, or neither.")),
        inputs.unique(Offer, "external_id", message=UNIQUE_EXTERNAL_ID),
    ),
)
OFFER_FIELDS = tuple(OFFER_RULES.fields)

# What a citizen fills in on the public form (the rest is the network's to set).
PUBLIC_FIELDS = (
    "title",
    "description",
    "kind",
    "areas",
    "municipality",
    "neighbourhood",
    "radius_km",
    "time_windows",
    "capacity",
    "languages",
    "step_free",
    "accessibility_notes",
    "contact_name",
    "contact_email",
    "contact_phone",
)
PUBLIC_CONTACT_RULES = inputs.Rules(
    {name: OFFER_RULES[name] for name in ("contact_name", "contact_email", "contact_phone")},
    checks=(
        inputs.filled("contact_name", message=_("Tell us your name, so that we can reach you.")),
        inputs.one_of(
            "contact_email",
            "contact_phone",
            on="contact_email",
            message=_("Leave an e-mail address or a phone number, so that we can reach you."),
            code="contact_required",
        ),
    ),
)


S = OfferStatus
OFFER_WORKFLOW = Workflow(
    name="offer",
    model=Offer,
    states=OfferStatus,
    history=OfferEvent,
    # Owners move their own offers too: the services check who may (may_change_offer).
    capability=None,
    refusal=Refusal(_("An offer cannot go from “%(from)s” to “%(to)s”.")),
    data_class=DataClass.PERSONAL,
    transitions=(
        Transition(S.PENDING, S.OPEN, name="verify", label=_("Checked: open it"), capability=MANAGE_OFFERS),
        Transition(S.OPEN, S.PAUSED, name="pause", label=_("Pause")),
        Transition(S.PAUSED, S.OPEN, name="resume", label=_("Open again")),
        Transition((S.PENDING, S.OPEN, S.PAUSED), S.CLOSED, name="close", label=_("Close")),
        Transition(S.CLOSED, S.OPEN, name="reopen", label=_("Reopen"), capability=MANAGE_OFFERS),
    ),
)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def owns_offer(actor: Any, offer: Offer) -> bool:
    """Whether the offer is `actor`'s own: they posted it, it is their person's, or their organisation's."""
    user = _user(actor)
    if user is None:
        return False
    if offer.submitted_by_id == user.pk:
        return True
    if offer.person_id is not None and offer.person is not None and offer.person.user_id == user.pk:
        return True
    return offer.organization_id is not None and offer.organization_id in staff_organization_ids(user, offer.network)


def may_change_offer(actor: Any, offer: Offer) -> bool:
    """Operators change every offer; the others only their own, with offer_own."""
    if can(actor, MANAGE_OFFERS, offer.network):
        return True
    return can(actor, OFFER_OWN, offer.network) and owns_offer(actor, offer)


def _require_change(actor: Any, offer: Offer) -> None:
    if not may_change_offer(actor, offer):
        raise PermissionDenied(MANAGE_OFFERS)


def _save(offer: Offer, areas: list[NeedArea] | None) -> None:
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError as exc:
        raise ValidationError({"external_id": [ValidationError(UNIQUE_EXTERNAL_ID, code="unique")]}) from exc
    if areas is not None:
        offer.areas.set(areas)


def _audit_snapshot(offer: Offer) -> dict:
    data = snapshot(offer) or {}
    data["areas"] = sorted(area.pk for area in offer.areas.all())
    return data


def _create(*, actor: Any, network: Network, values: dict, status: str, note: str) -> Offer:
    areas = values.pop("areas")
    offer = Offer(network=network, status=status, submitted_by=_user(actor), **values)
    _save(offer, areas)
    OFFER_WORKFLOW.record(offer, actor=actor, from_state="", note=note)
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=offer,
        after=_audit_snapshot(offer),
        data_class=DataClass.PERSONAL,
        note=note,
    )
    return offer


def record_offer(*, actor: Any, network: Network, data: dict, note: str = "") -> Offer:
    """Record an offer: an operator's for anyone (open), partner staff's for their organisation (open), a
    citizen's own (to be checked)."""
    manager = can(actor, MANAGE_OFFERS, network)
    if not manager:
        require(actor, OFFER_OWN, network)
    with transaction.atomic():
        values = OFFER_RULES.clean(data, network=network, actor=actor)
        status = S.OPEN
        if not manager:
            own_orgs = staff_organization_ids(actor, network)
            if values.get("person") is not None and values["person"].user_id != actor.pk:
                raise ValidationError(
                    {"person": [ValidationError(_("You can post offers only for yourself."), code="not_yours")]}
                )
            organization = values.get("organization")
            if organization is not None and organization.pk not in own_orgs:
                raise ValidationError(
                    {
                        "organization": [
                            ValidationError(
                                _("You can post offers only for the organisation you work for."), code="not_yours"
                            )
                        ]
                    }
                )
            if organization is None:
                # A citizen's own offer: an operator checks it before it is matched.
                status = S.PENDING
                values.setdefault("contact_name", "")
                if not values.get("contact_name"):
                    values["contact_name"] = getattr(actor, "full_name", "") or ""
                if not values.get("contact_email"):
                    values["contact_email"] = getattr(actor, "email", "") or ""
                values["consent_at"] = timezone.now()
        return _create(actor=actor, network=network, values=values, status=status, note=note)


def submit_public_offer(*, network: Network, data: dict, user: Any = None) -> Offer:
    """An offer from the public form: anyone may post one, with a contact when not logged in; an operator checks it."""
    inputs.refuse_unknown(data, PUBLIC_FIELDS)
    logged_in = _user(user) is not None
    values = dict(data)
    if logged_in:
        values.update(
            {"contact_name": getattr(user, "full_name", "") or "", "contact_email": getattr(user, "email", "") or ""}
        )
    else:
        PUBLIC_CONTACT_RULES.clean(
            {name: values.get(name, "") for name in PUBLIC_CONTACT_RULES.fields}, network=network, partial=True
        )
    with transaction.atomic():
        cleaned = OFFER_RULES.clean(values, network=network)
        cleaned["consent_at"] = timezone.now()
        return _create(
            actor=user if logged_in else None,
            network=network,
            values=cleaned,
            status=S.PENDING,
            note=str(_("Posted on the public form")),
        )


def update_offer(*, actor: Any, offer: Offer, data: dict) -> Offer:
    """Change an offer's fields (not its status); its owner or an operator."""
    _require_change(actor, offer)
    if "status" in data:
        raise ValidationError(
            {"status": [ValidationError(_("Change the status with the status buttons."), code="not_editable")]}
        )
    if not can(actor, MANAGE_OFFERS, offer.network) and {"person", "organization"} & set(data):
        raise ValidationError(
            {"person": [ValidationError(_("Only an operator can change who makes the offer."), code="not_editable")]}
        )
    with transaction.atomic():
        values = OFFER_RULES.clean(data, network=offer.network, instance=offer, actor=actor)
        before = _audit_snapshot(offer)
        areas = values.pop("areas", None)
        for name, value in values.items():
            setattr(offer, name, value)
        _save(offer, areas)
        after = _audit_snapshot(offer)
        if after != before:
            record_event(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=offer,
                before=before,
                after=after,
                data_class=DataClass.PERSONAL,
            )
    return offer


def change_offer_status(*, actor: Any, offer: Offer, to_status: str, note: str = "") -> Offer:
    """Move an offer along OFFER_WORKFLOW (verify, pause, open again, close, reopen)."""
    _require_change(actor, offer)
    if to_status not in OfferStatus.values:
        raise ValidationError(_("Choose a valid status."), code="invalid_choice")
    return OFFER_WORKFLOW.apply(offer, to_status, actor=actor, note=note)
