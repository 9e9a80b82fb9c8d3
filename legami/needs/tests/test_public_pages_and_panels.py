"""The needs app on other pages (views through the client): its dashboard card (k-anonymity for non-operators,
constant queries), the open surveys on the network's public home, the survey form's required marks, and the
public report form answering an empty submission with the field errors only."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from legami.core.panels import DASHBOARD, PUBLIC_HOME
from legami.needs.models import NeedStatus, Question, Survey
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory, QuestionFactory, SurveyFactory


def _needs_card(viewer, network):
    return next(p for p in DASHBOARD.panels(viewer, network) if p.key == "needs")


def _figures(panel):
    return {figure.label: figure for figure in panel.figures}


def _this_month_needs(cast, n, **extra):
    area = NeedAreaFactory(network=cast.network, code="casa", name="Casa")
    today = timezone.localdate()
    for _ in range(n):
        NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], observed_on=today, **extra)
    # one of last month, counted by neither figure of this month
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], observed_on=last_month)


# --- the dashboard card -----------------------------------------------------------------------------


def test_operators_see_this_months_needs_exactly_and_the_new_ones_to_read(cast, login):
    _this_month_needs(cast, 2, status=NeedStatus.READING)
    figures = _figures(_needs_card(cast.coordinator, cast.network))
    assert figures["Needs this month"].value == 2
    assert figures["New needs to read"].value == 1  # last month's need is still new
    assert figures["New needs to read"].url.endswith("?status=new")
    # the figure drills down to the map with the same filter, which shows the same total
    response = login(cast.coordinator).get(figures["Needs this month"].url)
    assert response.status_code == 200 and response.context["shown"]["totals"][0] == "2"


@pytest.mark.parametrize("persona", ["partner_staff", "evaluator", "funder", "citizen", "privacy_officer"])
def test_a_small_figure_is_hidden_from_non_operators(cast, login, persona, settings):
    settings.LANGUAGE_CODE = "en"
    _this_month_needs(cast, 2)
    viewer = getattr(cast, persona)
    figures = _figures(_needs_card(viewer, cast.network))
    assert figures["Needs this month"].value == "hidden"
    assert "Fewer than 5 people" in figures["Needs this month"].note
    assert "New needs to read" not in figures  # the individual needs are for operators only
    body = login(viewer).get(reverse("network:dashboard", args=[cast.network.slug])).content.decode()
    assert "Fewer than 5 people" in body


def test_a_figure_of_k_people_or_more_reaches_non_operators(cast):
    _this_month_needs(cast, 5)
    assert _figures(_needs_card(cast.funder, cast.network))["Needs this month"].value == 5


def test_open_surveys_are_counted_for_survey_readers_only(cast):
    SurveyFactory(network=cast.network, status=Survey.Status.OPEN)
    SurveyFactory(network=cast.network, status=Survey.Status.DRAFT)
    SurveyFactory(network=cast.other_network, status=Survey.Status.OPEN)
    assert _figures(_needs_card(cast.evaluator, cast.network))["Open surveys"].value == 1
    assert "Open surveys" not in _figures(_needs_card(cast.citizen, cast.network))


def _count(client, address):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("persona", ["coordinator", "citizen", "district_case_manager"])
def test_the_dashboard_runs_a_constant_number_of_queries_as_needs_and_surveys_grow(cast, login, persona):
    client = login(getattr(cast, persona))
    address = reverse("network:dashboard", args=[cast.network.slug])
    _this_month_needs(cast, 1)
    client.get(address)
    small = _count(client, address)
    _this_month_needs(cast, 30)
    for _ in range(5):
        SurveyFactory(network=cast.network, status=Survey.Status.OPEN)
    assert _count(client, address) == small


# --- the network's public home --------------------------------------------------------------------------


def test_the_public_home_links_every_open_survey_and_no_other(cast, login):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    open_ = SurveyFactory(network=cast.network, status=Survey.Status.OPEN, title="Vivere nel quartiere")
    until = SurveyFactory(
        network=cast.network, status=Survey.Status.OPEN, title="Estate ragazzi", closes_on=today + day * 10
    )
    others = [
        SurveyFactory(network=cast.network, status=Survey.Status.DRAFT, title="Bozza"),
        SurveyFactory(network=cast.network, status=Survey.Status.CLOSED, title="Chiuso"),
        SurveyFactory(network=cast.network, status=Survey.Status.OPEN, title="Non ancora", opens_on=today + day),
        SurveyFactory(network=cast.network, status=Survey.Status.OPEN, title="Scaduto", closes_on=today - day),
        SurveyFactory(network=cast.other_network, status=Survey.Status.OPEN, title="Altra rete"),
    ]
    for user in (None, cast.citizen):
        body = login(user).get(reverse("network:home", args=[cast.network.slug])).content.decode()
        assert "Open surveys" in body
        for survey in (open_, until):
            assert survey.title in body
            assert reverse("needs:survey_answer", args=[cast.network.slug, survey.public_token]) in body
        for survey in others:
            assert survey.public_token not in body and survey.title not in body
    links = PUBLIC_HOME.panels(None, cast.network)[0].links
    assert [link.label for link in links] == ["Estate ragazzi", "Vivere nel quartiere"]
    assert links[0].note.startswith("open until")


def test_the_public_home_has_no_survey_section_without_an_open_survey(cast, login):
    SurveyFactory(network=cast.network, status=Survey.Status.DRAFT)
    body = login(None).get(reverse("network:home", args=[cast.network.slug])).content.decode()
    assert "Open surveys" not in body


# --- the survey's public form ---------------------------------------------------------------------------


def test_the_survey_form_marks_its_required_questions(cast, login):
    survey = SurveyFactory(network=cast.network, status=Survey.Status.OPEN)
    single = QuestionFactory(
        survey=survey, kind=Question.Kind.SINGLE_CHOICE, text="Ti piace?", choices=["Sì", "No"], required=True
    )
    text = QuestionFactory(survey=survey, kind=Question.Kind.TEXT, text="Che cosa manca?", choices=[], required=True)
    comune = QuestionFactory(survey=survey, kind=Question.Kind.MUNICIPALITY, text="Dove vivi?", choices=[])
    body = login(None).get(reverse("needs:survey_answer", args=[cast.network.slug, survey.public_token])).content
    body = body.decode()
    assert "The questions marked “(required)” must be answered" in body
    assert 'Ti piace? <span class="legami-required">(required)</span>' in body
    assert 'Che cosa manca? <span class="legami-required">(required)</span>' in body
    assert "Dove vivi?</label>" in body  # an optional question has no mark
    assert body.count(f'name="q_{single.pk}"') == 2
    assert body.count(f'name="q_{single.pk}" value="Sì" id="id_q_{single.pk}_0" class="form-check-input" required') == 1
    assert f'name="q_{text.pk}" cols="40" rows="4" class="form-control" required' in body
    select = re.search(rf'<select[^>]*name="q_{comune.pk}"[^>]*>', body).group(0)
    assert "required" not in select


def test_a_survey_without_required_questions_has_no_note(cast, login):
    survey = SurveyFactory(network=cast.network, status=Survey.Status.OPEN)
    QuestionFactory(survey=survey, kind=Question.Kind.TEXT, text="Che cosa manca?", choices=[])
    body = login(None).get(reverse("needs:survey_answer", args=[cast.network.slug, survey.public_token])).content
    assert "must be answered" not in body.decode()


# --- the public report form -----------------------------------------------------------------------------


def test_an_empty_report_gets_the_field_errors_only(cast, client):
    address = reverse("needs:report", args=[cast.network.slug])
    stamp = client.get(address).context["form"].initial["stamp"]
    # what a browser sends for the untouched form, at once: a bot's timing, a person's mistake
    fields = ("area", "target_group", "municipality", "neighbourhood", "description", "time_windows")
    empty = {name: "" for name in (*fields, "contact_name", "contact_email", "contact_phone", "website")}
    response = client.post(address, {**empty, "stamp": stamp})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"area", "target_group", "municipality", "description", "privacy", "contact_name"} <= set(errors)
    assert "__all__" not in errors
    body = response.content.decode()
    assert "too quickly" not in body and "expired" not in body and "could not be sent" not in body


def test_a_valid_report_sent_too_fast_still_gets_the_anti_bot_message(cast, client):
    from legami.needs.forms.needs import form_stamp

    area = NeedAreaFactory(network=cast.network, code="casa", name="Casa")
    data = {
        "area": area.pk,
        "target_group": "minors",
        "municipality": cast.municipalities[0].pk,
        "description": "Serve un doposcuola",
        "contact_name": "Maria Rossi",
        "contact_email": "maria@example.org",
        "privacy": "on",
        "stamp": form_stamp(),
    }
    response = client.post(reverse("needs:report", args=[cast.network.slug]), data)
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["too_fast"]
    assert "too quickly" in response.content.decode()


def test_a_report_with_the_honeypot_and_an_error_shows_only_the_error(cast, client):
    response = client.post(reverse("needs:report", args=[cast.network.slug]), {"website": "http://spam.example"})
    errors = response.context["form"].errors
    assert response.status_code == 400 and "__all__" not in errors and "area" in errors
