"""Aggregation benchmark: a labelled synthetic generator, the metrics, and a runner.

    python -m benchmarks.aggregation --sizes 10000,100000      # table + JSON, sets A to F
    python -m benchmarks.aggregation --sets B,C --sizes 10000  # only the sets never used for tuning
    python -m benchmarks.aggregation --sets D,E --sizes 10000  # the held-out external sets
    python -m benchmarks.aggregation --sets F --sizes 10000    # set F only (hand-written, held out)
    python -m benchmarks.aggregation --write-dataset DIR --sizes 10000   # DIR/needs_10000.csv + truth_10000.csv
    python -m benchmarks.aggregation --write-dataset DIR --set B --sizes 10000   # the same for set B
    python manage.py aggregate_needs --input DIR/needs_10000.csv --output groups.csv
    python -m benchmarks.aggregation --score DIR/truth_10000.csv groups.csv

The generator (seeded, deterministic) writes realistic Italian needs over the 115 Comuni of the province of
Cremona (fake but plausible coordinates around each Comune's centre; some needs without a point): true groups
of 2-40 needs sharing area, compatible target groups, place and a common slot, with paraphrased descriptions
(several wordings per theme, everyday paraphrases that share few words, synonyms, word order, typos, extra
detail), a quarter of them with chained days (some members ask Tuesday, some Tuesday and Thursday, some
Thursday); singletons; and noise (an unrelated topic in the same area and Comune, the same topic at disjoint
hours, the same topic in another area).
The engine never sees a theme id: only the CSV columns of `aggregate_needs`.

Six evaluation sets (see benchmarks/README.md): A, this file's generator, on which the engine is tuned;
B, an independent generator (benchmarks/evalsets/independent.py); C, hand-written needs
(benchmarks/data/handwritten/); D and E, a held-out external generator (benchmarks/evalsets/external.py) in two
voices, short requests and whole sentences; F, a second set of hand-written needs held out from all tuning
(benchmarks/data/handwritten2/). Three methods (METHODS): baseline, plain
(benchmarks/plain.py) and the engine; each runs in a subprocess so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compatible_targets(a: str, b: str) -> bool:
    from legami.aggregation.engine.records import compatible_targets as rule

    return rule(a, b)


# (area, base target, compatible alternatives, wordings) — wordings are paraphrases of one need.
THEMES: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "conciliazione",
        "families",
        ("minors",),
        (
            "cerchiamo un doposcuola per i bambini dopo le lezioni",
            "serve qualcuno che segua i figli nei compiti il pomeriggio",
            "i ragazzi escono da scuola e nessuno li segue nei compiti, vorremmo un doposcuola",
            "doposcuola e aiuto compiti per i nostri figli",
        ),
    ),
    (
        "conciliazione",
        "families",
        ("minors",),
        (
            "centro estivo per i bambini quando la scuola è chiusa",
            "d'estate non sappiamo dove lasciare i figli, serve un centro estivo",
            "cerchiamo attività estive per i bambini durante le vacanze",
            "servirebbe un campo estivo per i piccoli in luglio e agosto",
        ),
    ),
    (
        "conciliazione",
        "families",
        (),
        (
            "orari del nido troppo rigidi per chi lavora su turni",
            "il nido chiude troppo presto, lavoro fino a tardi",
            "servono orari più lunghi all'asilo nido per i genitori che lavorano",
            "prolungamento dell'orario del nido per le famiglie con turni",
        ),
    ),
    (
        "cura",
        "elderly",
        ("caregivers",),
        (
            "assistenza domiciliare per anziano solo che non esce di casa",
            "mia madre anziana vive da sola e ha bisogno di aiuto in casa",
            "serve una badante o un aiuto domestico per un anziano non autosufficiente",
            "aiuto a domicilio per persona anziana sola",
        ),
    ),
    (
        "cura",
        "caregivers",
        ("elderly", "disability"),
        (
            "sollievo per chi assiste un familiare malato, qualche ora libera",
            "sono caregiver di mio padre e non ho mai un momento di pausa",
            "chi cura un familiare a tempo pieno ha bisogno di sostituzione qualche ora",
            "servizio di sollievo per i familiari che assistono",
        ),
    ),
    (
        "cura",
        "disability",
        ("caregivers",),
        (
            "attività diurne per ragazzi con disabilità dopo la scuola",
            "mio figlio disabile non ha attività nel pomeriggio, cerchiamo un centro diurno",
            "centro diurno e laboratori per giovani con disabilità",
            "occasioni di socialità per ragazzi disabili",
        ),
    ),
    (
        "relazioni",
        "elderly",
        (),
        (
            "mi sento solo, vorrei compagnia e qualcuno con cui parlare",
            "anziani soli che non vedono nessuno per giorni",
            "solitudine: cerco un gruppo di incontro per persone anziane",
            "vorrei uscire di casa e conoscere altre persone della mia età",
        ),
    ),
    (
        "relazioni",
        "community",
        ("families", "young_people"),
        (
            "manca un luogo di ritrovo nel quartiere per stare insieme",
            "non c'è uno spazio di incontro per gli abitanti della zona",
            "vorremmo una casa di quartiere dove incontrarci",
            "spazio comune per feste e incontri tra vicini",
        ),
    ),
    (
        "istruzione",
        "minors",
        ("families", "young_people"),
        (
            "corso di italiano per bambini stranieri appena arrivati",
            "i ragazzi non parlano bene l'italiano e restano indietro a scuola",
            "sostegno linguistico in italiano per alunni di origine straniera",
            "lezioni di lingua italiana per i figli arrivati da poco",
        ),
    ),
    (
        "istruzione",
        "young_people",
        ("minors",),
        (
            "ragazzi che hanno lasciato la scuola e non fanno niente",
            "mio figlio ha abbandonato gli studi, serve un orientamento",
            "dispersione scolastica: giovani senza diploma da riagganciare",
            "aiuto per rientrare a scuola dopo l'abbandono",
        ),
    ),
    (
        "lavoro",
        "adults",
        (),
        (
            "cerco lavoro da mesi e non so come scrivere il curriculum",
            "aiuto a preparare il curriculum e cercare offerte di lavoro",
            "orientamento al lavoro per disoccupati sopra i cinquant'anni",
            "ho perso il lavoro e vorrei riqualificarmi",
        ),
    ),
    (
        "lavoro",
        "young_people",
        (),
        (
            "tirocini per giovani senza esperienza",
            "i giovani non trovano un primo impiego, servono stage",
            "vorrei fare un tirocinio retribuito per imparare un mestiere",
            "percorsi di inserimento lavorativo per ragazzi",
        ),
    ),
    (
        "casa",
        "families",
        (),
        (
            "rischio sfratto per affitto arretrato",
            "non riusciamo a pagare l'affitto e temiamo lo sfratto",
            "abbiamo ricevuto un avviso di sfratto per morosità",
            "aiuto per l'affitto, siamo indietro di tre mesi",
        ),
    ),
    (
        "casa",
        "adults",
        (),
        (
            "alloggio umido con muffa e riscaldamento rotto",
            "la casa ha infiltrazioni e muffa sui muri",
            "condizioni dell'appartamento pessime, umidità e caldaia guasta",
            "muffa in camera e il proprietario non ripara",
        ),
    ),
    (
        "reddito",
        "families",
        (),
        (
            "bollette della luce e del gas troppo alte",
            "non riusciamo a pagare le utenze di gas e luce",
            "arretrati sulle bollette, rischio distacco della corrente",
            "aiuto per pagare le bollette energetiche",
        ),
    ),
    (
        "alimentazione",
        "families",
        ("community",),
        (
            "pacchi alimentari per famiglie in difficoltà",
            "a fine mese non abbiamo da mangiare, serve la spesa",
            "accesso al banco alimentare o a un emporio solidale",
            "aiuto con la spesa alimentare per la famiglia",
        ),
    ),
    (
        "alimentazione",
        "elderly",
        (),
        (
            "pasti a domicilio per anziani che non cucinano più",
            "mio nonno non riesce a prepararsi da mangiare, servono pasti pronti",
            "consegna di pasti caldi a casa per persone anziane",
            "servizio pasti a domicilio",
        ),
    ),
    (
        "mobilita",
        "elderly",
        ("disability",),
        (
            "accompagnamento alle visite mediche in ospedale",
            "non ho la macchina per andare alle visite in ospedale a Cremona",
            "trasporto per visite e terapie per chi non guida",
            "serve un passaggio per le visite specialistiche",
        ),
    ),
    (
        "mobilita",
        "young_people",
        (),
        (
            "mancano autobus la sera per tornare dai paesi",
            "non ci sono corse serali dei pullman verso il paese",
            "trasporto pubblico insufficiente la sera per i ragazzi",
            "collegamenti in autobus troppo rari dopo le diciannove",
        ),
    ),
    (
        "digitale",
        "elderly",
        (),
        (
            "aiuto a usare lo smartphone e le app",
            "non so usare il telefono nuovo, vorrei un corso",
            "corso di informatica base per anziani",
            "imparare a fare videochiamate e usare whatsapp",
        ),
    ),
    (
        "digitale",
        "adults",
        ("elderly",),
        (
            "non riesco ad attivare lo SPID per i servizi online",
            "aiuto per lo SPID e il fascicolo sanitario elettronico",
            "serve assistenza per le pratiche online con identità digitale",
            "come si richiede lo SPID? non ci riesco da solo",
        ),
    ),
    (
        "burocrazia",
        "migrants",
        (),
        (
            "aiuto per il rinnovo del permesso di soggiorno",
            "devo rinnovare il permesso di soggiorno e non capisco i moduli",
            "orientamento alle pratiche per il permesso di soggiorno",
            "pratiche in questura per il soggiorno, serve un mediatore",
        ),
    ),
    (
        "burocrazia",
        "families",
        (),
        (
            "compilare la domanda per l'assegno unico e l'ISEE",
            "non so come fare l'ISEE per le agevolazioni",
            "aiuto con ISEE e domanda di bonus per i figli",
            "supporto per le pratiche dell'assegno unico",
        ),
    ),
    (
        "salute",
        "adults",
        (),
        (
            "lunghe attese per il medico di base e le visite",
            "non trovo un medico di famiglia disponibile",
            "manca il medico di base in paese",
            "tempi di attesa troppo lunghi per visite specialistiche",
        ),
    ),
    (
        "salute",
        "young_people",
        ("minors",),
        (
            "ansia e disagio psicologico tra gli adolescenti",
            "mia figlia soffre di ansia, cerchiamo uno psicologo gratuito",
            "sportello di ascolto psicologico per i ragazzi",
            "supporto psicologico per giovani in difficoltà",
        ),
    ),
    (
        "tempo-libero",
        "young_people",
        ("minors",),
        (
            "i ragazzi non hanno un posto dove fare sport gratis",
            "mancano attività sportive accessibili per i giovani",
            "vorremmo un campo da calcetto o basket aperto ai ragazzi",
            "sport gratuito per adolescenti nel pomeriggio",
        ),
    ),
    (
        "tempo-libero",
        "community",
        ("elderly", "families"),
        (
            "poche iniziative culturali in paese, niente cinema né teatro",
            "vorremmo più eventi culturali e serate in biblioteca",
            "mancano proposte culturali per la sera",
            "rassegne di teatro e musica in piazza",
        ),
    ),
    (
        "sicurezza",
        "community",
        (),
        (
            "strada buia senza illuminazione vicino al parco",
            "i lampioni sono spenti e la sera ci sentiamo insicuri",
            "illuminazione pubblica insufficiente nel vialetto",
            "parco al buio, serve più luce",
        ),
    ),
    (
        "sicurezza",
        "community",
        (),
        (
            "rifiuti abbandonati e degrado nel giardino pubblico",
            "il parchetto è pieno di spazzatura e siringhe",
            "sporcizia e degrado nell'area giochi",
            "pulizia del giardino pubblico trascurata",
        ),
    ),
]
# More everyday paraphrases per theme (index of THEMES): other words for the same request, as parents,
# older people, operators and text messages say it. Added to the theme's wordings when generating.
EXTRA_WORDINGS: dict[int, tuple[str, ...]] = {
    0: (
        "qualcuno che dia una mano ai miei figli con i compiti il pomeriggio",
        "lavoro fino alle sei e i bimbi restano soli dopo la campanella",
        "un posto dove i ragazzini possano studiare seguiti dopo le lezioni",
    ),
    1: (
        "a luglio chiudono le scuole e non so a chi lasciare i bambini",
        "grest o campus per l'estate, i nonni non ce la fanno",
        "attività per i figli nei mesi estivi mentre lavoriamo",
    ),
    2: (
        "l'asilo chiude alle quattro ma io esco dal lavoro alle sei",
        "faccio i turni in fabbrica e il nido non mi copre",
        "servirebbe il nido aperto anche il sabato e fino a sera",
    ),
    3: (
        "papà ha novant'anni, non riesce più a lavarsi e vestirsi da solo",
        "una persona che passi a casa della nonna qualche ora al giorno",
        "mia zia non è autosufficiente e vive sola, serve qualcuno a domicilio",
    ),
    4: (
        "accudisco mia moglie malata giorno e notte, sono esausto",
        "vorrei staccare qualche ora dall'assistenza a mia madre",
        "qualcuno che mi sostituisca con mio marito allettato per qualche ora",
    ),
    5: (
        "mio figlio autistico finita la scuola resta in casa tutto il giorno",
        "un laboratorio pomeridiano per ragazzi con handicap",
        "attività e compagnia per giovani disabili nel pomeriggio",
    ),
    6: (
        "da quando è morto mio marito non parlo con nessuno",
        "le giornate sono lunghe e non ho amici con cui chiacchierare",
        "qualcuno che venga a trovarmi o mi telefoni ogni tanto",
    ),
    7: (
        "nel rione non c'è un posto dove ritrovarsi",
        "una sala per le famiglie del quartiere dove fare due chiacchiere",
        "ci manca un centro di aggregazione per gli abitanti",
    ),
    8: (
        "i bambini arrivati dal Marocco non capiscono la maestra",
        "lezioni di lingua per alunni che non parlano italiano",
        "mio figlio è appena arrivato e non sa la lingua, a scuola fatica",
    ),
    9: (
        "mio figlio a sedici anni ha mollato le superiori",
        "giovani che hanno smesso di studiare e stanno tutto il giorno a casa",
        "recuperare gli anni di scuola persi e prendere il diploma",
    ),
    10: (
        "sono disoccupato e non so da dove iniziare a cercare un impiego",
        "una mano a fare il cv e a prepararmi ai colloqui",
        "mi hanno licenziato a cinquant'anni, chi mi assume adesso?",
    ),
    11: (
        "un primo impiego per chi è appena uscito dalla scuola",
        "stage pagati per ragazzi che vogliono imparare un lavoro",
        "borse lavoro per giovani alla prima esperienza",
    ),
    12: (
        "il padrone di casa ci vuole mandare via, siamo indietro con le rate",
        "ho l'affitto arretrato e mi arriva lo sfratto",
        "abbiamo perso il lavoro e non paghiamo il canone da mesi",
    ),
    13: (
        "le pareti sono piene di muffa e i bambini si ammalano",
        "casa fredda, il riscaldamento non funziona da settimane",
        "infiltrazioni d'acqua dal tetto e il padrone non interviene",
    ),
    14: (
        "mi è arrivata una bolletta del gas che non posso pagare",
        "rischiamo che ci stacchino la luce",
        "le utenze costano troppo, siamo indietro con i pagamenti",
    ),
    15: (
        "il frigo è vuoto e i bambini devono mangiare",
        "borsa della spesa o buoni spesa per la famiglia",
        "non arriviamo a fine mese con il cibo",
    ),
    16: (
        "la nonna non si cucina più niente, qualcuno le porti il pranzo",
        "un pasto caldo portato a casa per mio padre anziano",
        "mia madre salta i pasti perché non ce la fa a cucinare",
    ),
    17: (
        "devo fare la chemio a Cremona e non ho chi mi porta",
        "un passaggio in macchina per le analisi all'ospedale",
        "chi mi accompagna alle visite? non guido più",
    ),
    18: (
        "dopo le sette di sera non passa più la corriera",
        "la sera i ragazzi non hanno mezzi per tornare a casa",
        "pullman serali per collegare il paese alla città",
    ),
    19: (
        "mio nipote mi ha regalato il cellulare ma non lo so usare",
        "vorrei imparare a mandare messaggi e foto con il telefonino",
        "lezioni di computer e internet per chi ha una certa età",
    ),
    20: (
        "non ho le credenziali per entrare nel sito dell'INPS",
        "mi serve l'identità digitale ma non so come fare",
        "chi mi aiuta a fare lo SPID? il sito non funziona",
    ),
    21: (
        "mi scade il permesso e non so quali documenti portare in questura",
        "aiuto con i documenti per rinnovare il soggiorno",
        "la questura chiede moduli che non capisco",
    ),
    22: (
        "non so fare la dichiarazione ISEE per l'assegno dei figli",
        "qualcuno che mi compili la domanda dell'assegno unico",
        "aiuto al CAF per ISEE e bonus famiglia",
    ),
    23: (
        "il dottore di base è andato in pensione e nessuno lo ha sostituito",
        "per una visita specialistica mi danno appuntamento tra sei mesi",
        "in paese non c'è più l'ambulatorio del medico",
    ),
    24: (
        "mio figlio non esce più dalla camera e ha attacchi di panico",
        "i ragazzi sono tristi e chiusi, serve qualcuno che li ascolti",
        "uno psicologo a scuola per gli studenti che stanno male",
    ),
    25: (
        "campetto o palestra gratuita per i ragazzi del paese",
        "le squadre di calcio costano troppo per i nostri figli",
        "un posto dove i giovani possano giocare a pallone",
    ),
    26: (
        "in paese la sera non c'è niente da fare, né concerti né spettacoli",
        "vorremmo un cineforum o letture in biblioteca",
        "più cultura: mostre, spettacoli e musica dal vivo",
    ),
    27: (
        "i lampioni della via sono rotti e si vede pochissimo",
        "la sera la strada è al buio e ho paura a tornare a casa",
        "serve più illuminazione nel sottopasso",
    ),
    28: (
        "nel parchetto ci sono sacchi di immondizia abbandonati",
        "il giardinetto è sporco e pieno di rifiuti",
        "i giochi dei bambini sono circondati da sporcizia",
    ),
}


def wordings_of(theme_index: int) -> tuple[str, ...]:
    return THEMES[theme_index][3] + EXTRA_WORDINGS.get(theme_index, ())


AREAS = sorted({theme[0] for theme in THEMES})
TARGETS = (
    "minors",
    "young_people",
    "families",
    "adults",
    "elderly",
    "disability",
    "migrants",
    "caregivers",
    "community",
)
SYNONYMS = {
    "bambini": ("bimbi", "piccoli"),
    "figli": ("ragazzi", "bambini"),
    "aiuto": ("supporto", "sostegno"),
    "serve": ("occorre", "servirebbe", "ci vorrebbe"),
    "cerchiamo": ("cerco", "vorremmo"),
    "anziani": ("persone anziane", "over 75"),
    "casa": ("abitazione", "appartamento"),
    "lavoro": ("impiego", "occupazione"),
    "visite": ("controlli", "appuntamenti"),
}
DETAILS = (
    "",
    "",
    "",
    "grazie",
    "è urgente",
    "siamo in tanti nella stessa situazione",
    "lo chiedo anche per i vicini",
    "abito qui da poco",
    "vi prego di contattarmi",
    "ne ho parlato con l'assistente sociale",
    "da alcuni mesi",
    "lavoro tutto il giorno",
    "non ho parenti vicino",
    "ho già chiesto in Comune",
)
# Singletons: specific needs nobody else has.
SINGLE_THINGS = (
    "riparare la sedia a rotelle",
    "trovare un traduttore dal cinese",
    "adottare un cane anziano",
    "recuperare la patente scaduta",
    "vendere la bicicletta del nonno",
    "restaurare il mobile della cucina",
    "imparare a suonare la fisarmonica",
    "organizzare il funerale del padre",
    "smaltire l'amianto del tetto",
    "trovare un avvocato per l'eredità",
    "curare le api nel giardino",
    "sistemare la caldaia a pellet",
    "ritrovare il gatto smarrito",
    "tradurre il diploma ucraino",
    "comprare occhiali nuovi",
    "cambiare la serratura rotta",
    "vaccinare il cane",
    "ottenere il contrassegno invalidi",
    "iscriversi all'università per adulti",
    "fare la dichiarazione di successione",
)
SINGLE_FRAMES = ("ho bisogno di {x}", "qualcuno sa come {x}?", "chiedo aiuto per {x}", "{x}: a chi mi rivolgo?")


def comuni(rng: random.Random) -> list[tuple[str, float, float, float]]:
    """(ISTAT code, lat, lon, weight): 115 Comuni on a jittered grid over the province; Cremona and Crema big."""
    result = []
    for k in range(115):
        row, col = divmod(k, 12)
        lat = 45.02 + row * 0.045 + rng.uniform(-0.012, 0.012)
        lon = 9.55 + col * 0.085 + rng.uniform(-0.02, 0.02)
        weight = 1.0 / (1 + k % 40) ** 0.6
        result.append((f"019{k + 1:03d}", lat, lon, weight))
    code, lat, lon, _ = result[35]
    result[35] = (code, lat, lon, 25.0)  # 019036 Cremona
    code, lat, lon, _ = result[34]
    result[34] = (code, lat, lon, 10.0)  # 019035 Crema
    return result


def _typo(rng: random.Random, text: str) -> str:
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) > 4]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    p = rng.randrange(1, len(w) - 2)
    words[i] = w[:p] + w[p + 1] + w[p] + w[p + 2 :] if rng.random() < 0.5 else w[:p] + w[p + 1 :]
    return " ".join(words)


def paraphrase(rng: random.Random, wordings: tuple[str, ...]) -> str:
    text = rng.choice(wordings)
    words = []
    for word in text.split():
        if word in SYNONYMS and rng.random() < 0.4:
            word = rng.choice(SYNONYMS[word])
        words.append(word)
    text = " ".join(words)
    if "," in text and rng.random() < 0.3:
        parts = [p.strip() for p in text.split(",")]
        rng.shuffle(parts)
        text = ", ".join(parts)
    if rng.random() < 0.3:
        text = _typo(rng, text)
    detail = rng.choice(DETAILS)
    if detail:
        text = f"{text}. {detail.capitalize()}" if rng.random() < 0.5 else f"{detail.capitalize()}: {text}"
    return text[0].upper() + text[1:]


CHAIN_SHARE = 0.25  # share of true groups whose members' days chain (Tuesday / Tuesday+Thursday / Thursday)
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BANDS = ((9, 12), (14, 16), (16, 18), (18, 20))


def _windows_text(windows: list[tuple[int, int, int]]) -> str:
    return ";".join(f"{DAY_CODES[d]} {s:02d}:00-{e:02d}:00" for d, s, e in windows)


def generate(size: int, seed: int = 3) -> tuple[list[dict], list[int]]:
    """`size` needs as CSV rows (the command's columns) and their true group labels."""
    rng = random.Random(seed)
    places = comuni(rng)
    weights = [p[3] for p in places]
    rows: list[dict] = []
    truth: list[int] = []
    used_slots: dict[tuple[int, str], set[tuple[int, int]]] = {}
    label = 0

    def point(lat: float, lon: float, km: float) -> tuple[float, float]:
        angle, radius = rng.uniform(0, 2 * math.pi), km * math.sqrt(rng.random())
        return lat + radius * math.sin(angle) / 111.32, lon + radius * math.cos(angle) / (
            111.32 * math.cos(math.radians(lat))
        )

    def add(area, target, comune, lat, lon, windows, description, group):
        rows.append(
            {
                "id": f"N{len(rows) + 1:07d}",
                "area": area,
                "target_group": target,
                "municipality_istat": comune,
                "lat": "" if lat is None else f"{lat:.6f}",
                "lon": "" if lon is None else f"{lon:.6f}",
                "time_windows": _windows_text(windows),
                "description": description,
            }
        )
        truth.append(group)

    grouped_target, single_target = int(size * 0.7), int(size * 0.2)
    groups_made: list[tuple[int, str, tuple, tuple[int, int], list]] = []
    while len(rows) < grouped_target:
        theme_index = rng.randrange(len(THEMES))
        area, base, alternatives, _ = THEMES[theme_index]
        wordings = wordings_of(theme_index)
        code, clat, clon, _ = rng.choices(places, weights)[0]
        slots = used_slots.setdefault((theme_index, code), set())
        free = [(d, b) for d in range(7) for b in range(len(BANDS)) if (d, b) not in slots]
        if not free:
            continue
        first_of_key = not slots
        day, band = rng.choice(free)
        slots.add((day, band))
        # one slot of the key's (day, band) grid: groups of one theme and Comune never share hours
        start, end = BANDS[band]
        n = min(40, 2 + int(rng.expovariate(1 / 5)), grouped_target - len(rows))
        if n < 2:
            break
        glat, glon = point(clat, clon, 1.2)
        # one alternative target per group, so that every two members are compatible
        alternative = rng.choice(alternatives) if alternatives else base
        if not compatible_targets(base, alternative):
            # a true group must be answerable together: keep only alternatives the documented
            # compatibility table (legami.aggregation.engine.records) accepts with the base target
            alternative = base
        # A chained group: the same band on two days, some members ask for one day, some for both, some for
        # the other (at least one for both): one answer (say Tuesday and Thursday) serves them all.
        chain_day = (day + rng.choice((2, 3))) % 7
        chained = rng.random() < CHAIN_SHARE and (chain_day, band) not in slots
        if chained:
            slots.add((chain_day, band))
        for member in range(n):
            target = base if rng.random() < 0.7 else alternative
            lat = lon = None
            located = rng.random() < 0.8
            if located:
                lat, lon = point(glat, glon, 0.6)
            if first_of_key and rng.random() < 0.3:
                windows = []
                # Neither hours nor a place would leave nothing to tell this need's group from the theme's other
                # groups in the Comune (an arbitrary label): a need reported without hours carries its address.
                if not located:
                    lat, lon = point(glat, glon, 0.6)
            elif chained:
                pick = 1 if member == 0 else rng.randrange(3)
                windows = [
                    [(day, start, end)],
                    [(day, start, end), (chain_day, start, end)],
                    [(chain_day, start, end)],
                ][pick]
            else:
                windows = [(day, start, end)]
                if rng.random() < 0.3:
                    extra_day, extra_band = (day + rng.choice((2, 3))) % 7, rng.randrange(len(BANDS))
                    # A member's second slot is taken from the key's grid too: were it another group's slot of
                    # the same theme and Comune, the member would fit that group as well as its own, and which of
                    # the two it "truly" belongs to would be a coin toss no engine could call.
                    if (extra_day, extra_band) not in slots:
                        slots.add((extra_day, extra_band))
                        windows.append((extra_day, *BANDS[extra_band]))
            add(area, target, code, lat, lon, windows, paraphrase(rng, wordings), label)
        groups_made.append((theme_index, code, (glat, glon), (day, band), []))
        label += 1
    # One-off requests are drawn from a short list, so at scale two people of one Comune sometimes ask the very
    # same thing, in the same area, for the same group and hours: such needs could be answered together, and the
    # truth says so (they share a label) instead of counting their grouping as an error.
    same_request: dict[tuple, int] = {}
    while len(rows) < grouped_target + single_target:
        code, clat, clon, _ = rng.choices(places, weights)[0]
        lat, lon = point(clat, clon, 2.0) if rng.random() < 0.8 else (None, None)
        thing = rng.choice(SINGLE_THINGS)
        text = rng.choice(SINGLE_FRAMES).format(x=thing)
        windows = [] if rng.random() < 0.5 else [(rng.randrange(7), *BANDS[rng.randrange(len(BANDS))])]
        area, target = rng.choice(AREAS), rng.choice(TARGETS)
        key = (thing, area, target, code, tuple(windows))
        if key not in same_request:
            same_request[key] = label
            label += 1
        add(area, target, code, lat, lon, windows, text[0].upper() + text[1:], same_request[key])
    while len(rows) < size:
        theme_index, code, (glat, glon), (day, band), _ = rng.choice(groups_made)
        area, base, _alternatives, _ = THEMES[theme_index]
        wordings = wordings_of(theme_index)
        kind = rng.randrange(3)
        lat, lon = point(glat, glon, 0.6)
        if kind == 0:  # same area and place, unrelated topic (another area's theme)
            other = rng.choice([i for i, t in enumerate(THEMES) if t[0] != area])
            add(area, base, code, lat, lon, [(day, *BANDS[band])], paraphrase(rng, wordings_of(other)), label)
        elif kind == 1:  # same topic and place, disjoint hours (a day two days away: no group there)
            other_day = (day + rng.choice((1, 4))) % 7
            add(area, base, code, lat, lon, [(other_day, 6, 8)], paraphrase(rng, wordings), label)
        else:  # same topic and place, another area
            add(
                rng.choice([a for a in AREAS if a != area]),
                base,
                code,
                lat,
                lon,
                [(day, *BANDS[band])],
                paraphrase(rng, wordings),
                label,
            )
        label += 1
    return rows, truth


# ---- metrics -------------------------------------------------------------------------------------------


def _pairs(counts) -> int:
    return sum(c * (c - 1) // 2 for c in counts)


def pairwise_scores(truth: list, predicted: list) -> tuple[float, float]:
    """Pairwise precision and recall over pairs of items put together, from contingency counts."""
    together = _pairs(Counter(zip(truth, predicted, strict=True)).values())
    predicted_pairs = _pairs(Counter(predicted).values())
    true_pairs = _pairs(Counter(truth).values())
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    return precision, recall


def scores(truth: list, predicted: list) -> dict:
    from sklearn.metrics import adjusted_rand_score

    precision, recall = pairwise_scores(truth, predicted)
    return {
        "ari": round(float(adjusted_rand_score(truth, predicted)), 4),
        "pairwise_precision": round(precision, 4),
        "pairwise_recall": round(recall, 4),
        "groups": len(set(predicted)),
    }


# ---- runner --------------------------------------------------------------------------------------------


# The evaluation sets: the engine's thresholds and lexicon were tuned on A only; B, C, D, E and F were written apart
# (D, E and F later, by other hands, so that they stay unseen by whoever looked at B's and C's errors).
SETS: dict[str, dict[str, str | bool]] = {
    "A": {
        "label": "progetto (tuning)",
        "tuned": True,
        "source": "benchmarks/aggregation.py generate(): the generator the engine is tuned on",
    },
    "B": {
        "label": "indipendente",
        "tuned": False,
        "source": "benchmarks/evalsets/independent.py generate(): own services, voices, noise and hours",
    },
    "C": {
        "label": "scritto a mano",
        "tuned": False,
        "source": "benchmarks/data/handwritten/: needs written one by one, groups decided by reading them",
    },
    "D": {
        "label": "esterno breve",
        "tuned": False,
        "source": "benchmarks/evalsets/external.py generate(voice='short'): a held-out generator with its own "
        "catalogue, short requests",
    },
    "E": {
        "label": "esterno frasi",
        "tuned": False,
        "source": "benchmarks/evalsets/external.py generate(voice='sentences'): the same generator, whole sentences "
        "of citizens, operators and text messages",
    },
    "F": {
        "label": "scritto a mano 2",
        "tuned": False,
        "source": "benchmarks/data/handwritten2/: a second hand-written set, other places and services, held out",
    },
}

# The hand-written sets: their own folder and their own size (`--sizes` does not apply to them).
HANDWRITTEN_SETS = ("C", "F")


def _handwritten_folder(set_name: str) -> Path:
    from benchmarks.evalsets.handwritten import FOLDER, FOLDER2

    return FOLDER if set_name == "C" else FOLDER2


# baseline: one group per area and Comune; plain: an outside evaluator's lemmatised TF-IDF + single linkage under the
# project's pairwise rules (benchmarks/plain.py, threshold chosen on set A only); engine: legami.aggregation.engine.
METHODS = ("baseline", "plain", "engine")


def dataset(set_name: str, size: int, seed: int) -> tuple[list[dict], list]:
    """The rows and true labels of one evaluation set (C and F have their own size: `size` is ignored)."""
    if set_name == "A":
        return generate(size, seed)
    if set_name == "B":
        from benchmarks.evalsets.independent import generate as generate_b

        return generate_b(size, seed)
    if set_name in HANDWRITTEN_SETS:
        from benchmarks.evalsets.handwritten import load

        return load(_handwritten_folder(set_name))
    if set_name in ("D", "E"):
        from benchmarks.evalsets.external import generate as generate_external

        return generate_external(size, seed, voice="short" if set_name == "D" else "sentences")
    raise ValueError(f"unknown evaluation set {set_name!r} (expected one of {', '.join(SETS)})")


def _run_method(method: str, size: int, seed: int, set_name: str = "A") -> dict:
    """Generate, run one method, score; meant for a subprocess (its max RSS is this method's)."""
    rows, truth = dataset(set_name, size, seed)
    started = time.perf_counter()
    if method == "baseline":
        keys: dict[tuple[str, str], int] = {}
        predicted = [keys.setdefault((r["area"], r["municipality_istat"]), len(keys)) for r in rows]
    elif method == "plain":
        from benchmarks.plain import plain_groups

        predicted = plain_groups(rows)
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legami.settings")
        from legami.aggregation.engine import aggregate
        from legami.aggregation.engine.io import records_from_rows

        records = records_from_rows(rows)
        predicted = [0] * len(records)
        for number, group in enumerate(aggregate(records)):
            for member in group.members:
                predicted[member] = number
    seconds = time.perf_counter() - started
    return {
        "set": set_name,
        "method": method,
        "needs": len(rows),
        **scores(truth, predicted),
        "true_groups": len(set(truth)),
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run(
    sizes: list[int],
    seed: int = 3,
    sets: list[str] | tuple[str, ...] = ("A", "B", "C"),
    methods: tuple[str, ...] = METHODS,
) -> dict:
    """Each method on each set at each size (C and F at their own size) in its own subprocess; the results document."""
    unknown = [name for name in sets if name not in SETS]
    if unknown:
        raise ValueError(f"unknown evaluation set(s) {', '.join(unknown)} (expected some of {', '.join(SETS)})")
    results = []
    for set_name in sets:
        if set_name in HANDWRITTEN_SETS:
            from benchmarks.evalsets.handwritten import size as handwritten_size

            set_sizes = [handwritten_size(_handwritten_folder(set_name))]
        else:
            set_sizes = sizes
        for size in set_sizes:
            for method in methods:
                print(f"== aggregation: {method} on set {set_name} at {size:,} needs", file=sys.stderr, flush=True)
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.aggregation",
                        "--one",
                        method,
                        "--set",
                        set_name,
                        "--sizes",
                        str(size),
                        "--seed",
                        str(seed),
                    ],
                    cwd=ROOT,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                    capture_output=True,
                    text=True,
                )
                if out.returncode:
                    sys.stderr.write(out.stderr)
                    results.append(
                        {
                            "set": set_name,
                            "method": method,
                            "needs": size,
                            "error": out.stderr.strip().splitlines()[-1:],
                        }
                    )
                    continue
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "seed": seed,
        "tuned_on": [name for name, meta in SETS.items() if meta["tuned"]],
        "sets": {name: SETS[name] for name in sets},
        "targets": {"ari": 0.95, "seconds_at_100k": 30, "peak_rss_mb": 1024},
        "results": results,
    }


