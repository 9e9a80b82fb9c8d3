"""Reads of the time bank: a viewer's own accounts and pending transfers, the operators' account list, an
account's statement with its running balance, a transfer, the monthly totals, and the ledger's own check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet, RowRange, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.db.models.lookups import Lookup
from django.http import Http404

from legami.core import smallnumbers
from legami.core.permissions import can
from legami.exchange.capabilities import VIEW_TIME_BANK
from legami.exchange.models import (
    Movement,
    TimeAccount,
    TimeAccountKind,
    Transfer,
    TransferMonth,
    TransferStatus,
)
from legami.exchange.services.timebank import acting_owner_ids, acts_for, counted_months, limits_of, policy_for
from legami.network.models import Network, Organization, Person
from legami.network.selectors.people import search_expression

S = TransferStatus


def _accounts(network: Network) -> QuerySet[TimeAccount]:
    return TimeAccount.objects.filter(network=network).select_related("person", "organization", "network")


def own_accounts(viewer: Any, network: Network) -> list[TimeAccount]:
    """The accounts `viewer` holds themself (their person's, their organisation's), already opened."""
    people, organizations = acting_owner_ids(viewer, network)
    if not people and not organizations:
        return []
    return list(_accounts(network).filter(Q(person_id__in=people) | Q(organization_id__in=organizations)))


def sees_every_account(viewer: Any, network: Network) -> bool:
    """True when `viewer` may read any account of the network (the operators)."""
    return can(viewer, VIEW_TIME_BANK, network)


def get_account_for_user(viewer: Any, network: Network, pk: Any) -> TimeAccount:
    """One account of the network that `viewer` may read (their own, or any for operators), or 404."""
    account = _accounts(network).filter(pk=pk).first()
    if account is None or not (sees_every_account(viewer, network) or acts_for(viewer, account)):
        raise Http404
    return account


SEARCH_WORDS = 5


class _InFirst(Lookup):
    """`column IN (subquery)`, the subquery run once before the rows are read: on PostgreSQL
    `column = ANY(ARRAY(subquery))`, which reads the column's index with the subquery's values."""

    lookup_name = "in_first"  # used as an expression, never registered on a field

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


# pg_trgm finds a word of three letters or more in its index; for a shorter one it would read the whole index.
TRIGRAM = 3


def _names_hold(word: str) -> Q:
    """The account's person's first or last name, or its organisation's name, holds `word` (any case)."""
    return (
        Q(person__first_name__icontains=word)
        | Q(person__last_name__icontains=word)
        | Q(organization__name__icontains=word)
    )


def _named(network: Network, words: list[str]) -> QuerySet[TimeAccount, Any]:
    """The ids of the accounts whose person's first or last name, or whose organisation's name, holds each word.

    The people are narrowed by the registry's search expression, which the trigram index of network's migration
    0004 answers on PostgreSQL instead of reading every person; that expression also holds the e-mail and the
    codice fiscale, so the names then decide: a word found only in an e-mail or a tax code finds no account.
    The people's accounts and the organisations' are a UNION rather than an OR: PostgreSQL plans the IN of an OR
    as if half of the registry would be read, hence a scan of it. The organisations (a few) are read first.
    """
    # No network here: the accounts' is the scope, and without it the trigram index is the people's only way in
    # (with it, PostgreSQL may read a small registry by its network index instead).
    people = Person.objects.alias(_search=search_expression())
    organizations = Organization.objects.filter(network=network)
    for word in words:
        if len(word) >= TRIGRAM:
            people = people.filter(_search__icontains=word)
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        organizations = organizations.filter(name__icontains=word)
    of_people = TimeAccount.objects.filter(network=network, person__in=people.order_by().values("pk"))
    of_organizations = TimeAccount.objects.filter(
        _InFirst(F("organization_id"), Subquery(organizations.order_by().values("pk"))), network=network
    )
    return of_people.order_by().values("pk").union(of_organizations.order_by().values("pk"), all=True)


def accounts_for(network: Network, *, search: str = "", kind: str = "") -> QuerySet[TimeAccount]:
    """The network's accounts for the operators' list, by name and kind, the fund first then by name.

    Each word of `search` (the first five) is in the person's first or last name, or in the organisation's name.
    With a word of three letters or more, the trigram index finds the few people first (`_named`); words all
    shorter than that match most of the list, which one pass over the accounts and their names reads best.
    """
    accounts = _accounts(network)
    if kind:
        accounts = accounts.filter(kind=kind)
    words = search.split()[:SEARCH_WORDS]
    if any(len(word) >= TRIGRAM for word in words):
        accounts = accounts.filter(pk__in=_named(network, words))
    else:
        for word in words:
            accounts = accounts.filter(_names_hold(word))
    return accounts.order_by("-kind", "person__last_name", "person__first_name", "organization__name", "id")


def counterpart_choices(viewer: Any, network: Network, *, search: str = "", exclude: Any = None) -> list[TimeAccount]:
    """The accounts a member may propose hours with (active people's and organisations', not the fund), by name."""
    accounts = accounts_for(network, search=search).filter(is_active=True).exclude(kind=TimeAccountKind.FUND)
    if exclude is not None:
        accounts = accounts.exclude(pk__in=[a.pk for a in exclude])
    return list(accounts[:50])


