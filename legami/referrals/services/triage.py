"""The triage of referrals, as a table: new → assigned → (more information asked ⇄ assigned) → taken in charge
(a case of the pacts app), sent to another service, or closed with a reason.

Taking in charge is `mark_taken_in_charge`, which the pacts app calls when it opens the case: the referral knows
nothing of cases (referrals sit below pacts).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.workflow import Refusal, Transition, Workflow
from legami.network.models import Membership
from legami.referrals.capabilities import TRIAGE_REFERRALS
from legami.referrals.models import CloseReason, Referral, ReferralEvent, ReferralMessage, ReferralStatus
from legami.referrals.selectors.referrals import reaches, triagers_for
from legami.referrals.services import mail

S = ReferralStatus
OPEN = (S.NEW, S.ASSIGNED, S.INFO_REQUESTED)

REFERRAL_WORKFLOW = Workflow(
    name="referral",
    model=Referral,
    states=ReferralStatus,
    history=ReferralEvent,
    capability=TRIAGE_REFERRALS,
    data_class=DataClass.CASE,
    select_related=("network",),
    refusal=Refusal(_("A referral cannot go from “%(from)s” to “%(to)s”."), code="transition"),
    transitions=(
        Transition((S.NEW, S.ASSIGNED), S.ASSIGNED, name="assign", label=_("Assign")),
        Transition((S.NEW, S.ASSIGNED), S.INFO_REQUESTED, name="ask", label=_("Ask the reporter for more")),
        Transition(S.INFO_REQUESTED, S.ASSIGNED, name="answered", label=_("Back to triage")),
        Transition(OPEN, S.ACCEPTED, name="accept", label=_("Take in charge (open a case)")),
        Transition(OPEN, S.REDIRECTED, name="redirect", label=_("Send to another service")),
        Transition(OPEN, S.CLOSED, name="close", label=_("Close")),
    ),
)


def mark_taken_in_charge(*, actor: Any, referral: Referral, note: str = "") -> Referral:
    """The referral became a case (called by the pacts app inside the transaction that opens the case)."""
    return REFERRAL_WORKFLOW.apply(referral, S.ACCEPTED, actor=actor, note=note, changes={"decided_at": timezone.now()})


# --- the triage's moves: one service each ------------------------------------------------------------------------
# Each checks that the actor triages this referral (the role, and its Comune in their districts), cleans its
# inputs, then moves the referral through REFERRAL_WORKFLOW (which refuses a move its table lacks). The notes
# go to the referral's encrypted history, never to the audit.

NOTE_MAX_LENGTH = 2000
SERVICE_MAX_LENGTH = 300


def _note() -> inputs.Text:
    return inputs.Text(max_length=NOTE_MAX_LENGTH)


def _members(queryset: Any, network: Any) -> Any:
    """Active users of the network (the assignee's own rule, _assignee_reaches_the_comune, narrows it further)."""
    memberships = Membership.objects.filter(network=network, is_active=True)
    return queryset.filter(is_active=True, pk__in=memberships.values("user_id"))


def _assignee_reaches_the_comune(ctx: inputs.Context) -> None:
    """The assignee triages referrals in the referral's Comune."""
    referral, assignee = ctx.extra.get("referral"), ctx.value("assignee")
    if not ctx.ok("assignee") or referral is None or assignee is None:
        return
    if not triagers_for(referral.network, referral.municipality_id).filter(pk=assignee.pk).exists():
        ctx.add_error("assignee", _("This person does not triage referrals in the referral's Comune."), "not_a_triager")


ASSIGN_INPUTS = inputs.Rules(
    {
        "assignee": inputs.Lookup(
            get_user_model(),
            scope=_members,
            required=True,
            empty_code="invalid_choice",
            given_empty_code="invalid_choice",
            messages={"invalid_choice": _("Choose who will examine the referral.")},
        ),
        "note": _note(),
    },
    checks=(_assignee_reaches_the_comune,),
)
ASK_INPUTS = inputs.Rules(
    {
        "question": inputs.Text(
            required=True,
            max_length=NOTE_MAX_LENGTH,
            messages={"required": _("Write the question for the person who filed the referral.")},
        ),
    }
)
REDIRECT_INPUTS = inputs.Rules(
    {
        "service": inputs.Text(
            required=True,
            max_length=SERVICE_MAX_LENGTH,
            messages={"required": _("Say which service the referral is sent to.")},
        ),
        "note": _note(),
    }
)
CLOSE_INPUTS = inputs.Rules(
    {"reason": inputs.choose(CloseReason, _("Choose why the referral is closed.")), "note": _note()}
)


def require_triage(actor: Any, referral: Referral) -> None:
    """PermissionDenied unless `actor` triages referrals in the referral's Comune."""
    if not reaches(actor, referral):
        raise PermissionDenied(TRIAGE_REFERRALS)


def assign_referral(*, actor: Any, referral: Referral, data: dict) -> Referral:
    """Give the referral to a triager of its Comune (the actor themself for "assign to me")."""
    require_triage(actor, referral)
    values = ASSIGN_INPUTS.clean(data, network=referral.network, actor=actor, extra={"referral": referral})
    assignee = values["assignee"]
    note = gettext("Assigned to %(name)s.") % {"name": assignee.acting_name}
    if values.get("note"):
        note = f"{note} {values['note']}"
    return REFERRAL_WORKFLOW.apply(referral, S.ASSIGNED, actor=actor, note=note, changes={"assigned_to": assignee})


def ask_reporter(*, actor: Any, referral: Referral, data: dict, base_url: str = "") -> Referral:
    """Ask the reporter for more: the question goes to them (an e-mail with a link, no case text); the referral
    waits for the answer. An unassigned referral is the asker's from now on."""
    require_triage(actor, referral)
    values = ASK_INPUTS.clean(data, network=referral.network, actor=actor)
    if referral.reporter_id is None:
        raise ValidationError(
            {
                "question": [
                    ValidationError(_("Whoever filed this referral has left: nobody can answer."), code="no_reporter")
                ]
            }
        )
    with transaction.atomic():
        changes = {} if referral.assigned_to_id else {"assigned_to": actor}
        referral = REFERRAL_WORKFLOW.apply(referral, S.INFO_REQUESTED, actor=actor, changes=changes)
        message = ReferralMessage.objects.create(
            network=referral.network, referral=referral, author=actor, from_reporter=False, body=values["question"]
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=message,
            after=snapshot(message, ("referral", "from_reporter")),
            data_class=DataClass.CASE,
        )
        mail.on_commit(mail.mail_reporter_question, referral.pk, [referral.reporter], base_url)
    return referral


def redirect_referral(*, actor: Any, referral: Referral, data: dict) -> Referral:
    """Send the referral to another service (named in `service`), with a note."""
    require_triage(actor, referral)
    values = REDIRECT_INPUTS.clean(data, network=referral.network, actor=actor)
    return REFERRAL_WORKFLOW.apply(
        referral,
        S.REDIRECTED,
        actor=actor,
        note=values.get("note", ""),
        changes={"redirected_to": values["service"], "decided_at": timezone.now()},
    )


def close_referral(*, actor: Any, referral: Referral, data: dict) -> Referral:
    """Close the referral with a reason (and a note)."""
    require_triage(actor, referral)
    values = CLOSE_INPUTS.clean(data, network=referral.network, actor=actor)
    return REFERRAL_WORKFLOW.apply(
        referral,
        S.CLOSED,
        actor=actor,
        note=values.get("note", ""),
        changes={"close_reason": values["reason"], "decided_at": timezone.now()},
    )
