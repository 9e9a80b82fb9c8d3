"""Processes and phases: the workflow table, every rule of their inputs, the phase openings, the evidence."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.needs.tests.factories import NeedAreaFactory
from legami.participation.models import Phase, Process, ProcessEvent, ProcessKind, ProcessStatus
from legami.participation.selectors.processes import evidence_figures, open_phase, processes_for, timeline
from legami.participation.services import processes as svc
from legami.participation.tests.factories import PhaseFactory, ProcessFactory, open_process

S = ProcessStatus
TODAY = timezone.localdate


def _data(**overrides):
    data = {
        "title": "Laboratorio Borgo Loreto",
        "kind": ProcessKind.COMMUNITY_LAB,
        "summary": "Leggere insieme i bisogni",
    }
    return data | overrides


def _codes(exc, field=None):
    errors = exc.value.error_dict if hasattr(exc.value, "error_dict") else {None: exc.value.error_list}
    return [e.code for e in errors[field]]


def _phase_data(**overrides):
    return {"name": "Ascolto", "starts_on": TODAY(), "ends_on": TODAY() + timedelta(days=30)} | overrides


# --- creating and editing -----------------------------------------------------------------------------


def test_a_coordinator_drafts_a_process_on_the_territory(cast):
    process = svc.create_process(
        actor=cast.coordinator,
        network=cast.network,
        data=_data(municipalities=[cast.municipalities[0].pk], life_context="neighbourhood", support_limit="3"),
    )
    assert process.status == S.DRAFT and process.created_by == cast.coordinator
    assert list(process.municipalities.all()) == [cast.municipalities[0]]
    assert process.support_limit == 3 and process.life_context == "neighbourhood"
    event = ProcessEvent.objects.get(process=process)
    assert event.from_status == "" and event.to_status == S.DRAFT
    audit = AuditEvent.objects.get(object_type="participation.process", action=AuditEvent.Action.CREATE)
    assert audit.after["title"] == "Laboratorio Borgo Loreto"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 201}, "title", "max_length"),
        ({"summary": "  "}, "summary", "required"),
        ({"summary": "x" * 301}, "summary", "max_length"),
        ({"kind": "festa"}, "kind", "invalid_choice"),
        ({"kind": ""}, "kind", "required"),
        ({"life_context": "luna"}, "life_context", "invalid_choice"),
        ({"support_limit": "-1"}, "support_limit", "min_value"),
        ({"support_limit": "101"}, "support_limit", "max_value"),
        ({"support_limit": "tre"}, "support_limit", "invalid"),
        ({"municipalities": ["999999"]}, "municipalities", "invalid_choice"),
        ({"neighbourhood": 987654}, "neighbourhood", "invalid_choice"),
        ({"colour": "blue"}, "colour", "unknown"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(cast, overrides, field, code):
    with pytest.raises(ValidationError) as exc:
        svc.create_process(actor=cast.coordinator, network=cast.network, data=_data(**overrides))
    assert code in _codes(exc, field)
    assert not Process.objects.exists() and not AuditEvent.objects.filter(object_type="participation.process").exists()


def test_a_comune_outside_the_territory_is_refused(cast):
    outside = f.MunicipalityFactory(istat_code="015146", cadastral_code="F205", name="Milano")
    with pytest.raises(ValidationError) as exc:
        svc.create_process(actor=cast.coordinator, network=cast.network, data=_data(municipalities=[outside.pk]))
    assert "invalid_choice" in _codes(exc, "municipalities")
    assert str(outside.pk) in str(exc.value)


def test_the_neighbourhood_must_be_in_a_comune_chosen(cast):
    cremona, crema = cast.municipalities
    po = f.NeighbourhoodFactory(network=cast.network, municipality=cremona, name="Quartiere Po")
    with pytest.raises(ValidationError) as exc:
        svc.create_process(
            actor=cast.coordinator, network=cast.network, data=_data(municipalities=[crema.pk], neighbourhood=po.pk)
        )
    assert _codes(exc, "neighbourhood") == ["outside"]
    process = svc.create_process(
        actor=cast.coordinator, network=cast.network, data=_data(municipalities=[cremona.pk], neighbourhood=po.pk)
    )
    assert process.neighbourhood == po


def test_another_networks_neighbourhood_is_refused_as_unknown(cast):
    other = f.NeighbourhoodFactory(network=cast.other_network, municipality=cast.municipalities[0])
    with pytest.raises(ValidationError) as exc:
        svc.create_process(actor=cast.coordinator, network=cast.network, data=_data(neighbourhood=other.pk))
    assert _codes(exc, "neighbourhood") == ["invalid_choice"]


@pytest.mark.parametrize(
    "persona", ["case_manager", "partner_staff", "evaluator", "funder", "citizen", "privacy_officer"]
)
def test_only_those_who_run_processes_draft_them(cast, persona):
    with pytest.raises(PermissionDenied):
        svc.create_process(actor=getattr(cast, persona), network=cast.network, data=_data())


def test_the_community_worker_drafts_and_edits(cast):
    process = svc.create_process(actor=cast.community_worker, network=cast.network, data=_data())
    process = svc.update_process(
        actor=cast.community_worker, process=process, data={"summary": "Nuovo riassunto", "municipalities": []}
    )
    assert process.summary == "Nuovo riassunto" and process.title == "Laboratorio Borgo Loreto"
    audit = AuditEvent.objects.get(object_type="participation.process", action=AuditEvent.Action.UPDATE)
    assert audit.before["summary"] == "Leggere insieme i bisogni" and audit.after["summary"] == "Nuovo riassunto"


def test_an_edit_keeps_the_comuni_unless_given(cast):
    process = svc.create_process(
        actor=cast.coordinator, network=cast.network, data=_data(municipalities=[m.pk for m in cast.municipalities])
    )
    svc.update_process(actor=cast.coordinator, process=process, data={"title": "Altro titolo"})
    assert set(process.municipalities.all()) == set(cast.municipalities)


def test_an_edit_with_bad_input_changes_nothing(cast):
    process = svc.create_process(actor=cast.coordinator, network=cast.network, data=_data())
    with pytest.raises(ValidationError):
        svc.update_process(actor=cast.coordinator, process=process, data={"title": "", "summary": "Cambiato"})
    process.refresh_from_db()
    assert process.title == "Laboratorio Borgo Loreto" and process.summary == "Leggere insieme i bisogni"


# --- the workflow ---------------------------------------------------------------------------------------


def test_the_workflow_table():
    assert svc.PROCESS_WORKFLOW.table() == {S.DRAFT: {S.PUBLISHED}, S.PUBLISHED: {S.CLOSED}, S.CLOSED: {S.PUBLISHED}}


def test_publishing_needs_a_phase_and_sets_the_first_one_current(cast):
    process = ProcessFactory(network=cast.network)
    with pytest.raises(ValidationError) as exc:
        svc.publish_process(actor=cast.coordinator, process=process)
    assert exc.value.code == "no_phase"
    process.refresh_from_db()
    assert process.status == S.DRAFT and process.published_at is None
    second = PhaseFactory(process=process, position=1, name="Progettazione")
    first = PhaseFactory(process=process, position=0, name="Ascolto")
    process = svc.publish_process(actor=cast.coordinator, process=process, note="Si parte")
    process.refresh_from_db()
    assert process.status == S.PUBLISHED and process.current_phase == first and second != first
    assert process.published_at is not None
    assert ProcessEvent.objects.filter(
        process=process, from_status=S.DRAFT, to_status=S.PUBLISHED, note="Si parte"
    ).exists()


def test_close_and_reopen_keep_the_first_publication_date(cast):
    process = open_process(cast.network)
    published_at = process.published_at
    svc.close_process(actor=cast.coordinator, process=process)
    process.refresh_from_db()
    assert process.status == S.CLOSED
    svc.reopen_process(actor=cast.coordinator, process=process)
    process.refresh_from_db()
    assert process.status == S.PUBLISHED and process.published_at == published_at


@pytest.mark.parametrize(
    ("status", "service"),
    [
        (S.DRAFT, "close_process"),
        (S.DRAFT, "reopen_process"),
        (S.PUBLISHED, "publish_process"),
        (S.PUBLISHED, "reopen_process"),
        (S.CLOSED, "close_process"),
        (S.CLOSED, "publish_process"),
    ],
)
def test_moves_the_table_lacks_are_refused(cast, status, service):
    process = ProcessFactory(network=cast.network, status=status)
    PhaseFactory(process=process)
    with pytest.raises(ValidationError) as exc:
        getattr(svc, service)(actor=cast.coordinator, process=process)
    assert exc.value.code == "transition"
    process.refresh_from_db()
    assert process.status == status


def test_a_citizen_cannot_move_a_process(cast):
    process = ProcessFactory(network=cast.network)
    PhaseFactory(process=process)
    with pytest.raises(PermissionDenied):
        svc.publish_process(actor=cast.citizen, process=process)


# --- phases ---------------------------------------------------------------------------------------------


def test_phases_are_added_in_order_and_edited(cast):
    process = ProcessFactory(network=cast.network)
    first = svc.create_phase(actor=cast.coordinator, process=process, data=_phase_data())
    second = svc.create_phase(
        actor=cast.coordinator, process=process, data=_phase_data(name="Progettazione", proposals_open="sì")
    )
    assert (first.position, second.position) == (0, 1) and second.proposals_open is True
    svc.update_phase(actor=cast.coordinator, phase=second, data={"supports_open": True})
    second.refresh_from_db()
    assert second.supports_open and second.proposals_open and second.name == "Progettazione"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "x" * 121}, "name", "max_length"),
        ({"starts_on": ""}, "starts_on", "required"),
        ({"ends_on": "31/02/2027"}, "ends_on", "invalid"),
        ({"ends_on": TODAY() - timedelta(days=1)}, "ends_on", "dates_order"),
        ({"position": "101"}, "position", "max_value"),
    ],
)
def test_bad_phase_input_names_the_field(cast, overrides, field, code):
    process = ProcessFactory(network=cast.network)
    with pytest.raises(ValidationError) as exc:
        svc.create_phase(actor=cast.coordinator, process=process, data=_phase_data(**overrides))
    assert code in _codes(exc, field)
    assert not Phase.objects.exists()


def test_an_edit_that_puts_the_end_before_the_start_is_refused(cast):
    process = ProcessFactory(network=cast.network)
    phase = PhaseFactory(process=process)
    with pytest.raises(ValidationError) as exc:
        svc.update_phase(actor=cast.coordinator, phase=phase, data={"ends_on": phase.starts_on - timedelta(days=1)})
    assert _codes(exc, "ends_on") == ["dates_order"]


def test_the_current_phase_is_chosen_among_the_process_phases(cast):
    process = open_process(cast.network)
    later = PhaseFactory(process=process, position=1, name="Progettazione")
    svc.activate_phase(actor=cast.community_worker, process=process, phase=later)
    process.refresh_from_db()
    assert process.current_phase == later
    event = ProcessEvent.objects.filter(process=process).latest("id")
    assert event.from_status == event.to_status == S.PUBLISHED and "Progettazione" in event.note
    foreign = PhaseFactory(process=ProcessFactory(network=cast.network))
    with pytest.raises(ValidationError) as exc:
        svc.activate_phase(actor=cast.coordinator, process=process, phase=foreign.pk)
    assert _codes(exc, "phase") == ["invalid_choice"]
    with pytest.raises(PermissionDenied):
        svc.activate_phase(actor=cast.citizen, process=process, phase=later)


def test_the_current_phase_of_a_published_process_cannot_be_removed(cast):
    process = open_process(cast.network)
    with pytest.raises(ValidationError) as exc:
        svc.delete_phase(actor=cast.coordinator, phase=process.current_phase)
    assert exc.value.code == "current_phase"
    other = PhaseFactory(process=process, position=1)
    svc.delete_phase(actor=cast.coordinator, phase=other)
    assert list(process.phases.all()) == [process.current_phase]


def test_a_published_process_keeps_one_phase(cast):
    process = open_process(cast.network)
    process.current_phase = None
    process.save()
    with pytest.raises(ValidationError) as exc:
        svc.delete_phase(actor=cast.coordinator, phase=process.phases.get())
    assert exc.value.code == "last_phase"


def test_a_drafts_phase_may_be_removed(cast):
    process = ProcessFactory(network=cast.network)
    phase = PhaseFactory(process=process)
    svc.delete_phase(actor=cast.coordinator, phase=phase)
    assert not Phase.objects.exists()
    assert AuditEvent.objects.filter(object_type="participation.phase", action=AuditEvent.Action.DELETE).exists()


# --- what the current phase opens --------------------------------------------------------------------


def test_open_phase_follows_status_flag_and_dates(cast):
    process = open_process(cast.network, supports=True, comments=False)
    phase = process.current_phase
    assert open_phase(process, "supports_open") == phase
    assert open_phase(process, "comments_open") is None
    assert open_phase(process, "supports_open", on=phase.ends_on) == phase
    assert open_phase(process, "supports_open", on=phase.ends_on + timedelta(days=1)) is None
    assert open_phase(process, "supports_open", on=phase.starts_on - timedelta(days=1)) is None
    process.status = S.CLOSED
    assert open_phase(process, "supports_open") is None
    process.status = S.DRAFT
    assert open_phase(process, "supports_open") is None


def test_timeline_marks_past_current_and_upcoming(cast):
    process = open_process(cast.network)
    before = PhaseFactory(process=process, position=0, name="Ascolto")
    current = process.current_phase
    current.position = 1
    current.save()
    after = PhaseFactory(process=process, position=2, name="Valutazione")
    states = [(row["phase"], row["state"]) for row in timeline(process)]
    assert states == [(before, "past"), (current, "current"), (after, "upcoming")]


def test_drafts_are_listed_only_for_those_who_run_processes(cast):
    published = open_process(cast.network)
    draft = ProcessFactory(network=cast.network)
    ProcessFactory(network=cast.other_network, status=S.PUBLISHED)
    assert set(processes_for(cast.coordinator, cast.network)) == {published, draft}
    assert list(processes_for(cast.citizen, cast.network)) == [published]
    assert list(processes_for(None, cast.network)) == [published]


# --- a process from an aggregated demand --------------------------------------------------------------


def _demand(cast, status=DemandStatus.ACCEPTED, people=12):
    area = NeedAreaFactory(network=cast.network, code="relazioni-x", name="Relazioni")
    return AggregatedDemand.objects.create(
        network=cast.network,
        title="Compagnia per anziani soli — Cremona",
        summary=f"{people} anziani di Cremona chiedono compagnia",
        area=area,
        target_group="elderly",
        municipality=cast.municipalities[0],
        need_count=people + 1,
        people_count=people,
        status=status,
    )


def test_an_accepted_demand_starts_a_draft_with_its_evidence(cast):
    demand = _demand(cast)
    process = svc.create_process_from_demand(actor=cast.coordinator, demand=demand, kind=ProcessKind.CO_DESIGN)
    assert process.status == S.DRAFT and process.kind == ProcessKind.CO_DESIGN and process.demand == demand
    assert list(process.municipalities.all()) == [cast.municipalities[0]]
    assert process.evidence["people"] == 12 and process.evidence["needs"] == 13
    assert process.evidence["areas"] == [{"name": "Relazioni", "needs": 13}]
    assert "Compagnia per anziani soli" in process.title
    notes = list(ProcessEvent.objects.filter(process=process).values_list("note", flat=True))
    assert any("Compagnia per anziani soli" in note for note in notes)


@pytest.mark.parametrize("status", [DemandStatus.CANDIDATE, DemandStatus.DISCARDED, DemandStatus.CLOSED])
def test_only_an_accepted_or_answered_demand_starts_a_process(cast, status):
    with pytest.raises(ValidationError) as exc:
        svc.create_process_from_demand(actor=cast.coordinator, demand=_demand(cast, status=status))
    assert exc.value.code == "demand_not_accepted"
    assert not Process.objects.exists()


def test_a_partner_cannot_start_a_process_from_a_demand(cast):
    with pytest.raises(PermissionDenied):
        svc.create_process_from_demand(actor=cast.partner_staff, demand=_demand(cast))


@pytest.mark.parametrize(("people", "hidden"), [(4, True), (5, False)])
def test_evidence_about_few_people_is_hidden_from_those_who_do_not_see_them(cast, people, hidden):
    from legami.core import smallnumbers

    process = svc.create_process_from_demand(actor=cast.coordinator, demand=_demand(cast, people=people))
    for persona in ("citizen", "partner_staff", "funder", "evaluator"):
        shown = evidence_figures(process, limit=smallnumbers.limit_for(getattr(cast, persona), cast.network))
        assert shown["small"] is hidden
        assert (shown["people"] is None) is hidden and (shown["summary"] == "") is hidden
    anonymous = evidence_figures(process, limit=smallnumbers.limit_for(None, cast.network))
    assert anonymous["small"] is hidden
    coordinator = evidence_figures(process, limit=smallnumbers.limit_for(cast.coordinator, cast.network))
    assert coordinator["people"] == people and coordinator["small"] is False


def test_a_place_where_meetings_are_held_is_not_deleted_but_the_network_is(cast):
    from legami.participation.models import Meeting
    from legami.territory.models import Place
    from legami.territory.services.places import delete_place

    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Casa di quartiere")
    process = open_process(cast.network)
    start = timezone.now() + timedelta(days=3)
    Meeting.objects.create(
        network=cast.network,
        process=process,
        title="Assemblea",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place=place,
    )
    with pytest.raises(ValidationError) as exc:
        delete_place(actor=cast.coordinator, place=place)
    assert exc.value.code == "in_use" and "1 meeting" in str(exc.value)
    assert Place.objects.filter(pk=place.pk).exists()
    cast.network.delete()
    assert not Place.objects.filter(pk=place.pk).exists() and not Meeting.objects.exists()
