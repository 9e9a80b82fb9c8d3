"""Where the demo's needs happen and the ones that stand alone: hotspots, centres of places, one-off needs, channels.

The hotspots make some themes (needs_themes.py) cluster in a neighbourhood with the same hours, as they do
on the ground. The texts are network data in Italian (not UI strings).
"""

from __future__ import annotations

from dataclasses import dataclass

from legami.needs.models import Channel, TargetGroup


@dataclass(frozen=True)
class Hotspot:
    """A theme that clusters in a place: a Comune, maybe a neighbourhood, and often the same hours."""

    theme: str
    municipality: str
    neighbourhood: str = ""
    hours: int | None = None  # index into the theme's Hours, or None for the theme's own mix
    weight: int = 1


# In the order they matter: the small demo uses only the first few.
HOTSPOTS: tuple[Hotspot, ...] = (
    Hotspot("doposcuola", "Cremona", "Cambonino", hours=0, weight=4),
    Hotspot("solitudine-anziani", "Cremona", "Centro", hours=0, weight=3),
    Hotspot("trasporto-visite", "Casalmaggiore", "", hours=1, weight=3),
    Hotspot("spid-digitale", "Crema", "Santa Maria della Croce", hours=0, weight=2),
    Hotspot("italiano-donne", "Cremona", "San Bernardo", hours=0, weight=2),
    Hotspot("spesa-domicilio", "Cremona", "Giordano", hours=0, weight=2),
    Hotspot("lavoro-giovani", "Crema", "Castelnuovo", weight=2),
    Hotspot("doposcuola", "Crema", "Santa Maria della Croce", hours=2, weight=3),
    Hotspot("trasporto-visite", "Cremona", "Zaist", hours=0, weight=3),
    Hotspot("casa-affitto", "Cremona", "Cambonino", weight=2),
    Hotspot("centro-estivo", "Cremona", "Maristella", hours=0, weight=2),
    Hotspot("doposcuola", "Cremona", "Po", hours=0, weight=2),
    Hotspot("solitudine-anziani", "Crema", "Ombriano", hours=1, weight=2),
    Hotspot("sollievo-caregiver", "Crema", "San Bernardino", hours=0, weight=2),
    Hotspot("italiano-donne", "Crema", "Santa Maria della Croce", hours=1, weight=2),
    Hotspot("pasti", "Cremona", "Centro", hours=0, weight=2),
    Hotspot("bollette", "Cremona", "Po", weight=2),
    Hotspot("pacco-alimentare", "Casalmaggiore", "", weight=2),
    Hotspot("spazi-degrado", "Cremona", "Zaist", weight=1),
    Hotspot("spazio-giovani", "Crema", "Ombriano", hours=0, weight=2),
    Hotspot("dispersione", "Cremona", "Cambonino", hours=0, weight=2),
    Hotspot("spid-digitale", "Casalmaggiore", "", hours=0, weight=2),
    Hotspot("trasporto-visite", "Soresina", "", hours=0, weight=2),
    Hotspot("doposcuola", "Castelleone", "", hours=0, weight=2),
    Hotspot("solitudine-anziani", "Pizzighettone", "", hours=0, weight=1),
    Hotspot("lavoro-giovani", "Cremona", "San Bernardo", weight=2),
    Hotspot("spesa-domicilio", "Crema", "Centro", hours=1, weight=1),
    Hotspot("disabilita-tempo-libero", "Cremona", "Borgo Loreto", hours=0, weight=1),
)

