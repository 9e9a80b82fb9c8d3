"""The pact's page in a fixed, small number of queries, whatever the size of its content and history.

- the pact (through `selectors.access`, audited) with everything the page says about it as columns of the same row:
  the viewer's place on the team, the number of versions and the newest one (is there a draft to write?), the start
  of the first signed version (the give-back period), the consent of the person, the money spent and awaiting
  approval;
- the rows of the version shown (parties, objectives and their expected results, supports, budget lines,
  commitments with the give-back minutes confirmed and pending) in one query (`version_rows`: a UNION ALL of the
  six tables with their columns aligned, each row rebuilt as its model);
- the reviews, and the history with its actors.

The budget and give-back summaries are the ones of `selectors.budget.budget_of` and
`selectors.giveback.progress_since_start`, made from those figures instead of their own queries
(tests/test_pact_page_summaries.py checks that they agree).
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    UUIDField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from legami.core.audit import record_read
from legami.core.fields import EncryptedTextField
from legami.core.models import Consent
from legami.core.prepared import Prepared
from legami.network.models import Network, Organization
from legami.pacts.models import (
    MONEY,
    BudgetLine,
    CaseMember,
    Commitment,
    ExpectedResult,
    Expense,
    ExpenseStatus,
    GiveBackHours,
    GiveBackStatus,
    Objective,
    Pact,
    PactEvent,
    PactParty,
    PactVersion,
    Review,
    Support,
    content_writable,
)
from legami.pacts.selectors.access import NONE, visibility, visible_cases
from legami.pacts.selectors.budget import COUNTED, ZERO, BudgetFigures
from legami.pacts.selectors.giveback import Progress, committed_minutes
from legami.pacts.selectors.pacts import VersionContent

_MONEY = DecimalField(max_digits=MONEY["max_digits"], decimal_places=MONEY["decimal_places"])


def _count(queryset: QuerySet) -> Subquery:
    return Subquery(queryset.order_by().values("pact_id").annotate(n=Count("pk")).values("n")[:1])


def _money(*statuses: str) -> Coalesce:
    spent = (
        Expense.objects.filter(pact_id=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("pact_id")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(spent, output_field=_MONEY), Value(ZERO, output_field=_MONEY), output_field=_MONEY)


def _pact_row(*, seen: str, viewer_id: int, network_id: int, pk: int) -> QuerySet[Pact]:
    """The query of `pact_page_for`, by ids (a prepared query: see `_PACT_ROW`)."""
    versions = PactVersion.objects.filter(pact_id=OuterRef("pk"))
    newest = versions.order_by("-number")
    return (
        Pact.objects.filter(network_id=network_id, case__in=visible_cases(seen, viewer_id, network_id).values("pk"))
        .select_related("case", "case__person", "case__processing", "current_version")
        .annotate(
            my_role=Subquery(
                CaseMember.objects.filter(case_id=OuterRef("case_id"), user_id=viewer_id).values("role")[:1]
            ),
            versions_count=Coalesce(_count(versions), 0),
            newest_number=Subquery(newest.values("number")[:1]),
            newest_signed_on=Subquery(newest.values("signed_on")[:1], output_field=DateField()),
            first_signed_on=Subquery(
                versions.filter(signed_on__isnull=False).order_by("starts_on").values("starts_on")[:1],
                output_field=DateField(),
            ),
            consent_given=Exists(
                Consent.objects.filter(
                    person_id=OuterRef("case__person_id"),
                    processing_id=OuterRef("case__processing_id"),
                    given=True,
                    withdrawn_at__isnull=True,
                )
            ),
            money_spent=_money(*COUNTED),
            money_pending=_money(ExpenseStatus.AWAITING_APPROVAL),
        )
        .filter(pk=pk)
        .order_by()[:1]
    )


# Eight subqueries and four joins: compiling them cost more than running them, so it is compiled once per process
# (core.prepared).
_PACT_ROW = Prepared(Pact, _pact_row)


def pact_page_for(viewer: Any, network: Network, pk: Any, *, purpose: str = "pact") -> Pact:
    """The pact `pk` as `selectors.access.pact_for` reads it (404 outside the team, audited read), with the page's
    figures: `my_role` (manager, member or None), `versions_count`, `newest_number` and `newest_signed_on`,
    `first_signed_on` (the start of its first signed version), `consent_given`, `money_spent` (recorded and
    approved expenses) and `money_pending` (awaiting approval). One query, and the audit's."""
    seen = visibility(viewer, network)
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if seen == NONE:
        raise Http404
    found = _PACT_ROW.fetch(shape={"seen": seen}, viewer_id=viewer.pk, network_id=network.pk, pk=number)
    if not found:
        raise Http404
    pact = found[0]
    pact.network = network
    record_read(actor=viewer, obj=pact, purpose=purpose, network=network)
    return pact


