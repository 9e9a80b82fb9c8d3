"""Writes of demand aggregation: attaching a new need to an accepted demand."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from legami.aggregation.capabilities import REVIEW_DEMANDS as REVIEW
from legami.aggregation.describing import engine_settings, need_record
from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus
from legami.aggregation.services.demands import (
    DEMAND_WORKFLOW,
    OPEN_NEED_STATUSES,
    _audit,
    _clean_note,
    _discard,
    _engine,
    _lock,
    _member_needs,
    _refresh,
    _refuse,
)
from legami.aggregation.services.learning import learn_from_attach
from legami.aggregation.services.suggestions import suggestions_changed
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.needs.models import Need, NeedArea, NeedStatus
from legami.needs.services.needs import mark_needs_aggregated

S = DemandStatus


def attach_need(
    *, actor: Any, demand: AggregatedDemand, need: Need, force: bool = False, note: str = "", engine: Any = None
) -> DemandItem:
    """Attach an open need to an accepted demand if it fits (or with `force` and a note); it becomes aggregated."""
    require(actor, REVIEW, demand.network)
    note = _clean_note(note)
    engine = engine or _engine()
    with transaction.atomic():
        suggestions_changed(demand.network, actor=actor)
        demand = _lock(demand)
        if demand.status != S.ACCEPTED:
            raise _refuse(gettext("New needs can be attached only to accepted demands."), code="not_accepted")
        need = (
            Need.objects.select_for_update(of=("self",)).select_related("municipality", "neighbourhood").get(pk=need.pk)
        )
        if need.network_id != demand.network_id:
            raise _refuse(gettext("That need is not in this network."), field="need", code="network")
        taken = DemandItem.objects.filter(need=need).select_related("demand").first()
        if taken is not None and taken.demand.status != S.CANDIDATE:
            raise _refuse(
                gettext("Need no. %(id)s is already in a demand.") % {"id": need.pk}, field="need", code="taken"
            )
        if need.status not in OPEN_NEED_STATUSES:
            raise _refuse(
                gettext("Need no. %(id)s is “%(status)s”: only new needs or needs being read can be attached.")
                % {"id": need.pk, "status": NeedStatus(need.status).label},
                field="need",
                code="not_open",
            )
        members = _member_needs(demand)
        codes = dict(NeedArea.objects.filter(pk__in={n.area_id for n in [*members, need]}).values_list("pk", "code"))
        similarity = engine.fits(
            [need_record(n, engine, area=codes[n.area_id]) for n in members],
            need_record(need, engine, area=codes[need.area_id]),
            engine_settings(engine),
            **_learned(engine, demand.network),
        )
        if similarity is None:
            if not force:
                raise _refuse(
                    gettext(
                        "Need no. %(id)s does not fit this demand (area, group, place, hours or description differ). "
                        "To attach it anyway, tick “attach anyway” and say why."
                    )
                    % {"id": need.pk},
                    field="need",
                    code="does_not_fit",
                )
            if not note:
                raise _refuse(gettext("Say why the need is attached anyway."), field="note", code="required")
        if taken is not None:
            # a proposal only: the need leaves its candidate for the accepted demand it fits
            _leave_candidate(taken.demand, need=need, actor=actor, into=demand)
        item = DemandItem.objects.create(
            demand=demand,
            need=need,
            source=DemandItem.Source.ATTACHED if similarity is not None else DemandItem.Source.MANUAL,
            similarity=float(similarity or 0.0),
            added_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _refresh(demand)
        learn_from_attach(actor=actor, demand=demand, group=members, attached=need)
        DEMAND_WORKFLOW.record(
            demand,
            actor=actor,
            note=(gettext("Need no. %(id)s attached.") % {"id": need.pk} + f" {note}").strip(),
        )
        _audit(actor, demand, action=AuditEvent.Action.UPDATE, before=None, note="attach need")
        mark_needs_aggregated(
            actor=actor,
            needs=[need],
            note=gettext("Attached to the demand “%(title)s”.") % {"title": demand.title},
        )
    return item


def _leave_candidate(candidate: AggregatedDemand, *, need: Need, actor: Any, into: AggregatedDemand) -> None:
    """Take a need out of the candidate it sits in; a candidate left with one need is discarded."""
    candidate = _lock(candidate)
    DemandItem.objects.filter(demand=candidate, need=need).delete()
    note = gettext("Need no. %(id)s moved to the accepted demand “%(title)s”.") % {"id": need.pk, "title": into.title}
    if candidate.items.count() < 2:
        _discard(candidate, actor=actor, note=note)
        return
    _refresh(candidate)
    DEMAND_WORKFLOW.record(candidate, actor=actor, note=note)
    _audit(actor, candidate, action=AuditEvent.Action.UPDATE, before=None, note="remove need")


def _learned(engine: Any, network: Any) -> dict[str, Any]:
    """The network's vocabulary and active evidence, for an engine whose `fits` reads them (a test double may not)."""
    import inspect

    from legami.aggregation.selectors.learning import active_evidence
    from legami.aggregation.selectors.vocabulary import network_vocabulary

    accepted: Any
    try:
        accepted = inspect.signature(engine.fits).parameters
    except (TypeError, ValueError):
        accepted = {}
    learned: dict[str, Any] = {}
    if "vocabulary" in accepted:
        learned["vocabulary"] = network_vocabulary(network)
    if "evidence" in accepted:
        learned["evidence"] = active_evidence(network)
    return learned
