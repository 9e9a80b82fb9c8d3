"""The award of a co-design table: the chosen applications become "selected" and the Response is made from them
(partners and what each brings, budget by source), with its first timeline step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.responses.capabilities import MANAGE_COPROGRAMMING
from legami.responses.models import (
    Application,
    BudgetLine,
    BudgetSource,
    CoDesignCall,
    PartnerRole,
    Response,
    ResponseEvent,
    ResponsePartner,
    ResponseStatus,
)
from legami.responses.services.calls import APPLICATION_WORKFLOW, CALL_WORKFLOW, A, S, _refuse, _user

# --- the award and the Response --------------------------------------------------------------------------


def _euro(amount: Decimal) -> str:
    return f"{number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)} €"


def resources_text(application: Application) -> str:
    """What the applicant brings, in words (the Response partner's "what it brings")."""
    parts = []
    if application.staff_hours:
        parts.append(gettext("%(n)s hours of staff") % {"n": application.staff_hours})
    if application.volunteers:
        parts.append(gettext("%(n)s volunteers") % {"n": application.volunteers})
    if application.spaces:
        parts.append(gettext("spaces: %(spaces)s") % {"spaces": application.spaces})
    if application.money:
        parts.append(gettext("%(amount)s of its own money") % {"amount": _euro(application.money)})
    return "; ".join(parts)


def create_response_from_application(
    *, actor: Any, application: Application, others: tuple[Application, ...] | list[Application] = ()
) -> Response:
    """Make the Response of a co-design table from its selected application (and any other selected ones): the
    title and summary of the proposal, the call's Comuni, the call and its process; the partners (the applicant as
    lead, then its partners and the other selected applicants) with what each brings; the budget: the call's
    framework as public funds, the applicants' money as private funds, their staff, volunteers and spaces in kind.

    Plain writes, inside the award's transaction (the responses pages own the Response's later life).
    """
    call = application.call
    network = call.network
    summary_limit = max_length_of(Response, "summary")
    summary = " ".join(application.proposal.split())
    if len(summary) > summary_limit:
        summary = summary[: summary_limit - 1].rstrip() + "…"
    response = Response.objects.create(
        network=network,
        title=application.title[: max_length_of(Response, "title")],
        summary=summary,
        description=application.proposal,
        status=ResponseStatus.PLANNED,
        call=call,
        process=call.process,
        created_by=_user(actor),
    )
    response.municipalities.set(call.municipalities.all())
    partners: dict[int, ResponsePartner] = {}
    selected = [application, *[o for o in others if o.pk != application.pk]]
    for index, chosen in enumerate(selected):
        partners.setdefault(
            chosen.organization_id,
            ResponsePartner(
                response=response,
                organization=chosen.organization,
                role=PartnerRole.LEAD if index == 0 else PartnerRole.PARTNER,
                brings=resources_text(chosen),
            ),
        )
    for chosen in selected:
        for partner in chosen.partners.all():
            partners.setdefault(
                partner.pk,
                ResponsePartner(
                    response=response,
                    organization=partner,
                    role=PartnerRole.PARTNER,
                    brings=gettext("Partner of the application “%(title)s”.") % {"title": chosen.title},
                ),
            )
    ResponsePartner.objects.bulk_create(partners.values())
    public_body = call.coprogramming.public_body if call.coprogramming_id and call.coprogramming else None
    lines = [
        BudgetLine(
            response=response,
            source=BudgetSource.PUBLIC,
            organization=public_body,
            description=gettext("Budget framework of the co-design table “%(title)s”") % {"title": call.title},
            amount=call.budget,
        )
    ]
    for chosen in selected:
        if chosen.money:
            lines.append(
                BudgetLine(
                    response=response,
                    source=BudgetSource.PRIVATE,
                    organization=chosen.organization,
                    description=gettext("Own money of %(organization)s") % {"organization": chosen.organization.name},
                    amount=chosen.money,
                )
            )
        in_kind = [
            text
            for text in (
                gettext("%(n)s hours of staff") % {"n": chosen.staff_hours} if chosen.staff_hours else "",
                gettext("%(n)s volunteers") % {"n": chosen.volunteers} if chosen.volunteers else "",
                gettext("spaces: %(spaces)s") % {"spaces": chosen.spaces} if chosen.spaces else "",
            )
            if text
        ]
        if in_kind:
            description = gettext("In kind from %(organization)s: %(what)s") % {
                "organization": chosen.organization.name,
                "what": "; ".join(in_kind),
            }
            lines.append(
                BudgetLine(
                    response=response,
                    source=BudgetSource.IN_KIND,
                    organization=chosen.organization,
                    description=description[: max_length_of(BudgetLine, "description")],
                    amount=Decimal(0),
                )
            )
    BudgetLine.objects.bulk_create(lines)
    ResponseEvent.objects.create(
        response=response,
        from_status="",
        to_status=ResponseStatus.PLANNED,
        actor=_user(actor),
        note=(gettext("Made by the co-design table “%(title)s”.") % {"title": call.title})[:500],
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=response,
        before=None,
        after=snapshot(response, ("title", "summary", "call", "process", "status")),
    )
    return response


AWARD_INPUTS = inputs.Rules(
    {
        "applications": inputs.LookupMany(
            Application,
            required=True,
            messages={
                "required": _("Choose the application (or applications) selected."),
                "invalid_choice": _("Choose among the applications of this call: %(values)s."),
            },
        ),
        "note": inputs.Text(max_length=300),
    }
)


@transaction.atomic
def award_call(*, actor: Any, call: CoDesignCall, applications: Any, note: str = "") -> Response:
    """Award a ranked call: the chosen applications become "selected" and the Response is made from them (the
    best ranked one leads it)."""
    network = call.network
    require(actor, MANAGE_COPROGRAMMING, network)
    call = CALL_WORKFLOW.lock(call)
    CALL_WORKFLOW.check(call, S.AWARDED)
    values = AWARD_INPUTS.clean({"applications": applications, "note": note}, network=network, actor=actor)
    chosen = sorted(values["applications"], key=lambda a: (a.rank or 10_000, a.pk))
    wrong = [a for a in chosen if a.call_id != call.pk or a.status != A.SUBMITTED]
    if wrong:
        raise _refuse(
            gettext("Choose among the submitted applications of this call."), "invalid_choice", "applications"
        )
    call = CALL_WORKFLOW.apply(call, S.AWARDED, actor=actor, note=values["note"], lock=False)
    selected = []
    for application in chosen:
        selected.append(APPLICATION_WORKFLOW.apply(application, A.SELECTED, actor=actor, note=values["note"]))
    for application in selected:
        application.call = call
    return create_response_from_application(actor=actor, application=selected[0], others=selected[1:])