# Approximate centres (latitude, longitude) of the demo's neighbourhoods and of the larger Comuni: the needs'
# points are drawn a few hundred metres around them.
NEIGHBOURHOOD_CENTRES: dict[tuple[str, str], tuple[float, float]] = {
    ("Cremona", "Centro"): (45.1335, 10.0227),
    ("Cremona", "Po"): (45.1262, 10.0205),
    ("Cremona", "Cambonino"): (45.1492, 10.0039),
    ("Cremona", "Zaist"): (45.1440, 10.0517),
    ("Cremona", "Maristella"): (45.1254, 9.9932),
    ("Cremona", "Borgo Loreto"): (45.1473, 10.0299),
    ("Cremona", "San Bernardo"): (45.1413, 10.0370),
    ("Cremona", "Giordano"): (45.1391, 10.0084),
    ("Crema", "Centro"): (45.3641, 9.6843),
    ("Crema", "Ombriano"): (45.3578, 9.6653),
    ("Crema", "Santa Maria della Croce"): (45.3760, 9.6941),
    ("Crema", "San Bernardino"): (45.3665, 9.7010),
    ("Crema", "Castelnuovo"): (45.3540, 9.7006),
}
COMUNE_CENTRES: dict[str, tuple[float, float]] = {
    "Cremona": (45.1360, 10.0230),
    "Crema": (45.3640, 9.6850),
    "Casalmaggiore": (44.9905, 10.4160),
    "Castelleone": (45.2955, 9.7630),
    "Soresina": (45.2870, 9.8570),
    "Pandino": (45.4050, 9.5530),
    "Rivolta d'Adda": (45.4700, 9.5130),
    "Soncino": (45.3990, 9.8710),
    "Spino d'Adda": (45.4010, 9.4950),
    "Pizzighettone": (45.1860, 9.7890),
    "Offanengo": (45.3800, 9.7400),
    "Castelverde": (45.1870, 9.9960),
    "Bagnolo Cremasco": (45.3620, 9.6100),
    "Vailate": (45.4650, 9.6030),
    "Vescovato": (45.1750, 10.1650),
    "Piadena Drizzona": (45.1300, 10.3700),
    "Casalbuttano ed Uniti": (45.2520, 9.9630),
}

