"""Fixed content of the demo network: territory, places, partners, processings and accounts.

Names of Comuni and social districts are real; organisations are fictional (except the Comuni
themselves); addresses and coordinates are plausible, not authoritative.
"""

from __future__ import annotations

from legami.core.roles import Role

NETWORK = {
    "name": "Wel(l)FARE legami — Provincia di Cremona",
    "slug": "welfare-cremona",
    "summary": "Welfare di comunità nei 113 Comuni della provincia di Cremona: patti, laboratori, incroci di comunità.",
    "description": (
        "Wel(l)FARE legami è il partenariato che, negli ambiti Cremonese, Cremasco e Casalasco, trasforma il "
        "welfare del territorio investendo sulle capacità delle persone e sui legami tra loro.\n\n"
        "Leggiamo insieme i bisogni nei laboratori di comunità, aggreghiamo la domanda, co-progettiamo le "
        "risposte con gli enti del Terzo settore, firmiamo patti gener-attivi fondati sulla reciprocità e "
        "organizziamo attività aggregative, culturali ed extrascolastiche negli spazi di comunità.\n\n"
        "Questa è una rete dimostrativa: le persone e le organizzazioni sono inventate."
    ),
    "contact_email": "info@legami.demo",
    "website": "https://legami.demo/",
}

PASSWORD = "legami-demo-2026"
ADMIN_EMAIL = "admin@legami.demo"

# The three ambiti of the province. Casalasco and Cremasco are listed Comune by Comune (ISTAT names);
# every other Comune of the province belongs to the Cremonese.
CREMONESE = "Ambito Cremonese"
CREMASCO = "Ambito Cremasco"
CASALASCO = "Ambito Casalasco"
DISTRICT_CODES = {CREMONESE: "CR-CREMONESE", CREMASCO: "CR-CREMASCO", CASALASCO: "CR-CASALASCO"}

CREMASCO_COMUNI = frozenset(
    {
        "Agnadello",
        "Bagnolo Cremasco",
        "Camisano",
        "Campagnola Cremasca",
        "Capergnanica",
        "Capralba",
        "Casale Cremasco-Vidolasco",
        "Casaletto Ceredano",
        "Casaletto di Sopra",
        "Casaletto Vaprio",
        "Castel Gabbiano",
        "Castelleone",
        "Chieve",
        "Credera Rubbiano",
        "Crema",
        "Cremosano",
        "Cumignano sul Naviglio",
        "Dovera",
        "Fiesco",
        "Gombito",
        "Izano",
        "Madignano",
        "Monte Cremasco",
        "Montodine",
        "Moscazzano",
        "Offanengo",
        "Palazzo Pignano",
        "Pandino",
        "Pianengo",
        "Pieranica",
        "Quintano",
        "Ricengo",
        "Ripalta Arpina",
        "Ripalta Cremasca",
        "Ripalta Guerina",
        "Rivolta d'Adda",
        "Romanengo",
        "Salvirola",
        "Sergnano",
        "Soncino",
        "Spino d'Adda",
        "Ticengo",
        "Torlino Vimercati",
        "Trescore Cremasco",
        "Trigolo",
        "Vaiano Cremasco",
        "Vailate",
    }
)

CASALASCO_COMUNI = frozenset(
    {
        "Calvatone",
        "Casalmaggiore",
        "Casteldidone",
        "Cingia de' Botti",
        "Gussola",
        "Isola Dovarese",
        "Martignana di Po",
        "Motta Baluffi",
        "Piadena Drizzona",
        "Rivarolo del Re ed Uniti",
        "San Giovanni in Croce",
        "San Martino del Lago",
        "Scandolara Ravara",
        "Solarolo Rainerio",
        "Spineda",
        "Torre de' Picenardi",
        "Torricella del Pizzo",
        "Tornata",
        "Voltido",
    }
)


def district_of(comune: str) -> str:
    """The ambito a Comune of the province of Cremona belongs to."""
    if comune in CREMASCO_COMUNI:
        return CREMASCO
    if comune in CASALASCO_COMUNI:
        return CASALASCO
    return CREMONESE


