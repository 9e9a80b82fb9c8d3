"""What every write of the pacts app checks first: the actor is on the case's team (the manager, for what only the
case manager does), and the case may still be worked on (open, and its legal basis still holds: when the case is
processed on the person's consent and the person withdrew it, nothing more is written but the closing)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext

from legami.core.models import Consent, LegalBasis
from legami.core.permissions import require
from legami.pacts.capabilities import WORK_ON_CASES
from legami.pacts.models import Case, CaseMember, CaseStatus, TeamRole


def require_on_team(actor: Any, case: Case, *, manager: bool = False, capability: str = WORK_ON_CASES) -> str:
    """The actor's role on the team; PermissionDenied when they hold no `capability` or are not on the team (or
    are not its case manager, with `manager=True`)."""
    require(actor, capability, case.network)
    role = CaseMember.objects.filter(case=case, user=actor).values_list("role", flat=True).first()
    if role is None or (manager and role != TeamRole.MANAGER):
        raise PermissionDenied(gettext("Only the case team can change this case."))
    return role


def consent_withdrawn(case: Case) -> bool:
    """True when the case is processed on the person's consent and the person has not given it or withdrew it."""
    if not case.processing.needs_consent:
        return False
    return not Consent.objects.filter(
        person_id=case.person_id, processing_id=case.processing_id, given=True, withdrawn_at__isnull=True
    ).exists()


def legal_basis_holds(path: str = "") -> Q:
    """`not consent_withdrawn(case)` as a filter, for cases or for rows reaching their case through `path`
    (e.g. "case__" for pacts): a basis other than consent, or the person's consent given and not withdrawn."""
    given = Consent.objects.filter(
        person_id=OuterRef(f"{path}person_id"),
        processing_id=OuterRef(f"{path}processing_id"),
        given=True,
        withdrawn_at__isnull=True,
    )
    return ~Q(**{f"{path}processing__legal_basis": LegalBasis.CONSENT}) | Q(Exists(given))


def require_workable(case: Case) -> None:
    """ValidationError unless the case is open and its legal basis holds (see `consent_withdrawn`)."""
    if case.status != CaseStatus.OPEN:
        raise ValidationError(gettext("The case is closed: reopen it first."), code="case_closed")
    if consent_withdrawn(case):
        raise ValidationError(
            gettext("The person's consent to this processing was withdrawn: the case can only be closed."),
            code="consent_withdrawn",
        )