def table(document: dict) -> str:
    """The fixed-width table: one block per evaluation set, each method (baseline, plain, engine) at each size."""
    sets = document.get("sets") or {"A": SETS["A"]}
    tuned = ", ".join(document.get("tuned_on", ["A"]))
    lines = [
        "aggregation (engine vs baseline 'same area + same Comune' and plain 'lemma TF-IDF + single linkage'), seed "
        + str(document["seed"])
        + f"; the engine and plain's threshold were tuned on set {tuned} only",
        f"{'set':<26} {'method':<9} {'needs':>8} {'ARI':>7} {'pair P':>7} {'pair R':>7} {'groups':>7} "
        f"{'true':>7} {'seconds':>8} {'peak MB':>8}",
        "-" * 104,
    ]
    for set_name, meta in sets.items():
        label = f"{set_name} {meta['label']}"
        for r in document["results"]:
            if r.get("set", "A") != set_name:
                continue
            if "error" in r:
                lines.append(f"{label[:26]:<26} {r['method']:<9} {r['needs']:>8,} FAILED {r['error']}")
                continue
            lines.append(
                f"{label[:26]:<26} {r['method']:<9} {r['needs']:>8,} {r['ari']:>7.3f} {r['pairwise_precision']:>7.3f} "
                f"{r['pairwise_recall']:>7.3f} {r['groups']:>7,} {r['true_groups']:>7,} {r['seconds']:>8.2f} "
                f"{r['peak_rss_mb']:>8.0f}"
            )
    lines.append(
        "sets: "
        + "; ".join(
            f"{name} = {meta['label']} ({'used for tuning' if meta['tuned'] else 'never used for tuning'})"
            for name, meta in sets.items()
        )
    )
    return "\n".join(lines)