# Residents, rounded (ISTAT, recent years): weights for where the demo people live. Comuni not
# listed weigh DEFAULT_POPULATION.
POPULATION = {
    "Cremona": 71000,
    "Crema": 34000,
    "Casalmaggiore": 15300,
    "Castelleone": 9400,
    "Pandino": 9000,
    "Soresina": 8800,
    "Rivolta d'Adda": 8000,
    "Soncino": 7500,
    "Spino d'Adda": 7100,
    "Pizzighettone": 6400,
    "Offanengo": 6000,
    "Castelverde": 5700,
    "Bagnolo Cremasco": 4800,
    "Vailate": 4600,
    "Vescovato": 4000,
    "Piadena Drizzona": 3900,
    "Casalbuttano ed Uniti": 3900,
    "Palazzo Pignano": 3900,
    "Vaiano Cremasco": 3900,
    "Agnadello": 3800,
    "Dovera": 3800,
    "Sergnano": 3600,
    "Persico Dosimo": 3400,
    "Ripalta Cremasca": 3300,
    "Sospiro": 3100,
    "Romanengo": 3100,
    "Madignano": 3000,
    "Trescore Cremasco": 2900,
    "Sesto ed Uniti": 2900,
    "Ostiano": 2900,
    "Gussola": 2700,
    "Pianengo": 2600,
    "Montodine": 2500,
    "Capralba": 2400,
    "Monte Cremasco": 2300,
    "Robecco d'Oglio": 2200,
    "Gadesco-Pieve Delmona": 2000,
    "Annicco": 2000,
    "Izano": 2000,
    "Rivarolo del Re ed Uniti": 2000,
    "San Giovanni in Croce": 1900,
    "Martignana di Po": 1900,
    "Torre de' Picenardi": 1800,
    "Grumello Cremonese ed Uniti": 1800,
}
DEFAULT_POPULATION = 1100

# Quartieri the network works in: (Comune, name, description).
NEIGHBOURHOODS = [
    ("Cremona", "Centro", "Il centro storico, dal Torrazzo a corso Garibaldi."),
    ("Cremona", "Po", "I quartieri verso il fiume, tra le società canottieri e il porto."),
    ("Cremona", "Cambonino", "Quartiere di edilizia popolare a nord-ovest, con una casa di quartiere attiva."),
    ("Cremona", "Zaist", "Quartiere residenziale a est, lungo via Mantova."),
    ("Cremona", "Maristella", "Quartiere a sud-ovest, con molte famiglie giovani."),
    ("Cremona", "Borgo Loreto", "Il borgo a nord-est, attorno alla chiesa di Loreto."),
    ("Cremona", "San Bernardo", "Quartiere a est del centro, tra la ferrovia e via Bergamo."),
    ("Cremona", "Giordano", "Quartiere Giordano, a ovest lungo via Giordano."),
    ("Crema", "Centro", "Il centro storico dentro le mura venete."),
    ("Crema", "Ombriano", "L'antico comune di Ombriano, a ovest della città."),
    ("Crema", "Santa Maria della Croce", "Il quartiere nord, attorno al santuario."),
    ("Crema", "San Bernardino", "Il quartiere oltre il Serio, a est."),
    ("Crema", "Castelnuovo", "Quartiere a sud-est, verso la strada per Cremona."),
]

