"""Writes of survey answers: a public submission, checked question by question, and the rules that turn answers
into needs (see the decisions in surveys.py's docstring)."""

from __future__ import annotations

import decimal
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
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
    to_decimal,
    user_of,
)
from legami.network.models import Network
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality

logger = logging.getLogger(__name__)

RULE_FIELDS = ("question", "choice", "min_value", "area", "target_group", "urgency", "description")

# ------------------------------------------------------------------------------------------- answering


def _network_municipality(network: Network, raw: Any) -> Municipality | None:
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    if not NetworkMunicipality.objects.filter(network=network, municipality_id=pk).exists():
        return None
    return Municipality.objects.filter(pk=pk).first()


def _clean_answer(question: Question, raw: Any, network: Network) -> Any:
    """The JSON value to store for `raw`, None when unanswered; ValidationError (message) when bad."""
    kind = question.kind
    if kind == Question.Kind.MULTIPLE_CHOICE:
        values = [raw] if isinstance(raw, str) else list(raw or [])
        values = [str(v) for v in values if str(v).strip()]
        if not values:
            return None
        unknown = [v for v in values if v not in question.choices]
        if unknown:
            raise ValidationError(_("“%(value)s” is not one of the options."), params={"value": unknown[0]})
        # stored in the question's order, without repeats
        return [o for o in question.choices if o in values]
    if isinstance(raw, list | tuple):
        raw = raw[0] if len(raw) == 1 else (None if not raw else raw)
        if isinstance(raw, list | tuple):
            raise ValidationError(_("Give one answer only."))
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    if kind == Question.Kind.SINGLE_CHOICE:
        if text not in question.choices:
            raise ValidationError(_("“%(value)s” is not one of the options."), params={"value": text})
        return text
    if kind in BOUNDED_KINDS:
        try:
            number = to_decimal(text)
        except ValueError:
            number = None
        if number is None or abs(number) > MAX_NUMBER:
            raise ValidationError(_("Enter a number."))
        if kind == Question.Kind.SCALE and number != number.to_integral_value():
            raise ValidationError(_("Choose a whole number on the scale."))
        low, high = question.min_value, question.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:
                raise ValidationError(
                    _("Enter a number from %(min)s to %(max)s."),
                    params={"min": _plain(low), "max": _plain(high)},
                )
            if low is not None:
                raise ValidationError(_("Enter a number of at least %(min)s."), params={"min": _plain(low)})
            assert high is not None
            raise ValidationError(_("Enter a number of at most %(max)s."), params={"max": _plain(high)})
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == Question.Kind.TEXT:
        if len(text) > MAX_TEXT_ANSWER:
            raise ValidationError(
                _("The answer is longer than %(max)s characters (it has %(length)s)."),
                params={"max": MAX_TEXT_ANSWER, "length": len(text)},
            )
        return text
    if kind == Question.Kind.MUNICIPALITY:
        municipality = _network_municipality(network, text)
        if municipality is None:
            raise ValidationError(_("Choose a Comune of the network's territory."))
        return municipality.pk
    if kind == Question.Kind.NEIGHBOURHOOD:
        try:
            pk = int(text)
        except ValueError:
            pk = 0
        if not Neighbourhood.objects.filter(network=network, pk=pk).exists():
            raise ValidationError(_("Choose one of the listed neighbourhoods."))
        return pk
    raise ValidationError(_("This question cannot be answered."))  # pragma: no cover - every kind is handled


def _plain(value: decimal.Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())


