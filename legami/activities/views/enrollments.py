"""Pages of enrolments: the list with the waiting list (operators and organisers), enrolling a person of the
registry, enrolling oneself or one's household, withdrawing (GET asks, POST acts)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.activities.capabilities import ENROLL_OWN, ENROLL_PEOPLE, VIEW_ENROLLMENTS
from legami.activities.forms.activities import EnrollmentForm, OwnEnrollmentForm
from legami.activities.models import Enrollment, EnrollmentStatus
from legami.activities.permissions import may
from legami.activities.selectors.activities import get_activity_for
from legami.activities.selectors.enrollments import (
    enrollments_by_status,
    get_enrollment_for,
    require_enrollment_reader,
)
from legami.activities.services.enrollments import enroll, enrollment_refusal, household_people, may_enroll, withdraw
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.network.models import Network

NAV = "activities"
E = EnrollmentStatus


def _done(request: HttpRequest, enrollment: Enrollment) -> None:
    if enrollment.status == E.WAITLISTED:
        messages.success(request, _("The places are taken: the person is on the waiting list."))
    else:
        messages.success(request, _("The person is enrolled."))


@require_GET
@network_view(VIEW_ENROLLMENTS)
def enrollment_list(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The people enrolled, the waiting list in order, and the withdrawn."""
    activity = get_activity_for(request.user, network, pk)
    require_enrollment_reader(request.user, activity)
    rows = enrollments_by_status(activity, request.user)
    context = {
        "nav": NAV,
        "activity": activity,
        "enrolled": rows[E.ENROLLED],
        "waiting": rows[E.WAITLISTED],
        "withdrawn": rows[E.WITHDRAWN],
        "can_enroll": may(request.user, ENROLL_PEOPLE, activity, network),
    }
    return render(request, "activities/enrollments.html", context)


@require_http_methods(["GET", "POST"])
@network_view(ENROLL_PEOPLE)
def enrollment_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Enrol a person of the registry (by codice fiscale or number): a place, or the waiting list."""
    activity = get_activity_for(request.user, network, pk)
    if not may(request.user, ENROLL_PEOPLE, activity, network):
        raise PermissionDenied(ENROLL_PEOPLE)
    form = EnrollmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = enroll(actor=request.user, activity=activity, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _done(request, enrollment)
            return redirect("activities:enrollments", network.slug, activity.pk)
    context = {"nav": NAV, "activity": activity, "form": form, "refusal": enrollment_refusal(activity), "own": False}
    return render(request, "activities/enroll.html", context, status=400 if form.is_bound and form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(ENROLL_OWN)
def enrollment_own(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Enrol oneself or a member of one's household in a public activity."""
    activity = get_activity_for(request.user, network, pk)
    people = household_people(request.user, network)
    form = OwnEnrollmentForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = enroll(actor=request.user, activity=activity, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("This activity takes enrolments from its organisers only."))
        else:
            _done(request, enrollment)
            return redirect("activities:activity_detail", network.slug, activity.pk)
    context = {
        "nav": NAV,
        "activity": activity,
        "form": form,
        "refusal": enrollment_refusal(activity),
        "own": True,
        "people": people,
        "allowed": may_enroll(request.user, activity),
    }
    return render(request, "activities/enroll.html", context, status=400 if form.is_bound and form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(ENROLL_OWN)
def enrollment_withdraw(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Ask (GET), then withdraw an enrolment (POST): its place goes to the first person waiting."""
    enrollment = get_enrollment_for(request.user, network, pk)
    activity = enrollment.activity
    if not may_enroll(request.user, activity, enrollment.person):
        raise PermissionDenied(ENROLL_PEOPLE)
    error = None
    if request.method == "POST":
        try:
            withdraw(actor=request.user, enrollment=enrollment)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The enrolment has been withdrawn."))
            if may(request.user, VIEW_ENROLLMENTS, activity, network):
                return redirect("activities:enrollments", network.slug, activity.pk)
            return redirect("activities:activity_detail", network.slug, activity.pk)
    context = {"nav": NAV, "activity": activity, "enrollment": enrollment, "error": error}
    return render(request, "activities/withdraw.html", context, status=400 if error else 200)
