"""Survey pages through the client: public answering, honeypot, closed page, builder, results, export."""

import pytest
from django.urls import reverse

from legami.core.models import AuditEvent
from legami.core.tests import stamps
from legami.needs.forms.surveys import SURVEY_STAMP_SALT
from legami.needs.models import Question, Survey, SurveyResponse
from legami.needs.tests.factories import QuestionFactory, SurveyFactory


@pytest.fixture
def survey(cast):
    survey = SurveyFactory(network=cast.network, status=Survey.Status.OPEN, title="Vivere qui")
    QuestionFactory(survey=survey, kind=Question.Kind.SINGLE_CHOICE, choices=["Sì", "No"], required=True)
    QuestionFactory(survey=survey, kind=Question.Kind.MUNICIPALITY, choices=[], text="Dove vivi?")
    return survey


def answer_url(cast, survey):
    return reverse("needs:survey_answer", args=[cast.network.slug, survey.public_token])


def _stamp(seconds_ago=60, nonce=None):
    return stamps.stamp_from(SURVEY_STAMP_SALT, seconds_ago, nonce)


def test_anonymous_visitor_answers_and_is_thanked(cast, survey, login):
    client = login(None)
    single, comune = survey.questions.all()
    response = client.post(
        answer_url(cast, survey),
        {f"q_{single.pk}": "Sì", f"q_{comune.pk}": cast.municipalities[0].pk, "stamp": _stamp()},
    )
    assert response.status_code == 302
    assert response.url == reverse("needs:survey_thanks", args=[cast.network.slug, survey.public_token])
    stored = SurveyResponse.objects.get()
    assert stored.municipality == cast.municipalities[0] and stored.respondent is None


def test_bad_answer_shows_the_error_beside_the_question(cast, survey, login):
    client = login(None)
    single, _comune = survey.questions.all()
    response = client.post(answer_url(cast, survey), {f"q_{single.pk}": "Forse", "stamp": _stamp()})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not one of the options" in page and f'id="id_q_{single.pk}_error"' in page
    assert not SurveyResponse.objects.exists()


def test_honeypot_keeps_nothing(cast, survey, login):
    client = login(None)
    single, _comune = survey.questions.all()
    response = client.post(answer_url(cast, survey), {f"q_{single.pk}": "Sì", "website": "http://spam"})
    assert response.status_code == 302
    assert not SurveyResponse.objects.exists()


def test_closed_and_draft_surveys(cast, survey, login):
    survey.status = Survey.Status.CLOSED
    survey.save()
    client = login(None)
    response = client.get(answer_url(cast, survey))
    assert response.status_code == 200 and "closed" in response.content.decode()
    assert client.post(answer_url(cast, survey), {}).status_code == 200
    assert not SurveyResponse.objects.exists()
    survey.status = Survey.Status.DRAFT
    survey.save()
    assert client.get(answer_url(cast, survey)).status_code == 404
    assert login(cast.coordinator).get(answer_url(cast, survey)).status_code == 200  # preview


def test_builder_creates_a_survey_and_adds_a_question(cast, login):
    client = login(cast.community_worker)
    response = client.post(
        reverse("needs:survey_create", args=[cast.network.slug]), {"title": "Nuovo", "anonymous": "on"}
    )
    survey = Survey.objects.get(title="Nuovo")
    assert response.status_code == 302
    url = reverse("needs:survey_question_create", args=[cast.network.slug, survey.pk])
    response = client.post(url, {"text": "Quale?", "kind": "single_choice", "choices": "Uno"})
    assert response.status_code == 200 and "at least two different options" in response.content.decode()
    response = client.post(url, {"text": "Quale?", "kind": "single_choice", "choices": "Uno\nDue"})
    assert response.status_code == 302 and survey.questions.count() == 1
    detail = client.get(reverse("needs:survey_detail", args=[cast.network.slug, survey.pk]))
    assert survey.public_token in detail.content.decode()


