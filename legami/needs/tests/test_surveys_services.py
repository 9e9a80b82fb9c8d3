"""Surveys: builder validation, status workflow, answering, anonymity, rules to needs, results, export."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.needs.models import Need, Question, Survey, SurveyResponse
from legami.needs.selectors.surveys import survey_export, survey_results
from legami.needs.services import survey_answers as sa
from legami.needs.services import surveys as s
from legami.needs.tests.factories import NeedAreaFactory, QuestionFactory, SurveyFactory

K = Question.Kind


def make_survey(cast, **kwargs):
    return s.create_survey(actor=cast.coordinator, network=cast.network, data={"title": "Vivere a Cremona", **kwargs})


def q(cast, survey, **data):
    return s.add_question(actor=cast.coordinator, survey=survey, data={"text": "Domanda?", **data})


def codes(exc, field):
    return [e.code for e in exc.value.error_dict[field]]


@pytest.fixture
def full(cast):
    survey = make_survey(cast, anonymous=True)
    questions = {
        "single": q(cast, survey, kind=K.SINGLE_CHOICE, choices="Sì\nNo", required=True),
        "multi": q(cast, survey, kind=K.MULTIPLE_CHOICE, choices="Casa\nLavoro\nSalute"),
        "scale": q(cast, survey, kind=K.SCALE, min_value=1, max_value=5),
        "number": q(cast, survey, kind=K.NUMBER, min_value=0, max_value=100),
        "text": q(cast, survey, kind=K.TEXT),
        "comune": q(cast, survey, kind=K.MUNICIPALITY),
        "quartiere": q(cast, survey, kind=K.NEIGHBOURHOOD),
    }
    s.change_survey_status(actor=cast.coordinator, survey=survey, to_status=Survey.Status.OPEN)
    survey.refresh_from_db()
    return survey, questions


def answers(questions, **values):
    return {questions[key].pk: value for key, value in values.items()}


# ------------------------------------------------------------------------------------------- builder


def test_create_survey_requires_the_capability_and_audits(cast):
    with pytest.raises(PermissionDenied):
        s.create_survey(actor=cast.evaluator, network=cast.network, data={"title": "x"})
    survey = s.create_survey(actor=cast.community_worker, network=cast.network, data={"title": "  Un  titolo "})
    assert survey.title == "Un titolo" and survey.status == Survey.Status.DRAFT and survey.public_token
    assert AuditEvent.objects.filter(action="create", object_type="needs.survey", object_id=str(survey.pk)).exists()


@pytest.mark.parametrize(
    "data,field,code",
    [
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 201}, "title", "max_length"),
        ({"title": "x", "opens_on": "2025-05-02", "closes_on": "2025-05-01"}, "closes_on", "survey_dates_order"),
        ({"title": "x", "opens_on": "not a date"}, "opens_on", "invalid_date"),
    ],
)
def test_bad_survey_data_is_refused(cast, data, field, code):
    with pytest.raises(ValidationError) as exc:
        s.create_survey(actor=cast.coordinator, network=cast.network, data=data)
    assert code in codes(exc, field)
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    "data,field,code",
    [
        ({"kind": K.SINGLE_CHOICE, "choices": "Solo una"}, "choices", "too_few_options"),
        ({"kind": K.MULTIPLE_CHOICE, "choices": "A\na\nB"}, "choices", "duplicate_options"),
        ({"kind": K.SINGLE_CHOICE, "choices": "A\n" + "b" * 201}, "choices", "option_too_long"),
        ({"kind": K.SCALE, "min_value": 5, "max_value": 1}, "max_value", "bounds_order"),
        ({"kind": K.SCALE, "min_value": 1}, "max_value", "scale_bounds_required"),
        ({"kind": K.SCALE, "min_value": "1.5", "max_value": 5}, "max_value", "scale_not_whole"),
        ({"kind": K.SCALE, "min_value": 0, "max_value": 20}, "max_value", "scale_too_wide"),
        ({"kind": K.NUMBER, "min_value": 10, "max_value": 10}, "max_value", "bounds_order"),
        ({"kind": K.NUMBER, "min_value": "abc"}, "min_value", "invalid_number"),
        ({"kind": "colour"}, "kind", "invalid_choice"),
        ({"kind": K.TEXT, "text": ""}, "text", "required"),
    ],
)
def test_bad_questions_are_refused(cast, data, field, code):
    survey = make_survey(cast)
    with pytest.raises(ValidationError) as exc:
        s.add_question(actor=cast.coordinator, survey=survey, data={"text": "Domanda?", **data})
    assert code in codes(exc, field)
    assert not survey.questions.exists()


def test_number_bounds_are_optional_and_questions_are_ordered_and_moved(cast):
    survey = make_survey(cast)
    first = q(cast, survey, kind=K.NUMBER)
    second = q(cast, survey, kind=K.TEXT)
    assert (first.position, second.position) == (0, 1)
    s.move_question(actor=cast.coordinator, question=second, direction="up")
    assert list(survey.questions.values_list("pk", flat=True)) == [second.pk, first.pk]
    s.move_question(actor=cast.coordinator, question=second, direction="up")  # already first: nothing moves
    assert list(survey.questions.values_list("pk", flat=True)) == [second.pk, first.pk]
    with pytest.raises(ValidationError):
        s.move_question(actor=cast.coordinator, question=second, direction="sideways")


def test_answered_questions_keep_their_kind_options_and_bounds(cast, full):
    survey, qs = full
    sa.submit_survey_response(survey=survey, answers=answers(qs, single="Sì", multi=["Casa"], number=50))
    with pytest.raises(ValidationError) as exc:
        s.update_question(actor=cast.coordinator, question=qs["single"], data={"kind": K.TEXT})
    assert "question_kind_locked" in codes(exc, "kind")
    with pytest.raises(ValidationError) as exc:
        s.update_question(actor=cast.coordinator, question=qs["multi"], data={"choices": "Abitazione\nLavoro\nSalute"})
    assert "options_in_use" in codes(exc, "choices")
    with pytest.raises(ValidationError) as exc:
        s.update_question(actor=cast.coordinator, question=qs["number"], data={"max_value": 10})
    assert "bounds_exclude_answers" in codes(exc, "max_value")
    with pytest.raises(ValidationError):
        s.delete_question(actor=cast.coordinator, question=qs["single"])
    # unanswered options may go, new ones may come, the text may change
    s.update_question(
        actor=cast.coordinator, question=qs["multi"], data={"choices": "Casa\nLavoro\nScuola", "text": "Nuovo testo"}
    )
    qs["multi"].refresh_from_db()
    assert qs["multi"].choices == ["Casa", "Lavoro", "Scuola"]
    s.delete_question(actor=cast.coordinator, question=qs["text"])
    assert not Question.objects.filter(pk=qs["text"].pk).exists()


def test_anonymity_cannot_change_once_answered(cast, full):
    survey, qs = full
    s.update_survey(actor=cast.coordinator, survey=survey, data={"anonymous": False})  # no answers yet: fine
    s.update_survey(actor=cast.coordinator, survey=survey, data={"anonymous": True})
    sa.submit_survey_response(survey=survey, answers=answers(qs, single="No"))
    with pytest.raises(ValidationError) as exc:
        s.update_survey(actor=cast.coordinator, survey=survey, data={"anonymous": False})
    assert "survey_anonymity_locked" in codes(exc, "anonymous")
    with pytest.raises(ValidationError):
        s.delete_survey(actor=cast.coordinator, survey=survey)


# --------------------------------------------------------------------------------------- workflow

ALL = [Survey.Status.DRAFT, Survey.Status.OPEN, Survey.Status.CLOSED]
ALLOWED = {("draft", "open"), ("open", "closed"), ("closed", "open")}


@pytest.mark.parametrize("start", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_status_transition(cast, start, target):
    survey = SurveyFactory(network=cast.network, status=start)
    QuestionFactory(survey=survey)
    if (start, target) in ALLOWED:
        s.change_survey_status(actor=cast.coordinator, survey=survey, to_status=target)
        survey.refresh_from_db()
        assert survey.status == target
    else:
        with pytest.raises(ValidationError) as exc:
            s.change_survey_status(actor=cast.coordinator, survey=survey, to_status=target)
        assert exc.value.code == "survey_transition_refused"
        survey.refresh_from_db()
        assert survey.status == start


def test_opening_needs_a_question_and_the_capability(cast):
    survey = make_survey(cast)
    with pytest.raises(ValidationError) as exc:
        s.change_survey_status(actor=cast.coordinator, survey=survey, to_status="open")
    assert exc.value.code == "survey_no_questions"
    q(cast, survey, kind=K.TEXT)
    with pytest.raises(PermissionDenied):
        s.change_survey_status(actor=cast.evaluator, survey=survey, to_status="open")


def test_answers_only_while_open_and_within_dates(cast, full):
    survey, qs = full
    today = timezone.localdate()
    survey.opens_on = today + datetime.timedelta(days=1)
    survey.save()
    with pytest.raises(ValidationError):
        sa.submit_survey_response(survey=survey, answers=answers(qs, single="Sì"))
    survey.opens_on, survey.closes_on = None, today - datetime.timedelta(days=1)
    survey.save()
    assert not s.survey_accepts_answers(survey)
    survey.closes_on, survey.status = None, Survey.Status.CLOSED
    survey.save()
    with pytest.raises(ValidationError):
        sa.submit_survey_response(survey=survey, answers=answers(qs, single="Sì"))
    assert not SurveyResponse.objects.exists()


# -------------------------------------------------------------------------------------- answering


@pytest.mark.parametrize(
    "key,value,fragment",
    [
        ("single", "Forse", "is not one of the options"),
        ("multi", ["Casa", "Sport"], "is not one of the options"),
        ("scale", "6", "from 1 to 5"),
        ("scale", "2.5", "whole number"),
        ("number", "tanti", "Enter a number"),
        ("number", "101", "from 0 to 100"),
        ("text", "x" * 2001, "longer than 2000"),
        ("comune", "999999", "territory"),
        ("quartiere", "999999", "neighbourhoods"),
    ],
)
def test_every_bad_answer_gets_a_specific_error_and_saves_nothing(cast, full, key, value, fragment):
    survey, qs = full
    data = answers(qs, single="Sì", **{key: value}) if key != "single" else answers(qs, single=value)
    with pytest.raises(ValidationError) as exc:
        sa.submit_survey_response(survey=survey, answers=data)
    messages = " ".join(exc.value.message_dict[f"q_{qs[key].pk}"])
    assert fragment in messages
    assert not SurveyResponse.objects.exists()


def test_required_question_and_comune_outside_the_network(cast, full):
    survey, qs = full
    elsewhere = f.MunicipalityFactory(name="Milano")
    with pytest.raises(ValidationError) as exc:
        sa.submit_survey_response(survey=survey, answers=answers(qs, comune=str(elsewhere.pk)))
    assert "needs an answer" in exc.value.message_dict[f"q_{qs['single'].pk}"][0]
    assert f"q_{qs['comune'].pk}" in exc.value.message_dict


def test_neighbourhood_must_lie_in_the_chosen_comune(cast, full):
    survey, qs = full
    cremona, crema = cast.municipalities
    po = f.NeighbourhoodFactory(network=cast.network, municipality=cremona, name="Po")
    with pytest.raises(ValidationError) as exc:
        sa.submit_survey_response(
            survey=survey, answers=answers(qs, single="Sì", comune=str(crema.pk), quartiere=str(po.pk))
        )
    assert "not in the Comune" in exc.value.message_dict[f"q_{qs['quartiere'].pk}"][0]
    response = sa.submit_survey_response(survey=survey, answers=answers(qs, single="Sì", quartiere=str(po.pk)))
    assert response.municipality == cremona and response.neighbourhood == po  # the Comune follows the neighbourhood


def test_good_answers_are_stored_as_json(cast, full):
    survey, qs = full
    response = sa.submit_survey_response(
        survey=survey,
        answers=answers(
            qs,
            single="Sì",
            multi=["Salute", "Casa"],
            scale="4",
            number="12,5",
            text=" ciao ",
            comune=cast.municipalities[0].pk,
        ),
    )
    values = {a.question_id: a.value for a in response.answers.all()}
    assert values == {
        qs["single"].pk: "Sì",
        qs["multi"].pk: ["Casa", "Salute"],
        qs["scale"].pk: 4,
        qs["number"].pk: 12.5,
        qs["text"].pk: "ciao",
        qs["comune"].pk: cast.municipalities[0].pk,
    }
    assert response.municipality == cast.municipalities[0]


def test_anonymous_survey_keeps_no_respondent_nor_contact(cast, full):
    survey, qs = full
    response = sa.submit_survey_response(
        survey=survey,
        answers=answers(qs, single="Sì"),
        user=cast.citizen,
        contact={"name": "Anna Rossi", "email": "anna@example.org"},
    )
    assert (response.respondent, response.contact_name, response.contact_email) == (None, "", "")


def test_named_survey_keeps_the_contact_and_checks_the_email(cast, full):
    survey, qs = full
    Survey.objects.filter(pk=survey.pk).update(anonymous=False)
    survey.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        sa.submit_survey_response(survey=survey, answers=answers(qs, single="Sì"), contact={"email": "not-an-email"})
    assert "contact_email" in exc.value.message_dict
    response = sa.submit_survey_response(
        survey=survey, answers=answers(qs, single="Sì"), user=cast.citizen, contact={"name": "Anna", "email": "a@b.it"}
    )
    assert (response.respondent, response.contact_name, response.contact_email) == (cast.citizen, "Anna", "a@b.it")


# ------------------------------------------------------------------------------------------- rules


@pytest.fixture
def ruled(cast, full):
    survey, qs = full
    area = NeedAreaFactory(network=cast.network, code="casa", name="Casa")
    choice_rule = sa.create_need_rule(
        actor=cast.coordinator,
        survey=survey,
        data={
            "question": qs["multi"].pk,
            "choice": "Casa",
            "area": area.pk,
            "target_group": "families",
            "urgency": 3,
            "description": "Difficoltà con la casa",
        },
    )
    scale_rule = sa.create_need_rule(
        actor=cast.coordinator,
        survey=survey,
        data={
            "question": qs["scale"],
            "min_value": 4,
            "area": area,
            "target_group": "elderly",
            "description": "Solitudine",
        },
    )
    return survey, qs, area, choice_rule, scale_rule


@pytest.mark.parametrize(
    "data,field",
    [
        ({"question": "text"}, "question"),
        ({"question": "multi", "choice": "Sport"}, "choice"),
        ({"question": "scale", "min_value": 9}, "min_value"),
        ({"question": "scale"}, "min_value"),
        ({"question": "single", "choice": "Sì", "target_group": "aliens"}, "target_group"),
        ({"question": "single", "choice": "Sì", "description": ""}, "description"),
        ({"question": "single", "choice": "Sì", "area": "other"}, "area"),
    ],
)
def test_bad_rules_are_refused(cast, full, data, field):
    survey, qs = full
    area = NeedAreaFactory(network=cast.network, code="casa")
    other_area = NeedAreaFactory(network=cast.other_network, code="altro")
    payload = {"area": area.pk, "target_group": "families", "description": "Bisogno", **data}
    payload["question"] = qs[data["question"]].pk
    if data.get("area") == "other":
        payload["area"] = other_area.pk
    with pytest.raises(ValidationError) as exc:
        sa.create_need_rule(actor=cast.coordinator, survey=survey, data=payload)
    assert field in exc.value.message_dict


def test_matching_answers_record_needs_and_others_do_not(cast, ruled):
    survey, qs, area, choice_rule, scale_rule = ruled
    cremona = cast.municipalities[0]
    response = sa.submit_survey_response(
        survey=survey,
        answers=answers(qs, single="Sì", multi=["Casa"], scale="5", text="Mi chiamo Anna", comune=cremona.pk),
    )
    needs = Need.objects.filter(survey_response=response).order_by("target_group")
    assert [(n.target_group, n.description) for n in needs] == [
        ("elderly", "Solitudine"),
        ("families", "Difficoltà con la casa"),
    ]
    need = needs[1]
    assert (need.channel, need.expressed, need.municipality, need.area, need.urgency) == (
        "survey",
        True,
        cremona,
        area,
        3,
    )
    assert "Anna" not in need.description  # free text is never copied
    # not matching: another option, a scale under the threshold
    sa.submit_survey_response(
        survey=survey, answers=answers(qs, single="No", multi=["Lavoro"], scale="3", comune=cremona.pk)
    )
    # matching but without a Comune: no need
    sa.submit_survey_response(survey=survey, answers=answers(qs, single="No", multi=["Casa"]))
    assert Need.objects.count() == 2


def test_applying_rules_again_never_duplicates(cast, ruled):
    survey, qs, area, choice_rule, scale_rule = ruled
    cremona = cast.municipalities[0]
    sa.submit_survey_response(survey=survey, answers=answers(qs, single="Sì", multi=["Casa"], comune=cremona.pk))
    assert Need.objects.count() == 1
    assert sa.apply_need_rules(actor=cast.coordinator, survey=survey) == 0
    # a rule added later reaches the stored answers once
    sa.create_need_rule(
        actor=cast.coordinator,
        survey=survey,
        data={
            "question": qs["single"].pk,
            "choice": "Sì",
            "area": area.pk,
            "target_group": "families",
            "description": "Altro",
        },
    )
    assert sa.apply_need_rules(actor=cast.coordinator, survey=survey) == 1
    assert sa.apply_need_rules(actor=cast.coordinator, survey=survey) == 0
    assert Need.objects.count() == 2
    with pytest.raises(PermissionDenied):
        sa.apply_need_rules(actor=cast.evaluator, survey=survey)


def test_a_rule_option_cannot_be_removed_from_the_question(cast, ruled):
    survey, qs, *_ = ruled
    with pytest.raises(ValidationError) as exc:
        s.update_question(actor=cast.coordinator, question=qs["multi"], data={"choices": "Lavoro\nSalute"})
    assert "options_in_use" in codes(exc, "choices")


# ----------------------------------------------------------------------------------------- results


def test_results_on_a_known_set(cast, full, settings):
    settings.LEGAMI_K_ANONYMITY = 3
    survey, qs = full
    cremona = cast.municipalities[0]
    for single, scale, number in [("Sì", 5, 10), ("Sì", 4, 20), ("Sì", 4, 30), ("No", 1, 40)]:
        sa.submit_survey_response(
            survey=survey, answers=answers(qs, single=single, scale=scale, number=number, comune=cremona.pk, text="t")
        )
    operator = survey_results(cast.coordinator, survey)
    assert operator.response_count == 4
    by_kind = {r.question.kind: r for r in operator.questions}
    single = by_kind[K.SINGLE_CHOICE]
    assert [(c.label, c.count, c.percent, c.small) for c in single.cells] == [
        ("Sì", 3, 75.0, False),
        ("No", 1, 25.0, True),
    ]
    assert "<svg" in single.chart
    scale = by_kind[K.SCALE]
    assert [(c.label, c.count) for c in scale.cells] == [("1", 1), ("2", 0), ("3", 0), ("4", 2), ("5", 1)]
    number = by_kind[K.NUMBER]
    assert number.stats == {"n": 4, "mean": 25.0, "median": 25.0, "min": 10.0, "max": 40.0, "small": False}
    assert sum(c.count for c in number.cells) == 4
    assert [(c.label, c.count) for c in by_kind[K.MUNICIPALITY].cells] == [("Cremona", 4)]
    assert by_kind[K.TEXT].texts == ["t"] * 4
    evaluator = survey_results(cast.evaluator, survey)
    cells = {c.label: c.count for c in evaluator.questions[0].cells}
    # "No" is under k: suppressed for the evaluator; "Sì" too, or 4 answers minus 3 would give "No" away.
    assert cells == {"Sì": None, "No": None}
    assert [c.protected for c in evaluator.questions[0].cells] == [True, False]


def test_results_and_list_run_a_constant_number_of_queries(cast, full, django_assert_max_num_queries):
    from legami.needs.selectors.surveys import surveys_for_user

    survey, qs = full
    for _i in range(3):
        sa.submit_survey_response(survey=survey, answers=answers(qs, single="Sì", comune=cast.municipalities[0].pk))
    with django_assert_max_num_queries(6):
        survey_results(cast.coordinator, survey)
    with django_assert_max_num_queries(2):
        list(surveys_for_user(cast.coordinator, cast.network))
    for _i in range(10):
        sa.submit_survey_response(survey=survey, answers=answers(qs, single="No", comune=cast.municipalities[1].pk))
        SurveyFactory(network=cast.network)
    with django_assert_max_num_queries(6):
        survey_results(cast.coordinator, survey)
    with django_assert_max_num_queries(2):
        list(surveys_for_user(cast.coordinator, cast.network))


def test_export_has_one_row_per_response_and_joins_multiple_choices(cast, full):
    survey, qs = full
    sa.submit_survey_response(
        survey=survey, answers=answers(qs, single="Sì", multi=["Casa", "Lavoro"], comune=cast.municipalities[0].pk)
    )
    header, rows = survey_export(survey)
    rows = list(rows)
    assert header[:4] == ["Response", "Submitted at", "Comune", "Neighbourhood"]
    assert len(rows) == 1
    assert rows[0][5] == "Casa; Lavoro"
    assert rows[0][2] == "Cremona" and rows[0][4] == "Sì"
    assert "Name" not in header  # anonymous: no contact columns


def test_suppressed_counts_are_neither_charted_nor_ranked_for_the_evaluator(cast):
    from legami.needs.selectors.surveys import survey_results
    from legami.needs.tests.factories import AnswerFactory, QuestionFactory, SurveyResponseFactory

    cremona, crema = cast.municipalities
    survey = SurveyFactory(network=cast.network)
    question = QuestionFactory(survey=survey, kind=Question.Kind.MUNICIPALITY, choices=[])
    soresina = f.MunicipalityFactory(istat_code="019098", cadastral_code="I849", name="Soresina")
    for place, n in ((cremona, 6), (crema, 3), (soresina, 1)):
        for _ in range(n):
            AnswerFactory(response=SurveyResponseFactory(survey=survey), question=question, value=place.pk)
    results = survey_results(cast.evaluator, survey)
    result = next(r for r in results.questions if r.question == question)
    # Crema (3) outnumbers Soresina (1), but hidden cells come in alphabetical order: nothing ranks them.
    assert [(c.label, c.count) for c in result.cells] == [("Cremona", 6), ("Crema", None), ("Soresina", None)]
    assert "Cremona" in result.chart and "Soresina" not in result.chart and ">Crema<" not in result.chart
    operator = next(r for r in survey_results(cast.coordinator, survey).questions if r.question == question)
    assert [(c.label, c.count) for c in operator.cells] == [("Cremona", 6), ("Crema", 3), ("Soresina", 1)]


def test_each_set_of_answers_is_audited_without_its_content_or_an_anonymous_respondent(cast, full):
    survey, qs = full  # anonymous
    response = sa.submit_survey_response(
        survey=survey, answers=answers(qs, single="Sì", text="ho la talassemia"), user=cast.citizen
    )
    event = AuditEvent.objects.get(object_type="needs.surveyresponse", object_id=str(response.pk))
    assert (event.action, event.actor, event.data_class) == (AuditEvent.Action.CREATE, None, "public")
    assert "talassemia" not in f"{event.before}{event.after}{event.note}{event.object_repr}"


def test_a_named_respondent_is_the_actor_of_their_answers(cast):
    survey = make_survey(cast, anonymous=False)
    single = q(cast, survey, kind=Question.Kind.SINGLE_CHOICE, choices="Sì\nNo")
    s.change_survey_status(actor=cast.coordinator, survey=survey, to_status=Survey.Status.OPEN)
    survey.refresh_from_db()
    response = sa.submit_survey_response(survey=survey, answers={single.pk: "Sì"}, user=cast.citizen)
    event = AuditEvent.objects.get(object_type="needs.surveyresponse", object_id=str(response.pk))
    assert (event.actor, event.data_class, event.note) == (cast.citizen, "personal", "survey answers")
