"""Writes of the give-back hours: the case team logs hours the person gave to the community toward a give-back
commitment, and the host organisation confirms or rejects them.

Where the hours come from decides how they are confirmed:
- a volunteer shift of a Civic Center activity: the organiser logged it, so the hours are confirmed at once with the
  shift's minutes and day (the host is the activity's organiser);
- a confirmed time-bank exchange in which the person gave time: confirmed at once (the other side confirmed it);
- a give-back place of a response, or elsewhere with a host organisation: pending until the host confirms them.
A shift or an exchange counts once (code `already_counted`).

The host confirms in a queue that names the person, the day, the minutes and the place, never the pact: a host
must not learn that the person is on a pact. A member of the pact's team does not confirm the pact's hours, unless
they are partner staff of the host organisation itself (then they are the host, and know the pact anyway): for
anyone else on the team, a coordinator or a community worker, confirming would be vouching for their own work.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.activities.models import SessionStatus, VolunteerShift
from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import capability_grants, require
from legami.core.roles import Role
from legami.core.workflow import Refusal, Transition, Workflow
from legami.exchange.models import Movement, TimeAccountKind, Transfer, TransferStatus
from legami.network.models import Organization
from legami.pacts.capabilities import CONFIRM_GIVE_BACK
from legami.pacts.models import (
    CaseMember,
    Commitment,
    GiveBackHours,
    GiveBackSource,
    GiveBackStatus,
    Pact,
    PactVersion,
)
from legami.pacts.services.budget import SPENDING_STATES
from legami.pacts.services.common import require_on_team, require_workable
from legami.responses.models import GiveBackPlace, GiveBackPlaceStatus

MAX_MINUTES = 1440


class _Pick(inputs.Field):
    """A row among those the write offers (`extra[<key>]`: {str(id or key): row}), given as the row or its id."""

    default_messages = {"invalid_choice": _("Choose one of the options.")}

    def __init__(self, extra_key: str, *, attribute: str = "pk", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.extra_key, self.attribute = extra_key, attribute

    def parse(self, value: Any, ctx: inputs.Context) -> Any:
        rows: dict[str, Any] = ctx.extra.get(self.extra_key, {})
        found = rows.get(str(getattr(value, self.attribute, value)).strip())
        if found is None:
            raise self.error("invalid_choice")
        return found


def _required(ctx: inputs.Context, name: str, message: Any) -> None:
    if ctx.ok(name) and ctx.value(name) in inputs.EMPTY_VALUES:
        ctx.add_error(name, message, "required")


def _by_source(ctx: inputs.Context) -> None:
    """Each source asks for its own fields: a shift, an exchange, a place with day and minutes, or a host with day,
    minutes and what was done."""
    source = ctx.value("source")
    if source == GiveBackSource.ACTIVITY:
        _required(ctx, "volunteer_shift", _("Choose the volunteer shift."))
    elif source == GiveBackSource.TIME_BANK:
        _required(ctx, "transfer", _("Choose the time bank exchange."))
    elif source in (GiveBackSource.GIVEBACK_PLACE, GiveBackSource.OTHER):
        if source == GiveBackSource.GIVEBACK_PLACE:
            _required(ctx, "giveback_place", _("Choose the give-back place."))
        else:
            _required(ctx, "host", _("Choose the organisation that hosted the person."))
            _required(ctx, "description", _("Say in a few words what the person did."))
        _required(ctx, "done_on", _("Give the day."))
        _required(ctx, "minutes", _("Give how long, such as 2:00 or 1,5 h."))
        starts_on = ctx.extra.get("starts_on")
        if ctx.given("done_on") and starts_on and ctx.value("done_on") < starts_on:
            ctx.add_error(
                "done_on",
                _("The day cannot be before the pact started (%(day)s)."),
                "before_start",
                day=starts_on.strftime("%d/%m/%Y"),
            )


GIVEBACK_INPUTS = inputs.Rules(
    {
        "commitment": _Pick(
            "commitments",
            attribute="key",
            required=True,
            messages={
                "required": _("Choose the give-back commitment."),
                "invalid_choice": _("Choose a give-back commitment of the pact."),
            },
        ),
        "source": inputs.choose(GiveBackSource, _("Choose where the hours were given.")),
        "volunteer_shift": _Pick("shifts", messages={"invalid_choice": _("Choose a volunteer shift of the person.")}),
        "transfer": _Pick(
            "transfers", messages={"invalid_choice": _("Choose a confirmed exchange in which the person gave time.")}
        ),
        "giveback_place": _Pick("places", messages={"invalid_choice": _("Choose an open give-back place.")}),
        "host": inputs.Lookup(Organization, messages={"invalid_choice": _("Choose an organisation of the network.")}),
        "done_on": inputs.Date(past=True),
        "minutes": inputs.Minutes(min_value=1, max_value=MAX_MINUTES),
        "description": inputs.Text(max_length=500),
    },
    checks=(_by_source,),
)


def _hours_state(hours: GiveBackHours) -> dict[str, Any] | None:
    return snapshot(hours, ("status", "confirmed_by", "confirmed_at"))


G = GiveBackStatus
GIVEBACK_WORKFLOW = Workflow(
    name="give_back_hours",
    model=GiveBackHours,
    states=GiveBackStatus,
    capability=CONFIRM_GIVE_BACK,
    refusal=Refusal(_("These hours were answered already: they are “%(from)s”.")),
    audit_snapshot=_hours_state,
    data_class=DataClass.CASE,
    transitions=(
        Transition(G.PENDING, G.CONFIRMED, name="confirm", label=_("Confirm")),
        Transition(G.PENDING, G.REJECTED, name="reject", label=_("Not done with us")),
    ),
)
DECISIONS = {"confirm": True, "reject": False}


# ------------------------------------------------------------------------------------------ what may be linked


def person_shifts(pact: Pact) -> QuerySet[VolunteerShift]:
    """The volunteer shifts of the pact's person at sessions that took place (linked or not)."""
    return (
        VolunteerShift.objects.filter(network_id=pact.network_id, person_id=pact.case.person_id)
        .exclude(session__status=SessionStatus.CANCELLED)
        .filter(session__starts_at__lte=timezone.now())
        .select_related("session__activity__organizer")
        .order_by("-session__starts_at", "-id")
    )