# Places: (Comune, neighbourhood or "", name, kind, address, latitude, longitude, description).
PLACES = [
    (
        "Cremona",
        "Cambonino",
        "Casa di quartiere Cambonino",
        "community_house",
        "Via Panfilo Nuvolone 12",
        "45.149210",
        "10.003870",
        "Spazio di comunità con sala riunioni, cucina condivisa e doposcuola.",
    ),
    (
        "Cremona",
        "Zaist",
        "Casa di quartiere Zaist",
        "community_house",
        "Via Zaist 44",
        "45.143960",
        "10.051720",
        "Laboratorio di comunità del quartiere e sportello di vicinato.",
    ),
    (
        "Cremona",
        "Giordano",
        "Spazio comune Giordano",
        "community_house",
        "Via Giordano 120",
        "45.139050",
        "10.008410",
        "Ex negozio di vicinato riaperto come spazio di incontro.",
    ),
    (
        "Cremona",
        "San Bernardo",
        "Oratorio di San Bernardo",
        "oratory",
        "Via Bergamo 31",
        "45.141280",
        "10.036950",
        "Oratorio con campo da calcio: attività estive e aiuto compiti.",
    ),
    (
        "Cremona",
        "Maristella",
        "Biblioteca di quartiere Maristella",
        "library",
        "Via Maffi 9",
        "45.125380",
        "9.993150",
        "Piccola biblioteca con sala studio e gruppi di lettura.",
    ),
    (
        "Cremona",
        "Borgo Loreto",
        "Scuola primaria Borgo Loreto",
        "school",
        "Via Lucchini 104",
        "45.147300",
        "10.029910",
        "Scuola aperta il pomeriggio per le attività extrascolastiche.",
    ),
    (
        "Cremona",
        "Centro",
        "Sportello sociale del Comune di Cremona",
        "social_services",
        "Piazza del Comune 8",
        "45.133420",
        "10.022780",
        "Accoglienza, segretariato sociale e ascolto delle segnalazioni.",
    ),
    (
        "Crema",
        "Ombriano",
        "Casa di quartiere Ombriano",
        "community_house",
        "Via Pandino 12",
        "45.357810",
        "9.665340",
        "Spazio di comunità con orto condiviso.",
    ),
    (
        "Crema",
        "Santa Maria della Croce",
        "Oratorio di Santa Maria della Croce",
        "oratory",
        "Via Battaglio 2",
        "45.376020",
        "9.694110",
        "Oratorio con sale per laboratori e doposcuola.",
    ),
    (
        "Crema",
        "Centro",
        "Sportello sociale del Comune di Crema",
        "social_services",
        "Piazza Duomo 25",
        "45.364140",
        "9.684280",
        "Segretariato sociale e punto di accesso ai servizi.",
    ),
    (
        "Crema",
        "Castelnuovo",
        "Scuola secondaria Castelnuovo",
        "school",
        "Via Cresmiero 21",
        "45.357490",
        "9.700620",
        "Palestra e aule aperte alle associazioni la sera.",
    ),
    (
        "Casalmaggiore",
        "",
        "Casa delle associazioni di Casalmaggiore",
        "community_house",
        "Via Cairoli 40",
        "44.990480",
        "10.416030",
        "Sede condivisa delle associazioni del Casalasco.",
    ),
    (
        "Piadena Drizzona",
        "",
        "Sala civica di Piadena",
        "community_house",
        "Piazza Garibaldi 1",
        "45.128410",
        "10.370520",
        "La sala del municipio, aperta la sera alle associazioni e al laboratorio di paese.",
    ),
]

