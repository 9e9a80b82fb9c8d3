"""Response pages through the client: the public list and accountability page, the small-numbers rule, and
the operators' pages (design, moves, answers, partners, budget, milestones)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus
from legami.core.tests import factories as f
from legami.needs.models import NeedStatus
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory
from legami.responses.models import BudgetLine, Milestone, Response, ResponsePartner, ResponseStatus
from legami.responses.tests.factories_responses import (
    BudgetLineFactory,
    CoProductionFactory,
    GiveBackPlaceFactory,
    MilestoneFactory,
    PartnerFactory,
    ResponseFactory,
    active_response,
)

S = ResponseStatus
TODAY = timezone.localdate


def url(cast, name, *args):
    return reverse(f"responses:{name}", args=[cast.network.slug, *args])


# --- the public pages -----------------------------------------------------------------------------------


def test_anyone_reads_the_list_and_the_accountability_page(cast, login):
    response = active_response(cast.network, cast.organization, title="Portierato sociale Borgo Loreto")
    response.progress = 40
    response.save()
    for user in (None, cast.citizen, cast.outsider, cast.funder):
        client = login(user)
        page = client.get(url(cast, "responses")).content.decode()
        assert "Portierato sociale Borgo Loreto" in page and 'value="40"' in page
        detail = client.get(url(cast, "response_detail", response.pk))
        assert detail.status_code == 200
        text = detail.content.decode()
        assert '<progress id="response-progress"' in text and "Progress: 40%" in text
        assert url(cast, "response_update", response.pk) not in text
        assert url(cast, "response_move", response.pk, "suspend") not in text


def test_another_networks_response_does_not_exist_here(cast, login):
    other = ResponseFactory(network=cast.other_network)
    assert login(cast.coordinator).get(url(cast, "response_detail", other.pk)).status_code == 404


def test_the_list_filters_by_status(cast, login):
    ResponseFactory(network=cast.network, title="In corso", status=S.ACTIVE)
    ResponseFactory(network=cast.network, title="Sospesa", status=S.SUSPENDED)
    page = login(None).get(url(cast, "responses"), {"status": "suspended"}).content.decode()
    assert "Sospesa" in page and "In corso" not in page


def test_the_list_runs_a_constant_number_of_queries(cast, login, django_assert_max_num_queries):
    client = login(None)

    def make(n):
        for _i in range(n):
            response = ResponseFactory(network=cast.network)
            response.municipalities.set([cast.municipalities[0]])

    make(2)
    with django_assert_max_num_queries(12) as small:
        client.get(url(cast, "responses"))
    make(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(cast, "responses"))


def test_the_page_shows_partners_budget_milestones_timeline_contributions_and_places(cast, login):
    response = active_response(cast.network, cast.organization)
    response.partners.update(brings="Due educatori e la sala civica")
    BudgetLineFactory(response=response, source="public", amount=Decimal("12500"), description="Piano di zona")
    BudgetLineFactory(response=response, source="foundation", amount=Decimal("2500.5"), description="Bando")
    MilestoneFactory(response=response, title="Apertura sportello")
    CoProductionFactory(response=response, organization=cast.organization, quantity=Decimal("12.5"))
    GiveBackPlaceFactory(response=response, host=cast.organization, objective="Spesa con gli anziani")
    page = login(None).get(url(cast, "response_detail", response.pk)).content.decode()
    for text in (
        "Cooperativa Il Ponte",
        "Lead partner",
        "Due educatori e la sala civica",
        "€ 12,500.00",
        "€ 2,500.50",
        "€ 15,000.50",
        "Apertura sportello",
        "12.5",
        "Spesa con gli anziani",
    ):
        assert text in page, text


def test_money_is_written_the_italian_way(cast, client):
    response = active_response(cast.network, cast.organization)
    BudgetLineFactory(response=response, amount=Decimal("12500"))
    page = client.get(url(cast, "response_detail", response.pk), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "€ 12.500,00" in page


def test_the_detail_page_runs_a_constant_number_of_queries(cast, login, django_assert_max_num_queries):
    response = active_response(cast.network, cast.organization)
    client = login(cast.coordinator)

    def grow(n):
        for _i in range(n):
            organization = f.OrganizationFactory(network=cast.network, name=f"Partner {response.partners.count()}")
            PartnerFactory(response=response, organization=organization)
            BudgetLineFactory(response=response, organization=organization)
            MilestoneFactory(response=response)
            CoProductionFactory(response=response, organization=organization)
            GiveBackPlaceFactory(response=response, host=organization)

    grow(1)
    with django_assert_max_num_queries(40) as small:
        client.get(url(cast, "response_detail", response.pk))
    grow(6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(cast, "response_detail", response.pk))


def test_user_text_is_escaped(cast, login):
    response = active_response(cast.network, cast.organization, title="<script>alert(1)</script>")
    page = login(None).get(url(cast, "response_detail", response.pk)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_the_manage_buttons_are_for_who_runs_responses(cast, login):
    response = active_response(cast.network, cast.organization)
    page = login(cast.community_worker).get(url(cast, "response_detail", response.pk)).content.decode()
    for name in ("suspend", "complete", "cancel"):
        assert url(cast, "response_move", response.pk, name) in page
    assert url(cast, "response_move", response.pk, "start") not in page
    assert url(cast, "response_answers", response.pk) in page
    for user in (cast.partner_staff, cast.evaluator):
        assert (
            url(cast, "response_update", response.pk)
            not in login(user).get(url(cast, "response_detail", response.pk)).content.decode()
        )


# --- small numbers -----------------------------------------------------------------------------------------


def _answered(cast, n):
    area = NeedAreaFactory(network=cast.network, code="cura")
    response = active_response(cast.network, cast.organization)
    needs = [
        NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status=NeedStatus.ANSWERED)
        for _i in range(n)
    ]
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title="Compagnia per anziani soli",
        summary="…",
        area=area,
        target_group="elderly",
        municipality=cast.municipalities[0],
        status=DemandStatus.ANSWERED,
        need_count=n,
        people_count=n,
    )
    for need in needs:
        DemandItem.objects.create(demand=demand, need=need, similarity=0.7)
    response.needs.set(needs)
    response.demands.set([demand])
    return response, needs


def test_four_needs_are_hidden_from_who_does_not_work_with_people(cast, login):
    response, needs = _answered(cast, 4)
    for user in (None, cast.evaluator, cast.funder, cast.partner_staff, cast.citizen):
        page = login(user).get(url(cast, "response_detail", response.pk)).content.decode()
        assert "Needs answered: fewer than 5." in page and "4 needs answered" not in page
        assert "Compagnia per anziani soli" in page  # a demand's title is fine
        assert needs[0].description not in page  # never a need's text
    page = login(cast.coordinator).get(url(cast, "response_detail", response.pk)).content.decode()
    assert "4 needs answered." in page


def test_five_needs_are_shown_to_everyone(cast, login):
    response, needs = _answered(cast, 5)
    for user in (None, cast.evaluator, cast.coordinator):
        page = login(user).get(url(cast, "response_detail", response.pk)).content.decode()
        assert "5 needs answered." in page
        assert needs[0].description not in page


def test_few_citizens_are_hidden_in_who_contributed_what(cast, login):
    response = active_response(cast.network, cast.organization)
    CoProductionFactory(response=response, contributor="citizens", organization=None, people=3)
    page = login(None).get(url(cast, "response_detail", response.pk)).content.decode()
    assert "fewer than 5 people" in page and "3 people" not in page
    page = login(cast.coordinator).get(url(cast, "response_detail", response.pk)).content.decode()
    assert "3 people" in page


# --- designing and moving ------------------------------------------------------------------------------------


def test_a_coordinator_creates_and_edits_a_response_through_the_form(cast, login):
    client = login(cast.coordinator)
    assert client.get(url(cast, "response_create")).status_code == 200
    posted = client.post(
        url(cast, "response_create"),
        {"title": "Portierato sociale", "summary": "Un presidio", "municipalities": [cast.municipalities[0].pk]},
    )
    response = Response.objects.get()
    assert posted.status_code == 302 and posted.url == url(cast, "response_detail", response.pk)
    assert client.get(url(cast, "response_update", response.pk)).status_code == 200
    client.post(url(cast, "response_update", response.pk), {"title": "Portierato", "summary": "Un presidio"})
    response.refresh_from_db()
    assert response.title == "Portierato" and not response.municipalities.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "summary": "x"}, "This field is required."),
        ({"title": "T", "summary": "x" * 301}, "at most 300 characters"),
        ({"title": "T", "summary": "x", "starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "ends before it starts"),
        ({"title": "T", "summary": "x", "starts_on": "ieri"}, "Enter a valid date."),
    ],
)
def test_bad_input_on_the_form_is_shown_and_nothing_is_written(cast, login, data, message):
    response = login(cast.coordinator).post(url(cast, "response_create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "legami-error-summary" in page
    assert not Response.objects.exists()


def test_moves_through_their_pages(cast, login):
    response = ResponseFactory(network=cast.network)
    client = login(cast.coordinator)
    assert client.get(url(cast, "response_move", response.pk, "start")).status_code == 200
    assert client.post(url(cast, "response_move", response.pk, "start"), {"note": ""}).status_code == 302
    response.refresh_from_db()
    assert response.status == S.ACTIVE
    refused = client.post(url(cast, "response_move", response.pk, "cancel"), {"note": ""})
    assert refused.status_code == 400 and "Say why the response is cancelled." in refused.content.decode()
    client.post(url(cast, "response_move", response.pk, "cancel"), {"note": "Finanziamento revocato"})
    response.refresh_from_db()
    assert response.status == S.CANCELLED
    assert "Finanziamento revocato" in login(None).get(url(cast, "response_detail", response.pk)).content.decode()
    client = login(cast.coordinator)
    again = client.post(url(cast, "response_move", response.pk, "resume"), {"note": ""})
    assert again.status_code == 400 and "cannot become" in again.content.decode()
    assert client.get(url(cast, "response_move", response.pk, "explode")).status_code == 404


def test_the_answers_page_links_a_demand(cast, login):
    area = NeedAreaFactory(network=cast.network, code="cura")
    need = NeedFactory(
        network=cast.network, area=area, municipality=cast.municipalities[0], status=NeedStatus.AGGREGATED
    )
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title="Doposcuola",
        summary="…",
        area=area,
        target_group="families",
        municipality=cast.municipalities[0],
        status=DemandStatus.ACCEPTED,
        need_count=1,
        people_count=1,
    )
    DemandItem.objects.create(demand=demand, need=need, similarity=0.7)
    response = active_response(cast.network, cast.organization)
    client = login(cast.coordinator)
    page = client.get(url(cast, "response_answers", response.pk)).content.decode()
    assert "Doposcuola" in page
    assert client.post(url(cast, "response_answers", response.pk), {"demands": [demand.pk]}).status_code == 302
    demand.refresh_from_db()
    need.refresh_from_db()
    assert demand.status == DemandStatus.ANSWERED and need.status == NeedStatus.ANSWERED
    bad = client.post(url(cast, "response_answers", response.pk), {"needs": ["987654"]})
    assert bad.status_code == 400 and "legami-error-summary" in bad.content.decode()


# --- partners, budget, milestones ----------------------------------------------------------------------------


def test_partners_are_added_and_removed_through_their_pages(cast, login):
    response = ResponseFactory(network=cast.network)
    client = login(cast.coordinator)
    assert client.get(url(cast, "partner_create", response.pk)).status_code == 200
    client.post(url(cast, "partner_create", response.pk), {"organization": cast.organization.pk, "role": "lead"})
    partner = ResponsePartner.objects.get()
    duplicate = client.post(
        url(cast, "partner_create", response.pk), {"organization": cast.organization.pk, "role": "partner"}
    )
    assert duplicate.status_code == 400 and "already a partner" in duplicate.content.decode()
    assert client.get(url(cast, "partner_delete", partner.pk)).status_code == 200
    assert client.post(url(cast, "partner_delete", partner.pk)).status_code == 302
    assert not ResponsePartner.objects.exists()


def test_budget_lines_through_their_pages(cast, login):
    response = ResponseFactory(network=cast.network)
    client = login(cast.coordinator)
    data = {"source": "public", "description": "Piano di zona", "amount": "12.500,00"}
    assert client.post(url(cast, "budget_create", response.pk), data).status_code == 302
    line = BudgetLine.objects.get()
    assert line.amount == Decimal("12500.00")
    bad = client.post(url(cast, "budget_update", line.pk), data | {"amount": "-5"})
    assert bad.status_code == 400 and "The amount cannot be negative." in bad.content.decode()
    assert client.get(url(cast, "budget_update", line.pk)).status_code == 200
    assert client.post(url(cast, "budget_update", line.pk), data | {"amount": "100"}).status_code == 302
    line.refresh_from_db()
    assert line.amount == Decimal("100")
    assert client.post(url(cast, "budget_delete", line.pk)).status_code == 302
    assert not BudgetLine.objects.exists()


def test_milestones_through_their_pages_and_progress(cast, login):
    response = ResponseFactory(network=cast.network, status=S.ACTIVE)
    client = login(cast.community_worker)
    due = (TODAY() + timedelta(days=10)).isoformat()
    client.post(url(cast, "milestone_create", response.pk), {"title": "Apertura", "due_on": due, "weight": "1"})
    client.post(url(cast, "milestone_create", response.pk), {"title": "Chiusura", "due_on": due, "weight": "3"})
    first = Milestone.objects.get(title="Apertura")
    bad = client.post(url(cast, "milestone_create", response.pk), {"title": "", "due_on": due, "weight": "0"})
    assert bad.status_code == 400
    assert (
        client.post(
            url(cast, "milestone_update", first.pk), {"title": "Apertura!", "due_on": due, "weight": "1"}
        ).status_code
        == 302
    )
    future = client.post(
        url(cast, "milestone_reached", first.pk), {"done_on": (TODAY() + timedelta(days=2)).isoformat()}
    )
    assert future.status_code == 400 and "The date cannot be in the future." in future.content.decode()
    assert client.post(url(cast, "milestone_reached", first.pk), {"done_on": TODAY().isoformat()}).status_code == 302
    response.refresh_from_db()
    assert response.progress == 25
    page = login(None).get(url(cast, "response_detail", response.pk)).content.decode()
    assert "Milestone reached on" in page and "Apertura!" in page and "Progress: 25%" in page


def test_rows_of_another_network_are_404(cast, login):
    other = active_response(cast.other_network, f.OrganizationFactory(network=cast.other_network))
    line = BudgetLineFactory(response=other)
    milestone = MilestoneFactory(response=other)
    client = login(cast.coordinator)
    assert client.get(url(cast, "budget_update", line.pk)).status_code == 404
    assert client.get(url(cast, "milestone_reached", milestone.pk)).status_code == 404
    assert client.get(url(cast, "partner_delete", other.partners.get().pk)).status_code == 404


def test_the_menu_offers_the_responses_to_everyone_and_the_places_to_the_network(cast, login):
    for user in (cast.citizen, cast.evaluator):
        page = login(user).get(url(cast, "responses")).content.decode()
        assert url(cast, "responses") in page
        assert (url(cast, "giveback_places") in page) is (user == cast.evaluator)
