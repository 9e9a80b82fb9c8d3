"""Reads of surveys: the list, one survey with its questions, the public page, results and the export."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from legami.core import smallnumbers
from legami.core.charts import bar_chart
from legami.core.permissions import can
from legami.needs.capabilities import MANAGE_SURVEYS as MANAGE
from legami.needs.capabilities import VIEW_SURVEY_RESULTS as VIEW_RESULTS
from legami.needs.models import Answer, Question, Survey, SurveyNeedRule, SurveyResponse
from legami.network.models import Network
from legami.territory.models import Municipality, Neighbourhood

TEXT_PAGE_SIZE = 20
TEXT_PREVIEW = 5
MAX_HISTOGRAM_BINS = 10


def _count_of(model: Any, key: str) -> Coalesce:
    """A correlated COUNT(*) of `model` rows whose `key` is the outer row (no join, so counts do not multiply)."""
    rows = model.objects.filter(**{key: OuterRef("pk")}).order_by().values(key).annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")[:1], output_field=IntegerField()), Value(0))


def surveys_for_user(user: Any, network: Network) -> QuerySet[Survey]:
    """The network's surveys with their counts of questions and responses, for managers and results readers."""
    if not (can(user, MANAGE, network) or can(user, VIEW_RESULTS, network)):
        return Survey.objects.none()
    return (
        Survey.objects.filter(network=network)
        .annotate(
            question_count=_count_of(Question, "survey"),
            response_count=_count_of(SurveyResponse, "survey"),
        )
        .order_by("-created_at", "-id")
    )


def open_surveys_count(user: Any, network: Network) -> int:
    """How many of the network's surveys are open, for managers and results readers (one query)."""
    if not (can(user, MANAGE, network) or can(user, VIEW_RESULTS, network)):
        return 0
    return Survey.objects.filter(network=network, status=Survey.Status.OPEN).count()


def public_open_surveys(network: Network) -> list[Survey]:
    """The surveys anyone may answer today through their public link, the newest first (one query)."""
    today = timezone.localdate()
    return list(
        Survey.objects.filter(network=network, status=Survey.Status.OPEN)
        .filter(Q(opens_on__isnull=True) | Q(opens_on__lte=today))
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .order_by("-created_at", "-id")
    )


def get_survey_for_user(user: Any, network: Network, pk: int, capability: str = MANAGE) -> Survey:
    """One survey of the network, 404 when it is not there or the user lacks `capability`."""
    if not can(user, capability, network):
        raise Http404
    survey = Survey.objects.filter(network=network, pk=pk).select_related("network").first()
    if survey is None:
        raise Http404
    return survey


def get_question_for_user(user: Any, network: Network, pk: int) -> Question:
    """One question of one of the network's surveys, for a survey manager; 404 otherwise."""
    if not can(user, MANAGE, network):
        raise Http404
    question = Question.objects.filter(survey__network=network, pk=pk).select_related("survey__network").first()
    if question is None:
        raise Http404
    return question


def get_rule_for_user(user: Any, network: Network, pk: int) -> SurveyNeedRule:
    """One answer-to-need rule of the network's surveys, for a survey manager; 404 otherwise."""
    if not can(user, MANAGE, network):
        raise Http404
    rule = (
        SurveyNeedRule.objects.filter(survey__network=network, pk=pk)
        .select_related("survey__network", "question", "area")
        .first()
    )
    if rule is None:
        raise Http404
    return rule


def get_public_survey(viewer: Any, network: Network, token: str) -> Survey:
    """The survey behind a public link; a draft exists only for the survey managers (as a preview)."""
    survey = Survey.objects.filter(network=network, public_token=token).select_related("network").first()
    if survey is None or (survey.status == Survey.Status.DRAFT and not can(viewer, MANAGE, network)):
        raise Http404
    return survey


def survey_questions(survey: Survey) -> list[Question]:
    """The survey's questions in order, each with its rules and its count of answers."""
    return list(
        survey.questions.annotate(answer_count=_count_of(Answer, "question")).prefetch_related("need_rules__area")
    )


def survey_rules(survey: Survey) -> list[SurveyNeedRule]:
    """The survey's answer-to-need rules, with their question and area."""
    return list(survey.need_rules.select_related("question", "area").order_by("question__position", "id"))


def survey_need_count(survey: Survey) -> int:
    """How many needs the survey's answers have recorded so far."""
    from legami.needs.models import Need

    return Need.objects.filter(network_id=survey.network_id, survey_response__survey=survey).count()


