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
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from legami.core.capabilities import VIEW_AUDIT
from legami.core.decorators import network_view
from legami.core.exports import export_response
from legami.core.models import AuditEvent
from legami.network.forms.audit import AuditFilterForm
from legami.network.models import Network
from legami.network.selectors.audit import (
    PROBLEMS,
    audit_changes,
    audit_events_for,
    audit_object_types,
    describe_events,
    last_verification,
)
from legami.network.services.audit import record_audit_export, verify_audit_chain


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
    }
    return render(request, "network/audit/list.html", context)


@network_view(VIEW_AUDIT)
@require_POST
def audit_verify(request: HttpRequest, network: Network) -> HttpResponseBase:
    """Verify the network's audit chain now, record it, and go back to the log with the outcome."""
    result = verify_audit_chain(actor=request.user, network=network)
    broken = result.broken
    if broken is None:
        message = ngettext(
            "The audit log is intact: %(n)s event checked, none altered.",
            "The audit log is intact: %(n)s events checked, none altered.",
            result.checked,
        )
        messages.success(request, message % {"n": result.checked})
    else:
        messages.error(
            request,
            _("The audit log has been altered at event no. %(sequence)s: %(problem)s.")
            % {"sequence": broken.sequence, "problem": PROBLEMS.get(broken.problem, broken.problem)},
        )
    return redirect("network:audit", network.slug)
