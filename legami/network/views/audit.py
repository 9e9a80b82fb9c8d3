"""The network's audit log, as a page and as a CSV download."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from legami.core.capabilities import VIEW_AUDIT
from legami.core.decorators import network_view
from legami.core.exports import export_response
from legami.core.models import AuditEvent
from legami.network.forms.audit import AuditFilterForm
from legami.network.models import Network
from legami.network.selectors.audit import (
    audit_changes,
    audit_events_for,
    audit_object_types,
    describe_events,
    failed_verification,
    last_verification,
    pending_verification,
)
from legami.network.services.audit import record_audit_export, start_audit_verification


def _export_rows(events: Iterable[AuditEvent]) -> Iterator[list]:
    for event in events:
        changes = "; ".join(f"{c.label}: {c.old} → {c.new}" for c in audit_changes(event))
        yield [
            timezone.localtime(event.created_at).replace(microsecond=0),
            event.actor_label,
            event.get_action_display(),
            event.object_type,
            event.object_id,
            event.object_repr,
            event.get_data_class_display(),
            changes,
            event.note,
        ]


@require_GET
@network_view(VIEW_AUDIT)
def audit_list(request: HttpRequest, network: Network) -> HttpResponseBase:
    """The audit events of the network, newest first, filtered and paginated, with their changes."""
    form = AuditFilterForm(request.GET or None, object_types=audit_object_types(request.user, network))
    filters = form.filters() if form.is_bound else {}
    events = audit_events_for(request.user, network, **filters)
    if request.GET.get("export") == "csv":
        header = [
            _("When"),
            _("Who"),
            _("Action"),
            _("Object type"),
            _("Object id"),
            _("Object"),
            _("Data class"),
            _("Changes"),
            _("Note"),
        ]
        record_audit_export(actor=request.user, network=network, filters=filters)
        filename = f"{network.slug}-audit-{timezone.localdate():%Y-%m-%d}"
        return export_response(
            rows=_export_rows(events.iterator(chunk_size=2000)), header=header, filename=filename, fmt="csv"
        )
    page_obj = Paginator(events, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = describe_events(list(page_obj.object_list), changes=True)
    context = {
        "nav": "audit",
        "form": form,
        "page_obj": page_obj,
        "export_available": True,
        "verification": last_verification(request.user, network),
        "pending_job": pending_verification(request.user, network),
        "failed_job": failed_verification(request.user, network),
    }
    return render(request, "network/audit/list.html", context)


@network_view(VIEW_AUDIT)
@require_POST
def audit_verify(request: HttpRequest, network: Network) -> HttpResponseBase:
    """Queue a verification of the network's audit chain (one at a time) and go back to the log, which shows it."""
    _job, started = start_audit_verification(actor=request.user, network=network)
    if started:
        messages.success(
            request, _("The verification has started. It runs in the background: its outcome will show on this page.")
        )
    else:
        messages.info(
            request, _("A verification of this log is already under way: its outcome will show on this page.")
        )
    return redirect("network:audit", network.slug)