# Partner organisations: (key, name, kind, Comune, address, roles, description). The tax codes are
# generated (valid check digit, fictional).
ORGANIZATIONS = [
    (
        "cremona",
        "Comune di Cremona",
        "municipality",
        "Cremona",
        "Piazza del Comune 8",
        ["lead"],
        "Ente capofila del partenariato.",
    ),
    ("crema", "Comune di Crema", "municipality", "Crema", "Piazza Duomo 25", ["partner"], "Ente partner."),
    (
        "casalmaggiore",
        "Comune di Casalmaggiore",
        "municipality",
        "Casalmaggiore",
        "Piazza Garibaldi 26",
        ["partner"],
        "Ente partner per il Casalasco.",
    ),
    (
        "trama",
        "Cooperativa sociale Trama Solidale",
        "cooperative",
        "Cremona",
        "Via Antiche Fornaci 7",
        ["partner"],
        "Servizi educativi e di comunità nei quartieri di Cremona.",
    ),
    (
        "serio",
        "Cooperativa sociale Rete del Serio",
        "cooperative",
        "Crema",
        "Via Mulini 14",
        ["partner"],
        "Inserimento lavorativo e housing sociale nel Cremasco.",
    ),
    (
        "argine",
        "Cooperativa sociale Argine Aperto",
        "cooperative",
        "Casalmaggiore",
        "Via Baldesio 3",
        ["partner"],
        "Servizi domiciliari e centri diurni nel Casalasco.",
    ),
    (
        "argento",
        "Associazione Argento Vivo",
        "association",
        "Cremona",
        "Via Brescia 58",
        ["partner"],
        "Volontariato degli anziani attivi: trasporti solidali, compagnia, telefonate di vicinato.",
    ),
    (
        "lavoro",
        "Circolo Solidarietà e Lavoro",
        "association",
        "Crema",
        "Via Bottesini 4",
        ["partner"],
        "Associazione di promozione sociale: sportello lavoro, patronato, corsi serali.",
    ),
    (
        "fondazione",
        "Fondazione Terre Padane per la Comunità",
        "foundation",
        "Cremona",
        "Via Palestro 32",
        ["funder"],
        "Fondazione di comunità: raccolta fondi e bandi per il territorio.",
    ),
    (
        "osservatorio",
        "Osservatorio universitario sul welfare padano",
        "public_body",
        "Cremona",
        "Via Sant'Antonio del Fuoco 6",
        ["evaluator"],
        "Centro di ricerca universitario: valutazione d'impatto sociale del progetto.",
    ),
    (
        "parrocchia",
        "Parrocchia della Beata Vergine del Cambonino",
        "parish",
        "Cremona",
        "Via Panfilo Nuvolone 2",
        ["partner"],
        "Oratorio e centro di ascolto nel quartiere Cambonino.",
    ),
    (
        "scuola",
        "Istituto comprensivo Po e Navigli",
        "school",
        "Cremona",
        "Via Lucchini 104",
        ["partner"],
        "Scuole dell'infanzia, primarie e secondarie di primo grado dei quartieri sud.",
    ),
    (
        "impresa",
        "Logistica Padana Servizi Srl",
        "business",
        "Pizzighettone",
        "Via dell'Industria 15",
        ["supporter"],
        "Impresa del territorio: mezzi per il trasporto solidale e tirocini.",
    ),
    (
        "vicinato",
        "Gruppo di vicinato Zaist",
        "informal_group",
        "Cremona",
        "",
        ["supporter"],
        "Gruppo informale di residenti: feste di via, spesa per i vicini, cura del verde.",
    ),
]
PARTNERSHIP_SINCE = "2015-01-01"

# Collaboration ties between organisations: (source key, target key, note).
ORGANIZATION_TIES = [
    ("cremona", "trama", "Gestione condivisa delle case di quartiere"),
    ("cremona", "argento", "Trasporto solidale verso i servizi"),
    ("cremona", "scuola", "Scuole aperte il pomeriggio"),
    ("crema", "serio", "Tirocini di inclusione"),
    ("crema", "lavoro", "Sportello lavoro"),
    ("casalmaggiore", "argine", "Servizi domiciliari e centri diurni"),
    ("trama", "parrocchia", "Doposcuola al Cambonino"),
    ("trama", "vicinato", "Laboratorio di comunità Zaist"),
    ("argento", "impresa", "Mezzi per il trasporto solidale"),
    ("fondazione", "cremona", "Cofinanziamento del progetto"),
    ("osservatorio", "cremona", "Valutazione d'impatto"),
    ("serio", "argine", "Scambio di buone pratiche sull'abitare"),
    ("lavoro", "impresa", "Tirocini e inserimenti lavorativi"),
]

