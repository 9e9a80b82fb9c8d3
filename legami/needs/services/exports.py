"""Export of needs (CSV/XLSX) in the import's columns, so that an export imports back (the template: imports.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event
from legami.core.exports import EXPORT_FORMATS, export_response
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can, require
from legami.needs.models import Need, PrivacyLevel, Urgency
from legami.needs.services.imports import NEED_IMPORT_COLUMNS
from legami.needs.timewindows import TimeWindowError, windows_from_json
from legami.network.models import Network

EXPORT_NEEDS = "needs.export_needs"
VIEW_CASE_NEEDS = "needs.view_case_needs"
URGENCY_EXPORT: dict[int, str] = {
    Urgency.LOW: "bassa",
    Urgency.MEDIUM: "media",
    Urgency.HIGH: "alta",
    Urgency.URGENT: "urgente",
}
PRIVACY_EXPORT: dict[str, str] = {PrivacyLevel.NETWORK: "rete", PrivacyLevel.CASE_TEAM: "equipe"}
# Fixed day abbreviations of the export (any language's parse_time_windows reads them back).
_EXPORT_DAYS = ("lun", "mar", "mer", "gio", "ven", "sab", "dom")


def format_windows_for_file(data: Any) -> str:
    """Stored time windows as the file writes them ("mar 16:00-18:00; gio 16:00-18:00"), read back by the import."""
    try:
        windows = windows_from_json(data)
    except TimeWindowError:
        return ""
    return "; ".join(
        f"{_EXPORT_DAYS[w.day]} {w.start // 60:02d}:{w.start % 60:02d}-{w.end // 60:02d}:{w.end % 60:02d}"
        for w in windows
    )


def need_export_rows(needs: Iterable[Need], *, show_case_data: bool) -> Iterator[list[Any]]:
    """The NEED_IMPORT_COLUMNS cells of each need (needs with area, municipality, neighbourhood loaded).

    Without `show_case_data` the description of a case-team need is left blank (never leaked to a file).
    """
    for need in needs:
        hidden = need.privacy_level == PrivacyLevel.CASE_TEAM and not show_case_data
        yield [
            need.external_id,
            need.area.code,
            need.target_group,
            need.municipality.istat_code,
            need.neighbourhood.name if need.neighbourhood_id and need.neighbourhood else "",
            "" if hidden else need.description,
            URGENCY_EXPORT.get(need.urgency, need.urgency),
            "sì" if need.expressed else "no",
            need.channel,
            format_windows_for_file(need.time_windows),
            need.latitude,
            need.longitude,
            need.observed_on,
            need.people_count,
            PRIVACY_EXPORT.get(need.privacy_level, need.privacy_level),
        ]


def export_needs(
    *, actor: Any, network: Network, fmt: str, filters: Mapping[str, Any] | None = None
) -> HttpResponseBase:
    """A CSV or XLSX download of the needs the actor may see (with the needs list's filters), audited.

    `filters` are the keyword filters of `needs_for_user` (area, target_group, municipality…).
    """
    from legami.needs.selectors.needs import needs_for_user

    require(actor, EXPORT_NEEDS, network)
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(
            {"format": _("Unknown format “%(fmt)s”: choose csv or xlsx.") % {"fmt": fmt}}, code="invalid_format"
        )
    given = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    needs = needs_for_user(actor, network, **given).order_by("observed_on", "id")
    show_case_data = can(actor, VIEW_CASE_NEEDS, network)
    count = needs.count()
    case_count = needs.filter(privacy_level=PrivacyLevel.CASE_TEAM).count() if show_case_data else 0
    shown_filters = {k: str(getattr(v, "pk", v))[:100] for k, v in given.items()}
    with transaction.atomic():
        record_event(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            network=network,
            object_type=Need._meta.label_lower,
            object_repr=f"{network.slug} needs ({fmt})",
            after={"count": count, "format": fmt, "filters": shown_filters, "case_needs": case_count},
            # Case-team descriptions in the file make the export itself case data.
            data_class=DataClass.CASE if case_count else DataClass.PERSONAL,
        )
    filename = f"{network.slug}-bisogni-{timezone.localdate():%Y-%m-%d}.{fmt}"
    return export_response(
        rows=need_export_rows(needs.iterator(chunk_size=2000), show_case_data=show_case_data),
        header=NEED_IMPORT_COLUMNS,
        filename=filename,
        fmt=fmt,
    )
