"""The participation API: processes and their phases (then meetings and proposals), checked against the schema.

Reads ask for participation.take_part (every role), writes for participation.manage_processes (coordinator,
community worker); drafts exist only for the latter; the evidence follows the small-numbers rule."""

import typing
from datetime import timedelta

import pytest
from django.utils import timezone

from legami.api.tests.helpers import network_url
from legami.api.v1 import participation as participation_api
from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.participation import models
from legami.participation.models import Phase, Process, ProcessStatus
from legami.participation.tests.factories import PhaseFactory, ProcessFactory, open_process

pytestmark = pytest.mark.django_db

MANAGERS = ["coordinator", "community_worker"]
NOT_MANAGERS = ["case_manager", "partner_staff", "evaluator", "funder", "citizen", "privacy_officer"]
# Roles that do not see figures about fewer than k people (core.see_small_numbers is the operators').
NO_SMALL_NUMBERS = ["partner_staff", "evaluator", "funder", "citizen"]


def url(cast, *parts):
    return network_url(cast.network, *parts)


def loc_and_types(response) -> set[tuple[str, str]]:
    """(field, code) of each problem of a 422."""
    assert response.status_code == 422, response.content
    return {(str(item["loc"][-1]), item["type"]) for item in response.json()["detail"]}


@pytest.fixture
def processes(cast):
    """A published process (its current phase open today), a draft and a closed one."""
    published = open_process(cast.network, title="Laboratorio del Po", kind="community_lab")
    published.municipalities.set([cast.municipalities[0]])
    draft = ProcessFactory(network=cast.network, title="Bozza", kind="co_design")
    closed = ProcessFactory(network=cast.network, title="Chiusa", kind="consultation", status=ProcessStatus.CLOSED)
    PhaseFactory(process=closed)
    return {"published": published, "draft": draft, "closed": closed}


def test_literals_match_the_models():
    assert list(typing.get_args(participation_api.ProcessKind)) == models.ProcessKind.values
    assert list(typing.get_args(participation_api.LifeContext)) == ["", *models.LifeContext.values]
    assert list(typing.get_args(participation_api.ProcessStatus)) == models.ProcessStatus.values


# --- reading processes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_list_drafts_too(cast, api_as, processes, persona):
    body = api_as(cast.users[persona]).get(url(cast, "processes")).json()
    assert body["count"] == 3
    assert {item["title"] for item in body["items"]} == {"Laboratorio del Po", "Bozza", "Chiusa"}


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_drafts_are_invisible_to_the_other_roles(cast, api_as, processes, persona):
    client = api_as(cast.users[persona])
    body = client.get(url(cast, "processes")).json()
    assert {item["title"] for item in body["items"]} == {"Laboratorio del Po", "Chiusa"}
    assert client.get(url(cast, "processes"), {"status": "draft"}).json()["count"] == 0
    assert client.get(url(cast, "processes", processes["draft"].pk)).status_code == 404
    assert client.get(url(cast, "processes", processes["published"].pk)).status_code == 200


