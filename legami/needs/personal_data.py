"""What the needs app holds about a person: their needs (case-team ones included), the history of those needs,
and the survey answers linked to them (through a need recorded from the answers, or their account).

Registered in legami.core.personal_data from NeedsConfig.ready().
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max, Q, QuerySet

from legami.core.personal_data import AuditObjects, Rows, Section, register, row_of
from legami.needs.models import Answer, Need, NeedEvent, Question, SurveyResponse


def _needs(person: Any) -> QuerySet[Need]:
    return Need.objects.filter(person=person).order_by("pk")


def _need_rows(person: Any) -> Rows:
    return [
        {
            **row_of(need),
            "area_name": need.area.name,
            "municipality_name": need.municipality.name,
            "neighbourhood_name": need.neighbourhood.name if need.neighbourhood is not None else "",
        }
        for need in _needs(person).select_related("area", "municipality", "neighbourhood")
    ]


def _need_event_rows(person: Any) -> Rows:
    return [row_of(event) for event in NeedEvent.objects.filter(need__person=person).order_by("need_id", "pk")]


def _responses(person: Any) -> QuerySet[SurveyResponse]:
    condition = Q(needs__person=person)
    if person.user_id is not None:
        condition |= Q(respondent_id=person.user_id)
    return SurveyResponse.objects.filter(condition, survey__network_id=person.network_id).distinct().order_by("pk")


def _survey_rows(person: Any) -> Rows:
    rows = []
    responses = _responses(person).select_related("survey").prefetch_related("answers__question")
    for response in responses:
        base = {**row_of(response), "survey_title": response.survey.title}
        answers = sorted(response.answers.all(), key=lambda a: (a.question.position, a.question_id))
        if not answers:
            rows.append(base)
        for answer in answers:
            rows.append(
                {**base, "question_id": answer.question_id, "question": answer.question.text, "answer": answer.value}
            )
    return rows


def _anonymise_needs(person: Any) -> None:
    needs = _needs(person)
    # Area, target group, urgency, status, channel, people concerned, Comune, neighbourhood, point and date stay:
    # the figures, the map and the demands count them. What was written, and who to call, goes.
    if person.user_id is not None:
        needs.filter(reported_by_id=person.user_id).update(reported_by=None)
    needs.update(description="", contact_name="", contact_email="", contact_phone="", external_id="")
    NeedEvent.objects.filter(need__person=person).update(note="")


def _anonymise_survey_answers(person: Any) -> None:
    response_ids = list(_responses(person).values_list("pk", flat=True))
    SurveyResponse.objects.filter(pk__in=response_ids).update(contact_name="", contact_email="", respondent=None)
    # A written answer may name anyone: it is emptied, and still counted among the answers.
    Answer.objects.filter(response_id__in=response_ids, question__kind=Question.Kind.TEXT).update(value="")


def _need_last_activity(person_ids: list[int]) -> dict[int, datetime.datetime]:
    return dict(
        Need.objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(m=Max("updated_at"))
        .values_list("person_id", "m")
    )


def _need_audit(person: Any) -> AuditObjects:
    return [(Need._meta.label_lower, _needs(person).values_list("pk", flat=True))]


def _survey_audit(person: Any) -> AuditObjects:
    return [(SurveyResponse._meta.label_lower, _responses(person).values_list("pk", flat=True))]


SECTIONS = (
    Section(
        "needs",
        _need_rows,
        audit_objects=_need_audit,
        anonymise=_anonymise_needs,
        last_activity=_need_last_activity,
        order=50,
    ),
    Section("need_history", _need_event_rows, order=55),
    Section("survey_answers", _survey_rows, audit_objects=_survey_audit, anonymise=_anonymise_survey_answers, order=60),
)


def register_personal_data() -> None:
    """Declare the needs app's sections (called from NeedsConfig.ready())."""
    register(*SECTIONS)