def statement(account: TimeAccount) -> QuerySet[Movement]:
    """The account's posted movements, newest first, each with the balance after it (`running`), computed in SQL."""
    # The window runs over the movements alone (no join before it: thousands of rows on a busy account); the
    # page's transfers come after, by their ids.
    return (
        Movement.objects.filter(account=account, posted_at__isnull=False)
        .only("id", "transfer_id", "account_id", "minutes", "posted_at")
        .annotate(
            running=Window(
                Sum("minutes"), order_by=[F("posted_at").asc(), F("id").asc()], frame=RowRange(start=None, end=0)
            )
        )
        .prefetch_related(Prefetch("transfer", queryset=Transfer.objects.only("id", "reason", "reverses_id")))
        .order_by("-posted_at", "-id")
    )


class _CountedPaginator(Paginator):
    """A Paginator told its count (the window query need not be counted whole)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:  # type: ignore[override]  # a cached_property on Paginator
        return self._count


def _with_counterparts(movements: list[Movement]) -> list[Movement]:
    """Give each movement `others`: the other accounts of its transfer, loaded in one query for the page."""
    transfer_ids = {m.transfer_id for m in movements}
    legs = (
        Movement.objects.filter(transfer_id__in=transfer_ids)
        .select_related("account__person", "account__organization")
        .order_by("id")
    )
    by_transfer: dict[int, list[Movement]] = {}
    for leg in legs:
        by_transfer.setdefault(leg.transfer_id, []).append(leg)
    for movement in movements:
        movement.others = [  # type: ignore[attr-defined]
            leg.account for leg in by_transfer.get(movement.transfer_id, []) if leg.account_id != movement.account_id
        ]
    return movements


def statement_page(account: TimeAccount, page: Any, per_page: int = 25) -> Any:
    """A page of the account's statement with the counterparts of each movement: three queries whatever the page."""
    count = Movement.objects.filter(account=account, posted_at__isnull=False).count()
    page_obj = _CountedPaginator(statement(account), per_page, count=count).get_page(page)
    page_obj.object_list = _with_counterparts(list(page_obj.object_list))
    return page_obj


def _transfers(network: Network) -> QuerySet[Transfer]:
    legs = Movement.objects.select_related("account__person", "account__organization").order_by("minutes", "id")
    return (
        Transfer.objects.filter(network=network)
        .select_related("network", "proposed_by", "confirmed_by", "proposer_account", "reverses", "match")
        .prefetch_related(Prefetch("legs", queryset=legs))
    )


def may_see_transfer(viewer: Any, transfer: Transfer) -> bool:
    """True when `viewer` is an operator or holds one of the transfer's accounts."""
    if sees_every_account(viewer, transfer.network):
        return True
    return any(acts_for(viewer, leg.account) for leg in transfer.legs.all())


def get_transfer_for_user(viewer: Any, network: Network, pk: Any) -> Transfer:
    """One transfer of the network that `viewer` may read (an operator, or one of its sides), or 404."""
    transfer = _transfers(network).filter(pk=pk).first()
    if transfer is None or not may_see_transfer(viewer, transfer):
        raise Http404
    try:
        transfer.reversal_row = transfer.reversal  # type: ignore[attr-defined]
    except Transfer.reversal.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        transfer.reversal_row = None  # type: ignore[attr-defined]
    return transfer


def transfers_for(network: Network, *, status: str = "", account: TimeAccount | None = None) -> QuerySet[Transfer]:
    """The network's transfers for the operators, newest first, by status and account."""
    transfers = _transfers(network)
    if status:
        transfers = transfers.filter(status=status)
    if account is not None:
        transfers = transfers.filter(legs__account=account)
    return transfers.order_by("-created_at", "-id")


@dataclass
class Pending:
    """A member's proposed transfers: those waiting for them, and those they wait for."""

    to_answer: list[Transfer] = field(default_factory=list)
    waiting: list[Transfer] = field(default_factory=list)


def pending_for(viewer: Any, network: Network, accounts: list[TimeAccount]) -> Pending:
    """The proposed transfers touching `accounts` (the viewer's own): to confirm or refuse, and their own waiting."""
    if not accounts:
        return Pending()
    ids = {a.pk for a in accounts}
    rows = list(
        _transfers(network)
        .filter(status=S.PROPOSED, legs__account_id__in=ids)
        .distinct()
        .order_by("-created_at", "-id")
    )
    pending = Pending()
    for transfer in rows:
        (pending.waiting if transfer.proposer_account_id in ids else pending.to_answer).append(transfer)
    return pending


@dataclass(frozen=True)
class Outlook:
    """What confirming a transfer does to one account: its balance after, and whether it nears or passes a limit."""

    account: TimeAccount
    minutes: int
    after: int
    soft: int | None
    hard: int | None

    @property
    def over(self) -> bool:
        return self.hard is not None and self.minutes < 0 and self.after < -self.hard

    @property
    def near(self) -> bool:
        return not self.over and self.soft is not None and self.minutes < 0 and self.after < -self.soft