def test_list_items_carry_the_current_phase_and_counts(cast, api_as, processes):
    body = api_as(cast.citizen).get(url(cast, "processes"), {"status": "published"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    published = processes["published"]
    assert item["current_phase"] == {"id": published.current_phase_id, "name": published.current_phase.name}
    assert item["municipalities"] == [{"istat_code": "019036", "name": "Cremona"}]
    assert item["proposals_total"] == 0 and item["meetings_total"] == 0


def test_list_filters(cast, api_as, processes):
    client = api_as(cast.coordinator)
    assert [i["title"] for i in client.get(url(cast, "processes"), {"kind": "co_design"}).json()["items"]] == ["Bozza"]
    assert [i["title"] for i in client.get(url(cast, "processes"), {"status": "closed"}).json()["items"]] == ["Chiusa"]
    both = client.get(url(cast, "processes"), {"status": "closed", "kind": "co_design"}).json()
    assert both["count"] == 0


@pytest.mark.parametrize(("params", "field"), [({"status": "aperto"}, "status"), ({"kind": "festa"}, "kind")])
def test_list_bad_filters(cast, api_as, processes, params, field):
    response = api_as(cast.coordinator).get(url(cast, "processes"), params)
    assert (field, "literal_error") in loc_and_types(response)


def test_list_pagination(cast, api_as):
    for n in range(5):
        open_process(cast.network, title=f"Processo {n}")
    client = api_as(cast.citizen)
    first = client.get(url(cast, "processes"), {"page_size": 2}).json()
    assert first["count"] == 5 and first["page"] == 1 and first["page_size"] == 2 and len(first["items"]) == 2
    last = client.get(url(cast, "processes"), {"page_size": 2, "page": 3}).json()
    assert len(last["items"]) == 1
    seen = [
        i["id"]
        for p in (1, 2, 3)
        for i in client.get(url(cast, "processes"), {"page_size": 2, "page": p}).json()["items"]
    ]
    assert sorted(seen) == sorted(Process.objects.values_list("pk", flat=True))
    assert loc_and_types(client.get(url(cast, "processes"), {"page_size": 201})) == {("page_size", "less_than_equal")}


def test_list_runs_a_constant_number_of_queries(cast, api_as, django_assert_max_num_queries):
    client = api_as(cast.citizen)
    for n in range(8):
        process = open_process(cast.network, title=f"Processo {n}")
        process.municipalities.set(cast.municipalities)
    with django_assert_max_num_queries(14):
        assert client.get(url(cast, "processes")).json()["count"] == 8


def test_detail(cast, api_as, processes):
    published = processes["published"]
    later = PhaseFactory(process=published, name="Progettazione", position=1)
    body = api_as(cast.citizen).get(url(cast, "processes", published.pk)).json()
    assert [p["name"] for p in body["phases"]] == [published.current_phase.name, "Progettazione"]
    assert body["phases"][1]["id"] == later.pk
    assert body["current_phase"]["id"] == published.current_phase_id
    assert body["open_for"] == {"proposals": True, "supports": True, "comments": True}
    assert body["evidence"] is None
    assert body["transitions"] == []
    assert api_as(cast.coordinator).get(url(cast, "processes", published.pk)).json()["transitions"] == ["close"]


def test_detail_open_for_follows_the_phase(cast, api_as):
    process = open_process(cast.network, proposals=False, supports=True, comments=False)
    body = api_as(cast.citizen).get(url(cast, "processes", process.pk)).json()
    assert body["open_for"] == {"proposals": False, "supports": True, "comments": False}
    Phase.objects.filter(pk=process.current_phase_id).update(ends_on=timezone.localdate() - timedelta(days=1))
    body = api_as(cast.citizen).get(url(cast, "processes", process.pk)).json()
    assert body["open_for"] == {"proposals": False, "supports": False, "comments": False}


def test_outsiders_get_404(cast, api_as, processes):
    client = api_as(cast.outsider)
    assert client.get(url(cast, "processes")).status_code == 404
    assert client.get(url(cast, "processes", processes["published"].pk)).status_code == 404
    # A process of another network does not exist in this one, even for its own coordinator.
    elsewhere = open_process(cast.other_network)
    assert api_as(cast.coordinator).get(url(cast, "processes", elsewhere.pk)).status_code == 404


def test_unauthenticated_gets_401(cast, api_as, processes):
    assert api_as(None).get(url(cast, "processes")).status_code == 401


def _evidence(people: int) -> dict:
    return {
        "source": "demand",
        "demand": 7,
        "title": "Casa per giovani coppie",
        "summary": f"{people} giovani coppie cercano casa",
        "needs": people,
        "people": people,
        "areas": [{"name": "Casa", "needs": people}],
        "municipality": "Cremona",
        "target_group": "Famiglie",
        "time_windows": [],
        "recorded_on": "2026-11-30",
    }


@pytest.mark.parametrize("persona", NO_SMALL_NUMBERS)
def test_small_evidence_is_hidden_as_on_the_page(cast, api_as, persona):
    process = open_process(cast.network, evidence=_evidence(4))
    evidence = api_as(cast.users[persona]).get(url(cast, "processes", process.pk)).json()["evidence"]
    assert evidence == {
        "title": "Casa per giovani coppie",
        "summary": "",
        "needs": None,
        "people": None,
        "small": True,
        "areas": [],
        "municipality": "Cremona",
        "target_group": "Famiglie",
        "recorded_on": "2026-11-30",
        "demand": 7,
    }


@pytest.mark.parametrize("persona", ["coordinator", "community_worker", "case_manager"])
def test_small_evidence_is_shown_to_who_sees_small_numbers(cast, api_as, persona):
    process = open_process(cast.network, evidence=_evidence(4))
    evidence = api_as(cast.users[persona]).get(url(cast, "processes", process.pk)).json()["evidence"]
    assert evidence["small"] is False and evidence["people"] == 4 and evidence["needs"] == 4
    assert evidence["summary"] == "4 giovani coppie cercano casa" and evidence["areas"] == [
        {"name": "Casa", "needs": 4}
    ]


@pytest.mark.parametrize("persona", ["funder", "citizen", "coordinator"])
def test_evidence_of_five_is_shown_to_everyone(cast, api_as, persona):
    process = open_process(cast.network, evidence=_evidence(5))
    evidence = api_as(cast.users[persona]).get(url(cast, "processes", process.pk)).json()["evidence"]
    assert evidence["small"] is False and evidence["people"] == 5
    assert evidence["summary"] == "5 giovani coppie cercano casa"


def test_the_evidence_of_a_real_demand_keeps_to_the_rule(cast, api_as):
    from legami.aggregation.models import AggregatedDemand, DemandStatus
    from legami.needs.tests.factories import NeedAreaFactory
    from legami.participation.services.processes import create_process_from_demand

    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title="Compagnia per anziani",
        summary="3 anziani soli chiedono compagnia",
        area=NeedAreaFactory(network=cast.network, code="relazioni", name="Relazioni"),
        target_group="elderly",
        municipality=cast.municipalities[0],
        need_count=3,
        people_count=3,
        status=DemandStatus.ACCEPTED,
    )
    process = create_process_from_demand(actor=cast.coordinator, demand=demand)
    shown = api_as(cast.coordinator).get(url(cast, "processes", process.pk)).json()["evidence"]
    assert shown["people"] == 3 and shown["demand"] == demand.pk
    # A draft: the funder does not see it at all; published, the figures stay hidden.
    assert api_as(cast.funder).get(url(cast, "processes", process.pk)).status_code == 404
    Process.objects.filter(pk=process.pk).update(status=ProcessStatus.PUBLISHED)
    hidden = api_as(cast.funder).get(url(cast, "processes", process.pk)).json()["evidence"]
    assert hidden["small"] is True and hidden["people"] is None and "anziani soli" not in str(hidden)


# --- writing processes ---------------------------------------------------------------------------------------


def _process_payload(**change):
    return {"title": "Laboratorio di Borgo Loreto", "kind": "community_lab", "summary": "Ascoltarsi", **change}


@pytest.mark.parametrize("persona", MANAGERS)
def test_create(cast, api_as, persona):
    neighbourhood = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Po")
    payload = _process_payload(
        life_context="neighbourhood",
        description="Chi lo promuove e perché",
        municipalities=["019036"],
        neighbourhood=neighbourhood.pk,
        support_limit=3,
    )
    response = api_as(cast.users[persona]).post(url(cast, "processes"), payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["phases"] == [] and body["current_phase"] is None
    assert body["municipalities"] == [{"istat_code": "019036", "name": "Cremona"}]
    assert body["neighbourhood"] == {"id": neighbourhood.pk, "name": "Po"} and body["support_limit"] == 3
    assert body["transitions"] == ["publish"]
    process = Process.objects.get()
    assert process.created_by == cast.users[persona] and process.life_context == "neighbourhood"
    assert AuditEvent.objects.filter(action="create", object_id=str(process.pk), actor=cast.users[persona]).exists()


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_create_refused(cast, api_as, persona):
    assert api_as(cast.users[persona]).post(url(cast, "processes"), _process_payload()).status_code == 403
    assert not Process.objects.exists()


def test_create_outsider(cast, api_as):
    assert api_as(cast.outsider).post(url(cast, "processes"), _process_payload()).status_code == 404
    assert not Process.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"title": ""}, "title", "string_too_short"),
        ({"title": "x" * 201}, "title", "string_too_long"),
        ({"title": "   "}, "title", "required"),
        ({"summary": ""}, "summary", "string_too_short"),
        ({"kind": "festa"}, "kind", "literal_error"),
        ({"life_context": "spiaggia"}, "life_context", "literal_error"),
        ({"municipalities": ["19036"]}, 0, "string_pattern_mismatch"),
        ({"municipalities": ["999999"]}, "municipalities", "unknown_municipality"),
        ({"municipalities": ["019001"]}, "municipalities", "invalid_choice"),
        ({"neighbourhood": 0}, "neighbourhood", "greater_than_equal"),
        ({"neighbourhood": 99999}, "neighbourhood", "invalid_choice"),
        ({"support_limit": 101}, "support_limit", "less_than_equal"),
        ({"support_limit": -1}, "support_limit", "greater_than_equal"),
        ({"colore": "rosso"}, "colore", "extra_forbidden"),
    ],
)
def test_create_bad_input(cast, api_as, change, field, code):
    f.MunicipalityFactory(istat_code="019001", name="Acquanegra Cremonese")  # a Comune outside the territory
    response = api_as(cast.coordinator).post(url(cast, "processes"), _process_payload(**change))
    assert (str(field), code) in loc_and_types(response)
    assert not Process.objects.exists()


def test_create_neighbourhood_outside_the_comuni(cast, api_as):
    in_crema = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[1])
    payload = _process_payload(municipalities=["019036"], neighbourhood=in_crema.pk)
    response = api_as(cast.coordinator).post(url(cast, "processes"), payload)
    assert loc_and_types(response) == {("neighbourhood", "outside")}


