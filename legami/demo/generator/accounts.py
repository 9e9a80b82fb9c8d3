"""Demo accounts: the platform admin, the network and the memberships, each created only if missing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from legami.demo import data
from legami.network.models import Membership, Network
from legami.network.services import members as member_services
from legami.network.services import networks as network_services


@dataclass
class Account:
    email: str
    full_name: str
    role: str
    scope: str


def ensure_admin(*, created: Counter):
    """The platform admin, the one account created outside the services."""
    User = get_user_model()
    admin = User.objects.filter(email__iexact=data.ADMIN_EMAIL).first()
    if admin is None:
        # The platform admin comes first: no service can act before someone may act.
        admin = User.objects.create_superuser(
            username=data.ADMIN_EMAIL,
            email=data.ADMIN_EMAIL,
            password=data.PASSWORD,
            full_name="Amministrazione piattaforma",
        )
        created["users"] += 1
    return admin


def ensure_network(admin, *, created: Counter) -> Network:
    """The demo network, created by the platform admin."""
    network = Network.objects.filter(slug=data.NETWORK["slug"]).first()
    if network is None:
        network = network_services.create_network(actor=admin, **data.NETWORK)
        created["networks"] += 1
    return network


def ensure_account(*, inviter, network, email, full_name, role, organization=None, district=None, created: Counter):
    """A member with this role, invited and accepted on the spot unless already active."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and Membership.objects.filter(network=network, user=user, role=role, is_active=True).exists():
        return user
    _invitation, token = member_services.invite_member(
        actor=inviter,
        network=network,
        email=email,
        role=role,
        full_name=full_name,
        organization=organization,
        district=district,
    )
    membership = member_services.accept_invitation(
        raw_token=token, user=user, full_name=full_name, password=data.PASSWORD
    )
    created["memberships"] += 1
    if user is None:
        created["users"] += 1
    return membership.user