# Needs that come up once: (area, target group, expressed, text).
SINGULAR_NEEDS: tuple[tuple[str, str, bool, str], ...] = (
    (
        "casa",
        TargetGroup.DISABILITY,
        True,
        "Serve un montascale: abito al terzo piano senza ascensore e da quando sono in carrozzina non esco più.",
    ),
    (
        "mobilita",
        TargetGroup.YOUNG_PEOPLE,
        True,
        "Lavoro in città alle 6 del mattino e il primo autobus dal paese arriva alle 7: come posso arrivarci?",
    ),
    ("tempo-libero", TargetGroup.ELDERLY, True, "Vorrei un corso di ballo liscio per la terza età."),
    (
        "relazioni",
        TargetGroup.FAMILIES,
        True,
        "Siamo appena arrivati in paese e non conosciamo nessuno: come possiamo conoscere altre famiglie?",
    ),
    (
        "cura",
        TargetGroup.ELDERLY,
        True,
        "Il mio cane è l'unica compagnia che ho, ma non riesco più a portarlo fuori: qualcuno può aiutarmi?",
    ),
    (
        "sicurezza",
        TargetGroup.COMMUNITY,
        False,
        "Le auto corrono troppo davanti alla scuola: i genitori chiedono un attraversamento pedonale rialzato.",
    ),
    ("digitale", TargetGroup.YOUNG_PEOPLE, True, "Mi servirebbe un computer per scrivere la tesi, il mio si è rotto."),
    (
        "burocrazia",
        TargetGroup.MIGRANTS,
        True,
        "Devo convertire la patente di guida straniera e non capisco la procedura della motorizzazione.",
    ),
    ("istruzione", TargetGroup.ADULTS, True, "Vorrei prendere la licenza media a 45 anni: ci sono corsi serali?"),
    (
        "lavoro",
        TargetGroup.DISABILITY,
        True,
        "Ho un'invalidità del 60% e cerco un impiego compatibile, sono iscritto al collocamento mirato.",
    ),
    ("salute", TargetGroup.ELDERLY, True, "Ho bisogno di un apparecchio acustico ma costa troppo."),
    (
        "reddito",
        TargetGroup.ADULTS,
        True,
        "Ho un debito con una finanziaria e mi chiamano tutti i giorni: cerco una consulenza.",
    ),
    (
        "casa",
        TargetGroup.ELDERLY,
        True,
        "La casa è troppo grande per me che vivo sola: vorrei condividerla con una studentessa.",
    ),
    ("conciliazione", TargetGroup.FAMILIES, True, "Cerco un nido aperto fino alle 18, quello comunale chiude alle 16."),
    (
        "mobilita",
        TargetGroup.COMMUNITY,
        False,
        "Al laboratorio di paese è emersa la richiesta di una pista ciclabile sicura fino alla stazione.",
    ),
    (
        "alimentazione",
        TargetGroup.MINORS,
        True,
        "Mio figlio è celiaco e in mensa non sempre c'è il pasto adatto.",
    ),
    (
        "tempo-libero",
        TargetGroup.COMMUNITY,
        True,
        "Vorremmo riaprire il cinema parrocchiale, chiuso da anni, come spazio culturale.",
    ),
    ("relazioni", TargetGroup.MIGRANTS, True, "Vorrei conoscere famiglie italiane per fare pratica con la lingua."),
    ("cura", TargetGroup.FAMILIES, True, "Cerchiamo una baby sitter la sera per i turni di notte in ospedale."),
    (
        "digitale",
        TargetGroup.ELDERLY,
        True,
        "Vorrei fare le videochiamate con i nipoti all'estero ma non so usare il tablet.",
    ),
    (
        "istruzione",
        TargetGroup.MINORS,
        True,
        "Mio figlio è dislessico e a scuola non ha gli strumenti compensativi.",
    ),
    ("salute", TargetGroup.FAMILIES, True, "Non troviamo un pediatra libero nel nostro paese."),
    (
        "burocrazia",
        TargetGroup.ADULTS,
        True,
        "Non riesco a ottenere il cambio di residenza: mi chiedono documenti che non ho.",
    ),
    (
        "sicurezza",
        TargetGroup.ELDERLY,
        True,
        "Hanno provato a truffarmi al telefono fingendosi carabinieri: vorrei sapere come difendermi.",
    ),
    (
        "lavoro",
        TargetGroup.MIGRANTS,
        True,
        "Ho un diploma di infermiera preso in Nigeria e vorrei farlo riconoscere per lavorare qui.",
    ),
    (
        "casa",
        TargetGroup.YOUNG_PEOPLE,
        True,
        "Sono uno studente fuori sede: cerco una stanza a un prezzo accessibile vicino all'università.",
    ),
    (
        "mobilita",
        TargetGroup.DISABILITY,
        True,
        "Il marciapiede davanti a casa non ha lo scivolo e con la carrozzina non passo.",
    ),
    ("tempo-libero", TargetGroup.DISABILITY, True, "Vorrei andare in piscina ma serve un accompagnatore in acqua."),
    (
        "reddito",
        TargetGroup.FAMILIES,
        True,
        "Sono separata e il mio ex marito non versa l'assegno per i figli da sei mesi.",
    ),
    (
        "conciliazione",
        TargetGroup.CAREGIVERS,
        True,
        "Lavoro a tempo pieno e assisto mia madre: vorrei un orario di lavoro più flessibile.",
    ),
    ("relazioni", TargetGroup.YOUNG_PEOPLE, True, "Mi sono trasferito per lavoro e la sera non so con chi uscire."),
    (
        "alimentazione",
        TargetGroup.COMMUNITY,
        False,
        "Gli inquilini delle case popolari propongono un orto condiviso nel cortile.",
    ),
    (
        "cura",
        TargetGroup.DISABILITY,
        True,
        "Vivo solo con la sclerosi multipla: mi serve un aiuto per l'igiene personale al mattino.",
    ),
    (
        "salute",
        TargetGroup.YOUNG_PEOPLE,
        True,
        "Vorrei informazioni sulla contraccezione, ma non voglio chiederle al medico di famiglia.",
    ),
    ("istruzione", TargetGroup.ELDERLY, True, "Mi piacerebbe frequentare l'università della terza età."),
    (
        "sicurezza",
        TargetGroup.FAMILIES,
        False,
        "Gli inquilini segnalano che il cortile condominiale è diventato un luogo di spaccio.",
    ),
    (
        "digitale",
        TargetGroup.FAMILIES,
        True,
        "I ragazzi passano troppe ore sui social: chiediamo incontri per genitori sull'uso del cellulare.",
    ),
    (
        "lavoro",
        TargetGroup.ADULTS,
        True,
        "Ho 55 anni e sono stato licenziato: dopo i colloqui nessuno mi richiama.",
    ),
    (
        "burocrazia",
        TargetGroup.ELDERLY,
        True,
        "Non riesco a prenotare le visite al CUP, il telefono è sempre occupato.",
    ),
    (
        "casa",
        TargetGroup.MIGRANTS,
        True,
        "Nessuno vuole affittare a una famiglia straniera, anche con un contratto a tempo indeterminato.",
    ),
)

# How needs reach the network, by whether they were asked for or detected.
EXPRESSED_CHANNELS = (
    (Channel.FRONT_OFFICE, 35),
    (Channel.INTERVIEW, 25),
    (Channel.ONLINE, 25),
    (Channel.COMMUNITY_LAB, 15),
)
DETECTED_CHANNELS = (
    (Channel.SENTINEL, 35),
    (Channel.COMMUNITY_LAB, 25),
    (Channel.INTERVIEW, 20),
    (Channel.FRONT_OFFICE, 20),
)