def test_bad_input_of_a_refused_caller_is_not_read(cast, api_as):
    response = api_as(cast.citizen).post(url(cast, "processes"), {"title": ""})
    assert response.status_code == 403 and "title" not in response.content.decode()


@pytest.mark.parametrize("persona", MANAGERS)
def test_update(cast, api_as, processes, persona):
    draft = processes["draft"]
    client = api_as(cast.users[persona])
    response = client.patch(
        url(cast, "processes", draft.pk), {"title": "Co-progettazione", "municipalities": ["019035"]}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Co-progettazione" and body["kind"] == "co_design"
    assert body["municipalities"] == [{"istat_code": "019035", "name": "Crema"}]
    cleared = client.patch(url(cast, "processes", draft.pk), {"municipalities": []}).json()
    assert cleared["municipalities"] == [] and cleared["title"] == "Co-progettazione"
    draft.refresh_from_db()
    assert draft.title == "Co-progettazione" and draft.summary == ProcessFactory.summary


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_update_refused(cast, api_as, processes, persona):
    published = processes["published"]
    response = api_as(cast.users[persona]).patch(url(cast, "processes", published.pk), {"title": "Altro"})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Laboratorio del Po"


def test_update_outsider_and_missing(cast, api_as, processes):
    assert api_as(cast.outsider).patch(url(cast, "processes", processes["draft"].pk), {"title": "x"}).status_code == 404
    assert api_as(cast.coordinator).patch(url(cast, "processes", 999999), {"title": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"title": ""}, "title", "string_too_short"),
        ({"title": None}, "title", "string_type"),
        ({"kind": None}, "kind", "literal_error"),
        ({"support_limit": 500}, "support_limit", "less_than_equal"),
        ({"municipalities": ["000000"]}, "municipalities", "unknown_municipality"),
        ({"status": "published"}, "status", "extra_forbidden"),
    ],
)
def test_update_bad_input(cast, api_as, processes, change, field, code):
    draft = processes["draft"]
    response = api_as(cast.coordinator).patch(url(cast, "processes", draft.pk), change)
    assert (field, code) in loc_and_types(response)
    draft.refresh_from_db()
    assert draft.title == "Bozza" and draft.status == "draft"


def test_update_neighbourhood_must_be_in_the_comuni(cast, api_as, processes):
    published = processes["published"]  # in Cremona
    in_crema = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[1])
    response = api_as(cast.coordinator).patch(url(cast, "processes", published.pk), {"neighbourhood": in_crema.pk})
    assert loc_and_types(response) == {("neighbourhood", "outside")}


# --- moving processes ----------------------------------------------------------------------------------------


def test_publish_close_reopen(cast, api_as, processes):
    draft = processes["draft"]
    first = PhaseFactory(process=draft, name="Ascolto", position=0)
    PhaseFactory(process=draft, name="Progettazione", position=1)
    client = api_as(cast.community_worker)
    published = client.post(url(cast, "processes", draft.pk, "publish"), {"note": "si parte"})
    assert published.status_code == 200, published.content
    body = published.json()
    assert body["status"] == "published" and body["current_phase"]["id"] == first.pk and body["published_at"]
    assert body["transitions"] == ["close"]
    closed = client.post(url(cast, "processes", draft.pk, "close"), {})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["open_for"] == {"proposals": False, "supports": False, "comments": False}
    reopened = client.post(url(cast, "processes", draft.pk, "reopen"), {"note": ""})
    assert reopened.status_code == 200 and reopened.json()["status"] == "published"
    history = list(draft.events.order_by("id").values_list("from_status", "to_status", "note"))
    assert history[-3:] == [
        ("draft", "published", "si parte"),
        ("published", "closed", ""),
        ("closed", "published", ""),
    ]


def test_publish_without_a_phase_is_a_conflict(cast, api_as, processes):
    draft = processes["draft"]
    response = api_as(cast.coordinator).post(url(cast, "processes", draft.pk, "publish"), {})
    assert response.status_code == 409
    assert "phase" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize(
    ("which", "move"),
    [
        ("published", "publish"),
        ("published", "reopen"),
        ("draft", "close"),
        ("draft", "reopen"),
        ("closed", "close"),
        ("closed", "publish"),
    ],
)
def test_moves_the_table_lacks_are_conflicts(cast, api_as, processes, which, move):
    process = processes[which]
    PhaseFactory(process=process)
    response = api_as(cast.coordinator).post(url(cast, "processes", process.pk, move), {})
    assert response.status_code == 409, response.content
    process.refresh_from_db()
    assert process.status == {"published": "published", "draft": "draft", "closed": "closed"}[which]


@pytest.mark.parametrize("persona", NOT_MANAGERS)
@pytest.mark.parametrize(("which", "move"), [("draft", "publish"), ("published", "close"), ("closed", "reopen")])
def test_moves_refused(cast, api_as, processes, persona, which, move):
    process = processes[which]
    PhaseFactory(process=process)
    response = api_as(cast.users[persona]).post(url(cast, "processes", process.pk, move), {})
    assert response.status_code == 403
    process.refresh_from_db()
    assert process.status == which


@pytest.mark.parametrize("move", ["publish", "close", "reopen"])
def test_moves_of_outsiders(cast, api_as, processes, move):
    assert api_as(cast.outsider).post(url(cast, "processes", processes["draft"].pk, move), {}).status_code == 404


def test_move_note_too_long(cast, api_as, processes):
    process = processes["published"]
    response = api_as(cast.coordinator).post(url(cast, "processes", process.pk, "close"), {"note": "x" * 501})
    assert loc_and_types(response) == {("note", "string_too_long")}
    process.refresh_from_db()
    assert process.status == "published"


# --- phases --------------------------------------------------------------------------------------------------


def _phase_payload(**change):
    today = timezone.localdate()
    return {"name": "Ascolto", "starts_on": str(today), "ends_on": str(today + timedelta(days=30)), **change}


@pytest.mark.parametrize("persona", MANAGERS)
def test_create_phase(cast, api_as, processes, persona):
    draft = processes["draft"]
    client = api_as(cast.users[persona])
    response = client.post(url(cast, "processes", draft.pk, "phases"), _phase_payload(proposals_open=True))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Ascolto" and body["position"] == 0 and body["proposals_open"] is True
    assert body["supports_open"] is False
    second = client.post(url(cast, "processes", draft.pk, "phases"), _phase_payload(name="Proposte")).json()
    assert second["position"] == 1
    assert [p.name for p in draft.phases.all()] == ["Ascolto", "Proposte"]


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_create_phase_refused(cast, api_as, processes, persona):
    published = processes["published"]
    response = api_as(cast.users[persona]).post(url(cast, "processes", published.pk, "phases"), _phase_payload())
    assert response.status_code == 403
    assert published.phases.count() == 1


