"""Pages of a pact's budget: the lines with what was spent and what remains, the expenses with their receipts,
recording an expense, and the second person's approval or refusal of one over budget.

The team works here; the privacy officer reads the budget page (no buttons). For anyone else the pact does not
exist (404). Receipts are downloaded by the team only, and each download is audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from legami.core.audit import record_read
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.network.models import Network
from legami.pacts.capabilities import APPROVE_OVERSPENDING, CASE_READERS, WORK_ON_CASES
from legami.pacts.forms.budget import DecisionForm, ExpenseForm
from legami.pacts.models import CaseMember, Expense, ExpenseStatus, Pact
from legami.pacts.selectors import budget as selectors
from legami.pacts.selectors.access import pact_for, pacts_for, team_role
from legami.pacts.services import budget as services

NAV = "budget"


def _budget_context(request: HttpRequest, network: Network, pact: Pact) -> dict[str, Any]:
    role = team_role(request.user, pact.case)
    expenses = list(selectors.expenses_of(pact))
    approver = role is not None and can(request.user, APPROVE_OVERSPENDING, network)
    for expense in expenses:
        expense.decidable = (
            approver and expense.status == ExpenseStatus.AWAITING_APPROVAL and expense.recorded_by_id != request.user.pk
        )
    budget = selectors.budget_of(pact)
    for expense in expenses:
        expense.line = budget.line(expense.line_key)
    return {
        "nav": NAV,
        "pact": pact,
        "budget": budget,
        "expenses": expenses,
        "decisions": [e for e in expenses if e.decided_by_id is not None],
        "on_team": role is not None,
        "can_record": role is not None
        and pact.status in services.SPENDING_STATES
        and pact.current_version_id is not None,
        "decision_form": DecisionForm(),
    }


@require_GET
@network_view(*CASE_READERS)
def budget(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Il budget del patto: each line with amount, spent, pending and remaining; the expenses and the approvals."""
    pact = pact_for(request.user, network, pk, purpose="budget")
    return render(request, "pacts/budget_detail.html", _budget_context(request, network, pact))


@require_http_methods(["GET", "POST"])
@network_view(WORK_ON_CASES)
def expense_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Record an expense against a line of the budget in force, with its receipt."""
    pact = pact_for(request.user, network, pk, purpose="record an expense")
    if team_role(request.user, pact.case) is None:
        raise Http404
    lines = list(services.lines_in_force(pact).values())
    posted = request.method == "POST"
    form = ExpenseForm(request.POST if posted else None, request.FILES if posted else None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            expense = services.record_expense(
                actor=request.user, pact=pact, data=form.service_data(), document=form.cleaned_data["document"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if expense.status == ExpenseStatus.RECORDED:
                messages.success(request, _("The expense was recorded."))
            else:
                messages.warning(
                    request,
                    _(
                        "The expense goes over the line's budget: it waits for a second person's approval and does "
                        "not count until then."
                    ),
                )
            return redirect("pacts:budget", network.slug, pact.pk)
    context = {
        "nav": NAV,
        "pact": pact,
        "form": form,
        "budget": selectors.budget_of(pact),
        "open": pact.status in services.SPENDING_STATES and bool(lines),
    }
    return render(request, "pacts/budget_expense_form.html", context, status=400 if form.errors else 200)


def _expense_for(request: HttpRequest, network: Network, pk: int) -> Expense:
    """The expense `pk` of a pact the viewer sees, else 404."""
    expense = (
        Expense.objects.filter(network=network, pk=pk, pact__in=pacts_for(request.user, network))
        .select_related("pact__case__processing", "network")
        .first()
    )
    if expense is None:
        raise Http404
    return expense


@network_view(APPROVE_OVERSPENDING)
@require_POST  # inside: who may not reach it is told so (404/403) before the method
def expense_decide(request: HttpRequest, network: Network, pk: int, decision: str) -> HttpResponse:
    """Approve or refuse an expense over budget, with a reason (a second person: not whoever recorded it)."""
    if decision not in services.DECISIONS:
        raise Http404
    expense = _expense_for(request, network, pk)
    pact = expense.pact
    if team_role(request.user, pact.case) is None:
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_expense(actor=request.user, expense=expense, decision=decision, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The expense was approved: it counts toward the budget.")
                if decision == "approve"
                else _("The expense was refused: it does not count."),
            )
            return redirect("pacts:budget", network.slug, pact.pk)
    record_read(actor=request.user, obj=pact, purpose="budget", network=network)
    context = _budget_context(request, network, pact)
    context.update({"decision_form": form, "decided": expense})
    return render(request, "pacts/budget_detail.html", context, status=400)


@require_GET
@network_view(WORK_ON_CASES)
def expense_document(request: HttpRequest, network: Network, pk: int) -> FileResponse:
    """An expense's receipt, as a download: the case team only, and every download is audited."""
    expense = _expense_for(request, network, pk)
    if not expense.document or not CaseMember.objects.filter(case_id=expense.pact.case_id, user=request.user).exists():
        raise Http404
    try:
        handle = expense.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    record_read(actor=request.user, obj=expense, purpose="expense document", network=network)
    extension = Path(expense.document.name).suffix.lower()
    response = FileResponse(handle, as_attachment=True, filename=f"spesa-{expense.pk}{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    return response
