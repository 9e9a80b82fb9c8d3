"""Matching in the network: the engine's run over open needs and offers, matches by hand, and every step of a match
(both sides accept, it starts, it ends, it is cancelled) with the need moving along its own workflow."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.core.models import AuditEvent, Job
from legami.core.tests import factories as f
from legami.exchange.models import MATCHING_JOB_KIND, Match, MatchEvent, MatchingRun, MatchStatus, OfferStatus
from legami.exchange.services import matching as svc
from legami.exchange.tests.factories_offers import CREMA, CREMONA, area, need, offer, proposed
from legami.needs.models import NeedEvent, NeedStatus, PrivacyLevel
from legami.needs.tests.factories import NeedAreaFactory

pytestmark = pytest.mark.django_db


def _codes(exc, field=None):
    errors = exc.value.error_dict if hasattr(exc.value, "error_dict") else {None: exc.value.error_list}
    return [e.code for e in errors[field]]


# --- the engine's run -------------------------------------------------------------------------------------


def test_a_run_proposes_the_best_matches_with_their_reasons(cast):
    casa, lavoro = area(cast, "casa"), area(cast, "lavoro")
    near = offer(cast, [casa], time_windows=[{"day": 1, "start": "16:00", "end": "18:00"}])
    far_away = need(cast, casa, point=CREMA)  # 35 km from the offer: beyond its 5 km
    close = need(cast, casa, time_windows=[{"day": 1, "start": "15:00", "end": "17:00"}])
    other_area = need(cast, lavoro)
    run = svc.run_matching(actor=cast.community_worker, network=cast.network)
    assert (run.needs_considered, run.offers_considered, run.compatible_pairs, run.proposed) == (3, 1, 1, 1)
    made = Match.objects.get()
    assert (made.need, made.offer, made.status, made.origin, made.run) == (
        close,
        near,
        MatchStatus.PROPOSED,
        Match.Origin.ENGINE,
        run,
    )
    assert Decimal("1.0") < made.distance_km < Decimal("1.5")
    assert made.explanation.startswith("same area: Casa; 1.2 km away; both available")
    assert MatchEvent.objects.filter(match=made, from_status="", to_status=MatchStatus.PROPOSED).exists()
    assert not Match.objects.filter(need__in=[far_away, other_area]).exists()


def test_a_run_prefers_matching_more_needs_to_shorter_distances(cast):
    casa = area(cast)
    # One offer can serve either need; the other offer only the first need. Optimal: both matched.
    both = offer(cast, [casa], latitude=CREMONA[0], longitude=CREMONA[1], radius_km=Decimal("20"))
    only_first = offer(cast, [casa], latitude=Decimal("45.20"), longitude=Decimal("10.02"), radius_km=Decimal("8"))
    first = need(cast, casa, point=CREMONA)
    second = need(cast, casa, point=(Decimal("45.05"), Decimal("10.02")))
    svc.run_matching(actor=cast.coordinator, network=cast.network)
    assert dict(Match.objects.values_list("need_id", "offer_id")) == {first.pk: only_first.pk, second.pk: both.pk}


def test_offers_count_their_live_matches_against_their_capacity(cast):
    casa = area(cast)
    made = offer(cast, [casa], capacity=2)
    proposed(cast, need(cast, casa), made)
    waiting = [need(cast, casa), need(cast, casa)]
    run = svc.run_matching(actor=cast.coordinator, network=cast.network)
    assert run.proposed == 1
    assert Match.objects.filter(offer=made, status=MatchStatus.PROPOSED).count() == 2
    assert Match.objects.filter(need__in=waiting).count() == 1


def test_a_run_never_proposes_a_pair_again_nor_closed_or_paused_offers(cast):
    casa = area(cast)
    made = offer(cast, [casa])
    paused = offer(cast, [casa], status=OfferStatus.PAUSED)
    waiting = need(cast, casa)
    declined = proposed(cast, waiting, made)
    svc.decline_match(actor=cast.coordinator, match=declined, side=svc.Side.OFFER)
    run = svc.run_matching(actor=cast.coordinator, network=cast.network)
    assert run.proposed == 0 and run.offers_considered == 1
    assert not Match.objects.filter(offer=paused).exists()


def test_a_run_leaves_needs_aggregated_matched_answered_or_closed(cast):
    casa = area(cast)
    offer(cast, [casa], capacity=5)
    for status in (NeedStatus.MATCHED, NeedStatus.ANSWERED, NeedStatus.CLOSED):
        need(cast, casa, status=status)
    need(cast, casa, status=NeedStatus.AGGREGATED)  # its demand is being answered together
    reading = need(cast, casa, status=NeedStatus.READING)
    svc.run_matching(actor=cast.coordinator, network=cast.network)
    assert list(Match.objects.values_list("need_id", flat=True)) == [reading.pk]


def test_a_run_sees_only_the_needs_the_operator_may_see(cast):
    casa = area(cast)
    offer(cast, [casa], capacity=3)
    reserved = need(cast, casa, privacy_level=PrivacyLevel.CASE_TEAM)
    run = svc.run_matching(actor=cast.community_worker, network=cast.network)
    assert run.needs_considered == 0 and not Match.objects.exists()
    svc.run_matching(actor=cast.case_manager, network=cast.network)
    assert list(Match.objects.values_list("need_id", flat=True)) == [reserved.pk]


def test_a_run_is_limited_to_the_area_or_comune_chosen(cast):
    casa, lavoro = area(cast, "casa"), area(cast, "lavoro")
    offer(cast, [casa, lavoro], capacity=3)
    in_casa = need(cast, casa)
    need(cast, lavoro)
    run = svc.run_matching(actor=cast.coordinator, network=cast.network, filters={"area": casa.pk})
    assert run.filters == {"area": casa.pk} and run.needs_considered == 1
    assert list(Match.objects.values_list("need_id", flat=True)) == [in_casa.pk]
    with pytest.raises(ValidationError) as exc:
        svc.run_matching(actor=cast.coordinator, network=cast.network, filters={"municipality": 999999})
    assert "municipality" in exc.value.error_dict


def test_the_hard_rules_of_the_need_hold(cast):
    casa = area(cast)
    offer(cast, [casa], languages=["it"], step_free=False)
    need(cast, casa, languages=["ar"])
    need(cast, casa, step_free=True)
    run = svc.run_matching(actor=cast.coordinator, network=cast.network)
    assert run.compatible_pairs == 0 and run.proposed == 0


@pytest.mark.parametrize("persona", ["partner_staff", "citizen", "evaluator", "funder", "outsider"])
def test_only_operators_run_the_engine(cast, persona):
    with pytest.raises(PermissionDenied):
        svc.run_matching(actor=getattr(cast, persona), network=cast.network)
    assert not MatchingRun.objects.exists()


# --- the run as a background job -----------------------------------------------------------------------------


def _queued(cast, actor=None, **filters):
    """A run queued as the pages queue it (the test's transaction never commits: the worker has not run it)."""
    job = svc.start_matching(actor=actor or cast.coordinator, network=cast.network, filters=filters)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    return job


def _ran(job):
    svc.run_matching_job(job)
    job.refresh_from_db()
    return job


def test_starting_a_run_queues_a_job_and_proposes_nothing_yet(cast):
    casa = area(cast)
    offer(cast, [casa])
    need(cast, casa)
    job = _queued(cast, actor=cast.community_worker, area=casa.pk)
    assert (job.kind, job.actor, job.network) == (MATCHING_JOB_KIND, cast.community_worker, cast.network)
    assert job.result == {"filters": {"area": casa.pk}} and (job.processed, job.total) == (0, 0)
    assert not MatchingRun.objects.exists() and not Match.objects.exists()
    assert AuditEvent.objects.filter(object_type="core.job", object_id=str(job.pk)).exists()


def test_the_queued_run_reaches_the_worker_on_commit(cast, django_capture_on_commit_callbacks):
    casa = area(cast)
    offer(cast, [casa])
    need(cast, casa)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = svc.start_matching(actor=cast.coordinator, network=cast.network)
    assert len(callbacks) == 1
    job.refresh_from_db()
    # the tests' tasks backend runs the task at once, as the worker would
    assert job.status == Job.Status.SUCCEEDED and job.task_result_id
    assert MatchingRun.objects.get().pk == job.result["run"]


def test_the_job_reports_each_phase_and_ends_with_the_run_in_its_actor_s_language(cast, monkeypatch):
    cast.coordinator.preferred_language = "en"
    cast.coordinator.save()
    casa = area(cast)
    offer(cast, [casa])
    need(cast, casa)
    need(cast, casa, point=CREMA)  # beyond the offer's reach
    job = _queued(cast)
    seen = []

    def watch(phase_of):
        def wrapped(*args, **kwargs):
            row = Job.objects.get(pk=job.pk)
            seen.append((row.status, row.result.get("phase"), row.processed, row.total))
            return phase_of(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(svc, "open_offers_with_room", watch(svc.open_offers_with_room))
    monkeypatch.setattr(svc, "match", watch(svc.match))
    monkeypatch.setattr(svc, "_propose", watch(svc._propose))
    job = _ran(job)
    assert seen == [
        (Job.Status.RUNNING, "reading", 0, 3),
        (Job.Status.RUNNING, "solving", 1, 3),
        (Job.Status.RUNNING, "writing", 2, 3),
    ]
    run = MatchingRun.objects.get()
    assert job.status == Job.Status.SUCCEEDED and (job.processed, job.total) == (3, 3)
    assert job.started_at and job.finished_at
    assert job.result == {
        "filters": {},
        "run": run.pk,
        "proposed": 1,
        "needs": 2,
        "offers": 1,
        "compatible_pairs": 1,
        "message": "1 match proposed from 2 needs and 1 offers",
    }
    assert run.started_by == cast.coordinator and Match.objects.get().run == run


def test_the_result_is_written_in_italian_for_an_italian_actor(cast):
    casa = area(cast)
    offer(cast, [casa], capacity=2)
    need(cast, casa)
    need(cast, casa)
    job = _ran(_queued(cast))  # the coordinator's language is Italian, the site's default
    assert job.result["message"] == "2 abbinamenti proposti su 2 bisogni e 1 offerte"


def test_a_job_runs_once(cast):
    casa = area(cast)
    offer(cast, [casa])
    need(cast, casa)
    job = _ran(_queued(cast))
    again = _ran(job)  # a retried task, or a second worker
    assert again.status == Job.Status.SUCCEEDED and MatchingRun.objects.count() == 1


def test_the_job_runs_with_its_filters_and_sees_what_its_actor_sees(cast):
    casa, lavoro = area(cast, "casa"), area(cast, "lavoro")
    offer(cast, [casa, lavoro], capacity=3)
    in_casa = need(cast, casa)
    need(cast, lavoro)
    need(cast, casa, privacy_level=PrivacyLevel.CASE_TEAM)  # not the community worker's to see
    job = _ran(_queued(cast, actor=cast.community_worker, area=casa.pk))
    assert job.result["needs"] == 1 and job.result["filters"] == {"area": casa.pk}
    assert MatchingRun.objects.get().filters == {"area": casa.pk}
    assert list(Match.objects.values_list("need_id", flat=True)) == [in_casa.pk]


def test_an_engine_that_fails_fails_the_job_readably_and_proposes_nothing(cast, monkeypatch):
    cast.coordinator.preferred_language = "en"
    cast.coordinator.save()
    casa = area(cast)
    offer(cast, [casa])
    need(cast, casa)
    job = _queued(cast)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(svc, "match", broken)
    job = _ran(job)
    assert job.status == Job.Status.FAILED and job.finished_at
    assert job.result == {
        "filters": {},
        "error": "The run stopped because of an unexpected error (RuntimeError). Nothing was changed.",
    }
    assert (job.processed, job.total) == (1, 3)  # it stopped while solving
    assert not MatchingRun.objects.exists() and not Match.objects.exists()


def test_a_failure_while_writing_leaves_no_half_set_of_proposals(cast, monkeypatch):
    casa = area(cast)
    offer(cast, [casa], capacity=3)
    for _ in range(3):
        need(cast, casa)
    job = _queued(cast)
    written = []

    def append_then_fail(events):
        written.append(Match.objects.count())  # the proposals are in, not yet their audit
        raise RuntimeError("disk full")

    original = svc.append
    monkeypatch.setattr(
        svc, "append", lambda events: append_then_fail(events) if len(events) == 3 else original(events)
    )
    job = _ran(job)
    assert written == [3]
    assert job.status == Job.Status.FAILED and "RuntimeError" in job.result["error"]
    assert not Match.objects.exists() and not MatchEvent.objects.exists() and not MatchingRun.objects.exists()


def test_an_area_gone_since_the_run_was_queued_fails_the_job_with_the_reason(cast):
    cast.coordinator.preferred_language = "en"
    cast.coordinator.save()
    gone = area(cast, "temporanea")
    job = _queued(cast, area=gone.pk)
    gone.delete()
    job = _ran(job)
    assert job.status == Job.Status.FAILED
    assert job.result["error"] == "Choose an area of this network."
    assert not MatchingRun.objects.exists()


def test_an_actor_no_longer_allowed_fails_the_job(cast):
    casa = area(cast)
    offer(cast, [casa])
    need(cast, casa)
    job = Job.objects.create(network=cast.network, kind=MATCHING_JOB_KIND, actor=cast.citizen, result={"filters": {}})
    job = _ran(job)
    assert job.status == Job.Status.FAILED
    assert job.result["error"] == "Non hai più il permesso di avviare l'abbinamento."
    assert not Match.objects.exists()


def test_a_second_run_is_refused_while_one_is_queued_or_running(cast):
    casa = area(cast)
    offer(cast, [casa])
    need(cast, casa)
    first = _queued(cast)
    with pytest.raises(ValidationError) as exc:
        svc.start_matching(actor=cast.community_worker, network=cast.network)
    assert exc.value.code == "busy"
    assert exc.value.messages == ["A matching run is already under way: wait for it to finish."]
    Job.objects.filter(pk=first.pk).update(status=Job.Status.RUNNING)
    with pytest.raises(ValidationError):
        svc.start_matching(actor=cast.coordinator, network=cast.network)
    assert Job.objects.filter(kind=MATCHING_JOB_KIND).count() == 1
    # another network's run does not hold this one up, and once the run is over a new one starts
    Job.objects.create(network=cast.other_network, kind=MATCHING_JOB_KIND, actor=cast.outsider)
    Job.objects.filter(pk=first.pk).update(status=Job.Status.QUEUED)
    _ran(first)
    assert _queued(cast).pk != first.pk


def test_a_failed_run_does_not_hold_up_the_next(cast):
    first = _queued(cast)
    Job.objects.filter(pk=first.pk).update(status=Job.Status.FAILED)
    assert _queued(cast).pk != first.pk


@pytest.mark.parametrize(
    ("filters", "field"),
    [({"municipality": 999999}, "municipality"), ({"area": 999999}, "area"), ({"area": "casa"}, "area")],
)
def test_bad_filters_are_refused_before_anything_is_queued(cast, filters, field):
    with pytest.raises(ValidationError) as exc:
        svc.start_matching(actor=cast.coordinator, network=cast.network, filters=filters)
    assert field in exc.value.error_dict
    assert not Job.objects.exists()


def test_an_area_of_another_network_is_refused(cast):
    foreign = NeedAreaFactory(network=cast.other_network, code="altrove")
    with pytest.raises(ValidationError) as exc:
        svc.start_matching(actor=cast.coordinator, network=cast.network, filters={"area": foreign.pk})
    assert [e.message for e in exc.value.error_dict["area"]] == ["Choose an area of this network."]
    assert not Job.objects.exists()


@pytest.mark.parametrize("persona", ["partner_staff", "citizen", "evaluator", "funder", "outsider"])
def test_only_operators_queue_a_run(cast, persona):
    with pytest.raises(PermissionDenied):
        svc.start_matching(actor=getattr(cast, persona), network=cast.network)
    assert not Job.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "case_manager", "community_worker", "district_case_manager"])