def test_create_phase_outsider(cast, api_as, processes):
    published = processes["published"]
    response = api_as(cast.outsider).post(url(cast, "processes", published.pk, "phases"), _phase_payload())
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"name": ""}, "name", "string_too_short"),
        ({"name": "x" * 121}, "name", "string_too_long"),
        ({"starts_on": "31/12/2026"}, "starts_on", "value_error"),
        ({"ends_on": str(timezone.localdate() - timedelta(days=1))}, "ends_on", "dates_order"),
        ({"position": 101}, "position", "less_than_equal"),
        ({"supports_open": "forse"}, "supports_open", "bool_parsing"),
    ],
)
def test_create_phase_bad_input(cast, api_as, processes, change, field, code):
    draft = processes["draft"]
    response = api_as(cast.coordinator).post(url(cast, "processes", draft.pk, "phases"), _phase_payload(**change))
    assert (field, code) in loc_and_types(response)
    assert not draft.phases.exists()


def test_create_phase_missing_dates(cast, api_as, processes):
    response = api_as(cast.coordinator).post(url(cast, "processes", processes["draft"].pk, "phases"), {"name": "A"})
    assert loc_and_types(response) == {("starts_on", "missing"), ("ends_on", "missing")}


@pytest.mark.parametrize("persona", MANAGERS)
def test_update_phase(cast, api_as, processes, persona):
    phase = processes["published"].current_phase
    response = api_as(cast.users[persona]).patch(
        url(cast, "phases", phase.pk), {"name": "Ascolto", "comments_open": False}
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Ascolto" and response.json()["comments_open"] is False
    phase.refresh_from_db()
    assert phase.name == "Ascolto" and phase.comments_open is False and phase.supports_open is True


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_update_phase_refused(cast, api_as, processes, persona):
    phase = processes["published"].current_phase
    assert api_as(cast.users[persona]).patch(url(cast, "phases", phase.pk), {"name": "x"}).status_code == 403


def test_update_phase_outsider_and_other_network(cast, api_as, processes):
    phase = processes["published"].current_phase
    assert api_as(cast.outsider).patch(url(cast, "phases", phase.pk), {"name": "x"}).status_code == 404
    elsewhere = open_process(cast.other_network).current_phase
    assert api_as(cast.coordinator).patch(url(cast, "phases", elsewhere.pk), {"name": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"name": ""}, "name", "string_too_short"),
        ({"ends_on": "2000-01-01"}, "ends_on", "dates_order"),
        ({"position": -1}, "position", "greater_than_equal"),
        ({"process": 1}, "process", "extra_forbidden"),
    ],
)
def test_update_phase_bad_input(cast, api_as, processes, change, field, code):
    phase = processes["published"].current_phase
    name = phase.name
    response = api_as(cast.coordinator).patch(url(cast, "phases", phase.pk), change)
    assert (field, code) in loc_and_types(response)
    phase.refresh_from_db()
    assert phase.name == name and phase.ends_on > timezone.localdate()


@pytest.mark.parametrize("persona", MANAGERS)
def test_delete_phase(cast, api_as, processes, persona):
    phase = PhaseFactory(process=processes["draft"])
    response = api_as(cast.users[persona]).delete(url(cast, "phases", phase.pk))
    assert response.status_code == 204
    assert not Phase.objects.filter(pk=phase.pk).exists()


def test_delete_current_phase_is_a_conflict(cast, api_as, processes):
    published = processes["published"]
    PhaseFactory(process=published, position=1)
    response = api_as(cast.coordinator).delete(url(cast, "phases", published.current_phase_id))
    assert response.status_code == 409
    assert Phase.objects.filter(pk=published.current_phase_id).exists()


def test_delete_the_last_phase_of_a_published_process_is_a_conflict(cast, api_as, processes):
    published = processes["published"]
    other = PhaseFactory(process=published, position=1)
    Process.objects.filter(pk=published.pk).update(current_phase=other)
    client = api_as(cast.coordinator)
    assert client.delete(url(cast, "phases", published.phases.exclude(pk=other.pk).get().pk)).status_code == 204
    Process.objects.filter(pk=published.pk).update(current_phase=None)
    assert client.delete(url(cast, "phases", other.pk)).status_code == 409
    assert Phase.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_delete_phase_refused(cast, api_as, processes, persona):
    phase = PhaseFactory(process=processes["draft"])
    assert api_as(cast.users[persona]).delete(url(cast, "phases", phase.pk)).status_code == 403
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_delete_phase_outsider_and_bad_id(cast, api_as, processes):
    phase = PhaseFactory(process=processes["draft"])
    assert api_as(cast.outsider).delete(url(cast, "phases", phase.pk)).status_code == 404
    assert loc_and_types(api_as(cast.coordinator).delete(url(cast, "phases", 0))) == {("id", "greater_than_equal")}
    assert Phase.objects.filter(pk=phase.pk).exists()


