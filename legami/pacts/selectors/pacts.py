"""Reading pacts: a version's whole content in a fixed number of queries, the list of versions, and the differences
between two versions (rows matched by their `key`). Every pact is reached through `selectors.access`, so that only
the case team and the privacy officer see it (audited)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.network.models import Network
from legami.pacts.models import (
    BudgetLine,
    Commitment,
    ExpectedResult,
    Objective,
    Pact,
    PactParty,
    PactVersion,
    Support,
)
from legami.pacts.selectors.access import pacts_for
from legami.pacts.services.pacts import editable_version


@dataclass
class VersionContent:
    """A version with its rows, read once."""

    version: PactVersion
    parties: list[PactParty]
    objectives: list[Objective]
    supports: list[Support]
    budget_lines: list[BudgetLine]
    commitments: list[Commitment]
    budget_total: Decimal = Decimal("0.00")
    give_back: list[Commitment] = field(default_factory=list)

    @property
    def signing_parties(self) -> list[PactParty]:
        return [party for party in self.parties if party.signs]


def version_content(version: PactVersion) -> VersionContent:
    """Every row of `version` (six queries, whatever its size)."""
    parties = list(PactParty.objects.filter(version=version).select_related("organization", "user"))
    objectives = list(
        Objective.objects.filter(version=version).prefetch_related(
            Prefetch("results", queryset=ExpectedResult.objects.order_by("due_on", "id"))
        )
    )
    supports = list(Support.objects.filter(version=version).select_related("provider"))
    lines = list(BudgetLine.objects.filter(version=version).select_related("support"))
    commitments = list(Commitment.objects.filter(version=version).select_related("organization"))
    return VersionContent(
        version=version,
        parties=parties,
        objectives=objectives,
        supports=supports,
        budget_lines=lines,
        commitments=commitments,
        budget_total=sum((line.amount for line in lines), Decimal("0.00")),
        give_back=[c for c in commitments if c.is_give_back],
    )


def versions_of(pact: Pact) -> QuerySet[PactVersion]:
    """The pact's versions, oldest first, with who wrote and who recorded the signature."""
    return (
        PactVersion.objects.filter(pact=pact)
        .select_related("created_by", "signature_recorded_by", "based_on")
        .annotate(budget=Sum("budget_lines__amount"))
        .order_by("number")
    )


def shown_version(pact: Pact) -> PactVersion | None:
    """The version the pact's page shows: the one in force, else the newest (the draft)."""
    if pact.current_version_id:
        return pact.current_version
    return PactVersion.objects.filter(pact=pact).order_by("-number").first()


def draft_version(pact: Pact) -> PactVersion | None:
    """The version whose content may be written now, or None (see services.pacts.editable_version)."""
    version = PactVersion.objects.filter(pact=pact).order_by("-number").first()
    if version is None:
        return None
    try:
        editable_version(version, pact)
    except Exception:  # noqa: BLE001 - a refusal means: nothing to edit
        return None
    return version


def version_for(viewer: Any, network: Network, pk: Any, *, purpose: str) -> PactVersion:
    """The version `pk` when `viewer` may see its pact (the pact's read is audited), else Http404."""
    from legami.core.audit import record_read

    version = (
        PactVersion.objects.filter(network=network, pact__in=pacts_for(viewer, network).values("pk"), pk=pk)
        .select_related("pact", "pact__case", "pact__case__person", "created_by", "signature_recorded_by")
        .first()
    )
    if version is None:
        raise Http404
    record_read(actor=viewer, obj=version.pact, purpose=purpose, network=network)
    return version


def version_by_number(pact: Pact, number: Any) -> PactVersion:
    """The pact's version `number`, else Http404."""
    from legami.core.inputs import parse_id

    found = parse_id(number) if number not in (None, "") else None
    version = PactVersion.objects.filter(pact=pact, number=found).first() if found else None
    if version is None:
        raise Http404
    return version


# --- the differences between two versions ----------------------------------------------------------------------


@dataclass
class Change:
    """One field of a row that differs: its label, the old and the new value (already written for people)."""

    label: Any
    old: str
    new: str


@dataclass
class RowDiff:
    """A row added, removed or changed (its changed fields), named by its text."""

    status: str  # added, removed, changed
    title: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class SectionDiff:
    name: str
    label: Any
    rows: list[RowDiff]


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return str(value)


