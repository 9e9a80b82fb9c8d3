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

from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.inputs import parse_date
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

SURVEY_FIELDS = ("title", "description", "anonymous", "opens_on", "closes_on")
QUESTION_FIELDS = ("kind", "text", "help_text", "required", "choices", "min_value", "max_value")

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


def field_error(field: str, message: Any, code: str, **params: Any) -> ValidationError:
    """A ValidationError on one field, with its code and parameters."""
    return ValidationError({field: [ValidationError(message, code=code, params=params or None)]})


def user_of(actor: Any) -> Any:
    """The actor as a user to store (None for an anonymous visitor)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def to_decimal(value: Any) -> decimal.Decimal | None:
    """A decimal from a number or text (comma or point), None when empty; ValueError when not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = decimal.Decimal(str(value).strip().replace(",", "."))
    except decimal.InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def parse_options(value: Any) -> list[str]:
    """The options of a choice question from text (one per line) or a list, stripped, blanks dropped."""
    if value is None:
        return []
    lines = value.splitlines() if isinstance(value, str) else [str(v) for v in value]
    return [" ".join(line.split()) for line in lines if line and line.strip()]


# ---------------------------------------------------------------------------------------------- surveys


def _clean_survey(data: dict[str, Any], survey: Survey) -> None:
    errors: dict[str, list] = {}
    for key in sorted(set(data) - set(SURVEY_FIELDS)):
        errors.setdefault("__all__", []).append(ValidationError(_("Unknown field: %(field)s."), params={"field": key}))
    if "title" in data:
        survey.title = " ".join(str(data["title"] or "").split())
    if "description" in data:
        survey.description = str(data["description"] or "").strip()
    if "anonymous" in data:
        anonymous = bool(data["anonymous"])
        if survey.pk and anonymous != survey.anonymous and survey.responses.exists():
            errors.setdefault("anonymous", []).append(
                ValidationError(
                    _("The survey already has answers: it cannot switch between anonymous and named."),
                    code="survey_anonymity_locked",
                )
            )
        else:
            survey.anonymous = anonymous
    for name in ("opens_on", "closes_on"):
        if name in data:
            try:
                setattr(survey, name, parse_date(data[name]))
            except ValueError:
                errors.setdefault(name, []).append(ValidationError(_("Enter a valid date."), code="invalid_date"))
    if not survey.title:
        errors.setdefault("title", []).append(ValidationError(_("Enter a title."), code="required"))
    elif len(survey.title) > 200:
        errors.setdefault("title", []).append(
            ValidationError(_("The title is longer than 200 characters."), code="max_length")
        )
    if survey.opens_on and survey.closes_on and survey.closes_on < survey.opens_on:
        errors.setdefault("closes_on", []).append(
            ValidationError(_("The closing date comes before the opening date."), code="survey_dates_order")
        )
    if errors:
        raise ValidationError(errors)


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
    _clean_survey(data, survey)
    survey.save()
    record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=survey, after=snapshot(survey, SURVEY_FIELDS))
    return survey


@transaction.atomic
def update_survey(*, actor: Any, survey: Survey, data: dict[str, Any]) -> Survey:
    """Change a survey's title, description, anonymity or dates."""
    require(actor, MANAGE, survey.network)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    before = snapshot(survey, SURVEY_FIELDS)
    _clean_survey(data, survey)
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


def _answered_values(question: Question) -> list[Any]:
    return list(question.answers.values_list("value", flat=True)) if question.pk else []