@pytest.mark.parametrize("persona", MANAGERS)
def test_set_the_current_phase(cast, api_as, processes, persona):
    published = processes["published"]
    later = PhaseFactory(process=published, name="Progettazione", position=1)
    response = api_as(cast.users[persona]).post(
        url(cast, "processes", published.pk, "current-phase"), {"phase": later.pk, "note": "avanti"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["current_phase"] == {"id": later.pk, "name": "Progettazione"}
    published.refresh_from_db()
    assert published.current_phase == later
    assert "avanti" in published.events.order_by("-id").first().note


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_set_the_current_phase_refused(cast, api_as, processes, persona):
    published = processes["published"]
    later = PhaseFactory(process=published, position=1)
    response = api_as(cast.users[persona]).post(
        url(cast, "processes", published.pk, "current-phase"), {"phase": later.pk}
    )
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.current_phase != later


def test_set_the_current_phase_outsider(cast, api_as, processes):
    published = processes["published"]
    response = api_as(cast.outsider).post(
        url(cast, "processes", published.pk, "current-phase"), {"phase": published.current_phase_id}
    )
    assert response.status_code == 404


def test_set_the_current_phase_of_another_process(cast, api_as, processes):
    published = processes["published"]
    before = published.current_phase_id
    foreign = PhaseFactory(process=processes["closed"])
    client = api_as(cast.coordinator)
    response = client.post(url(cast, "processes", published.pk, "current-phase"), {"phase": foreign.pk})
    assert loc_and_types(response) == {("phase", "invalid_choice")}
    assert loc_and_types(client.post(url(cast, "processes", published.pk, "current-phase"), {})) == {
        ("phase", "missing")
    }
    published.refresh_from_db()
    assert published.current_phase_id == before


# --- meetings ------------------------------------------------------------------------------------------------

from legami.participation.models import Meeting, Proposal, Registration, Support  # noqa: E402
from legami.participation.tests.factories_meetings import MeetingFactory, RegistrationFactory, in_days  # noqa: E402
from legami.participation.tests.factories_proposals import ProposalFactory, SupportFactory  # noqa: E402

TAKE_PART_ROLES = [*MANAGERS, *NOT_MANAGERS]


@pytest.fixture
def meeting(cast, processes):
    return MeetingFactory(process=processes["published"], title="Primo incontro", capacity=2)


def _meeting_payload(**change):
    return {
        "title": "Incontro di quartiere",
        "starts_at": in_days(5, 18).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": in_days(5, 20).strftime("%Y-%m-%dT%H:%M"),
        "online_url": "https://meet.example.org/quartiere",
        **change,
    }


@pytest.mark.parametrize("persona", TAKE_PART_ROLES)
def test_meetings_list(cast, api_as, processes, meeting, persona):
    MeetingFactory(process=processes["published"], title="Passato", starts_at=in_days(-3), ends_at=in_days(-3, 20))
    MeetingFactory(process=processes["published"], title="Annullato", status="cancelled", starts_at=in_days(9))
    client = api_as(cast.users[persona])
    path = url(cast, "processes", processes["published"].pk, "meetings")
    body = client.get(path).json()
    assert [m["title"] for m in body["items"]] == ["Passato", "Primo incontro", "Annullato"]
    assert body["items"][1]["places_left"] == 2 and body["items"][1]["capacity"] == 2
    assert [m["title"] for m in client.get(path, {"when": "upcoming"}).json()["items"]] == [
        "Primo incontro",
        "Annullato",
    ]
    assert [m["title"] for m in client.get(path, {"when": "past"}).json()["items"]] == ["Passato"]
    assert [m["title"] for m in client.get(path, {"status": "cancelled"}).json()["items"]] == ["Annullato"]
    page = client.get(path, {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and [m["title"] for m in page["items"]] == ["Annullato"]


def test_meetings_of_a_draft_are_invisible_to_non_managers(cast, api_as, processes):
    hidden = MeetingFactory(process=processes["draft"])
    path = url(cast, "processes", processes["draft"].pk, "meetings")
    assert api_as(cast.citizen).get(path).status_code == 404
    assert api_as(cast.citizen).get(url(cast, "meetings", hidden.pk)).status_code == 404
    assert api_as(cast.coordinator).get(path).json()["count"] == 1
    assert api_as(cast.community_worker).get(url(cast, "meetings", hidden.pk)).status_code == 200


def test_meetings_outsider(cast, api_as, processes, meeting):
    client = api_as(cast.outsider)
    assert client.get(url(cast, "processes", processes["published"].pk, "meetings")).status_code == 404
    assert client.get(url(cast, "meetings", meeting.pk)).status_code == 404
    assert client.put(url(cast, "meetings", meeting.pk, "registration")).status_code == 404
    assert client.get(url(cast, "meetings", meeting.pk, "registrations")).status_code == 404


@pytest.mark.parametrize(("params", "field"), [({"when": "ieri"}, "when"), ({"status": "rinviato"}, "status")])
def test_meetings_list_bad_filters(cast, api_as, processes, params, field):
    path = url(cast, "processes", processes["published"].pk, "meetings")
    assert (field, "literal_error") in loc_and_types(api_as(cast.citizen).get(path, params))


def test_meeting_detail_with_my_registration(cast, api_as, meeting):
    place = f.PlaceFactory(
        network=cast.network, municipality=cast.municipalities[0], name="Casa Po", address="Via Po 1"
    )
    Meeting.objects.filter(pk=meeting.pk).update(place=place)
    RegistrationFactory(meeting=meeting, user=cast.coordinator)
    RegistrationFactory(meeting=meeting, user=cast.community_worker)
    RegistrationFactory(meeting=meeting, user=cast.citizen, status="waiting")
    body = api_as(cast.citizen).get(url(cast, "meetings", meeting.pk)).json()
    assert body["my_registration"] == {"status": "waiting", "waiting_position": 1}
    assert body["places_left"] == 0 and body["waiting_count"] == 1
    assert body["place"] == {
        "id": place.pk,
        "name": "Casa Po",
        "address": "Via Po 1",
        "municipality": {"istat_code": "019036", "name": "Cremona"},
    }
    assert body["process"]["id"] == meeting.process_id
    assert api_as(cast.funder).get(url(cast, "meetings", meeting.pk)).json()["my_registration"] is None
    # Nobody's name is in the meeting itself.
    assert "Citizen" not in api_as(cast.funder).get(url(cast, "meetings", meeting.pk)).content.decode()


@pytest.mark.parametrize("persona", MANAGERS)
def test_create_meeting(cast, api_as, processes, persona):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    path = url(cast, "processes", processes["published"].pk, "meetings")
    response = api_as(cast.users[persona]).post(path, _meeting_payload(place=place.pk, capacity=30))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Incontro di quartiere" and body["place"]["id"] == place.pk and body["capacity"] == 30
    assert body["status"] == "scheduled" and body["my_registration"] is None
    created = Meeting.objects.get()
    assert created.starts_at == in_days(5, 18) and created.process == processes["published"]


def test_create_meeting_with_an_offset(cast, api_as, processes):
    path = url(cast, "processes", processes["published"].pk, "meetings")
    payload = _meeting_payload(starts_at="2030-06-01T16:00:00Z", ends_at="2030-06-01T19:00:00+02:00")
    response = api_as(cast.coordinator).post(path, payload)
    assert response.status_code == 201, response.content
    created = Meeting.objects.get()
    assert created.starts_at.isoformat() == "2030-06-01T16:00:00+00:00"
    assert (created.ends_at - created.starts_at).total_seconds() == 3600


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_create_meeting_refused(cast, api_as, processes, persona):
    path = url(cast, "processes", processes["published"].pk, "meetings")
    assert api_as(cast.users[persona]).post(path, _meeting_payload()).status_code == 403
    assert not Meeting.objects.exists()


def test_create_meeting_outsider(cast, api_as, processes):
    path = url(cast, "processes", processes["published"].pk, "meetings")
    assert api_as(cast.outsider).post(path, _meeting_payload()).status_code == 404


def test_create_meeting_in_a_closed_process_is_a_conflict(cast, api_as, processes):
    path = url(cast, "processes", processes["closed"].pk, "meetings")
    response = api_as(cast.coordinator).post(path, _meeting_payload())
    assert response.status_code == 409 and "closed" in response.json()["detail"]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"title": ""}, "title", "string_too_short"),
        ({"starts_at": "05/12/2030 18:00"}, "starts_at", "value_error"),
        ({"starts_at": 1900000000}, "starts_at", "value_error"),
        ({"starts_at": "2030-12-05"}, "starts_at", "value_error"),
        ({"starts_at": "2200-12-05T18:00"}, "starts_at", "value_error"),
        ({"ends_at": in_days(5, 17).strftime("%Y-%m-%dT%H:%M")}, "ends_at", "ends_before_start"),
        ({"online_url": "", "place": None}, "place", "place_or_link"),
        ({"online_url": "non è un indirizzo"}, "online_url", "invalid"),
        ({"place": 999999}, "place", "invalid_choice"),
        ({"capacity": 0}, "capacity", "greater_than_equal"),
        ({"registrations_open": "forse"}, "registrations_open", "bool_parsing"),
        ({"status": "cancelled"}, "status", "extra_forbidden"),
    ],
)
def test_create_meeting_bad_input(cast, api_as, processes, change, field, code):
    path = url(cast, "processes", processes["published"].pk, "meetings")
    response = api_as(cast.coordinator).post(path, _meeting_payload(**change))
    assert (field, code) in loc_and_types(response)
    assert not Meeting.objects.exists()


