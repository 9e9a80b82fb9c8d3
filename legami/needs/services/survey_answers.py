"""Writes of survey answers: a public submission, checked question by question, and the rules that turn answers
into needs (see the decisions in surveys.py's docstring)."""

from __future__ import annotations

import decimal
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.needs.models import (
    Answer,
    Channel,
    NeedArea,
    PrivacyLevel,
    Question,
    Survey,
    SurveyNeedRule,
    SurveyResponse,
    TargetGroup,
    Urgency,
)
from legami.needs.services.surveys import (
    BOUNDED_KINDS,
    CHOICE_KINDS,
    EXTERNAL_ID_PREFIX,
    MANAGE,
    MAX_NUMBER,
    MAX_TEXT_ANSWER,
    RULE_KINDS,
    survey_accepts_answers,
    user_of,
)
from legami.territory.models import Municipality, Neighbourhood
from legami.territory.services.common import in_territory

logger = logging.getLogger(__name__)

# ------------------------------------------------------------------------------------------- answering


class AnswerField(inputs.Field):
    """The answer to one question: its JSON value, None when unanswered (refused when the question requires one)."""

    default_messages = {
        "required": _("This question needs an answer."),
        "one_answer": _("Give one answer only."),
        "not_an_option": _("“%(value)s” is not one of the options."),
    }

    def __init__(self, question: Question, **kwargs: Any) -> None:
        super().__init__(required=question.required, **kwargs)
        self.question = question

    def clean(self, value: Any, ctx: inputs.Context) -> Any:
        answer = self.answer(value, ctx)
        if answer is None and self.required:
            raise self.error("required")
        return answer

    def answer(self, value: Any, ctx: inputs.Context) -> Any:
        """One value: a list of one is that value, a longer list is refused; blank is unanswered."""
        if isinstance(value, list | tuple):
            value = value[0] if len(value) == 1 else (None if not value else value)
            if isinstance(value, list | tuple):
                raise self.error("one_answer")
        text = "" if value is None else str(value).strip()
        return self.parse(text, ctx) if text else None


class ChoiceAnswer(AnswerField):
    """One of the options, or (multiple choice) some of them, stored in the question's order without repeats."""

    def answer(self, value: Any, ctx: inputs.Context) -> Any:
        if self.question.kind != Question.Kind.MULTIPLE_CHOICE:
            return super().answer(value, ctx)
        values = [value] if isinstance(value, str) else list(value or [])
        values = [str(v) for v in values if str(v).strip()]
        if not values:
            return None
        for chosen in values:
            self.parse(chosen, ctx)
        return [o for o in self.question.choices if o in values]

    def parse(self, value: Any, ctx: inputs.Context) -> str:
        if value not in self.question.choices:
            raise self.error("not_an_option", value=value)
        return value


def _plain(value: decimal.Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())


class NumberAnswer(AnswerField):
    """A number (a whole one on a scale) within the question's bounds; stored as an int when it is whole."""

    default_messages = {
        "invalid": _("Enter a number."),
        "not_whole": _("Choose a whole number on the scale."),
        "range": _("Enter a number from %(min)s to %(max)s."),
        "min_value": _("Enter a number of at least %(min)s."),
        "max_value": _("Enter a number of at most %(max)s."),
    }

    def parse(self, value: Any, ctx: inputs.Context) -> int | float:
        try:
            number = inputs.parse_number(value)
        except ValueError:
            number = None
        if number is None or abs(number) > MAX_NUMBER:
            raise self.error("invalid")
        if self.question.kind == Question.Kind.SCALE and number != number.to_integral_value():
            raise self.error("not_whole")
        low, high = self.question.min_value, self.question.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            code = "range" if low is not None and high is not None else "min_value" if low is not None else "max_value"
            ends = {"min": _plain(low) if low is not None else "", "max": _plain(high) if high is not None else ""}
            raise self.error(code, **ends)
        return int(number) if number == number.to_integral_value() else float(number)


class TextAnswer(AnswerField):
    default_messages = {"max_length": _("The answer is longer than %(max)s characters (it has %(length)s).")}

    def parse(self, value: Any, ctx: inputs.Context) -> str:
        if len(value) > MAX_TEXT_ANSWER:
            raise self.error("max_length", max=MAX_TEXT_ANSWER, length=len(value))
        return value


