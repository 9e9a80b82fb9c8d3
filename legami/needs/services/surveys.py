"""Writes on surveys: the builder and the status workflow (answers and answer-to-need rules: survey_answers.py).

Decisions worth knowing:
- Once a question has answers, its kind cannot change, the options chosen in some answer cannot be removed
  (renaming one is removing it), scale and number bounds cannot shut out a stored answer, and the question
  cannot be deleted: the answers would lose their meaning. Adding options and rewording the text stay allowed.
- An answered survey cannot switch between anonymous and named: respondents answered under one promise.
- A need recorded from an answer gets the rule's description only. Free-text answers are never copied into
  needs (they may identify people, and needs travel further than survey results), nor are the respondent's
  name or e-mail. The need is linked to its response, and its `external_id` names the response and the rule
  (`survey-rule:<rule>:<response>`), so applying the rules again never records a second need for the pair.
- A response without a Comune records no need: a need must have one.
"""

from __future__ import annotations

import datetime
import decimal
import logging
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.core.workflow import Guard, Refusal, Step, Transition, Workflow
from legami.needs.capabilities import MANAGE_SURVEYS as MANAGE
from legami.needs.models import (
    Question,
    Survey,
)
from legami.network.models import Network

logger = logging.getLogger(__name__)


def _has_questions(survey: Survey, step: Step) -> Any:
    """A survey opens only with something to answer."""
    if not survey.questions.exists():
        return _("Add at least one question before opening the survey.")
    return None


# draft -> open -> closed, and closed -> open to reopen; a survey never goes back to draft.
SURVEY_WORKFLOW = Workflow(
    name="survey",
    model=Survey,
    states=Survey.Status,
    transitions=(
        Transition(
            (Survey.Status.DRAFT, Survey.Status.CLOSED),
            Survey.Status.OPEN,
            guards=(Guard(_has_questions, code="survey_no_questions"),),
        ),
        Transition(Survey.Status.OPEN, Survey.Status.CLOSED),
    ),
    capability=MANAGE,
    refusal=Refusal(_("A survey cannot go from “%(from)s” to “%(to)s”."), code="survey_transition_refused"),
)
# From -> the statuses a survey may move to (the table above, read the old way).
SURVEY_TRANSITIONS: dict[str, frozenset[str]] = SURVEY_WORKFLOW.table()


CHOICE_KINDS = frozenset({Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE})
BOUNDED_KINDS = frozenset({Question.Kind.SCALE, Question.Kind.NUMBER})
# Kinds whose answers a rule can test: an option chosen, or a value at least V.
RULE_KINDS = CHOICE_KINDS | BOUNDED_KINDS

MAX_OPTIONS = 50
MAX_OPTION_LENGTH = 200
MAX_SCALE_POINTS = 11  # 0–10 is the widest usual scale
MAX_TEXT_ANSWER = 2000
MAX_NUMBER = decimal.Decimal("9999999999")
EXTERNAL_ID_PREFIX = "survey-rule"


