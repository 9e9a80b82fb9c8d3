"""Writes of demand aggregation: a demand's life (DEMAND_WORKFLOW), its review and its follow-up.

A demand's life is one table, DEMAND_WORKFLOW; each review action is one service that checks
aggregation.review_demands, runs in a transaction, writes a DemandEvent and an AuditEvent.
The needs inside follow through part B's services (legami.needs.services.needs).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from legami.aggregation import summaries
from legami.aggregation.capabilities import REVIEW_DEMANDS as REVIEW
from legami.aggregation.describing import Description, describe, keyword_sources
from legami.aggregation.models import AggregatedDemand, DemandEvent, DemandItem, DemandStatus
from legami.aggregation.selectors.vocabulary import network_vocabulary
from legami.aggregation.services.learning import learn_from_merge, learn_from_removal, learn_from_split
from legami.aggregation.services.suggestions import suggestions_changed
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.core.workflow import Guard, Refusal, Step, Transition, Workflow
from legami.needs.models import Need, NeedStatus
from legami.needs.services.needs import mark_needs_aggregated, move_needs, release_needs

S = DemandStatus

# Needs taken as input by a run: not yet grouped for good.
OPEN_NEED_STATUSES = (NeedStatus.NEW, NeedStatus.READING)


def _needs_still_open(demand: AggregatedDemand, step: Step) -> str | None:
    """A demand is accepted only while its needs are all open (a reviewer may have moved one meanwhile)."""
    busy = [n for n in _member_needs(demand) if n.status not in OPEN_NEED_STATUSES]
    if not busy:
        return None
    return gettext("Need no. %(id)s is no longer open (“%(status)s”): remove it from the demand first.") % {
        "id": busy[0].pk,
        "status": NeedStatus(busy[0].status).label,
    }


# The whole life of a demand. Candidates are proposed by the engine and reviewed; an accepted demand is
# followed to its answer; an answer that proves insufficient reopens it; closed and discarded are final.
DEMAND_WORKFLOW = Workflow(
    name="demand",
    model=AggregatedDemand,
    states=DemandStatus,
    transitions=(
        Transition(S.CANDIDATE, S.ACCEPTED, guards=(Guard(_needs_still_open, code="need_not_open"),)),
        Transition((S.CANDIDATE, S.ACCEPTED), S.DISCARDED),
        Transition(S.ACCEPTED, S.ANSWERED),
        Transition(S.ANSWERED, S.CLOSED),
        Transition(S.ANSWERED, S.ACCEPTED),
    ),
    capability=REVIEW,
    refusal=Refusal(
        gettext_lazy("A demand that is “%(current)s” cannot become “%(target)s”."),
        code="transition",
        params=("current", "target"),
    ),
    history=DemandEvent,
    audit_snapshot=snapshot,
    select_related=("area",),
    saved_fields=None,
)
# From -> the statuses a demand may move to (the table above, read the old way).
DEMAND_TRANSITIONS: dict[str, frozenset[str]] = DEMAND_WORKFLOW.table()

# Demands whose members may still change (split, merge, remove, attach).
EDITABLE_STATUSES = (S.CANDIDATE, S.ACCEPTED)
MAX_TITLE = 200
MAX_NOTE = 500
MAX_ANSWER = 4000


# --- helpers -------------------------------------------------------------------------------------


def _engine() -> ModuleType:
    from legami.aggregation import engine

    return engine


def _move_needs(*, actor: Any, needs: Sequence[Need], steps: dict[str, list[str]], note: str) -> int:
    """Move needs along `steps` in bulk through part B's workflow helpers (the review permission was checked)."""
    if not needs:
        return 0
    return int(move_needs(actor=actor, needs=needs, steps=steps, note=note))


def _refuse(message: str, *, field: str | None = None, code: str = "invalid") -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: [error]}) if field else error


def _lock(demand: AggregatedDemand) -> AggregatedDemand:
    """Re-read the demand under a row lock, so that two reviewers do not act on a stale status."""
    return DEMAND_WORKFLOW.lock(demand)