def test_a_place_of_another_network_is_refused(cast, api_as, processes):
    elsewhere = f.PlaceFactory(network=cast.other_network, municipality=cast.municipalities[0])
    path = url(cast, "processes", processes["published"].pk, "meetings")
    assert ("place", "invalid_choice") in loc_and_types(
        api_as(cast.coordinator).post(path, _meeting_payload(place=elsewhere.pk))
    )


@pytest.mark.parametrize("persona", MANAGERS)
def test_cancel_meeting(cast, api_as, meeting, persona, mailoutbox, django_capture_on_commit_callbacks):
    RegistrationFactory(meeting=meeting, user=cast.citizen)
    client = api_as(cast.users[persona])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(cast, "meetings", meeting.pk, "cancel"), {"note": "Maltempo"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert [m.to for m in mailoutbox] == [[cast.citizen.email]] and "Maltempo" in mailoutbox[0].body
    again = client.post(url(cast, "meetings", meeting.pk, "cancel"), {"note": "Ancora"})
    assert again.status_code == 409


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_cancel_meeting_refused(cast, api_as, meeting, persona):
    response = api_as(cast.users[persona]).post(url(cast, "meetings", meeting.pk, "cancel"), {"note": "No"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_cancel_meeting_outsider(cast, api_as, meeting):
    assert api_as(cast.outsider).post(url(cast, "meetings", meeting.pk, "cancel"), {"note": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({}, "note", "missing"),
        ({"note": ""}, "note", "string_too_short"),
        ({"note": "x" * 301}, "note", "string_too_long"),
    ],
)
def test_cancel_meeting_bad_input(cast, api_as, meeting, payload, field, code):
    response = api_as(cast.coordinator).post(url(cast, "meetings", meeting.pk, "cancel"), payload)
    assert (field, code) in loc_and_types(response)
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


@pytest.mark.parametrize("persona", TAKE_PART_ROLES)
def test_register_and_unregister(cast, api_as, meeting, persona):
    client = api_as(cast.users[persona])
    path = url(cast, "meetings", meeting.pk, "registration")
    response = client.put(path)
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "registered", "waiting_position": None}
    # A second PUT changes nothing.
    assert client.put(path).json() == {"status": "registered", "waiting_position": None}
    assert Registration.objects.filter(meeting=meeting, user=cast.users[persona], status="registered").count() == 1
    assert client.delete(path).status_code == 204
    assert Registration.objects.get(meeting=meeting, user=cast.users[persona]).status == "cancelled"
    assert client.delete(path).status_code == 409


def test_the_waiting_list_and_its_promotion(cast, api_as, meeting):
    for persona in ("coordinator", "community_worker"):
        assert api_as(cast.users[persona]).put(url(cast, "meetings", meeting.pk, "registration")).status_code == 200
    waiting = api_as(cast.citizen).put(url(cast, "meetings", meeting.pk, "registration")).json()
    assert waiting == {"status": "waiting", "waiting_position": 1}
    second = api_as(cast.funder).put(url(cast, "meetings", meeting.pk, "registration")).json()
    assert second == {"status": "waiting", "waiting_position": 2}
    assert api_as(cast.coordinator).delete(url(cast, "meetings", meeting.pk, "registration")).status_code == 204
    mine = api_as(cast.citizen).get(url(cast, "meetings", meeting.pk)).json()["my_registration"]
    assert mine == {"status": "registered", "waiting_position": None}
    funder = api_as(cast.funder).get(url(cast, "meetings", meeting.pk)).json()["my_registration"]
    assert funder == {"status": "waiting", "waiting_position": 1}


@pytest.mark.parametrize(
    ("change", "code_word"),
    [
        ({"status": "cancelled"}, "cancelled"),
        ({"registrations_open": False}, "closed"),
        ({"starts_at": in_days(-1), "ends_at": in_days(1)}, "started"),
    ],
)
def test_register_refusals_are_conflicts(cast, api_as, meeting, change, code_word):
    Meeting.objects.filter(pk=meeting.pk).update(**change)
    response = api_as(cast.citizen).put(url(cast, "meetings", meeting.pk, "registration"))
    assert response.status_code == 409 and code_word in response.json()["detail"]
    assert not Registration.objects.exists()


def test_register_for_a_closed_process_is_a_conflict(cast, api_as, processes):
    closed_meeting = MeetingFactory(process=processes["closed"])
    response = api_as(cast.citizen).put(url(cast, "meetings", closed_meeting.pk, "registration"))
    assert response.status_code == 409
    assert not Registration.objects.exists()


def test_register_bad_id(cast, api_as, meeting):
    response = api_as(cast.citizen).put(url(cast, "meetings", 0, "registration"))
    assert loc_and_types(response) == {("id", "greater_than_equal")}
    assert api_as(cast.citizen).put(url(cast, "meetings", 999999, "registration")).status_code == 404


@pytest.mark.parametrize("persona", MANAGERS)
def test_registrations_list(cast, api_as, meeting, persona):
    RegistrationFactory(meeting=meeting, user=cast.citizen)
    RegistrationFactory(meeting=meeting, user=cast.funder)
    RegistrationFactory(meeting=meeting, user=cast.evaluator, status="waiting")
    RegistrationFactory(meeting=meeting, user=cast.partner_staff, status="cancelled")
    body = api_as(cast.users[persona]).get(url(cast, "meetings", meeting.pk, "registrations")).json()
    assert [(r["name"], r["status"], r["waiting_position"]) for r in body] == [
        ("Citizen", "registered", None),
        ("Funder", "registered", None),
        ("Evaluator", "waiting", 1),
        ("Partner Staff", "cancelled", None),
    ]
    assert all(r["attended"] is None for r in body)


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_registrations_list_refused(cast, api_as, meeting, persona):
    RegistrationFactory(meeting=meeting, user=cast.citizen)
    response = api_as(cast.users[persona]).get(url(cast, "meetings", meeting.pk, "registrations"))
    assert response.status_code == 403 and "Citizen" not in response.content.decode()


# --- proposals -----------------------------------------------------------------------------------------------


@pytest.fixture
def open_one(cast):
    """A published process open for proposals and supports, with a support limit of 2."""
    process = open_process(cast.network, title="Bilancio partecipativo", support_limit=2)
    return process


def _proposals(open_one, cast, n=3):
    return [
        ProposalFactory(process=open_one, author=cast.citizen, title=f"Proposta {i}", body=f"Testo {i}")
        for i in range(n)
    ]


@pytest.mark.parametrize("persona", TAKE_PART_ROLES)
def test_proposals_list(cast, api_as, open_one, persona):
    _proposals(open_one, cast)
    body = api_as(cast.users[persona]).get(url(cast, "processes", open_one.pk, "proposals")).json()
    assert body["count"] == 3
    assert [p["title"] for p in body["items"]] == ["Proposta 2", "Proposta 1", "Proposta 0"]
    assert body["items"][0]["author"] == "Citizen" and body["items"][0]["supported"] is False


def test_proposals_list_search_filters_sort_and_pages(cast, api_as, open_one):
    from legami.needs.tests.factories import NeedAreaFactory

    area = NeedAreaFactory(network=cast.network, code="verde", name="Verde")
    first, second, third = _proposals(open_one, cast)
    Proposal.objects.filter(pk=second.pk).update(area=area, body="Orti condivisi al parco")
    Proposal.objects.filter(pk=first.pk).update(status="accepted")
    SupportFactory(proposal=third, user=cast.funder)
    SupportFactory(proposal=first, user=cast.funder)
    SupportFactory(proposal=first, user=cast.evaluator)
    client = api_as(cast.funder)
    path = url(cast, "processes", open_one.pk, "proposals")
    assert [p["id"] for p in client.get(path, {"search": "ORTI"}).json()["items"]] == [second.pk]
    assert [p["id"] for p in client.get(path, {"area": area.pk}).json()["items"]] == [second.pk]
    assert [p["id"] for p in client.get(path, {"status": "accepted"}).json()["items"]] == [first.pk]
    ranked = client.get(path, {"sort": "most_supported"}).json()["items"]
    assert [p["id"] for p in ranked] == [first.pk, third.pk, second.pk]
    assert [p["supported"] for p in ranked] == [True, True, False]
    shuffled = [p["id"] for p in client.get(path, {"sort": "random"}).json()["items"]]
    assert sorted(shuffled) == sorted([first.pk, second.pk, third.pk])
    assert shuffled == [p["id"] for p in client.get(path, {"sort": "random"}).json()["items"]]
    pages = [client.get(path, {"page_size": 2, "page": n}).json() for n in (1, 2)]
    assert pages[0]["count"] == 3 and len(pages[0]["items"]) == 2 and len(pages[1]["items"]) == 1


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"sort": "alfabetico"}, "sort", "literal_error"),
        ({"status": "bozza"}, "status", "literal_error"),
        ({"area": 0}, "area", "greater_than_equal"),
        ({"search": "x" * 201}, "search", "string_too_long"),
    ],
)
def test_proposals_list_bad_filters(cast, api_as, open_one, params, field, code):
    path = url(cast, "processes", open_one.pk, "proposals")
    assert (field, code) in loc_and_types(api_as(cast.citizen).get(path, params))


