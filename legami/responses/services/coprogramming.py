"""Writes of co-programming rounds (Art. 55 CTS, comma 2): a public body opens a round with a shared analysis,
partners contribute while it is open, the coordinator closes it with the priorities signed off for the lead partner.

Who signs: closing asks for MANAGE_COPROGRAMMING (the coordinator). The signature is the closing user's, recorded
with the day and hour. When the coordinator's own membership is tied to the lead organisation the signature is the
lead partner's own; otherwise the coordinator signs *on behalf of* the lead partner and must say so explicitly
(`for_lead=True`, the close form's confirmation box): without it the close is refused (code "sign_for_lead").
The history says which of the two it was.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.core.workflow import Refusal, Transition, Workflow
from legami.needs.models import Need, NeedStatus, Survey
from legami.network.models import Network, Organization
from legami.participation.models import Process
from legami.responses.capabilities import CONTRIBUTE, MANAGE_COPROGRAMMING
from legami.responses.models import (
    Contribution,
    ContributionKind,
    CoProgramming,
    CoProgrammingEvent,
    CoProgrammingStatus,
)
from legami.responses.services.common import check_upload, organization_ids_of, resolve_organization

S = CoProgrammingStatus
PUBLIC_BODY_KINDS = (Organization.Kind.MUNICIPALITY, Organization.Kind.PUBLIC_BODY)
ROUND_FIELDS = ("title", "public_body", "lead", "analysis", "process", "opens_on", "closes_on")

COPROGRAMMING_WORKFLOW = Workflow(
    name="coprogramming",
    model=CoProgramming,
    states=CoProgrammingStatus,
    transitions=(Transition(S.OPEN, S.CLOSED, name="close", label=_("Close and sign off")),),
    capability=MANAGE_COPROGRAMMING,
    refusal=Refusal(
        _("A round that is “%(current)s” cannot become “%(target)s”."), code="transition", params=("current", "target")
    ),
    history=CoProgrammingEvent,
    audit_snapshot=lambda row: snapshot(row, ("status", "priorities", "signed_off_by", "signed_off_at")),
    saved_fields=None,
)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _dates_in_order(ctx: inputs.Context) -> None:
    """Contributions close on or after the day the round opens."""
    opens, closes = ctx.value("opens_on"), ctx.value("closes_on")
    if opens and closes and closes < opens:
        ctx.add_error("closes_on", gettext("Contributions close before the round opens."), "dates_order")


def _accepted_demands(queryset: Any, network: Network) -> Any:
    return queryset.filter(network=network, status__in=(DemandStatus.ACCEPTED, DemandStatus.ANSWERED))


ROUND_INPUTS = inputs.Rules(
    {
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(CoProgramming, "title"),
            messages={"required": _("Give the round a title.")},
        ),
        "public_body": inputs.Lookup(
            Organization,
            required=True,
            usable=lambda org: org.kind in PUBLIC_BODY_KINDS,
            inactive_code="not_public_body",
            messages={
                "required": _("Choose the public body that opens the round."),
                "not_public_body": _("The round is opened by a public body: a Comune or another public body."),
            },
        ),
        "lead": inputs.Lookup(
            Organization, required=True, messages={"required": _("Choose the lead partner who signs off the round.")}
        ),
        "analysis": inputs.Text(
            required=True, max_length=50_000, messages={"required": _("Write the shared analysis.")}
        ),
        "demands": inputs.LookupMany(
            AggregatedDemand,
            scope=_accepted_demands,
            messages={"invalid_choice": _("Only accepted demands of the network can be linked: %(values)s.")},
        ),
        "surveys": inputs.LookupMany(Survey),
        "process": inputs.Lookup(Process),
        "opens_on": inputs.Date(required=True, messages={"required": _("Give the day the round opens.")}),
        "closes_on": inputs.Date(required=True, messages={"required": _("Give the last day for contributions.")}),
    },
    checks=(_dates_in_order,),
)


def territorial_figures(network: Network, public_body: Organization) -> dict[str, Any]:
    """Needs by area for the round's territory (the public body's Comune, or the whole network), never a person.

    Counts of needs not closed and the people they concern; the pages show them under the small-numbers rule.
    """
    needs = Need.objects.filter(network=network).exclude(status=NeedStatus.CLOSED)
    territory = network.name
    if public_body.kind == Organization.Kind.MUNICIPALITY and public_body.municipality_id:
        needs = needs.filter(municipality_id=public_body.municipality_id)
        territory = public_body.municipality.name if public_body.municipality else territory
    rows = (
        needs.values("area__name")
        .annotate(needs=Count("id"), people=Sum("people_count"))
        .order_by("-needs", "area__name")
    )
    areas = [{"name": r["area__name"], "needs": r["needs"], "people": r["people"] or 0} for r in rows]
    return {
        "territory": territory,
        "recorded_on": timezone.localdate().isoformat(),
        "areas": areas,
        "needs": sum(a["needs"] for a in areas),
        "people": sum(a["people"] for a in areas),
    }


@transaction.atomic
def open_round(*, actor: Any, network: Network, data: dict[str, Any]) -> CoProgramming:
    """Open a co-programming round: title, public body, lead partner, shared analysis, linked accepted demands,
    surveys, participatory process, dates; the territorial figures are taken now."""
    require(actor, MANAGE_COPROGRAMMING, network)
    values = ROUND_INPUTS.clean(data, network=network, actor=actor)
    round_ = CoProgramming(network=network, created_by=_user(actor))
    for name in ROUND_FIELDS:
        setattr(round_, name, values[name])
    round_.figures = territorial_figures(network, values["public_body"])
    round_.save()
    round_.demands.set(values["demands"] or [])
    round_.surveys.set(values["surveys"] or [])
    COPROGRAMMING_WORKFLOW.record(round_, actor=actor, from_state="")
    record_event(
        actor=actor, action=AuditEvent.Action.CREATE, obj=round_, before=None, after=snapshot(round_, ROUND_FIELDS)
    )
    return round_


def _refuse(message: str, code: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: [error]}) if field else error


def accepts_contributions(round_: CoProgramming, *, on: Any = None) -> str | None:
    """None when the round takes contributions today, else why not."""
    day = on or timezone.localdate()
    if round_.status != S.OPEN:
        return gettext("The round is closed: it accepts no more contributions.")
    if day < round_.opens_on:
        return gettext("The round opens to contributions on %(day)s.") % {"day": round_.opens_on.strftime("%d/%m/%Y")}
    if day > round_.closes_on:
        return gettext("Contributions closed on %(day)s.") % {"day": round_.closes_on.strftime("%d/%m/%Y")}
    return None


CONTRIBUTION_INPUTS = inputs.Rules(
    {
        "organization": inputs.Lookup(Organization),
        "kind": inputs.choose(ContributionKind, _("Choose the kind of contribution: analysis, data or proposal.")),
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(Contribution, "title"),
            messages={"required": _("Give the contribution a title.")},
        ),
        "body": inputs.Text(required=True, max_length=50_000, messages={"required": _("Write the contribution.")}),
        "file": inputs.Field(),
    }
)


@transaction.atomic
def add_contribution(*, actor: Any, coprogramming: CoProgramming, data: dict[str, Any]) -> Contribution:
    """Add a partner's contribution (analysis, data or proposal, with an optional file) to an open round, before
    its closing day; partner staff contribute for their own organisation."""
    network = coprogramming.network
    require(actor, CONTRIBUTE, network)
    round_ = COPROGRAMMING_WORKFLOW.lock(coprogramming)
    if why := accepts_contributions(round_):
        raise _refuse(why, "closed")
    values = CONTRIBUTION_INPUTS.clean(data, network=network, actor=actor)
    organization = resolve_organization(actor, network, values["organization"])
    upload = values["file"]
    if upload:
        check_upload(upload)
    contribution = Contribution(
        network=network,
        coprogramming=round_,
        organization=organization,
        author=_user(actor),
        kind=values["kind"],
        title=values["title"],
        body=values["body"],
    )
    if upload:
        contribution.file.save(upload.name, upload, save=False)
    contribution.save()
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=contribution,
        network=network,
        before=None,
        after=(snapshot(contribution, ("coprogramming", "organization", "kind", "title")) or {})
        | {"file": contribution.file.name if contribution.file else ""},
    )
    return contribution


CLOSE_INPUTS = inputs.Rules(
    {
        "priorities": inputs.Text(
            required=True, max_length=50_000, messages={"required": _("Write the priorities agreed.")}
        ),
        "for_lead": inputs.Boolean(default=False),
        "note": inputs.Text(max_length=300),
    }
)


def signs_as_lead(actor: Any, round_: CoProgramming) -> bool:
    """True when `actor`'s membership is tied to the round's lead organisation (the lead partner's own signature)."""
    return round_.lead_id in organization_ids_of(actor, round_.network)


@transaction.atomic
def close_round(
    *, actor: Any, coprogramming: CoProgramming, priorities: Any, for_lead: bool = False, note: str = ""
) -> CoProgramming:
    """Close a round writing the priorities agreed, signed off by the lead partner (or by the coordinator for it,
    with `for_lead`); a closed round accepts nothing more."""
    require(actor, MANAGE_COPROGRAMMING, coprogramming.network)
    round_ = COPROGRAMMING_WORKFLOW.lock(coprogramming)
    COPROGRAMMING_WORKFLOW.check(round_, S.CLOSED)
    values = CLOSE_INPUTS.clean(
        {"priorities": priorities, "for_lead": for_lead, "note": note}, network=round_.network, actor=actor
    )
    for_lead, note = values["for_lead"], values["note"]
    own = signs_as_lead(actor, round_)
    lead = Organization.objects.get(pk=round_.lead_id)
    if not own and not for_lead:
        raise _refuse(
            gettext("You are not a member of the lead partner %(lead)s: confirm that you sign off on its behalf.")
            % {"lead": lead.name},
            "sign_for_lead",
            "for_lead",
        )
    signed = (
        gettext("Signed off by the lead partner %(lead)s.")
        if own
        else gettext("Signed off by the coordinator on behalf of the lead partner %(lead)s.")
    ) % {"lead": lead.name}
    return COPROGRAMMING_WORKFLOW.apply(
        round_,
        S.CLOSED,
        actor=actor,
        note=" ".join(filter(None, [signed, note]))[:500],
        changes={"priorities": values["priorities"], "signed_off_by": _user(actor), "signed_off_at": timezone.now()},
        lock=False,
    )