def _check_transition(demand: AggregatedDemand, to_status: str) -> None:
    """ValidationError unless the table lets the demand become `to_status` (before any other write)."""
    DEMAND_WORKFLOW.check(demand, to_status)


def _audit(actor: Any, demand: AggregatedDemand, *, action: str, before: dict | None, note: str = "") -> None:
    record_event(
        actor=actor,
        action=action,
        obj=demand,
        before=before,
        after=snapshot(demand),
        data_class=DataClass.PUBLIC,
        note=note,
    )


def _clean_note(note: str) -> str:
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise _refuse(gettext("The note can be at most %(limit)d characters long.") % {"limit": MAX_NOTE}, field="note")
    return note


def _set_status(demand: AggregatedDemand, *, actor: Any, to_status: str, note: str) -> None:
    """Move a demand the caller has locked, stamped with its reviewer (the review permission was checked)."""
    reviewer = actor if getattr(actor, "is_authenticated", False) else None
    DEMAND_WORKFLOW.apply(
        demand,
        to_status,
        actor=actor,
        note=note,
        changes={"reviewed_by": reviewer, "reviewed_at": timezone.now()},
        lock=False,
        check_capability=False,
    )


def _member_needs(demand: AggregatedDemand) -> list[Need]:
    return list(
        Need.objects.filter(demand_item__demand=demand).select_related("municipality", "neighbourhood").order_by("id")
    )


def _apply(demand: AggregatedDemand, description: Description, *, keep_title: bool) -> None:
    if not keep_title:
        demand.title = description.title
    for name in (
        "summary",
        "reasons",
        "keywords",
        "time_windows",
        "municipality_id",
        "neighbourhood_id",
        "target_group",
        "need_count",
        "people_count",
    ):
        setattr(demand, name, getattr(description, name))


RENAME_NOTE = "rename"


def _auto_title(demand: AggregatedDemand) -> bool:
    """True when the title is still the one generated from the demand (not renamed by a reviewer)."""
    return not AuditEvent.objects.filter(
        object_type=AggregatedDemand._meta.label_lower, object_id=str(demand.pk), note=RENAME_NOTE
    ).exists()


def _refresh(demand: AggregatedDemand) -> None:
    """Recompute a demand's figures, summary and reasons from the needs now in it, and save it."""
    needs = _member_needs(demand)
    items = list(demand.items.all())
    descriptions, subjects = keyword_sources(needs)
    description = describe(
        needs,
        area_name=demand.area.name,
        keywords=summaries.recompute_keywords(descriptions, subjects=subjects, preferred=demand.keywords),
        keywords_checked=True,
        vocabulary=network_vocabulary(demand.network),
    )
    _apply(demand, description, keep_title=not _auto_title(demand))
    if items:
        demand.cohesion = round(sum(i.similarity for i in items) / len(items), 4)
    demand.save()


# --- review -------------------------------------------------------------------------------------


def accept_demand(*, actor: Any, demand: AggregatedDemand, note: str = "") -> AggregatedDemand:
    """Accept a candidate: it becomes a collective demand to follow, and its needs become “aggregated”."""
    require(actor, REVIEW, demand.network)
    note = _clean_note(note)
    with transaction.atomic():
        suggestions_changed(demand.network, actor=actor)
        demand = _lock(demand)
        _set_status(demand, actor=actor, to_status=S.ACCEPTED, note=note)
        needs = _member_needs(demand)
        mark_needs_aggregated(
            actor=actor, needs=needs, note=gettext("Accepted into the demand “%(title)s”.") % {"title": demand.title}
        )
    return demand


def discard_demand(*, actor: Any, demand: AggregatedDemand, note: str = "") -> AggregatedDemand:
    """Discard a demand: its needs are freed (and, if it was accepted, go back to “being read”); counts stay."""
    require(actor, REVIEW, demand.network)
    note = _clean_note(note)
    with transaction.atomic():
        suggestions_changed(demand.network, actor=actor)
        demand = _lock(demand)
        _check_transition(demand, S.DISCARDED)
        _discard(demand, actor=actor, note=note)
    return demand