def test_every_operator_queues_a_run(cast, persona):
    assert _queued(cast, actor=getattr(cast, persona)).actor == getattr(cast, persona)


# --- by hand ----------------------------------------------------------------------------------------------


def test_an_operator_matches_by_hand_and_the_engine_says_what_does_not_fit(cast):
    casa, lavoro = area(cast, "casa"), area(cast, "lavoro")
    made = offer(cast, [lavoro])
    waiting = need(cast, casa)
    match = svc.match_by_hand(actor=cast.coordinator, network=cast.network, need=waiting, offer=made, note="Conosce")
    assert match.origin == Match.Origin.MANUAL and match.status == MatchStatus.PROPOSED
    assert "outside the engine's rules" in match.explanation
    assert match.distance_km is not None
    fitting = need(cast, lavoro)
    other = svc.match_by_hand(
        actor=cast.coordinator, network=cast.network, need=fitting, offer=offer(cast, [lavoro]), note=""
    )
    assert other.explanation.startswith("same area: Lavoro")


def test_matching_by_hand_refuses_what_cannot_be_matched(cast):
    casa = area(cast)
    made = offer(cast, [casa])
    busy = need(cast, casa)
    proposed(cast, busy, offer(cast, [casa]))
    with pytest.raises(ValidationError) as exc:
        svc.match_by_hand(actor=cast.coordinator, network=cast.network, need=busy, offer=made)
    assert _codes(exc, "need") == ["need_matched"]
    closed = need(cast, casa, status=NeedStatus.CLOSED)
    with pytest.raises(ValidationError) as exc:
        svc.match_by_hand(actor=cast.coordinator, network=cast.network, need=closed, offer=made)
    assert _codes(exc, "need") == ["need_not_open"]
    paused = offer(cast, [casa], status=OfferStatus.PAUSED)
    with pytest.raises(ValidationError) as exc:
        svc.match_by_hand(actor=cast.coordinator, network=cast.network, need=need(cast, casa), offer=paused)
    assert _codes(exc, "offer") == ["offer_not_open"]
    proposed(cast, need(cast, casa), made)
    with pytest.raises(ValidationError) as exc:
        svc.match_by_hand(actor=cast.coordinator, network=cast.network, need=need(cast, casa), offer=made)
    assert _codes(exc, "offer") == ["offer_full"]


