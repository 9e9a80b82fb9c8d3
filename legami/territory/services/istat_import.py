"""The import of the ISTAT reference data: Regions, Provinces and Comuni, shared by every network.

The shipped list is read and filtered by `legami.territory.istat`; this module writes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event
from legami.core.models import AuditEvent
from legami.territory import istat
from legami.territory.models import Municipality, Province, Region


@dataclass(frozen=True)
class ImportSummary:
    """What one ISTAT import did."""

    scope: str
    regions_created: int
    regions_updated: int
    provinces_created: int
    provinces_updated: int
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _upsert(model: type[models.Model], wanted: dict[str, dict[str, Any]]) -> tuple[int, int, dict[str, Any]]:
    """Create or update rows of `model` keyed by istat_code; returns (created, updated, code -> row)."""
    manager = model._default_manager
    existing = manager.in_bulk(list(wanted), field_name="istat_code")
    to_create = []
    to_update = []
    fields: set[str] = set()
    for code, values in wanted.items():
        row = existing.get(code)
        if row is None:
            to_create.append(model(istat_code=code, **values))
            continue
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            fields.update(changed)
            to_update.append(row)
    manager.bulk_create(to_create, batch_size=500)
    if to_update:
        manager.bulk_update(to_update, sorted(fields), batch_size=500)
    rows = manager.in_bulk(list(wanted), field_name="istat_code") if to_create else existing
    return len(to_create), len(to_update), rows


def _scope_of(selected: list[istat.IstatRow], province: str | None, region: str | None) -> str:
    """How the audit trail names what was imported: "province CR", "region 03" or "all"."""
    if province:
        return f"province {province.strip().upper()}"
    if region:
        return f"region {selected[0].region_code}"
    return "all"


def _write_rows(selected: list[istat.IstatRow], scope: str) -> ImportSummary:
    """Create or update the Regions, then the Provinces, then the Comuni of `selected`."""
    regions_created, regions_updated, regions = _upsert(
        Region, {r.region_code: {"name": r.region_name} for r in selected}
    )
    provinces_created, provinces_updated, provinces = _upsert(
        Province,
        {
            r.province_code: {
                "name": r.province_name,
                "abbreviation": r.province_abbreviation,
                "region_id": regions[r.region_code].pk,
            }
            for r in selected
        },
    )
    created, updated, _rows = _upsert(
        Municipality,
        {
            r.istat_code: {
                "name": r.name,
                "cadastral_code": r.cadastral_code,
                "province_id": provinces[r.province_code].pk,
                "is_capital": r.is_capital,
            }
            for r in selected
        },
    )
    return ImportSummary(
        scope=scope,
        regions_created=regions_created,
        regions_updated=regions_updated,
        provinces_created=provinces_created,
        provinces_updated=provinces_updated,
        created=created,
        updated=updated,
        unchanged=len(selected) - created - updated,
    )


def import_istat(*, province: str | None = None, region: str | None = None, actor: Any = None) -> ImportSummary:
    """Load the Regions, Provinces and Comuni of one province, one region or all Italy from the shipped ISTAT list."""
    # Reference data shared by every network: only the system (a command, actor None) or a platform admin.
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("territory.import_istat")
    if province and region:
        raise ValidationError(_("Choose a province or a region, not both."))
    rows = istat.read_rows()
    try:
        selected = istat.select_rows(rows, province=province, region=region)
    except istat.IstatError as exc:
        raise ValidationError({"province" if province else "region": str(exc)}) from exc
    scope = _scope_of(selected, province, region)
    with transaction.atomic():
        summary = _write_rows(selected, scope)
        record_event(
            actor=actor,
            action=AuditEvent.Action.IMPORT,
            object_type="territory.municipality",
            object_repr=f"ISTAT {scope}",
            after=asdict(summary),
            note=(
                f"ISTAT import ({scope}): {summary.created} created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged"
            ),
        )
    return summary
