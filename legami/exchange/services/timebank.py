"""Writes of the time bank (banca del tempo): accounts, transfers and their life, the network's overdraft policy.

A transfer is a set of legs (account, signed minutes) that sum to zero. It is proposed by one side and confirmed
by the other side or by an operator; only a confirmed transfer is posted (its legs get `posted_at` and the
accounts' balances move). Confirming locks the accounts touched in id order (no deadlock between two
confirmations), recomputes their balances and refuses a transfer that would take a payer past its hard limit.
A confirmed transfer is never deleted nor changed: an operator reverses it with a reversal transfer whose legs
negate the original's. The network fund ("fondo ore") issues hours: it has no limit. Posting and reversing also
move the network's monthly totals (TransferMonth), in the same transaction, for the figures page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, DateField, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can, grants, require
from legami.core.roles import Role
from legami.core.validation import max_length_of
from legami.core.workflow import Refusal, Transition, Workflow
from legami.exchange.capabilities import MANAGE_TIME_BANK, SET_TIME_BANK_POLICY, USE_TIME_BANK
from legami.exchange.models import (
    Match,
    Movement,
    TimeAccount,
    TimeAccountKind,
    TimeBankPolicy,
    Transfer,
    TransferEvent,
    TransferMonth,
    TransferStatus,
)
from legami.network.models import Network, Organization, Person

S = TransferStatus

# One transfer moves at most 100 hours per leg: a typing slip ("600" for "6:00") is caught, not posted.
MAX_LEG_MINUTES = 100 * 60

TRANSFER_WORKFLOW = Workflow(
    name="transfer",
    model=Transfer,
    states=TransferStatus,
    history=TransferEvent,
    # Who may act on a transfer depends on its accounts: the services check it (see may_act).
    capability=None,
    refusal=Refusal(_("A transfer cannot go from “%(from)s” to “%(to)s”.")),
    data_class=DataClass.PERSONAL,
    transitions=(
        Transition(S.PROPOSED, S.CONFIRMED, name="confirm", label=_("Confirm")),
        Transition(S.PROPOSED, S.REFUSED, name="refuse", label=_("Refuse")),
        Transition(S.PROPOSED, S.CANCELLED, name="cancel", label=_("Withdraw")),
        Transition(S.CONFIRMED, S.REVERSED, name="reverse", label=_("Reverse"), capability=MANAGE_TIME_BANK),
    ),
)

# --- who acts for which account ----------------------------------------------------------------------------


def acting_owner_ids(user: Any, network: Network) -> tuple[set[int], set[int]]:
    """The ids of the people (linked to `user`) and organisations (partner staff's) `user` acts for in `network`."""
    if user is None or not getattr(user, "is_authenticated", False) or not can(user, USE_TIME_BANK, network):
        return set(), set()
    cache = user.__dict__.setdefault("_legami_time_owners", {})
    if network.pk not in cache:
        people = set(Person.objects.filter(network=network, user=user).values_list("pk", flat=True))
        organizations = {
            g.organization_id
            for g in grants(user, network)
            if g.role == Role.PARTNER_STAFF and g.organization_id is not None
        }
        cache[network.pk] = (people, organizations)
    return cache[network.pk]


def acts_for(user: Any, account: TimeAccount) -> bool:
    """True when `user` holds `account` themself: their own person's, or their organisation's as partner staff."""
    people, organizations = acting_owner_ids(user, account.network)
    if account.kind == TimeAccountKind.PERSON:
        return account.person_id in people
    if account.kind == TimeAccountKind.ORGANIZATION:
        return account.organization_id in organizations
    return False


def is_operator(user: Any, network: Network) -> bool:
    """True when `user` may act on any account of `network` (confirm for others, reverse, use the fund)."""
    return can(user, MANAGE_TIME_BANK, network)


def _legs_of(transfer: Transfer) -> list[Movement]:
    cached = getattr(transfer, "_prefetched_objects_cache", {}).get("legs")
    if cached is not None:
        return list(cached)
    return list(transfer.legs.select_related("account__network"))


def other_side(transfer: Transfer) -> list[TimeAccount]:
    """The accounts that must agree to a proposed transfer: every account but the proposer's."""
    return [leg.account for leg in _legs_of(transfer) if leg.account_id != transfer.proposer_account_id]


def may_act(user: Any, transfer: Transfer, action: str) -> bool:
    """Whether `user` may take `action` (confirm, refuse, cancel, reverse) on `transfer`, whatever its state."""
    network = transfer.network
    if is_operator(user, network):
        return True
    if action == "reverse" or not can(user, USE_TIME_BANK, network):
        return False
    if action == "cancel":
        if transfer.proposer_account_id is None:
            return False
        proposer = next(leg.account for leg in _legs_of(transfer) if leg.account_id == transfer.proposer_account_id)
        return acts_for(user, proposer)
    # confirm and refuse: the other side, every account of it
    accounts = other_side(transfer)
    return bool(accounts) and all(acts_for(user, account) for account in accounts)


def available_actions(user: Any, transfer: Transfer) -> list[Transition]:
    """The transitions `user` may take on `transfer` now (the page's buttons)."""
    return [t for t in TRANSFER_WORKFLOW.available(transfer, user) if may_act(user, transfer, t.name)]


# --- accounts and the policy --------------------------------------------------------------------------------


def account_for(
    *, network: Network, person: Person | None = None, organization: Organization | None = None
) -> TimeAccount:
    """The account of `person` or `organization` (or the network fund with neither), opened on first use."""
    if person is not None and organization is not None:
        raise ValueError("An account is a person's or an organisation's, not both.")
    owner = person or organization
    if owner is not None and owner.network_id != network.pk:
        raise ValidationError(gettext("This is not one of the network's people or organisations."), code="invalid")
    if person is not None:
        lookup: dict[str, Any] = {"kind": TimeAccountKind.PERSON, "person": person}
    elif organization is not None:
        lookup = {"kind": TimeAccountKind.ORGANIZATION, "organization": organization}
    else:
        lookup = {"kind": TimeAccountKind.FUND}
    account = TimeAccount.objects.filter(network=network, **lookup).first()
    if account is not None:
        return account
    # Two first uses at once: the unique constraints let one insert win; the other reads the winner's row.
    try:
        with transaction.atomic():
            return TimeAccount.objects.create(network=network, **lookup)
    except IntegrityError:
        return TimeAccount.objects.get(network=network, **lookup)


def fund_for(network: Network) -> TimeAccount:
    """The network's hours fund, opened on first use."""
    return account_for(network=network)


def policy_for(network: Network) -> TimeBankPolicy:
    """The network's time bank policy (the defaults, not saved, until a coordinator sets one)."""
    return TimeBankPolicy.objects.filter(network=network).first() or TimeBankPolicy(network=network)


@dataclass(frozen=True)
class Limits:
    """How far below zero an account may go: a warning past `soft`, a refusal past `hard` (None: no limit)."""

    soft: int | None
    hard: int | None


def limits_of(account: TimeAccount, policy: TimeBankPolicy) -> Limits:
    """The soft and hard limits of `account` under `policy` (the fund has none)."""
    if account.kind == TimeAccountKind.FUND:
        return Limits(None, None)
    hard = account.overdraft_limit_minutes if account.overdraft_limit_minutes is not None else policy.hard_limit_minutes
    return Limits(min(policy.soft_limit_minutes, hard), hard)


def hours_label(minutes: int) -> str:
    """Minutes as the pages write them: "-9:30 h"."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(int(minutes)), 60)
    return f"{sign}{hours}:{rest:02d} h"


def over_limit_error(account: TimeAccount, after: int, hard: int) -> ValidationError:
    """The refusal of a transfer that would take `account` past its hard limit."""
    return ValidationError(
        gettext("After this transfer %(account)s would have %(balance)s, past the limit of %(limit)s."),
        code="over_limit",
        params={"account": str(account), "balance": hours_label(after), "limit": hours_label(-hard)},
    )


POLICY_INPUTS = inputs.Rules(
    {
        "soft_limit_minutes": inputs.Minutes(
            required=True,
            min_value=0,
            max_value=1000 * 60,
            messages={"required": _("Give the balance below zero at which people are warned.")},
        ),
        "hard_limit_minutes": inputs.Minutes(
            required=True,
            min_value=0,
            max_value=1000 * 60,
            messages={"required": _("Give the balance below zero past which transfers are refused.")},
        ),
    },
    checks=(
        inputs.described(
            lambda ctx: (
                ctx.add_error("soft_limit_minutes", gettext("The warning comes before the limit."), "soft_after_hard")
                if ctx.ok("soft_limit_minutes", "hard_limit_minutes")
                and (ctx.value("soft_limit_minutes") or 0) > (ctx.value("hard_limit_minutes") or 0)
                else None
            ),
            "soft_limit_minutes",
            "soft_after_hard",
            _("The warning comes before the limit."),
        ),
    ),
)

POLICY_FIELDS = ("soft_limit_minutes", "hard_limit_minutes")


@transaction.atomic
def set_policy(*, actor: Any, network: Network, data: dict[str, Any]) -> TimeBankPolicy:
    """Set the network's overdraft warning and limit (minutes below zero)."""
    require(actor, SET_TIME_BANK_POLICY, network)
    values = POLICY_INPUTS.clean(data, network=network, actor=actor)
    policy = TimeBankPolicy.objects.select_for_update().filter(network=network).first()
    before = snapshot(policy, POLICY_FIELDS) if policy else None
    if policy is None:
        policy = TimeBankPolicy(network=network)
    for name, value in values.items():
        setattr(policy, name, value)
    policy.updated_by = actor
    policy.save()
    action = AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE
    record_event(actor=actor, action=action, obj=policy, before=before, after=snapshot(policy, POLICY_FIELDS))
    return policy


@transaction.atomic
def open_account(
    *, actor: Any, network: Network, person: Person | None = None, organization: Organization | None = None
) -> TimeAccount:
    """Open (or find) the hours account of a person or an organisation of the network, for an operator."""
    require(actor, MANAGE_TIME_BANK, network)
    if (person is None) == (organization is None):
        raise ValidationError(gettext("Choose a person or an organisation."), code="owner_required")
    existed = TimeAccount.objects.filter(network=network, person=person, organization=organization).exists()
    account = account_for(network=network, person=person, organization=organization)
    if not existed:
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=account,
            after=snapshot(account, ("kind", "person", "organization")),
            data_class=DataClass.PERSONAL,
        )
    return account