def test_matching_by_hand_a_need_one_cannot_see_is_refused(cast):
    casa = area(cast)
    reserved = need(cast, casa, privacy_level=PrivacyLevel.CASE_TEAM)
    with pytest.raises(PermissionDenied):
        svc.match_by_hand(actor=cast.community_worker, network=cast.network, need=reserved, offer=offer(cast, [casa]))
    with pytest.raises(PermissionDenied):
        svc.match_by_hand(actor=cast.citizen, network=cast.network, need=need(cast, casa), offer=offer(cast, [casa]))
    assert not Match.objects.exists()


# --- the life of a match ------------------------------------------------------------------------------------


def _sides(cast):
    """A need of a person with a login (the citizen) and an offer of the partner's organisation."""
    casa = area(cast)
    person = f.PersonFactory(network=cast.network, user=cast.citizen)
    waiting = need(cast, casa, person=person, status=NeedStatus.READING)
    made = offer(cast, [casa], organization=cast.organization)
    return proposed(cast, waiting, made)


def test_both_sides_accept_and_the_need_is_matched(cast):
    match = _sides(cast)
    svc.accept_match(actor=cast.citizen, match=match, side=svc.Side.NEED)
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED and match.need_accepted_by == cast.citizen
    svc.accept_match(actor=cast.partner_staff, match=match, side=svc.Side.OFFER, note="Volentieri")
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED and match.offer_accepted_by == cast.partner_staff
    match.need.refresh_from_db()
    assert match.need.status == NeedStatus.MATCHED
    assert NeedEvent.objects.filter(need=match.need, to_status=NeedStatus.MATCHED).exists()
    assert MatchEvent.objects.filter(match=match, from_status=MatchStatus.PROPOSED, to_status=MatchStatus.ACCEPTED)


