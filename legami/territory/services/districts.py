"""The network's social districts (ambiti): groups of its Comuni, each Comune in one district at most."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.territory.capabilities import MANAGE_TERRITORY as MANAGE
from legami.territory.models import Municipality, NetworkMunicipality, SocialDistrict
from legami.territory.services.common import Network, istat_municipalities, link_label, list_names
from legami.territory.usage import DISTRICT, count_uses, describe_uses


def _in_no_other_district(ctx: inputs.Context) -> None:
    """A Comune can be in only one district: the chosen ones are in no other district of the network."""
    if not ctx.given("municipalities"):
        return
    links = NetworkMunicipality.objects.filter(
        network=ctx.network, municipality__in=ctx.values["municipalities"], district__isnull=False
    )
    if ctx.instance is not None:
        links = links.exclude(district_id=ctx.instance.pk)
    elsewhere = [
        link_label(link) for link in links.select_related("municipality", "district").order_by("municipality__name")
    ]
    if elsewhere:
        ctx.add_error(
            "municipalities",
            _(
                "Already in another district: %(names)s. A Comune can be in only one district: "
                "take it out of the other district first."
            ),
            "other_district",
            names=list_names(elsewhere),
        )


# A district's name, its regional code and, when given, its Comuni (of the ISTAT list, in no other district).
DISTRICT_INPUTS = inputs.Rules(
    {
        "name": inputs.Text(
            required=True,
            max_length=max_length_of(SocialDistrict, "name"),
            messages={
                "required": _("Enter the name of the district."),
                "max_length": _("The name can be at most 150 characters long."),
            },
        ),
        "code": inputs.Text(
            max_length=max_length_of(SocialDistrict, "code"),
            messages={"max_length": _("The code can be at most 30 characters long.")},
        ),
        "municipalities": istat_municipalities(),
    },
    checks=(
        inputs.unique(
            SocialDistrict, "name", lookup="iexact", message=_("This network already has a district with this name.")
        ),
        _in_no_other_district,
    ),
)


def _district_snapshot(district: SocialDistrict) -> dict[str, Any]:
    data = snapshot(district) or {}
    data["municipalities"] = sorted(
        NetworkMunicipality.objects.filter(district=district).values_list("municipality__istat_code", flat=True)
    )
    return data


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
    values = DISTRICT_INPUTS.clean({"name": name, "code": code, "municipalities": municipalities}, network=network)
    with transaction.atomic():
        district = SocialDistrict.objects.create(network=network, name=values["name"], code=values["code"])
        _set_district_members(actor=actor, network=network, district=district, municipalities=values["municipalities"])
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
    data = {"name": name, "code": code} | ({} if municipalities is None else {"municipalities": municipalities})
    values = DISTRICT_INPUTS.clean(data, network=network, instance=district)
    with transaction.atomic():
        district = SocialDistrict.objects.select_for_update().get(pk=district.pk)
        before = _district_snapshot(district)
        district.name, district.code = values["name"], values["code"]
        district.save(update_fields=["name", "code", "updated_at"])
        if "municipalities" in values:
            _set_district_members(
                actor=actor, network=network, district=district, municipalities=values["municipalities"]
            )
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
