"""Demo organisations: the partners of the network, their partnership roles and fictional tax codes."""

from __future__ import annotations

import hashlib
from collections import Counter

from legami.demo import data
from legami.network.models import Organization, Partnership
from legami.network.services import organizations as organization_services


def organization_tax_code(key: str) -> str:
    """A fictional 11-digit codice fiscale / partita IVA with a valid check digit, fixed per organisation."""
    digits = [int(ch) for ch in str(int(hashlib.sha256(key.encode()).hexdigest(), 16))[:7]]
    body = [*digits, 0, 1, 9]  # seven digits, then 019: the office code of Cremona
    total = 0
    for index, digit in enumerate(body):
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return "".join(map(str, body)) + str((10 - total % 10) % 10)


def ensure_organizations(actor, network, comuni, *, created: Counter) -> dict[str, Organization]:
    """The demo organisations keyed by their data.ORGANIZATIONS key, with every partnership role."""
    by_name = {o.name: o for o in Organization.objects.filter(network=network)}
    roles = set(Partnership.objects.filter(network=network).values_list("organization__name", "role"))
    result: dict[str, Organization] = {}
    prefixes = {"Crema": "0373", "Casalmaggiore": "0375"}
    for key, name, kind, comune, address, org_roles, description in data.ORGANIZATIONS:
        org = by_name.get(name)
        if org is None:
            number = int(hashlib.sha256(name.encode()).hexdigest(), 16)
            org = organization_services.create_organization(
                actor=actor,
                network=network,
                data={
                    "name": name,
                    "kind": kind,
                    "tax_code": "" if kind == Organization.Kind.INFORMAL_GROUP else organization_tax_code(key),
                    "municipality": comuni[comune],
                    "address": address,
                    "email": f"{key}@legami.demo",
                    "phone": f"{prefixes.get(comune, '0372')} {number % 900000 + 100000}",
                    "description": description,
                },
            )
            created["organizations"] += 1
        for role in org_roles:
            if (name, role) not in roles:
                organization_services.add_partnership_role(
                    actor=actor, organization=org, role=role, since=data.PARTNERSHIP_SINCE
                )
                created["partnership roles"] += 1
        result[key] = org
    return result