def outlook(viewer: Any, transfer: Transfer) -> list[Outlook]:
    """For the confirm page: the balance after the transfer of each account the viewer may read, with its limits."""
    if transfer.status != S.PROPOSED:
        return []
    policy = policy_for(transfer.network)
    every = sees_every_account(viewer, transfer.network)
    found = []
    for leg in transfer.legs.all():
        account = leg.account
        if not (every or acts_for(viewer, account)):
            continue
        limits = limits_of(account, policy)
        found.append(Outlook(account, leg.minutes, account.balance_minutes + leg.minutes, limits.soft, limits.hard))
    return found


@dataclass(frozen=True)
class MonthTotal:
    month: date
    minutes: int | None
    transfers: int | None


def monthly_totals(viewer: Any, network: Network, *, year: int) -> list[MonthTotal]:
    """Hours exchanged per month of `year` (confirmed transfers; reversed ones and their reversals left out).

    Read from the monthly totals the services keep with the ledger (twelve rows at most, whatever the number of
    transfers). A month with fewer than k transfers shows no figure to whoever does not see small numbers.
    """
    rows = (
        TransferMonth.objects.filter(network=network, month__year=year)
        .exclude(transfers=0)
        .values_list("month", "minutes", "transfers")
        .order_by("month")
    )
    limit = smallnumbers.limit_for(viewer, network)
    totals = []
    for month, minutes, transfers in rows:
        hidden = smallnumbers.hidden(transfers, limit)
        totals.append(MonthTotal(month, None if hidden else minutes, None if hidden else transfers))
    return totals


# --- the ledger's own check ---------------------------------------------------------------------------------


@dataclass
class LedgerReport:
    transfers: int = 0
    movements: int = 0
    accounts: int = 0
    balance_sum: int = 0
    problems: list[str] = field(default_factory=list)


def ledger_problems(network: Network) -> LedgerReport:
    """Every discrepancy of the network's ledger, checked in a few aggregate queries: the transfers' legs, the
    balances, and each month whose kept totals (TransferMonth) differ from what its transfers add up to."""
    report = LedgerReport()
    transfers = Transfer.objects.filter(network=network)
    movements = Movement.objects.filter(network=network)
    report.transfers = transfers.count()
    report.movements = movements.count()
    for row in (
        transfers.annotate(total=Coalesce(Sum("legs__minutes"), Value(0)), legs_count=Count("legs"))
        .filter(~Q(total=0) | Q(legs_count__lt=2))
        .values("pk", "total", "legs_count")
        .order_by("pk")
    ):
        report.problems.append(
            f"transfer #{row['pk']}: its {row['legs_count']} legs sum to {row['total']} minutes, not 0"
        )
    posted = (S.CONFIRMED, S.REVERSED)
    for pk in transfers.filter(status__in=posted, legs__posted_at__isnull=True).values_list("pk", flat=True).distinct():
        report.problems.append(f"transfer #{pk}: confirmed, with a leg not posted")
    for pk in (
        transfers.exclude(status__in=posted)
        .filter(legs__posted_at__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    ):
        report.problems.append(f"transfer #{pk}: not confirmed, with a posted leg")
    for pk in (
        movements.filter(~Q(transfer__network=network) | ~Q(account__network=network))
        .values_list("pk", flat=True)
        .order_by("pk")
    ):
        report.problems.append(f"movement #{pk}: its transfer or account is of another network")
    accounts = TimeAccount.objects.filter(network=network).annotate(
        posted=Coalesce(Sum("movements__minutes", filter=Q(movements__posted_at__isnull=False)), Value(0))
    )
    report.accounts = accounts.count()
    for account in (
        accounts.exclude(balance_minutes=F("posted")).values("pk", "balance_minutes", "posted").order_by("pk")
    ):
        report.problems.append(
            f"account #{account['pk']}: balance {account['balance_minutes']} minutes, "
            f"its posted movements sum to {account['posted']}"
        )
    report.balance_sum = int(TimeAccount.objects.filter(network=network).aggregate(s=Sum("balance_minutes"))["s"] or 0)
    if report.balance_sum != 0:
        report.problems.append(f"the network's balances sum to {report.balance_sum} minutes, not 0")
    kept = {
        month: (minutes, transfers)
        for month, minutes, transfers in TransferMonth.objects.filter(network=network).values_list(
            "month", "minutes", "transfers"
        )
    }
    counted = counted_months(network)
    for month in sorted(set(kept) | set(counted)):
        (kept_minutes, kept_count), (minutes, count) = kept.get(month, (0, 0)), counted.get(month, (0, 0))
        if (kept_minutes, kept_count) != (minutes, count):
            report.problems.append(
                f"month {month:%Y-%m}: the monthly totals say {kept_minutes} minutes in {kept_count} transfers, "
                f"the transfers {minutes} minutes in {count}"
            )
    return report