def test_an_operator_accepts_for_a_side_without_a_login(cast):
    casa = area(cast)
    match = proposed(cast, need(cast, casa), offer(cast, [casa]))
    svc.accept_match(actor=cast.community_worker, match=match, side=svc.Side.NEED)
    svc.accept_match(actor=cast.community_worker, match=match, side=svc.Side.OFFER)
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    match.need.refresh_from_db()
    # a new need passes through reading on its way to matched
    assert match.need.status == NeedStatus.MATCHED
    assert list(NeedEvent.objects.filter(need=match.need).values_list("to_status", flat=True)) == [
        NeedStatus.READING,
        NeedStatus.MATCHED,
    ]


def test_a_side_speaks_only_for_itself(cast):
    match = _sides(cast)
    with pytest.raises(PermissionDenied):
        svc.accept_match(actor=cast.citizen, match=match, side=svc.Side.OFFER)
    with pytest.raises(PermissionDenied):
        svc.accept_match(actor=cast.partner_staff, match=match, side=svc.Side.NEED)
    for persona in ("evaluator", "funder", "outsider", "privacy_officer"):
        with pytest.raises(PermissionDenied):
            svc.accept_match(actor=getattr(cast, persona), match=match, side=svc.Side.NEED)
    stranger = f.UserFactory(email="stranger@example.org")
    f.MembershipFactory(network=cast.network, user=stranger, role="citizen")
    with pytest.raises(PermissionDenied):
        svc.accept_match(actor=stranger, match=match, side=svc.Side.NEED)
    match.refresh_from_db()
    assert match.need_accepted_at is None and match.offer_accepted_at is None


