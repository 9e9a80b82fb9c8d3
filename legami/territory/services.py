"""Writes on the ISTAT reference data and on each network's territory."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.territory import istat
from legami.territory.capabilities import MANAGE_TERRITORY as MANAGE
from legami.territory.models import (
    Municipality,
    Neighbourhood,
    NetworkMunicipality,
    Place,
    Province,
    Region,
    SocialDistrict,
)
from legami.territory.selectors import municipality_usage, neighbourhood_usage
from legami.territory.usage import DISTRICT, MUNICIPALITY, count_uses, describe_uses

# A network (settings.LEGAMI_NETWORK_MODEL): territory sits below the network app and does not import it.
Network = Any


# A rough box around Italy (Lampedusa to the Vetta d'Italia, Sardinia to Otranto), to catch
# swapped or mistyped coordinates rather than to draw borders.
ITALY_LATITUDE = (Decimal("35.4"), Decimal("47.1"))
ITALY_LONGITUDE = (Decimal("6.6"), Decimal("18.6"))
COORDINATE_STEP = Decimal("0.000001")


# --- ISTAT reference data -------------------------------------------------------------------------


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

    if province:
        scope = f"province {province.strip().upper()}"
    elif region:
        scope = f"region {selected[0].region_code}"
    else:
        scope = "all"

    with transaction.atomic():
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
        summary = ImportSummary(
            scope=scope,
            regions_created=regions_created,
            regions_updated=regions_updated,
            provinces_created=provinces_created,
            provinces_updated=provinces_updated,
            created=created,
            updated=updated,
            unchanged=len(selected) - created - updated,
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.IMPORT,
            object_type="territory.municipality",
            object_repr=f"ISTAT {scope}",
            after=asdict(summary),
            note=f"ISTAT import ({scope}): {created} created, {updated} updated, {summary.unchanged} unchanged",
        )
    return summary


# --- helpers --------------------------------------------------------------------------------------


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _raise_if(errors: dict[str, list]) -> None:
    if errors:
        raise ValidationError(errors)


def _resolve_municipalities(values: Iterable[Any] | None) -> list[Municipality]:
    """Municipalities given as instances, ids or 6-digit ISTAT codes; refuses any not in the ISTAT table."""
    ids: set[int] = set()
    codes: set[str] = set()
    unknown: list[str] = []
    for value in values or ():
        if isinstance(value, Municipality):
            if value.pk is None:
                unknown.append(str(value))
            else:
                ids.add(value.pk)
        elif isinstance(value, int) and not isinstance(value, bool):
            ids.add(value)
        elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 6:
            codes.add(value.strip())
        else:
            unknown.append(str(value))
    found = list(
        Municipality.objects.filter(models.Q(pk__in=ids) | models.Q(istat_code__in=codes))
        .select_related("province")
        .order_by("name", "pk")
    )
    unknown += [str(i) for i in sorted(ids - {m.pk for m in found})]
    unknown += sorted(codes - {m.istat_code for m in found})
    if unknown:
        raise ValidationError(
            {
                "municipalities": ValidationError(
                    _("These Comuni are not in the ISTAT list: %(values)s."),
                    code="unknown_municipality",
                    params={"values": ", ".join(unknown)},
                )
            }
        )
    return found


def _resolve_municipality(value: Any) -> Municipality | None:
    if value is None or value == "":
        return None
    if isinstance(value, Municipality):
        return value if value.pk is not None and Municipality.objects.filter(pk=value.pk).exists() else None
    try:
        return Municipality.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _in_territory(network: Network, municipality: Municipality) -> bool:
    return NetworkMunicipality.objects.filter(network=network, municipality=municipality).exists()


def _others(queryset: models.QuerySet, pk: Any) -> models.QuerySet:
    """`queryset` without the row being edited (nothing to leave out when creating)."""
    return queryset if pk is None else queryset.exclude(pk=pk)


def _link_label(link: NetworkMunicipality) -> str:
    district = link.district.name if link.district is not None else "-"
    return f"{link.municipality.name} ({district})"


def _list_names(names: Iterable[str]) -> str:
    return ", ".join(names)


# --- the network's Comuni -------------------------------------------------------------------------


def add_municipalities(
    *, actor: Any, network: Network, municipalities: Iterable[Any], district: SocialDistrict | None = None
) -> list[NetworkMunicipality]:
    """Add Comuni from the ISTAT list to the network's territory (optionally into a district); returns the new rows."""
    require(actor, MANAGE, network)
    errors: dict[str, list] = {}
    resolved: list[Municipality] = []
    try:
        resolved = _resolve_municipalities(municipalities)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not resolved and not errors:
        errors["municipalities"] = [_("Choose at least one Comune.")]
    if district is not None and district.network_id != network.pk:
        errors["district"] = [_("This district does not belong to this network.")]
    _raise_if(errors)

    existing = {
        link.municipality_id: link
        for link in NetworkMunicipality.objects.filter(network=network, municipality__in=resolved).select_related(
            "municipality", "district"
        )
    }
    if district is not None:
        elsewhere = [
            _link_label(link)
            for m in resolved
            if (link := existing.get(m.pk)) is not None and link.district_id not in (None, district.pk)
        ]
        if elsewhere:
            raise ValidationError(
                {
                    "municipalities": ValidationError(
                        _("Already in another district: %(names)s. A Comune can be in only one district."),
                        code="other_district",
                        params={"names": _list_names(elsewhere)},
                    )
                }
            )

    added: list[NetworkMunicipality] = []
    with transaction.atomic():
        for municipality in resolved:
            link = existing.get(municipality.pk)
            if link is None:
                link = NetworkMunicipality.objects.create(network=network, municipality=municipality, district=district)
                record_event(
                    actor=actor, action=AuditEvent.Action.CREATE, obj=link, network=network, after=snapshot(link)
                )
                added.append(link)
            elif district is not None and link.district_id is None:
                before = snapshot(link)
                link.district = district
                link.save(update_fields=["district", "updated_at"])
                record_event(
                    actor=actor,
                    action=AuditEvent.Action.UPDATE,
                    obj=link,
                    network=network,
                    before=before,
                    after=snapshot(link),
                )
    return added


