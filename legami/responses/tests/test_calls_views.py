"""Co-design pages through the client: list, drafting, criteria, moves, applying, scoring, ranking, award, PDF."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.responses.models import Application, ApplicationStatus, CallStatus, CoDesignCall, Criterion, Response, Score
from legami.responses.services.calls import rank_call
from legami.responses.tests.factories_codesign import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    evaluator,
    score,
    today,
)

S = CallStatus


def url(cast, name, *args):
    return reverse(f"responses:{name}", args=[cast.network.slug, *args])


def make_call(cast, status=S.DRAFT, weights=(60, 40), **kwargs):
    call = CallFactory(network=cast.network, status=status, **kwargs)
    for position, weight in enumerate(weights):
        CriterionFactory(call=call, weight=weight, position=position)
    return call


def test_the_list_runs_a_constant_number_of_queries_and_hides_drafts(cast, login, django_assert_max_num_queries):
    make_call(cast, status=S.OPEN)
    draft = make_call(cast, title="Bozza riservata")
    client = login(cast.partner_staff)
    with django_assert_max_num_queries(12) as few:
        page = client.get(url(cast, "calls")).content.decode()
    assert "Bozza riservata" not in page
    for _ in range(6):
        call = make_call(cast, status=S.OPEN)
        call.municipalities.set(cast.municipalities)
        ApplicationFactory(call=call, organization=f.OrganizationFactory(network=cast.network))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(cast, "calls")).status_code == 200
    assert client.get(url(cast, "call_detail", draft.pk)).status_code == 404
    assert "Bozza riservata" in login(cast.coordinator).get(url(cast, "calls")).content.decode()


def call_post(cast, **changes):
    return {
        "title": "Compagnia",
        "purpose": "Ridurre la solitudine",
        "municipalities": [cast.municipalities[0].pk],
        "duration_months": "24",
        "budget": "50000,00",
        "opens_on": today().isoformat(),
        "closes_on": (today() + timedelta(days=30)).isoformat(),
    } | changes


def test_a_coordinator_drafts_and_edits_a_call(cast, login):
    client = login(cast.coordinator)
    assert client.get(url(cast, "call_create")).status_code == 200
    response = client.post(url(cast, "call_create"), call_post(cast))
    call = CoDesignCall.objects.get()
    assert response.status_code == 302 and call.budget == Decimal("50000.00")
    assert client.get(url(cast, "call_update", call.pk)).status_code == 200
    response = client.post(url(cast, "call_update", call.pk), call_post(cast, title="Nuovo"))
    call.refresh_from_db()
    assert response.status_code == 302 and call.title == "Nuovo"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"duration_months": "0"}, "greater than or equal to 1"),
        ({"budget": "-5"}, "Enter a number of at least 0."),
        ({"budget": "tanti"}, "Enter a number."),
        ({"closes_on": (today() - timedelta(days=1)).isoformat()}, "Applications close before they open."),
    ],
)
def test_bad_call_input_shows_the_errors(cast, login, changes, message):
    response = login(cast.coordinator).post(url(cast, "call_create"), call_post(cast, **changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "legami-error-summary" in page
    assert not CoDesignCall.objects.exists()


def test_editing_an_open_call_is_refused_on_the_form(cast, login):
    call = make_call(cast, status=S.OPEN)
    response = login(cast.coordinator).post(url(cast, "call_update", call.pk), call_post(cast))
    assert response.status_code == 400 and "Only a draft call can be changed." in response.content.decode()


def test_criteria_through_the_forms(cast, login):
    call = make_call(cast, weights=())
    client = login(cast.coordinator)
    assert (
        client.post(
            url(cast, "criterion_create", call.pk), {"name": "Qualità", "weight": "60", "max_score": "10"}
        ).status_code
        == 302
    )
    criterion = Criterion.objects.get()
    response = client.post(
        url(cast, "criterion_update", criterion.pk), {"name": "Qualità", "weight": "0", "max_score": "10"}
    )
    assert response.status_code == 400 and "greater than or equal to 1" in response.content.decode()
    response = client.post(url(cast, "criterion_create", call.pk), {"name": "", "weight": "40", "max_score": "10"})
    assert response.status_code == 400
    # The weights add up to 60: the call cannot open, and the page says why.
    response = client.post(url(cast, "call_move", call.pk, "open"), {})
    assert response.status_code == 400 and "add up to 60" in response.content.decode()
    client.post(url(cast, "criterion_update", criterion.pk), {"name": "Qualità", "weight": "100", "max_score": "10"})
    assert client.post(url(cast, "call_move", call.pk, "open"), {}).status_code == 302
    call.refresh_from_db()
    assert call.status == S.OPEN
    response = client.post(url(cast, "criterion_delete", criterion.pk), {})
    assert response.status_code == 400 and Criterion.objects.exists()


def test_the_detail_offers_the_moves_the_state_allows(cast, login):
    call = make_call(cast, status=S.OPEN)
    page = login(cast.coordinator).get(url(cast, "call_detail", call.pk)).content.decode()
    assert url(cast, "call_move", call.pk, "evaluate") in page and url(cast, "call_move", call.pk, "cancel") in page
    assert url(cast, "call_move", call.pk, "open") not in page and url(cast, "call_update", call.pk) not in page
    assert (
        url(cast, "call_move", call.pk, "evaluate")
        not in login(cast.community_worker).get(url(cast, "call_detail", call.pk)).content.decode()
    )


def test_an_unknown_move_is_not_found(cast, login):
    assert login(cast.coordinator).get(url(cast, "call_move", make_call(cast).pk, "award")).status_code == 404


def application_post(**changes):
    return {
        "title": "Compagnia in quartiere",
        "proposal": "Volontari formati",
        "staff_hours": "120",
        "volunteers": "8",
        "spaces": "Sala",
        "money": "2500,50",
    } | changes


def test_partner_staff_apply_and_withdraw(cast, login):
    call = make_call(cast, status=S.OPEN)
    client = login(cast.partner_staff)
    page = client.get(url(cast, "application_create", call.pk)).content.decode()
    assert 'name="organization"' not in page
    response = client.post(url(cast, "application_create", call.pk), application_post())
    application = Application.objects.get()
    assert response.status_code == 302 and application.money == Decimal("2500.50")
    response = client.post(url(cast, "application_create", call.pk), application_post())
    assert response.status_code == 400 and "has already applied" in response.content.decode()
    assert client.post(url(cast, "application_withdraw", application.pk), {}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"staff_hours": "-1"}, "greater than or equal to 0"),
        ({"money": "-1"}, "Enter a number of at least 0."),
        ({"volunteers": "tanti"}, "Enter a whole number."),
        ({"partners": ["999999"]}, "Select a valid choice"),
    ],
)
def test_bad_application_input_shows_the_errors(cast, login, changes, message):
    call = make_call(cast, status=S.OPEN)
    response = login(cast.partner_staff).post(url(cast, "application_create", call.pk), application_post(**changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Application.objects.exists()


def test_applying_after_the_closing_day_is_refused_on_the_form(cast, login):
    call = make_call(cast, status=S.OPEN, opens_on=today() - timedelta(days=9), closes_on=today() - timedelta(days=1))
    response = login(cast.partner_staff).post(url(cast, "application_create", call.pk), application_post())
    assert response.status_code == 400 and "Applications closed on" in response.content.decode()


def test_another_organisations_staff_and_funders_do_not_read_an_application(cast, login):
    call = make_call(cast, status=S.OPEN)
    application = ApplicationFactory(call=call, organization=cast.organization, title="Riservata")
    other_staff = f.UserFactory(email="altro@example.org")
    f.MembershipFactory(
        network=cast.network,
        user=other_staff,
        role=Role.PARTNER_STAFF,
        organization=f.OrganizationFactory(network=cast.network, name="Concorrente"),
    )
    assert login(other_staff).get(url(cast, "application_detail", application.pk)).status_code == 404
    assert "Riservata" not in login(other_staff).get(url(cast, "call_detail", call.pk)).content.decode()
    assert login(cast.funder).get(url(cast, "application_detail", application.pk)).status_code == 404
    assert login(cast.evaluator).get(url(cast, "application_detail", application.pk)).status_code == 200
    assert login(other_staff).post(url(cast, "application_withdraw", application.pk), {}).status_code == 404


def test_exclusion_needs_a_reason_on_the_form(cast, login):
    application = ApplicationFactory(call=make_call(cast, status=S.EVALUATION), organization=cast.organization)
    client = login(cast.coordinator)
    assert client.post(url(cast, "application_exclude", application.pk), {"reason": ""}).status_code == 400
    assert client.post(url(cast, "application_exclude", application.pk), {"reason": "Fuori termine"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.EXCLUDED
    assert "Fuori termine" in client.get(url(cast, "application_detail", application.pk)).content.decode()


def test_an_evaluator_scores_through_the_form(cast, login):
    call = make_call(cast, status=S.EVALUATION)
    first, second = call.criteria.all()
    application = ApplicationFactory(call=call, organization=cast.organization)
    client = login(cast.evaluator)
    assert client.get(url(cast, "application_score", application.pk)).status_code == 200
    data = {
        f"score_{first.pk}": "8",
        f"reason_{first.pk}": "Rete solida",
        f"score_{second.pk}": "5",
        f"reason_{second.pk}": "Costi",
    }
    assert client.post(url(cast, "application_score", application.pk), data).status_code == 302
    assert Score.objects.filter(evaluator=cast.evaluator).count() == 2
    page = client.get(url(cast, "application_score", application.pk)).content.decode()
    assert "Rete solida" in page  # the scores are shown again to be changed


@pytest.mark.parametrize(
    ("score_value", "reason", "message"),
    [
        ("11", "x", "less than or equal to 10"),
        ("5", "", "Give the reason for the score."),
        ("", "", "Score at least one criterion."),
        ("otto", "x", "Enter a whole number."),
    ],
)
def test_bad_scores_show_the_errors(cast, login, score_value, reason, message):
    call = make_call(cast, status=S.EVALUATION, weights=(100,))
    criterion = call.criteria.get()
    application = ApplicationFactory(call=call, organization=cast.organization)
    response = login(cast.evaluator).post(
        url(cast, "application_score", application.pk),
        {f"score_{criterion.pk}": score_value, f"reason_{criterion.pk}": reason},
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Score.objects.exists()


def test_an_evaluator_of_the_applicant_is_told_why_they_cannot_score(cast, login):
    call = make_call(cast, status=S.EVALUATION, weights=(100,))
    criterion = call.criteria.get()
    application = ApplicationFactory(call=call, organization=cast.organization)
    conflicted = evaluator(cast.network, "eval-ponte@example.org", cast.organization)
    client = login(conflicted)
    page = client.get(url(cast, "application_detail", application.pk)).content.decode()
    assert "your organisation Cooperativa Il Ponte takes part in it" in page
    assert url(cast, "application_score", application.pk) not in page
    response = client.post(
        url(cast, "application_score", application.pk),
        {f"score_{criterion.pk}": "10", f"reason_{criterion.pk}": "Ottimo"},
    )
    assert response.status_code == 400 and "takes part in it" in response.content.decode()
    assert not Score.objects.exists()


def test_ranking_award_and_convention(cast, login):
    call = CallFactory(network=cast.network, status=S.EVALUATION, title="Tavolo anziani", budget=Decimal("40000"))
    quality = CriterionFactory(call=call, name="Qualità", weight=60, max_score=10)
    cost = CriterionFactory(call=call, name="Sostenibilità", weight=40, max_score=5)
    winner = ApplicationFactory(
        call=call,
        organization=cast.organization,
        title="Vicini di casa",
        staff_hours=200,
        volunteers=10,
        spaces="Sala civica",
        money=Decimal("1500.00"),
    )
    friend = f.OrganizationFactory(network=cast.network, name="Auser Cremona")
    winner.partners.set([friend])
    other = ApplicationFactory(call=call, organization=f.OrganizationFactory(network=cast.network, name="Altro ente"))
    second = evaluator(cast.network, "eval-2@example.org")
    for app, values in ((winner, (9, 7, 5, 4)), (other, (6, 6, 3, 3))):
        score(app, quality, cast.evaluator, values[0])
        score(app, quality, second, values[1])
        score(app, cost, cast.evaluator, values[2])
        score(app, cost, second, values[3])
    client = login(cast.coordinator)
    assert "not yet" not in client.get(url(cast, "call_ranking", call.pk)).content.decode()
    assert client.post(url(cast, "call_move", call.pk, "rank"), {}).status_code == 302
    page = login(cast.funder).get(url(cast, "call_ranking", call.pk)).content.decode()
    # winner: 60 * 8/10 + 40 * 4.5/5 = 48 + 36 = 84.00; other: 60 * 0.6 + 40 * 0.6 = 60.00
    assert "84.00" in page and "60.00" in page and "8.00" in page and "4.50" in page
    assert page.index("Vicini di casa") < page.index(other.title)
    client = login(cast.coordinator)
    response = client.post(url(cast, "call_award", call.pk), {})
    assert response.status_code == 400
    assert client.post(url(cast, "call_award", call.pk), {"applications": [winner.pk]}).status_code == 302
    response_row = Response.objects.get(call=call)
    detail = client.get(url(cast, "call_detail", call.pk)).content.decode()
    assert url(cast, "convention_pdf", response_row.pk) in detail
    assert url(cast, "response_detail", response_row.pk) in detail and "Run the co-design table" not in detail
    pdf = login(cast.partner_staff).get(url(cast, "convention_pdf", response_row.pk))
    assert pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        "Vicini di casa",
        "Cooperativa Il Ponte",
        "Auser Cremona",
        "40.000,00 €",
        "1.500,00 €",
        "41.500,00 €",
        "Sala civica",
        "24 mesi",
    ):
        assert expected in text, expected


def test_the_convention_of_a_response_no_table_made_does_not_exist(cast, login):
    plain = Response.objects.create(network=cast.network, title="Risposta", summary="s")
    assert login(cast.coordinator).get(url(cast, "convention_pdf", plain.pk)).status_code == 404


def test_ranking_is_refused_on_the_page_while_scores_are_missing(cast, login):
    call = make_call(cast, status=S.EVALUATION, weights=(100,))
    ApplicationFactory(call=call, organization=cast.organization, title="Senza voti")
    response = login(cast.coordinator).post(url(cast, "call_move", call.pk, "rank"), {})
    assert response.status_code == 400 and "Senza voti" in response.content.decode()


def test_a_ranked_call_is_awarded_once(cast, login):
    call = make_call(cast, status=S.EVALUATION, weights=(100,))
    app = ApplicationFactory(call=call, organization=cast.organization)
    score(app, call.criteria.get(), cast.evaluator, 7)
    rank_call(actor=cast.coordinator, call=call)
    client = login(cast.coordinator)
    assert client.post(url(cast, "call_award", call.pk), {"applications": [app.pk]}).status_code == 302
    response = client.post(url(cast, "call_award", call.pk), {"applications": [app.pk]})
    assert response.status_code == 400 and Response.objects.count() == 1


def test_a_note_too_long_is_refused_on_the_confirmation(cast, login):
    call = make_call(cast, status=S.OPEN)
    response = login(cast.coordinator).post(url(cast, "call_move", call.pk, "evaluate"), {"note": "x" * 301})
    assert response.status_code == 400 and "at most 300 characters" in response.content.decode()
    call.refresh_from_db()
    assert call.status == S.OPEN


def test_partner_staff_are_not_offered_to_apply_twice(cast, login):
    call = make_call(cast, status=S.OPEN)
    client = login(cast.partner_staff)
    assert url(cast, "application_create", call.pk) in client.get(url(cast, "call_detail", call.pk)).content.decode()
    ApplicationFactory(call=call, organization=cast.organization)
    assert (
        url(cast, "application_create", call.pk) not in client.get(url(cast, "call_detail", call.pk)).content.decode()
    )


def test_the_pages_speak_italian(cast, login):
    call = make_call(cast, status=S.EVALUATION)
    application = ApplicationFactory(call=call, organization=cast.organization)
    client = login(cast.coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "it"
    page = client.get(url(cast, "calls")).content.decode()
    assert "Tavoli di co-progettazione" in page and "1 tavolo di co-progettazione trovato." in page
    page = client.get(url(cast, "call_detail", call.pk)).content.decode()
    assert "Criteri di valutazione" in page and "Calcola la graduatoria" in page and "In valutazione" in page
    page = client.get(url(cast, "application_detail", application.pk)).content.decode()
    assert "Proposta progettuale" in page and "Escludi" in page
    assert "Graduatoria" in client.get(url(cast, "call_ranking", call.pk)).content.decode()


def test_user_text_is_escaped(cast, login):
    call = make_call(cast, status=S.OPEN, title="<script>alert(1)</script>", purpose="<b>grassetto</b>")
    application = ApplicationFactory(call=call, organization=cast.organization, proposal="<img src=x onerror=alert(1)>")
    client = login(cast.coordinator)
    page = client.get(url(cast, "call_detail", call.pk)).content.decode()
    assert "<script>alert(1)</script>" not in page and "<b>grassetto</b>" not in page
    assert "<img src=x" not in client.get(url(cast, "application_detail", application.pk)).content.decode()


def test_another_networks_call_application_and_convention_do_not_exist_here(cast, login):
    call = CallFactory(network=cast.other_network, status=S.AWARDED)
    application = ApplicationFactory(call=call, organization=f.OrganizationFactory(network=cast.other_network))
    response = Response.objects.create(network=cast.other_network, title="Altrove", summary="s", call=call)
    client = login(cast.coordinator)
    assert client.get(url(cast, "call_detail", call.pk)).status_code == 404
    assert client.get(url(cast, "application_detail", application.pk)).status_code == 404
    assert client.get(url(cast, "convention_pdf", response.pk)).status_code == 404