def test_accepting_twice_or_for_no_side_is_refused(cast):
    match = _sides(cast)
    svc.accept_match(actor=cast.citizen, match=match, side=svc.Side.NEED)
    with pytest.raises(ValidationError) as exc:
        svc.accept_match(actor=cast.citizen, match=match, side=svc.Side.NEED)
    assert _codes(exc, "side") == ["already_accepted"]
    with pytest.raises(ValidationError) as exc:
        svc.accept_match(actor=cast.coordinator, match=match, side="both")
    assert _codes(exc, "side") == ["invalid_side"]


def test_the_accept_transition_needs_both_sides(cast):
    match = _sides(cast)
    with pytest.raises(ValidationError) as exc:
        svc.MATCH_WORKFLOW.apply(match, MatchStatus.ACCEPTED, actor=cast.coordinator)
    assert exc.value.code == "not_accepted_by_both"


def test_a_declined_proposal_is_cancelled(cast):
    match = _sides(cast)
    svc.decline_match(actor=cast.citizen, match=match, side=svc.Side.NEED, note="Non serve più")
    match.refresh_from_db()
    assert match.status == MatchStatus.CANCELLED
    assert MatchEvent.objects.get(match=match, to_status=MatchStatus.CANCELLED).note.startswith("Declined for the need")
    match.need.refresh_from_db()
    assert match.need.status == NeedStatus.READING