def _discard(demand: AggregatedDemand, *, actor: Any, note: str) -> None:
    needs = _member_needs(demand)
    was_accepted = demand.status == S.ACCEPTED
    DemandItem.objects.filter(demand=demand).delete()
    _set_status(demand, actor=actor, to_status=S.DISCARDED, note=note)
    if was_accepted:
        _release([n for n in needs if n.status == NeedStatus.AGGREGATED], actor=actor, note=note)


def _release(needs: list[Need], *, actor: Any, note: str) -> None:
    if needs:
        release_needs(actor=actor, needs=needs, note=note or gettext("Released from a demand."))


def rename_demand(*, actor: Any, demand: AggregatedDemand, title: str) -> AggregatedDemand:
    """Give a demand a new title (any status but discarded)."""
    require(actor, REVIEW, demand.network)
    title = " ".join((title or "").split())
    if not title:
        raise _refuse(gettext("Write a title."), field="title", code="required")
    if len(title) > MAX_TITLE:
        raise _refuse(
            gettext("The title can be at most %(limit)d characters long (this one has %(n)d).")
            % {"limit": MAX_TITLE, "n": len(title)},
            field="title",
            code="max_length",
        )
    with transaction.atomic():
        demand = _lock(demand)
        if demand.status == S.DISCARDED:
            raise _refuse(gettext("A discarded demand cannot be renamed."), code="discarded")
        before = snapshot(demand)
        old = demand.title
        demand.title = title
        demand.save(update_fields=["title", "updated_at"])
        DEMAND_WORKFLOW.record(
            demand,
            actor=actor,
            note=gettext("Renamed (it was “%(old)s”).") % {"old": old},
        )
        # The RENAME_NOTE tells later recomputations that a person chose this title: they keep it.
        _audit(actor, demand, action=AuditEvent.Action.UPDATE, before=before, note=RENAME_NOTE)
    return demand


def _ids(values: Sequence[Any]) -> set[int]:
    ids = set()
    for value in values:
        try:
            ids.add(int(getattr(value, "pk", value)))
        except (TypeError, ValueError) as exc:
            raise _refuse(gettext("“%(value)s” is not a need number.") % {"value": value}, field="needs") from exc
    return ids


def split_demand(*, actor: Any, demand: AggregatedDemand, need_ids: Sequence[Any]) -> AggregatedDemand:
    """Move the chosen needs into a new demand with the same status; both summaries are recomputed."""
    require(actor, REVIEW, demand.network)
    chosen = _ids(need_ids)
    with transaction.atomic():
        suggestions_changed(demand.network, actor=actor)
        demand = _lock(demand)
        if demand.status not in EDITABLE_STATUSES:
            raise _refuse(gettext("Only candidate or accepted demands can be split."), code="not_editable")
        items = {i.need_id: i for i in demand.items.all()}
        if not chosen:
            raise _refuse(gettext("Choose the needs to move into the new demand."), field="needs", code="empty")
        stray = sorted(chosen - set(items))
        if stray:
            raise _refuse(
                gettext("Need no. %(id)s is not in this demand.") % {"id": stray[0]}, field="needs", code="stray"
            )
        if chosen == set(items):
            raise _refuse(
                gettext("Leave at least one need in this demand: choose only the needs to move."),
                field="needs",
                code="all",
            )
        new = AggregatedDemand(
            network=demand.network,
            status=demand.status,
            area=demand.area,
            target_group=demand.target_group,
            title=demand.title,
            summary="",
            keywords=demand.keywords,
            cohesion=demand.cohesion,
            job=demand.job,
            reviewed_by=demand.reviewed_by,
            reviewed_at=demand.reviewed_at,
        )
        new.save()
        members = _member_needs(demand)
        learn_from_split(
            actor=actor,
            demand=demand,
            kept=[n for n in members if n.pk not in chosen],
            moved=[n for n in members if n.pk in chosen],
        )
        DemandItem.objects.filter(demand=demand, need_id__in=chosen).update(demand=new)
        _refresh(new)
        _refresh(demand)
        note = gettext("Split from “%(title)s”.") % {"title": demand.title}
        DEMAND_WORKFLOW.record(new, actor=actor, from_state="", note=note)
        DEMAND_WORKFLOW.record(
            demand,
            actor=actor,
            note=ngettext("%(count)d need moved to “%(title)s”.", "%(count)d needs moved to “%(title)s”.", len(chosen))
            % {"count": len(chosen), "title": new.title},
        )
        record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=new, after=snapshot(new), note=note)
        _audit(actor, demand, action=AuditEvent.Action.UPDATE, before=None, note="split")
    return new


