"""Pages of demand aggregation: open needs that fit an accepted demand, each with a one-click attach."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from legami.aggregation.capabilities import REVIEW_DEMANDS as REVIEW
from legami.aggregation.forms.suggestions import SuggestionAttachForm
from legami.aggregation.models import AggregatedDemand
from legami.aggregation.selectors.suggestions import suggest_attachments
from legami.aggregation.services.attachments import attach_need
from legami.aggregation.views.demands import NAV, _need_url
from legami.core.decorators import network_view
from legami.needs.models import Need
from legami.network.models import Network

# Only this many suggestions are listed on one page (the best first).
MAX_SUGGESTIONS = 200


@require_http_methods(["GET", "POST"])
@network_view(REVIEW)
def suggestions(request: HttpRequest, network: Network) -> HttpResponseBase:
    """Open needs that fit an accepted demand, each with a one-click attach."""
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
    found = suggest_attachments(network)
    # Case-team descriptions stay on the need's own page (where reading them is recorded).
    rows = [
        {"suggestion": s, "description": None if s.need.is_case_data else s.need.description}
        for s in found[:MAX_SUGGESTIONS]
    ]
    context = {
        "nav": NAV,
        "rows": rows,
        "total": len(found),
        "error": error,
        "need_url": _need_url(network),
    }
    for row in rows:
        row["url"] = context["need_url"](row["suggestion"].need.pk) if context["need_url"] else ""
    return render(request, "aggregation/suggestions.html", context, status=400 if error else 200)
