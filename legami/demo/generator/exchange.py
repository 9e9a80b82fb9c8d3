"""The demo's incroci di comunità: offers of time, skills, goods, spaces and transport in Cremona and Crema (from the
partners, from the volunteer and from people of the registry), one run of the matching engine, and matches at each
step of their life. Everything goes through the services; a second run writes nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from legami.exchange.models import Offer

# (organisation key or "" for the volunteer, title, kind, area codes, Comune, radius km, when, capacity, languages,
#  step-free, description)
OFFERS: list[tuple[str, str, str, tuple[str, ...], str, str, str, int, str, bool, str]] = [
    (
        "argento",
        "Accompagnamento in auto alle visite mediche",
        "transport",
        ("mobilita", "salute"),
        "Cremona",
        "15",
        "lun-ven 8-13",
        4,
        "italiano",
        True,
        "Due volontari con un'auto attrezzata accompagnano all'ospedale e agli ambulatori del distretto.",
    ),
    (
        "trama",
        "Aiuto compiti per la scuola media",
        "skill",
        ("istruzione", "conciliazione"),
        "Cremona",
        "5",
        "lun mer ven 15-18",
        6,
        "italiano, inglese",
        True,
        "Educatori e studenti universitari aiutano con i compiti nella casa di quartiere del Cambonino.",
    ),
    (
        "trama",
        "Compagnia e passeggiate per anziani soli",
        "time",
        ("relazioni", "cura"),
        "Cremona",
        "6",
        "mar gio 15-18",
        5,
        "italiano",
        False,
        "Visite a domicilio e passeggiate nel quartiere, una volta alla settimana.",
    ),
    (
        "serio",
        "Sportello per la ricerca di lavoro",
        "skill",
        ("lavoro",),
        "Crema",
        "12",
        "mar gio 9-12",
        5,
        "italiano, francese, arabo",
        True,
        "Curriculum, colloqui, iscrizione ai centri per l'impiego.",
    ),
    (
        "serio",
        "Spesa solidale a domicilio",
        "good",
        ("alimentazione", "cura"),
        "Crema",
        "8",
        "sab 9-12",
        6,
        "italiano",
        False,
        "Pacchi alimentari dell'emporio solidale portati a casa da chi non può uscire.",
    ),
    (
        "",
        "Aiuto con lo smartphone e lo SPID",
        "skill",
        ("digitale", "burocrazia"),
        "Cremona",
        "4",
        "gio 16-18",
        2,
        "italiano, inglese",
        True,
        "Sono una studentessa: aiuto a usare lo smartphone, lo SPID e le app dei servizi.",
    ),
    (
        "parrocchia",
        "Sala dell'oratorio per feste e incontri",
        "space",
        ("tempo-libero", "relazioni"),
        "Cremona",
        "3",
        "sab dom 15-19",
        3,
        "",
        True,
        "Una sala per 40 persone con cucina, per feste di compleanno e incontri.",
    ),
    (
        "vicinato",
        "Piccole riparazioni in casa",
        "time",
        ("casa",),
        "Cremona",
        "5",
        "sab 9-12",
        3,
        "italiano",
        False,
        "Un pensionato del quartiere aggiusta rubinetti, prese e mobili.",
    ),
    (
        "",
        "Conversazione in italiano per chi lo sta imparando",
        "skill",
        ("relazioni", "istruzione"),
        "Crema",
        "10",
        "mer 18-20",
        3,
        "italiano, inglese, spagnolo",
        True,
        "Un'ora alla settimana di conversazione in un bar.",
    ),
    (
        "argento",
        "Trasporto verso il centro diurno",
        "transport",
        ("mobilita", "cura"),
        "Crema",
        "15",
        "lun-ven 8-10",
        4,
        "italiano",
        True,
        "Pulmino con pedana per raggiungere i centri diurni del Cremasco.",
    ),
]


# Where each offer starts from: a point a few hundred metres from its Comune's centre (the offers' order).
OFFSETS = [
    (0.004, 0.006),
    (-0.010, -0.012),
    (0.012, 0.003),
    (0.003, -0.004),
    (-0.006, 0.008),
    (-0.002, 0.015),
    (0.008, -0.009),
    (-0.013, 0.002),
    (0.006, 0.011),
    (-0.004, -0.007),
]


def _point(comune: Any, n: int) -> dict[str, Any]:
    from decimal import Decimal

    from legami.territory.centroids import municipality_centroid

    centre = municipality_centroid(comune.istat_code)
    if centre is None:
        return {}
    dlat, dlon = OFFSETS[n % len(OFFSETS)]
    return {
        "latitude": Decimal(str(round(centre[0] + dlat, 6))),
        "longitude": Decimal(str(round(centre[1] + dlon, 6))),
    }


def _offer_data(spec: tuple, comuni: dict, areas: dict, organization: Any, n: int = 0) -> dict[str, Any]:
    org, title, kind, codes, comune, radius, when, capacity, languages, step_free, description = spec
    return {
        **_point(comuni[comune], n),
        "title": title,
        "kind": kind,
        "areas": [areas[code] for code in codes if code in areas],
        "municipality": comuni[comune],
        "radius_km": radius,
        "time_windows": when,
        "capacity": capacity,
        "languages": languages,
        "step_free": step_free,
        "description": description,
        **({"organization": organization} if organization is not None else {}),
    }


def ensure_exchange(
    network, *, coordinator, worker, citizen, organizations: dict, comuni: dict, created: Counter
) -> None:
    """The offers, a run of the engine and its matches, once."""
    from legami.exchange.services.offers import change_offer_status, record_offer
    from legami.needs.models import NeedArea

    if Offer.objects.filter(network=network, title=OFFERS[0][1]).exists():
        return
    areas = {area.code: area for area in NeedArea.objects.filter(network=network, is_active=True)}
    for n, spec in enumerate(OFFERS):
        organization = organizations.get(spec[0]) if spec[0] else None
        if spec[0] and organization is None:
            continue
        data = _offer_data(spec, comuni, areas, organization, n)
        if not data["areas"]:
            continue
        if spec[0]:
            record_offer(actor=coordinator, network=network, data=data)
        else:
            # The volunteer posts their own offer (without a point: a citizen gives the Comune); the community worker
            # checks it and opens it.
            data.pop("latitude", None)
            data.pop("longitude", None)
            offer = record_offer(actor=citizen, network=network, data=data)
            change_offer_status(actor=worker, offer=offer, to_status="open", note="Verificata al telefono")
        created["offers"] += 1
    _matches(network, worker, created)


def _matches(network, worker, created: Counter) -> None:
    """One run of the engine, then matches at every step: accepted, under way, ended with feedback, declined."""
    from legami.exchange.models import Match
    from legami.exchange.services import matching

    run = matching.run_matching(actor=worker, network=network)
    created["matches"] += run.proposed
    proposals = list(Match.objects.filter(run=run).order_by("pk"))
    for n, match in enumerate(proposals[:8]):
        if n == 7:
            matching.decline_match(actor=worker, match=match, side=matching.Side.NEED, note="Ha già trovato aiuto")
            continue
        matching.accept_match(actor=worker, match=match, side=matching.Side.NEED, note="Sentita al telefono")
        matching.accept_match(actor=worker, match=match, side=matching.Side.OFFER)
        if n >= 5:
            continue
        matching.start_match(actor=worker, match=match)
        if n < 2:
            matching.complete_match(
                actor=worker,
                match=match,
                data={"need_rating": 5, "offer_rating": 4, "feedback": "Tutto bene: si sono trovati subito."},
            )