def network_municipalities(network: Network) -> list[Municipality]:
    """The Comuni of the network's territory, by name."""
    return list(Municipality.objects.filter(network_links__network=network).order_by("name"))


def network_neighbourhoods(network: Network) -> list[Neighbourhood]:
    """The network's neighbourhoods, by Comune then name."""
    return list(
        Neighbourhood.objects.filter(network=network)
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )


# --------------------------------------------------------------------------------------------- results


@dataclass
class Cell:
    label: str
    count: int | None  # None when suppressed
    percent: float | None
    small: bool = False  # under k: flagged for operators, suppressed for others
    # Hidden although not small: the one other cell hidden with a lone small one, so that the total does not
    # give the small one away (statistical offices' secondary suppression, as on the needs map). Pages show
    # both alike: were they told apart, the total would again say what each one is.
    protected: bool = False


@dataclass
class QuestionResult:
    question: Question
    answered: int
    cells: list[Cell] = field(default_factory=list)
    chart: str = ""
    stats: dict[str, Any] | None = None
    texts: list[str] | Page | None = None
    text_total: int = 0
    suppressed: bool = False
    # Free text is read word for word: a respondent may write a diagnosis there. Only roles that see individual
    # needs read it; the others get the number of answers.
    texts_withheld: bool = False
    # Fewer than k answers to this question, for a viewer who does not see small numbers: the count is not shown.
    answered_hidden: bool = False


@dataclass
class SurveyResults:
    survey: Survey
    response_count: int
    k: int
    suppress_small: bool
    questions: list[QuestionResult]
    response_count_small: bool = False


def _cells(counter: Counter, labels: list[str], total: int, k: int, suppress: bool) -> list[Cell]:
    cells = []
    for label in labels:
        count = counter.get(label, 0)
        small = 0 < count < k
        if small and suppress:
            cells.append(Cell(label, None, None, small=True))
        else:
            cells.append(Cell(label, count, round(count / total * 100, 1) if total else 0.0, small=small))
    hidden = [cell for cell in cells if cell.count is None]
    shown = [cell for cell in cells if cell.count]
    if suppress and len(hidden) == 1 and shown:
        # One hidden cell is the total minus the others: hide the smallest other one too.
        spare = min(shown, key=lambda cell: cell.count or 0)
        spare.count, spare.percent, spare.protected = None, None, True
    return cells


def _chart(cells: list[Cell], title: str) -> str:
    # Suppressed cells are left out: a bar, even an empty one, would say more than the table's "< k".
    return bar_chart([(c.label, c.count) for c in cells if c.count is not None], title=title, unit="")