def test_status_change_through_the_page(cast, survey, login):
    client = login(cast.coordinator)
    client.post(reverse("needs:survey_status", args=[cast.network.slug, survey.pk]), {"to": "closed"})
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED
    client.post(reverse("needs:survey_status", args=[cast.network.slug, survey.pk]), {"to": "draft"})
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED


def test_results_page_and_audited_export(cast, survey, login):
    client = login(cast.evaluator)
    assert client.get(reverse("needs:survey_results", args=[cast.network.slug, survey.pk])).status_code == 200
    assert client.get(reverse("needs:survey_export", args=[cast.network.slug, survey.pk])).status_code == 403
    client = login(cast.coordinator)
    response = client.get(reverse("needs:survey_export", args=[cast.network.slug, survey.pk]) + "?format=xlsx")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="export", object_type="needs.survey").exists()
    assert (
        client.get(reverse("needs:survey_export", args=[cast.network.slug, survey.pk]) + "?format=pdf").status_code
        == 404
    )


def test_one_page_takes_one_set_of_answers(cast, survey, login):
    client = login(None)
    single, comune = survey.questions.all()
    answers = {f"q_{single.pk}": "Sì", f"q_{comune.pk}": cast.municipalities[0].pk, "stamp": _stamp()}
    assert client.post(answer_url(cast, survey), answers).status_code == 302
    for _ in range(3):
        response = client.post(answer_url(cast, survey), answers)
        assert response.status_code == 200 and "already been sent" in response.content.decode()
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("stamp", "message"),
    [
        (lambda: _stamp(0), "too quickly"),
        (lambda: _stamp(25 * 3600), "expired"),
        (lambda: "", "expired"),
        (lambda: stamps.stamp_from("legami.needs.report"), "expired"),  # another form's stamp
    ],
)
def test_answers_without_a_fit_stamp_are_not_kept(cast, survey, login, stamp, message):
    client = login(None)
    single, comune = survey.questions.all()
    answers = {f"q_{single.pk}": "Sì", f"q_{comune.pk}": cast.municipalities[0].pk, "stamp": stamp()}
    response = client.post(answer_url(cast, survey), answers)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert not SurveyResponse.objects.exists()
    # The page shown again carries a fresh stamp (not the refused one).
    assert response.context["form"].data["stamp"] != answers["stamp"]


def test_a_refused_answer_does_not_spend_the_stamp(cast, survey, login):
    client = login(None)
    single, comune = survey.questions.all()
    stamp = _stamp()
    assert client.post(answer_url(cast, survey), {f"q_{single.pk}": "Forse", "stamp": stamp}).status_code == 200
    good = {f"q_{single.pk}": "Sì", f"q_{comune.pk}": cast.municipalities[0].pk, "stamp": stamp}
    assert client.post(answer_url(cast, survey), good).status_code == 302


def _text_answers(cast, count):
    from legami.needs.tests.factories import AnswerFactory, SurveyResponseFactory

    survey = SurveyFactory(network=cast.network, title="Come stai?", status=Survey.Status.OPEN)
    question = QuestionFactory(survey=survey, kind=Question.Kind.TEXT, text="Racconta", choices=[])
    for number in range(count):
        AnswerFactory(response=SurveyResponseFactory(survey=survey), question=question, value=f"diagnosi {number}")
    return reverse("needs:survey_results", args=[cast.network.slug, survey.pk])


def test_an_evaluator_counts_written_answers_but_never_reads_them(cast, login):
    results = _text_answers(cast, 6)
    body = login(cast.evaluator).get(results).content.decode()
    assert "diagnosi" not in body
    assert "6 written answers: the words people write are read only by those who work with them." in body
    # Not even by asking for the page of all the answers.
    assert "diagnosi" not in login(cast.evaluator).get(results + "?question=1").content.decode()


@pytest.mark.parametrize("persona", ["coordinator", "community_worker"])
def test_operators_read_the_written_answers(cast, login, persona):
    results = _text_answers(cast, 6)
    body = login(getattr(cast, persona)).get(results).content.decode()
    assert "diagnosi 5" in body and "written answers:" not in body
