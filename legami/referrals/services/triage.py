"""The triage of referrals, as a table: new → assigned → (more information asked ⇄ assigned) → taken in charge
(a case of the pacts app), sent to another service, or closed with a reason.

Taking in charge is `mark_taken_in_charge`, which the pacts app calls when it opens the case: the referral knows
nothing of cases (referrals sit below pacts).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from legami.core.models import DataClass
from legami.core.workflow import Refusal, Transition, Workflow
from legami.referrals.capabilities import TRIAGE_REFERRALS
from legami.referrals.models import Referral, ReferralEvent, ReferralStatus

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
    from django.utils import timezone

    return REFERRAL_WORKFLOW.apply(referral, S.ACCEPTED, actor=actor, note=note, changes={"decided_at": timezone.now()})
