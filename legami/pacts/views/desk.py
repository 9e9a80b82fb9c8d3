"""The case manager's desk (scrivania): the page a case manager opens every morning, on a phone."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from legami.core.decorators import network_view
from legami.network.models import Network
from legami.pacts.capabilities import WORK_ON_CASES
from legami.pacts.models import TeamRole
from legami.pacts.selectors.desk import Desk, Section, desk_for, record_desk_read

NAV = "pacts_desk"

# A number no row has, reversed in its place: every row's address is then the text around it with the row's number
# (the routes' last segment is an <int:pk>, so the path is the same for every number).
_PLACEHOLDER = 9876543210


def row_url(name: str, slug: str) -> Callable[[int], str] | None:
    """`pk -> reverse(name, args=[slug, pk])`, reversing once for all the rows; None when the route does not exist
    (a part not installed: the rows are then shown without a link)."""
    try:
        sample = reverse(name, args=[slug, _PLACEHOLDER])
    except NoReverseMatch:
        return None
    head, found, tail = sample.rpartition(str(_PLACEHOLDER))
    if not found:  # pragma: no cover - a route that does not put the number in its path
        return lambda pk: reverse(name, args=[slug, pk])
    return lambda pk: f"{head}{int(pk)}{tail}"


@dataclass(frozen=True)
class Row:
    """One line of a desk list as the page shows it: plain texts (the template escapes them, names included), the
    row's link (None without the route) and whether it is late."""

    title: str
    url: str | None
    details: tuple[str, ...] = ()
    late: bool = False


def _day(value: datetime.date, format: str = "j E Y") -> str:
    return _formatted_day(value, format, get_language())


@lru_cache(maxsize=4096)
def _formatted_day(value: datetime.date, format: str, language: str | None) -> str:
    """A day as the template's `date` filter writes it, in `language` (the key of the cache: formatting a date is
    the slowest step of a row, and the desk's rows share their days)."""
    return date_format(value, format)


def _case_row(case: Any, url: Callable[[int], str] | None) -> Row:
    role = _("You are the case manager") if case.my_role == TeamRole.MANAGER else _("You are on the team")
    parts = [role]
    if case.pact_status:
        pacts = ngettext("%(counter)s pact", "%(counter)s pacts", case.pact_count) % {"counter": case.pact_count}
        parts.append(f"{pacts}, {_('the latest:')} {case.pact_status_label.lower()}")
    else:
        parts.append(_("no pact yet"))
    if case.next_review:
        parts.append(_("review on %(day)s") % {"day": _day(case.next_review, "j E")})
    title = _("Case no. %(number)s") % {"number": case.pk}
    return Row(f"{title}: {case.name}", url(case.pk) if url else None, (" · ".join(parts),))


def _pact_title(number: int, name: str) -> str:
    return f"{_('Pact no. %(number)s') % {'number': number}}: {name}"


def _review_row(pact: Any, url: Callable[[int], str] | None) -> Row:
    detail = f"{_('Review due on %(day)s') % {'day': _day(pact.next_review_on)}} · {pact.get_status_display()}"
    return Row(_pact_title(pact.pk, pact.name), url(pact.pk) if url else None, (detail,), pact.overdue)


def _commitment_row(commitment: Any, url: Callable[[int], str] | None) -> Row:
    if commitment.behind:
        when = _("Give-back behind: %(done)s hours confirmed of %(expected)s expected so far") % {
            "done": number_format(commitment.confirmed_hours),
            "expected": number_format(commitment.expected_hours),
        }
    else:
        when = _("Due on %(day)s") % {"day": _day(commitment.due_on)}
    what = f"{commitment.get_party_display()}: {Truncator(commitment.what).chars(80)}"
    number = commitment.pact_number
    return Row(_pact_title(number, commitment.name), url(number) if url else None, (what, when))


def _referral_row(referral: Any, viewer_id: int, url: Callable[[int], str] | None) -> Row:
    parts = [referral.get_status_display()]
    if referral.assigned_to_id == viewer_id:
        parts.append(_("assigned to you"))
    parts += [referral.get_urgency_display(), _("filed %(age)s ago") % {"age": timesince(referral.created_at)}]
    title = f"{_('Referral no. %(number)s') % {'number': referral.pk}}, {referral.municipality.name}"
    return Row(title, url(referral.pk) if url else None, (" · ".join(parts),), referral.overdue)


def _budget_row(pact: Any, url: Callable[[int], str] | None) -> Row:
    detail = _("%(spent)s euro spent of %(budget)s") % {
        "spent": number_format(pact.spent, 2),
        "budget": number_format(pact.budget, 2),
    }
    return Row(_pact_title(pact.pk, pact.name), url(pact.pk) if url else None, (detail,))


def _approval_row(expense: Any, url: Callable[[int], str] | None) -> Row:
    detail = _("%(amount)s euro over budget, spent on %(day)s") % {
        "amount": number_format(expense.amount, 2),
        "day": _day(expense.spent_on),
    }
    return Row(_pact_title(expense.pact_id, expense.name), url(expense.pact_id) if url else None, (detail,))


def page_of(desk: Desk, slug: str, viewer_id: int) -> Desk:
    """The desk as the page shows it: each section's rows turned into `Row`s (texts and links made here, one reverse
    per route and not per row: the template only prints them)."""
    case_url, pact_url = row_url("pacts:case", slug), row_url("pacts:pact", slug)
    budget_url, referral_url = row_url("pacts:budget", slug), row_url("referrals:detail", slug)

    def rows(section: Section | None, make: Callable[[Any], Row]) -> Section | None:
        return None if section is None else Section(rows=[make(row) for row in section.rows], count=section.count)

    return replace(
        desk,
        cases=rows(desk.cases, lambda case: _case_row(case, case_url)),
        reviews=rows(desk.reviews, lambda pact: _review_row(pact, pact_url)),
        commitments=rows(desk.commitments, lambda commitment: _commitment_row(commitment, pact_url)),
        referrals=rows(desk.referrals, lambda referral: _referral_row(referral, viewer_id, referral_url)),
        budgets=rows(desk.budgets, lambda pact: _budget_row(pact, budget_url)),
        approvals=rows(desk.approvals, lambda expense: _approval_row(expense, budget_url)),
    )


@require_GET
@network_view(WORK_ON_CASES)
def desk(request: HttpRequest, network: Network) -> HttpResponse:
    """My cases, the reviews due, the overdue commitments, the referrals waiting and the budgets near their limit."""
    mine = desk_for(request.user, network)
    record_desk_read(request.user, network, mine)
    return render(request, "pacts/desk.html", {"nav": NAV, "desk": page_of(mine, network.slug, request.user.pk)})