def _usage_text(usage: dict[str, int]) -> str:
    return ", ".join(describe_uses(MUNICIPALITY, usage))


def remove_municipality(*, actor: Any, network: Network, municipality: Municipality) -> None:
    """Take a Comune out of the network's territory; refused while the network's rows still use it."""
    require(actor, MANAGE, network)
    link = NetworkMunicipality.objects.filter(network=network, municipality_id=_pk(municipality)).first()
    if link is None:
        raise ValidationError(
            {
                "municipality": ValidationError(
                    _("%(name)s is not in this network's territory."),
                    code="not_in_territory",
                    params={"name": str(municipality)},
                )
            }
        )
    usage = municipality_usage(network, link.municipality_id)
    if any(usage.values()):
        raise ValidationError(
            {
                "municipality": ValidationError(
                    _("%(name)s is still used by %(uses)s of this network: move or delete them first."),
                    code="in_use",
                    params={"name": link.municipality.name, "uses": _usage_text(usage)},
                )
            }
        )
    with transaction.atomic():
        before = snapshot(link)
        delete_and_record(actor=actor, obj=link, network=network, before=before)


# --- districts ------------------------------------------------------------------------------------


def _district_snapshot(district: SocialDistrict) -> dict[str, Any]:
    data = snapshot(district) or {}
    data["municipalities"] = sorted(
        NetworkMunicipality.objects.filter(district=district).values_list("municipality__istat_code", flat=True)
    )
    return data


