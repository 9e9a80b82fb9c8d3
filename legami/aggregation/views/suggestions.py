"""Pages of demand aggregation: open needs that fit an accepted demand, each with a one-click attach."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from legami.aggregation.capabilities import REVIEW_DEMANDS as REVIEW
from legami.aggregation.forms.suggestions import SuggestionAttachForm
from legami.aggregation.models import AggregatedDemand
from legami.aggregation.selectors.suggestions import Suggestion, current_of, stored_suggestions
from legami.aggregation.services.attachments import attach_need
from legami.aggregation.services.suggestions import refresh_suggestions
from legami.aggregation.views.demands import NAV, _need_url
from legami.core.decorators import network_view
from legami.needs.models import Need
from legami.network.models import Network


@require_http_methods(["GET", "POST"])
@network_view(REVIEW)
def suggestions(request: HttpRequest, network: Network) -> HttpResponseBase:
    """Open needs that fit an accepted demand, each with a one-click attach: the stored suggestions (computed in
    the background), without those whose need or demand has changed since; stale ones queue a refresh."""
    error = ""
    if request.method == "POST":
        form = SuggestionAttachForm(request.POST)
        if form.is_valid():
            demand = AggregatedDemand.objects.filter(network=network, pk=form.cleaned_data["demand"]).first()
            need = Need.objects.filter(network=network, pk=form.cleaned_data["need"]).first()
            if demand is None or need is None:
                error = _("That need or demand is not in this network.")
            else:
                try:
                    attach_need(actor=request.user, demand=demand, need=need)
                except ValidationError as exc:
                    error = " ".join(exc.messages)
                else:
                    messages.success(
                        request,
                        _("Need no. %(id)s has been attached to “%(title)s”.") % {"id": need.pk, "title": demand.title},
                    )
                    return redirect("aggregation:suggestions", network.slug)
        else:
            error = _("The request was not valid: reload the page and try again.")
    stored = stored_suggestions(network)
    refreshing = stored.refreshing
    if stored.stale and not refreshing:
        refresh_suggestions(actor=request.user, network=network)
        refreshing = True
    page_obj = Paginator(stored.rows, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    need_url = _need_url(network)
    rows = []
    for stored_row in page_obj.object_list:
        need = stored_row.need
        suggestion = Suggestion(
            need=need, demand=stored_row.demand, similarity=stored_row.similarity, current=current_of(stored_row)
        )
        rows.append(
            {
                "suggestion": suggestion,
                # Case-team descriptions stay on the need's own page (where reading them is recorded).
                "description": None if need.is_case_data else need.description,
                "url": need_url(need.pk) if need_url else "",
            }
        )
    context = {
        "nav": NAV,
        "rows": rows,
        "page_obj": page_obj,
        "total": page_obj.paginator.count,
        "computed_at": stored.computed_at,
        # "calcolati 0 minuti fa" reads wrong: under a minute is "a moment ago"
        "just_computed": stored.computed_at is not None and timezone.now() - stored.computed_at < timedelta(minutes=1),
        "stale": stored.stale,
        "refreshing": refreshing,
        "error": error,
    }
    return render(request, "aggregation/suggestions.html", context, status=400 if error else 200)
