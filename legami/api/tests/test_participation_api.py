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