def _clean_question(data: dict[str, Any], question: Question) -> None:
    """Apply `data` to `question` and raise one ValidationError with every problem, answers considered."""
    errors: dict[str, list] = {}

    def add(where: str, message: Any, code: str, **params: Any) -> None:
        errors.setdefault(where, []).append(ValidationError(message, code=code, params=params or None))

    for key in sorted(set(data) - set(QUESTION_FIELDS)):
        add("__all__", _("Unknown field: %(field)s."), "unknown_field", field=key)
    answered = _answered_values(question)
    old_kind, old_choices = question.kind, list(question.choices or [])
    old_bounds = (question.min_value, question.max_value)

    if "kind" in data:
        kind = str(data["kind"] or "")
        if kind not in Question.Kind.values:
            add("kind", _("Choose a kind of question."), "invalid_choice")
        elif answered and kind != old_kind:
            add("kind", _("The question already has answers: its kind cannot change."), "question_kind_locked")
        else:
            question.kind = kind
    if "text" in data:
        question.text = " ".join(str(data["text"] or "").split())
    if "help_text" in data:
        question.help_text = " ".join(str(data["help_text"] or "").split())
    if "required" in data:
        question.required = bool(data["required"])
    if not question.text:
        add("text", _("Enter the question."), "required")
    elif len(question.text) > 300:
        add("text", _("The question is longer than 300 characters."), "max_length")
    if len(question.help_text) > 300:
        add("help_text", _("The help text is longer than 300 characters."), "max_length")

    kind = question.kind
    if kind in CHOICE_KINDS:
        options = parse_options(data["choices"]) if "choices" in data else old_choices
        lowered = [o.casefold() for o in options]
        duplicates = sorted({o for o in options if lowered.count(o.casefold()) > 1})
        if duplicates:
            add("choices", _("The options repeat: %(options)s."), "duplicate_options", options=", ".join(duplicates))
        elif len(options) < 2:
            add("choices", _("A choice question needs at least two different options."), "too_few_options")
        elif len(options) > MAX_OPTIONS:
            add("choices", _("A question can have at most %(max)s options."), "too_many_options", max=MAX_OPTIONS)
        long = [o for o in options if len(o) > MAX_OPTION_LENGTH]
        if long:
            add("choices", _("An option is longer than 200 characters: %(option)s"), "option_too_long", option=long[0])
        used = set()
        for value in answered:
            used.update(value if isinstance(value, list) else [value])
        rule_choices = set(question.need_rules.values_list("choice", flat=True)) if question.pk else set()
        removed = sorted(o for o in (used | rule_choices) if isinstance(o, str) and o and o not in options)
        if removed:
            add(
                "choices",
                _(
                    "These options were already chosen in answers or are used by a rule "
                    "and cannot be removed: %(options)s."
                ),
                "options_in_use",
                options=", ".join(removed),
            )
        question.choices = options
        question.min_value = question.max_value = None
    elif kind in BOUNDED_KINDS:
        question.choices = []
        bounds = []
        for name in ("min_value", "max_value"):
            raw = data[name] if name in data else getattr(question, name)
            try:
                value = to_decimal(raw)
            except ValueError:
                add(name, _("Enter a number."), "invalid_number")
                value = None
            else:
                if value is not None and abs(value) > MAX_NUMBER:
                    add(name, _("The number is too large."), "number_too_large")
                    value = None
            bounds.append(value)
            setattr(question, name, value)
        low, high = bounds
        if kind == Question.Kind.SCALE:
            if low is None or high is None:
                for name, value in (("min_value", low), ("max_value", high)):
                    if value is None and name not in errors:
                        add(name, _("A scale needs a minimum and a maximum."), "scale_bounds_required")
            elif low != low.to_integral_value() or high != high.to_integral_value():
                add("max_value", _("The ends of a scale are whole numbers."), "scale_not_whole")
            elif low >= high:
                add("max_value", _("The maximum must be greater than the minimum."), "bounds_order")
            elif high - low + 1 > MAX_SCALE_POINTS:
                add("max_value", _("A scale has at most %(max)s points."), "scale_too_wide", max=MAX_SCALE_POINTS)
        elif low is not None and high is not None and low >= high:
            add("max_value", _("The maximum must be greater than the minimum."), "bounds_order")
        if answered and not errors and (low, high) != old_bounds:
            numbers = [decimal.Decimal(str(v)) for v in answered if isinstance(v, int | float)]
            outside = [n for n in numbers if (low is not None and n < low) or (high is not None and n > high)]
            if outside:
                add(
                    "max_value" if high is not None and any(n > high for n in outside) else "min_value",
                    _("Some answers lie outside these bounds: they cannot be narrowed that far."),
                    "bounds_exclude_answers",
                )
    else:
        question.choices = []
        question.min_value = question.max_value = None
    if errors:
        raise ValidationError(errors)


def _question_snapshot(question: Question) -> dict | None:
    return snapshot(question, QUESTION_FIELDS)


@transaction.atomic
def add_question(*, actor: Any, survey: Survey, data: dict[str, Any]) -> Question:
    """Add a question at the end of a survey."""
    require(actor, MANAGE, survey.network)
    question = Question(survey=survey, kind=data.get("kind") or "")
    _clean_question(data, question)
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
    _clean_question(data, question)
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
