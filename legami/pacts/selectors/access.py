"""Who sees a case: its team and the privacy officer. Every page, export and API call of the pacts app reaches
cases, pacts and what hangs from them through these functions, never through `Case.objects` directly.

For anyone else a case does not exist: `case_for` and `pact_for` raise Http404, the same answer as for a number
that was never used. Each read of a case or a pact is audited (`core.audit.record_read`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from legami.core.audit import record_read
from legami.core.permissions import can
from legami.network.models import Network
from legami.pacts.capabilities import INSPECT_CASES, WORK_ON_CASES
from legami.pacts.models import Case, CaseMember, Pact, TeamRole


def sees_every_case(viewer: Any, network: Network) -> bool:
    """The privacy officer reads every case of the network (read only)."""
    return can(viewer, INSPECT_CASES, network)


# How much of a network's cases a viewer sees (`visibility`).
EVERY, TEAM, NONE = "every", "team", "none"


def visibility(viewer: Any, network: Network) -> str:
    """EVERY case of the network for the privacy officer, the cases of their TEAMs for whoever holds
    pacts.work_on_cases, NONE for anyone else."""
    if sees_every_case(viewer, network):
        return EVERY
    if not can(viewer, WORK_ON_CASES, network):
        return NONE
    return TEAM


def visible_cases(seen: str, viewer_id: Any, network_id: Any) -> QuerySet[Case]:
    """The cases of the network `network_id` that the user `viewer_id` sees, given their `visibility`. By ids, so
    that a prepared query (`core.prepared`) can build on it; everything else calls `cases_for`."""
    cases = Case.objects.filter(network_id=network_id)
    if seen == EVERY:
        return cases
    if seen == TEAM:
        return cases.filter(members__user_id=viewer_id)
    return cases.none()


def cases_for(viewer: Any, network: Network) -> QuerySet[Case]:
    """The cases `viewer` may see: all of them for the privacy officer, the ones they are on the team of for
    whoever holds pacts.work_on_cases, none for anyone else."""
    return visible_cases(visibility(viewer, network), getattr(viewer, "pk", None), network.pk)


def pacts_for(viewer: Any, network: Network) -> QuerySet[Pact]:
    """The pacts of the cases `viewer` may see."""
    return Pact.objects.filter(network=network, case__in=cases_for(viewer, network).values("pk"))


def case_for(viewer: Any, network: Network, pk: Any, *, purpose: str, select_related: tuple[str, ...] = ()) -> Case:
    """The case `pk` if `viewer` may see it (audited read), else Http404."""
    case = cases_for(viewer, network).select_related("person", *select_related).filter(pk=pk).first()
    if case is None:
        raise Http404
    record_read(actor=viewer, obj=case, purpose=purpose, network=network)
    return case


def pact_for(viewer: Any, network: Network, pk: Any, *, purpose: str, select_related: tuple[str, ...] = ()) -> Pact:
    """The pact `pk` if `viewer` may see its case (audited read), else Http404."""
    pact = pacts_for(viewer, network).select_related("case", "case__person", *select_related).filter(pk=pk).first()
    if pact is None:
        raise Http404
    record_read(actor=viewer, obj=pact, purpose=purpose, network=network)
    return pact


def team_role(viewer: Any, case: Case) -> str | None:
    """`manager` or `member` when `viewer` is on the case's team, else None (the privacy officer only reads)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return CaseMember.objects.filter(case=case, user=viewer).values_list("role", flat=True).first()


def is_manager(viewer: Any, case: Case) -> bool:
    return team_role(viewer, case) == TeamRole.MANAGER