def _predicted_labels(groups, count: int) -> list[int]:
    predicted = [0] * count
    for number, group in enumerate(groups):
        for member in group.members:
            predicted[member] = number
    return predicted


def reviewer_fixes(rows: list[dict], truth: list, predicted: list, limit: int = 20) -> list[tuple[str, list, list]]:
    """What a reviewer would do about the `limit` largest errors of a run, as (action, first, second) on
    descriptions: "merge" each piece of a true group the run split into its largest piece, "split" each other
    true part out of a proposed group that mixes true groups (its largest true part stays). Largest = most
    pairs wrong or missed."""
    by_truth: dict = {}
    by_predicted: dict = {}
    for index, (label, group) in enumerate(zip(truth, predicted, strict=True)):
        by_truth.setdefault(label, {}).setdefault(group, []).append(index)
        by_predicted.setdefault(group, {}).setdefault(label, []).append(index)
    errors: list[tuple[int, str, list, list]] = []
    for pieces in by_truth.values():
        if len(pieces) > 1:
            parts = sorted(pieces.values(), key=lambda p: (-len(p), p[0]))
            missed = sum(len(a) * len(b) for i, a in enumerate(parts) for b in parts[i + 1 :])
            errors.append((missed, "merge", parts[0], parts[1:]))
    for parts_by_label in by_predicted.values():
        if len(parts_by_label) > 1:
            parts = sorted(parts_by_label.values(), key=lambda p: (-len(p), p[0]))
            wrong = sum(len(a) * len(b) for i, a in enumerate(parts) for b in parts[i + 1 :])
            errors.append((wrong, "split", parts[0], parts[1:]))
    errors.sort(key=lambda e: (-e[0], e[1], e[2][0]))
    fixes = []
    for _size, action, first, others in errors[:limit]:
        # a merge joins every piece into the largest; a split moves every other true part out of the group
        for second in others:
            fixes.append((action, [rows[i]["description"] for i in first], [rows[i]["description"] for i in second]))
    return fixes


