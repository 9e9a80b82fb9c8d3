"""Writes about the audit log itself: downloading it and verifying its chain are audited acts."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from legami.core.audit import record_event, record_verification
from legami.core.audit_chain import ChainResult, verify_chain
from legami.core.capabilities import VIEW_AUDIT
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.network.models import Network


@transaction.atomic
def record_audit_export(*, actor: Any, network: Network, filters: dict[str, Any]) -> AuditEvent:
    """Record that `actor` downloaded the network's audit log with these filters (it names people)."""
    require(actor, VIEW_AUDIT, network)
    return record_event(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type="core.auditevent",
        object_repr="audit log",
        network=network,
        after={"filters": {k: str(v) for k, v in filters.items() if v not in (None, "")}},
        data_class=DataClass.PERSONAL,
    )


@transaction.atomic
def verify_audit_chain(*, actor: Any, network: Network) -> ChainResult:
    """Verify the network's audit chain now and record the outcome (who verified, when, the first broken link)."""
    require(actor, VIEW_AUDIT, network)
    result = verify_chain(network)
    record_verification(actor=actor, result=result)
    return result