def _accepted(cast):
    match = _sides(cast)
    svc.accept_match(actor=cast.coordinator, match=match, side=svc.Side.NEED)
    svc.accept_match(actor=cast.coordinator, match=match, side=svc.Side.OFFER)
    match.refresh_from_db()
    return match


def test_it_starts_and_ends_with_feedback_and_the_need_is_answered(cast):
    match = _accepted(cast)
    with pytest.raises(PermissionDenied):
        svc.start_match(actor=cast.citizen, match=match)  # the need's side does not say it started
    svc.start_match(actor=cast.partner_staff, match=match, started_on="01/02/2026")
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE and str(match.started_on) == "2026-02-01"
    with pytest.raises(ValidationError) as exc:
        svc.complete_match(actor=cast.citizen, match=match, data={"ended_on": "01/01/2026"})
    assert _codes(exc, "ended_on") == ["before_start"]
    with pytest.raises(ValidationError) as exc:
        svc.complete_match(actor=cast.citizen, match=match, data={"need_rating": "6"})
    assert "need_rating" in exc.value.error_dict
    svc.complete_match(actor=cast.citizen, match=match, data={"need_rating": "5", "feedback": "Grazie"})
    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED and match.need_rating == 5 and match.feedback == "Grazie"
    match.need.refresh_from_db()
    assert match.need.status == NeedStatus.ANSWERED


