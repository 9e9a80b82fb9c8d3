"""What the demo's community labs talk about: proposal ideas, comments, answers and the crowd who takes part.

The proposals are written from ideas (what), places (where) and ways (how), so that ~300 of them read like
different people's words without repeating one another word for word.
"""

from __future__ import annotations

# (first name, last name) of the demo's participants: citizens with an account who take part in the labs.
PARTICIPANTS = [
    ("Giulia", "Ferrari"),
    ("Paolo", "Rossi"),
    ("Elena", "Bianchi"),
    ("Stefano", "Colombo"),
    ("Marta", "Ricci"),
    ("Luigi", "Marini"),
    ("Francesca", "Galli"),
    ("Andrea", "Conti"),
    ("Silvia", "Bruno"),
    ("Roberto", "Greco"),
    ("Laura", "Fontana"),
    ("Matteo", "Lombardi"),
    ("Federica", "Moretti"),
    ("Giovanni", "Barbieri"),
    ("Chiara", "Mancini"),
    ("Alessandro", "Rinaldi"),
    ("Valentina", "Caruso"),
    ("Davide", "Ferrara"),
    ("Sara", "Gatti"),
    ("Francesco", "Pellegrini"),
    ("Ilaria", "Mariani"),
    ("Simone", "Testa"),
    ("Beatrice", "Vitali"),
    ("Nicola", "Ferri"),
    ("Alice", "Sala"),
    ("Michele", "Grasso"),
    ("Rosa", "Bassi"),
    ("Fabio", "Villa"),
    ("Irene", "Farina"),
    ("Claudio", "Monti"),
    ("Noemi", "Cattaneo"),
    ("Pietro", "Guerra"),
    ("Camilla", "Sartori"),
    ("Enrico", "Donati"),
    ("Lucia", "Pagani"),
    ("Tommaso", "Bellini"),
]

# Ideas: (area code of the demo's taxonomy, title, what is proposed).
IDEAS = [
    (
        "istruzione",
        "Doposcuola condiviso",
        "un doposcuola condiviso per i ragazzi delle medie, con volontari e studenti universitari",
    ),
    (
        "istruzione",
        "Aiuto compiti in biblioteca",
        "un pomeriggio di aiuto compiti in biblioteca, con genitori che si danno il turno",
    ),
    ("relazioni", "Pranzo di vicinato", "un pranzo di vicinato una volta al mese, dove ognuno porta qualcosa"),
    ("relazioni", "Telefonate di compagnia", "una rete di telefonate di compagnia per gli anziani che vivono soli"),
    ("relazioni", "Caffè del martedì", "un caffè aperto il martedì mattina per chi vuole fare due chiacchiere"),
    ("cura", "Spesa accompagnata", "un gruppo di volontari che accompagna a fare la spesa chi non guida più"),
    ("cura", "Sollievo per chi assiste", "qualche ora di sollievo alla settimana per chi assiste un familiare"),
    (
        "conciliazione",
        "Centro estivo di quartiere",
        "un centro estivo di quartiere a prezzi accessibili, gestito con le associazioni",
    ),
    (
        "conciliazione",
        "Pedibus per la scuola",
        "un pedibus che accompagni i bambini a scuola a piedi, con genitori e nonni",
    ),
    ("mobilita", "Passaggi solidali", "una bacheca di passaggi solidali per andare alle visite mediche"),
    ("mobilita", "Bici riparate insieme", "una ciclofficina dove riparare le bici insieme e prestarle a chi non ne ha"),
    ("lavoro", "Sportello curriculum", "uno sportello dove farsi aiutare a scrivere il curriculum e cercare lavoro"),
    (
        "lavoro",
        "Tirocini nelle botteghe",
        "tirocini nelle botteghe del quartiere per i giovani che hanno lasciato la scuola",
    ),
    (
        "casa",
        "Piccole riparazioni in casa",
        "una squadra di volontari per le piccole riparazioni nelle case degli anziani",
    ),
    ("casa", "Coabitazione tra generazioni", "la coabitazione tra anziani con una stanza libera e studenti fuori sede"),
    ("salute", "Camminate di gruppo", "camminate di gruppo due volte alla settimana, con un fisioterapista ogni tanto"),
    ("salute", "Sportello per le prenotazioni", "un aiuto per prenotare visite ed esami online"),
    ("reddito", "Emporio solidale", "un emporio solidale dove chi è in difficoltà fa la spesa con una tessera a punti"),
    ("reddito", "Bilancio familiare", "incontri per imparare a tenere il bilancio familiare ed evitare i debiti"),
    ("relazioni", "Orto condiviso", "un orto condiviso nell'area verde abbandonata, curato da famiglie e scuole"),
    ("relazioni", "Cortile aperto", "il cortile della scuola aperto il sabato pomeriggio per giocare"),
    ("istruzione", "Corso di italiano", "un corso di italiano per le mamme straniere, con la baby-sitter per i bimbi"),
    ("istruzione", "Digitale per tutti", "lezioni di smartphone e computer per gli anziani, tenute dai ragazzi"),
    ("cura", "Merenda con i nonni", "una merenda settimanale tra i bambini del doposcuola e gli anziani del quartiere"),
    (
        "conciliazione",
        "Baby-sitter di condominio",
        "una rete di baby-sitter di fiducia tra i condomini per le emergenze",
    ),
    (
        "relazioni",
        "Biblioteca degli oggetti",
        "una biblioteca degli oggetti dove prendere in prestito trapano, scala e tenda",
    ),
    ("relazioni", "Festa di via", "una festa di via a settembre per conoscere i nuovi arrivati"),
    ("salute", "Gruppo di parola", "un gruppo di parola per chi ha perso una persona cara"),
    ("mobilita", "Navetta per il mercato", "una navetta il sabato per il mercato, per chi abita lontano dal centro"),
    ("lavoro", "Banca delle competenze", "una banca delle competenze dove chi sa fare qualcosa lo insegna agli altri"),
]

