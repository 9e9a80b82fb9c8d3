"""Part B: recording needs, their workflow, the area taxonomy and the network-setup hook."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from legami.core.models import AuditEvent, DataClass
from legami.core.setup import run_network_setup
from legami.core.tests import factories as f
from legami.needs.models import Need, NeedArea, NeedEvent, NeedStatus, PrivacyLevel
from legami.needs.selectors.needs import active_areas, get_need_for_user, needs_for_user
from legami.needs.services import areas as area_services
from legami.needs.services.needs import (
    NEED_TRANSITIONS,
    change_need_status,
    delete_need,
    mark_needs_aggregated,
    record_need,
    release_needs,
    update_need,
    validate_need_data,
)
from legami.needs.taxonomy import DEFAULT_AREAS
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory, SurveyFactory, SurveyResponseFactory
from legami.needs.timewindows import TimeWindow
from legami.network.services.networks import create_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="casa", name="Casa")


def _data(cast, need_area, **extra):
    return {
        "area": need_area,
        "target_group": "families",
        "description": "Cerchiamo un doposcuola per due bambini",
        "channel": "interview",
        "municipality": cast.municipalities[0],
        **extra,
    }


def _errors(exc_info) -> dict:
    return {name: [e.code for e in errors] for name, errors in exc_info.value.error_dict.items()}


# --- recording ---------------------------------------------------------------------------------


def test_record_need_writes_need_history_and_audit(cast, area):
    need = record_need(actor=cast.community_worker, network=cast.network, data=_data(cast, area), note="colloquio")
    assert need.status == NeedStatus.NEW
    assert need.reported_by == cast.community_worker
    assert need.observed_on == datetime.date.today()
    event = NeedEvent.objects.get(need=need)
    assert (event.from_status, event.to_status, event.note) == ("", "new", "colloquio")
    audit = AuditEvent.objects.get(object_type="needs.need", object_id=str(need.pk))
    assert audit.action == AuditEvent.Action.CREATE
    assert audit.data_class == DataClass.PERSONAL
    assert audit.after["description"] == "[redacted]"


def test_record_case_team_need_is_case_data(cast, area):
    need = record_need(actor=cast.case_manager, network=cast.network, data=_data(cast, area, privacy_level="case_team"))
    assert AuditEvent.objects.get(object_id=str(need.pk)).data_class == DataClass.CASE


def test_record_need_parses_time_windows_text(cast, area):
    need = record_need(
        actor=cast.coordinator, network=cast.network, data=_data(cast, area, time_windows="mar e gio 16-18")
    )
    assert need.time_windows == [
        {"day": 1, "start": "16:00", "end": "18:00"},
        {"day": 3, "start": "16:00", "end": "18:00"},
    ]


def test_record_need_accepts_time_window_objects(cast, area):
    need = record_need(
        actor=cast.coordinator, network=cast.network, data=_data(cast, area, time_windows=[TimeWindow(0, 540, 720)])
    )
    assert need.time_windows == [{"day": 0, "start": "09:00", "end": "12:00"}]


def test_anonymous_recording_without_permission_check(cast, area):
    need = record_need(actor=None, network=cast.network, data=_data(cast, area), check_permission=False)
    assert need.reported_by is None
    assert NeedEvent.objects.get(need=need).actor is None


@pytest.mark.parametrize("persona", ["partner_staff", "evaluator", "funder", "citizen", "privacy_officer", "outsider"])
def test_record_need_refused_without_capability(cast, area, persona):
    with pytest.raises(PermissionDenied):
        record_need(actor=cast.users[persona], network=cast.network, data=_data(cast, area))
    assert not Need.objects.exists()


def test_district_case_manager_records_only_in_district(cast, area):
    record_need(actor=cast.district_case_manager, network=cast.network, data=_data(cast, area))
    with pytest.raises(ValidationError) as exc:
        record_need(
            actor=cast.district_case_manager,
            network=cast.network,
            data=_data(cast, area, municipality=cast.municipalities[1]),
        )
    assert _errors(exc) == {"municipality": ["out_of_district"]}


BAD_INPUTS = [
    ({"description": "  "}, "description", "required"),
    ({"description": "x" * 4001}, "description", "max_length"),
    ({"target_group": "aliens"}, "target_group", "invalid_choice"),
    ({"channel": "pigeon"}, "channel", "invalid_choice"),
    ({"privacy_level": "secret"}, "privacy_level", "invalid_choice"),
    ({"urgency": 9}, "urgency", "invalid_choice"),
    ({"expressed": "maybe"}, "expressed", "invalid"),
    ({"people_count": 0}, "people_count", "invalid"),
    ({"people_count": "many"}, "people_count", "invalid"),
    ({"latitude": "45.1"}, "longitude", "point_incomplete"),
    ({"latitude": "51.5", "longitude": "10.0"}, "latitude", "out_of_italy"),
    ({"latitude": "abc", "longitude": "10"}, "latitude", "invalid"),
    ({"time_windows": "ogni tanto"}, "time_windows", "invalid"),
    ({"time_windows": [{"day": 9}]}, "time_windows", "invalid"),
    ({"observed_on": "2999-01-01"}, "observed_on", "future"),
    ({"observed_on": "ieri"}, "observed_on", "invalid"),
    ({"contact_email": "not-an-email"}, "contact_email", "invalid"),
    ({"contact_phone": "abc"}, "contact_phone", "invalid_phone"),
    ({"contact_name": "x" * 201}, "contact_name", "max_length"),
    ({"external_id": "x" * 65}, "external_id", "max_length"),
    ({"colour": "red"}, "colour", "unknown"),
]


@pytest.mark.parametrize(("extra", "field", "code"), BAD_INPUTS)
def test_bad_input_names_the_field(cast, area, extra, field, code):
    with pytest.raises(ValidationError) as exc:
        record_need(actor=cast.coordinator, network=cast.network, data=_data(cast, area, **extra))
    assert _errors(exc) == {field: [code]}
    assert not Need.objects.exists()
    assert not AuditEvent.objects.filter(object_type="needs.need").exists()


def test_required_fields(cast):
    with pytest.raises(ValidationError) as exc:
        validate_need_data(network=cast.network, data={})
    assert set(_errors(exc)) == {"area", "target_group", "description", "channel", "municipality"}


def test_partial_validation_checks_only_given_keys(cast):
    values = validate_need_data(network=cast.network, data={"urgency": "3"}, partial=True)
    assert values == {"urgency": 3}


def test_references_must_belong_to_the_network(cast, area):
    other_area = NeedAreaFactory(network=cast.other_network, code="casa")
    inactive = NeedAreaFactory(network=cast.network, code="old", is_active=False)
    outside = f.MunicipalityFactory(name="Milano")
    other_person = f.PersonFactory(network=cast.other_network)
    other_household = f.HouseholdFactory(network=cast.other_network)
    wrong_quarter = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[1])
    other_response = SurveyResponseFactory(survey=SurveyFactory(network=cast.other_network))
    cases = [
        ({"area": other_area}, "area", "invalid_choice"),
        ({"area": inactive}, "area", "inactive"),
        ({"area": "nope"}, "area", "invalid_choice"),
        ({"municipality": outside}, "municipality", "not_in_territory"),
        ({"person": other_person}, "person", "invalid_choice"),
        ({"household": other_household}, "household", "invalid_choice"),
        ({"neighbourhood": wrong_quarter}, "neighbourhood", "neighbourhood_not_in_municipality"),
        ({"survey_response": other_response}, "survey_response", "invalid_choice"),
    ]
    for extra, field, code in cases:
        with pytest.raises(ValidationError) as exc:
            validate_need_data(network=cast.network, data=_data(cast, area, **extra))
        assert _errors(exc) == {field: [code]}, extra


def test_references_by_primary_key(cast, area):
    person = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    quarter = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0])
    values = validate_need_data(
        network=cast.network,
        data=_data(
            cast,
            area,
            area=area.pk,
            municipality=str(cast.municipalities[0].pk),
            person=person.pk,
            neighbourhood=quarter.pk,
            latitude="45,133",
            longitude=10.02,
            expressed="no",
        ),
    )
    assert values["area"] == area and values["person"] == person and values["neighbourhood"] == quarter
    assert str(values["latitude"]) == "45.133000" and values["expressed"] is False


def test_duplicate_external_id(cast, area):
    record_need(actor=cast.coordinator, network=cast.network, data=_data(cast, area, external_id="A1"))
    with pytest.raises(ValidationError) as exc:
        record_need(actor=cast.coordinator, network=cast.network, data=_data(cast, area, external_id="A1"))
    assert _errors(exc) == {"external_id": ["unique"]}


# --- editing and deleting ----------------------------------------------------------------------


def test_update_need_audits_a_diff_without_the_text(cast, area):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], urgency=2)
    update_need(actor=cast.community_worker, need=need, data={"urgency": 4, "description": "Nuovo testo"})
    need.refresh_from_db()
    assert need.urgency == 4 and need.description == "Nuovo testo"
    audit = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(need.pk))
    assert audit.before == {"urgency": 2, "description": "[redacted]"}
    assert audit.after == {"urgency": 4, "description": "[redacted: changed]"}


def test_update_without_changes_writes_nothing(cast, area):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    update_need(actor=cast.coordinator, need=need, data={"urgency": need.urgency})
    assert not AuditEvent.objects.exists()


def test_update_refuses_status(cast, area):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    with pytest.raises(ValidationError):
        update_need(actor=cast.coordinator, need=need, data={"status": "closed"})


def test_closed_need_can_still_be_corrected(cast, area):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status="closed")
    update_need(actor=cast.coordinator, need=need, data={"people_count": 3})
    assert Need.objects.get(pk=need.pk).people_count == 3


def test_changing_comune_drops_the_old_neighbourhood(cast, area):
    quarter = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0])
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], neighbourhood=quarter)
    update_need(actor=cast.coordinator, need=need, data={"municipality": cast.municipalities[1]})
    assert Need.objects.get(pk=need.pk).neighbourhood is None


def test_edit_refused_outside_reach(cast, area):
    crema_need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[1])
    case_need = NeedFactory(
        network=cast.network, area=area, municipality=cast.municipalities[0], privacy_level="case_team"
    )
    with pytest.raises(PermissionDenied):
        update_need(actor=cast.district_case_manager, need=crema_need, data={"urgency": 4})
    with pytest.raises(PermissionDenied):
        update_need(actor=cast.community_worker, need=case_need, data={"urgency": 4})
    with pytest.raises(PermissionDenied):
        update_need(actor=cast.evaluator, need=crema_need, data={"urgency": 4})
    with pytest.raises(PermissionDenied):
        delete_need(actor=cast.partner_staff, need=crema_need)


def test_delete_need(cast, area):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    pk = need.pk
    delete_need(actor=cast.coordinator, need=need)
    assert not Need.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_id=str(pk)).data_class == "personal"


# --- workflow ----------------------------------------------------------------------------------

ALL_PAIRS = [(a, b) for a in NeedStatus.values for b in NeedStatus.values]


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_every_transition(cast, area, from_status, to_status):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status=from_status)
    allowed = to_status in NEED_TRANSITIONS[from_status]
    if allowed:
        change_need_status(actor=cast.community_worker, need=need, to_status=to_status, note="ok")
        assert Need.objects.get(pk=need.pk).status == to_status
        event = NeedEvent.objects.get(need=need)
        assert (event.from_status, event.to_status, event.actor) == (from_status, to_status, cast.community_worker)
        audit = AuditEvent.objects.get(object_id=str(need.pk))
        assert (audit.before, audit.after) == ({"status": from_status}, {"status": to_status})
    else:
        with pytest.raises(ValidationError) as exc:
            change_need_status(actor=cast.community_worker, need=need, to_status=to_status)
        assert _errors(exc) == {"to_status": ["invalid_transition"]}
        assert Need.objects.get(pk=need.pk).status == from_status
        assert not NeedEvent.objects.exists()


def test_transition_table_matches_the_contract():
    assert {k: set(v) for k, v in NEED_TRANSITIONS.items()} == {
        "new": {"reading", "closed"},
        "reading": {"aggregated", "matched", "closed"},
        "aggregated": {"reading", "answered", "closed"},
        "matched": {"reading", "answered", "closed"},
        "answered": {"closed", "reading"},
        "closed": {"reading"},
    }


def test_unknown_status_refused(cast, area):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    with pytest.raises(ValidationError) as exc:
        change_need_status(actor=cast.coordinator, need=need, to_status="lost")
    assert _errors(exc) == {"to_status": ["invalid_choice"]}


@pytest.mark.parametrize("persona", ["partner_staff", "evaluator", "funder", "citizen", "outsider"])
def test_status_change_refused_without_capability(cast, area, persona):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    with pytest.raises(PermissionDenied):
        change_need_status(actor=cast.users[persona], need=need, to_status="reading")


def test_mark_and_release_in_bulk(cast, area):
    new = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status="new")
    reading = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status="reading")
    done = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status="aggregated")
    assert mark_needs_aggregated(actor=cast.community_worker, needs=[new, reading, done], note="domanda 1") == 2
    assert set(Need.objects.values_list("status", flat=True)) == {"aggregated"}
    assert list(NeedEvent.objects.filter(need=new).values_list("from_status", "to_status")) == [
        ("new", "reading"),
        ("reading", "aggregated"),
    ]
    assert AuditEvent.objects.filter(action="update").count() == 2
    assert release_needs(actor=None, needs=[new, reading, done], note="scartata") == 3
    assert set(Need.objects.values_list("status", flat=True)) == {"reading"}
    assert NeedEvent.objects.filter(to_status="reading", from_status="aggregated").count() == 3


def test_mark_refuses_closed_needs_and_writes_nothing(cast, area):
    new = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status="new")
    closed = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status="closed")
    with pytest.raises(ValidationError):
        mark_needs_aggregated(actor=None, needs=[new, closed], note="")
    assert Need.objects.get(pk=new.pk).status == "new"
    assert not NeedEvent.objects.exists()


def test_release_leaves_other_statuses(cast, area):
    matched = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status="matched")
    assert release_needs(actor=None, needs=[matched], note="") == 0
    assert Need.objects.get(pk=matched.pk).status == "matched"


# --- selectors ---------------------------------------------------------------------------------


def test_needs_for_user_scoping(cast, area):
    cremona = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    crema = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[1])
    case = NeedFactory(
        network=cast.network, area=area, municipality=cast.municipalities[0], privacy_level=PrivacyLevel.CASE_TEAM
    )
    NeedFactory(network=cast.other_network)
    assert set(needs_for_user(cast.coordinator, cast.network)) == {cremona, crema, case}
    assert set(needs_for_user(cast.case_manager, cast.network)) == {cremona, crema, case}
    assert set(needs_for_user(cast.community_worker, cast.network)) == {cremona, crema}
    assert set(needs_for_user(cast.district_case_manager, cast.network)) == {cremona, case}
    for persona in ("partner_staff", "evaluator", "funder", "citizen", "privacy_officer", "outsider", "anonymous"):
        assert not needs_for_user(cast.users[persona], cast.network).exists(), persona


def test_needs_for_user_filters(cast, area):
    other_area = NeedAreaFactory(network=cast.network, code="lavoro")
    old = NeedFactory(
        network=cast.network,
        area=area,
        municipality=cast.municipalities[0],
        observed_on=datetime.date(2024, 1, 10),
        expressed=False,
        channel="sentinel",
        urgency=4,
        status="reading",
        target_group="elderly",
    )
    new = NeedFactory(network=cast.network, area=other_area, municipality=cast.municipalities[1])
    viewer = cast.coordinator
    assert list(needs_for_user(viewer, cast.network, area=area)) == [old]
    assert list(needs_for_user(viewer, cast.network, target_group="elderly")) == [old]
    assert list(needs_for_user(viewer, cast.network, municipality=cast.municipalities[1])) == [new]
    assert list(needs_for_user(viewer, cast.network, status="reading")) == [old]
    assert list(needs_for_user(viewer, cast.network, expressed=False)) == [old]
    assert list(needs_for_user(viewer, cast.network, channel="sentinel")) == [old]
    assert list(needs_for_user(viewer, cast.network, urgency=4)) == [old]
    assert list(needs_for_user(viewer, cast.network, date_to=datetime.date(2024, 12, 31))) == [old]
    assert list(needs_for_user(viewer, cast.network, date_from=datetime.date(2025, 1, 1))) == [new]


def test_get_need_for_user_records_reads_of_case_data(cast, area):
    plain = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    case = NeedFactory(
        network=cast.network, area=area, municipality=cast.municipalities[0], privacy_level=PrivacyLevel.CASE_TEAM
    )
    get_need_for_user(cast.case_manager, cast.network, plain.pk)
    assert not AuditEvent.objects.exists()
    get_need_for_user(cast.case_manager, cast.network, case.pk)
    read = AuditEvent.objects.get()
    assert (read.action, read.data_class, read.actor) == ("read", "case", cast.case_manager)
    with pytest.raises(Http404):
        get_need_for_user(cast.community_worker, cast.network, case.pk)
    with pytest.raises(Http404):
        get_need_for_user(cast.outsider, cast.network, plain.pk)
    with pytest.raises(Http404):
        get_need_for_user(cast.coordinator, cast.network, "abc")


def test_active_areas(cast, area):
    NeedAreaFactory(network=cast.network, code="old", is_active=False)
    NeedAreaFactory(network=cast.other_network, code="x")
    assert list(active_areas(cast.network)) == [area]


# --- areas -------------------------------------------------------------------------------------


def test_ensure_default_areas_is_idempotent(cast):
    NeedAreaFactory(network=cast.network, code="mine", name="Casa")  # same name as a standard one
    created = area_services.ensure_default_areas(network=cast.network)
    assert created == len(DEFAULT_AREAS) - 1
    assert area_services.ensure_default_areas(network=cast.network) == 0
    assert NeedArea.objects.filter(network=cast.network).count() == len(DEFAULT_AREAS)


def test_new_network_gets_the_standard_areas(cast):
    network = create_network(actor=cast.platform_admin, name="Rete nuova", slug="rete-nuova")
    assert list(NeedArea.objects.filter(network=network).values_list("code", flat=True)) == [
        code for code, _n, _d in DEFAULT_AREAS
    ]


def test_run_network_setup_runs_registered_steps(cast):
    run_network_setup(cast.network)
    assert NeedArea.objects.filter(network=cast.network).count() == len(DEFAULT_AREAS)


def test_area_crud_and_audit(cast):
    area = area_services.create_area(actor=cast.coordinator, network=cast.network, data={"name": "Sport"})
    assert area.code == "sport" and area.is_active
    area_services.update_area(actor=cast.coordinator, area=area, data={"name": "Sport e movimento"})
    area_services.set_area_active(actor=cast.coordinator, area=area, active=False)
    assert not NeedArea.objects.get(pk=area.pk).is_active
    area_services.set_area_active(actor=cast.coordinator, area=area, active=True)
    area_services.delete_area(actor=cast.coordinator, area=area)
    assert not NeedArea.objects.filter(pk=area.pk).exists()
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "create",
        "update",
        "update",
        "update",
        "delete",
    ]


def test_area_bad_input(cast, area):
    with pytest.raises(ValidationError) as exc:
        area_services.create_area(actor=cast.coordinator, network=cast.network, data={"name": " casa "})
    assert _errors(exc) == {"name": ["unique"]}
    with pytest.raises(ValidationError) as exc:
        area_services.create_area(actor=cast.coordinator, network=cast.network, data={"name": ""})
    assert _errors(exc) == {"name": ["required"]}
    with pytest.raises(ValidationError) as exc:
        area_services.update_area(actor=cast.coordinator, area=area, data={"position": -1})
    assert _errors(exc) == {"position": ["invalid"]}


def test_area_with_needs_cannot_be_deleted(cast, area):
    NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    with pytest.raises(ValidationError) as exc:
        area_services.delete_area(actor=cast.coordinator, area=area)
    assert exc.value.code == "protected"
    assert NeedArea.objects.filter(pk=area.pk).exists()


def test_move_area(cast):
    a = NeedAreaFactory(network=cast.network, code="a", position=1)
    b = NeedAreaFactory(network=cast.network, code="b", position=2)
    area_services.move_area(actor=cast.coordinator, area=b, direction=-1)
    assert list(NeedArea.objects.filter(network=cast.network).order_by("position")) == [b, a]
    area_services.move_area(actor=cast.coordinator, area=b, direction=-1)  # already first: nothing
    assert list(NeedArea.objects.filter(network=cast.network).order_by("position")) == [b, a]


@pytest.mark.parametrize("persona", ["case_manager", "community_worker", "evaluator", "citizen", "outsider"])
def test_area_management_refused(cast, area, persona):
    user = cast.users[persona]
    for call in (
        lambda: area_services.create_area(actor=user, network=cast.network, data={"name": "X"}),
        lambda: area_services.update_area(actor=user, area=area, data={"name": "X"}),
        lambda: area_services.set_area_active(actor=user, area=area, active=False),
        lambda: area_services.move_area(actor=user, area=area, direction=1),
        lambda: area_services.delete_area(actor=user, area=area),
        lambda: area_services.load_default_areas(actor=user, network=cast.network),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert NeedArea.objects.filter(network=cast.network).count() == 1


def test_move_needs_refuses_a_path_outside_the_transition_table(cast):
    from legami.needs.services.needs import move_needs
    from legami.needs.tests.factories import NeedFactory

    need = NeedFactory(network=cast.network, municipality=cast.municipalities[0])
    with pytest.raises(ValueError, match="new -> answered"):
        move_needs(actor=cast.coordinator, needs=[need], steps={"new": ["answered"]})
    need.refresh_from_db()
    assert need.status == "new"
    assert move_needs(actor=cast.coordinator, needs=[need], steps={"new": ["reading"]}) == 1
    need.refresh_from_db()
    assert need.status == "reading"
    assert list(need.events.values_list("to_status", flat=True)) == ["reading"]


def test_a_network_with_needs_rules_and_demands_can_be_deleted_but_its_area_in_use_cannot(cast):
    from legami.aggregation.models import AggregatedDemand
    from legami.needs.models import Need, NeedArea
    from legami.needs.services.areas import delete_area
    from legami.needs.tests.factories import NeedAreaFactory, NeedFactory, SurveyFactory, SurveyNeedRuleFactory

    area = NeedAreaFactory(network=cast.network)
    NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    rule_area = NeedAreaFactory(network=cast.network)
    SurveyNeedRuleFactory(survey=SurveyFactory(network=cast.network), area=rule_area)
    AggregatedDemand.objects.create(
        network=cast.network, title="T", summary="S", area=rule_area, target_group="families"
    )
    with pytest.raises(ValidationError):
        delete_area(actor=cast.coordinator, area=area)
    with pytest.raises(ValidationError):
        delete_area(actor=cast.coordinator, area=rule_area)
    assert NeedArea.objects.filter(pk__in=[area.pk, rule_area.pk]).count() == 2
    cast.network.delete()
    assert not Need.objects.exists()
    assert not NeedArea.objects.filter(pk__in=[area.pk, rule_area.pk]).exists()