def _clean_district(
    network: Network, district_pk: int | None, name: str, code: str, municipalities: Iterable[Any] | None
) -> tuple[str, str, list[Municipality] | None]:
    errors: dict[str, list] = {}
    name = (name or "").strip()
    code = (code or "").strip()
    if not name:
        errors["name"] = [_("Enter the name of the district.")]
    elif len(name) > 150:
        errors["name"] = [_("The name can be at most 150 characters long.")]
    elif _others(SocialDistrict.objects.filter(network=network, name__iexact=name), district_pk).exists():
        errors["name"] = [_("This network already has a district with this name.")]
    if len(code) > 30:
        errors["code"] = [_("The code can be at most 30 characters long.")]
    resolved: list[Municipality] | None = None
    if municipalities is not None:
        try:
            resolved = _resolve_municipalities(municipalities)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            elsewhere = [
                _link_label(link)
                for link in NetworkMunicipality.objects.filter(
                    network=network, municipality__in=resolved, district__isnull=False
                )
                .exclude(district_id=district_pk)
                .select_related("municipality", "district")
                .order_by("municipality__name")
            ]
            if elsewhere:
                errors["municipalities"] = [
                    ValidationError(
                        _(
                            "Already in another district: %(names)s. A Comune can be in only one district: "
                            "take it out of the other district first."
                        ),
                        code="other_district",
                        params={"names": _list_names(elsewhere)},
                    )
                ]
    _raise_if(errors)
    return name, code, resolved


def _set_district_members(
    *, actor: Any, network: Network, district: SocialDistrict, municipalities: list[Municipality]
) -> None:
    now = timezone.now()
    wanted = {m.pk for m in municipalities}
    NetworkMunicipality.objects.filter(network=network, district=district).exclude(municipality_id__in=wanted).update(
        district=None, updated_at=now
    )
    present = set(
        NetworkMunicipality.objects.filter(network=network, municipality_id__in=wanted).values_list(
            "municipality_id", flat=True
        )
    )
    NetworkMunicipality.objects.filter(network=network, municipality_id__in=present).exclude(district=district).update(
        district=district, updated_at=now
    )
    for municipality in municipalities:
        if municipality.pk in present:
            continue
        # A Comune picked for a district joins the network's territory too.
        link = NetworkMunicipality.objects.create(network=network, municipality=municipality, district=district)
        record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=link, network=network, after=snapshot(link))


def create_district(
    *, actor: Any, network: Network, name: str, code: str = "", municipalities: Iterable[Any] = ()
) -> SocialDistrict:
    """Create a social district (ambito) from Comuni, adding to the territory those not yet in it."""
    require(actor, MANAGE, network)
    name, code, resolved = _clean_district(network, None, name, code, municipalities)
    with transaction.atomic():
        district = SocialDistrict.objects.create(network=network, name=name, code=code)
        _set_district_members(actor=actor, network=network, district=district, municipalities=resolved or [])
        record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=district, after=_district_snapshot(district))
    return district


def update_district(
    *,
    actor: Any,
    district: SocialDistrict,
    name: str,
    code: str = "",
    municipalities: Iterable[Any] | None = None,
) -> SocialDistrict:
    """Rename a district and, when `municipalities` is given, make it exactly that set of Comuni."""
    network = district.network
    require(actor, MANAGE, network)
    name, code, resolved = _clean_district(network, district.pk, name, code, municipalities)
    with transaction.atomic():
        district = SocialDistrict.objects.select_for_update().get(pk=district.pk)
        before = _district_snapshot(district)
        district.name, district.code = name, code
        district.save(update_fields=["name", "code", "updated_at"])
        if resolved is not None:
            _set_district_members(actor=actor, network=network, district=district, municipalities=resolved)
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=district,
            before=before,
            after=_district_snapshot(district),
        )
    return district


def district_blockers(district: SocialDistrict) -> dict[str, int]:
    """The members limited to this district and the pending invitations for it (what blocks deleting it)."""
    return count_uses(DISTRICT, district.pk)


def _blockers_text(blockers: dict[str, int]) -> str:
    return f" {_('and')} ".join(describe_uses(DISTRICT, blockers))


def delete_district(*, actor: Any, district: SocialDistrict) -> None:
    """Delete a district; its Comuni stay in the territory. Refused while members are limited to it."""
    network = district.network
    require(actor, MANAGE, network)
    blockers = district_blockers(district)
    if any(blockers.values()):
        # Deleting would silently delete those memberships with it (cascade): make the coordinator decide.
        raise ValidationError(
            _("This district cannot be deleted while %(reasons)s: change those memberships or revoke the invitations."),
            code="district_in_use",
            params={"reasons": _blockers_text(blockers)},
        )
    with transaction.atomic():
        before = _district_snapshot(district)
        delete_and_record(actor=actor, obj=district, network=network, before=before)


