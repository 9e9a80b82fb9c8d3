"""The network's territory: the Comuni of the ISTAT list it adds, and takes out again."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.territory.capabilities import MANAGE_TERRITORY as MANAGE
from legami.territory.models import Municipality, NetworkMunicipality, SocialDistrict
from legami.territory.selectors.municipalities import municipality_usage
from legami.territory.services.common import Network, istat_municipalities, link_label, list_names
from legami.territory.usage import MUNICIPALITY, describe_uses

# The Comuni added to the territory, and the district of the network they go into (if any).
TERRITORY_INPUTS = inputs.Rules(
    {
        "municipalities": istat_municipalities(required=True, messages={"required": _("Choose at least one Comune.")}),
        "district": inputs.Lookup(
            SocialDistrict, messages={"invalid_choice": _("This district does not belong to this network.")}
        ),
    }
)


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _refuse_other_districts(
    municipalities: list[Municipality], existing: dict[Any, NetworkMunicipality], district: SocialDistrict
) -> None:
    """A Comune can be in only one district: none of `municipalities` may be in a district other than `district`."""
    elsewhere = [
        link_label(link)
        for m in municipalities
        if (link := existing.get(m.pk)) is not None and link.district_id not in (None, district.pk)
    ]
    if elsewhere:
        raise ValidationError(
            {
                "municipalities": ValidationError(
                    _("Already in another district: %(names)s. A Comune can be in only one district."),
                    code="other_district",
                    params={"names": list_names(elsewhere)},
                )
            }
        )


def add_municipalities(
    *, actor: Any, network: Network, municipalities: Iterable[Any], district: SocialDistrict | None = None
) -> list[NetworkMunicipality]:
    """Add Comuni from the ISTAT list to the network's territory (optionally into a district); returns the new rows."""
    require(actor, MANAGE, network)
    values = TERRITORY_INPUTS.clean({"municipalities": municipalities, "district": district}, network=network)
    resolved, district = values["municipalities"], values["district"]
    existing = {
        link.municipality_id: link
        for link in NetworkMunicipality.objects.filter(network=network, municipality__in=resolved).select_related(
            "municipality", "district"
        )
    }
    if district is not None:
        _refuse_other_districts(resolved, existing, district)
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
