"""Template context shared by every page."""

from django.conf import settings

from legami.core.permissions import can, is_member


class Capabilities:
    """What the viewer may do in the current network, checked lazily from templates."""

    def __init__(self, user, network):
        self.user = user
        self.network = network

    def has(self, capability: str) -> bool:
        return can(self.user, capability, self.network)

    @property
    def member(self) -> bool:
        return is_member(self.user, self.network)

    def __bool__(self) -> bool:
        return self.network is not None


def legami(request):
    network = getattr(request, "network", None)
    return {
        "LEGAMI_LANGUAGES": settings.LANGUAGES,
        "network": network,
        "caps": Capabilities(getattr(request, "user", None), network),
    }
