"""Pages of the time bank: my hours account, proposing hours, a transfer and its steps, the operators' accounts
and transfers, an account's statement, recording group transfers, the policy and the monthly totals."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.pagination import COUNT_AT_MOST, CountedPaginator
from legami.core.permissions import can
from legami.exchange.capabilities import (
    MANAGE_TIME_BANK,
    SET_TIME_BANK_POLICY,
    USE_TIME_BANK,
    VIEW_TIME_BANK,
    VIEW_TIME_BANK_FIGURES,
)
from legami.exchange.forms.timebank import (
    AccountFilterForm,
    NoteForm,
    OpenAccountForm,
    PolicyForm,
    ProposeForm,
    RecordForm,
    ReverseForm,
    SearchForm,
)
from legami.exchange.models import TimeAccount, Transfer, TransferStatus
from legami.exchange.selectors import timebank as selectors
from legami.exchange.services import timebank as services
from legami.network.models import Network, Organization, Person

NAV = "timebank"
NAV_ACCOUNTS = "timebank_accounts"
NAV_FIGURES = "timebank_figures"

MOVES = {"confirm", "refuse", "cancel", "reverse"}


def _search(request: HttpRequest) -> str:
    form = SearchForm(request.GET)
    return form.cleaned_data["q"].strip() if form.is_valid() else ""


@require_GET
@network_view(USE_TIME_BANK)
def my_account(request: HttpRequest, network: Network) -> HttpResponse:
    """Il mio conto ore: the balance of each of one's accounts, the pending transfers and the statement."""
    own = selectors.own_accounts(request.user, network)
    chosen = own[0] if own else None
    if own and request.GET.get("account"):
        chosen = next((a for a in own if str(a.pk) == request.GET["account"]), chosen)
    people, organizations = services.acting_owner_ids(request.user, network)
    context = {
        "nav": NAV,
        "own": own,
        "account": chosen,
        "page_obj": selectors.statement_page(chosen, request.GET.get("page")) if chosen else None,
        "pending": selectors.pending_for(request.user, network, own),
        "holds_nothing": not people and not organizations,
        "sees_all": selectors.sees_every_account(request.user, network),
    }
    return render(request, "exchange/timebank/mine.html", context)


def _own_for_proposal(request: HttpRequest, network: Network) -> list[TimeAccount]:
    """The viewer's accounts, the person's opened on first use."""
    people, organizations = services.acting_owner_ids(request.user, network)
    for person in Person.objects.filter(pk__in=people):
        services.account_for(network=network, person=person)
    for organization in Organization.objects.filter(pk__in=organizations, network=network):
        services.account_for(network=network, organization=organization)
    return selectors.own_accounts(request.user, network)