def _mergeable(other: AggregatedDemand, *, into: AggregatedDemand) -> AggregatedDemand:
    """`other` if it may be merged into `into` (same network and area, compatible groups and status), else refuse."""
    if other.pk == into.pk:
        raise _refuse(gettext("A demand cannot be merged into itself."), field="others", code="self")
    if other.network_id != into.network_id:
        raise _refuse(gettext("That demand is not in this network."), field="others", code="network")
    if other.area_id != into.area_id:
        raise _refuse(
            gettext("“%(title)s” is in another area (%(area)s): only demands of the same area can be merged.")
            % {"title": other.title, "area": other.area.name},
            field="others",
            code="area",
        )
    if not _engine().compatible_targets(other.target_group, into.target_group):
        raise _refuse(
            gettext("“%(title)s” concerns %(group)s: it cannot be answered together with this demand.")
            % {"title": other.title, "group": summaries.target_group_label(other.target_group)},
            field="others",
            code="target_group",
        )
    if other.status not in (S.CANDIDATE, into.status):
        raise _refuse(
            gettext("“%(title)s” is “%(status)s”: only candidates, or demands in the same status, can be merged.")
            % {"title": other.title, "status": S(other.status).label},
            field="others",
            code="status",
        )
    return other


def merge_demands(
    *, actor: Any, target: AggregatedDemand, others: Sequence[AggregatedDemand], note: str = ""
) -> AggregatedDemand:
    """Move the needs of `others` into `target` (same area, compatible groups); the others are discarded."""
    require(actor, REVIEW, target.network)
    note = _clean_note(note)
    if not others:
        raise _refuse(gettext("Choose the demand to merge into this one."), field="others", code="empty")
    with transaction.atomic():
        suggestions_changed(target.network, actor=actor)
        target = _lock(target)
        if target.status not in EDITABLE_STATUSES:
            raise _refuse(gettext("Only candidate or accepted demands can receive other demands."), code="not_editable")
        locked = [_mergeable(_lock(other), into=target) for other in others]
        target_needs = _member_needs(target)
        moved: list[Need] = []
        for other in locked:
            moved.extend(_member_needs(other))
            DemandItem.objects.filter(demand=other).update(demand=target)
            merge_note = gettext("Merged into “%(title)s”.") % {"title": target.title}
            _set_status(other, actor=actor, to_status=S.DISCARDED, note=(f"{merge_note} {note}").strip())
        learn_from_merge(actor=actor, demand=target, first=target_needs, second=moved)
        _refresh(target)
        DEMAND_WORKFLOW.record(
            target,
            actor=actor,
            note=gettext("Merged with: %(titles)s.") % {"titles": ", ".join(o.title for o in locked)},
        )
        _audit(actor, target, action=AuditEvent.Action.UPDATE, before=None, note="merge")
        if target.status == S.ACCEPTED:
            open_needs = [n for n in moved if n.status in OPEN_NEED_STATUSES]
            if open_needs:
                mark_needs_aggregated(
                    actor=actor,
                    needs=open_needs,
                    note=gettext("Accepted into the demand “%(title)s”.") % {"title": target.title},
                )
    return target