def test_cancelling_an_accepted_match_gives_the_need_back_to_reading(cast):
    match = _accepted(cast)
    with pytest.raises(ValidationError) as exc:
        svc.cancel_match(actor=cast.coordinator, match=match, note="  ")
    assert _codes(exc, "note") == ["required"]
    svc.cancel_match(actor=cast.coordinator, match=match, note="Trasloco")
    match.refresh_from_db()
    assert match.status == MatchStatus.CANCELLED
    match.need.refresh_from_db()
    assert match.need.status == NeedStatus.READING


ALLOWED = [(a, b) for a, targets in svc.MATCH_WORKFLOW.table().items() for b in sorted(targets)]
REFUSED = [
    (a, b) for a in MatchStatus.values for b in MatchStatus.values if a != b and b not in svc.MATCH_WORKFLOW.table()[a]
]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_allowed_transition(cast, source, target):
    casa = area(cast)
    match = proposed(cast, need(cast, casa), offer(cast, [casa]))
    Match.objects.filter(pk=match.pk).update(status=source)
    match.refresh_from_db()
    if target == MatchStatus.ACCEPTED:
        svc.accept_match(actor=cast.coordinator, match=match, side=svc.Side.NEED)
        svc.accept_match(actor=cast.coordinator, match=match, side=svc.Side.OFFER)
    elif target == MatchStatus.ACTIVE:
        svc.start_match(actor=cast.coordinator, match=match)
    elif target == MatchStatus.COMPLETED:
        svc.complete_match(actor=cast.coordinator, match=match)
    else:
        svc.cancel_match(actor=cast.coordinator, match=match, note="stop")
    match.refresh_from_db()
    assert match.status == target


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_refused_transition_writes_nothing(cast, source, target):
    casa = area(cast)
    match = proposed(cast, need(cast, casa), offer(cast, [casa]))
    Match.objects.filter(pk=match.pk).update(status=source)
    match.refresh_from_db()
    with pytest.raises(ValidationError):
        if target == MatchStatus.ACCEPTED:
            svc.accept_match(actor=cast.coordinator, match=match, side=svc.Side.NEED)
        elif target == MatchStatus.ACTIVE:
            svc.start_match(actor=cast.coordinator, match=match)
        elif target == MatchStatus.COMPLETED:
            svc.complete_match(actor=cast.coordinator, match=match)
        elif target == MatchStatus.CANCELLED:
            svc.cancel_match(actor=cast.coordinator, match=match, note="stop")
        else:
            svc.MATCH_WORKFLOW.apply(match, target, actor=cast.coordinator)
    match.refresh_from_db()
    assert match.status == source and not MatchEvent.objects.filter(match=match).exists()
