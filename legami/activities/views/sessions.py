"""Pages of one session: moving, cancelling or restoring it, the roll call (a phone-first page: one big toggle
per person, posted by HTMX on each tap and by a plain form without JavaScript) and the volunteers' hours."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from legami.activities.capabilities import MANAGE_ACTIVITIES, VIEW_ENROLLMENTS
from legami.activities.forms.activities import MoveSessionForm, NoteForm, ShiftForm, session_initial
from legami.activities.models import SessionStatus
from legami.activities.permissions import may
from legami.activities.selectors.bookings import unbooked_sessions
from legami.activities.selectors.enrollments import (
    get_session_for,
    get_shift_for,
    roll_call_row,
    roll_call_rows,
    shifts_of,
)
from legami.activities.services.attendance import mark_attendance, roll_call_refusal
from legami.activities.services.sessions import SESSION_WORKFLOW, cancel_session, move_session, restore_session
from legami.activities.services.volunteers import credit_shift, log_shift
from legami.core import inputs
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.exchange.capabilities import MANAGE_TIME_BANK
from legami.network.models import Network

NAV = "activities"


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_ACTIVITIES)
def session_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A session: move it (another day or time), cancel or restore it; the other sessions stay as they are."""
    session = get_session_for(request.user, network, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    move_form = MoveSessionForm(request.POST if action == "move" else None, initial=session_initial(session))
    note_form = NoteForm(request.POST if action in ("cancel", "restore") else None)
    try:
        if action == "move" and move_form.is_valid():
            move_session(actor=request.user, session=session, data=dict(move_form.cleaned_data))
            messages.success(request, _("The session has been moved."))
            return redirect("activities:session", network.slug, session.pk)
        if action == "cancel" and note_form.is_valid():
            cancel_session(actor=request.user, session=session, note=note_form.cleaned_data["note"])
            messages.success(request, _("The session has been cancelled."))
            return redirect("activities:session", network.slug, session.pk)
        if action == "restore":
            restore_session(actor=request.user, session=session)
            messages.success(request, _("The session is scheduled again."))
            return redirect("activities:session", network.slug, session.pk)
    except ValidationError as exc:
        add_service_errors(move_form if action == "move" else note_form, exc)
    bad = request.method == "POST"
    unbooked = unbooked_sessions(request.user, session.activity, session=session)
    context = {
        "nav": NAV,
        "session": session,
        "activity": session.activity,
        "unbooked": unbooked[0] if unbooked else None,
        "move_form": move_form,
        "note_form": note_form,
        "moves": [t.name for t in SESSION_WORKFLOW.available(session, request.user, network=network)],
        "roll_call_open": roll_call_refusal(session) is None and may(request.user, VIEW_ENROLLMENTS, session.activity),
        "scheduled": session.status == SessionStatus.SCHEDULED,
    }
    return render(request, "activities/session.html", context, status=400 if bad else 200)


def _parse_mark(value: str) -> tuple[int | None, str]:
    pk, _sep, flag = (value or "").partition(":")
    return inputs.parse_id(pk), flag


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_ACTIVITIES)
def roll_call(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The roll call: each tap marks one person present or absent (HTMX swaps the row; without JavaScript the
    page comes back, at that row)."""
    session = get_session_for(request.user, network, pk)
    if not may(request.user, VIEW_ENROLLMENTS, session.activity, network):
        raise PermissionDenied(VIEW_ENROLLMENTS)
    refusal = roll_call_refusal(session)
    error = None
    if request.method == "POST":
        enrollment_id, flag = _parse_mark(request.POST.get("mark", ""))
        try:
            mark_attendance(actor=request.user, session=session, enrollment=enrollment_id, present=flag)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if request.htmx:  # type: ignore[attr-defined]
                row = roll_call_row(session, enrollment_id or 0)
                return render(request, "activities/_roll_call_row.html", {"row": row, "session": session})
            url = reverse("activities:roll_call", args=[network.slug, session.pk])
            return redirect(f"{url}#person-{enrollment_id}")
    rows = roll_call_rows(session)
    context = {
        "nav": NAV,
        "session": session,
        "activity": session.activity,
        "rows": rows,
        "present": sum(1 for row in rows if row.present),
        "refusal": refusal,
        "error": error,
    }
    return render(request, "activities/roll_call.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_ACTIVITIES)
def volunteers(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The volunteers who helped at the session and their minutes; log one more."""
    session = get_session_for(request.user, network, pk)
    form = ShiftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            log_shift(actor=request.user, session=session, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The volunteer's time has been logged."))
            return redirect("activities:volunteers", network.slug, session.pk)
    context = {"nav": NAV, "session": session, "activity": session.activity, "form": form, "shifts": shifts_of(session)}
    return render(request, "activities/volunteers.html", context, status=400 if form.is_bound and form.errors else 200)


@network_view(MANAGE_TIME_BANK)
@require_POST
def shift_credit(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Credit a volunteer's minutes at a held session to their hours account, from the network's fund."""
    shift = get_shift_for(request.user, network, pk)
    try:
        credit_shift(actor=request.user, shift=shift)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The hours have been credited to the volunteer's time bank account."))
    return redirect("activities:volunteers", network.slug, shift.session_id)