def test_hidden_proposals_keep_their_words_for_the_moderators(cast, api_as, open_one):
    hidden, shown, _third = _proposals(open_one, cast)
    Proposal.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_reason="Dati personali")
    listed = api_as(cast.citizen).get(url(cast, "processes", open_one.pk, "proposals")).json()
    assert hidden.pk not in {p["id"] for p in listed["items"]} and listed["count"] == 2
    moderated = api_as(cast.coordinator).get(url(cast, "processes", open_one.pk, "proposals")).json()
    row = next(p for p in moderated["items"] if p["id"] == hidden.pk)
    assert row["hidden"] is True and row["title"] == "Proposta 0" and row["hidden_reason"] == "Dati personali"
    detail = api_as(cast.citizen).get(url(cast, "proposals", hidden.pk)).json()
    assert detail["title"] is None and detail["body"] is None and detail["hidden_reason"] == "Dati personali"
    assert "Testo 0" not in api_as(cast.funder).get(url(cast, "proposals", hidden.pk)).content.decode()
    assert api_as(cast.coordinator).get(url(cast, "proposals", hidden.pk)).json()["body"] == "Testo 0"
    assert api_as(cast.citizen).get(url(cast, "proposals", shown.pk)).json()["hidden_reason"] == ""


def test_proposals_of_a_draft_are_invisible_to_non_managers(cast, api_as, processes):
    draft_proposal = ProposalFactory(process=processes["draft"], phase=None)
    assert api_as(cast.citizen).get(url(cast, "processes", processes["draft"].pk, "proposals")).status_code == 404
    assert api_as(cast.citizen).get(url(cast, "proposals", draft_proposal.pk)).status_code == 404
    assert api_as(cast.coordinator).get(url(cast, "proposals", draft_proposal.pk)).status_code == 200


def test_proposals_outsider(cast, api_as, open_one):
    proposal = _proposals(open_one, cast, 1)[0]
    client = api_as(cast.outsider)
    assert client.get(url(cast, "processes", open_one.pk, "proposals")).status_code == 404
    assert client.get(url(cast, "proposals", proposal.pk)).status_code == 404
    assert client.post(url(cast, "processes", open_one.pk, "proposals"), {"title": "x", "body": "y"}).status_code == 404
    assert client.put(url(cast, "proposals", proposal.pk, "support")).status_code == 404
    assert client.post(url(cast, "proposals", proposal.pk, "answer"), {"status": "evaluating"}).status_code == 404
    assert client.post(url(cast, "proposals", proposal.pk, "withdraw"), {}).status_code == 404


@pytest.mark.parametrize("persona", TAKE_PART_ROLES)
def test_create_proposal(cast, api_as, open_one, persona):
    response = api_as(cast.users[persona]).post(
        url(cast, "processes", open_one.pk, "proposals"), {"title": "Doposcuola", "body": "Il martedì"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "published" and body["phase"]["id"] == open_one.current_phase_id
    assert body["author"] == cast.users[persona].full_name and body["support_count"] == 0
    assert Proposal.objects.get().author == cast.users[persona]


def test_create_proposal_on_behalf_of_ones_organisation(cast, api_as, open_one):
    path = url(cast, "processes", open_one.pk, "proposals")
    payload = {"title": "Doposcuola", "body": "Il martedì", "organization": cast.organization.pk}
    response = api_as(cast.partner_staff).post(path, payload)
    assert response.status_code == 201 and response.json()["organization"]["id"] == cast.organization.pk
    refused = api_as(cast.citizen).post(path, payload)
    assert loc_and_types(refused) == {("organization", "not_your_organization")}


def test_create_proposal_when_the_phase_is_closed_is_a_conflict(cast, api_as, processes):
    process = open_process(cast.network, proposals=False)
    response = api_as(cast.citizen).post(url(cast, "processes", process.pk, "proposals"), {"title": "A", "body": "B"})
    assert response.status_code == 409 and "Proposals cannot be made now" in response.json()["detail"]
    closed = processes["closed"]
    assert (
        api_as(cast.citizen)
        .post(url(cast, "processes", closed.pk, "proposals"), {"title": "A", "body": "B"})
        .status_code
        == 409
    )
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"title": ""}, "title", "string_too_short"),
        ({"title": "x" * 151}, "title", "string_too_long"),
        ({"body": "   "}, "body", "required"),
        ({"body": "x" * 10_001}, "body", "string_too_long"),
        ({"area": 999999}, "area", "invalid_choice"),
        ({"organization": 999999}, "organization", "invalid_choice"),
        ({"author": 1}, "author", "extra_forbidden"),
    ],
)
def test_create_proposal_bad_input(cast, api_as, open_one, change, field, code):
    payload = {"title": "Doposcuola", "body": "Il martedì", **change}
    response = api_as(cast.citizen).post(url(cast, "processes", open_one.pk, "proposals"), payload)
    assert (field, code) in loc_and_types(response)
    assert not Proposal.objects.exists()


