"""Reads of cases for their pages: the list of one's cases (every case for the privacy officer), the case page
(person, processing and consent, team, assessments, pacts, the referral, the person's ties before and after).

Every case is reached through `legami.pacts.selectors.access`, so only the team and the privacy officer see it,
and each read of a case is audited there.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from legami.core.models import Consent
from legami.core.permissions import can
from legami.network.capabilities import VIEW_TIES
from legami.network.models import Membership, Network, Person, Tie
from legami.pacts.capabilities import OPEN_CASES, WORK_ON_CASES
from legami.pacts.models import Assessment, Case, CaseMember, Pact
from legami.pacts.selectors.access import case_for, cases_for, sees_every_case
from legami.pacts.services.common import consent_withdrawn


def case_list(viewer: Any, network: Network, *, search: str = "") -> QuerySet[Case]:
    """The viewer's cases (every case of the network for the privacy officer), newest first, with the viewer's
    role on each; `search` is a case number."""
    cases = cases_for(viewer, network)
    search = (search or "").strip().lstrip("#")
    if search:
        cases = (
            cases.filter(pk=int(search)) if search.isascii() and search.isdigit() and len(search) < 12 else cases.none()
        )
    role = CaseMember.objects.filter(case=OuterRef("pk"), user=viewer).values("role")[:1]
    return (
        cases.select_related("person", "person__municipality")
        .only(
            "pk",
            "status",
            "opened_on",
            "network_id",
            "person__first_name",
            "person__last_name",
            "person__municipality__name",
            "person_id",
        )
        .annotate(my_role=Subquery(role))
        .order_by("-opened_on", "-id")
    )


def age_of(person: Person, today: datetime.date | None = None) -> int | None:
    """The person's age in whole years today (None when the date of birth is not known)."""
    if person.birth_date is None:
        return None
    today = today or timezone.localdate()
    born = person.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass
class TieRow:
    tie: Tie
    other: str  # the other side's name, or "" for a viewer who does not read the registry's ties
    started: datetime.date | None
    new: bool


@dataclass
class Ties:
    """The person's ties that existed when the case was opened, and the ones started since."""

    before: list[TieRow] = field(default_factory=list)
    after: list[TieRow] = field(default_factory=list)
    before_by_kind: list[tuple[str, int]] = field(default_factory=list)
    after_by_kind: list[tuple[str, int]] = field(default_factory=list)


def _started(tie: Tie) -> datetime.date:
    return tie.since or timezone.localtime(tie.created_at).date()


def person_ties(case: Case, *, names: bool) -> Ties:
    """The person's ties (either side) split at the day the case was opened: a tie whose `since` is on or after
    it, or with no `since` and recorded since, was born during the case."""
    person_id = case.person_id
    ties = (
        Tie.objects.filter(network_id=case.network_id)
        .filter(Q(source_person_id=person_id) | Q(target_person_id=person_id))
        .select_related("source_person", "target_person", "source_organization", "target_organization")
        .order_by("since", "created_at", "id")
    )
    found = Ties()
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for tie in ties:
        started = _started(tie)
        new = started >= case.opened_on
        other = ""
        if names:
            if tie.source_person_id == person_id:
                side = tie.target_person or tie.target_organization
            else:
                side = tie.source_person or tie.source_organization
            other = getattr(side, "full_name", None) or getattr(side, "name", "") or ""
        row = TieRow(tie=tie, other=other, started=tie.since, new=new)
        (found.after if new else found.before).append(row)
        (after if new else before)[tie.get_kind_display()] += 1
    found.before_by_kind = sorted(before.items())
    found.after_by_kind = sorted(after.items())
    return found


@dataclass
class CasePage:
    case: Case
    role: str | None
    read_only: bool
    is_manager: bool
    age: int | None
    consent: Consent | None
    consent_withdrawn: bool
    team: list[CaseMember]
    assessments: list[Assessment]
    pacts: list[Pact]
    ties: Ties
    household_size: int | None


def case_page(viewer: Any, network: Network, pk: Any, *, purpose: str = "case page") -> CasePage:
    """Everything the case page shows, read once (audited), or Http404 outside the team."""
    case = case_for(
        viewer,
        network,
        pk,
        purpose=purpose,
        select_related=("person__municipality", "person__household", "processing", "referral", "opened_by"),
    )
    team = list(case.members.select_related("user", "organization").order_by("role", "id"))
    role = next((m.role for m in team if m.user_id == viewer.pk), None)
    assessments = list(
        case.assessments.prefetch_related("scores").select_related("assessed_by").order_by("assessed_on", "id")
    )
    pacts = list(Pact.objects.filter(case=case).select_related("current_version").order_by("-created_at", "-id"))
    consent = None
    if case.processing.needs_consent:
        consent = Consent.objects.filter(person_id=case.person_id, processing_id=case.processing_id).first()
    household = case.person.household
    return CasePage(
        case=case,
        role=role,
        read_only=role is None,
        is_manager=role == "manager" and can(viewer, OPEN_CASES, network),
        age=age_of(case.person),
        consent=consent,
        consent_withdrawn=consent_withdrawn(case),
        team=team,
        assessments=assessments,
        pacts=pacts,
        ties=person_ties(case, names=can(viewer, VIEW_TIES, network)),
        household_size=household.members.count() if household is not None else None,
    )


@dataclass(frozen=True)
class Candidate:
    """Someone who may join a case team: the user and the organisation they work for (partner staff)."""

    user: Any
    organization_name: str

    @property
    def pk(self) -> Any:
        return self.user.pk

    @property
    def acting_name(self) -> str:
        return self.user.acting_name


def team_candidates(network: Network, case: Case, *, capability: str = WORK_ON_CASES) -> list[Candidate]:
    """The network's users who may join the team (they hold `capability`) and are not on it yet, by name."""
    from legami.core.roles import registry

    roles = registry.roles_for(capability)
    on_team = CaseMember.objects.filter(case=case).values("user_id")
    memberships = (
        Membership.objects.filter(network=network, is_active=True, role__in=list(roles))
        .exclude(user_id__in=on_team)
        .select_related("user", "organization")
        .order_by("user__full_name", "user__last_name", "user_id")
    )
    seen: dict[int, Candidate] = {}
    for membership in memberships:
        if membership.user_id not in seen:
            organization = membership.organization
            seen[membership.user_id] = Candidate(membership.user, organization.name if organization else "")
    return list(seen.values())


def reads_every_case(viewer: Any, network: Network) -> bool:
    """True for the privacy officer, who reads every case and changes none."""
    return sees_every_case(viewer, network)
