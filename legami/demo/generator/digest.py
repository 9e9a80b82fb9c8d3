"""The demo's fingerprint: its content without ids or timestamps, to compare two runs."""

from __future__ import annotations

import hashlib

from legami.core.models import Consent
from legami.network.models import Network, Organization, Person, Tie
from legami.territory.models import NetworkMunicipality


def demo_digest(network: Network) -> str:
    """A fingerprint of the demo's content, free of ids and timestamps (equal on any two fresh databases)."""
    lines: list[str] = []
    for p in Person.objects.filter(network=network).select_related("municipality", "neighbourhood", "household"):
        lines.append(
            "P|"
            + "|".join(
                str(v)
                for v in (
                    p.first_name,
                    p.last_name,
                    p.tax_code,
                    p.birth_date,
                    p.gender,
                    p.email,
                    p.phone,
                    p.address,
                    p.municipality.istat_code if p.municipality else "",
                    p.neighbourhood.name if p.neighbourhood else "",
                    p.household.name if p.household else "",
                    p.household_role,
                )
            )
        )
    for t in Tie.objects.filter(network=network).select_related(
        "source_person", "target_person", "source_organization", "target_organization"
    ):
        lines.append(f"T|{t.kind}|{t.direction}|{t.source}|{t.target}|{t.since}|{t.note}")
    for o in Organization.objects.filter(network=network).prefetch_related("partnerships"):
        roles = ",".join(sorted(p.role for p in o.partnerships.all()))
        lines.append(f"O|{o.name}|{o.kind}|{o.tax_code}|{roles}")
    for n in NetworkMunicipality.objects.filter(network=network).select_related("municipality", "district"):
        lines.append(f"M|{n.municipality.istat_code}|{n.district.name if n.district else ''}")
    for c in Consent.objects.filter(person__network=network).select_related("person", "processing"):
        lines.append(f"C|{c.person.tax_code or c.person.full_name}|{c.person.birth_date}|{c.processing.code}|{c.given}")
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