def _histogram(numbers: list[Decimal], question: Question) -> list[tuple[str, list[Decimal]]]:
    """Up to MAX_HISTOGRAM_BINS equal bins between the question's bounds (or the answers' range)."""
    low = question.min_value if question.min_value is not None else min(numbers)
    high = question.max_value if question.max_value is not None else max(numbers)
    low, high = min(low, min(numbers)), max(high, max(numbers))
    if high <= low:
        return [(_format_number(low), numbers)]
    whole = all(n == n.to_integral_value() for n in [low, high, *numbers])
    if whole:
        # whole-number bins such as 0–4, 5–9: each holds `width` integers
        points = int(high - low) + 1
        width = Decimal(-(-points // MAX_HISTOGRAM_BINS))
        bins = int(-(-points // int(width)))
    else:
        bins = MAX_HISTOGRAM_BINS
        width = (high - low) / bins
    groups: list[tuple[str, list[Decimal]]] = []
    for i in range(bins):
        start, end = low + width * i, low + width * (i + 1)
        last = i == bins - 1
        members = [n for n in numbers if start <= n and (n < end or (last and n <= high))]
        if whole:
            top = min(end - 1, high)
            label = _format_number(start) if top == start else f"{_format_number(start)}–{_format_number(top)}"
        else:
            label = f"{_format_number(start)}–{_format_number(end)}"
        groups.append((label, members))
    return groups


def _format_number(value: Decimal | float) -> str:
    from legami.core.charts import format_value

    return format_value(float(value))


def _numeric(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def survey_results(
    viewer: Any, survey: Survey, *, text_question: int | None = None, text_page: Any = None
) -> SurveyResults:
    """Counts, percentages, statistics and charts per question, with small cells flagged or suppressed.

    The answers are read in one query and summed in Python; one more query lists the labels of
    Comuni and neighbourhoods. `text_question` pages through the free-text answers of that question.
    """
    # The one rule of small numbers: who works with the people sees small counts flagged, anyone else with the
    # results (the evaluator) sees them suppressed, and reads no answer in the respondent's own words.
    k = smallnumbers.k()
    suppress = not smallnumbers.sees_small_numbers(viewer, survey.network)
    questions = list(survey.questions.all())
    response_count = survey.responses.count()
    by_question: dict[int, list[Any]] = {q.pk: [] for q in questions}
    for question_id, value in (
        Answer.objects.filter(response__survey=survey)
        .order_by("-response__submitted_at", "-id")
        .values_list("question_id", "value")
    ):
        by_question.setdefault(question_id, []).append(value)
    names = _place_names(questions, by_question)
    results = []
    for question in questions:
        values = by_question[question.pk]
        result = QuestionResult(question=question, answered=len(values))
        if question.kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE):
            _choice_result(result, values, k, suppress)
        elif question.kind == Question.Kind.SCALE:
            _scale_result(result, values, k, suppress)
        elif question.kind == Question.Kind.NUMBER:
            _number_result(result, values, k, suppress)
        elif question.kind in (Question.Kind.MUNICIPALITY, Question.Kind.NEIGHBOURHOOD):
            # A value that names no Comune or neighbourhood of the network is the respondent's own words.
            other = _("Other answers") if suppress else None
            counter = Counter(names.get((question.kind, v), other or str(v)) for v in values)
            _place_result(result, counter, k, suppress)
        else:
            page = text_page if text_question == question.pk else None
            _text_result(result, values, k, suppress, page=page, paged=text_question == question.pk)
        result.answered_hidden = suppress and smallnumbers.is_small(result.answered)
        results.append(result)
    return SurveyResults(
        survey=survey,
        response_count=response_count,
        k=k,
        suppress_small=suppress,
        questions=results,
        response_count_small=smallnumbers.is_small(response_count),
    )


def _place_names(questions: list[Question], by_question: dict[int, list[Any]]) -> dict[tuple[str, int], str]:
    """The names of the Comuni and neighbourhoods chosen in the answers, keyed by (question kind, pk)."""
    place_ids = {
        kind: {v for q in questions if q.kind == kind for v in by_question[q.pk] if isinstance(v, int)}
        for kind in (Question.Kind.MUNICIPALITY, Question.Kind.NEIGHBOURHOOD)
    }
    names: dict[tuple[str, int], str] = {}
    if place_ids[Question.Kind.MUNICIPALITY]:
        for pk, name in Municipality.objects.filter(pk__in=place_ids[Question.Kind.MUNICIPALITY]).values_list(
            "pk", "name"
        ):
            names[(Question.Kind.MUNICIPALITY, pk)] = name
    if place_ids[Question.Kind.NEIGHBOURHOOD]:
        for pk, name, comune in Neighbourhood.objects.filter(pk__in=place_ids[Question.Kind.NEIGHBOURHOOD]).values_list(
            "pk", "name", "municipality__name"
        ):
            names[(Question.Kind.NEIGHBOURHOOD, pk)] = f"{name} ({comune})"
    return names


def _choice_result(result: QuestionResult, values: list[Any], k: int, suppress: bool) -> None:
    question = result.question
    counter: Counter = Counter()
    for value in values:
        counter.update(value if isinstance(value, list) else [value])
    off_list = sorted(str(x) for x in counter if x not in question.choices)
    if suppress and off_list:
        # An answer that is not among the options is the respondent's own words (an option renamed, an old
        # import): read only by roles that see individual needs; the others get them pooled, and counted.
        other = _("Other answers")
        counter[other] = sum(counter.pop(x) for x in list(counter) if x not in question.choices)
        off_list = [other]
    labels = list(question.choices) + off_list
    result.cells = _cells(counter, labels, len(values), k, suppress)
    result.chart = _chart(result.cells, question.text)


def _scale_result(result: QuestionResult, values: list[Any], k: int, suppress: bool) -> None:
    question = result.question
    counter = Counter(int(v) for v in values if _numeric(v) is not None)
    low = int(question.min_value) if question.min_value is not None else min(counter, default=0)
    high = int(question.max_value) if question.max_value is not None else max(counter, default=0)
    str_counter = Counter({str(key): n for key, n in counter.items()})
    result.cells = _cells(str_counter, [str(i) for i in range(low, high + 1)], len(values), k, suppress)
    result.chart = _chart(result.cells, question.text)
    numbers = [n for n in (_numeric(v) for v in values) if n is not None]
    result.stats = _stats(numbers, k, suppress)


def _number_result(result: QuestionResult, values: list[Any], k: int, suppress: bool) -> None:
    numbers = [n for n in (_numeric(v) for v in values) if n is not None]
    result.stats = _stats(numbers, k, suppress)
    if numbers and result.stats is not None:
        bins = _histogram(numbers, result.question)
        counter = Counter({label: len(members) for label, members in bins})
        result.cells = _cells(counter, [label for label, _m in bins], len(numbers), k, suppress)
        result.chart = _chart(result.cells, result.question.text)
    result.suppressed = result.stats is None and bool(numbers)


def _place_result(result: QuestionResult, counter: Counter, k: int, suppress: bool) -> None:
    # Most answered first; the cells suppressed for this viewer come last in alphabetical order, so
    # that their place in the list does not rank what the table hides.
    hidden = {label for label, n in counter.items() if suppress and n < k}
    labels = [label for label, _n in sorted(counter.items(), key=lambda item: (-item[1], item[0]))]
    labels = [label for label in labels if label not in hidden] + sorted(hidden)
    result.cells = _cells(counter, labels, result.answered, k, suppress)
    result.chart = _chart(result.cells, result.question.text)


def _text_result(result: QuestionResult, values: list[Any], k: int, suppress: bool, *, page: Any, paged: bool) -> None:
    """Free text, newest first: a preview, or one page of all the answers when `paged`."""
    texts = [str(v) for v in values]
    result.text_total = len(texts)
    if suppress:
        result.texts_withheld = bool(texts)
        result.texts = []
    elif paged:
        result.texts = Paginator(texts, TEXT_PAGE_SIZE).get_page(page)
    else:
        result.texts = texts[:TEXT_PREVIEW]


def _stats(numbers: list[Decimal], k: int, suppress: bool) -> dict[str, Any] | None:
    """n, mean, median, min and max; None when suppressed (fewer than k answers, for who may not see them)."""
    if not numbers:
        return {"n": 0}
    if suppress and len(numbers) < k:
        return None
    return {
        "n": len(numbers),
        "mean": float(statistics.fmean(float(n) for n in numbers)),
        "median": float(statistics.median(numbers)),
        "min": float(min(numbers)),
        "max": float(max(numbers)),
        "small": len(numbers) < k,
    }


# ---------------------------------------------------------------------------------------------- export


def survey_export(survey: Survey) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and rows of a survey's responses: one row per response, one column per question."""
    questions = list(survey.questions.all())
    header = [_("Response"), _("Submitted at")]
    if not survey.anonymous:
        header += [_("Name"), _("E-mail")]
    header += [_("Comune"), _("Neighbourhood")]
    header += [question.text for question in questions]
    municipality_names = dict(
        Municipality.objects.filter(network_links__network=survey.network).values_list("pk", "name")
    )
    neighbourhood_names = dict(Neighbourhood.objects.filter(network=survey.network).values_list("pk", "name"))

    def render(question: Question, value: Any) -> Any:
        if value is None:
            return ""
        if question.kind == Question.Kind.MULTIPLE_CHOICE and isinstance(value, list):
            return "; ".join(str(v) for v in value)
        if question.kind == Question.Kind.MUNICIPALITY:
            return municipality_names.get(value, value)
        if question.kind == Question.Kind.NEIGHBOURHOOD:
            return neighbourhood_names.get(value, value)
        return value

    def rows() -> Iterator[list[Any]]:
        responses = (
            survey.responses.select_related("municipality", "neighbourhood")
            .prefetch_related("answers")
            .order_by("submitted_at", "id")
        )
        for response in responses.iterator(chunk_size=1000):
            answers = {a.question_id: a.value for a in response.answers.all()}
            row: list[Any] = [response.pk, timezone.localtime(response.submitted_at).replace(microsecond=0)]
            if not survey.anonymous:
                row += [response.contact_name, response.contact_email]
            row += [
                response.municipality.name if response.municipality else "",
                response.neighbourhood.name if response.neighbourhood else "",
            ]
            row += [render(q, answers.get(q.pk)) for q in questions]
            yield row

    return header, rows()