class PlaceAnswer(AnswerField):
    """A Comune of the network's territory, or one of the network's neighbourhoods: stored as its id."""

    def __init__(self, question: Question, **kwargs: Any) -> None:
        super().__init__(question, **kwargs)
        if question.kind == Question.Kind.MUNICIPALITY:
            message = _("Choose a Comune of the network's territory.")
            self.lookup = inputs.Lookup(Municipality, scope=in_territory, messages={"invalid_choice": message})
        else:
            message = _("Choose one of the listed neighbourhoods.")
            self.lookup = inputs.Lookup(Neighbourhood, messages={"invalid_choice": message})

    def parse(self, value: Any, ctx: inputs.Context) -> int:
        return self.lookup.parse(value, ctx).pk


ANSWER_FIELDS: dict[str, type[AnswerField]] = {
    Question.Kind.SINGLE_CHOICE: ChoiceAnswer,
    Question.Kind.MULTIPLE_CHOICE: ChoiceAnswer,
    Question.Kind.SCALE: NumberAnswer,
    Question.Kind.NUMBER: NumberAnswer,
    Question.Kind.TEXT: TextAnswer,
    Question.Kind.MUNICIPALITY: PlaceAnswer,
    Question.Kind.NEIGHBOURHOOD: PlaceAnswer,
}

# The respondent's name and e-mail, asked by named surveys only.
CONTACT_INPUTS: dict[str, inputs.Field] = {
    "contact_name": inputs.Text(
        collapse=True, max_length=200, messages={"max_length": _("The name is longer than 200 characters.")}
    ),
    "contact_email": inputs.Email(codes={"invalid": "invalid_email"}),
}


def field_name(question: Question) -> str:
    """The form field (and error key) of a question's answer."""
    return f"q_{question.pk}"


def _no_other_questions(ctx: inputs.Context) -> None:
    if ctx.extra["strangers"]:
        message = _("Answers to questions that are not in this survey: %(ids)s.")
        ctx.add_error(None, message, "unknown_questions", ids=", ".join(ctx.extra["strangers"]))


def _place_of_response(ctx: inputs.Context) -> None:
    """The neighbourhood lies in the Comune of the same response, and gives the Comune when there is none."""

    def first(kind: str) -> tuple[Question | None, Any]:
        answered = [q for q in ctx.extra["questions"] if q.kind == kind and ctx.value(field_name(q)) is not None]
        return (answered[0], ctx.value(field_name(answered[0]))) if answered else (None, None)

    municipality_id = first(Question.Kind.MUNICIPALITY)[1]
    question, neighbourhood_id = first(Question.Kind.NEIGHBOURHOOD)
    neighbourhood = Neighbourhood.objects.filter(pk=neighbourhood_id).first() if neighbourhood_id else None
    if question is not None and neighbourhood is not None:
        if municipality_id is not None and neighbourhood.municipality_id != municipality_id:
            message = _("This neighbourhood is not in the Comune you chose.")
            ctx.add_error(field_name(question), message, "neighbourhood_elsewhere")
        municipality_id = municipality_id or neighbourhood.municipality_id
    # Not inputs but what they tell: where the response comes from, which the response stores.
    ctx.values["municipality_id"], ctx.values["neighbourhood"] = municipality_id, neighbourhood


def response_inputs(survey: Survey, questions: list[Question]) -> inputs.Rules:
    """The inputs of one response to `survey`: an answer per question, and the contact when the survey is named."""
    fields: dict[str, inputs.Field] = {field_name(q): ANSWER_FIELDS[q.kind](q) for q in questions}
    if not survey.anonymous:
        fields |= CONTACT_INPUTS
    return inputs.Rules(fields, checks=(_no_other_questions, _place_of_response))


@transaction.atomic
def submit_survey_response(
    *,
    survey: Survey,
    answers: dict[int, Any],
    user: Any = None,
    contact: dict[str, str] | None = None,
) -> SurveyResponse:
    """Validate and save one set of answers, then record the needs the survey's rules ask for.

    `answers` maps question ids to raw values (text, or a list for multiple choice). Errors are keyed by
    `q_<question id>` (and `contact_name` / `contact_email`); nothing is saved when there is one.
    Anonymous surveys store no account, name nor e-mail, whatever is passed.
    """
    if not survey_accepts_answers(survey):
        raise ValidationError(_("This survey is not accepting answers."), code="survey_closed")
    questions = list(survey.questions.all())
    data = {field_name(q): answers.get(q.pk) for q in questions}
    if not survey.anonymous and contact:
        data |= {"contact_name": contact.get("name"), "contact_email": contact.get("email")}
    strangers = sorted(str(key) for key in set(answers) - {q.pk for q in questions})
    values = response_inputs(survey, questions).clean(
        data, network=survey.network, extra={"questions": questions, "strangers": strangers}
    )
    cleaned = {q.pk: values[field_name(q)] for q in questions if values[field_name(q)] is not None}
    response = SurveyResponse.objects.create(
        survey=survey,
        respondent=None if survey.anonymous else user_of(user),
        contact_name=values.get("contact_name", ""),
        contact_email=values.get("contact_email", ""),
        municipality_id=values["municipality_id"],
        neighbourhood=values["neighbourhood"],
    )
    Answer.objects.bulk_create(
        [Answer(response=response, question_id=pk, value=value) for pk, value in cleaned.items()]
    )
    # Who answered and when, never what: the answers may be personal, and they are in the survey's results.
    record_event(
        actor=response.respondent,
        action=AuditEvent.Action.CREATE,
        obj=response,
        network=survey.network,
        object_repr=f"{survey.title}"[:200],
        data_class=DataClass.PUBLIC if survey.anonymous else DataClass.PERSONAL,
        note="survey answers",
    )
    _record_needs(response=response, rules=list(survey.need_rules.select_related("area", "question")), answers=cleaned)
    return response