def user_of(actor: Any) -> Any:
    """The actor as a user to store (None for an anonymous visitor)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def parse_options(value: Any) -> list[str]:
    """The options of a choice question from text (one per line) or a list, stripped, blanks dropped."""
    if value is None:
        return []
    lines = value.splitlines() if isinstance(value, str) else [str(v) for v in value]
    return [" ".join(line.split()) for line in lines if line and line.strip()]


def _text(max_length: int, message: Any, **kwargs: Any) -> inputs.Text:
    # Words separated by single spaces; one message for a text that is too long.
    return inputs.Text(
        collapse=True, max_length=max_length, messages={"max_length": message, **kwargs.pop("messages", {})}, **kwargs
    )


# ---------------------------------------------------------------------------------------------- surveys


def _anonymity_kept(ctx: inputs.Context) -> None:
    """Respondents answered under one promise: an answered survey stays anonymous, or named."""
    survey = ctx.instance
    if survey is not None and ctx.changed("anonymous") and survey.responses.exists():
        message = _("The survey already has answers: it cannot switch between anonymous and named.")
        ctx.add_error("anonymous", message, "survey_anonymity_locked")


def _dates_in_order(ctx: inputs.Context) -> None:
    opens_on, closes_on = ctx.value("opens_on"), ctx.value("closes_on")
    if ctx.ok("opens_on", "closes_on") and opens_on and closes_on and closes_on < opens_on:
        ctx.add_error("closes_on", _("The closing date comes before the opening date."), "survey_dates_order")


def _date() -> inputs.Date:
    return inputs.Date(codes={"invalid": "invalid_date"})


SURVEY_INPUTS = inputs.Rules(
    {
        "title": _text(
            200,
            _("The title is longer than 200 characters."),
            required=True,
            messages={"required": _("Enter a title.")},
        ),
        "description": inputs.Text(),
        "anonymous": inputs.Boolean(default=True, empty=False),
        "opens_on": _date(),
        "closes_on": _date(),
    },
    checks=(_anonymity_kept, _dates_in_order),
    messages={"unknown": _("Unknown field: %(field)s.")},
    unknown_on_all=True,
)
SURVEY_FIELDS = tuple(SURVEY_INPUTS.fields)


def _new_token() -> str:
    while True:
        token = secrets.token_urlsafe(12)
        if not Survey.objects.filter(public_token=token).exists():
            return token


@transaction.atomic
def create_survey(*, actor: Any, network: Network, data: dict[str, Any]) -> Survey:
    """Create a draft survey with a fresh public link code."""
    require(actor, MANAGE, network)
    survey = Survey(network=network, created_by=user_of(actor), public_token=_new_token())
    SURVEY_INPUTS.apply(survey, data, network=network)
    survey.save()
    record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=survey, after=snapshot(survey, SURVEY_FIELDS))
    return survey


@transaction.atomic
def update_survey(*, actor: Any, survey: Survey, data: dict[str, Any]) -> Survey:
    """Change a survey's title, description, anonymity or dates."""
    require(actor, MANAGE, survey.network)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    before = snapshot(survey, SURVEY_FIELDS)
    SURVEY_INPUTS.apply(survey, data, network=survey.network)
    survey.save()
    record_event(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=survey, before=before, after=snapshot(survey, SURVEY_FIELDS)
    )
    return survey


@transaction.atomic
def delete_survey(*, actor: Any, survey: Survey) -> None:
    """Delete a survey that nobody has answered yet."""
    require(actor, MANAGE, survey.network)
    if survey.responses.exists():
        raise ValidationError(
            _("The survey has answers and cannot be deleted; close it instead."), code="survey_has_answers"
        )
    delete_and_record(actor=actor, obj=survey, network=survey.network, before=snapshot(survey, SURVEY_FIELDS))


def allowed_survey_transitions(survey: Survey) -> list[str]:
    """The statuses a survey may move to from its current one."""
    return SURVEY_WORKFLOW.targets(survey.status)


def change_survey_status(*, actor: Any, survey: Survey, to_status: str) -> Survey:
    """Open, close or reopen a survey, along SURVEY_WORKFLOW (which checks MANAGE); opening needs a question."""
    return SURVEY_WORKFLOW.apply(survey, to_status, actor=actor)


def survey_accepts_answers(survey: Survey, today: datetime.date | None = None) -> bool:
    """True when the survey is open and today lies within its dates."""
    today = today or timezone.localdate()
    if survey.status != Survey.Status.OPEN:
        return False
    if survey.opens_on and today < survey.opens_on:
        return False
    return not (survey.closes_on and today > survey.closes_on)


# -------------------------------------------------------------------------------------------- questions


class OptionsField(inputs.Field):
    """The options of a choice question: text with one option per line, or a list; blanks dropped."""

    def is_empty(self, value: Any) -> bool:
        return False

    def parse(self, value: Any, ctx: inputs.Context) -> list[str]:
        return parse_options(value if value is None or isinstance(value, str | list | tuple) else [value])


def _bound() -> inputs.Number:
    return inputs.Number(
        min_value=-MAX_NUMBER,
        max_value=MAX_NUMBER,
        range_code="number_too_large",
        codes={"invalid": "invalid_number"},
        messages={"number_too_large": _("The number is too large.")},
    )


