"""Writes to ties (legami) between people and organisations of one network."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import change_and_record, delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.network.capabilities import CHANGE_TIES
from legami.network.models import Network, Organization, Person, Tie
from legami.network.selectors.people import person_in_scope

ENDS = ("source", "target")


def _present(ctx: inputs.Context, name: str) -> bool:
    """`name` holds a row: a valid one, the one on file, or one its lookup refused."""
    return name in ctx.errors or ctx.value(name) is not None


def end_check(end: str) -> inputs.Check:
    """Exactly one of `<end>_person` / `<end>_organization`; a person within the actor's reach."""
    person_field, organization_field = f"{end}_person", f"{end}_organization"

    def check(ctx: inputs.Context) -> None:
        has_person = _present(ctx, person_field)
        if has_person == _present(ctx, organization_field):
            # One of the two first: whether the rows given are the network's is for later.
            ctx.errors.pop(person_field, None)
            ctx.errors.pop(organization_field, None)
            if has_person:
                ctx.add_error(person_field, _("Choose either a person or an organisation, not both."), "both_ends")
            else:
                ctx.add_error(person_field, _("Choose a person or an organisation."), "no_end")
        elif (
            has_person and ctx.ok(person_field) and not person_in_scope(ctx.actor, ctx.value(person_field), CHANGE_TIES)
        ):
            ctx.add_error(
                person_field,
                _("This person lives outside your district: you cannot record their ties."),
                "out_of_district",
            )

    return check


def two_different_ends(ctx: inputs.Context) -> None:
    """A tie links two different people, or two different organisations."""
    if not ctx.ok("source_person", "target_person"):
        return
    if ctx.value("source_person") is not None and ctx.value("source_person") == ctx.value("target_person"):
        ctx.add_error("target_person", _("A tie links two different people: choose someone else."), "same_person")
    elif (
        ctx.ok("source_organization", "target_organization")
        and ctx.value("source_organization") is not None
        and ctx.value("source_organization") == ctx.value("target_organization")
    ):
        ctx.add_error(
            "target_organization",
            _("A tie links two different organisations: choose another one."),
            "same_organization",
        )


def ends_after_start(ctx: inputs.Context) -> None:
    """The end date, when given, is not before the start date."""
    since, until = ctx.value("since"), ctx.value("until")
    if ctx.ok("since", "until") and since and until and until < since:
        ctx.add_error("until", _("The end date cannot be before the start date."), "until_before_since")


def _is_active(until: datetime.date | None) -> bool:
    return until is None or until >= timezone.localdate()


def no_active_duplicate(ctx: inputs.Context) -> None:
    """No other active tie of the same kind between the same ends (in either order when one of them is mutual).

    Checked last, on a write with no other error.
    """
    if ctx.errors or not _is_active(ctx.value("until")):
        return
    names = ("source_person", "source_organization", "target_person", "target_organization")
    ends = {name: ctx.value(name) for name in names}
    same = Q(**ends)
    reversed_ends = Q(
        source_person=ends["target_person"],
        source_organization=ends["target_organization"],
        target_person=ends["source_person"],
        target_organization=ends["source_organization"],
    )
    if ctx.value("direction") == Tie.Direction.MUTUAL:
        match = same | reversed_ends
    else:
        match = same | (reversed_ends & Q(direction=Tie.Direction.MUTUAL))
    ties = Tie.objects.filter(match, network=ctx.network, kind=ctx.value("kind")).filter(
        Q(until__isnull=True) | Q(until__gte=timezone.localdate())
    )
    if ctx.instance is not None:
        ties = ties.exclude(pk=ctx.instance.pk)
    if ties.exists():
        ctx.add_error(None, _("These two already have an active tie of this kind."), "duplicate")


def _person() -> inputs.Lookup:
    return inputs.Lookup(Person, messages={"invalid_choice": _("Choose a person of this network.")})


def _organization() -> inputs.Lookup:
    return inputs.Lookup(Organization, messages={"invalid_choice": _("Choose an organisation of this network.")})


TIE_INPUTS = inputs.Rules(
    {
        "kind": inputs.Choice(Tie.Kind, required=True, messages={"invalid_choice": _("Choose a valid kind of tie.")}),
        "direction": inputs.Choice(
            Tie.Direction,
            default=Tie.Direction.MUTUAL,
            empty=Tie.Direction.MUTUAL,
            messages={"invalid_choice": _("Choose a valid direction.")},
        ),
        "source_person": _person(),
        "source_organization": _organization(),
        "target_person": _person(),
        "target_organization": _organization(),
        "since": inputs.Date(),
        "until": inputs.Date(),
        "note": inputs.Text(max_length=max_length_of(Tie, "note")),
    },
    checks=(*(end_check(end) for end in ENDS), two_different_ends, ends_after_start, no_active_duplicate),
)
# The keys `data` may hold: the editable Tie fields.
TIE_FIELDS = tuple(TIE_INPUTS.fields)


def clean_tie_data(*, actor: Any, network: Network, data: dict, instance: Tie | None = None) -> dict[str, Any]:
    """Validate `data` (Tie field names) for `network` and return the complete values; nothing is written.

    On an edit the values on file are checked again with the new ones.
    """
    TIE_INPUTS.refuse_unknown(data)
    if instance is not None:
        data = {name: getattr(instance, name) for name in TIE_FIELDS} | dict(data)
    return TIE_INPUTS.clean(data, network=network, actor=actor, instance=instance)


def _require_reach(actor: Any, tie: Tie) -> None:
    require(actor, CHANGE_TIES, tie.network)
    for person in (tie.source_person, tie.target_person):
        if person is not None and not person_in_scope(actor, person, CHANGE_TIES):
            raise PermissionDenied(CHANGE_TIES)


def create_tie(*, actor: Any, network: Network, data: dict) -> Tie:
    """Record a tie between two people or organisations of the network."""
    require(actor, CHANGE_TIES, network)
    with transaction.atomic():
        values = clean_tie_data(actor=actor, network=network, data=data)
        tie = Tie.objects.create(network=network, **values)
        record_event(
            actor=actor, action=AuditEvent.Action.CREATE, obj=tie, after=snapshot(tie), data_class=DataClass.PERSONAL
        )
    return tie


def update_tie(*, actor: Any, tie: Tie, data: dict) -> Tie:
    """Change some fields of a tie (only the keys present in `data`)."""
    _require_reach(actor, tie)
    with transaction.atomic():
        values = clean_tie_data(actor=actor, network=tie.network, data=data, instance=tie)
        change_and_record(actor=actor, obj=tie, values=values, data_class=DataClass.PERSONAL)
    return tie


def delete_tie(*, actor: Any, tie: Tie) -> None:
    """Delete a tie (the people and organisations it linked stay)."""
    _require_reach(actor, tie)
    with transaction.atomic():
        before = snapshot(tie)
        delete_and_record(actor=actor, obj=tie, network=tie.network_id, before=before, data_class=DataClass.PERSONAL)