# ------------------------------------------------------------------------------------------ need rules


def rule_matches(rule: SurveyNeedRule, value: Any) -> bool:
    """True when an answer `value` to the rule's question triggers the rule."""
    if value is None:
        return False
    if rule.question.kind == Question.Kind.SINGLE_CHOICE:
        return value == rule.choice
    if rule.question.kind == Question.Kind.MULTIPLE_CHOICE:
        return isinstance(value, list) and rule.choice in value
    if rule.question.kind in BOUNDED_KINDS and rule.min_value is not None:
        try:
            return decimal.Decimal(str(value)) >= rule.min_value
        except decimal.InvalidOperation:
            return False
    return False


def rule_external_id(rule: SurveyNeedRule, response: SurveyResponse) -> str:
    """The `external_id` of the need a rule records from a response (unique per network)."""
    return f"{EXTERNAL_ID_PREFIX}:{rule.pk}:{response.pk}"


def _record_needs(*, response: SurveyResponse, rules: list[SurveyNeedRule], answers: dict[int, Any]) -> int:
    """Record a need for every rule the answers trigger and that has none yet; returns how many."""
    from legami.needs.models import Need
    from legami.needs.services.needs import record_need

    if response.municipality_id is None or not rules:
        return 0
    survey = response.survey
    wanted = {
        rule_external_id(rule, response): rule for rule in rules if rule_matches(rule, answers.get(rule.question_id))
    }
    if not wanted:
        return 0
    existing = set(
        Need.objects.filter(network_id=survey.network_id, external_id__in=list(wanted)).values_list(
            "external_id", flat=True
        )
    )
    observed = timezone.localdate(response.submitted_at) if response.submitted_at else timezone.localdate()
    created = 0
    for external_id, rule in wanted.items():
        if external_id in existing:
            continue
        data = {
            "area": rule.area,
            "target_group": rule.target_group,
            "urgency": rule.urgency,
            "description": rule.description,
            "expressed": True,
            "channel": Channel.SURVEY,
            "privacy_level": PrivacyLevel.NETWORK,
            "municipality": response.municipality,
            "neighbourhood": response.neighbourhood,
            "observed_on": observed,
            "survey_response": response,
            "external_id": external_id,
        }
        try:
            # a savepoint: one rule that no longer fits (an area taken out of use) does not lose the answers
            with transaction.atomic():
                record_need(
                    actor=None,
                    network=survey.network,
                    data=data,
                    check_permission=False,
                    note=str(_("From the survey “%(title)s”.") % {"title": survey.title})[:500],
                )
        except ValidationError as exc:
            logger.warning("survey %s rule %s: need not recorded: %s", survey.pk, rule.pk, exc.messages)
            continue
        created += 1
    return created


def _question_fits(ctx: inputs.Context) -> None:
    """The question is one of this survey's, of a kind a rule can test; the rule keeps what its kind uses."""
    question = ctx.value("question") if ctx.ok("question") else None
    if question is not None and question.survey_id != ctx.extra["survey"].pk:
        ctx.add_error("question", _("Choose a question of this survey."), "invalid_question")
        question = None
    elif question is not None and question.kind not in RULE_KINDS:
        message = _("Rules apply to choice, scale and number questions only.")
        ctx.add_error("question", message, "question_kind_unsupported")
        question = None
    # An option for a choice question, a value for a scale or a number; the other one is not read.
    keep = set() if question is None else {"choice"} if question.kind in CHOICE_KINDS else {"min_value"}
    for name, empty in (("choice", ""), ("min_value", None)):
        if name not in keep:
            ctx.errors.pop(name, None)
            ctx.values[name] = empty
    if question is not None:
        _threshold_fits(ctx, question)