WHERE = [
    "alla casa di quartiere",
    "in oratorio",
    "nella sala civica",
    "in biblioteca",
    "nel cortile della scuola",
    "al parco",
    "nella sala del centro anziani",
    "in parrocchia",
]
WHEN = [
    "il lunedì pomeriggio",
    "il mercoledì dopo la scuola",
    "il giovedì sera",
    "il sabato mattina",
    "la domenica pomeriggio",
    "nei mesi estivi",
    "una sera alla settimana",
    "due pomeriggi alla settimana",
]
WHY = [
    "Tante famiglie ne parlano ma da sole non riescono a organizzarsi.",
    "Lo abbiamo visto funzionare in un altro quartiere e qui manca.",
    "Molte persone sono sole e un'occasione così le aiuterebbe a uscire di casa.",
    "Costerebbe poco e potremmo metterci noi il tempo.",
    "Nel quartiere ci sono spazi vuoti che potrebbero servire a questo.",
    "I servizi non arrivano a tutti e questa sarebbe una risposta vicina.",
    "Ci sono già persone disponibili: manca solo chi le metta insieme.",
]
OFFERS = [
    "Io posso dare una mano due ore alla settimana.",
    "Conosco altre tre famiglie interessate.",
    "Potrei occuparmi dei turni e dei contatti.",
    "Ho esperienza come volontaria e posso aiutare a partire.",
    "",
    "",
]

COMMENTS = [
    "Bellissima idea, ci sto anch'io!",
    "Sarebbe utile anche per chi lavora fino a tardi.",
    "Attenzione agli orari: al pomeriggio molti sono al lavoro.",
    "Se serve, la parrocchia ha una sala libera il giovedì.",
    "Mia madre ne avrebbe proprio bisogno.",
    "Si potrebbe chiedere una mano ai ragazzi del servizio civile.",
    "Chi coordina? Senza un referente rischia di fermarsi dopo poco.",
    "Lo facevamo anni fa e funzionava: riprendiamolo.",
    "Servirebbe un'assicurazione per i volontari.",
    "Proviamo per tre mesi e poi vediamo com'è andata.",
    "Io porto la mia esperienza di insegnante in pensione.",
    "Sarebbe bello coinvolgere anche i negozi della via.",
]
REPLIES = [
    "Sono d'accordo, proviamo.",
    "Buona osservazione: ne parliamo al prossimo incontro.",
    "Posso occuparmene io.",
    "Giusto, teniamone conto.",
]

ANSWERS = {
    "accepted": [
        "La proposta è accolta: entra nel piano del laboratorio e sarà discussa al tavolo di co-progettazione.",
        "Accolta. La casa di quartiere mette a disposizione lo spazio; cerchiamo insieme i volontari.",
    ],
    "rejected": [
        "Non possiamo accoglierla ora: un servizio simile è già attivo a pochi passi, vi mettiamo in contatto.",
        "Non accolta per questo ciclo: servirebbero risorse che il partenariato non ha. La riprenderemo a fine anno.",
    ],
    "evaluating": [
        "La stiamo valutando con i servizi sociali del Comune: vi aggiorniamo entro il prossimo incontro.",
    ],
}
