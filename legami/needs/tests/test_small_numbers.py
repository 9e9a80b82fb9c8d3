"""Needs pages follow the one rule of small numbers (legami.core.smallnumbers): the map, its exports, the
dashboard's figure and survey results hide a group of 4 people from evaluators, funders and partner staff,
show it to the coordinator, and show a group of 5 to everyone; and what the leak test found in surveys."""

import io
import logging

import openpyxl
import pytest
from django.urls import reverse

from legami.needs.models import Question, Survey
from legami.needs.tests.factories import (
    AnswerFactory,
    NeedAreaFactory,
    NeedFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

HIDDEN_FROM = ["evaluator", "funder", "partner_staff"]


def _needs_in_crema(cast, count):
    area = NeedAreaFactory(network=cast.network, code="casa", name="Casa")
    for _i in range(count):
        NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[1])


def _export_rows(client, cast, fmt):
    response = client.get(reverse("needs:map_export", args=[cast.network.slug]) + f"?format={fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        return [line.split(",") for line in b"".join(response.streaming_content).decode().splitlines()]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def _crema_row(rows):
    return next(row for row in rows if "Crema" in row)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("persona", HIDDEN_FROM)
def test_the_map_and_its_exports_hide_a_group_of_four(cast, english_login, persona, fmt):
    _needs_in_crema(cast, 4)
    client = english_login(getattr(cast, persona))
    page = client.get(reverse("needs:map", args=[cast.network.slug]) + "?measure=people").content.decode()
    assert "hidden</td>" in page and ">4<" not in page
    row = _crema_row(_export_rows(client, cast, fmt))
    assert "4" not in row and "hidden" in row


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_coordinator_sees_a_group_of_four_on_the_map_and_in_its_exports(cast, english_login, fmt):
    _needs_in_crema(cast, 4)
    client = english_login(cast.coordinator)
    page = client.get(reverse("needs:map", args=[cast.network.slug]) + "?measure=people").content.decode()
    assert "hidden</td>" not in page
    assert "4" in _crema_row(_export_rows(client, cast, fmt))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("persona", HIDDEN_FROM)
def test_a_group_of_five_is_on_the_map_and_in_its_exports(cast, english_login, persona, fmt):
    _needs_in_crema(cast, 5)
    client = english_login(getattr(cast, persona))
    page = client.get(reverse("needs:map", args=[cast.network.slug]) + "?measure=people").content.decode()
    assert "hidden</td>" not in page
    assert "5" in _crema_row(_export_rows(client, cast, fmt))


# --- surveys --------------------------------------------------------------------------------------


def _survey(cast, answers):
    """A survey whose single-choice question got `answers` (values, in order), one response each."""
    survey = SurveyFactory(network=cast.network, status=Survey.Status.OPEN)
    question = QuestionFactory(survey=survey, kind=Question.Kind.SINGLE_CHOICE, choices=["Sì", "No"], text="Ti serve?")
    for value in answers:
        AnswerFactory(response=SurveyResponseFactory(survey=survey), question=question, value=value)
    return reverse("needs:survey_results", args=[cast.network.slug, survey.pk])


def _cells(html):
    import re

    return re.findall(r'<th scope="row" class="fw-normal">([^<]*)</th>\s*<td class="text-end">([^<]*)</td>', html)


def test_survey_results_hide_four_answers_and_their_count(cast, english_login):
    # The evaluator is the one role without the people that reads survey results.
    html = english_login(cast.evaluator).get(_survey(cast, ["Sì"] * 4)).content.decode()
    assert "Fewer than 5 responses." in html and "4 responses" not in html
    assert "fewer than 5 answers" in html and "4 answers" not in html
    assert _cells(html) == [("Sì", "hidden"), ("No", "0")]


def test_the_coordinator_sees_four_answers(cast, english_login):
    html = english_login(cast.coordinator).get(_survey(cast, ["Sì"] * 4)).content.decode()
    assert "4 responses" in html and "4 answers" in html
    assert '<td class="text-end">4 <span title="under the anonymity threshold">*</span></td>' in html


def test_survey_results_show_five_answers_to_the_evaluator(cast, english_login):
    html = english_login(cast.evaluator).get(_survey(cast, ["Sì"] * 5)).content.decode()
    assert "5 responses" in html and "5 answers" in html
    assert _cells(html) == [("Sì", "5"), ("No", "0")]


def test_a_lone_small_count_is_hidden_with_another_so_the_total_does_not_give_it_away(cast, english_login):
    html = english_login(cast.evaluator).get(_survey(cast, ["Sì"] * 6 + ["No"])).content.decode()
    # 7 answers: were "Sì 6" shown, "No" would be 7 - 6 = 1. Both read alike.
    assert _cells(html) == [("Sì", "hidden"), ("No", "hidden")]
    assert ">6<" not in html and "85.7" not in html


def test_an_answer_off_the_options_is_the_respondents_words_only_for_who_works_with_people(cast, english_login):
    results = _survey(cast, ["Sì"] * 5 + ["No"] * 5 + ["Mia figlia ha la leucemia"] * 5)
    evaluator = english_login(cast.evaluator).get(results).content.decode()
    assert "leucemia" not in evaluator
    assert ("Other answers", "5") in _cells(evaluator)
    coordinator = english_login(cast.coordinator).get(results).content.decode()
    assert "Mia figlia ha la leucemia" in coordinator


def test_the_results_page_logs_no_failed_lookup_with_the_answers_in_it(cast, english_login, caplog):
    """Django logs a variable a template cannot find at DEBUG, with the whole context: the answers too."""
    results = _survey(cast, ["Sì"] * 5 + ["Mia figlia ha la leucemia"])
    with caplog.at_level(logging.DEBUG, logger="django.template"):
        assert english_login(cast.evaluator).get(results).status_code == 200
    assert "leucemia" not in caplog.text
    assert not [r for r in caplog.records if r.name == "django.template"]


def test_a_place_answer_that_names_no_place_is_pooled_for_the_evaluator(cast, english_login):
    survey = SurveyFactory(network=cast.network, status=Survey.Status.OPEN)
    question = QuestionFactory(survey=survey, kind=Question.Kind.MUNICIPALITY, choices=[], text="Dove vivi?")
    for value in [cast.municipalities[0].pk] * 5 + ["Casa di cura San Rocco"] * 5:
        AnswerFactory(response=SurveyResponseFactory(survey=survey), question=question, value=value)
    results = reverse("needs:survey_results", args=[cast.network.slug, survey.pk])
    evaluator = english_login(cast.evaluator).get(results).content.decode()
    assert "San Rocco" not in evaluator
    assert _cells(evaluator) == [("Cremona", "5"), ("Other answers", "5")]
    assert "Casa di cura San Rocco" in english_login(cast.coordinator).get(results).content.decode()


def test_the_survey_list_hides_four_responses_from_the_evaluator_and_shows_five(cast, english_login):
    _survey(cast, ["Sì"] * 4)
    surveys = reverse("needs:surveys", args=[cast.network.slug])
    assert "<td>fewer than 5</td>" in english_login(cast.evaluator).get(surveys).content.decode()
    assert "<td>4</td>" in english_login(cast.coordinator).get(surveys).content.decode()
    _survey(cast, ["Sì"] * 5)
    assert "<td>5</td>" in english_login(cast.evaluator).get(surveys).content.decode()


@pytest.mark.parametrize("persona", HIDDEN_FROM)
def test_the_dashboard_hides_four_needs_this_month_and_shows_five(cast, english_login, persona):
    _needs_in_crema(cast, 4)
    dashboard = reverse("network:dashboard", args=[cast.network.slug])
    assert "Fewer than 5 people" in english_login(getattr(cast, persona)).get(dashboard).content.decode()
    assert "Fewer than 5 people" not in english_login(cast.coordinator).get(dashboard).content.decode()
    _needs_in_crema(cast, 1)
    assert "Fewer than 5 people" not in english_login(getattr(cast, persona)).get(dashboard).content.decode()