# The register of processings: (code, name, purpose, legal basis, special-category condition, retention).
PROCESSINGS = [
    (
        "registro-partecipanti",
        "Registro dei partecipanti",
        "Gestire l'anagrafica delle persone e dei nuclei che partecipano alle attività della rete.",
        "public_task",
        "",
        "5 anni dalla fine del progetto",
    ),
    (
        "newsletter",
        "Newsletter della rete",
        "Informare sulle attività, i laboratori e le iniziative della rete.",
        "consent",
        "",
        "Fino alla revoca del consenso",
    ),
    (
        "foto-eventi",
        "Fotografie e video degli eventi",
        "Documentare e comunicare le attività con immagini in cui le persone sono riconoscibili.",
        "consent",
        "",
        "3 anni",
    ),
    (
        "dati-patti",
        "Dati per i patti gener-attivi",
        "Valutare la situazione, definire e seguire il patto con la persona e il suo nucleo.",
        "public_task",
        "health_social_care",
        "10 anni dalla chiusura del patto",
    ),
]

# One account per role: (email, full name, role, organisation key or None, district name or None).
ACCOUNTS = [
    ("coordinatore@legami.demo", "Chiara Bonetti", Role.COORDINATOR, None, None),
    ("assistente.sociale@legami.demo", "Marco Ghisolfi", Role.CASE_MANAGER, None, None),
    ("operatore.comunita@legami.demo", "Sara Cavalli", Role.COMMUNITY_WORKER, None, None),
    ("cooperativa@legami.demo", "Luca Fornasari", Role.PARTNER_STAFF, "trama", None),
    ("valutatore@legami.demo", "Paola Rizzi", Role.EVALUATOR, None, None),
    ("finanziatore@legami.demo", "Giorgio Manfredi", Role.FUNDER, None, None),
    ("volontario@legami.demo", "Anna Maria Zanoni", Role.CITIZEN, None, None),
    ("privacy@legami.demo", "Davide Ferrari", Role.PRIVACY_OFFICER, None, None),
    # A pharmacist of Cremona who signals fragile situations to the services (a sentinel of the Cremonese).
    ("farmacia@legami.demo", "Elena Ardigò", Role.SENTINEL, None, CREMONESE),
]
SENTINEL_EMAIL = "farmacia@legami.demo"
COORDINATOR_EMAIL = ACCOUNTS[0][0]
CITIZEN_EMAIL = "volontario@legami.demo"

# The volunteer's own record in the registry (linked to the citizen account).
VOLUNTEER_PERSON = {
    "first_name": "Anna Maria",
    "last_name": "Zanoni",
    "gender": "F",
    "birth_date": "1958-05-17",
    "birthplace": "Cremona",
    "email": CITIZEN_EMAIL,
    "phone": "347 5550142",
    "address": "Via Panfilo Nuvolone 25",
    "municipality": "Cremona",
    "neighbourhood": "Cambonino",
    "notes": "Volontaria della casa di quartiere Cambonino.",
}

STREETS = [
    "Via Roma",
    "Via Giuseppe Garibaldi",
    "Via Giuseppe Mazzini",
    "Via Dante Alighieri",
    "Via Giacomo Matteotti",
    "Via Giuseppe Verdi",
    "Via XX Settembre",
    "Via IV Novembre",
    "Via Guglielmo Marconi",
    "Via della Chiesa",
    "Via Cavour",
    "Via Vittorio Emanuele II",
    "Via Alessandro Manzoni",
    "Via Antonio Gramsci",
    "Via Aldo Moro",
    "Via della Libertà",
    "Via Papa Giovanni XXIII",
    "Via Cesare Battisti",
    "Via Nazario Sauro",
    "Via Europa",
    "Piazza della Repubblica",
    "Via dei Mille",
    "Via Kennedy",
    "Via Circonvallazione",
    "Via San Rocco",
    "Via Solferino",
    "Via Trento",
    "Via Trieste",
]

# Where people of the province were born, besides the Comune they live in.
OTHER_BIRTHPLACES = [
    "Cremona",
    "Cremona",
    "Cremona",
    "Crema",
    "Milano",
    "Brescia",
    "Bergamo",
    "Lodi",
    "Piacenza",
    "Mantova",
    "Parma",
    "Napoli",
    "Palermo",
    "Bari",
    "Foggia",
    "Reggio di Calabria",
    "Roma",
    "Torino",
]