# --- neighbourhoods -------------------------------------------------------------------------------


def _clean_neighbourhood(
    network: Network, neighbourhood: Neighbourhood | None, municipality: Any, name: str, description: str
) -> tuple[Municipality, str, str]:
    errors: dict[str, list] = {}
    name = (name or "").strip()
    description = (description or "").strip()
    resolved = _resolve_municipality(municipality)
    if resolved is None:
        errors["municipality"] = [_("Choose the Comune of the neighbourhood.")]
    elif not _in_territory(network, resolved):
        errors["municipality"] = [_("This Comune is not in the network's territory: add it first.")]
    if not name:
        errors["name"] = [_("Enter the name of the neighbourhood.")]
    elif len(name) > 150:
        errors["name"] = [_("The name can be at most 150 characters long.")]
    elif (
        resolved is not None
        and _others(
            Neighbourhood.objects.filter(network=network, municipality=resolved, name__iexact=name),
            getattr(neighbourhood, "pk", None),
        ).exists()
    ):
        errors["name"] = [_("This Comune already has a neighbourhood with this name.")]
    if neighbourhood is not None and resolved is not None and resolved.pk != neighbourhood.municipality_id:
        usage = neighbourhood_usage(neighbourhood)
        if any(usage.values()):
            errors.setdefault("municipality", []).append(
                ValidationError(
                    _(
                        "The neighbourhood cannot move to another Comune while %(uses)s are in it: "
                        "create a new neighbourhood instead."
                    ),
                    code="in_use",
                    params={"uses": _usage_text(usage)},
                )
            )
    _raise_if(errors)
    assert resolved is not None
    return resolved, name, description


def create_neighbourhood(
    *, actor: Any, network: Network, municipality: Any, name: str, description: str = ""
) -> Neighbourhood:
    """Create a neighbourhood (quartiere, frazione) in one of the network's Comuni."""
    require(actor, MANAGE, network)
    municipality, name, description = _clean_neighbourhood(network, None, municipality, name, description)
    with transaction.atomic():
        neighbourhood = Neighbourhood.objects.create(
            network=network, municipality=municipality, name=name, description=description
        )
        record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=neighbourhood, after=snapshot(neighbourhood))
    return neighbourhood


