"""Summary panels that apps add to a network's pages: the members' dashboard and the public home.

The network app owns both pages but cannot import the apps built on it (needs, aggregation…). Each
app registers a builder here from its AppConfig.ready(); the page asks every builder for the panels
the viewer may use. A builder checks the viewer's capabilities itself, returns nothing it may not
see, and runs a constant number of queries, so the page does too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PanelFigure:
    """One figure of a panel: a count (or the mark of a hidden one) and where to drill down, if allowed."""

    label: str
    value: int | str
    url: str = ""
    # Why the value is not a number (e.g. hidden under k-anonymity), shown beside it.
    note: str = ""


@dataclass(frozen=True)
class PanelLink:
    """A link of a panel: a page or an action the viewer may use."""

    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Panel:
    """A group of figures and links with one purpose (e.g. Needs), shown as a card."""

    key: str
    title: str
    order: int
    description: str = ""
    figures: tuple[PanelFigure, ...] = field(default_factory=tuple)
    links: tuple[PanelLink, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.figures and not self.links


PanelBuilder = Callable[[Any, Any], Iterable[Panel]]


class PanelRegistry:
    """The builders of one page's panels, in registration order; the panels come out sorted by `order`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._builders: list[PanelBuilder] = []

    def register(self, builder: PanelBuilder) -> PanelBuilder:
        """Add `builder(viewer, network)` (once per function); returns it, so it works as a decorator."""
        if not callable(builder):
            raise TypeError(f"{self.name}: a panel builder must be callable, not {builder!r}")
        if builder not in self._builders:
            self._builders.append(builder)
        return builder

    def panels(self, viewer: Any, network: Any) -> list[Panel]:
        """The non-empty panels every builder gives `viewer` in `network`, by order then key (keys are unique)."""
        found: dict[str, Panel] = {}
        for builder in list(self._builders):
            for panel in builder(viewer, network) or ():
                if panel.key in found:
                    raise ValueError(f"{self.name}: two panels have the key {panel.key!r}")
                found[panel.key] = panel
        return sorted((p for p in found.values() if not p.is_empty), key=lambda p: (p.order, p.key))


# The members' dashboard (network:dashboard) and the network's public home (network:home).
DASHBOARD = PanelRegistry("dashboard")
PUBLIC_HOME = PanelRegistry("public home")