def _answered(ctx: inputs.Context) -> list[Any]:
    """The stored answers to the question being edited (read once per write)."""
    if "answered" not in ctx.extra:
        question = ctx.instance
        ctx.extra["answered"] = list(question.answers.values_list("value", flat=True)) if question else []
    return ctx.extra["answered"]


def _kind_kept(ctx: inputs.Context) -> None:
    """An answered question keeps its kind (the rest is then checked against the kind it keeps)."""
    if ctx.given("kind") and ctx.changed("kind") and _answered(ctx):
        ctx.add_error("kind", _("The question already has answers: its kind cannot change."), "question_kind_locked")
        ctx.values["kind"] = ctx.instance.kind


def _only_what_the_kind_uses(ctx: inputs.Context) -> None:
    """Options belong to choice questions, bounds to scales and numbers: the others are emptied, unchecked."""
    kind = ctx.value("kind")
    unused = {"choices", "min_value", "max_value"}
    unused -= {"choices"} if kind in CHOICE_KINDS else {"min_value", "max_value"} if kind in BOUNDED_KINDS else set()
    for name in unused:
        ctx.errors.pop(name, None)
        ctx.values[name] = [] if name == "choices" else None


def _options_fit(ctx: inputs.Context) -> None:
    """Two to fifty different options, none too long, and none removed that answers or rules use."""
    if ctx.value("kind") not in CHOICE_KINDS:
        return
    options = ctx.value("choices") or []
    lowered = [o.casefold() for o in options]
    duplicates = sorted({o for o in options if lowered.count(o.casefold()) > 1})
    if duplicates:
        ctx.add_error(
            "choices", _("The options repeat: %(options)s."), "duplicate_options", options=", ".join(duplicates)
        )
    elif len(options) < 2:
        ctx.add_error("choices", _("A choice question needs at least two different options."), "too_few_options")
    elif len(options) > MAX_OPTIONS:
        ctx.add_error("choices", _("A question can have at most %(max)s options."), "too_many_options", max=MAX_OPTIONS)
    long = [o for o in options if len(o) > MAX_OPTION_LENGTH]
    if long:
        message = _("An option is longer than 200 characters: %(option)s")
        ctx.add_error("choices", message, "option_too_long", option=long[0])
    used = set()
    for value in _answered(ctx):
        used.update(value if isinstance(value, list) else [value])
    question = ctx.instance
    rule_choices = set(question.need_rules.values_list("choice", flat=True)) if question else set()
    removed = sorted(o for o in (used | rule_choices) if isinstance(o, str) and o and o not in options)
    if removed:
        message = _(
            "These options were already chosen in answers or are used by a rule and cannot be removed: %(options)s."
        )
        ctx.add_error("choices", message, "options_in_use", options=", ".join(removed))


def _scale_fits(ctx: inputs.Context, low: Any, high: Any) -> None:
    """A scale has two whole ends, in order, at most eleven points apart."""
    if low is None or high is None:
        for name, value in (("min_value", low), ("max_value", high)):
            if value is None and ctx.ok(name):
                ctx.add_error(name, _("A scale needs a minimum and a maximum."), "scale_bounds_required")
    elif low != low.to_integral_value() or high != high.to_integral_value():
        ctx.add_error("max_value", _("The ends of a scale are whole numbers."), "scale_not_whole")
    elif low >= high:
        ctx.add_error("max_value", _("The maximum must be greater than the minimum."), "bounds_order")
    elif high - low + 1 > MAX_SCALE_POINTS:
        ctx.add_error("max_value", _("A scale has at most %(max)s points."), "scale_too_wide", max=MAX_SCALE_POINTS)


