"""Pages of activities: the managers' list with figures, recording and editing, the public page, and the moves of
its life (publish, close, reopen, cancel: GET asks, POST acts)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from legami.activities.capabilities import MANAGE_ACTIVITIES, VIEW_ACTIVITIES, VIEW_ENROLLMENTS
from legami.activities.forms.activities import ActivityForm, NoteForm, activity_initial
from legami.activities.models import ActivityKind, ActivityStatus, Weekday
from legami.activities.permissions import may, organizer_scope
from legami.activities.selectors.activities import activities_for, activity_figures, get_activity_for, sees_all
from legami.activities.selectors.bookings import unbooked_sessions
from legami.activities.selectors.enrollments import coming_sessions, own_enrollments
from legami.activities.services import activities as services
from legami.activities.services.enrollments import enrollment_refusal, free_places, may_enroll
from legami.core import smallnumbers
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.pagination import IdFirstPaginator
from legami.core.permissions import can
from legami.exchange.capabilities import VIEW_SPACES
from legami.exchange.selectors.spaces import manages
from legami.network.models import Network

NAV = "activities"

# The moves a page may ask for, by the name in the address.
MOVES = {
    "publish": (services.publish_activity, gettext_lazy("The activity has been published.")),
    "close": (services.close_activity, gettext_lazy("The activity has been closed.")),
    "reopen": (services.reopen_activity, gettext_lazy("The activity has been reopened.")),
    "cancel": (
        services.cancel_activity,
        gettext_lazy("The activity has been cancelled; the people enrolled are told by e-mail."),
    ),
}


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


@require_GET
@network_view(VIEW_ACTIVITIES)
def activity_list(request: HttpRequest, network: Network) -> HttpResponse:
    """Every activity of the network with its people enrolled and waiting (figures under k hidden)."""
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    activities = activities_for(request.user, network, status=status, kind=kind)
    page_obj = IdFirstPaginator(activities, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    limit = smallnumbers.limit_for(request.user, network)
    for activity in page_obj.object_list:
        activity.small_enrolled = smallnumbers.hidden(activity.enrolled, limit)  # type: ignore[attr-defined]
        activity.small_waiting = smallnumbers.hidden(activity.waiting, limit)  # type: ignore[attr-defined]
    context = {
        "nav": NAV,
        "page_obj": page_obj,
        "statuses": ActivityStatus.choices,
        "kinds": ActivityKind.choices,
        "status": status,
        "kind": kind,
        "k": smallnumbers.k(),
        "can_manage": can(request.user, MANAGE_ACTIVITIES, network),
    }
    return render(request, "activities/list.html", context)


@require_GET
@network_view()
def activity_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """An activity's page: what, where, when, places; for members, their own enrolments; for its runners, more."""
    activity = get_activity_for(request.user, network, pk)
    user = request.user
    manager = may(user, MANAGE_ACTIVITIES, activity, network)
    sessions = coming_sessions(activity)
    follows_space = manager or sees_all(user, network)
    unbooked = unbooked_sessions(user, activity) if follows_space else []
    context = {
        "nav": NAV if sees_all(user, network) else "activity_calendar",
        "activity": activity,
        "sessions": sessions,
        "space_url": _space_url(user, network, activity, sessions),
        "follows_space": follows_space,
        "unbooked": unbooked,
        "unbooked_ids": {row.session.pk for row in unbooked},
        "days": [Weekday(day).label for day in activity.weekdays],
        "free": free_places(activity),
        "refusal": enrollment_refusal(activity),
        "manager": manager,
        "reads_enrollments": may(user, VIEW_ENROLLMENTS, activity, network),
        "can_enroll": user.is_authenticated and may_enroll(user, activity),
        "own": own_enrollments(user, activity) if user.is_authenticated else [],
        "figures": activity_figures(activity, user) if sees_all(user, network) or manager else None,
        "moves": services.ACTIVITY_WORKFLOW.available(activity, user, network=network) if manager else [],
        "events": activity.events.select_related("actor") if manager else [],
    }
    return render(request, "activities/detail.html", context)