def person_transfers(pact: Pact) -> QuerySet[Transfer]:
    """Confirmed time-bank exchanges in which the pact's person gave time (their account received hours), other
    than the fund's credit of a volunteer shift (that shift is what counts)."""
    return (
        Transfer.objects.filter(
            network_id=pact.network_id,
            status=TransferStatus.CONFIRMED,
            legs__account__kind=TimeAccountKind.PERSON,
            legs__account__person_id=pact.case.person_id,
            legs__minutes__gt=0,
            volunteer_shift__isnull=True,
        )
        .distinct()
        .order_by("-posted_at", "-id")
    )


def open_places(network: Any) -> QuerySet[GiveBackPlace]:
    """The network's open give-back places, with their host."""
    return (
        GiveBackPlace.objects.filter(network=network, status=GiveBackPlaceStatus.OPEN)
        .select_related("host")
        .order_by("objective", "id")
    )


def give_back_commitments(pact: Pact) -> list[Commitment]:
    """The give-back commitments of the version in force."""
    if pact.current_version_id is None:
        return []
    return list(Commitment.objects.filter(version_id=pact.current_version_id, is_give_back=True))


def pact_start(pact: Pact) -> Any:
    """The day the pact started: the earliest start of its signed versions (None before the first signature)."""
    return (
        PactVersion.objects.filter(pact=pact, signed_on__isnull=False)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )


def _transfer_figures(transfer: Transfer, person_id: int) -> tuple[int, int | None, Any]:
    """The minutes the person received in `transfer`, the organisation on the paying side (if one) and the day."""
    received = (
        Movement.objects.filter(
            transfer=transfer, account__kind=TimeAccountKind.PERSON, account__person_id=person_id, minutes__gt=0
        ).aggregate(s=Sum("minutes"))["s"]
        or 0
    )
    payer = (
        Movement.objects.filter(transfer=transfer, minutes__lt=0, account__kind=TimeAccountKind.ORGANIZATION)
        .values_list("account__organization_id", flat=True)
        .first()
    )
    moment = transfer.posted_at or transfer.created_at
    return int(received), payer, timezone.localtime(moment).date()


def _already_counted(field: str) -> ValidationError:
    return ValidationError(
        {field: [ValidationError(gettext("These hours count already toward a pact."), code="already_counted")]}
    )


# ------------------------------------------------------------------------------------------------------ writes


def log_give_back(*, actor: Any, pact: Pact, data: dict[str, Any]) -> GiveBackHours:
    """Log hours the person gave toward a give-back commitment of the version in force: confirmed at once from a
    volunteer shift or a confirmed exchange, pending for the host otherwise."""
    require_on_team(actor, pact.case)
    with transaction.atomic():
        pact = Pact.objects.select_for_update(of=("self",)).select_related("case__processing").get(pk=pact.pk)
        require_workable(pact.case)
        if pact.status not in SPENDING_STATES or pact.current_version_id is None:
            raise ValidationError(
                gettext("Give-back hours are logged on a signed pact that is still under way."),
                code="pact_not_active",
            )
        extra = {
            "commitments": {str(c.key): c for c in give_back_commitments(pact)},
            "shifts": {str(s.pk): s for s in person_shifts(pact)},
            "transfers": {str(t.pk): t for t in person_transfers(pact)},
            "places": {str(p.pk): p for p in open_places(pact.network)},
            "starts_on": pact_start(pact),
        }
        values = GIVEBACK_INPUTS.clean(data, network=pact.network, actor=actor, extra=extra)
        source = values["source"]
        hours = GiveBackHours(
            network_id=pact.network_id,
            pact=pact,
            commitment_key=values["commitment"].key,
            source=source,
            logged_by=actor,
        )
        now = timezone.now()
        if source == GiveBackSource.ACTIVITY:
            shift: VolunteerShift = values["volunteer_shift"]
            if GiveBackHours.objects.filter(volunteer_shift=shift).exists():
                raise _already_counted("volunteer_shift")
            hours.volunteer_shift = shift
            hours.minutes = shift.minutes
            hours.done_on = timezone.localtime(shift.session.starts_at).date()
            hours.host_id = shift.session.activity.organizer_id
            hours.status = GiveBackStatus.CONFIRMED
            hours.confirmed_by_id, hours.confirmed_at = shift.logged_by_id, now
        elif source == GiveBackSource.TIME_BANK:
            transfer: Transfer = values["transfer"]
            if GiveBackHours.objects.filter(transfer=transfer).exists():
                raise _already_counted("transfer")
            minutes, payer, day = _transfer_figures(transfer, pact.case.person_id)
            if not 1 <= minutes <= MAX_MINUTES:
                raise ValidationError(
                    {
                        "transfer": [
                            ValidationError(
                                gettext("An exchange of more than a day (24 hours) cannot count as one day's hours."),
                                code="max_value",
                            )
                        ]
                    }
                )
            hours.transfer = transfer
            hours.minutes, hours.host_id, hours.done_on = minutes, payer, day
            hours.status = GiveBackStatus.CONFIRMED
            hours.confirmed_by_id, hours.confirmed_at = transfer.confirmed_by_id, now
        else:
            place = values.get("giveback_place") if source == GiveBackSource.GIVEBACK_PLACE else None
            hours.giveback_place = place
            hours.host = place.host if place is not None else values["host"]
            hours.done_on, hours.minutes = values["done_on"], values["minutes"]
            hours.description = values.get("description") or ""
            hours.status = GiveBackStatus.PENDING
        if source in (GiveBackSource.ACTIVITY, GiveBackSource.TIME_BANK) and extra["starts_on"] is not None:
            if hours.done_on < extra["starts_on"]:
                field = "volunteer_shift" if source == GiveBackSource.ACTIVITY else "transfer"
                message = gettext("These hours were given before the pact started (%(day)s).") % {
                    "day": extra["starts_on"].strftime("%d/%m/%Y")
                }
                raise ValidationError({field: [ValidationError(message, code="before_start")]})
        try:
            with transaction.atomic():
                hours.save(force_insert=True)
        except IntegrityError:
            # Another writer linked the same shift or exchange a moment ago (the one-to-one constraint).
            raise _already_counted("volunteer_shift" if source == GiveBackSource.ACTIVITY else "transfer") from None
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=hours,
            after=snapshot(
                hours,
                (
                    "pact",
                    "commitment_key",
                    "done_on",
                    "minutes",
                    "source",
                    "volunteer_shift",
                    "giveback_place",
                    "transfer",
                    "host",
                    "status",
                    "description",
                ),
            ),
            data_class=DataClass.CASE,
        )
    return hours


