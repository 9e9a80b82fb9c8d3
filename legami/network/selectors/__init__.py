"""Reads of networks; per-domain selectors live in the modules of this package."""

from __future__ import annotations

from django.http import Http404

from legami.network.models import Network


def get_network_by_slug(slug: str) -> Network:
    """The active network with this slug, or 404."""
    try:
        return Network.objects.get(slug=slug, is_active=True)
    except Network.DoesNotExist as exc:
        raise Http404 from exc


def list_public_networks():
    """Active networks, for the landing page."""
    return Network.objects.filter(is_active=True).only("name", "slug", "summary").order_by("name")
