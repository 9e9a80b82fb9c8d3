"""Each proposal explained in plain words of the active language: "stessa area: Casa; a 1,2 km; entrambi…"."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import get_language, get_language_info, gettext

from legami.needs.timewindows import format_time_windows

from .model import Proposal


def _language_name(code: str) -> str:
    try:
        name = str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
    # Italian writes the names of languages in lower case ("parla italiano e arabo")
    return name.lower() if (get_language() or "").startswith("it") else name


def _join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {gettext('and')} {items[-1]}"


def explain(proposal: Proposal, *, area_label: str) -> str:
    """Why this need and this offer go together, in one sentence of the active language."""
    parts = [
        gettext("same area: %(area)s") % {"area": area_label},
        gettext("%(km)s km away") % {"km": number_format(round(proposal.distance_km, 1), decimal_pos=1)},
    ]
    if proposal.shared_windows:
        parts.append(gettext("both available %(windows)s") % {"windows": format_time_windows(proposal.shared_windows)})
    if proposal.languages:
        names = sorted(_language_name(code) for code in proposal.languages)
        parts.append(gettext("speaks %(languages)s") % {"languages": _join(names)})
    return "; ".join(parts)