def _threshold_fits(ctx: inputs.Context, question: Question) -> None:
    """A choice rule tests one of the question's options; a scale or number rule a value within its bounds."""
    if question.kind in CHOICE_KINDS:
        if ctx.ok("choice") and ctx.value("choice") not in question.choices:
            ctx.add_error("choice", _("Choose one of the question's options."), "invalid_option")
        return
    value = ctx.value("min_value")
    if not ctx.ok("min_value"):
        return
    if value is None:
        ctx.add_error("min_value", _("Enter the value from which the rule applies."), "required")
    elif (question.min_value is not None and value < question.min_value) or (
        question.max_value is not None and value > question.max_value
    ):
        ctx.add_error("min_value", _("The value lies outside the question's bounds."), "out_of_bounds")


# A rule of a survey: an answer to one of its questions (an option, or at least a value) records a need.
RULE_INPUTS = inputs.Rules(
    {
        "question": inputs.Lookup(
            Question,
            required=True,
            scope="survey__network",
            empty_code="invalid_choice",
            codes={"invalid_choice": "invalid_question"},
            messages={"invalid_choice": _("Choose a question of this survey.")},
        ),
        "choice": inputs.Text(collapse=True),
        "min_value": inputs.Number(
            codes={"invalid": "required"}, messages={"invalid": _("Enter the value from which the rule applies.")}
        ),
        "area": inputs.Lookup(
            NeedArea,
            required=True,
            empty_code="invalid_choice",
            usable=lambda area: area.is_active,
            codes={"invalid_choice": "invalid_area", "inactive": "invalid_area"},
            messages=dict.fromkeys(("invalid_choice", "inactive"), _("Choose an area in use in this network.")),
        ),
        "target_group": inputs.choose(TargetGroup, _("Choose a target group.")),
        "urgency": inputs.Choice(
            Urgency, default=Urgency.MEDIUM, empty=Urgency.MEDIUM, messages={"invalid_choice": _("Choose an urgency.")}
        ),
        "description": inputs.Text(
            collapse=True,
            required=True,
            max_length=300,
            messages={
                "required": _("Describe the need the answer reveals."),
                "max_length": _("The description is longer than 300 characters."),
            },
        ),
    },
    checks=(_question_fits,),
    messages={"unknown": _("Unknown field: %(field)s.")},
    unknown_on_all=True,
)
RULE_FIELDS = tuple(RULE_INPUTS.fields)


def _clean_rule(survey: Survey, data: dict[str, Any]) -> SurveyNeedRule:
    """A new rule of `survey` from `data`, unsaved; one ValidationError with every problem found."""
    values = RULE_INPUTS.clean(data, network=survey.network, extra={"survey": survey})
    return SurveyNeedRule(survey=survey, **values)


RULE_SNAPSHOT = ("question", "choice", "min_value", "area", "target_group", "urgency", "description")


@transaction.atomic
def create_need_rule(*, actor: Any, survey: Survey, data: dict[str, Any]) -> SurveyNeedRule:
    """Add a rule: an answer to a question (an option, or at least a value) records a need."""
    require(actor, MANAGE, survey.network)
    rule = _clean_rule(survey, data)
    rule.save()
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=rule,
        network=survey.network,
        after=snapshot(rule, RULE_SNAPSHOT),
    )
    return rule


@transaction.atomic
def delete_need_rule(*, actor: Any, rule: SurveyNeedRule) -> None:
    """Delete a rule; the needs it already recorded stay."""
    network = rule.survey.network
    require(actor, MANAGE, network)
    delete_and_record(actor=actor, obj=rule, network=network, before=snapshot(rule, RULE_SNAPSHOT))


@transaction.atomic
def apply_need_rules(*, actor: Any, survey: Survey) -> int:
    """Apply the survey's rules to every stored response; never records a need twice. Returns how many were new."""
    require(actor, MANAGE, survey.network)
    rules = list(survey.need_rules.select_related("area", "question"))
    if not rules:
        return 0
    question_ids = {rule.question_id for rule in rules}
    values: dict[int, dict[int, Any]] = {}
    for response_id, question_id, value in Answer.objects.filter(
        response__survey=survey, question_id__in=question_ids
    ).values_list("response_id", "question_id", "value"):
        values.setdefault(response_id, {})[question_id] = value
    created = 0
    responses = survey.responses.filter(pk__in=list(values), municipality__isnull=False).select_related(
        "municipality", "neighbourhood", "survey__network"
    )
    for response in responses.iterator(chunk_size=500):
        created += _record_needs(response=response, rules=rules, answers=values[response.pk])
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=survey,
        note=f"need rules applied: {created} new needs",
    )
    return created
