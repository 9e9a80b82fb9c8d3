"""Plain-language summaries, titles and reasons of aggregated demands, in the active language.

Nothing here reads the database: the callers pass figures, names and keywords. No personal data
goes in: keywords are kept only when several needs share them (see `shared_keywords`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from legami.needs.models import TargetGroup

# How many words characterise a demand at most.
MAX_KEYWORDS = 5

# Italian function words, so that recomputed keywords are content words.
STOP_WORDS = frozenset(
    """
    a ad al alla alle allo agli ai anche ancora avere bene c che chi ci come con contro cosa da dal dalla dalle dai
    degli dei del della delle dello di dove e ed essere fare fino gli ha hanno ho i il in io la le lei li lo loro lui
    ma me mi mia mie miei mio molto ne nei nel nella nelle nello noi non nostra nostro o ogni per perche piu poco
    poi potere qua quale quando quanto quella quelle quelli quello questa queste questi questo qui se sempre senza si
    sia siamo sono sta stare su sua sue sul sulla suo suoi ti tra tu tua tuo tutti tutto un una uno vi voi volere
    anno giorno settimana ora avere dovere stesso altro altra tanto solo essere stato già gia via
    """.split()
)
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)

_DAYS = {
    0: lambda: gettext("on Monday"),
    1: lambda: gettext("on Tuesday"),
    2: lambda: gettext("on Wednesday"),
    3: lambda: gettext("on Thursday"),
    4: lambda: gettext("on Friday"),
    5: lambda: gettext("on Saturday"),
    6: lambda: gettext("on Sunday"),
}


def _people_phrase(target_group: str, count: int) -> str:
    """“14 famiglie”, “1 anziano”: the number of people with the group's noun, in the right number."""
    phrases: dict[str, Callable[[int], str]] = {
        TargetGroup.MINORS: lambda n: ngettext("%(count)d child or teenager", "%(count)d children and teenagers", n),
        TargetGroup.YOUNG_PEOPLE: lambda n: ngettext("%(count)d young person", "%(count)d young people", n),
        TargetGroup.FAMILIES: lambda n: ngettext("%(count)d family", "%(count)d families", n),
        TargetGroup.ADULTS: lambda n: ngettext("%(count)d adult in difficulty", "%(count)d adults in difficulty", n),
        TargetGroup.ELDERLY: lambda n: ngettext("%(count)d older person", "%(count)d older people", n),
        TargetGroup.DISABILITY: lambda n: ngettext(
            "%(count)d person with disabilities", "%(count)d people with disabilities", n
        ),
        TargetGroup.MIGRANTS: lambda n: ngettext("%(count)d migrant", "%(count)d migrants", n),
        TargetGroup.CAREGIVERS: lambda n: ngettext("%(count)d caregiver", "%(count)d caregivers", n),
    }
    phrase = phrases.get(target_group, lambda n: ngettext("%(count)d person", "%(count)d people", n))
    return phrase(count) % {"count": count}


def target_group_label(target_group: str) -> str:
    """The group's name in lower case for running text (“famiglie”)."""
    try:
        label = str(TargetGroup(target_group).label)
    except ValueError:
        return target_group
    return label[:1].lower() + label[1:]


def _clock(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}" if rest == 0 else f"{hours}:{rest:02d}"


def _join(parts: Sequence[str]) -> str:
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def spoken_time_windows(windows: Iterable[Any]) -> str:
    """Time windows in running text with full day names: “il martedì e il giovedì 16–18”."""
    by_hours: dict[tuple[int, int], list[int]] = {}
    for window in sorted(windows, key=lambda w: (w.day, w.start, w.end)):
        by_hours.setdefault((window.start, window.end), []).append(window.day)
    pieces = []
    for (start, end), days in sorted(by_hours.items(), key=lambda item: (min(item[1]), item[0])):
        day_names = [_DAYS[day]() for day in sorted(set(days)) if day in _DAYS]
        pieces.append(f"{_join(day_names)} {_clock(start)}–{_clock(end)}")
    return _join(pieces)