def field_name(question: Question) -> str:
    """The form field (and error key) of a question's answer."""
    return f"q_{question.pk}"


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
    network = survey.network
    questions = list(survey.questions.all())
    errors: dict[str, list] = {}
    cleaned: dict[int, Any] = {}
    for question in questions:
        try:
            value = _clean_answer(question, answers.get(question.pk), network)
        except ValidationError as exc:
            errors.setdefault(field_name(question), []).append(exc)
            continue
        if value is None:
            if question.required:
                errors.setdefault(field_name(question), []).append(
                    ValidationError(_("This question needs an answer."), code="required")
                )
            continue
        cleaned[question.pk] = value
    unknown = sorted(str(k) for k in set(answers) - {q.pk for q in questions})
    if unknown:
        errors.setdefault("__all__", []).append(
            ValidationError(
                _("Answers to questions that are not in this survey: %(ids)s."), params={"ids": ", ".join(unknown)}
            )
        )
    # the neighbourhood must lie in the Comune given in the same response
    municipality_id = next(
        (cleaned[q.pk] for q in questions if q.kind == Question.Kind.MUNICIPALITY and q.pk in cleaned), None
    )
    neighbourhood_id = next(
        (cleaned[q.pk] for q in questions if q.kind == Question.Kind.NEIGHBOURHOOD and q.pk in cleaned), None
    )
    neighbourhood = Neighbourhood.objects.filter(pk=neighbourhood_id).first() if neighbourhood_id else None
    if neighbourhood is not None:
        if municipality_id is not None and neighbourhood.municipality_id != municipality_id:
            question = next(q for q in questions if q.kind == Question.Kind.NEIGHBOURHOOD and q.pk in cleaned)
            errors.setdefault(field_name(question), []).append(
                ValidationError(_("This neighbourhood is not in the Comune you chose."), code="neighbourhood_elsewhere")
            )
        elif municipality_id is None:
            municipality_id = neighbourhood.municipality_id

    name = email = ""
    if not survey.anonymous and contact:
        name = " ".join(str(contact.get("name") or "").split())
        email = str(contact.get("email") or "").strip()
        if len(name) > 200:
            errors.setdefault("contact_name", []).append(
                ValidationError(_("The name is longer than 200 characters."), code="max_length")
            )
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.setdefault("contact_email", []).append(
                    ValidationError(_("Enter a valid e-mail address."), code="invalid_email")
                )
    if errors:
        raise ValidationError(errors)

    response = SurveyResponse.objects.create(
        survey=survey,
        respondent=None if survey.anonymous else user_of(user),
        contact_name=name,
        contact_email=email,
        municipality_id=municipality_id,
        neighbourhood=neighbourhood,
    )
    Answer.objects.bulk_create(
        [Answer(response=response, question_id=pk, value=value) for pk, value in cleaned.items()]
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


def _clean_rule(survey: Survey, data: dict[str, Any]) -> SurveyNeedRule:
    errors: dict[str, list] = {}

    def add(where: str, message: Any, code: str, **params: Any) -> None:
        errors.setdefault(where, []).append(ValidationError(message, code=code, params=params or None))

    for key in sorted(set(data) - set(RULE_FIELDS)):
        add("__all__", _("Unknown field: %(field)s."), "unknown_field", field=key)
    rule = SurveyNeedRule(survey=survey)
    question = data.get("question")
    if not isinstance(question, Question):
        try:
            question = survey.questions.filter(pk=int(question)).first()  # type: ignore[arg-type]
        except (TypeError, ValueError):
            question = None
    if question is None or question.survey_id != survey.pk:
        add("question", _("Choose a question of this survey."), "invalid_question")
    elif question.kind not in RULE_KINDS:
        add("question", _("Rules apply to choice, scale and number questions only."), "question_kind_unsupported")
    else:
        rule.question = question
        if question.kind in CHOICE_KINDS:
            choice = " ".join(str(data.get("choice") or "").split())
            if choice not in question.choices:
                add("choice", _("Choose one of the question's options."), "invalid_option")
            rule.choice = choice
        else:
            try:
                value = to_decimal(data.get("min_value"))
            except ValueError:
                value = None
            if value is None:
                add("min_value", _("Enter the value from which the rule applies."), "required")
            elif (question.min_value is not None and value < question.min_value) or (
                question.max_value is not None and value > question.max_value
            ):
                add("min_value", _("The value lies outside the question's bounds."), "out_of_bounds")
            rule.min_value = value
    area = data.get("area")
    if not isinstance(area, NeedArea):
        try:
            area = NeedArea.objects.filter(network=survey.network, pk=int(area)).first()  # type: ignore[arg-type]
        except (TypeError, ValueError):
            area = None
    if area is None or area.network_id != survey.network_id or not area.is_active:
        add("area", _("Choose an area in use in this network."), "invalid_area")
    else:
        rule.area = area
    target = str(data.get("target_group") or "")
    if target not in TargetGroup.values:
        add("target_group", _("Choose a target group."), "invalid_choice")
    rule.target_group = target
    try:
        urgency = int(data.get("urgency") or Urgency.MEDIUM)
    except (TypeError, ValueError):
        urgency = 0
    if urgency not in Urgency.values:
        add("urgency", _("Choose an urgency."), "invalid_choice")
    rule.urgency = urgency
    description = " ".join(str(data.get("description") or "").split())
    if not description:
        add("description", _("Describe the need the answer reveals."), "required")
    elif len(description) > 300:
        add("description", _("The description is longer than 300 characters."), "max_length")
    rule.description = description
    if errors:
        raise ValidationError(errors)
    return rule


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