def consent_withdrawn(pact: Any) -> bool:
    """`services.common.consent_withdrawn(pact.case)` from the pact's `consent_given` (no query)."""
    return pact.case.processing.needs_consent and not pact.consent_given


def has_draft(pact: Any) -> bool:
    """Whether the newest version may be written now: `services.pacts.editable_version` of the newest version
    (unsigned, and the pact in draft or under review) from the pact's figures (no query)."""
    return pact.newest_number is not None and content_writable(
        signed=pact.newest_signed_on is not None, newest=True, status=pact.status
    )


def shown_version(pact: Pact) -> PactVersion | None:
    """The version the page shows: the one in force, else the newest (the draft; one query)."""
    if pact.current_version_id:
        return pact.current_version
    return PactVersion.objects.filter(pact=pact).order_by("-number").first()


# --- the rows of a version in one query ------------------------------------------------------------------------

# The columns every part of the UNION gives, in this order, with the field that reads each back (the converters are
# the first part's: an encrypted column is an EncryptedTextField in every part, or NULL).
_TEXT = EncryptedTextField()
COLUMNS: dict[str, Any] = {
    "r_kind": CharField(),
    "r_id": IntegerField(),
    "r_key": UUIDField(),
    "r_position": IntegerField(),
    "r_parent": IntegerField(),  # an expected result's objective, a budget line's support
    "r_org": IntegerField(),  # the organisation of a party or a commitment, the provider of a support
    "r_org_name": CharField(),
    "r_user": IntegerField(),
    "r_choice": CharField(),  # a party's kind, a line's category, a commitment's party
    "r_text": _TEXT,  # name, text, indicator, service, description, what
    "r_text2": _TEXT,  # target, frequency
    "r_day": DateField(),
    "r_amount": DecimalField(max_digits=MONEY["max_digits"], decimal_places=MONEY["decimal_places"]),
    "r_hours_week": DecimalField(max_digits=5, decimal_places=2),
    "r_hours_total": DecimalField(max_digits=7, decimal_places=2),
    "r_flag": BooleanField(),  # a party signs, a commitment is give-back
    "r_confirmed": IntegerField(),  # give-back minutes confirmed in the period
    "r_pending": IntegerField(),  # and waiting for the host
}


def _part(queryset: QuerySet, kind: str, **given: Any) -> QuerySet:
    """One part of the UNION: `given` columns from the table, the others NULL cast to the column's type (PostgreSQL
    types an untyped NULL as text)."""
    columns: dict[str, Any] = {"r_kind": Value(kind, output_field=CharField())}
    for name, output in COLUMNS.items():
        if name == "r_kind":
            continue
        value = given.get(name)
        columns[name] = Cast(Value(None), output_field=output) if value is None else value
    return queryset.order_by().annotate(**columns).values_list(*COLUMNS)


