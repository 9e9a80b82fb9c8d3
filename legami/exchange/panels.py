"""The exchange app on other pages: the public home invites anyone to offer their help."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from legami.core.panels import Panel, PanelLink

ORDER = 20


def public_home_panels(viewer: Any, network: Any) -> Iterator[Panel]:
    """The public offer form, for anyone who has time, a skill, goods, a space or a lift to give."""
    yield Panel(
        key="offers",
        title=_("Offer your help"),
        order=ORDER,
        description=_(
            "Time, a skill, things you no longer use, a space, a lift by car: the network matches what you offer "
            "with the needs of the community, and asks you first."
        ),
        links=(PanelLink(_("Offer your help"), reverse("exchange:offer_public", args=[network.slug]), ""),),
    )
