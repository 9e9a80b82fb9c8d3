"""Pages of assessments: recording one (any member of the case team) and one assessment beside the previous."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.network.models import Network
from legami.pacts.capabilities import CASE_READERS, WORK_ON_CASES
from legami.pacts.forms.assessments import SCORE_HELP, AssessmentForm
from legami.pacts.selectors.access import case_for
from legami.pacts.selectors.assessments import assessment_for, compare, previous_assessment
from legami.pacts.selectors.cases import reads_every_case
from legami.pacts.services.assessments import record_assessment
from legami.pacts.services.common import require_on_team
from legami.pacts.views.cases import NAV


@require_http_methods(["GET", "POST"])
@network_view(WORK_ON_CASES)
def assessment_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Record an assessment of the case's person in the eight domains."""
    case = case_for(request.user, network, pk, purpose="assessment form", select_related=("network", "processing"))
    require_on_team(request.user, case)
    status = 200
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        if form.is_valid():
            try:
                assessment = record_assessment(actor=request.user, case=case, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The assessment has been recorded."))
                return redirect("pacts:assessment", network.slug, assessment.pk)
        status = 400
    else:
        form = AssessmentForm()
    context = {"nav": NAV, "case": case, "form": form, "score_help": SCORE_HELP}
    return render(request, "pacts/assessment_form.html", context, status=status)


@require_GET
@network_view(*CASE_READERS)
def assessment_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """An assessment, domain by domain, beside the previous one of the case (change +/-)."""
    assessment = assessment_for(request.user, network, pk)
    previous = previous_assessment(assessment)
    context = {
        "nav": "cases_all" if reads_every_case(request.user, network) else NAV,
        "assessment": assessment,
        "case": assessment.case,
        "previous": previous,
        "rows": compare(assessment, previous),
    }
    return render(request, "pacts/assessment_detail.html", context)