def _version_rows(
    *, hours: bool, version_id: int, pact_id: Any = None, since: Any = None, until: Any = None
) -> QuerySet:
    """The query of `version_rows`, by ids (a prepared query: see `_VERSION_ROWS`); with `hours`, the give-back
    minutes of the pact `pact_id` logged from `since` to `until`."""
    commitments = Commitment.objects.filter(version_id=version_id)
    minutes: dict[str, Any] = {}
    if hours:

        def logged(status: str) -> Subquery:
            return Subquery(
                GiveBackHours.objects.filter(
                    pact_id=pact_id,
                    commitment_key=OuterRef("key"),
                    status=status,
                    done_on__gte=since,
                    done_on__lte=until,
                )
                .order_by()
                .values("commitment_key")
                .annotate(total=Sum("minutes"))
                .values("total")[:1],
                output_field=IntegerField(),
            )

        minutes = {"r_confirmed": logged(GiveBackStatus.CONFIRMED), "r_pending": logged(GiveBackStatus.PENDING)}
    parts = [
        _part(
            commitments,
            "commitment",
            r_id=F("id"),
            r_key=F("key"),
            r_position=F("position"),
            r_org=F("organization_id"),
            r_org_name=F("organization__name"),
            r_choice=F("party"),
            r_text=F("what"),
            r_day=F("due_on"),
            r_hours_week=F("hours_per_week"),
            r_hours_total=F("hours_total"),
            r_flag=F("is_give_back"),
            **minutes,
        ),
        _part(
            PactParty.objects.filter(version_id=version_id),
            "party",
            r_id=F("id"),
            r_key=F("key"),
            r_position=F("position"),
            r_org=F("organization_id"),
            r_org_name=F("organization__name"),
            r_user=F("user_id"),
            r_choice=F("kind"),
            r_text=F("name"),
            r_flag=F("signs"),
        ),
        _part(
            Objective.objects.filter(version_id=version_id),
            "objective",
            r_id=F("id"),
            r_key=F("key"),
            r_position=F("position"),
            r_text=F("text"),
        ),
        _part(
            ExpectedResult.objects.filter(objective__version_id=version_id),
            "result",
            r_id=F("id"),
            r_key=F("key"),
            r_parent=F("objective_id"),
            r_text=F("indicator"),
            r_text2=F("target"),
            r_day=F("due_on"),
        ),
        _part(
            Support.objects.filter(version_id=version_id),
            "support",
            r_id=F("id"),
            r_key=F("key"),
            r_position=F("position"),
            r_org=F("provider_id"),
            r_org_name=F("provider__name"),
            r_text=F("service"),
            r_text2=F("frequency"),
        ),
        _part(
            BudgetLine.objects.filter(version_id=version_id),
            "line",
            r_id=F("id"),
            r_key=F("key"),
            r_position=F("position"),
            r_parent=F("support_id"),
            r_choice=F("category"),
            r_text=F("description"),
            r_amount=F("amount"),
        ),
    ]
    return parts[0].union(*parts[1:], all=True)


# Six parts of eighteen columns each: compiling them cost more than running them, so it is compiled once per process
# (core.prepared).
_VERSION_ROWS = Prepared(Commitment, _version_rows)


def version_rows(
    version: PactVersion, give_back_period: tuple[datetime.date, datetime.date] | None = None
) -> VersionContent:
    """The content of `version` (as `selectors.pacts.version_content`) in one query. With `give_back_period`
    (since, until), each give-back commitment also has `confirmed_minutes` and `pending_minutes` logged in it (hours
    follow a commitment by its key, in any version of the pact)."""
    if give_back_period is None:
        rows = _VERSION_ROWS.fetch(shape={"hours": False}, version_id=version.pk)
    else:
        since, until = give_back_period
        rows = _VERSION_ROWS.fetch(
            shape={"hours": True}, version_id=version.pk, pact_id=version.pact_id, since=since, until=until
        )
    found: dict[str, list[dict[str, Any]]] = {}
    for values in rows:
        row = dict(zip(COLUMNS, values, strict=True))
        found.setdefault(row["r_kind"], []).append(row)
    return _content(version, found)


def _organization(row: dict[str, Any]) -> Organization | None:
    if row["r_org"] is None:
        return None
    return Organization.from_db("default", ["id", "name"], [row["r_org"], row["r_org_name"]])


