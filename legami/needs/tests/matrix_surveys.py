"""Permission-matrix rows for this part of the needs app (read by legami/core/tests/test_permission_matrix.py)."""

from legami.core.tests.matrix import PERSONAS, Row

MANAGE = "needs.manage_surveys"
# POST-only actions: a survey manager who opens them with GET is told the method is not allowed.
POST_ONLY = {"coordinator": 405, "community_worker": 405}

ROUTES: dict[str, Row] = {
    "needs:surveys": Row("needs.view_survey_results"),
    "needs:survey_create": Row(MANAGE),
    "needs:survey_detail": Row(MANAGE, obj="survey_survey"),
    "needs:survey_update": Row(MANAGE, obj="survey_survey"),
    "needs:survey_delete": Row(MANAGE, obj="survey_survey"),
    "needs:survey_status": Row(MANAGE, obj="survey_survey", overrides=POST_ONLY),
    "needs:survey_question_create": Row(MANAGE, obj="survey_survey"),
    "needs:survey_question_update": Row(MANAGE, obj="survey_question"),
    "needs:survey_question_delete": Row(MANAGE, obj="survey_question"),
    "needs:survey_question_move": Row(MANAGE, obj="survey_question", overrides=POST_ONLY),
    "needs:survey_rules": Row(MANAGE, obj="survey_survey"),
    "needs:survey_rules_apply": Row(MANAGE, obj="survey_survey", overrides=POST_ONLY),
    "needs:survey_rule_delete": Row(MANAGE, obj="survey_rule"),
    "needs:survey_results": Row("needs.view_survey_results", obj="survey_survey"),
    # The export is the raw responses: for the survey managers only (the evaluator sees suppressed results).
    "needs:survey_export": Row(MANAGE, obj="survey_survey"),
    # The public link of an open survey: anyone, logged in or not, from any network.
    "needs:survey_answer": Row("public", obj="survey_token", overrides=dict.fromkeys(PERSONAS, 200)),
    "needs:survey_thanks": Row("public", obj="survey_token"),
}


def objects(cast) -> dict:
    """The objects this part's <pk> routes point at, all in the cast's network and in Cremona."""
    from legami.needs.models import Question, Survey
    from legami.needs.tests.factories import NeedAreaFactory, QuestionFactory, SurveyFactory, SurveyNeedRuleFactory

    survey = SurveyFactory(network=cast.network, status=Survey.Status.OPEN, title="Bisogni del quartiere")
    question = QuestionFactory(survey=survey, kind=Question.Kind.SINGLE_CHOICE, choices=["Sì", "No"])
    QuestionFactory(survey=survey, kind=Question.Kind.MUNICIPALITY, choices=[], text="Comune?")
    area = NeedAreaFactory(network=cast.network, code="survey-casa", name="Casa (questionario)")
    rule = SurveyNeedRuleFactory(question=question, survey=survey, area=area, choice="Sì")
    return {
        "survey_survey": survey,
        "survey_question": question,
        "survey_rule": rule,
        "survey_token": survey.public_token,
    }