def update_neighbourhood(
    *, actor: Any, neighbourhood: Neighbourhood, municipality: Any, name: str, description: str = ""
) -> Neighbourhood:
    """Rename or describe a neighbourhood (it moves Comune only while nothing is in it)."""
    network = neighbourhood.network
    require(actor, MANAGE, network)
    municipality, name, description = _clean_neighbourhood(network, neighbourhood, municipality, name, description)
    with transaction.atomic():
        neighbourhood = Neighbourhood.objects.select_for_update().get(pk=neighbourhood.pk)
        before = snapshot(neighbourhood)
        neighbourhood.municipality, neighbourhood.name, neighbourhood.description = municipality, name, description
        neighbourhood.save(update_fields=["municipality", "name", "description", "updated_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=neighbourhood,
            before=before,
            after=snapshot(neighbourhood),
        )
    return neighbourhood


def delete_neighbourhood(*, actor: Any, neighbourhood: Neighbourhood) -> None:
    """Delete a neighbourhood; its places, people and households stay, without a neighbourhood."""
    network = neighbourhood.network
    require(actor, MANAGE, network)
    with transaction.atomic():
        before = snapshot(neighbourhood)
        delete_and_record(actor=actor, obj=neighbourhood, network=network, before=before)


# --- places ---------------------------------------------------------------------------------------


def _place_neighbourhood(ctx: inputs.Context) -> None:
    municipality, neighbourhood = ctx.value("municipality"), ctx.value("neighbourhood")
    if ctx.ok("municipality", "neighbourhood") and municipality is not None and neighbourhood is not None:
        if neighbourhood.municipality_id != municipality.pk:
            ctx.add_error(
                "neighbourhood",
                _("The neighbourhood %(name)s is not in %(municipality)s."),
                "neighbourhood_not_in_municipality",
                name=neighbourhood.name,
                municipality=municipality.name,
            )


def _place_name_unique(ctx: inputs.Context) -> None:
    municipality = ctx.value("municipality")
    if ctx.ok("name", "municipality") and municipality is not None:
        namesakes = Place.objects.filter(network=ctx.network, municipality=municipality, name__iexact=ctx.value("name"))
        if _others(namesakes, getattr(ctx.instance, "pk", None)).exists():
            ctx.add_error("name", _("This Comune already has a place with this name."), "unique")


def _coordinate(bounds: tuple[Decimal, Decimal], what: Any) -> inputs.Coordinate:
    return inputs.Coordinate(
        bounds,
        params={"what": what},
        messages={
            "invalid": _("Enter a number, such as 45.133 (decimal degrees)."),
            "out_of_italy": _("The %(what)s must be between %(low)s and %(high)s: the place must be in Italy."),
        },
    )


def _required_text(limit: int, required: Any, too_long: Any) -> inputs.Text:
    return inputs.Text(required=True, max_length=limit, messages={"required": required, "max_length": too_long})


PLACE_INPUTS = inputs.Rules(
    {
        "name": _required_text(
            200, _("Enter the name of the place."), _("The name can be at most 200 characters long.")
        ),
        "kind": inputs.Choice(
            Place.Kind,
            required=True,
            messages=dict.fromkeys(("required", "invalid_choice"), _("Choose the kind of place.")),
        ),
        "municipality": inputs.Lookup(
            Municipality,
            required=True,
            scope=lambda queryset, network: queryset.filter(network_links__network=network),
            outside_code="not_in_territory",
            messages={
                "required": _("Choose the Comune of the place."),
                "invalid_choice": _("Choose the Comune of the place."),
                "not_in_territory": _("This Comune is not in the network's territory: add it first."),
            },
        ),
        "neighbourhood": inputs.Lookup(
            Neighbourhood, messages={"invalid_choice": _("This neighbourhood does not exist in this network.")}
        ),
        "address": _required_text(
            250, _("Enter the address of the place."), _("The address can be at most 250 characters long.")
        ),
        "latitude": _coordinate(ITALY_LATITUDE, _("latitude")),
        "longitude": _coordinate(ITALY_LONGITUDE, _("longitude")),
        "description": inputs.Text(),
    },
    checks=(
        _place_neighbourhood,
        inputs.point(message=_("Enter both latitude and longitude, or neither.")),
        _place_name_unique,
    ),
    messages={"unknown": _("Unknown field: %(field)s.")},
    unknown_on_all=True,
)
PLACE_FIELDS = tuple(PLACE_INPUTS.fields)


def create_place(*, actor: Any, network: Network, data: dict[str, Any]) -> Place:
    """Create a place (keys of `data`: the Place field names; municipality/neighbourhood as instances or ids)."""
    require(actor, MANAGE, network)
    place = Place(network=network)
    PLACE_INPUTS.apply(place, data, network=network)
    with transaction.atomic():
        place.save()
        record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=place, after=snapshot(place))
    return place


def update_place(*, actor: Any, place: Place, data: dict[str, Any]) -> Place:
    """Change a place; `data` holds only the fields to change."""
    network = place.network
    require(actor, MANAGE, network)
    with transaction.atomic():
        current = (
            Place.objects.select_for_update(of=("self",))
            .select_related("municipality", "neighbourhood")
            .get(pk=place.pk)
        )
        before = snapshot(current)
        PLACE_INPUTS.apply(current, data, network=network)
        current.save()
        record_event(actor=actor, action=AuditEvent.Action.UPDATE, obj=current, before=before, after=snapshot(current))
    return current


def delete_place(*, actor: Any, place: Place) -> None:
    """Delete a place."""
    network = place.network
    require(actor, MANAGE, network)
    with transaction.atomic():
        before = snapshot(place)
        delete_and_record(actor=actor, obj=place, network=network, before=before)