def _built(model: type[Model], values: dict[str, Any]) -> Any:
    """An instance of `model` as the database gave it (every concrete field given: nothing is deferred)."""
    names = [f.attname for f in model._meta.concrete_fields]
    return model.from_db("default", names, [values[name] for name in names])


def _ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows in the order of VersionRow.Meta.ordering: by position, then id."""
    return sorted(rows, key=lambda r: (r["r_position"], r["r_id"]))


def _content(version: PactVersion, found: dict[str, list[dict[str, Any]]]) -> VersionContent:
    parties = []
    for row in _ordered(found.get("party", [])):
        party = _built(
            PactParty,
            {
                "id": row["r_id"],
                "key": row["r_key"],
                "position": row["r_position"],
                "version_id": version.pk,
                "kind": row["r_choice"],
                "organization_id": row["r_org"],
                "user_id": row["r_user"],
                "name": row["r_text"],
                "signs": row["r_flag"],
            },
        )
        party.organization = _organization(row)
        parties.append(party)
    results: dict[int, list[ExpectedResult]] = {}
    # ordered as version_content prefetches them: by due date (none last), then id
    for row in sorted(found.get("result", []), key=lambda r: (r["r_day"] is None, r["r_day"], r["r_id"])):
        results.setdefault(row["r_parent"], []).append(
            _built(
                ExpectedResult,
                {
                    "id": row["r_id"],
                    "objective_id": row["r_parent"],
                    "key": row["r_key"],
                    "indicator": row["r_text"],
                    "target": row["r_text2"],
                    "due_on": row["r_day"],
                },
            )
        )
    objectives = []
    for row in _ordered(found.get("objective", [])):
        objective = _built(
            Objective,
            {
                "id": row["r_id"],
                "key": row["r_key"],
                "position": row["r_position"],
                "version_id": version.pk,
                "text": row["r_text"],
            },
        )
        # what objective.results.all() gives, without a query (as prefetch_related leaves it)
        objective._prefetched_objects_cache = {"results": _prefetched(objective, results.get(objective.pk, []))}
        objectives.append(objective)
    supports = []
    for row in _ordered(found.get("support", [])):
        support = _built(
            Support,
            {
                "id": row["r_id"],
                "key": row["r_key"],
                "position": row["r_position"],
                "version_id": version.pk,
                "service": row["r_text"],
                "provider_id": row["r_org"],
                "frequency": row["r_text2"],
            },
        )
        support.provider = _organization(row)
        supports.append(support)
    by_id = {support.pk: support for support in supports}
    lines = []
    for row in _ordered(found.get("line", [])):
        line = _built(
            BudgetLine,
            {
                "id": row["r_id"],
                "key": row["r_key"],
                "position": row["r_position"],
                "version_id": version.pk,
                "support_id": row["r_parent"],
                "category": row["r_choice"],
                "description": row["r_text"],
                "amount": row["r_amount"],
            },
        )
        line.support = by_id.get(row["r_parent"])
        lines.append(line)
    commitments = []
    for row in _ordered(found.get("commitment", [])):
        commitment = _built(
            Commitment,
            {
                "id": row["r_id"],
                "key": row["r_key"],
                "position": row["r_position"],
                "version_id": version.pk,
                "party": row["r_choice"],
                "organization_id": row["r_org"],
                "what": row["r_text"],
                "due_on": row["r_day"],
                "is_give_back": row["r_flag"],
                "hours_per_week": row["r_hours_week"],
                "hours_total": row["r_hours_total"],
            },
        )
        commitment.organization = _organization(row)
        commitment.confirmed_minutes = row["r_confirmed"] or 0
        commitment.pending_minutes = row["r_pending"] or 0
        commitments.append(commitment)
    for row in (*parties, *objectives, *supports, *lines, *commitments):
        row.version = version
    return VersionContent(
        version=version,
        parties=parties,
        objectives=objectives,
        supports=supports,
        budget_lines=lines,
        commitments=commitments,
        budget_total=sum((line.amount for line in lines), decimal.Decimal("0.00")),
        give_back=[c for c in commitments if c.is_give_back],
    )


def _prefetched(objective: Objective, rows: list[ExpectedResult]) -> QuerySet[ExpectedResult]:
    """A queryset of the objective's results already filled with `rows` (no query when iterated)."""
    queryset = objective.results.all()
    queryset._result_cache = rows  # type: ignore[attr-defined]
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    for row in rows:
        row.objective = objective
    return queryset


