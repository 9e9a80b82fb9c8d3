"""Filing a referral (a sentinel, an operator, partner staff) and the reporter's answers to the services' questions.

A referral goes to the triage of the district that holds its Comune: they get an e-mail with its number, its
urgency and a link, never its text. The reporter follows it from their own page, where they see its status only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.network.models import Membership, Network
from legami.referrals.capabilities import FILE_REFERRALS
from legami.referrals.models import (
    TRIAGE_WITHIN,
    AgeBand,
    ConsentState,
    Referral,
    ReferralMessage,
    ReferralStatus,
    Urgency,
)
from legami.referrals.selectors.referrals import triagers_for
from legami.referrals.services import mail
from legami.referrals.services.triage import REFERRAL_WORKFLOW
from legami.territory.services.common import territory_municipality

SUBJECT_MAX_LENGTH = 300
WHERE_MAX_LENGTH = 300
OBSERVED_MAX_LENGTH = 4000
CONSENT_NOTE_MAX_LENGTH = 1000
CONTACT_MAX_LENGTH = 300
MESSAGE_MAX_LENGTH = 2000

# What the audit keeps of a referral: codes and references, never what the sentinel wrote.
AUDITED_FIELDS = (
    "municipality",
    "age_band",
    "urgency",
    "consent",
    "status",
    "due_at",
    "reporter",
    "reporter_organization",
)


def _why_no_consent(ctx: inputs.Context) -> None:
    """When the person was not asked, refused or cannot consent, the reporter says why."""
    if not ctx.ok("consent", "consent_note"):
        return
    if ctx.value("consent") not in (ConsentState.GIVEN, "", None) and not ctx.value("consent_note"):
        ctx.add_error(
            "consent_note",
            _("Say briefly why the person was not asked, did not agree or cannot agree."),
            "consent_note_required",
        )


REFERRAL_INPUTS = inputs.Rules(
    {
        "subject": inputs.Text(
            required=True,
            max_length=SUBJECT_MAX_LENGTH,
            messages={"required": _("Say who it concerns, in a few words that let the services find the person.")},
        ),
        "age_band": inputs.Choice(
            AgeBand, default=AgeBand.UNKNOWN, empty=AgeBand.UNKNOWN, messages={"invalid_choice": _("Choose an age.")}
        ),
        "where": inputs.Text(max_length=WHERE_MAX_LENGTH),
        "observed": inputs.Text(
            required=True,
            max_length=OBSERVED_MAX_LENGTH,
            messages={"required": _("Say what you saw or heard.")},
        ),
        "urgency": inputs.choose(Urgency, _("Choose how urgent it is.")),
        "consent": inputs.choose(ConsentState, _("Say whether the person knows of the referral and agrees.")),
        "consent_note": inputs.Text(max_length=CONSENT_NOTE_MAX_LENGTH),
        "municipality": territory_municipality(
            required=True,
            given_empty_code="invalid_choice",
            empty_code="invalid_choice",
            messages={"invalid_choice": _("Choose the Comune where the person is.")},
        ),
        "reporter_contact": inputs.Text(
            required=True,
            max_length=CONTACT_MAX_LENGTH,
            messages={"required": _("Say how the services can reach you: a phone number or an e-mail address.")},
        ),
    },
    checks=(_why_no_consent,),
)

ANSWER_INPUTS = inputs.Rules(
    {
        "answer": inputs.Text(
            required=True, max_length=MESSAGE_MAX_LENGTH, messages={"required": _("Write your answer.")}
        ),
    }
)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def reporter_organization(actor: Any, network: Network) -> Any:
    """The organisation `actor` works for in `network` (their first active membership that names one), or None."""
    user = _user(actor)
    if user is None:
        return None
    membership = (
        Membership.objects.filter(network=network, user=user, is_active=True, organization__isnull=False)
        .select_related("organization")
        .order_by("pk")
        .first()
    )
    return membership.organization if membership is not None else None


def file_referral(*, actor: Any, network: Network, data: dict, base_url: str = "") -> Referral:
    """File a referral: triage is due within the urgency's time; the district's triage is told by e-mail."""
    require(actor, FILE_REFERRALS, network)
    with transaction.atomic():
        values = REFERRAL_INPUTS.clean(data, network=network, actor=actor)
        now = timezone.now()
        referral = Referral.objects.create(
            network=network,
            reporter=_user(actor),
            reporter_organization=reporter_organization(actor, network),
            status=ReferralStatus.NEW,
            due_at=now + TRIAGE_WITHIN[Urgency(values["urgency"])],
            **values,
        )
        REFERRAL_WORKFLOW.record(referral, actor=actor, from_state="")
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=referral,
            after=snapshot(referral, AUDITED_FIELDS),
            data_class=DataClass.CASE,
        )
        mail.on_commit(mail.mail_triage, referral.pk, triagers_for(network, referral.municipality), base_url)
    return referral


def answer_question(*, actor: Any, referral: Referral, data: dict, base_url: str = "") -> ReferralMessage:
    """The reporter answers the services' question: the referral goes back to triage."""
    require(actor, FILE_REFERRALS, referral.network)
    user = _user(actor)
    if user is None or referral.reporter_id != user.pk:
        raise PermissionDenied(FILE_REFERRALS)
    values = ANSWER_INPUTS.clean(data, network=referral.network, actor=actor)
    with transaction.atomic():
        referral = REFERRAL_WORKFLOW.lock(referral)
        if referral.status != ReferralStatus.INFO_REQUESTED:
            raise ValidationError(
                {
                    "answer": [
                        ValidationError(_("The services have no question waiting for your answer."), code="no_question")
                    ]
                }
            )
        # The reporter is no triager: the check above (their own referral) stands for the workflow's capability.
        referral = REFERRAL_WORKFLOW.apply(
            referral, ReferralStatus.ASSIGNED, actor=actor, lock=False, check_capability=False
        )
        message = ReferralMessage.objects.create(
            network=referral.network, referral=referral, author=user, from_reporter=True, body=values["answer"]
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=message,
            after=snapshot(message, ("referral", "from_reporter")),
            data_class=DataClass.CASE,
        )
        if referral.assigned_to is not None:
            mail.on_commit(mail.mail_answer, referral.pk, [referral.assigned_to], base_url)
    return message
