"""Writes of cases: taking a person in charge (from a referral or not), the case team, closing and reopening.

A case is opened under a processing of the network's register (its legal basis and purpose). When that basis is
consent, the person must have given it and not withdrawn it; once withdrawn, the case can only be closed
(`require_workable`). The opener is the case manager; the manager adds and removes members (users of the network
who hold pacts.work_on_cases) and may hand the case over to someone else who may open cases.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, Consent, DataClass, Processing
from legami.core.permissions import can, capability_grants, require
from legami.core.workflow import Refusal, Transition, Workflow
from legami.network.capabilities import VIEW_PEOPLE
from legami.network.models import Membership, Network, Person
from legami.network.selectors.people import municipality_in_scope, person_in_scope
from legami.pacts.capabilities import OPEN_CASES, WORK_ON_CASES
from legami.pacts.models import Case, CaseCloseReason, CaseEvent, CaseMember, CaseStatus, TeamRole
from legami.pacts.services.common import consent_withdrawn, require_on_team, require_workable
from legami.referrals.capabilities import TRIAGE_REFERRALS
from legami.referrals.models import Referral

S = CaseStatus
SUMMARY_MAX_LENGTH = 4000

CASE_WORKFLOW = Workflow(
    name="case",
    model=Case,
    states=CaseStatus,
    history=CaseEvent,
    capability=OPEN_CASES,
    data_class=DataClass.CASE,
    refusal=Refusal(_("A case cannot go from “%(from)s” to “%(to)s”."), code="transition"),
    transitions=(
        Transition(S.OPEN, S.CLOSED, name="close", label=_("Close the case")),
        Transition(S.CLOSED, S.OPEN, name="reopen", label=_("Reopen the case")),
    ),
)

NO_PERSON = _("There is no person with this number that you can see.")


def _person_in_reach(ctx: inputs.Context) -> None:
    """The person is one the actor may see in the registry (their districts' when district-limited), and not
    anonymised (codes invalid_choice, anonymised)."""
    if not ctx.ok("person") or ctx.value("person") is None:
        return
    person = ctx.value("person")
    if ctx.actor is not None and not person_in_scope(ctx.actor, person, VIEW_PEOPLE):
        ctx.add_error("person", NO_PERSON, "invalid_choice")
    elif person.anonymised_at is not None:
        ctx.add_error("person", _("This person has been anonymised: no case can be opened."), "anonymised")


def _consent_holds(ctx: inputs.Context) -> None:
    """A processing whose legal basis is consent needs the person's consent, given and not withdrawn (no_consent)."""
    if not ctx.ok("person", "processing"):
        return
    person, processing = ctx.value("person"), ctx.value("processing")
    if person is None or processing is None or not processing.needs_consent:
        return
    if not Consent.objects.filter(person=person, processing=processing, given=True, withdrawn_at__isnull=True).exists():
        ctx.add_error(
            "processing",
            _(
                "This processing rests on consent and the person has not given it (or withdrew it): record the "
                "consent in the registry first, or choose another processing."
            ),
            "no_consent",
        )


CASE_INPUTS = inputs.Rules(
    {
        "person": inputs.Lookup(
            Person, required=True, empty_code="invalid_choice", messages={"invalid_choice": NO_PERSON}
        ),
        "processing": inputs.Lookup(
            Processing,
            required=True,
            empty_code="invalid_choice",
            messages={"invalid_choice": _("Choose a processing of the network's register.")},
        ),
        "summary": inputs.Text(required=True, max_length=SUMMARY_MAX_LENGTH),
        "opened_on": inputs.Date(past=True, messages={"future": _("A case cannot be opened in the future.")}),
    },
    checks=(_person_in_reach, _consent_holds),
)


def referral_in_reach(actor: Any, referral: Referral) -> bool:
    """True when `actor` triages referrals where this one is (network-wide, or in one of their districts)."""
    return can(actor, TRIAGE_REFERRALS, referral.network) and municipality_in_scope(
        actor, referral.network, referral.municipality_id, TRIAGE_REFERRALS
    )


def _organization_of(user: Any, network: Network, capability: str = WORK_ON_CASES) -> Any:
    """The organisation through which `user` works on cases (partner staff), else None."""
    for grant in capability_grants(user, capability, network):
        if grant.organization_id is not None:
            return grant.organization_id
    return None


def _audit_member(actor: Any, member: CaseMember, action: str, before: dict | None = None) -> None:
    record_event(
        actor=actor,
        action=action,
        obj=member,
        object_repr=str(member.case),
        before=before,
        after=None if action == AuditEvent.Action.DELETE else snapshot(member),
        data_class=DataClass.CASE,
    )


def open_case(*, actor: Any, network: Network, data: dict, referral: Referral | None = None) -> Case:
    """Take a person in charge: a case under a processing of the register, its opener as the case manager.

    From a referral (which must be open and within the actor's triage districts), the referral is marked as
    taken in charge in the same transaction and the case keeps it.
    """
    require(actor, OPEN_CASES, network)
    if referral is not None:
        require(actor, TRIAGE_REFERRALS, network)
        if referral.network_id != network.pk or not referral_in_reach(actor, referral):
            raise PermissionDenied(TRIAGE_REFERRALS)
    CASE_INPUTS.refuse_unknown(data)
    values = CASE_INPUTS.clean(data, network=network, actor=actor)
    with transaction.atomic():
        if referral is not None:
            referral = Referral.objects.select_for_update().get(pk=referral.pk)
            if not referral.is_open:
                raise ValidationError(
                    _("This referral is no longer waiting for triage: it cannot be taken in charge."),
                    code="referral_not_open",
                )
        case = Case.objects.create(
            network=network,
            person=values["person"],
            processing=values["processing"],
            summary=values["summary"],
            opened_by=actor,
            opened_on=values["opened_on"] or timezone.localdate(),
            referral=referral,
        )
        member = CaseMember.objects.create(
            network=network,
            case=case,
            user=actor,
            role=TeamRole.MANAGER,
            organization_id=_organization_of(actor, network, OPEN_CASES),
            added_by=actor,
        )
        CASE_WORKFLOW.record(case, actor=actor, from_state="")
        record_event(
            actor=actor, action=AuditEvent.Action.CREATE, obj=case, after=snapshot(case), data_class=DataClass.CASE
        )
        _audit_member(actor, member, AuditEvent.Action.CREATE)
        if referral is not None:
            from legami.referrals.services.triage import mark_taken_in_charge

            mark_taken_in_charge(actor=actor, referral=referral)
    return case


def take_in_charge(
    *, actor: Any, network: Network, referral: Referral, data: dict, new_person: dict | None = None
) -> Case:
    """Open a case from a referral: for a person of the registry (`data["person"]`), or for one recorded now
    (`new_person`, the registry's person fields), all in one transaction."""
    from legami.network.services.people import create_person

    require(actor, OPEN_CASES, network)
    require(actor, TRIAGE_REFERRALS, network)
    with transaction.atomic():
        if new_person is not None:
            person = create_person(actor=actor, network=network, data=new_person)
            data = {**data, "person": person}
        return open_case(actor=actor, network=network, data=data, referral=referral)


# --------------------------------------------------------------------------------------------------- the team


def _require_manager(actor: Any, case: Case) -> None:
    require_on_team(actor, case, manager=True, capability=OPEN_CASES)
    require_workable(case)


def add_member(*, actor: Any, case: Case, user: Any) -> CaseMember:
    """Put a user of the network who works on cases on the team (the case manager does it)."""
    _require_manager(actor, case)
    network = case.network
    if user is None or not can(user, WORK_ON_CASES, network):
        raise ValidationError(
            {
                "user": ValidationError(
                    _("Choose a member of the network who works on cases."), code="cannot_work_on_cases"
                )
            }
        )
    if CaseMember.objects.filter(case=case, user=user).exists():
        raise ValidationError(
            {"user": ValidationError(_("This person is already on the team."), code="already_on_team")}
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                member = CaseMember.objects.create(
                    network=network,
                    case=case,
                    user=user,
                    role=TeamRole.MEMBER,
                    organization_id=_organization_of(user, network),
                    added_by=actor,
                )
        except IntegrityError as exc:
            raise ValidationError(
                {"user": ValidationError(_("This person is already on the team."), code="already_on_team")}
            ) from exc
        _audit_member(actor, member, AuditEvent.Action.CREATE)
    return member


def remove_member(*, actor: Any, case: Case, member: CaseMember) -> None:
    """Take a member off the team: they lose access to the case at once. The case manager is never removed (hand
    the case over first)."""
    _require_manager(actor, case)
    if member.case_id != case.pk:
        raise ValidationError(_("This person is not on the team."), code="not_on_team")
    if member.role == TeamRole.MANAGER:
        raise ValidationError(
            _("The case manager cannot be removed: hand the case over to someone else first."), code="last_manager"
        )
    with transaction.atomic():
        before = snapshot(member)
        member.delete()
        record_event(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            object_type=CaseMember._meta.label_lower,
            object_id=before["id"] if before else None,
            object_repr=str(case),
            network=case.network_id,
            before=before,
            data_class=DataClass.CASE,
        )


def hand_over(*, actor: Any, case: Case, user: Any) -> CaseMember:
    """Make `user` the case manager (they must be able to open cases); the former manager stays as a member."""
    _require_manager(actor, case)
    network = case.network
    if user is None or not can(user, OPEN_CASES, network):
        raise ValidationError(
            {"user": ValidationError(_("Only someone who may open cases can manage one."), code="cannot_manage")}
        )
    if not Membership.objects.filter(network=network, user=user, is_active=True).exists():
        raise ValidationError({"user": ValidationError(_("Choose a member of the network."), code="not_member")})
    with transaction.atomic():
        members = {m.user_id: m for m in CaseMember.objects.select_for_update().filter(case=case)}
        current = next((m for m in members.values() if m.role == TeamRole.MANAGER), None)
        if current is not None and current.user_id == user.pk:
            raise ValidationError({"user": ValidationError(_("This person is the case manager already."), code="same")})
        if current is not None:
            before = snapshot(current)
            current.role = TeamRole.MEMBER
            current.save(update_fields=["role", "updated_at"])
            _audit_member(actor, current, AuditEvent.Action.UPDATE, before)
        new = members.get(user.pk)
        if new is None:
            new = CaseMember.objects.create(
                network=network,
                case=case,
                user=user,
                role=TeamRole.MANAGER,
                organization_id=_organization_of(user, network, OPEN_CASES),
                added_by=actor,
            )
            _audit_member(actor, new, AuditEvent.Action.CREATE)
        else:
            before = snapshot(new)
            new.role = TeamRole.MANAGER
            new.save(update_fields=["role", "updated_at"])
            _audit_member(actor, new, AuditEvent.Action.UPDATE, before)
    return new


# ------------------------------------------------------------------------------------------ closing, reopening

CLOSE_INPUTS = inputs.Rules(
    {
        "close_reason": inputs.Choice(
            CaseCloseReason,
            required=True,
            empty_code="invalid_choice",
            messages={"invalid_choice": _("Choose why the case is closed.")},
        ),
        "note": inputs.Text(max_length=2000),
    }
)


def _sync(case: Case, moved: Case) -> Case:
    """The workflow moves a locked copy of the row: the caller's case follows it."""
    for name in ("status", "close_reason", "closed_on", "updated_at"):
        setattr(case, name, getattr(moved, name))
    return case


def close_case(*, actor: Any, case: Case, data: dict) -> Case:
    """Close the case with a reason (allowed even when consent was withdrawn: the one write left then)."""
    require_on_team(actor, case, manager=True, capability=OPEN_CASES)
    values = CLOSE_INPUTS.clean(data, network=case.network, actor=actor)
    moved = CASE_WORKFLOW.apply(
        case,
        S.CLOSED,
        actor=actor,
        note=values["note"] or "",
        changes={"close_reason": values["close_reason"], "closed_on": timezone.localdate()},
    )
    return _sync(case, moved)


def reopen_case(*, actor: Any, case: Case, data: dict | None = None) -> Case:
    """Reopen a closed case (not when the person's consent is withdrawn)."""
    require_on_team(actor, case, manager=True, capability=OPEN_CASES)
    values = CLOSE_INPUTS.clean(data or {}, network=case.network, actor=actor, partial=True)
    if consent_withdrawn(case):
        raise ValidationError(
            _("The person's consent to this processing was withdrawn: the case can only be closed."),
            code="consent_withdrawn",
        )
    moved = CASE_WORKFLOW.apply(
        case, S.OPEN, actor=actor, note=values.get("note") or "", changes={"close_reason": "", "closed_on": None}
    )
    return _sync(case, moved)