def _space_url(user: Any, network: Network, activity: Any, sessions: list[Any]) -> str:
    """The space's agenda at the week of the next session: the members' page for who sees the spaces, the public
    page of a public space for anyone else; "" when the viewer may see neither."""
    space = activity.space
    if space is None:
        return ""
    week = f"?week={timezone.localdate(sessions[0].starts_at).isoformat()}" if sessions else ""
    if can(user, VIEW_SPACES, network) and (space.is_active or manages(user, space)):
        return reverse("exchange:space_detail", args=[network.slug, space.pk]) + week
    if space.is_public and space.is_active:
        return reverse("exchange:space_public", args=[network.slug, space.pk]) + week
    return ""


def warn_unbooked(request: HttpRequest, activity: Any) -> None:
    """Say (after a save) how many sessions to come could not book the activity's space; the page lists them."""
    left = unbooked_sessions(request.user, activity)
    if left and activity.space is not None:
        messages.warning(
            request,
            ngettext(
                "%(n)s session could not book “%(space)s”: it is listed on this page, with what is in the way.",
                "%(n)s sessions could not book “%(space)s”: they are listed on this page, with what is in the way.",
                len(left),
            )
            % {"n": len(left), "space": activity.space.name},
        )


def _form_page(request: HttpRequest, form: ActivityForm, activity: Any) -> HttpResponse:
    context = {"nav": NAV, "form": form, "activity": activity}
    return render(request, "activities/form.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_ACTIVITIES)
def activity_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Record a draft activity with its weekly schedule."""
    scope = organizer_scope(request.user, MANAGE_ACTIVITIES, network)
    if request.method == "POST":
        form = ActivityForm(request.POST, network=network, organizations=scope)
        if form.is_valid():
            try:
                activity = services.create_activity(actor=request.user, network=network, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The activity has been recorded as a draft, with its sessions."))
                warn_unbooked(request, activity)
                return redirect("activities:activity_detail", network.slug, activity.pk)
    else:
        form = ActivityForm(network=network, organizations=scope, initial={"is_public": True})
    return _form_page(request, form, None)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_ACTIVITIES)
def activity_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change an activity's details or schedule (sessions changed by hand stay as they are)."""
    activity = get_activity_for(request.user, network, pk)
    if not may(request.user, MANAGE_ACTIVITIES, activity, network):
        raise PermissionDenied(MANAGE_ACTIVITIES)
    scope = organizer_scope(request.user, MANAGE_ACTIVITIES, network)
    space = activity.space_id
    if request.method == "POST":
        form = ActivityForm(request.POST, network=network, organizations=scope, current_space=space)
        if form.is_valid():
            try:
                activity = services.update_activity(actor=request.user, activity=activity, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                warn_unbooked(request, activity)
                return redirect("activities:activity_detail", network.slug, activity.pk)
    else:
        form = ActivityForm(
            network=network, organizations=scope, current_space=space, initial=activity_initial(activity)
        )
    return _form_page(request, form, activity)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_ACTIVITIES)
def activity_move(request: HttpRequest, network: Network, pk: int, move: str) -> HttpResponse:
    """Ask (GET), then publish, close, reopen or cancel the activity (POST); cancelling asks why."""
    if move not in MOVES:
        raise Http404
    activity = get_activity_for(request.user, network, pk)
    if not may(request.user, MANAGE_ACTIVITIES, activity, network):
        raise PermissionDenied(MANAGE_ACTIVITIES)
    service, done = MOVES[move]
    form = NoteForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, activity=activity, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            error = True
        else:
            messages.success(request, done)
            return redirect("activities:activity_detail", network.slug, activity.pk)
    label = next(t.label for t in services.ACTIVITY_WORKFLOW.transitions if t.name == move)
    context = {"nav": NAV, "activity": activity, "move": move, "label": label, "form": form, "error": error}
    return render(request, "activities/move.html", context, status=_status(form))
