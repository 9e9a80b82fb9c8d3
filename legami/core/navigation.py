"""The network's menu: purpose groups declared here, entries added by each app.

`core` imports no domain app, so it cannot list their pages itself: each app has a
`navigation.py` module that calls `register()` when it is imported, and `CoreConfig.ready()`
imports every installed app's `navigation` module (as the admin does with `admin.py`). A new
part adds its pages to a purpose group with a few lines there and nothing else changes.

The menu shows a viewer only the entries whose capability they hold, and hides a group with
nothing left in it. `nav` is the key a view puts in its context (`{"nav": "people"}`): the entry
with that key, and its group, are marked as current (aria-current).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

Label = str | Promise


@dataclass(frozen=True)
class Group:
    """A purpose group of the menu (a dropdown in the header)."""

    key: str
    label: Label
    order: int


@dataclass(frozen=True)
class Entry:
    """A page in the menu. `url_name` takes the network's slug as its only argument; `capability`
    None means every member of the network may open it."""

    group: str | None
    label: Label
    url_name: str
    nav: str
    capability: str | None = None
    order: int = 100


@dataclass(frozen=True)
class MenuEntry:
    label: Label
    url: str
    current: bool


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: Label
    entries: tuple[MenuEntry, ...]

    @property
    def current(self) -> bool:
        return any(entry.current for entry in self.entries)


@dataclass(frozen=True)
class Menu:
    """What one viewer sees: the links outside any group (the dashboard), then the groups."""

    links: tuple[MenuEntry, ...]
    groups: tuple[MenuGroup, ...]

    def __bool__(self) -> bool:
        return bool(self.links or self.groups)


class Registry:
    """Groups and entries, checked as they are registered: a clash fails at start-up, not on a page."""

    def __init__(self) -> None:
        self._groups: dict[str, Group] = {}
        self._entries: dict[str, Entry] = {}

    def register_group(self, group: Group) -> Group:
        """Declare a purpose group; declaring the same group again is harmless, a different one fails."""
        known = self._groups.get(group.key)
        if known is not None and known != group:
            raise ImproperlyConfigured(f"navigation group {group.key!r} is declared twice, differently")
        self._groups[group.key] = group
        return group

    def register(self, *entries: Entry) -> None:
        """Add entries to their groups; each `nav` key names one page of the menu."""
        for entry in entries:
            if entry.group is not None and entry.group not in self._groups:
                raise ImproperlyConfigured(
                    f"navigation entry {entry.nav!r} names the group {entry.group!r}, which is not declared"
                )
            known = self._entries.get(entry.nav)
            if known is not None and known != entry:
                raise ImproperlyConfigured(f"navigation key {entry.nav!r} is registered twice, differently")
            self._entries[entry.nav] = entry

    @property
    def groups(self) -> tuple[Group, ...]:
        return tuple(sorted(self._groups.values(), key=lambda g: (g.order, g.key)))

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(sorted(self._entries.values(), key=lambda e: (e.order, e.nav)))

    def menu(self, *, slug: str, allowed: Callable[[str], bool], current: str | None) -> Menu:
        """The menu of one viewer: `allowed(capability)` says what they hold in the network `slug`."""
        visible = [e for e in self.entries if e.capability is None or allowed(e.capability)]

        def item(entry: Entry) -> MenuEntry:
            return MenuEntry(entry.label, reverse(entry.url_name, args=[slug]), entry.nav == current)

        links = tuple(item(e) for e in visible if e.group is None)
        groups = []
        for group in self.groups:
            inside = tuple(item(e) for e in visible if e.group == group.key)
            if inside:
                groups.append(MenuGroup(group.key, group.label, inside))
        return Menu(links, tuple(groups))

    def problems(self, *, known_capabilities: Iterable[str]) -> list[str]:
        """What is wrong with the registered entries: a route that does not reverse, an unknown capability."""
        known = set(known_capabilities)
        found = []
        for entry in self.entries:
            try:
                reverse(entry.url_name, args=["slug"])
            except NoReverseMatch:
                found.append(f"navigation entry {entry.nav!r}: the route {entry.url_name!r} does not take a slug")
            if entry.capability is not None and entry.capability not in known:
                found.append(f"navigation entry {entry.nav!r}: unknown capability {entry.capability!r}")
        return found


registry = Registry()

# The purpose groups. Later parts join one of these rather than adding top-level items, so the
# header keeps six menus however many parts the platform grows (participation and co-design go to
# Community, exchange and activities to Responses, pacts and referrals to their group, and so on).
COMMUNITY = registry.register_group(Group("community", _("Community"), 10)).key
NEEDS = registry.register_group(Group("needs", _("Needs"), 20)).key
RESPONSES = registry.register_group(Group("responses", _("Responses"), 30)).key
PACTS = registry.register_group(Group("pacts", _("Pacts and referrals"), 40)).key
IMPACT = registry.register_group(Group("impact", _("Impact"), 50)).key
NETWORK = registry.register_group(Group("network", _("Network"), 60)).key


def register(*entries: Entry) -> None:
    """Add entries to the menu (call it from an app's `navigation.py`)."""
    registry.register(*entries)


def autodiscover() -> None:
    """Import each installed app's `navigation` module, which registers its entries."""
    autodiscover_modules("navigation")