@require_http_methods(["GET", "POST"])
@network_view(USE_TIME_BANK)
def propose(request: HttpRequest, network: Network) -> HttpResponse:
    """Propose hours given or received with someone of the time bank; the other side confirms."""
    people, organizations = services.acting_owner_ids(request.user, network)
    if not people and not organizations:
        return render(request, "exchange/timebank/no_account.html", {"nav": NAV})
    own = (
        _own_for_proposal(request, network)
        if request.method == "POST"
        else selectors.own_accounts(request.user, network)
    )
    search = _search(request)
    counterparts = selectors.counterpart_choices(request.user, network, search=search, exclude=own)
    if request.method == "POST" and request.POST.get("counterpart"):
        # the chosen one may be outside the list the search shows now
        extra = (
            TimeAccount.objects.filter(network=network, pk=request.POST["counterpart"]).exclude(
                pk__in=[a.pk for a in counterparts]
            )
            if request.POST["counterpart"].isdigit()
            else []
        )
        counterparts = [*counterparts, *extra]
    form = ProposeForm(request.POST if request.method == "POST" else None, own=own, counterparts=counterparts)
    if request.method == "POST" and form.is_valid():
        account = form.cleaned_data["account"] or (own[0] if len(own) == 1 else None)
        try:
            if account is None:
                raise ValidationError({"account": [ValidationError(_("Choose your account."), code="required")]})
            transfer = services.propose_from(
                actor=request.user, network=network, account=account, data=form.service_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The hours were proposed: they count once the other side confirms."))
            return redirect("exchange:timebank_transfer", network.slug, transfer.pk)
    context = {"nav": NAV, "form": form, "search": search, "own": own}
    return render(request, "exchange/timebank/propose.html", context, status=400 if form.errors else 200)


@require_GET
@network_view(USE_TIME_BANK)
def transfer_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A transfer: its legs, its status, what the viewer may do with it, and its history."""
    transfer = selectors.get_transfer_for_user(request.user, network, pk)
    context = {
        "nav": NAV,
        "transfer": transfer,
        "legs": list(transfer.legs.all()),
        "actions": services.available_actions(request.user, transfer),
        "events": transfer.events.select_related("actor"),
        "sees_all": selectors.sees_every_account(request.user, network),
    }
    return render(request, "exchange/timebank/transfer.html", context)


@require_http_methods(["GET", "POST"])
@network_view(USE_TIME_BANK)
def transfer_move(request: HttpRequest, network: Network, pk: int, transition: str) -> HttpResponse:
    """Confirm, refuse, withdraw or reverse a transfer: GET shows what it will do (and the limits), POST acts."""
    if transition not in MOVES:
        raise Http404
    transfer = selectors.get_transfer_for_user(request.user, network, pk)
    if not services.may_act(request.user, transfer, transition):
        raise PermissionDenied(USE_TIME_BANK)
    step = next(t for t in services.TRANSFER_WORKFLOW.transitions if t.name == transition)
    form: Any = (
        ReverseForm(request.POST if request.method == "POST" else None)
        if transition == "reverse"
        else NoteForm(request.POST if request.method == "POST" else None)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if transition == "reverse":
                services.reverse_transfer(actor=request.user, transfer=transfer, reason=form.cleaned_data["reason"])
            else:
                action = {
                    "confirm": services.confirm_transfer,
                    "refuse": services.refuse_transfer,
                    "cancel": services.cancel_transfer,
                }[transition]
                action(actor=request.user, transfer=transfer, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                {
                    "confirm": _("The transfer was confirmed: the balances have changed."),
                    "refuse": _("The transfer was refused."),
                    "cancel": _("The proposal was withdrawn."),
                    "reverse": _("The transfer was reversed: a reversal entry restores the balances."),
                }[transition],
            )
            return redirect("exchange:timebank_transfer", network.slug, transfer.pk)
    context = {
        "nav": NAV,
        "transfer": transfer,
        "legs": list(transfer.legs.all()),
        "step": step,
        "transition": transition,
        "form": form,
        "possible": transfer.status in step.sources,
        "outlook": selectors.outlook(request.user, transfer) if transition == "confirm" else [],
    }
    return render(request, "exchange/timebank/move.html", context, status=400 if form.errors else 200)


@require_GET
@network_view(VIEW_TIME_BANK)
def account_list(request: HttpRequest, network: Network) -> HttpResponse:
    """Every account of the network, by name and kind, paginated (operators)."""
    form = AccountFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    search, kind = (data.get("q") or "").strip(), data.get("kind") or ""
    accounts = selectors.accounts_for(network, search=search, kind=kind)
    paginator = CountedPaginator(accounts, settings.LEGAMI_PAGE_SIZE, counted_by=accounts.order_by())
    context = {
        "nav": NAV_ACCOUNTS,
        "form": form,
        "page_obj": paginator.get_page(request.GET.get("page")),
        "filtered": bool(search or kind),
        "can_manage": can(request.user, MANAGE_TIME_BANK, network),
        "can_set_policy": can(request.user, SET_TIME_BANK_POLICY, network),
        "policy": services.policy_for(network),
    }
    return render(request, "exchange/timebank/accounts.html", context)


@require_GET
@network_view(USE_TIME_BANK)
def account_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """An account's statement with its running balance, newest first (its holder, or the operators)."""
    account = selectors.get_account_for_user(request.user, network, pk)
    policy = services.policy_for(network)
    context = {
        "nav": NAV_ACCOUNTS if selectors.sees_every_account(request.user, network) else NAV,
        "account": account,
        "limits": services.limits_of(account, policy),
        "page_obj": selectors.statement_page(account, request.GET.get("page")),
    }
    return render(request, "exchange/timebank/account.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_TIME_BANK)
def account_open(request: HttpRequest, network: Network) -> HttpResponse:
    """Open the hours account of a person of the registry or of an organisation (operators)."""
    search = _search(request)
    people = Person.objects.filter(network=network, anonymised_at__isnull=True)
    if search:
        for word in search.split()[:3]:
            people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    posted = request.POST.get("person", "")
    shown = list(people.order_by("last_name", "first_name", "id").values_list("pk", flat=True)[:50])
    if posted.isdigit():
        shown.append(int(posted))
    form = OpenAccountForm(
        request.POST if request.method == "POST" else None,
        people=Person.objects.filter(network=network, pk__in=shown).order_by("last_name", "first_name"),
        organizations=Organization.objects.filter(network=network).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = services.open_account(
                actor=request.user,
                network=network,
                person=form.cleaned_data["person"],
                organization=form.cleaned_data["organization"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The account is open."))
            return redirect("exchange:timebank_account", network.slug, account.pk)
    context = {"nav": NAV_ACCOUNTS, "form": form, "search": search}
    return render(request, "exchange/timebank/open.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_TIME_BANK)
def record(request: HttpRequest, network: Network) -> HttpResponse:
    """An operator's transfer: the fund credits volunteers, participants pay a volunteer, or one account another."""
    search = _search(request)
    services.fund_for(network)
    accounts = list(selectors.accounts_for(network, search=search).filter(is_active=True)[:200])
    posted = [v for v in request.POST.getlist("givers") + request.POST.getlist("receivers") if v.isdigit()]
    if posted:
        known = {a.pk for a in accounts}
        accounts += list(selectors.accounts_for(network).filter(pk__in=[int(v) for v in posted]).exclude(pk__in=known))
    form = RecordForm(request.POST if request.method == "POST" else None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.record_transfer(actor=request.user, network=network, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The transfer was recorded."))
            return redirect("exchange:timebank_transfer", network.slug, transfer.pk)
    context = {"nav": NAV_ACCOUNTS, "form": form, "search": search}
    return render(request, "exchange/timebank/record.html", context, status=400 if form.errors else 200)


@require_GET
@network_view(VIEW_TIME_BANK)
def transfer_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's transfers, newest first, by status (operators: the proposals to confirm for someone)."""
    status = request.GET.get("status", "")
    if status not in TransferStatus.values:
        status = ""
    transfers = selectors.transfers_for(network, status=status)
    counted = Transfer.objects.filter(network=network, **({"status": status} if status else {}))
    paginator = CountedPaginator(transfers, settings.LEGAMI_PAGE_SIZE, counted_by=counted, at_most=COUNT_AT_MOST)
    context = {
        "nav": NAV_ACCOUNTS,
        "status": status,
        "statuses": TransferStatus.choices,
        "page_obj": paginator.get_page(request.GET.get("page")),
    }
    return render(request, "exchange/timebank/transfers.html", context)


@require_http_methods(["GET", "POST"])
@network_view(SET_TIME_BANK_POLICY)
def policy(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's overdraft warning and limit (the coordinator)."""
    current = services.policy_for(network)
    initial = {
        "soft_limit_minutes": services.hours_label(current.soft_limit_minutes).removesuffix(" h"),
        "hard_limit_minutes": services.hours_label(current.hard_limit_minutes).removesuffix(" h"),
    }
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_policy(actor=request.user, network=network, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The time bank's limits were saved."))
            return redirect("exchange:timebank_accounts", network.slug)
    context = {"nav": NAV_ACCOUNTS, "form": form}
    return render(request, "exchange/timebank/policy.html", context, status=400 if form.errors else 200)


@require_GET
@network_view(VIEW_TIME_BANK_FIGURES)
def figures(request: HttpRequest, network: Network) -> HttpResponse:
    """Hours exchanged per month of a year: totals only, never a person's account."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year + 1)
    totals = selectors.monthly_totals(request.user, network, year=year)
    context = {
        "nav": NAV_FIGURES,
        "year": year,
        "years": list(range(this_year, this_year - 5, -1)),
        "totals": totals,
        "months": [date(year, m, 1) for m in range(1, 13)],
    }
    return render(request, "exchange/timebank/figures.html", context)