def _join_or(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def spoken_alternative_windows(windows: Iterable[Any]) -> str:
    """Slots of which each member asks some, not all: “il martedì o il giovedì 16–18”."""
    by_hours: dict[tuple[int, int], list[int]] = {}
    for window in sorted(windows, key=lambda w: (w.day, w.start, w.end)):
        by_hours.setdefault((window.start, window.end), []).append(window.day)
    pieces = []
    for (start, end), days in sorted(by_hours.items(), key=lambda item: (min(item[1]), item[0])):
        day_names = [_DAYS[day]() for day in sorted(set(days)) if day in _DAYS]
        pieces.append(f"{_join_or(day_names)} {_clock(start)}–{_clock(end)}")
    return _join_or(pieces)


def short_alternative_windows(windows: Iterable[Any]) -> str:
    """The short form of the same: “mar o gio 16–18”."""
    from legami.needs.timewindows import MINUTES_PER_DAY, TimeWindow, format_time_windows

    by_hours: dict[tuple[int, int], list[int]] = {}
    for window in sorted(windows, key=lambda w: (w.day, w.start, w.end)):
        by_hours.setdefault((window.start, window.end), []).append(window.day)
    pieces = []
    for (start, end), days in sorted(by_hours.items(), key=lambda item: (min(item[1]), item[0])):
        labels = [format_time_windows([TimeWindow(day, 0, MINUTES_PER_DAY)]) for day in sorted(set(days))]
        pieces.append(f"{_join_or(labels)} {_clock(start)}–{_clock(end)}")
    return _join_or(pieces)


def _fold(text: str) -> str:
    """Lower case without accents, to compare words however they were written."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _lemmas(text: str) -> set[str]:
    from legami.aggregation.engine.text import lemmas

    return {lemma for lemma in lemmas(text or "") if len(lemma) >= 3 and lemma not in STOP_WORDS}


def description_terms(text: str) -> set[str]:
    """The content words of a description, folded, both as written and as lemmas (as the engine makes them)."""
    words = {_fold(m.group(0)) for m in _WORD.finditer(text or "")}
    return (words - STOP_WORDS) | _lemmas(text)


# Days and parts of the day are the time windows' business (a rule and a reason of their own): as keywords
# they would make titles like "Giovedì — Cremona".
TIME_WORDS = frozenset(
    "lunedi martedi mercoledi giovedi venerdi sabato domenica mattina mattino mattinata pomeriggio sera serata "
    "notte ora orario settimana settimanale giorno giornata weekend fine".split()
)


# Words that name no need: the boilerplate of any request or report. A title or a summary built on them
# ("Segnalare — Cremona") says nothing a coordinator can act on.
GENERIC_WORDS = frozenset(
    """
    segnalare segnalazione segnalato richiesta richiedere chiedere domanda domandare bisogno aiuto aiutare problema
    problematico difficolta difficile situazione necessita necessitare servizio persona famiglia nucleo utente
    signora signore cercare trovare avere volere potere dovere riuscire fare dire sapere vedere caso
    """.split()
) | frozenset(
    # who asks, not what they ask for: "chiedono un ragazzo" would be nonsense
    """
    ragazzo ragazza ragazzi ragazze bambino bambina bambini bambine bimbo bimba bimbi figlio figlia figli
    giovane giovani anziano anziana anziani minore minori adolescente adolescenti genitore genitori mamma
    madre padre papa nonno nonna nonni famiglie cittadino cittadini abitante abitanti vicino vicini
    studente studentessa studenti alunno alunni
    """.split()
)


def names_a_need(word: str) -> bool:
    """True for a keyword that can stand for what is asked: a noun that is not boilerplate."""
    folded = _fold(word)
    return _looks_like_noun(word) and folded not in GENERIC_WORDS and folded not in TIME_WORDS and len(folded) >= 3


def without_place_names(keywords: Iterable[str], places: Iterable[str]) -> list[str]:
    """The keywords that are not a word of these place names."""
    words = {_fold(word) for name in places for word in re.split(r"[\W_]+", name) if word}
    return [keyword for keyword in keywords if _fold(keyword) not in words]


def shared_keywords(
    keywords: Iterable[str],
    descriptions: Sequence[str],
    *,
    subjects: Sequence[Hashable] | None = None,
    min_needs: int = 2,
) -> list[str]:
    """The keywords that occur in the descriptions of at least `min_needs` different subjects (a word of one
    need, or of one person's several needs, may identify them). `subjects[i]` is whose description i is
    (a person, a household, or the need itself); without it, each description is its own subject."""
    term_sets = [description_terms(text) for text in descriptions]
    owners = list(subjects) if subjects is not None else list(range(len(descriptions)))
    kept: list[str] = []
    for keyword in keywords:
        folded = _fold(keyword)
        if folded in TIME_WORDS:
            continue
        sharing = {owners[i] for i, terms in enumerate(term_sets) if folded in terms}
        if len(sharing) >= min_needs and keyword not in kept:
            kept.append(keyword)
    return kept[:MAX_KEYWORDS]


def recompute_keywords(
    descriptions: Sequence[str],
    *,
    subjects: Sequence[Hashable] | None = None,
    preferred: Sequence[str] = (),
    limit: int = MAX_KEYWORDS,
) -> list[str]:
    """Keywords for a changed group: the former ones still shared by several subjects, then the lemmas shared
    by most subjects (see shared_keywords)."""
    kept = shared_keywords(preferred, descriptions, subjects=subjects)
    owners = list(subjects) if subjects is not None else list(range(len(descriptions)))
    lemmas_of: dict[Hashable, set[str]] = {}
    for owner, text in zip(owners, descriptions, strict=True):
        lemmas_of.setdefault(owner, set()).update(_lemmas(text))
    counts: Counter[str] = Counter()
    for lemmas in lemmas_of.values():
        counts.update(lemmas)
    folded_kept = {_fold(k) for k in kept}
    for lemma, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if len(kept) >= limit or n < 2:
            break
        if lemma not in folded_kept and lemma not in TIME_WORDS:
            kept.append(lemma)
            folded_kept.add(lemma)
    return kept[:limit]


def _with_article(word: str) -> str:
    """Italian indefinite article guessed from the word's ending (“un doposcuola”, “una badante”)."""
    if not translation.get_language() or not translation.get_language().startswith("it"):
        return word
    lower = word.casefold()
    vowel = lower[:1] in "aeiouàèéìòù"
    if lower.endswith("a") and not lower.endswith(("ista", "ema", "amma", "eta")):
        return f"un'{word}" if vowel else f"una {word}"
    if re.match(r"^(s[^aeiou]|z|gn|ps|pn|x|y)", lower):
        return f"uno {word}"
    return f"un {word}"


def _looks_like_noun(word: str) -> bool:
    return bool(word) and not word.casefold().endswith(("are", "ere", "ire"))


def _place(comuni: Sequence[str], neighbourhood: str) -> str:
    if len(comuni) > 1:
        return gettext("of %(count)d Comuni") % {"count": len(comuni)}
    if not comuni:
        return ""
    place = gettext("of %(comune)s") % {"comune": comuni[0]}
    if neighbourhood:
        place += ", " + gettext("%(name)s neighbourhood") % {"name": neighbourhood}
    return place


def demand_summary(
    *,
    people: int,
    target_group: str,
    comuni: Sequence[str],
    neighbourhood: str = "",
    expressed: bool = True,
    keywords: Sequence[str] = (),
    area_name: str = "",
    windows: Sequence[Any] = (),
    concept: str = "",
    target_counts: Sequence[tuple[str, int]] = (),
    windows_any: Sequence[Any] = (),
    labels: Mapping[str, str] | None = None,
) -> str:
    """“14 famiglie di Cremona, quartiere Po, chiedono un doposcuola il martedì e il giovedì 16–18”.

    It speaks for every member: each target group with its count (`target_counts`, else all are
    `target_group`), the common slot, or when there is none the slots of `windows_any` with a warning that
    the day is not the same for all; `concept` and `keywords` must be named by every member (the caller's job).
    """
    if target_counts:
        who = _join([_people_phrase(group, count) for group, count in target_counts])
    else:
        who = _people_phrase(target_group, max(people, 1))
    place = _place(comuni, neighbourhood)
    where = f" {place}" if place else ""
    when = spoken_time_windows(windows)
    if not when and windows_any:
        when = gettext("%(days)s (not the same day for all)") % {"days": spoken_alternative_windows(windows_any)}
    # A neighbourhood ends in a comma-delimited aside: close it before what follows.
    if neighbourhood and len(comuni) == 1:
        where += ","
    when_text = f" {when}" if when else ""
    keyword = keywords[0] if keywords and names_a_need(keywords[0]) else ""
    phrase = concept_phrase(concept, labels)
    if phrase is not None:
        # The concept's phrase reads right in both languages; a bare keyword needs a guessed article.
        what = keyword = phrase[1]
    elif keyword:
        what = _with_article(keyword)
    else:
        what = gettext("a response in the area “%(area)s”") % {"area": area_name}
    if expressed:
        text = ngettext(
            "%(who)s%(where)s asks for %(what)s%(when)s",
            "%(who)s%(where)s ask for %(what)s%(when)s",
            max(people, 1),
        ) % {"who": who, "where": where, "what": what, "when": when_text}
    elif keyword:
        text = gettext("A need for %(what)s has been detected among %(who)s%(where)s%(when)s") % {
            "what": keyword,
            "who": who,
            "where": where if when_text else where.rstrip(","),
            "when": when_text,
        }
    else:
        text = gettext("A need in the area “%(area)s” has been detected among %(who)s%(where)s%(when)s") % {
            "area": area_name,
            "who": who,
            "where": where if when_text else where.rstrip(","),
            "when": when_text,
        }
    text = text.strip()
    return text[:1].upper() + text[1:]


# What a group asks for, by the welfare concept most of its descriptions name (the engine's lexicon):
# (short title, what they ask for). A concept-free group falls back on its keywords or its area.
CONCEPT_PHRASES: dict[str, tuple[Any, Any]] = {
    "food": (_("Food"), _("help with food and meals")),
    "money": (_("Money"), _("financial support")),
    "housing": (_("Housing"), _("help with housing")),
    "utilities": (_("Bills"), _("help with the bills")),
    "work": (_("Work"), _("help finding work")),
    "schooling": (_("After-school"), _("an after-school service and help with homework")),
    "language": (_("Italian lessons"), _("Italian lessons")),
    "loneliness": (_("Company"), _("company and occasions to meet")),
    "care": (_("Care at home"), _("care at home and relief for carers")),
    "transport": (_("Transport"), _("transport and someone to go with them")),
    "health": (_("Health"), _("easier access to health care")),
    "digital": (_("Digital help"), _("help with digital services")),
    "paperwork": (_("Paperwork"), _("help with forms and paperwork")),
    "childcare": (_("Childcare"), _("childcare")),
    "leisure": (_("Free time"), _("sport, culture and free-time activities")),
    "goods": (_("Basic goods"), _("basic goods")),
    "psychological": (_("Psychological support"), _("psychological support")),
    "violence": (_("Protection from violence"), _("protection from violence")),
    "disability": (_("Disability"), _("support with disability")),
    "addiction": (_("Addiction"), _("help with addiction")),
    "legal": (_("Legal advice"), _("legal advice")),
    "errands": (_("Errands"), _("help with shopping and errands")),
    "pets": (_("Pets"), _("help looking after their pets")),
    # the concepts of the standard vocabulary (legami/aggregation/data/vocabulary.json) the first list lacks
    "summer": (_("Summer camps"), _("summer camps and holiday activities")),
    "respite": (_("Respite for carers"), _("relief for those who look after a relative")),
    "daycentre": (_("Day centre"), _("a day centre and activities for people with disabilities")),
    "residential": (_("Residential care"), _("a place in a residence or a community")),
    "community_space": (_("Meeting places"), _("places to meet and neighbourliness")),
    "dropout": (_("School drop-out"), _("support against school drop-out and guidance")),
    "traineeship": (_("Traineeships"), _("traineeships and help getting into work")),
    "dwelling": (_("Housing conditions"), _("work on the condition of their homes")),
    "meals": (_("Meals at home"), _("meals delivered at home")),
    "public_transport": (_("Public transport"), _("better public transport and connections")),
    "spid": (_("Digital identity"), _("help with SPID and online services")),
    "residence_permit": (_("Residence permits"), _("help with residence permits and paperwork for foreigners")),
    "sport": (_("Sport"), _("sport and spaces for young people")),
    "culture": (_("Culture"), _("culture and events")),
    "lighting": (_("Street lighting"), _("better street lighting")),
    "decay": (_("Neglect and litter"), _("cleaning and care of public spaces")),
    "family_support": (_("Parenting support"), _("support for parents")),
    # the services the standard vocabulary added later
    "telecare": (_("Telecare"), _("a telecare alarm at home")),
    "aids": (_("Care aids"), _("aids and adaptations at home")),
    "elderly_daycentre": (_("Day centre for older people"), _("a day centre for older people")),
    "canteen": (_("Soup kitchen"), _("a place at a soup kitchen")),
    "shopping": (_("Shopping help"), _("help with the shopping")),
    "night_shelter": (_("Night shelter"), _("a bed for the night and services for homeless people")),
    "street_unit": (_("Street outreach"), _("street outreach workers")),
    "social_emergency": (_("Social emergency"), _("a social emergency service")),
    "social_housing": (_("Public housing"), _("a public housing flat")),
    "house_search": (_("Finding a home"), _("help finding a home to rent")),
    "debt": (_("Debts"), _("help with debts")),
    "training": (_("Vocational training"), _("vocational training courses")),
    "cultural_mediation": (_("Cultural mediation"), _("a language and cultural mediator")),
    "info_desk": (_("Information desk"), _("information and guidance about services")),
    "school_supplies": (_("School costs"), _("help with books and school costs")),
    "school_bus": (_("School transport"), _("school transport")),
    "school_assistance": (_("Support at school"), _("educational assistance at school")),
    "bullying": (_("Bullying"), _("help against bullying")),
    "dental": (_("Dental care"), _("affordable dental care")),
    "maternity": (_("Pregnancy"), _("support during pregnancy and after birth")),
    "home_education": (_("Educational support at home"), _("an educator at home for their children")),
    "foster": (_("Foster care"), _("foster care and support families")),
    "minors_community": (
        _("Communities for minors"),
        _("a place in a community for minors or for mothers and children"),
    ),
    "youth_centre": (_("Youth centre"), _("a place for young people")),
    "playground": (_("Playgrounds"), _("safe playgrounds")),
    "green_spaces": (_("Parks and green spaces"), _("care of parks and green spaces")),
    "road_safety": (_("Road safety"), _("safer streets and pavements")),
    "crime": (_("Neighbourhood safety"), _("a safer neighbourhood")),
    "justice": (_("Prison and reintegration"), _("support after prison and with alternative sentences")),
}


@lru_cache(maxsize=8)
def concept_labels(vocabulary: Any) -> Mapping[str, str]:
    """The labels a summary must use instead of CONCEPT_PHRASES: a network's own concepts and the standard
    ones its coordinator renamed (the network's words win); {} for the standard vocabulary."""
    if vocabulary is None:
        return {}
    from legami.aggregation.engine.vocabulary import Vocabulary

    standard = {concept.code: concept.label for concept in Vocabulary.standard().concepts}
    return {
        concept.code: concept.label
        for concept in vocabulary.concepts
        if concept.code not in CONCEPT_PHRASES or standard.get(concept.code) != concept.label
    }


def concept_phrase(concept: str, labels: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(title word, what is asked) for a concept: the vocabulary's own label when `labels` has it, else the
    translated phrase of a standard concept; None for no or an unknown concept."""
    label = (labels or {}).get(concept, "").strip()
    if label:
        # "Spazio compiti" -> "spazio compiti" in a sentence; "SPID e CIE" keeps its capitals.
        what = label if label[1:2].isupper() else label[:1].lower() + label[1:]
        return label, what
    if concept in CONCEPT_PHRASES:
        title, what = CONCEPT_PHRASES[concept]
        return str(title), str(what)
    return None


def _named(text: str, vocabulary: Any, labels: Mapping[str, str]) -> set[str]:
    from legami.aggregation.engine.text import concepts

    return {code for code in concepts(text, vocabulary) if code in labels or code in CONCEPT_PHRASES}


def dominant_concept(descriptions: Sequence[str], vocabulary: Any = None) -> str:
    """The concept named by most descriptions (read with `vocabulary`, the standard one by default), if at least
    half of them name it ("" otherwise). Only concepts a summary can name count (see concept_phrase)."""
    labels = concept_labels(vocabulary)
    counts: Counter[str] = Counter()
    for text in descriptions:
        counts.update(_named(text, vocabulary, labels))
    if not counts:
        return ""
    concept, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
    return concept if count * 2 >= len(descriptions) else ""


def shared_concept(descriptions: Sequence[str], vocabulary: Any = None) -> str:
    """The concept named by every description ("" when they do not all name one, or there are none)."""
    labels = concept_labels(vocabulary)
    common: set[str] | None = None
    for text in descriptions:
        named = _named(text, vocabulary, labels)
        common = named if common is None else common & named
        if not common:
            return ""
    return min(common) if common else ""


def title_word(
    *, keywords: Sequence[str], area_name: str, concept: str = "", labels: Mapping[str, str] | None = None
) -> str:
    """What a title says is asked: the concept's label, else the first keyword that names a need, else the area."""
    phrase = concept_phrase(concept, labels)
    if phrase is not None:
        what = phrase[0]
    else:
        what = next((keyword for keyword in keywords if names_a_need(keyword)), area_name)
    return what[:1].upper() + what[1:]


def title_place(comuni: Sequence[str], neighbourhood: str = "") -> str:
    """“Cremona, Po”, “Cremona”, “3 Comuni”."""
    if len(comuni) > 1:
        return ngettext("%(count)d Comune", "%(count)d Comuni", len(comuni)) % {"count": len(comuni)}
    if comuni:
        return f"{comuni[0]}, {neighbourhood}" if neighbourhood else comuni[0]
    return ""


@dataclass(frozen=True)
class TitleParts:
    """A candidate's title and what may tell it apart from another of the same title, in order of preference."""

    title: str
    days: str = ""
    neighbourhood: str = ""
    target: str = ""
    comune: str = ""


TITLE_LENGTH = 200


def distinct_titles(parts: Sequence[TitleParts]) -> list[str]:
    """Titles that no two share: among equal titles, add the first of days, neighbourhood, target group and
    Comune that tells them apart (each qualifier only where it differs), and number what is still equal."""
    titles = [p.title for p in parts]
    for name in ("days", "neighbourhood", "target", "comune"):
        for positions in _collisions(titles):
            values = [getattr(parts[i], name) for i in positions]
            if len(set(values)) < 2:
                continue
            for i, value in zip(positions, values, strict=True):
                if value:
                    titles[i] = f"{titles[i]} · {value}"
    for positions in _collisions(titles):
        for number, i in enumerate(positions, start=1):
            titles[i] = f"{titles[i]} ({number})"
    # A rare number clash ("X (2)" already taken) is settled by numbering again.
    while _collisions(titles):
        for positions in _collisions(titles):
            for number, i in enumerate(positions[1:], start=2):
                titles[i] = f"{titles[i]} ({number})"
    return [_fit_title(title) for title in titles]


def _collisions(titles: Sequence[str]) -> list[list[int]]:
    positions: dict[str, list[int]] = {}
    for i, title in enumerate(titles):
        positions.setdefault(title.casefold(), []).append(i)
    return [found for found in positions.values() if len(found) > 1]


def _fit_title(title: str) -> str:
    if len(title) <= TITLE_LENGTH:
        return title
    return title[: TITLE_LENGTH - 1] + "…"


def default_title(
    *,
    keywords: Sequence[str],
    area_name: str,
    comuni: Sequence[str],
    neighbourhood: str = "",
    concept: str = "",
    labels: Mapping[str, str] | None = None,
) -> str:
    """“Doposcuola — Cremona, Po”: what is asked (its concept, a keyword naming a need, or the area) and the place."""
    what = title_word(keywords=keywords, area_name=area_name, concept=concept, labels=labels)
    place = title_place(comuni, neighbourhood)
    title = f"{what} — {place}" if place else what
    return title[:TITLE_LENGTH]


def _km(distance_km: float) -> str:
    return str(formats.number_format(Decimal(f"{distance_km:g}"), use_l10n=True))


def demand_reasons(
    *,
    area_name: str,
    target_groups: Sequence[str],
    comuni: Sequence[str],
    neighbourhood: str = "",
    all_points: bool = False,
    distance_km: float | None = None,
    windows: Sequence[Any] = (),
    keywords: Sequence[str] = (),
) -> list[str]:
    """Why these needs were grouped, one short phrase per rule (“stessa area: Istruzione”, “entro 2 km”…)."""
    reasons = [gettext("same area: %(area)s") % {"area": area_name}]
    groups = list(dict.fromkeys(target_groups))
    if len(groups) == 1:
        reasons.append(gettext("same group: %(group)s") % {"group": target_group_label(groups[0])})
    elif groups:
        labels = ", ".join(target_group_label(g) for g in groups)
        reasons.append(gettext("compatible groups: %(groups)s") % {"groups": labels})
    if neighbourhood and len(comuni) == 1:
        reasons.append(gettext("same neighbourhood: %(name)s") % {"name": neighbourhood})
    elif len(comuni) == 1 and not all_points:
        reasons.append(gettext("same Comune: %(name)s") % {"name": comuni[0]})
    elif distance_km is not None:
        reasons.append(gettext("within %(km)s km") % {"km": _km(distance_km)})
    if windows:
        from legami.needs.timewindows import format_time_windows

        reasons.append(gettext("common hours: %(windows)s") % {"windows": format_time_windows(list(windows))})
    if keywords:
        reasons.append(gettext("similar descriptions: %(words)s") % {"words": ", ".join(keywords)})
    return reasons
