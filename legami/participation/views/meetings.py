"""Pages of meetings: the public page, scheduling and editing, cancelling, registering and unregistering (GET
asks, POST acts), the registrations with the waiting list, the roll call (a phone-first page) and the minutes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.network.models import Network
from legami.participation.capabilities import MANAGE_PROCESSES as MANAGE
from legami.participation.capabilities import TAKE_PART
from legami.participation.forms.meetings import CancelForm, MeetingForm, MinutesForm, RollCallForm, meeting_initial
from legami.participation.models import MeetingStatus, RegistrationStatus
from legami.participation.selectors.meetings import (
    get_meeting_for,
    meeting_figures,
    registration_of,
    registrations_by_status,
    waiting_position,
)
from legami.participation.selectors.processes import get_process_for
from legami.participation.services.meetings import (
    MEETING_WORKFLOW,
    cancel_meeting,
    create_meeting,
    record_minutes,
    register,
    registration_refusal,
    roll_call_refusal,
    take_roll_call,
    unregister,
    update_meeting,
)

NAV = "processes"
R = RegistrationStatus


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


@require_GET
@network_view()
def meeting_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A meeting's public page: when and where, the agenda, places left, the viewer's registration, the minutes."""
    meeting = get_meeting_for(request.user, network, pk)
    user = request.user
    manager = can(user, MANAGE, network)
    registration = registration_of(meeting, user)
    active = registration is not None and registration.status != R.CANCELLED
    context = {
        "nav": NAV,
        "meeting": meeting,
        "process": meeting.process,
        "registration": registration if active else None,
        "position": waiting_position(meeting, registration),
        "can_take_part": can(user, TAKE_PART, network),
        "refusal": registration_refusal(meeting),
        "manager": manager,
        "figures": meeting_figures(meeting) if manager else None,
        "can_cancel": bool(MEETING_WORKFLOW.available(meeting, user, network=network)),
        "roll_call_open": manager and roll_call_refusal(meeting) is None,
        "cancelled": meeting.status == MeetingStatus.CANCELLED,
    }
    return render(request, "participation/meetings/detail.html", context)


def _form_page(request: HttpRequest, network: Network, form: MeetingForm, process: Any, meeting: Any) -> HttpResponse:
    context = {"nav": NAV, "form": form, "process": process, "meeting": meeting}
    return render(request, "participation/meetings/form.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def meeting_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Schedule a meeting of the process."""
    process = get_process_for(request.user, network, pk)
    if request.method == "POST":
        form = MeetingForm(request.POST, network=network)
        if form.is_valid():
            try:
                meeting = create_meeting(actor=request.user, process=process, data=form.service_data())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The meeting has been scheduled."))
                return redirect("participation:meeting_detail", network.slug, meeting.pk)
    else:
        form = MeetingForm(network=network, initial={"registrations_open": True})
    return _form_page(request, network, form, process, None)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def meeting_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change a meeting's details."""
    meeting = get_meeting_for(request.user, network, pk)
    if request.method == "POST":
        form = MeetingForm(request.POST, network=network)
        if form.is_valid():
            try:
                update_meeting(actor=request.user, meeting=meeting, data=form.service_data())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("participation:meeting_detail", network.slug, meeting.pk)
    else:
        form = MeetingForm(network=network, initial=meeting_initial(meeting))
    return _form_page(request, network, form, meeting.process, meeting)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def meeting_cancel(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Ask why (GET), then cancel the meeting and tell the people registered (POST)."""
    meeting = get_meeting_for(request.user, network, pk)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel_meeting(actor=request.user, meeting=meeting, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The meeting has been cancelled; the people registered will be told by e-mail.")
            )
            return redirect("participation:meeting_detail", network.slug, meeting.pk)
    context = {"nav": NAV, "meeting": meeting, "process": meeting.process, "form": form}
    return render(request, "participation/meetings/cancel.html", context, status=_status(form))


def _confirm(request: HttpRequest, network: Network, pk: int, *, joining: bool) -> HttpResponse:
    meeting = get_meeting_for(request.user, network, pk)
    registration = registration_of(meeting, request.user)
    active = registration is not None and registration.status != R.CANCELLED
    error = None
    if request.method == "POST":
        try:
            if joining:
                registration = register(actor=request.user, meeting=meeting)
            else:
                unregister(actor=request.user, meeting=meeting)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if not joining:
                messages.success(request, _("Your registration has been cancelled."))
            elif registration.status == R.WAITING:
                messages.success(request, _("The places are taken: you are on the waiting list."))
            else:
                messages.success(request, _("You are registered for the meeting."))
            return redirect("participation:meeting_detail", network.slug, meeting.pk)
    context = {
        "nav": NAV,
        "meeting": meeting,
        "process": meeting.process,
        "joining": joining,
        "registration": registration if active else None,
        "refusal": registration_refusal(meeting) if joining else None,
        "error": error,
    }
    template = "participation/meetings/register.html" if joining else "participation/meetings/unregister.html"
    return render(request, template, context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
@network_view(TAKE_PART)
def meeting_register(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Confirm (GET), then register for the meeting or join its waiting list (POST)."""
    return _confirm(request, network, pk, joining=True)


@require_http_methods(["GET", "POST"])
@network_view(TAKE_PART)
def meeting_unregister(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Confirm (GET), then cancel one's registration (POST): the place goes to the first person waiting."""
    return _confirm(request, network, pk, joining=False)


@require_GET
@network_view(MANAGE)
def meeting_registrations(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The people registered, the waiting list in order, and the cancelled registrations."""
    meeting = get_meeting_for(request.user, network, pk)
    rows = registrations_by_status(meeting)
    context = {
        "nav": NAV,
        "meeting": meeting,
        "process": meeting.process,
        "registered": rows[R.REGISTERED],
        "waiting": rows[R.WAITING],
        "cancelled": rows[R.CANCELLED],
    }
    return render(request, "participation/meetings/registrations.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def meeting_roll_call(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The roll call: one "present" box per person registered and the number of others; a plain form."""
    meeting = get_meeting_for(request.user, network, pk)
    registered = [row.registration for row in registrations_by_status(meeting)[R.REGISTERED]]
    refusal = roll_call_refusal(meeting)
    data = request.POST if request.method == "POST" else None
    form = RollCallForm(data, registrations=registered, initial={"guests": meeting.guests})
    if data is not None and refusal is None and form.is_valid():
        try:
            take_roll_call(
                actor=request.user, meeting=meeting, present=form.present(), guests=form.cleaned_data["guests"] or 0
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The roll call has been saved."))
            return redirect("participation:meeting_detail", network.slug, meeting.pk)
    context = {"nav": NAV, "meeting": meeting, "process": meeting.process, "form": form, "refusal": refusal}
    status = 400 if data is not None and (refusal is not None or form.errors) else 200
    return render(request, "participation/meetings/roll_call.html", context, status=status)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def meeting_minutes(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Write the minutes and the outcomes (public, with no names)."""
    meeting = get_meeting_for(request.user, network, pk)
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                record_minutes(actor=request.user, meeting=meeting, data=dict(form.cleaned_data))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The minutes have been saved."))
                return redirect("participation:meeting_detail", network.slug, meeting.pk)
    else:
        form = MinutesForm(initial={"minutes": meeting.minutes, "outcomes": meeting.outcomes})
    context = {"nav": NAV, "meeting": meeting, "process": meeting.process, "form": form}
    return render(request, "participation/meetings/minutes.html", context, status=_status(form))