# --- transfers ---------------------------------------------------------------------------------------------


def _check_legs(network: Network, legs: Sequence[tuple[TimeAccount, int]]) -> list[tuple[TimeAccount, int]]:
    """The legs, checked: two or more, distinct active accounts of the network, whole minutes summing to zero."""
    cleaned: list[tuple[TimeAccount, int]] = []
    seen: set[int] = set()
    for account, minutes in legs:
        if not isinstance(account, TimeAccount) or account.network_id != network.pk:
            raise ValidationError(gettext("Choose accounts of the network."), code="invalid_account")
        if not account.is_active:
            raise ValidationError(
                gettext("The account of %(account)s is closed."), code="inactive_account", params={"account": account}
            )
        if account.pk in seen:
            raise ValidationError(gettext("An account appears twice in the transfer."), code="duplicate_account")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes == 0:
            raise ValidationError(gettext("Each leg moves a whole number of minutes."), code="invalid_minutes")
        if abs(minutes) > MAX_LEG_MINUTES and account.kind != TimeAccountKind.FUND:
            raise ValidationError(
                gettext("One transfer moves at most %(hours)s hours for each account."),
                code="too_many_minutes",
                params={"hours": MAX_LEG_MINUTES // 60},
            )
        seen.add(account.pk)
        cleaned.append((account, minutes))
    if len(cleaned) < 2:
        raise ValidationError(gettext("A transfer moves hours between at least two accounts."), code="too_few_legs")
    if sum(minutes for _account, minutes in cleaned) != 0:
        raise ValidationError(gettext("The hours given and received do not add up."), code="unbalanced")
    if not any(m < 0 for _a, m in cleaned) or not any(m > 0 for _a, m in cleaned):
        raise ValidationError(gettext("A transfer needs someone who gives and someone who receives."), code="one_sided")
    return cleaned


REASON = inputs.Text(
    required=True,
    max_length=max_length_of(Transfer, "reason"),
    messages={"required": _("Say what the hours were for.")},
)
REASON_INPUTS = inputs.Rules({"reason": REASON})


def _post(transfer: Transfer, legs: list[Movement], *, check_limits: bool, now: Any) -> None:
    """Post `legs` of `transfer`: lock their accounts in id order, check the payers' limits, move the balances."""
    accounts = {
        a.pk: a
        # NO KEY UPDATE: the legs just inserted (here or by a concurrent transfer) hold KEY SHARE locks on their
        # accounts, which a plain FOR UPDATE would wait on (and deadlock); the balance is no key.
        for a in TimeAccount.objects.select_for_update(no_key=True)
        .filter(pk__in=[leg.account_id for leg in legs])
        .order_by("pk")
    }
    policy = policy_for(transfer.network) if check_limits else None
    for leg in legs:
        account = accounts[leg.account_id]
        after = account.balance_minutes + leg.minutes
        if policy is not None and leg.minutes < 0:
            hard = limits_of(account, policy).hard
            if hard is not None and after < -hard:
                raise over_limit_error(account, after, hard)
        account.balance_minutes = after
    for account in accounts.values():
        account.save(update_fields=["balance_minutes", "updated_at"])
    Movement.objects.filter(pk__in=[leg.pk for leg in legs]).update(posted_at=now)
    _count_in_month(transfer, now)


# --- the monthly totals -------------------------------------------------------------------------------------


def month_of(moment: datetime) -> date:
    """The first day of the month of `moment` in the site's time zone (the figures' months)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date().replace(day=1)


def _count_in_month(transfer: Transfer, now: Any) -> None:
    """Move the monthly totals for `transfer`, just posted: a transfer adds to its month, a reversal takes the
    transfer it reverses out of that one's month (a reversal of a reversal changes nothing: neither counts)."""
    if transfer.reverses_id is None:
        _add_to_month(transfer.network_id, month_of(now), transfer.total_minutes, 1)
    else:
        original = transfer.reverses
        # a reversal always reverses a posted transfer (the reversal service posts both at once)
        if original is not None and original.posted_at is not None and original.reverses_id is None:
            _add_to_month(original.network_id, month_of(original.posted_at), -original.total_minutes, -1)


def _add_to_month(network_id: int, month: date, minutes: int, transfers: int) -> None:
    """Add to a month's totals in place (F() increments: concurrent posts add up, none is lost)."""
    row = TransferMonth.objects.filter(network_id=network_id, month=month)
    change = {"minutes": F("minutes") + minutes, "transfers": F("transfers") + transfers}
    if not row.update(**change):
        # The month's first transfer. Two at once: one insert wins, the other waits for it to commit and inserts
        # nothing (ON CONFLICT DO NOTHING); then each adds its own to the one row.
        TransferMonth.objects.bulk_create([TransferMonth(network_id=network_id, month=month)], ignore_conflicts=True)
        row.update(**change)


def counted_months(network: Network) -> dict[date, tuple[int, int]]:
    """What the transfers themselves say, month by month: (minutes, transfers) of the confirmed transfers that are
    no reversals, by the month they were posted. One aggregate over the whole ledger: for the check and the rebuild.
    """
    month = TruncMonth("posted_at", output_field=DateField(), tzinfo=timezone.get_default_timezone())
    rows = (
        Transfer.objects.filter(network=network, status=S.CONFIRMED, reverses__isnull=True)
        .annotate(month=month)
        .values("month")
        .annotate(minutes=Sum("total_minutes"), transfers=Count("id"))
        .order_by("month")
    )
    return {row["month"]: (int(row["minutes"]), int(row["transfers"])) for row in rows}


@transaction.atomic
def rebuild_monthly_totals(*, network: Network) -> int:
    """Recompute the network's monthly totals from its transfers; returns how many months hold transfers.

    For transfers written without the services (the benchmark's SQL seeding, the demo's back-dated year) and to
    repair a month `check_ledger` reports. It changes no transfer, only the totals derived from them, so it asks
    for no actor. Safe while transfers are being posted: on PostgreSQL it first locks the totals' table against
    writes (EXCLUSIVE: reads go on), so a post either committed before the count, and is in it, or adds to the
    rebuilt rows after it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(TransferMonth._meta.db_table)} IN EXCLUSIVE MODE")
    TransferMonth.objects.filter(network=network).delete()
    months = counted_months(network)
    TransferMonth.objects.bulk_create(
        [TransferMonth(network=network, month=m, minutes=minutes, transfers=n) for m, (minutes, n) in months.items()]
    )
    return len(months)


def _audit_after(transfer: Transfer, legs: Sequence[Movement]) -> dict[str, Any]:
    return {
        "status": transfer.status,
        "total_minutes": transfer.total_minutes,
        "legs": [[leg.account_id, leg.minutes] for leg in legs],
    }


def propose_transfer(
    *,
    actor: Any,
    network: Network,
    legs: Sequence[tuple[TimeAccount, int]],
    reason: str,
    match: Match | None = None,
    confirm: bool = False,
    on_behalf_of: TimeAccount | None = None,
) -> Transfer:
    """Propose a transfer of `legs` (account, signed minutes; they sum to zero); `confirm` posts it at once.

    A member proposes between their own account (or `on_behalf_of`, one they act for) and one other account;
    the other side confirms. An operator may propose any legs, the fund's included, and confirm at once
    (`confirm=True`: the activities crediting volunteers' hours from the fund call it so).
    """
    operator = is_operator(actor, network)
    if not operator:
        require(actor, USE_TIME_BANK, network)
    values = REASON_INPUTS.clean({"reason": reason}, network=network, actor=actor)
    cleaned = _check_legs(network, legs)
    if match is not None and match.network_id != network.pk:
        raise ValidationError({"match": [ValidationError(gettext("Choose a match of the network."), code="invalid")]})
    if confirm and not operator:
        raise PermissionDenied(MANAGE_TIME_BANK)
    proposer: TimeAccount | None = None
    if on_behalf_of is not None:
        if not any(a.pk == on_behalf_of.pk for a, _m in cleaned):
            raise ValidationError(gettext("The proposer's account is not in the transfer."), code="invalid_account")
        if not operator and not acts_for(actor, on_behalf_of):
            raise PermissionDenied(USE_TIME_BANK)
        proposer = on_behalf_of
    elif not operator:
        own = [a for a, _m in cleaned if acts_for(actor, a)]
        if len(own) != 1:
            raise PermissionDenied(USE_TIME_BANK)
        proposer = own[0]
    if not operator:
        if len(cleaned) != 2:
            raise ValidationError(gettext("Propose hours with one account at a time."), code="too_many_legs")
        if any(a.kind == TimeAccountKind.FUND for a, _m in cleaned):
            raise PermissionDenied(MANAGE_TIME_BANK)
    with transaction.atomic():
        now = timezone.now()
        transfer = Transfer.objects.create(
            network=network,
            status=S.PROPOSED,
            reason=values["reason"],
            total_minutes=sum(m for _a, m in cleaned if m > 0),
            match=match,
            proposed_by=actor if getattr(actor, "is_authenticated", False) else None,
            proposer_account=proposer,
        )
        movements = Movement.objects.bulk_create(
            [Movement(network=network, transfer=transfer, account=a, minutes=m) for a, m in cleaned]
        )
        if confirm:
            # The accounts are locked before the audit chain's head (as confirm_transfer does): one order, no deadlock.
            _post(transfer, movements, check_limits=True, now=now)
        TRANSFER_WORKFLOW.record(transfer, actor=actor, from_state="")
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=transfer,
            after=_audit_after(transfer, movements),
            data_class=DataClass.PERSONAL,
        )
        if confirm:
            transfer = TRANSFER_WORKFLOW.apply(
                transfer,
                S.CONFIRMED,
                actor=actor,
                lock=False,
                check_capability=False,
                changes={"posted_at": now, "confirmed_by": transfer.proposed_by},
            )
    return transfer


def propose_with(
    *,
    actor: Any,
    network: Network,
    account: TimeAccount,
    counterpart: TimeAccount,
    minutes: int,
    gives: bool,
    reason: str,
    match: Match | None = None,
) -> Transfer:
    """Propose a two-sided transfer from `account`: it gives `minutes` to `counterpart`, or asks them of it."""
    signed = -minutes if gives else minutes
    return propose_transfer(
        actor=actor,
        network=network,
        legs=[(account, signed), (counterpart, -signed)],
        reason=reason,
        match=match,
        on_behalf_of=account,
    )


def _locked(transfer: Transfer, to_state: str) -> Transfer:
    row = TRANSFER_WORKFLOW.lock(transfer)
    TRANSFER_WORKFLOW.check(row, to_state)
    return row


def _require_may(actor: Any, transfer: Transfer, action: str) -> None:
    if not may_act(actor, transfer, action):
        raise PermissionDenied(USE_TIME_BANK)


@transaction.atomic
def confirm_transfer(*, actor: Any, transfer: Transfer, note: str = "") -> Transfer:
    """Confirm a proposed transfer (the other side, or an operator): post it unless a payer would pass the limit."""
    row = _locked(transfer, S.CONFIRMED)
    _require_may(actor, row, "confirm")
    legs = list(row.legs.all())
    now = timezone.now()
    _post(row, legs, check_limits=True, now=now)
    return TRANSFER_WORKFLOW.apply(
        row,
        S.CONFIRMED,
        actor=actor,
        note=note,
        lock=False,
        check_capability=False,
        changes={"posted_at": now, "confirmed_by": actor if getattr(actor, "is_authenticated", False) else None},
    )


@transaction.atomic
def refuse_transfer(*, actor: Any, transfer: Transfer, note: str = "") -> Transfer:
    """Refuse a transfer proposed to you (or, as an operator, to someone): nothing is posted."""
    row = _locked(transfer, S.REFUSED)
    _require_may(actor, row, "refuse")
    return TRANSFER_WORKFLOW.apply(row, S.REFUSED, actor=actor, note=note, lock=False, check_capability=False)


@transaction.atomic
def cancel_transfer(*, actor: Any, transfer: Transfer, note: str = "") -> Transfer:
    """Withdraw a transfer you proposed before the other side confirms it: nothing is posted."""
    row = _locked(transfer, S.CANCELLED)
    _require_may(actor, row, "cancel")
    return TRANSFER_WORKFLOW.apply(row, S.CANCELLED, actor=actor, note=note, lock=False, check_capability=False)


@transaction.atomic
def reverse_transfer(*, actor: Any, transfer: Transfer, reason: str) -> Transfer:
    """Undo a confirmed transfer (an operator): a reversal transfer, posted at once, negates each leg; returns it.

    A reversal restores the balances as they were before the mistake, so it is posted whatever the limits.
    """
    network = transfer.network
    require(actor, MANAGE_TIME_BANK, network)
    values = REASON_INPUTS.clean({"reason": reason}, network=network, actor=actor)
    row = _locked(transfer, S.REVERSED)
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    reversal = Transfer.objects.create(
        network=network,
        status=S.CONFIRMED,
        reason=values["reason"],
        total_minutes=row.total_minutes,
        match=row.match,
        proposed_by=user,
        confirmed_by=user,
        posted_at=now,
        reverses=row,
    )
    movements = Movement.objects.bulk_create(
        [
            Movement(network=network, transfer=reversal, account_id=leg.account_id, minutes=-leg.minutes)
            for leg in row.legs.all().order_by("id")
        ]
    )
    _post(reversal, movements, check_limits=False, now=now)
    TRANSFER_WORKFLOW.record(
        reversal, actor=actor, from_state="", to_state=S.CONFIRMED, note=gettext("Reversal of #%(pk)s") % {"pk": row.pk}
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=reversal,
        after=_audit_after(reversal, movements),
        data_class=DataClass.PERSONAL,
    )
    TRANSFER_WORKFLOW.apply(row, S.REVERSED, actor=actor, note=values["reason"], lock=False)
    return reversal


# --- the writes of the pages and the API, from plain data ---------------------------------------------------


def _open_counterparts(queryset: Any, network: Any) -> Any:
    return queryset.filter(network=network).exclude(kind=TimeAccountKind.FUND)


MINUTES = inputs.Minutes(
    required=True,
    min_value=1,
    max_value=MAX_LEG_MINUTES,
    messages={"required": _("Say how many hours, such as 1:30 or 1,5 h.")},
)

PROPOSE_INPUTS = inputs.Rules(
    {
        "counterpart": inputs.Lookup(
            TimeAccount,
            scope=_open_counterparts,
            required=True,
            usable=lambda account: account.is_active,
            messages={
                "required": _("Choose who the hours are with."),
                "invalid_choice": _("Choose a person or an organisation of the time bank."),
                "inactive": _("This account is closed."),
            },
        ),
        "gives": inputs.Boolean(default=True),
        "minutes": MINUTES,
        "reason": REASON,
    }
)


def propose_from(*, actor: Any, network: Network, account: TimeAccount, data: dict[str, Any]) -> Transfer:
    """Propose hours from one's own `account` with one counterpart (pages, API): counterpart, gives, minutes, reason."""
    values = PROPOSE_INPUTS.clean(data, network=network, actor=actor)
    if values["counterpart"].pk == account.pk:
        raise ValidationError(
            {"counterpart": [ValidationError(gettext("Choose someone else than yourself."), code="self")]}
        )
    return propose_with(
        actor=actor,
        network=network,
        account=account,
        counterpart=values["counterpart"],
        minutes=values["minutes"],
        gives=values["gives"],
        reason=values["reason"],
    )


def _one_side_single(ctx: inputs.Context) -> None:
    """One giver and several receivers, several givers and one receiver, or one of each; never an account twice."""
    givers, receivers = ctx.value("givers") or [], ctx.value("receivers") or []
    if not ctx.ok("givers", "receivers") or not givers or not receivers:
        return
    if len(givers) > 1 and len(receivers) > 1:
        ctx.add_error("receivers", gettext("With several givers, choose one receiver."), "many_to_many")
    elif {a.pk for a in givers} & {a.pk for a in receivers}:
        ctx.add_error("receivers", gettext("An account cannot give and receive in the same transfer."), "both_sides")


RECORD_INPUTS = inputs.Rules(
    {
        "givers": inputs.LookupMany(
            TimeAccount, required=True, messages={"required": _("Choose who gives the hours.")}
        ),
        "receivers": inputs.LookupMany(
            TimeAccount, required=True, messages={"required": _("Choose who receives the hours.")}
        ),
        "minutes": MINUTES,
        "reason": REASON,
        "confirm": inputs.Boolean(default=True),
    },
    checks=(
        inputs.described(
            _one_side_single,
            "receivers",
            "many_to_many",
            _("One giver and several receivers, several givers and one receiver, or one of each."),
        ),
    ),
)


def record_transfer(*, actor: Any, network: Network, data: dict[str, Any]) -> Transfer:
    """An operator's transfer: one giver to each receiver, or each giver to one receiver, `minutes` each."""
    require(actor, MANAGE_TIME_BANK, network)
    values = RECORD_INPUTS.clean(data, network=network, actor=actor)
    givers, receivers, minutes = values["givers"], values["receivers"], values["minutes"]
    if len(givers) == 1:
        legs = [(givers[0], -minutes * len(receivers)), *[(r, minutes) for r in receivers]]
    else:
        legs = [*[(g, -minutes) for g in givers], (receivers[0], minutes * len(givers))]
    return propose_transfer(actor=actor, network=network, legs=legs, reason=values["reason"], confirm=values["confirm"])