def test_an_area_no_longer_in_use_is_refused(cast, api_as, open_one):
    from legami.needs.tests.factories import NeedAreaFactory

    old = NeedAreaFactory(network=cast.network, code="vecchia", is_active=False)
    payload = {"title": "Doposcuola", "body": "Il martedì", "area": old.pk}
    response = api_as(cast.citizen).post(url(cast, "processes", open_one.pk, "proposals"), payload)
    assert loc_and_types(response) == {("area", "inactive")}


@pytest.mark.parametrize("persona", TAKE_PART_ROLES)
def test_support_and_unsupport(cast, api_as, open_one, persona):
    proposal = _proposals(open_one, cast, 1)[0]
    client = api_as(cast.users[persona])
    path = url(cast, "proposals", proposal.pk, "support")
    response = client.put(path)
    assert response.status_code == 200, response.content
    assert response.json()["supported"] is True and response.json()["support_count"] == 1
    assert client.put(path).json()["support_count"] == 1  # a second PUT changes nothing
    assert Support.objects.filter(proposal=proposal).count() == 1
    taken_back = client.delete(path)
    assert taken_back.status_code == 200 and taken_back.json()["supported"] is False
    assert taken_back.json()["support_count"] == 0
    assert client.delete(path).status_code == 409


def test_the_support_limit(cast, api_as, open_one):
    proposals = _proposals(open_one, cast)
    client = api_as(cast.funder)
    for proposal in proposals[:2]:
        assert client.put(url(cast, "proposals", proposal.pk, "support")).status_code == 200
    refused = client.put(url(cast, "proposals", proposals[2].pk, "support"))
    assert refused.status_code == 409 and "2 supports" in refused.json()["detail"]
    assert not Support.objects.filter(proposal=proposals[2]).exists()


def test_support_when_supports_are_closed_is_a_conflict(cast, api_as):
    process = open_process(cast.network, supports=False)
    proposal = ProposalFactory(process=process)
    response = api_as(cast.citizen).put(url(cast, "proposals", proposal.pk, "support"))
    assert response.status_code == 409
    assert not Support.objects.exists()


def test_support_bad_id(cast, api_as, open_one):
    assert loc_and_types(api_as(cast.citizen).put(url(cast, "proposals", 0, "support"))) == {
        ("id", "greater_than_equal")
    }


@pytest.mark.parametrize("persona", MANAGERS)
@pytest.mark.parametrize(("status", "answer"), [("evaluating", ""), ("accepted", "Sì, da marzo"), ("rejected", "No")])
def test_answer(cast, api_as, open_one, persona, status, answer):
    proposal = _proposals(open_one, cast, 1)[0]
    response = api_as(cast.users[persona]).post(
        url(cast, "proposals", proposal.pk, "answer"), {"status": status, "answer": answer}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == status and body["answer"] == answer and body["answered_at"]
    proposal.refresh_from_db()
    assert proposal.status == status and proposal.answered_by == cast.users[persona]


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_answer_refused(cast, api_as, open_one, persona):
    proposal = _proposals(open_one, cast, 1)[0]
    response = api_as(cast.users[persona]).post(
        url(cast, "proposals", proposal.pk, "answer"), {"status": "accepted", "answer": "Sì"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "published"


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"status": "accepted"}, "answer", "required"),
        ({"status": "rejected", "answer": "  "}, "answer", "required"),
        ({"status": "withdrawn", "answer": "x"}, "status", "literal_error"),
        ({"answer": "x"}, "status", "missing"),
        ({"status": "accepted", "answer": "x" * 5001}, "answer", "string_too_long"),
    ],
)
def test_answer_bad_input(cast, api_as, open_one, payload, field, code):
    proposal = _proposals(open_one, cast, 1)[0]
    response = api_as(cast.coordinator).post(url(cast, "proposals", proposal.pk, "answer"), payload)
    assert (field, code) in loc_and_types(response)
    proposal.refresh_from_db()
    assert proposal.status == "published"


def test_answer_a_withdrawn_proposal_is_a_conflict(cast, api_as, open_one):
    proposal = _proposals(open_one, cast, 1)[0]
    Proposal.objects.filter(pk=proposal.pk).update(status="withdrawn")
    response = api_as(cast.coordinator).post(url(cast, "proposals", proposal.pk, "answer"), {"status": "evaluating"})
    assert response.status_code == 409


def test_withdraw(cast, api_as, open_one):
    proposal = _proposals(open_one, cast, 1)[0]  # the citizen's
    response = api_as(cast.citizen).post(url(cast, "proposals", proposal.pk, "withdraw"), {"note": "Ci ho ripensato"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    assert api_as(cast.citizen).post(url(cast, "proposals", proposal.pk, "withdraw"), {}).status_code == 409


@pytest.mark.parametrize("persona", ["coordinator", "funder", "community_worker"])
def test_withdraw_anothers_proposal_is_refused(cast, api_as, open_one, persona):
    proposal = _proposals(open_one, cast, 1)[0]  # the citizen's
    assert api_as(cast.users[persona]).post(url(cast, "proposals", proposal.pk, "withdraw"), {}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "published"


def test_withdraw_a_supported_proposal_is_a_conflict(cast, api_as, open_one):
    proposal = _proposals(open_one, cast, 1)[0]
    SupportFactory(proposal=proposal, user=cast.funder)
    response = api_as(cast.citizen).post(url(cast, "proposals", proposal.pk, "withdraw"), {})
    assert response.status_code == 409 and "supports" in response.json()["detail"]


def test_withdraw_bad_input(cast, api_as, open_one):
    proposal = _proposals(open_one, cast, 1)[0]
    response = api_as(cast.citizen).post(url(cast, "proposals", proposal.pk, "withdraw"), {"note": "x" * 501})
    assert loc_and_types(response) == {("note", "string_too_long")}
    proposal.refresh_from_db()
    assert proposal.status == "published"


@pytest.mark.parametrize("size", [2, 12])
def test_meeting_and_proposal_lists_run_a_constant_number_of_queries(
    cast, api_as, open_one, django_assert_max_num_queries, size
):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    for _n in range(size):
        MeetingFactory(process=open_one, place=place, capacity=10)
        proposal = ProposalFactory(process=open_one, author=cast.citizen)
        SupportFactory(proposal=proposal, user=cast.funder)
    client = api_as(cast.funder)
    with django_assert_max_num_queries(12):
        assert client.get(url(cast, "processes", open_one.pk, "meetings")).json()["count"] == size
    with django_assert_max_num_queries(12):
        body = client.get(url(cast, "processes", open_one.pk, "proposals")).json()
    assert body["count"] == size and all(p["supported"] for p in body["items"])
