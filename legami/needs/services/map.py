"""Writes of the needs map: the audit trail of its exports."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from legami.core.audit import record_event
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.needs.capabilities import VIEW_NEEDS_MAP
from legami.needs.models import Need
from legami.needs.selectors.map import MapFilters
from legami.network.models import Network


def record_map_export(*, actor: Any, network: Network, filters: MapFilters, fmt: str, exact: bool) -> AuditEvent:
    """Audit a member's download of the needs figures (exact figures are personal data, suppressed ones public)."""
    require(actor, VIEW_NEEDS_MAP, network)
    after = {key: str(value) for key, value in vars(filters).items() if value not in (None, "")}
    after.update({"format": fmt, "exact": str(exact)})
    with transaction.atomic():
        return record_event(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            network=network,
            object_type=Need._meta.label_lower,
            object_repr=f"{network.slug} needs figures ({fmt})",
            after=after,
            data_class=DataClass.PERSONAL if exact else DataClass.PUBLIC,
        )