# --- the summaries ----------------------------------------------------------------------------------------------


@dataclass
class BudgetSummary(BudgetFigures):
    """What the pact page says of the budget (`pacts/_pact_budget.html`): the figures of `budget.budget_of`'s
    Budget, from the lines of the version in force and the pact's money figures."""

    pact: Pact
    total: decimal.Decimal
    spent: decimal.Decimal
    pending: decimal.Decimal
    lines: bool  # a line in force, or money spent or awaiting under a line no longer in force


def budget_summary(pact: Any, content: VersionContent) -> BudgetSummary:
    """The budget of `pact` from the content of its version in force and its `money_spent` / `money_pending`."""
    spent, pending = pact.money_spent or ZERO, pact.money_pending or ZERO
    return BudgetSummary(
        pact=pact,
        total=content.budget_total,
        spent=spent,
        pending=pending,
        lines=bool(content.budget_lines) or bool(spent) or bool(pending),
    )


def give_back_span(pact: Any) -> tuple[datetime.date, datetime.date] | None:
    """`giveback.pact_span` from the pact's figures: from the start of its first signed version to the end of the
    version in force."""
    current = pact.current_version
    if current is None:
        return None
    first = pact.first_signed_on
    return (min(first, current.starts_on) if first else current.starts_on), current.ends_on


def give_back_progress(
    content: VersionContent, span: tuple[datetime.date, datetime.date], period: tuple[datetime.date, datetime.date]
) -> list[Progress]:
    """`giveback.progress_since_start` from the rows read with `version_rows(..., give_back_period=period)`."""
    since, until = period
    rows: list[Any] = content.give_back
    return [
        Progress(
            commitment=commitment,
            confirmed_minutes=commitment.confirmed_minutes,
            pending_minutes=commitment.pending_minutes,
            committed_minutes=committed_minutes(commitment, since, until, span),
        )
        for commitment in rows
    ]


# --- reviews and history -------------------------------------------------------------------------------------------


def page_reviews(pact: Pact) -> QuerySet[Review]:
    """The pact's reviews in the order they fall due, with what the page shows of them (their notes are not read)."""
    return Review.objects.filter(pact=pact).only("pact", "due_on", "held_on", "outcome").order_by("due_on", "id")


def page_events(pact: Pact) -> QuerySet[PactEvent]:
    """The pact's history, oldest first, with its actors."""
    return PactEvent.objects.filter(pact=pact).select_related("actor").order_by("created_at", "id")


@dataclass
class PactPage:
    pact: Pact
    version: PactVersion | None
    content: VersionContent | None
    budget: BudgetSummary | None = None
    progress: list[Progress] | None = None
    reviews: list[Review] = field(default_factory=list)
    events: list[PactEvent] = field(default_factory=list)


def pact_page(viewer: Any, network: Network, pk: Any, *, today: datetime.date) -> PactPage:
    """Everything the pact's page shows (see the module's docstring): four queries for a pact with a version in
    force, five for a draft (its newest version), plus the audit's."""
    pact = pact_page_for(viewer, network, pk)
    version = shown_version(pact)
    span = give_back_span(pact)
    period = (span[0], min(today, span[1])) if span else None
    content = version_rows(version, give_back_period=period) if version else None
    page = PactPage(pact=pact, version=version, content=content)
    if content is not None and span is not None and period is not None:
        page.budget = budget_summary(pact, content)
        page.progress = give_back_progress(content, span, period)
    page.reviews = list(page_reviews(pact))
    page.events = list(page_events(pact))
    return page
