"""Pages of a pact's reviews: the review (what was rated, the outcome) and holding it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.network.models import Network
from legami.pacts.capabilities import CASE_READERS, OPEN_CASES
from legami.pacts.forms.reviews import ReviewForm
from legami.pacts.models import PactStatus
from legami.pacts.selectors.access import team_role
from legami.pacts.selectors.giveback import progress_at_review
from legami.pacts.selectors.pacts import version_content
from legami.pacts.selectors.reviews import rated_items, review_for
from legami.pacts.services.reviews import hold_review, review_items, usable_assessments
from legami.pacts.views.pacts import NAV, _roles


def give_back_rows(review: Any) -> list[dict[str, Any]]:
    """One row per give-back commitment of the version reviewed: {"commitment", "done", "due"}, the hours confirmed
    by the host and the hours committed for the period since the last review (None for a commitment the version in
    force no longer has)."""
    content = version_content(review.version)
    progress, _period = progress_at_review(review, timezone.localdate())
    by_key = {item.key: item for item in progress}
    rows = []
    for commitment in content.give_back:
        item = by_key.get(commitment.key)
        done = Decimal(item.confirmed_minutes) / 60 if item else None
        due = Decimal(item.committed_minutes) / 60 if item else None
        rows.append({"commitment": commitment, "done": done, "due": due})
    return rows


@require_GET
@network_view(*CASE_READERS)
def review_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A review: when, the version reviewed, each objective and commitment with how it went, the outcome."""
    review = review_for(request.user, network, pk, purpose="review")
    pact = review.pact
    roles = _roles(request, network, pact)
    context = {
        "nav": NAV,
        "review": review,
        "pact": pact,
        "case": pact.case,
        **roles,
        "items": rated_items(review),
        "give_back": give_back_rows(review),
        "can_hold": roles["manager"] and review.held_on is None and pact.status == PactStatus.UNDER_REVIEW,
    }
    return render(request, "pacts/review_detail.html", context)


@require_http_methods(["GET", "POST"])
@network_view(OPEN_CASES)
def review_hold(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Record the review held: each item's rating and note, the notes, the assessment, the outcome."""
    review = review_for(request.user, network, pk, purpose="review_hold")
    pact = review.pact
    if team_role(request.user, pact.case) is None:
        raise Http404
    form = ReviewForm(
        request.POST or None,
        items=review_items(review),
        assessments=usable_assessments(review).order_by("-assessed_on"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            hold_review(actor=request.user, review=review, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The review has been recorded."))
            return redirect("pacts:pact", network.slug, pact.pk)
    context = {
        "nav": NAV,
        "review": review,
        "pact": pact,
        "case": pact.case,
        "form": form,
        "open": review.held_on is None and pact.status == PactStatus.UNDER_REVIEW,
    }
    return render(request, "pacts/review_hold.html", context, status=400 if form.is_bound and form.errors else 200)
