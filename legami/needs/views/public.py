"""The public form on which anyone, logged in or not, reports a need to the network."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import public_form_page
from legami.needs.forms.needs import PublicReportForm
from legami.needs.services.needs import report_need
from legami.network.models import Network


@require_http_methods(["GET", "POST"])
@network_view()
def report(request: HttpRequest, network: Network) -> HttpResponse:
    """Report a need: subject, who, where, what and when; a contact when not logged in."""
    return public_form_page(
        request,
        PublicReportForm(request.POST or None, network=network, user=request.user),
        limit="report",
        submit=lambda data: report_need(network=network, data=data, user=request.user),
        done=reverse("needs:report_thanks", args=[network.slug]),
        template="needs/public/report.html",
        context={"nav": "report"},
    )


@require_GET
@network_view()
def report_thanks(request: HttpRequest, network: Network) -> HttpResponse:
    """What happens after a report."""
    return render(request, "needs/public/thanks.html", {"nav": "report"})