def host_scope(user: Any, network: Any) -> set[int] | None:
    """None when `user` confirms hours for every host of the network (coordinators, community workers), else the
    organisations they confirm for (partner staff: their own; maybe none)."""
    held = capability_grants(user, CONFIRM_GIVE_BACK, network)
    if any(grant.role != Role.PARTNER_STAFF for grant in held):
        return None
    return {grant.organization_id for grant in held if grant.organization_id is not None}


def staff_of(user: Any, network: Any) -> set[int]:
    held = capability_grants(user, CONFIRM_GIVE_BACK, network)
    return {g.organization_id for g in held if g.role == Role.PARTNER_STAFF and g.organization_id is not None}


def in_host_scope(user: Any, hours: GiveBackHours) -> bool:
    """Whether `hours` are hosted by an organisation `user` confirms for."""
    scope = host_scope(user, hours.network)
    if not capability_grants(user, CONFIRM_GIVE_BACK, hours.network):
        return False
    return scope is None or hours.host_id in scope


def own_pact_refusal(user: Any, hours: GiveBackHours) -> bool:
    """True when `user` is on the team of the pact the hours count toward and is not staff of the host itself."""
    on_team = CaseMember.objects.filter(case_id=hours.pact.case_id, user_id=user.pk).exists()
    return on_team and hours.host_id not in staff_of(user, hours.network)


def confirm_give_back(*, actor: Any, hours: GiveBackHours, confirmed: bool) -> GiveBackHours:
    """The host confirms (they count) or rejects (they never count) pending hours done with them."""
    require(actor, CONFIRM_GIVE_BACK, hours.network)
    if not in_host_scope(actor, hours):
        raise PermissionDenied(CONFIRM_GIVE_BACK)
    if own_pact_refusal(actor, hours):
        raise ValidationError(
            gettext("Someone of the host organisation confirms these hours, not who follows the person."),
            code="own_pact",
        )
    with transaction.atomic():
        case = hours.pact.case
        try:
            require_workable(case)
        except ValidationError:
            # The host must not learn why (a closed case, a withdrawn consent): only that it cannot be done.
            raise ValidationError(gettext("These hours can no longer be confirmed."), code="not_confirmable") from None
        return GIVEBACK_WORKFLOW.apply(
            hours,
            GiveBackStatus.CONFIRMED if confirmed else GiveBackStatus.REJECTED,
            actor=actor,
            changes={"confirmed_by": actor, "confirmed_at": timezone.now()},
            check_capability=False,
        )
