"""What cases and pacts hold about a person of the registry, for the privacy officer's export (GDPR Art. 15 and
20), anonymisation and the end of retention.

"cases": each case of the person with its team, its history and its assessments with every score; "pacts": each
pact of those cases with every version and all its rows (parties, objectives and expected results, supports,
budget lines, commitments), its history, the expenses, the give-back hours and the reviews with their items.
Anonymisation blanks every free text (queryset updates, the encrypted fields included) and keeps the figures:
scores, amounts, minutes, dates and states. Registered in legami.core.personal_data from PactsConfig.ready().
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.db.models import FileField, Max

from legami.core.personal_data import AuditObjects, Rows, Section, register, row_of
from legami.pacts.models import (
    Assessment,
    AssessmentScore,
    BudgetLine,
    Case,
    CaseEvent,
    CaseMember,
    Commitment,
    ExpectedResult,
    Expense,
    GiveBackHours,
    Objective,
    Pact,
    PactEvent,
    PactParty,
    PactVersion,
    Review,
    ReviewItem,
    Support,
)


def _row(obj: Any) -> dict[str, Any]:
    """Every field of a row in clear; a private file (a signed copy, an expense's document) by its stored name."""
    row = row_of(obj)
    for field in obj._meta.concrete_fields:
        if isinstance(field, FileField):
            row[field.attname] = getattr(obj, field.attname).name or ""
    return row


def _case_rows(person: Any) -> Rows:
    rows = []
    cases = (
        Case.objects.filter(person=person).prefetch_related("members", "events", "assessments__scores").order_by("pk")
    )
    for case in cases:
        rows.append(
            {
                **row_of(case),
                "team": [row_of(m) for m in case.members.all()],
                "history": [row_of(e) for e in case.events.all()],
                "assessments": [
                    {**row_of(a), "scores": [row_of(s) for s in a.scores.all()]} for a in case.assessments.all()
                ],
            }
        )
    return rows


VERSION_ROWS = ("parties", "supports", "budget_lines", "commitments")


def _version_row(version: PactVersion) -> dict[str, Any]:
    row = _row(version)
    for name in VERSION_ROWS:
        row[name] = [row_of(r) for r in getattr(version, name).all()]
    row["objectives"] = [
        {**row_of(o), "results": [row_of(r) for r in o.results.all()]} for o in version.objectives.all()
    ]
    return row


def _pact_rows(person: Any) -> Rows:
    pacts = (
        Pact.objects.filter(case__person=person)
        .prefetch_related(
            "events",
            "expenses",
            "give_back_hours",
            "reviews__items",
            *(f"versions__{name}" for name in VERSION_ROWS),
            "versions__objectives__results",
        )
        .order_by("pk")
    )
    return [
        {
            **row_of(pact),
            "versions": [_version_row(v) for v in pact.versions.all()],
            "history": [row_of(e) for e in pact.events.all()],
            "expenses": [_row(e) for e in pact.expenses.all()],
            "give_back_hours": [row_of(h) for h in pact.give_back_hours.all()],
            "reviews": [{**row_of(r), "items": [row_of(i) for i in r.items.all()]} for r in pact.reviews.all()],
        }
        for pact in pacts
    ]


def _anonymise(person: Any) -> None:
    cases = Case.objects.filter(person=person)
    pacts = Pact.objects.filter(case__in=cases)
    versions = PactVersion.objects.filter(pact__in=pacts)
    cases.update(summary="")
    CaseEvent.objects.filter(case__in=cases).update(note="")
    Assessment.objects.filter(case__in=cases).update(note="")
    AssessmentScore.objects.filter(assessment__case__in=cases).update(notes="", evidence="")
    PactEvent.objects.filter(pact__in=pacts).update(note="")
    versions.update(summary="", change_note="")
    PactParty.objects.filter(version__in=versions).update(name="")
    Objective.objects.filter(version__in=versions).update(text="")
    ExpectedResult.objects.filter(objective__version__in=versions).update(indicator="", target="")
    Support.objects.filter(version__in=versions).update(service="", frequency="")
    BudgetLine.objects.filter(version__in=versions).update(description="")
    Commitment.objects.filter(version__in=versions).update(what="")
    Expense.objects.filter(pact__in=pacts).update(description="", decision_note="")
    GiveBackHours.objects.filter(pact__in=pacts).update(description="")
    Review.objects.filter(pact__in=pacts).update(notes="")
    ReviewItem.objects.filter(review__pact__in=pacts).update(note="")


def _last_activity(person_ids: list[int]) -> dict[int, datetime.datetime]:
    latest: dict[int, datetime.datetime] = {}
    queries = (
        Case.objects.filter(person_id__in=person_ids).values("person_id").annotate(m=Max("updated_at")),
        Assessment.objects.filter(case__person_id__in=person_ids)
        .values("case__person_id")
        .annotate(m=Max("updated_at")),
        Pact.objects.filter(case__person_id__in=person_ids).values("case__person_id").annotate(m=Max("updated_at")),
    )
    for query in queries:
        for row in query:
            person_id = cast(int, row.get("person_id") or row.get("case__person_id"))
            if row["m"] is not None and (person_id not in latest or row["m"] > latest[person_id]):
                latest[person_id] = row["m"]
    return latest


def _case_audit(person: Any) -> AuditObjects:
    cases = Case.objects.filter(person=person)
    return [
        (Case._meta.label_lower, cases.values_list("pk", flat=True)),
        (CaseMember._meta.label_lower, CaseMember.objects.filter(case__in=cases).values_list("pk", flat=True)),
        (Assessment._meta.label_lower, Assessment.objects.filter(case__in=cases).values_list("pk", flat=True)),
    ]


def _pact_audit(person: Any) -> AuditObjects:
    pacts = Pact.objects.filter(case__person=person)
    return [
        (Pact._meta.label_lower, pacts.values_list("pk", flat=True)),
        (PactVersion._meta.label_lower, PactVersion.objects.filter(pact__in=pacts).values_list("pk", flat=True)),
        (Expense._meta.label_lower, Expense.objects.filter(pact__in=pacts).values_list("pk", flat=True)),
        (GiveBackHours._meta.label_lower, GiveBackHours.objects.filter(pact__in=pacts).values_list("pk", flat=True)),
        (Review._meta.label_lower, Review.objects.filter(pact__in=pacts).values_list("pk", flat=True)),
    ]


SECTIONS = (
    Section(
        "cases", _case_rows, audit_objects=_case_audit, anonymise=_anonymise, last_activity=_last_activity, order=90
    ),
    Section("pacts", _pact_rows, audit_objects=_pact_audit, order=91),
)


def register_personal_data() -> None:
    """Declare the cases' and pacts' sections (called from PactsConfig.ready())."""
    register(*SECTIONS)
