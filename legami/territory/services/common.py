"""What several territory writes share: the network type, the Comuni of the ISTAT list, names in messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from legami.territory.models import Municipality, NetworkMunicipality
from legami.territory.usage import MUNICIPALITY, describe_uses

# A network (settings.LEGAMI_NETWORK_MODEL): territory sits below the network app and does not import it.
Network = Any


def raise_if(errors: dict[str, list]) -> None:
    if errors:
        raise ValidationError(errors)


def resolve_municipalities(values: Iterable[Any] | None) -> list[Municipality]:
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


def others(queryset: models.QuerySet, pk: Any) -> models.QuerySet:
    """`queryset` without the row being edited (nothing to leave out when creating)."""
    return queryset if pk is None else queryset.exclude(pk=pk)


def link_label(link: NetworkMunicipality) -> str:
    district = link.district.name if link.district is not None else "-"
    return f"{link.municipality.name} ({district})"


def list_names(names: Iterable[str]) -> str:
    return ", ".join(names)


def usage_text(usage: dict[str, int]) -> str:
    return ", ".join(describe_uses(MUNICIPALITY, usage))
