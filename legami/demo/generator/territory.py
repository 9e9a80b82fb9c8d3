"""Demo territory: the ISTAT Comuni of Cremona, the three social districts, neighbourhoods and places."""

from __future__ import annotations

from collections import Counter

from legami.demo import data
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality, Place, SocialDistrict
from legami.territory.services.districts import create_district
from legami.territory.services.istat_import import import_istat
from legami.territory.services.municipalities import add_municipalities
from legami.territory.services.neighbourhoods import create_neighbourhood
from legami.territory.services.places import create_place


def ensure_territory(admin, actor, network, *, created: Counter) -> dict[str, Municipality]:
    """The province's Comuni by name, each linked to its district in the network."""
    comuni = {m.name: m for m in Municipality.objects.filter(province__abbreviation="CR")}
    if len(comuni) < 100:
        import_istat(province="CR", actor=admin)
        comuni = {m.name: m for m in Municipality.objects.filter(province__abbreviation="CR")}
    existing = {d.name: d for d in SocialDistrict.objects.filter(network=network)}
    for name in (data.CREMONESE, data.CREMASCO, data.CASALASCO):
        members = [comuni[c] for c in sorted(comuni) if data.district_of(c) == name]
        district = existing.get(name)
        if district is None:
            create_district(
                actor=actor, network=network, name=name, code=data.DISTRICT_CODES[name], municipalities=members
            )
            created["districts"] += 1
            continue
        linked = set(
            NetworkMunicipality.objects.filter(network=network, district=district).values_list(
                "municipality_id", flat=True
            )
        )
        missing = [m for m in members if m.pk not in linked]
        if missing:
            add_municipalities(actor=actor, network=network, municipalities=missing, district=district)
            created["district members"] += len(missing)
    return comuni


def ensure_neighbourhoods(actor, network, comuni, *, created: Counter) -> dict[tuple[str, str], Neighbourhood]:
    """The demo neighbourhoods keyed by (Comune, name)."""
    existing = {
        (n.municipality.name, n.name): n
        for n in Neighbourhood.objects.filter(network=network).select_related("municipality")
    }
    for comune, name, description in data.NEIGHBOURHOODS:
        if (comune, name) not in existing:
            existing[(comune, name)] = create_neighbourhood(
                actor=actor, network=network, municipality=comuni[comune], name=name, description=description
            )
            created["neighbourhoods"] += 1
    return existing


def ensure_places(actor, network, comuni, neighbourhoods, *, created: Counter) -> None:
    """The demo places, matched on (Comune, name)."""
    existing = set(Place.objects.filter(network=network).values_list("municipality__name", "name"))
    for comune, area, name, kind, address, latitude, longitude, description in data.PLACES:
        if (comune, name) in existing:
            continue
        create_place(
            actor=actor,
            network=network,
            data={
                "name": name,
                "kind": kind,
                "municipality": comuni[comune],
                "neighbourhood": neighbourhoods[(comune, area)] if area else None,
                "address": address,
                "latitude": latitude,
                "longitude": longitude,
                "description": description,
            },
        )
        created["places"] += 1
