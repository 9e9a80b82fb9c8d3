"""The languages an offer or a need may name: ISO 639-1 codes with their names (shown in the UI's language)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from legami.core import inputs

# The languages most spoken in Italian communities, Italian first; a code outside the list is refused.
LANGUAGES: dict[str, object] = {
    "it": _("Italian"),
    "en": _("English"),
    "fr": _("French"),
    "es": _("Spanish"),
    "de": _("German"),
    "pt": _("Portuguese"),
    "ro": _("Romanian"),
    "sq": _("Albanian"),
    "ar": _("Arabic"),
    "uk": _("Ukrainian"),
    "ru": _("Russian"),
    "pl": _("Polish"),
    "zh": _("Chinese"),
    "hi": _("Hindi"),
    "pa": _("Punjabi"),
    "ur": _("Urdu"),
    "bn": _("Bengali"),
    "wo": _("Wolof"),
    "ff": _("Fula"),
    "tl": _("Tagalog"),
    "lis": _("Italian Sign Language (LIS)"),
}
# Names people write instead of codes ("italiano, inglese"), folded to lower case.
_NAMES = {
    "italiano": "it",
    "inglese": "en",
    "francese": "fr",
    "spagnolo": "es",
    "tedesco": "de",
    "portoghese": "pt",
    "rumeno": "ro",
    "romeno": "ro",
    "albanese": "sq",
    "arabo": "ar",
    "ucraino": "uk",
    "russo": "ru",
    "polacco": "pl",
    "cinese": "zh",
    "hindi": "hi",
    "punjabi": "pa",
    "urdu": "ur",
    "bengalese": "bn",
    "wolof": "wo",
    "fula": "ff",
    "tagalog": "tl",
    "italian": "it",
    "english": "en",
    "french": "fr",
    "spanish": "es",
    "german": "de",
    "arabic": "ar",
    "ukrainian": "uk",
    "romanian": "ro",
    "albanian": "sq",
    "chinese": "zh",
}


def language_code(word: str) -> str | None:
    """The code of a language given by code or by name (Italian or English), None when unknown."""
    folded = word.strip().lower()
    if folded in LANGUAGES:
        return folded
    return _NAMES.get(folded)


def language_names(codes: Iterable[str]) -> str:
    """The languages' names, comma separated, in the order given (unknown codes as they are)."""
    return ", ".join(str(LANGUAGES.get(code, code)) for code in codes)


class LanguagesField(inputs.Field):
    """Languages as ISO codes or names ("it, en", "italiano e arabo", a list); cleaned to a list of codes."""

    default_messages = {"unknown": _("Unknown language: %(value)s. Write its name or its two-letter code.")}

    def clean(self, value: Any, ctx: inputs.Context) -> list[str]:
        if value in (None, ""):
            return []
        words = re.split(r"\s*(?:,|;|/|\be\b|\band\b)\s*", value.strip()) if isinstance(value, str) else value
        try:
            words = list(words)
        except TypeError:
            raise self.error("unknown", value=str(value)[:40]) from None
        codes: list[str] = []
        for word in words:
            if not isinstance(word, str):
                raise self.error("unknown", value=str(word)[:40])
            if not word.strip():
                continue
            code = language_code(word)
            if code is None:
                raise self.error("unknown", value=word.strip()[:40])
            if code not in codes:
                codes.append(code)
        return codes
