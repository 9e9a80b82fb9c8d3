"""Writes of shared spaces: a bookable room, hall or courtyard in a place of the network, with its capacity,
opening hours, rules and the organisation that manages it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.exchange.capabilities import MANAGE_SPACES
from legami.exchange.models import Space
from legami.exchange.selectors.spaces import managed_organization_ids, manages, space_manager_candidates
from legami.needs.timewindows import TimeWindowError, parse_time_windows, windows_from_json, windows_to_json
from legami.network.models import Organization
from legami.territory.models import Place

SPACE_FIELDS = (
    "place",
    "name",
    "description",
    "capacity",
    "opening_hours",
    "rules",
    "manager_organization",
    "manager",
    "approval_required",
    "step_free",
    "is_public",
    "is_active",
)


class OpeningHours(inputs.Field):
    """Weekly opening hours, as text ("lun-ven 9-18; sab 9-12") or the stored JSON list; empty: any time."""

    default_messages = {"invalid": _("Write the opening hours like “lun-ven 9-18; sab 9-12”: %(reason)s")}
    empty: Any = []

    def is_empty(self, value: Any) -> bool:
        return value is None or value == [] or (isinstance(value, str) and not value.strip())

    def parse(self, value: Any, ctx: inputs.Context) -> list[dict[str, Any]]:
        try:
            windows = windows_from_json(value) if isinstance(value, list) else parse_time_windows(str(value))
        except TimeWindowError as exc:
            raise self.error("invalid", reason=str(exc)) from None
        return windows_to_json(windows)


def _organisation_managed_by_actor(ctx: inputs.Context) -> None:
    """Partner staff add and edit spaces of their own organisation only."""
    organization = ctx.value("manager_organization")
    # The organisation on file stays: a manager named from another organisation edits the space too.
    if organization is None or not ctx.ok("manager_organization") or not ctx.changed("manager_organization"):
        return
    allowed = managed_organization_ids(ctx.actor, ctx.network)
    if allowed is not None and organization.pk not in allowed:
        ctx.add_error(
            "manager_organization",
            gettext("You may manage only your own organisation's spaces."),
            "not_your_organisation",
        )


def _manager_named_by_network_managers(ctx: inputs.Context) -> None:
    """Only who manages every space of the network (coordinators, community workers) names a space's manager."""
    if not ctx.given("manager"):
        return
    chosen = ctx.value("manager")
    if getattr(chosen, "pk", None) == getattr(ctx.instance, "manager_id", None):
        return  # the manager on file, or none on a new space
    if managed_organization_ids(ctx.actor, ctx.network) is not None:
        ctx.add_error(
            "manager", gettext("Only a coordinator or a community worker names a space's manager."), "not_allowed"
        )


MANAGER_NOT_A_MEMBER = _("Choose the manager among the network's coordinators, community workers and partner staff.")

SPACE_INPUTS = inputs.Rules(
    {
        "place": inputs.Lookup(Place, required=True, messages={"required": _("Choose the place the space is in.")}),
        "name": inputs.Text(
            required=True,
            max_length=max_length_of(Space, "name"),
            messages={"required": _("Give the space a name (e.g. “Sala grande”).")},
        ),
        "description": inputs.Text(max_length=5_000),
        "capacity": inputs.Integer(
            required=True,
            min_value=1,
            max_value=5000,
            messages={"required": _("Say how many people the space holds.")},
        ),
        "opening_hours": OpeningHours(),
        "rules": inputs.Text(max_length=5_000),
        "manager_organization": inputs.Lookup(
            Organization,
            required=True,
            messages={
                "required": _("Choose the organisation that manages the space."),
                "invalid_choice": _("Choose an organisation of the network."),
            },
        ),
        # A person who confirms the space's bookings (the managing organisation's staff and the coordinators do too).
        "manager": inputs.Lookup(
            get_user_model(),
            scope=lambda users, network: users.filter(pk__in=space_manager_candidates(network).values("pk")),
            messages={"invalid_choice": MANAGER_NOT_A_MEMBER},
        ),
        "approval_required": inputs.Boolean(default=True, empty=True),
        "step_free": inputs.Boolean(default=False, empty=False),
        "is_public": inputs.Boolean(default=False, empty=False),
        "is_active": inputs.Boolean(default=True, empty=True),
    },
    checks=(_organisation_managed_by_actor, _manager_named_by_network_managers),
)


@transaction.atomic
def create_space(*, actor: Any, network: Any, data: dict[str, Any]) -> Space:
    """Add a bookable space to a place of the network."""
    require(actor, MANAGE_SPACES, network)
    space = Space(network=network)
    SPACE_INPUTS.apply(space, data, network=network, actor=actor)
    space.save()
    record_event(
        actor=actor, action=AuditEvent.Action.CREATE, obj=space, before=None, after=snapshot(space, SPACE_FIELDS)
    )
    return space


@transaction.atomic
def update_space(*, actor: Any, space: Space, data: dict[str, Any]) -> Space:
    """Change a space's details, hours, rules or manager (existing bookings stay as they are)."""
    require(actor, MANAGE_SPACES, space.network)
    space = Space.objects.select_for_update().select_related("network").get(pk=space.pk)
    if not manages(actor, space):
        raise PermissionDenied
    before = snapshot(space, SPACE_FIELDS)
    SPACE_INPUTS.apply(space, data, network=space.network, actor=actor)
    space.save()
    record_event(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=space, before=before, after=snapshot(space, SPACE_FIELDS)
    )
    return space


def renew_feed_token(*, actor: Any, space: Space) -> Space:
    """Give a space's private calendar feed a new key (the old address stops working)."""
    from legami.exchange.models import new_feed_token

    with transaction.atomic():
        require(actor, MANAGE_SPACES, space.network)
        space = Space.objects.select_for_update().select_related("network").get(pk=space.pk)
        if not manages(actor, space):
            raise PermissionDenied
        space.feed_token = new_feed_token()
        space.save(update_fields=["feed_token", "updated_at"])
        record_event(actor=actor, action=AuditEvent.Action.UPDATE, obj=space, note="feed key renewed")
    return space


def ensure_bookable(space: Space) -> None:
    """ValidationError when `space` takes no bookings now."""
    if not space.is_active:
        raise ValidationError(gettext("This space takes no bookings at the moment."), code="space_inactive")