def _fields(section: str) -> list[tuple[Any, Callable[[Any], Any]]]:
    """(label, reader) of each field compared, per section."""
    fields: dict[str, list[tuple[Any, Callable[[Any], Any]]]] = {
        "header": [
            (_("What the pact is for"), lambda v: v.summary),
            (_("Starts on"), lambda v: v.starts_on),
            (_("Ends on"), lambda v: v.ends_on),
            (_("Review every (weeks)"), lambda v: v.review_every_weeks),
        ],
        "parties": [
            (_("Party"), lambda r: r.get_kind_display()),
            (_("Organisation"), lambda r: r.organization.name if r.organization else ""),
            (_("Name"), lambda r: r.name),
            (_("Signs the pact"), lambda r: r.signs),
        ],
        "objectives": [(_("Objective"), lambda r: r.text)],
        "results": [
            (_("Indicator"), lambda r: r.indicator),
            (_("Target"), lambda r: r.target),
            (_("By"), lambda r: r.due_on),
        ],
        "supports": [
            (_("Service"), lambda r: r.service),
            (_("Provided by"), lambda r: r.provider.name if r.provider else ""),
            (_("How often"), lambda r: r.frequency),
        ],
        "budget": [
            (_("Category"), lambda r: r.get_category_display()),
            (_("Description"), lambda r: r.description),
            (_("Amount (euro)"), lambda r: r.amount),
        ],
        "commitments": [
            (_("Who"), lambda r: r.get_party_display()),
            (_("What"), lambda r: r.what),
            (_("By"), lambda r: r.due_on),
            (_("Give-back"), lambda r: r.is_give_back),
            (_("Hours a week"), lambda r: r.hours_per_week),
            (_("Hours in all"), lambda r: r.hours_total),
        ],
    }
    return fields[section]


def _title(section: str, row: Any) -> str:
    return str(
        {
            "parties": lambda r: r.name or (r.organization.name if r.organization else r.get_kind_display()),
            "objectives": lambda r: r.text,
            "results": lambda r: r.indicator,
            "supports": lambda r: r.service,
            "budget": lambda r: r.description or r.get_category_display(),
            "commitments": lambda r: r.what,
        }[section](row)
    )


def _compare(section: str, old_rows: list[Any], new_rows: list[Any]) -> list[RowDiff]:
    readers = _fields(section)
    before = {row.key: row for row in old_rows}
    after = {row.key: row for row in new_rows}
    found: list[RowDiff] = []
    for key, row in after.items():
        if key not in before:
            changes = [Change(label, "", _show(read(row))) for label, read in readers if read(row) not in (None, "")]
            found.append(RowDiff("added", _title(section, row), changes))
            continue
        changes = [
            Change(label, _show(read(before[key])), _show(read(row)))
            for label, read in readers
            if read(before[key]) != read(row)
        ]
        if changes:
            found.append(RowDiff("changed", _title(section, row), changes))
    for key, row in before.items():
        if key not in after:
            changes = [Change(label, _show(read(row)), "") for label, read in readers if read(row) not in (None, "")]
            found.append(RowDiff("removed", _title(section, row), changes))
    return found


SECTION_LABELS = {
    "header": _("The pact"),
    "parties": _("Parties"),
    "objectives": _("Objectives"),
    "results": _("Expected results"),
    "supports": _("Supports"),
    "budget": _("Budget"),
    "commitments": _("Commitments"),
}


def version_diff(old: PactVersion, new: PactVersion) -> list[SectionDiff]:
    """What changed from `old` to `new`: per section, the rows added, removed and changed (matched by their key),
    each changed field with its old and new value. Sections without a difference are left out."""
    first, second = version_content(old), version_content(new)
    sections: list[SectionDiff] = []
    header = [
        Change(label, _show(read(old)), _show(read(new))) for label, read in _fields("header") if read(old) != read(new)
    ]
    if header:
        sections.append(SectionDiff("header", SECTION_LABELS["header"], [RowDiff("changed", "", header)]))
    pairs: dict[str, tuple[list[Any], list[Any]]] = {
        "parties": (first.parties, second.parties),
        "objectives": (first.objectives, second.objectives),
        "results": (
            [r for o in first.objectives for r in o.results.all()],
            [r for o in second.objectives for r in o.results.all()],
        ),
        "supports": (first.supports, second.supports),
        "budget": (first.budget_lines, second.budget_lines),
        "commitments": (first.commitments, second.commitments),
    }
    for name, (old_rows, new_rows) in pairs.items():
        rows = _compare(name, old_rows, new_rows)
        if rows:
            sections.append(SectionDiff(name, SECTION_LABELS[name], rows))
    return sections
