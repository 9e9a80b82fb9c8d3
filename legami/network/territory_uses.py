"""The network app's rows that refer to the territory, counted before a Comune, a neighbourhood or a
district is taken away (see `legami.territory.usage`; registered from NetworkConfig.ready())."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import ngettext

from legami.accounts.models import Invitation
from legami.network.models import Household, Membership, Organization, Person
from legami.territory.usage import DISTRICT, MUNICIPALITY, NEIGHBOURHOOD, Use, register_use


def _people(n: int) -> str:
    return ngettext("%(count)d person", "%(count)d people", n) % {"count": n}


def _households(n: int) -> str:
    return ngettext("%(count)d household", "%(count)d households", n) % {"count": n}


def _organizations(n: int) -> str:
    return ngettext("%(count)d organisation", "%(count)d organisations", n) % {"count": n}


def _memberships(n: int) -> str:
    return ngettext("%(count)d member is limited to it", "%(count)d members are limited to it", n) % {"count": n}


def _invitations(n: int) -> str:
    return ngettext("%(count)d invitation for it is pending", "%(count)d invitations for it are pending", n) % {
        "count": n
    }


def _active_memberships():
    return Membership.objects.filter(is_active=True)


def _pending_invitations():
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


def register_territory_uses() -> None:
    """People, households and organisations live in a Comune (and maybe a neighbourhood); members and
    pending invitations may be limited to a district."""
    register_use(MUNICIPALITY, Use("people", Person.objects.all, "municipality", _people))
    register_use(MUNICIPALITY, Use("households", Household.objects.all, "municipality", _households))
    register_use(MUNICIPALITY, Use("organizations", Organization.objects.all, "municipality", _organizations))
    register_use(NEIGHBOURHOOD, Use("people", Person.objects.all, "neighbourhood", _people))
    register_use(NEIGHBOURHOOD, Use("households", Household.objects.all, "neighbourhood", _households))
    register_use(DISTRICT, Use("memberships", _active_memberships, "district", _memberships))
    register_use(DISTRICT, Use("invitations", _pending_invitations, "district", _invitations))