def _bounds_fit(ctx: inputs.Context) -> None:
    """The bounds of a scale or a number are in order and do not shut out a stored answer."""
    kind = ctx.value("kind")
    if kind not in BOUNDED_KINDS:
        return
    low, high = (ctx.value(name) if ctx.ok(name) else None for name in ("min_value", "max_value"))
    if kind == Question.Kind.SCALE:
        _scale_fits(ctx, low, high)
    elif low is not None and high is not None and low >= high:
        ctx.add_error("max_value", _("The maximum must be greater than the minimum."), "bounds_order")
    question = ctx.instance
    if ctx.errors or question is None or (low, high) == (question.min_value, question.max_value):
        return
    numbers = [decimal.Decimal(str(v)) for v in _answered(ctx) if isinstance(v, int | float)]
    outside = [n for n in numbers if (low is not None and n < low) or (high is not None and n > high)]
    if outside:
        ctx.add_error(
            "max_value" if high is not None and any(n > high for n in outside) else "min_value",
            _("Some answers lie outside these bounds: they cannot be narrowed that far."),
            "bounds_exclude_answers",
        )


# A question of a survey. Once answered, its kind, the options chosen and the bounds around the answers stay.
QUESTION_INPUTS = inputs.Rules(
    {
        "kind": inputs.choose(Question.Kind, _("Choose a kind of question.")),
        "text": _text(
            300,
            _("The question is longer than 300 characters."),
            required=True,
            messages={"required": _("Enter the question.")},
        ),
        "help_text": _text(300, _("The help text is longer than 300 characters.")),
        "required": inputs.Boolean(default=False, empty=False),
        "choices": OptionsField(),
        "min_value": _bound(),
        "max_value": _bound(),
    },
    checks=(_kind_kept, _only_what_the_kind_uses, _options_fit, _bounds_fit),
    messages={"unknown": _("Unknown field: %(field)s.")},
    unknown_on_all=True,
)
QUESTION_FIELDS = tuple(QUESTION_INPUTS.fields)


def _question_snapshot(question: Question) -> dict | None:
    return snapshot(question, QUESTION_FIELDS)


@transaction.atomic
def add_question(*, actor: Any, survey: Survey, data: dict[str, Any]) -> Question:
    """Add a question at the end of a survey."""
    require(actor, MANAGE, survey.network)
    question = Question(survey=survey)
    QUESTION_INPUTS.apply(question, data, network=survey.network)
    last = survey.questions.aggregate(last=Max("position"))["last"]
    question.position = 0 if last is None else last + 1
    question.save()
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=question,
        network=survey.network,
        after=_question_snapshot(question),
    )
    return question


@transaction.atomic
def update_question(*, actor: Any, question: Question, data: dict[str, Any]) -> Question:
    """Change a question; changes that would orphan stored answers are refused."""
    network = question.survey.network
    require(actor, MANAGE, network)
    question = Question.objects.select_for_update().get(pk=question.pk)
    before = _question_snapshot(question)
    QUESTION_INPUTS.apply(question, data, network=network)
    question.save()
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=question,
        network=network,
        before=before,
        after=_question_snapshot(question),
    )
    return question


@transaction.atomic
def delete_question(*, actor: Any, question: Question) -> None:
    """Delete a question nobody has answered (its rules go with it)."""
    network = question.survey.network
    require(actor, MANAGE, network)
    if question.answers.exists():
        raise ValidationError(_("The question already has answers and cannot be deleted."), code="question_has_answers")
    delete_and_record(actor=actor, obj=question, network=network, before=_question_snapshot(question))


@transaction.atomic
def move_question(*, actor: Any, question: Question, direction: str) -> Question:
    """Move a question one place up or down in its survey."""
    survey = question.survey
    require(actor, MANAGE, survey.network)
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a question up or down."), code="invalid_direction")
    ordered = list(Question.objects.select_for_update().filter(survey=survey).order_by("position", "id"))
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(ordered):
        return ordered[index]
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        if item.position != position:
            Question.objects.filter(pk=item.pk).update(position=position)
            item.position = position
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=ordered[other],
        network=survey.network,
        after={"position": ordered[other].position},
    )
    return ordered[other]


# -------------------------------------------------------------------------------------------- export


@transaction.atomic
def record_survey_export(*, actor: Any, survey: Survey, fmt: str) -> AuditEvent:
    """Record that `actor` downloaded a survey's responses (personal data when the survey is named)."""
    require(actor, MANAGE, survey.network)
    return record_event(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=survey,
        after={"format": fmt, "responses": survey.responses.count()},
        data_class=DataClass.PUBLIC if survey.anonymous else DataClass.PERSONAL,
    )
