"""The public form on which anyone, logged in or not, reports a need to the network."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from legami.core import formguard
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.needs.forms.needs import PublicReportForm, form_stamp
from legami.needs.services.needs import report_need
from legami.network.models import Network


@require_http_methods(["GET", "POST"])
@network_view()
def report(request: HttpRequest, network: Network) -> HttpResponse:
    """Report a need: subject, who, where, what and when; a contact when not logged in."""
    if request.method == "POST" and (limited := formguard.too_many_posts(request, "report")):
        return limited
    form = PublicReportForm(request.POST or None, network=network, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                report_need(network=network, data=form.service_data(), user=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("needs:report_thanks", network.slug)
        # A fresh stamp, so that correcting the form does not count as filling it too fast.
        form.data = form.data.copy()
        form.data["stamp"] = form_stamp()
    status = 400 if form.errors else 200
    return render(request, "needs/public/report.html", {"nav": "report", "form": form}, status=status)


@require_GET
@network_view()
def report_thanks(request: HttpRequest, network: Network) -> HttpResponse:
    """What happens after a report."""
    return render(request, "needs/public/thanks.html", {"nav": "report"})