# Set A with no vocabulary at all and with the standard one; set B (never used for tuning) with the standard
# vocabulary: a network whose people word their needs otherwise than the vocabulary does.
LEARNING_RUNS = (("A", "empty"), ("A", "standard"), ("B", "standard"))


def learning_simulation(
    size: int, seed: int, *, vocabulary: str = "empty", set_name: str = "A", settings: object = None
) -> dict:
    """A reviewer fixes the 20 largest errors of a run on the needs of half the Comuni; the evidence learned from
    those fixes is used on the other half (needs the reviewer never saw). ARI on the held-out half, before and
    after. On set B this measures learning, it tunes nothing: the engine's settings stay as they are, and what
    is learned lives in the simulated network's evidence only."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legami.settings")
    from legami.aggregation.engine import DEFAULT_SETTINGS, Vocabulary, evidence_from_merge, evidence_from_split
    from legami.aggregation.engine import aggregate as engine_aggregate
    from legami.aggregation.engine.io import records_from_rows

    def aggregate(records: list, **kwargs: object) -> list:
        return engine_aggregate(records, settings or DEFAULT_SETTINGS, **kwargs)  # type: ignore[arg-type]

    # "empty": a network whose vocabulary knows no service yet, so that whatever the engine relates beyond
    # shared words is what the reviewer taught it; "standard": the standard vocabulary.
    words = Vocabulary(concepts=()) if vocabulary == "empty" else Vocabulary.standard()

    rows, truth = dataset(set_name, size, seed)
    comuni_codes = sorted({row["municipality_istat"] for row in rows})
    seen_codes = set(comuni_codes[::2])
    parts: dict[bool, list[int]] = {True: [], False: []}
    for index, row in enumerate(rows):
        parts[row["municipality_istat"] in seen_codes].append(index)

    def subset(indices: list[int]) -> tuple[list[dict], list]:
        return [rows[i] for i in indices], [truth[i] for i in indices]

    seen_rows, seen_truth = subset(parts[True])
    held_rows, held_truth = subset(parts[False])
    started = time.perf_counter()
    seen_groups = aggregate(records_from_rows(seen_rows), vocabulary=words)
    fixes = reviewer_fixes(seen_rows, seen_truth, _predicted_labels(seen_groups, len(seen_rows)))
    evidence = []
    for action, first, second in fixes:
        derive = evidence_from_merge if action == "merge" else evidence_from_split
        evidence.extend(derive(first, second, vocabulary=words))
    held_records = records_from_rows(held_rows)
    before = scores(held_truth, _predicted_labels(aggregate(held_records, vocabulary=words), len(held_rows)))
    after = scores(
        held_truth, _predicted_labels(aggregate(held_records, vocabulary=words, evidence=evidence), len(held_rows))
    )
    return {
        "needs": size,
        "seed": seed,
        "set": set_name,
        "vocabulary": vocabulary,
        "reviewed_needs": len(seen_rows),
        "held_out_needs": len(held_rows),
        "fixes": min(20, len(fixes)),
        "actions": len(fixes),
        "evidence": [{"kind": item.kind, "first": list(item.first), "second": list(item.second)} for item in evidence],
        "before": before,
        "after": after,
        "seconds": round(time.perf_counter() - started, 2),
    }


def learning_table(document: dict) -> str:
    before, after = document["before"], document["after"]
    pieces = len(document["evidence"])
    return "\n".join(
        [
            f"learning from review (set {document.get('set', 'A')}, seed {document['seed']}, "
            f"{document['vocabulary']} vocabulary): "
            f"{document['fixes']} fixes on {document['reviewed_needs']:,} needs -> {pieces} "
            f"piece{'' if pieces == 1 else 's'} of evidence; held-out {document['held_out_needs']:,} needs "
            "(other Comuni)",
            f"{'':<8} {'ARI':>7} {'pair P':>7} {'pair R':>7}",
            *(
                f"{name:<8} {row['ari']:>7.3f} {row['pairwise_precision']:>7.3f} {row['pairwise_recall']:>7.3f}"
                for name, row in (("before", before), ("after", after))
            ),
        ]
    )


def write_dataset(directory: Path, size: int, seed: int, set_name: str = "A") -> tuple[Path, Path]:
    """Write needs_<n>.csv and truth_<n>.csv of a generated set (A, B, D or E; sets C and F are already files)."""
    if set_name in HANDWRITTEN_SETS:
        raise ValueError(
            f"--write-dataset writes set A, B, D or E; set {set_name} is already in {SETS[set_name]['source']}"
        )
    rows, truth = dataset(set_name, size, seed)
    directory.mkdir(parents=True, exist_ok=True)
    needs, labels = directory / f"needs_{size}.csv", directory / f"truth_{size}.csv"
    with needs.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with labels.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["need_id", "group_id"])
        writer.writerows((row["id"], f"T{label}") for row, label in zip(rows, truth, strict=True))
    return needs, labels


def score_files(truth_path: Path, groups_path: Path) -> dict:
    def read(path: Path) -> dict[str, str]:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return {row["need_id"]: row["group_id"] for row in csv.DictReader(handle)}

    truth, predicted = read(truth_path), read(groups_path)
    ids = sorted(truth)
    return scores([truth[i] for i in ids], [predicted.get(i, f"missing-{i}") for i in ids])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.aggregation",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated numbers of needs")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--write-dataset", metavar="DIR", help="write needs_<n>.csv and truth_<n>.csv and stop")
    parser.add_argument("--score", nargs=2, metavar=("TRUTH", "GROUPS"), help="score a groups.csv against a truth file")
    parser.add_argument(
        "--sets",
        default="A,B,C,D,E,F",
        help="evaluation sets to run: A (tuning), B (independent), C (hand-written), D and E (external, held out), F "
        "(hand-written, held out)",
    )
    parser.add_argument("--set", default="A", choices=tuple(SETS), help="the set --write-dataset writes (A, B, D or E)")
    parser.add_argument("--one", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--output", help="also write the JSON document here")
    parser.add_argument(
        "--learning", action="store_true", help="only the learning-from-review simulation (first of --sizes)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.one:
        print(json.dumps(_run_method(args.one, sizes[0], args.seed, args.set)))
        return 0
    if args.score:
        print(json.dumps(score_files(Path(args.score[0]), Path(args.score[1])), indent=2))
        return 0
    if args.learning:
        documents = [
            learning_simulation(sizes[0], args.seed, vocabulary=vocabulary, set_name=set_name)
            for set_name, vocabulary in LEARNING_RUNS
        ]
        for document in documents:
            print(learning_table(document))
        print(json.dumps(documents, indent=2))
        return 0 if documents[0]["after"]["ari"] > documents[0]["before"]["ari"] else 1
    if args.write_dataset:
        if args.set == "C":
            parser.error(f"--write-dataset writes set A or B, D or E; set C is already in {SETS['C']['source']}")
        for size in sizes:
            for path in write_dataset(Path(args.write_dataset), size, args.seed, args.set):
                print(path)
        return 0
    sets = [name.strip().upper() for name in args.sets.split(",") if name.strip()]
    unknown = [name for name in sets if name not in SETS]
    if unknown or not sets:
        parser.error(
            f"--sets: unknown set(s) {', '.join(unknown) or '(none given)'}; expected some of {','.join(SETS)}"
        )
    document = run(sizes, args.seed, sets)
    print(table(document))
    text = json.dumps(document, indent=2)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")
    return 0 if all("error" not in r for r in document["results"]) else 1


if __name__ == "__main__":
    sys.exit(main())