def remove_need_from_demand(*, actor: Any, demand: AggregatedDemand, need: Need, note: str = "") -> AggregatedDemand:
    """Take one need out of a candidate or accepted demand (an accepted one releases it to “being read”)."""
    require(actor, REVIEW, demand.network)
    note = _clean_note(note)
    with transaction.atomic():
        suggestions_changed(demand.network, actor=actor)
        demand = _lock(demand)
        if demand.status not in EDITABLE_STATUSES:
            raise _refuse(gettext("Needs can be removed only from candidate or accepted demands."), code="not_editable")
        item = DemandItem.objects.filter(demand=demand, need_id=need.pk).first()
        if item is None:
            raise _refuse(gettext("Need no. %(id)s is not in this demand.") % {"id": need.pk}, field="need")
        if demand.items.count() <= 1:
            raise _refuse(
                gettext("This is the last need of the demand: discard the demand instead."), field="need", code="last"
            )
        item.delete()
        need.refresh_from_db(fields=["status"])
        learn_from_removal(actor=actor, demand=demand, group=_member_needs(demand), removed=need)
        _refresh(demand)
        DEMAND_WORKFLOW.record(
            demand,
            actor=actor,
            note=(gettext("Need no. %(id)s removed.") % {"id": need.pk} + f" {note}").strip(),
        )
        _audit(actor, demand, action=AuditEvent.Action.UPDATE, before=None, note="remove need")
        if demand.status == S.ACCEPTED and need.status == NeedStatus.AGGREGATED:
            _release([need], actor=actor, note=note)
    return demand


def answer_demand(*, actor: Any, demand: AggregatedDemand, answer: str) -> AggregatedDemand:
    """Record how an accepted demand was answered; its aggregated needs become “answered”."""
    require(actor, REVIEW, demand.network)
    answer = (answer or "").strip()
    if not answer:
        raise _refuse(gettext("Describe how the demand was answered."), field="answer", code="required")
    if len(answer) > MAX_ANSWER:
        raise _refuse(
            gettext("The answer can be at most %(limit)d characters long.") % {"limit": MAX_ANSWER},
            field="answer",
            code="max_length",
        )
    with transaction.atomic():
        demand = _lock(demand)
        demand.answer = answer
        _set_status(demand, actor=actor, to_status=S.ANSWERED, note="")
        # In bulk, as part B's change_need_status would do one by one: a reviewer may follow a demand
        # whose case-team needs they cannot read, so their per-need reach is not required here.
        _move_needs(
            actor=actor,
            needs=_member_needs(demand),
            steps={NeedStatus.AGGREGATED: [NeedStatus.ANSWERED]},
            note=gettext("The demand “%(title)s” was answered.") % {"title": demand.title},
        )
        # no longer accepted: its suggested needs are free to fit another demand
        suggestions_changed(demand.network, actor=actor)
    return demand


def close_demand(*, actor: Any, demand: AggregatedDemand, note: str = "") -> AggregatedDemand:
    """Close an answered demand: the follow-up is over. Its needs keep their status."""
    require(actor, REVIEW, demand.network)
    note = _clean_note(note)
    with transaction.atomic():
        demand = _lock(demand)
        _set_status(demand, actor=actor, to_status=S.CLOSED, note=note)
    return demand


def reopen_demand(*, actor: Any, demand: AggregatedDemand, note: str) -> AggregatedDemand:
    """Reopen an answered demand whose answer fell short: back to accepted, its answered needs aggregated again."""
    require(actor, REVIEW, demand.network)
    note = _clean_note(note)
    if not note:
        raise _refuse(gettext("Say why the demand is reopened."), field="note", code="required")
    with transaction.atomic():
        demand = _lock(demand)
        _set_status(demand, actor=actor, to_status=S.ACCEPTED, note=note)
        _move_needs(
            actor=actor,
            needs=_member_needs(demand),
            steps={NeedStatus.ANSWERED: [NeedStatus.READING, NeedStatus.AGGREGATED]},
            note=note,
        )
        # accepted again: new needs may fit it
        suggestions_changed(demand.network, actor=actor)
    return demand
