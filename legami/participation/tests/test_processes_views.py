"""Process pages through the client: the public list and page, drafting, phases, the workflow, from a demand."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.needs.tests.factories import NeedAreaFactory
from legami.participation.models import Phase, Process, ProcessKind, ProcessStatus
from legami.participation.tests.factories import PhaseFactory, ProcessFactory, open_process

S = ProcessStatus


def url(cast, name, *args):
    return reverse(f"participation:{name}", args=[cast.network.slug, *args])


def test_anyone_reads_the_published_processes_but_not_the_drafts(cast, login):
    published = open_process(cast.network, title="Laboratorio Borgo Loreto")
    draft = ProcessFactory(network=cast.network, title="Bozza riservata")
    for user in (None, cast.citizen, cast.outsider):
        client = login(user)
        page = client.get(url(cast, "processes")).content.decode()
        assert "Laboratorio Borgo Loreto" in page and "Bozza riservata" not in page
        assert client.get(url(cast, "process_detail", published.pk)).status_code == 200
        assert client.get(url(cast, "process_detail", draft.pk)).status_code == 404
    client = login(cast.community_worker)
    assert "Bozza riservata" in client.get(url(cast, "processes")).content.decode()
    assert client.get(url(cast, "process_detail", draft.pk)).status_code == 200


def test_another_networks_process_does_not_exist_here(cast, login):
    other = open_process(cast.other_network)
    assert login(cast.coordinator).get(url(cast, "process_detail", other.pk)).status_code == 404


def test_the_page_shows_the_timeline_with_the_current_phase_marked(cast, login):
    process = open_process(cast.network)
    process.current_phase.name = "Lettura dei bisogni"
    process.current_phase.save()
    PhaseFactory(process=process, name="Progettazione", position=5)
    page = login(None).get(url(cast, "process_detail", process.pk)).content.decode()
    assert 'aria-current="step"' in page
    current = page.index('aria-current="step"')
    assert page.index("Lettura dei bisogni") > current > 0 and page.index("Progettazione") > page.index(
        "Lettura dei bisogni"
    )
    # Anonymous visitors are not offered actions that need a role.
    assert url(cast, "proposal_create", process.pk) not in page
    assert url(cast, "process_update", process.pk) not in page


def test_members_are_offered_to_propose_only_while_the_phase_allows_it(cast, login):
    process = open_process(cast.network, proposals=True)
    client = login(cast.citizen)
    assert (
        url(cast, "proposal_create", process.pk) in client.get(url(cast, "process_detail", process.pk)).content.decode()
    )
    process.current_phase.ends_on = timezone.localdate() - timedelta(days=1)
    process.current_phase.starts_on = timezone.localdate() - timedelta(days=5)
    process.current_phase.save()
    assert (
        url(cast, "proposal_create", process.pk)
        not in client.get(url(cast, "process_detail", process.pk)).content.decode()
    )


def test_user_text_is_escaped(cast, login):
    process = open_process(cast.network, title="<script>alert(1)</script>", summary="<b>grassetto</b>")
    page = login(None).get(url(cast, "process_detail", process.pk)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>grassetto</b>" not in page


def test_a_coordinator_drafts_a_process_through_the_form(cast, login):
    client = login(cast.coordinator)
    assert client.get(url(cast, "process_create")).status_code == 200
    response = client.post(
        url(cast, "process_create"),
        {
            "title": "Laboratorio Cavatigozzi",
            "kind": ProcessKind.COMMUNITY_LAB,
            "life_context": "village",
            "summary": "Il paese si racconta",
            "municipalities": [cast.municipalities[0].pk],
            "support_limit": "5",
        },
    )
    process = Process.objects.get()
    assert response.status_code == 302 and response.url == url(cast, "process_detail", process.pk)
    assert process.life_context == "village" and process.support_limit == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "kind": "community_lab", "summary": "x", "support_limit": "0"}, "This field is required."),
        ({"title": "T", "kind": "festa", "summary": "x", "support_limit": "0"}, "Select a valid choice."),
        ({"title": "T", "kind": "community_lab", "summary": "x", "support_limit": "500"}, "less than or equal to 100"),
        ({"title": "T", "kind": "community_lab", "summary": "x" * 301, "support_limit": "0"}, "at most 300 characters"),
    ],
)
def test_bad_input_on_the_form_is_shown_and_nothing_is_written(cast, login, data, message):
    response = login(cast.coordinator).post(url(cast, "process_create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "legami-error-summary" in page
    assert not Process.objects.exists()


def test_the_service_refusal_is_shown_on_the_form(cast, login):
    from legami.core.tests import factories as f

    po = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Quartiere Po")
    response = login(cast.coordinator).post(
        url(cast, "process_create"),
        {
            "title": "T",
            "kind": "community_lab",
            "summary": "x",
            "support_limit": "0",
            "municipalities": [cast.municipalities[1].pk],
            "neighbourhood": po.pk,
        },
    )
    assert response.status_code == 400
    assert "The neighbourhood is not in one of the Comuni chosen." in response.content.decode()
    assert not Process.objects.exists()


def test_editing_keeps_what_is_not_changed(cast, login):
    process = open_process(cast.network, title="Vecchio titolo")
    process.municipalities.set([cast.municipalities[0]])
    client = login(cast.community_worker)
    page = client.get(url(cast, "process_update", process.pk)).content.decode()
    assert "Vecchio titolo" in page
    response = client.post(
        url(cast, "process_update", process.pk),
        {
            "title": "Nuovo titolo",
            "kind": process.kind,
            "summary": process.summary,
            "support_limit": "0",
            "municipalities": [cast.municipalities[0].pk],
        },
    )
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.title == "Nuovo titolo" and list(process.municipalities.all()) == [cast.municipalities[0]]


def test_phase_pages_add_edit_remove_and_activate(cast, login):
    process = ProcessFactory(network=cast.network)
    client = login(cast.coordinator)
    today = timezone.localdate()
    response = client.post(
        url(cast, "phase_create", process.pk),
        {
            "name": "Ascolto",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=9)).isoformat(),
            "comments_open": "on",
        },
    )
    assert response.status_code == 302
    phase = Phase.objects.get()
    assert phase.comments_open and not phase.supports_open
    bad = client.post(
        url(cast, "phase_create", process.pk),
        {"name": "Fine", "starts_on": today.isoformat(), "ends_on": (today - timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 400 and "The phase ends before it starts." in bad.content.decode()
    assert Phase.objects.count() == 1
    response = client.post(
        url(cast, "phase_update", phase.pk),
        {"name": "Ascolto attivo", "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=9)).isoformat()},
    )
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.name == "Ascolto attivo" and not phase.comments_open
    second = PhaseFactory(process=process, position=1)
    assert client.post(url(cast, "process_publish", process.pk), {"note": ""}).status_code == 302
    assert client.post(url(cast, "phase_activate", process.pk), {"phase": second.pk}).status_code == 302
    process.refresh_from_db()
    assert process.status == S.PUBLISHED and process.current_phase == second
    refused = client.post(url(cast, "phase_delete", second.pk), {"note": ""})
    assert refused.status_code == 400 and "This is the current phase" in refused.content.decode()
    assert client.post(url(cast, "phase_delete", phase.pk), {"note": ""}).status_code == 302
    assert list(Phase.objects.all()) == [second]


def test_a_phase_of_another_network_is_not_found(cast, login):
    foreign = PhaseFactory(process=ProcessFactory(network=cast.other_network))
    assert login(cast.coordinator).get(url(cast, "phase_update", foreign.pk)).status_code == 404


def test_publishing_without_a_phase_is_refused_on_the_page(cast, login):
    process = ProcessFactory(network=cast.network)
    response = login(cast.coordinator).post(url(cast, "process_publish", process.pk), {"note": ""})
    assert response.status_code == 400
    assert "Add at least one phase before publishing the process." in response.content.decode()
    process.refresh_from_db()
    assert process.status == S.DRAFT


def test_close_and_reopen_through_the_pages(cast, login):
    process = open_process(cast.network)
    client = login(cast.coordinator)
    page = client.get(url(cast, "process_detail", process.pk)).content.decode()
    assert url(cast, "process_close", process.pk) in page and url(cast, "process_reopen", process.pk) not in page
    assert client.post(url(cast, "process_close", process.pk), {"note": "Finito"}).status_code == 302
    process.refresh_from_db()
    assert process.status == S.CLOSED
    page = client.get(url(cast, "process_detail", process.pk)).content.decode()
    assert url(cast, "process_reopen", process.pk) in page and "Finito" in page
    refused = client.post(url(cast, "process_close", process.pk), {"note": ""})
    assert refused.status_code == 400
    assert client.post(url(cast, "process_reopen", process.pk), {"note": ""}).status_code == 302


@pytest.mark.parametrize("persona", ["citizen", "partner_staff", "case_manager"])
def test_members_who_do_not_run_processes_are_refused_the_writes(cast, login, persona):
    process = open_process(cast.network)
    client = login(getattr(cast, persona))
    assert client.post(url(cast, "process_close", process.pk), {"note": ""}).status_code == 403
    assert client.post(url(cast, "process_create"), {"title": "x"}).status_code == 403
    process.refresh_from_db()
    assert process.status == S.PUBLISHED


def _demand(cast, status=DemandStatus.ACCEPTED, people=9):
    area = NeedAreaFactory(network=cast.network, code="casa-x", name="Casa")
    return AggregatedDemand.objects.create(
        network=cast.network,
        title="Casa per giovani coppie — Cremona",
        summary=f"{people} giovani coppie cercano casa",
        area=area,
        target_group="families",
        municipality=cast.municipalities[0],
        need_count=people,
        people_count=people,
        status=status,
    )


def test_one_click_from_an_accepted_demand(cast, login):
    demand = _demand(cast)
    client = login(cast.coordinator)
    demand_page = client.get(reverse("aggregation:demand_detail", args=[cast.network.slug, demand.pk])).content.decode()
    assert url(cast, "process_from_demand", demand.pk) in demand_page
    response = client.post(url(cast, "process_from_demand", demand.pk), {"kind": "co_design"})
    process = Process.objects.get()
    assert response.status_code == 302 and process.demand == demand and process.kind == "co_design"
    page = client.get(url(cast, "process_detail", process.pk)).content.decode()
    assert "What the process starts from" in page and "Casa" in page
    # The demand's page lists the process started from it.
    assert (
        url(cast, "process_detail", process.pk)
        in client.get(reverse("aggregation:demand_detail", args=[cast.network.slug, demand.pk])).content.decode()
    )


def test_a_candidate_demand_offers_no_process(cast, login):
    demand = _demand(cast, status=DemandStatus.CANDIDATE)
    client = login(cast.coordinator)
    assert client.get(url(cast, "process_from_demand", demand.pk)).status_code == 404
    page = client.get(reverse("aggregation:demand_detail", args=[cast.network.slug, demand.pk])).content.decode()
    assert url(cast, "process_from_demand", demand.pk) not in page


@pytest.mark.parametrize(("people", "shown"), [(4, False), (5, True)])
def test_small_evidence_is_hidden_on_the_public_page(cast, login, people, shown):
    from legami.participation.services.processes import create_phase, create_process_from_demand, publish_process

    process = create_process_from_demand(actor=cast.coordinator, demand=_demand(cast, people=people))
    today = timezone.localdate()
    create_phase(
        actor=cast.coordinator, process=process, data={"name": "Ascolto", "starts_on": today, "ends_on": today}
    )
    publish_process(actor=cast.coordinator, process=process)
    summary = f"{people} giovani coppie cercano casa"
    for user in (None, cast.partner_staff, cast.funder):
        page = login(user).get(url(cast, "process_detail", process.pk)).content.decode()
        assert (summary in page) is shown
        assert ("fewer than 5 people" in page) is not shown
    assert summary in login(cast.coordinator).get(url(cast, "process_detail", process.pk)).content.decode()


@pytest.mark.parametrize("size", [3, 12])
def test_the_list_runs_a_constant_number_of_queries(cast, login, django_assert_max_num_queries, size):
    for n in range(size):
        process = open_process(cast.network, title=f"Processo {n}")
        process.municipalities.set(cast.municipalities)
    client = login(cast.citizen)
    with django_assert_max_num_queries(12):
        response = client.get(url(cast, "processes"))
    assert response.status_code == 200 and f"{size} processes found." in response.content.decode()


def test_deleting_a_place_with_meetings_is_refused_on_the_page(cast, login):
    from legami.core.tests import factories as f
    from legami.participation.models import Meeting

    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Oratorio")
    start = timezone.now() + timedelta(days=2)
    Meeting.objects.create(
        network=cast.network,
        process=open_process(cast.network),
        title="Incontro",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place=place,
    )
    response = login(cast.coordinator).post(reverse("territory:place_delete", args=[cast.network.slug, place.pk]))
    assert response.status_code == 400
    assert "The place cannot be deleted: 1 meeting refer to it." in response.content.decode()
    assert type(place).objects.filter(pk=place.pk).exists()


def test_those_who_run_the_process_see_who_took_part_and_nobody_else_does(cast, login):
    from legami.participation.models import Meeting, Registration

    process = open_process(cast.network)
    start = timezone.now() - timedelta(days=2)
    meeting = Meeting.objects.create(
        network=cast.network,
        process=process,
        title="Serata di ascolto",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        online_url="https://meet.example.org/x",
        roll_call_at=timezone.now(),
        guests=3,
    )
    for user in (cast.citizen, cast.partner_staff):
        Registration.objects.create(meeting=meeting, user=user, attended=True)
    Registration.objects.create(meeting=meeting, user=cast.funder, attended=False)
    page = login(cast.community_worker).get(url(cast, "process_detail", process.pk)).content.decode()
    assert "Who took part" in page
    assert "2 people registered came to at least one meeting (2 to 1 meeting)" in page
    assert "2 new faces in the network" in page and "3 other people present without registering" in page
    assert "Past meetings" in page and "Serata di ascolto" in page
    for user in (None, cast.citizen, cast.funder):
        assert "Who took part" not in login(user).get(url(cast, "process_detail", process.pk)).content.decode()
