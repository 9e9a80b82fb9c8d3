"""Writes on matches: run the matching engine over open needs and offers, match by hand, and follow each match
from proposal to its end (both sides accept, it starts, it ends with feedback, or it is cancelled).

A match accepted by both sides moves its need to "abbinato" through the needs workflow; a match that ends
moves it to "risposto"; a cancelled one gives it back to "in lettura". Pairs proposed once are never proposed
again by the engine: a side that declined is not asked twice.

A run of the engine from the pages or the API is a background job (`start_matching` queues it, the worker runs
`run_matching_task`); `run_matching` is the run itself, called by the job and, synchronously, by the demo data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from legami.core import inputs
from legami.core.audit import append, audit_event
from legami.core.jobs import claim_job, enqueue_job, finish_job, job_language, job_under_way, run_queued_job
from legami.core.models import AuditEvent, DataClass, Job
from legami.core.permissions import can, require
from legami.core.workflow import Guard, Refusal, Step, Transition, Workflow
from legami.exchange.capabilities import MANAGE_MATCHES, OFFER_OWN
from legami.exchange.matching import NeedInput, OfferInput, Proposal, compatible, explain, match
from legami.exchange.models import (
    LIVE_MATCH_STATES,
    MATCHING_JOB_KIND,
    Match,
    MatchEvent,
    MatchingRun,
    MatchStatus,
    Offer,
    OfferStatus,
)
from legami.exchange.services.offers import owns_offer
from legami.needs.models import Need, NeedArea, NeedStatus
from legami.needs.selectors.needs import needs_for_user
from legami.needs.services.needs import NEED_WORKFLOW
from legami.needs.timewindows import windows_from_json
from legami.network.models import Network
from legami.territory.centroids import municipality_centroid
from legami.territory.services.common import territory_municipality

logger = logging.getLogger(__name__)

# Needs the engine and operators may match: new or being read. An aggregated need waits for the collective answer
# its demand is getting (a response); matched, answered and closed ones are taken.
MATCHABLE_NEED_STATES = (NeedStatus.NEW, NeedStatus.READING)


class Side:
    NEED = "need"
    OFFER = "offer"


def _both_accepted(match: Match, step: Step) -> Any:
    if match.need_accepted_at is None or match.offer_accepted_at is None:
        return _("Both sides must accept the match first.")
    return None


def _need_to_matched(match: Match, step: Step) -> None:
    _move_need(match.need_id, {s: path for s, path in _TO_MATCHED.items()}, step.actor)


def _need_to_answered(match: Match, step: Step) -> None:
    _move_need(match.need_id, {NeedStatus.MATCHED: [NeedStatus.ANSWERED]}, step.actor)


def _need_back_to_reading(match: Match, step: Step) -> None:
    if step.from_state in (MatchStatus.ACCEPTED, MatchStatus.ACTIVE):
        _move_need(match.need_id, {NeedStatus.MATCHED: [NeedStatus.READING]}, step.actor)


_TO_MATCHED = {
    NeedStatus.NEW: [NeedStatus.READING, NeedStatus.MATCHED],
    NeedStatus.READING: [NeedStatus.MATCHED],
}


def _move_need(need_id: int, steps: dict, actor: Any) -> None:
    # The match's own services checked who may; the need moves in the same transaction as the match.
    need = Need.objects.get(pk=need_id)
    NEED_WORKFLOW.move_many(NEED_WORKFLOW.lock_many([need]), steps=steps, actor=actor, note=gettext("Match"))


S = MatchStatus
MATCH_WORKFLOW = Workflow(
    name="match",
    model=Match,
    states=MatchStatus,
    history=MatchEvent,
    # Each side accepts for itself, operators for anyone: the services check who may (see _require_side).
    capability=None,
    refusal=Refusal(_("A match cannot go from “%(from)s” to “%(to)s”.")),
    data_class=DataClass.PERSONAL,
    select_related=("offer",),
    transitions=(
        Transition(
            S.PROPOSED,
            S.ACCEPTED,
            name="accept",
            label=_("Accept"),
            guards=(Guard(_both_accepted, code="not_accepted_by_both"),),
        ),
        Transition(S.ACCEPTED, S.ACTIVE, name="start", label=_("It has started")),
        Transition(S.ACTIVE, S.COMPLETED, name="complete", label=_("It has ended")),
        Transition((S.PROPOSED, S.ACCEPTED, S.ACTIVE), S.CANCELLED, name="cancel", label=_("Cancel")),
    ),
)


def _error(field: str | None, message: Any, code: str, **params: Any) -> ValidationError:
    error = ValidationError(message, code=code, params=params or None)
    return ValidationError({field: [error]}) if field else error


# --- who may act ---------------------------------------------------------------------------------------


def is_need_side(actor: Any, match: Match) -> bool:
    """Whether `actor` is the person the need is about (through the registry's link to their account)."""
    person = match.need.person
    return person is not None and person.user_id is not None and person.user_id == getattr(actor, "pk", None)


def is_offer_side(actor: Any, match: Match) -> bool:
    """Whether `actor` makes the offer (or works for the organisation that does)."""
    return can(actor, OFFER_OWN, match.network) and owns_offer(actor, match.offer)


def sides_of(actor: Any, match: Match) -> set[str]:
    """The sides `actor` may speak for: their own, or both for an operator who runs matches."""
    if can(actor, MANAGE_MATCHES, match.network):
        return {Side.NEED, Side.OFFER}
    sides = set()
    if is_need_side(actor, match):
        sides.add(Side.NEED)
    if is_offer_side(actor, match):
        sides.add(Side.OFFER)
    return sides


def _require_side(actor: Any, match: Match, side: str | None = None) -> None:
    sides = sides_of(actor, match)
    if not sides or (side is not None and side not in sides):
        raise PermissionDenied(MANAGE_MATCHES)


# --- running the engine ----------------------------------------------------------------------------------


def _point(row: Any) -> tuple[float, float] | None:
    if row.latitude is not None and row.longitude is not None:
        return float(row.latitude), float(row.longitude)
    return municipality_centroid(row.municipality.istat_code)


def need_input(need: Need) -> NeedInput | None:
    """What the engine knows of a need (None when it has no point and its Comune none either)."""
    point = _point(need)
    if point is None:
        return None
    return NeedInput(
        id=need.pk,
        area=need.area_id,
        lat=point[0],
        lon=point[1],
        windows=tuple(windows_from_json(need.time_windows)),
        languages=frozenset(need.languages or ()),
        step_free=need.step_free,
    )


def offer_input(offer: Offer, *, room: int | None = None) -> OfferInput | None:
    """What the engine knows of an offer; `room` is its capacity left (its capacity by default)."""
    point = _point(offer)
    if point is None:
        return None
    return OfferInput(
        id=offer.pk,
        areas=frozenset(area.pk for area in offer.areas.all()),
        lat=point[0],
        lon=point[1],
        radius_km=float(offer.radius_km),
        windows=tuple(windows_from_json(offer.time_windows)),
        capacity=offer.capacity if room is None else room,
        languages=frozenset(offer.languages or ()),
        step_free=offer.step_free,
    )


def _live(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": LIVE_MATCH_STATES})


def open_offers_with_room(network: Network) -> list[tuple[Offer, int]]:
    """The network's open offers with the room they have left (capacity minus live matches), fullest left out."""
    offers = (
        Offer.objects.filter(network=network, status=OfferStatus.OPEN)
        .annotate(live=Count("matches", filter=_live("matches__")))
        .select_related("municipality")
        .prefetch_related("areas")
        .order_by("pk")
    )
    return [(offer, offer.capacity - offer.live) for offer in offers if offer.capacity > offer.live]


MATCHING_FILTERS = inputs.Rules(
    {
        "area": inputs.Lookup(NeedArea, messages={"invalid_choice": _("Choose an area of this network.")}),
        "municipality": territory_municipality(messages={"invalid_choice": _("Choose a Comune of the network.")}),
    }
)


class Phase:
    """The steps of a run, in order, as its job reports them (`result["phase"]`)."""

    READING = "reading"  # the open needs the actor may see, the open offers with room, the pairs tried before
    SOLVING = "solving"  # the engine: compatible pairs, then the optimal assignment
    WRITING = "writing"  # the run and its proposals, in one transaction


PHASES = (Phase.READING, Phase.SOLVING, Phase.WRITING)


def _clean_filters(network: Network, filters: dict | None) -> dict:
    return MATCHING_FILTERS.clean(filters or {}, network=network, partial=True)


def _stored(chosen: dict) -> dict:
    """The chosen filters as the run and its job keep them: ids."""
    return {name: getattr(value, "pk", value) for name, value in chosen.items() if value is not None}


def run_matching(
    *, actor: Any, network: Network, filters: dict | None = None, progress: Callable[[str], None] | None = None
) -> MatchingRun:
    """Propose the best matches between the open needs `actor` may see and the open offers with room.

    Optimal: the most needs matched, then the least total distance (see legami.exchange.matching). Every
    proposal is a Match in status "proposed", with its distance and the reasons in plain words. The run and its
    proposals are written in one transaction: a run that fails writes nothing. `progress(phase)` is called as
    each of PHASES begins. Pages and the API queue it as a job (start_matching); this runs it here and now.
    """
    require(actor, MANAGE_MATCHES, network)
    chosen = _clean_filters(network, filters)
    report = progress or (lambda phase: None)
    started = time.perf_counter()
    report(Phase.READING)
    needs_qs = (
        needs_for_user(actor, network, area=chosen.get("area"), municipality=chosen.get("municipality"))
        .filter(status__in=MATCHABLE_NEED_STATES)
        .exclude(matches__status__in=LIVE_MATCH_STATES)
        .select_related(None)
        .select_related("municipality", "area")
        .order_by("pk")
    )
    needs = list(needs_qs)
    offers = open_offers_with_room(network)
    need_inputs = [item for item in map(need_input, needs) if item is not None]
    offer_inputs = [item for offer, room in offers if (item := offer_input(offer, room=room)) is not None]
    tried = set(
        Match.objects.filter(network=network, need_id__in=[need.pk for need in needs]).values_list(
            "need_id", "offer_id"
        )
    )
    report(Phase.SOLVING)
    result = match(need_inputs, offer_inputs, excluded=tried)
    areas = {need.area_id: need.area.name for need in needs}
    report(Phase.WRITING)
    with transaction.atomic():
        run = MatchingRun.objects.create(
            network=network,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
            filters=_stored(chosen),
            needs_considered=len(need_inputs),
            offers_considered=len(offer_inputs),
            compatible_pairs=result.compatible_pairs,
            proposed=len(result.proposals),
            total_distance_km=Decimal(str(round(result.total_distance_km, 3))),
        )
        _propose(actor=actor, network=network, run=run, proposals=result.proposals, areas=areas)
        run.seconds = Decimal(str(round(time.perf_counter() - started, 3)))
        run.save(update_fields=["seconds"])
        append(
            [
                audit_event(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    obj=run,
                    after={"proposed": run.proposed, "needs": run.needs_considered, "offers": run.offers_considered},
                    data_class=DataClass.PUBLIC,
                )
            ]
        )
    return run


# --- the run as a background job --------------------------------------------------------------------------


def start_matching(*, actor: Any, network: Network, filters: dict | None = None) -> Job:
    """Queue a run of the engine (optionally limited to an area or a Comune) for the worker; refused while another
    run of the network is queued or running, since both would propose the same pairs."""
    require(actor, MANAGE_MATCHES, network)
    stored = _stored(_clean_filters(network, filters))
    with transaction.atomic():
        if job_under_way(network, MATCHING_JOB_KIND):
            raise _error(None, _("A matching run is already under way: wait for it to finish."), "busy")
        job = Job.objects.create(network=network, kind=MATCHING_JOB_KIND, actor=actor, result={"filters": stored})
        append(
            [
                audit_event(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    obj=job,
                    after={"kind": MATCHING_JOB_KIND, "filters": stored},
                    data_class=DataClass.PUBLIC,
                )
            ]
        )
        transaction.on_commit(lambda: _enqueue_run(job.pk))
    return job


def _enqueue_run(job_id: int) -> None:
    enqueue_job(
        job_id=job_id,
        task=run_matching_task,
        error_key="error",
        error_message=gettext("The run could not be queued. Try again later."),
    )


def _progress_of(job: Job, filters: dict) -> Callable[[str], None]:
    """The run's progress on its job: the phase under way, and how many of PHASES are done."""

    def progress(phase: str) -> None:
        Job.objects.filter(pk=job.pk).update(
            processed=PHASES.index(phase), total=len(PHASES), result={"filters": filters, "phase": phase}
        )

    return progress


def run_matching_job(job: Job) -> Job:
    """Run a queued matching job once, as its actor and in their language: the run and its proposals, or a
    failure that says why and writes nothing."""
    if not claim_job(job, kind=MATCHING_JOB_KIND):
        # Already run (a retried task, or a second worker).
        return job
    filters = dict((job.result or {}).get("filters") or {})
    failed: dict[str, Any] = {"filters": filters}
    with translation.override(job_language(job)):
        try:
            if job.actor is None:
                raise PermissionDenied(MANAGE_MATCHES)
            run = run_matching(
                actor=job.actor, network=job.network, filters=filters, progress=_progress_of(job, filters)
            )
        except PermissionDenied:
            failed["error"] = gettext("You are no longer allowed to run the matching.")
            finish_job(job, failed=True, result=failed)
        except ValidationError as exc:
            # A filter gone since the run was queued (an area switched off), or needs matched by hand meanwhile.
            failed["error"] = " ".join(str(message) for message in exc.messages)
            finish_job(job, failed=True, result=failed)
        except Exception as exc:
            logger.exception("Matching job %s failed", job.pk)
            failed["error"] = gettext(
                "The run stopped because of an unexpected error (%(error)s). Nothing was changed."
            ) % {"error": type(exc).__name__}
            finish_job(job, failed=True, result=failed)
        else:
            outcome = {
                "filters": filters,
                "run": run.pk,
                "proposed": run.proposed,
                "needs": run.needs_considered,
                "offers": run.offers_considered,
                "compatible_pairs": run.compatible_pairs,
                "message": ngettext(
                    "%(n)s match proposed from %(needs)s needs and %(offers)s offers",
                    "%(n)s matches proposed from %(needs)s needs and %(offers)s offers",
                    run.proposed,
                )
                % {"n": run.proposed, "needs": run.needs_considered, "offers": run.offers_considered},
            }
            finish_job(job, failed=False, result=outcome, processed=len(PHASES), total=len(PHASES))
    return job


# The task sits beside the service that queues it, as the aggregation's does: a tasks module calling back into
# this one would make the two modules import each other.
@task()
def run_matching_task(job_id: int) -> dict:
    """Run the matching saved in Job `job_id` and return its final status (run by `manage.py db_worker`)."""
    return run_queued_job(job_id, run_matching_job, what="Matching")


def _propose(*, actor: Any, network: Network, run: MatchingRun, proposals: list[Proposal], areas: dict) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    matches = [
        Match(
            network=network,
            need_id=cast(int, proposal.need_id),
            offer_id=cast(int, proposal.offer_id),
            status=S.PROPOSED,
            origin=Match.Origin.ENGINE,
            run=run,
            distance_km=Decimal(str(round(proposal.distance_km, 3))),
            explanation=explain(proposal, area_label=areas.get(proposal.area, ""))[:500],
            created_by=user,
        )
        for proposal in proposals
    ]
    try:
        with transaction.atomic():
            created = Match.objects.bulk_create(matches)
    except IntegrityError as exc:
        # Someone matched one of these needs while the engine ran: run it again.
        raise _error(None, _("Some needs were matched meanwhile: run the matching again."), "stale") from exc
    note = gettext("Proposed by the matching engine")
    MatchEvent.objects.bulk_create(
        MatchEvent(match=m, from_status="", to_status=S.PROPOSED, actor=user, note=note) for m in created
    )
    append(
        [
            audit_event(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=m,
                after={"need": m.need_id, "offer": m.offer_id, "status": m.status},
                data_class=DataClass.PERSONAL,
            )
            for m in created
        ]
    )


# --- matching by hand ------------------------------------------------------------------------------------


def match_by_hand(*, actor: Any, network: Network, need: Need, offer: Offer, note: str = "") -> Match:
    """An operator proposes a need and an offer to each other; the engine's rules explain what fits and what not."""
    require(actor, MANAGE_MATCHES, network)
    if need.network_id != network.pk or offer.network_id != network.pk:
        raise PermissionDenied(MANAGE_MATCHES)
    if not needs_for_user(actor, network).filter(pk=need.pk).exists():
        raise PermissionDenied(MANAGE_MATCHES)
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("municipality", "area").get(pk=need.pk)
        offer = Offer.objects.select_for_update().select_related("municipality").get(pk=offer.pk)
        if need.status not in MATCHABLE_NEED_STATES:
            raise _error(
                "need",
                _("This need is “%(status)s”: only new needs and needs being read are matched."),
                "need_not_open",
                status=need.get_status_display(),
            )
        if need.matches.filter(_live()).exists():
            raise _error("need", _("This need already has a match under way."), "need_matched")
        if offer.status != OfferStatus.OPEN:
            raise _error("offer", _("Only open offers can be matched."), "offer_not_open")
        if offer.matches.filter(_live()).count() >= offer.capacity:
            raise _error(
                "offer",
                _("This offer already serves %(capacity)d needs, as many as it can."),
                "offer_full",
                capacity=offer.capacity,
            )
        explanation, distance = _hand_explanation(need, offer)
        try:
            with transaction.atomic():
                created = Match.objects.create(
                    network=network,
                    need=need,
                    offer=offer,
                    status=S.PROPOSED,
                    origin=Match.Origin.MANUAL,
                    distance_km=distance,
                    explanation=explanation[:500],
                    created_by=actor,
                )
        except IntegrityError as exc:
            raise _error("need", _("This need already has a match under way."), "need_matched") from exc
        MATCH_WORKFLOW.record(created, actor=actor, from_state="", note=note or gettext("Matched by hand"))
        append(
            [
                audit_event(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    obj=created,
                    after={"need": need.pk, "offer": offer.pk, "status": created.status},
                    data_class=DataClass.PERSONAL,
                    note=note,
                )
            ]
        )
    return created


def _hand_explanation(need: Need, offer: Offer) -> tuple[str, Decimal | None]:
    """Why a hand-made pair fits (the engine's words), or what the engine would not accept in it."""
    left, right = need_input(need), offer_input(offer)
    if left is None or right is None:
        return gettext("matched by hand; one side has no place on the map"), None
    proposal = compatible(left, right)
    if proposal is not None:
        return explain(proposal, area_label=need.area.name), Decimal(str(round(proposal.distance_km, 3)))
    loose = compatible(
        left,
        OfferInput(
            id=right.id,
            areas=frozenset({left.area}),
            lat=right.lat,
            lon=right.lon,
            radius_km=1e6,
            capacity=1,
        ),
    )
    distance = Decimal(str(round(loose.distance_km, 3))) if loose is not None else None
    return gettext("matched by hand, outside the engine's rules (area, distance, times or constraints)"), distance


# --- the life of a match ---------------------------------------------------------------------------------


def _locked(match: Match) -> Match:
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("need__person", "offer", "network")
        .get(pk=match.pk)
    )


def accept_match(*, actor: Any, match: Match, side: str, note: str = "") -> Match:
    """One side accepts (an operator may accept for a side without a login); when both have, the match is accepted
    and its need is "abbinato"."""
    if side not in (Side.NEED, Side.OFFER):
        raise _error("side", _("Say which side accepts: the need or the offer."), "invalid_side")
    _require_side(actor, match, side)
    with transaction.atomic():
        match = _locked(match)
        if match.status != S.PROPOSED:
            raise MATCH_WORKFLOW.refused(match.status, S.ACCEPTED)
        field = "need_accepted" if side == Side.NEED else "offer_accepted"
        if getattr(match, f"{field}_at") is not None:
            raise _error("side", _("This side has accepted already."), "already_accepted")
        setattr(match, f"{field}_at", timezone.now())
        setattr(match, f"{field}_by", actor)
        match.save(update_fields=[f"{field}_at", f"{field}_by", "updated_at"])
        words = gettext("Accepted for the need") if side == Side.NEED else gettext("Accepted for the offer")
        MATCH_WORKFLOW.record(match, actor=actor, note=f"{words}. {note}".strip())
        if match.need_accepted_at and match.offer_accepted_at:
            match = MATCH_WORKFLOW.apply(match, S.ACCEPTED, actor=actor, note=note, lock=False)
            _need_to_matched(match, Step(actor=actor, from_state=S.PROPOSED, to_state=S.ACCEPTED))
    return match


def decline_match(*, actor: Any, match: Match, side: str, note: str = "") -> Match:
    """One side says no to a proposal: the match is cancelled (and never proposed again)."""
    _require_side(actor, match, side)
    words = gettext("Declined for the need") if side == Side.NEED else gettext("Declined for the offer")
    return _cancel(actor=actor, match=match, note=f"{words}. {note}".strip())


def start_match(*, actor: Any, match: Match, started_on: Any = None, note: str = "") -> Match:
    """The help has begun (an operator or the offer's side says so)."""
    _require_side(actor, match, Side.OFFER)
    day = inputs.Date().clean(started_on, _context(match)) or timezone.localdate()
    return MATCH_WORKFLOW.apply(match, S.ACTIVE, actor=actor, note=note, changes={"started_on": day})


FEEDBACK_RULES = inputs.Rules(
    {
        "need_rating": inputs.Integer(
            min_value=1, max_value=5, range_code="invalid", messages={"invalid": _("Give a rating from 1 to 5.")}
        ),
        "offer_rating": inputs.Integer(
            min_value=1, max_value=5, range_code="invalid", messages={"invalid": _("Give a rating from 1 to 5.")}
        ),
        "feedback": inputs.Text(max_length=2000),
        "ended_on": inputs.Date(past=True),
    }
)


def _context(match: Match) -> inputs.Context:
    return inputs.Context(values={}, network=match.network, instance=None, complete=False)


def complete_match(*, actor: Any, match: Match, data: dict | None = None, note: str = "") -> Match:
    """The help has ended: ratings and a few words from each side; the need is answered."""
    _require_side(actor, match)
    values = FEEDBACK_RULES.clean(data or {}, network=match.network, partial=True)
    values["ended_on"] = values.get("ended_on") or timezone.localdate()
    if match.started_on and values["ended_on"] < match.started_on:
        raise _error(
            "ended_on", _("The end cannot come before the start (%(day)s)."), "before_start", day=match.started_on
        )
    changes = {name: value for name, value in values.items() if value not in (None, "")}
    with transaction.atomic():
        done = MATCH_WORKFLOW.apply(match, S.COMPLETED, actor=actor, note=note, changes=changes)
        _need_to_answered(done, Step(actor=actor, from_state=S.ACTIVE, to_state=S.COMPLETED))
    return done


def cancel_match(*, actor: Any, match: Match, note: str) -> Match:
    """Stop a match (the reason is required); a need already "abbinato" goes back to reading."""
    _require_side(actor, match)
    if not (note or "").strip():
        raise _error("note", _("Say why the match is cancelled."), "required")
    return _cancel(actor=actor, match=match, note=note.strip())


def _cancel(*, actor: Any, match: Match, note: str) -> Match:
    with transaction.atomic():
        from_state = Match.objects.select_for_update().values_list("status", flat=True).get(pk=match.pk)
        cancelled = MATCH_WORKFLOW.apply(match, S.CANCELLED, actor=actor, note=note[:500])
        _need_back_to_reading(cancelled, Step(actor=actor, from_state=from_state, to_state=S.CANCELLED))
    return cancelled
