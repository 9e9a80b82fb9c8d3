"""The demo's recurring need themes: who asks, in which area, at which hours, in many paraphrases.

The texts are network data in Italian, written as a citizen or an operator would write them (not UI strings).
A theme's paraphrases share a few telling words (doposcuola, compiti, pomeriggio…) so that the aggregation
engine can find the groups a real network would find.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from legami.needs.models import TargetGroup

# Days of the week as the engine counts them.
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI)


@dataclass(frozen=True)
class Hours:
    """A weekly pattern: the same hours on some days; `when` are the ways people say it."""

    days: tuple[int, ...]
    start: str
    end: str
    weight: int = 1
    when: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    code: str
    area: str  # a code of legami.needs.taxonomy.DEFAULT_AREAS
    weight: int  # how often it comes up, relative to the others
    targets: tuple[tuple[str, int], ...]
    citizen: tuple[str, ...]  # as the people concerned write it (expressed)
    operator: tuple[str, ...]  # as an operator, a sentinel or a lab writes it (detected)
    expressed_share: float = 0.65
    case_share: float = 0.0  # share kept to the case team (health, care)
    hours: tuple[Hours, ...] = ()
    no_hours_weight: int = 0  # weight of "no particular hours" beside the patterns
    any_time: tuple[str, ...] = ("quando si può",)  # how the text says "when" for a need without hours
    profile: str = "adult"  # who, in the registry, expresses it: elder, parent, young, adult, woman
    link_household: bool = False
    people: tuple[int, int] = (1, 1)
    urgency: tuple[int, int, int, int] = (20, 55, 20, 5)  # low, medium, high, urgent
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)


COMMON_SLOTS: dict[str, tuple[str, ...]] = {
    "eta": tuple(str(n) for n in range(72, 93)),
    "eta_g": tuple(str(n) for n in range(18, 30)),
    # singular only: the templates agree their verbs with one child
    "figlio": (
        "mio figlio",
        "mia figlia",
        "il mio bambino",
        "la mia bambina",
        "mio figlio più piccolo",
        "il più grande dei miei figli",
    ),
    "n_figli": ("due", "tre", "quattro"),
    "paese": (
        "dal Marocco",
        "dal Pakistan",
        "dall'India",
        "dal Senegal",
        "dall'Albania",
        "dall'Egitto",
        "dalla Nigeria",
        "dall'Ucraina",
        "dal Ghana",
    ),
    "mese": ("marzo", "giugno", "settembre", "novembre", "fine anno"),
    "importo": ("400", "650", "800", "1.200", "1.500"),
}

AFTERSCHOOL_TUE_THU = (
    "il martedì e il giovedì",
    "martedì e giovedì pomeriggio",
    "il martedì e giovedì dalle 16 alle 18",
)
AFTERSCHOOL_WEEK = ("tutti i pomeriggi dopo la scuola", "dal lunedì al venerdì pomeriggio", "dopo la scuola")
AFTERSCHOOL_MWF = ("il lunedì, mercoledì e venerdì", "tre pomeriggi alla settimana", "dopo pranzo, fino alle 17:30")

THEMES: tuple[Theme, ...] = (
    Theme(
        code="doposcuola",
        any_time=("nel pomeriggio", "dopo la scuola"),
        area="conciliazione",
        weight=12,
        targets=((TargetGroup.FAMILIES, 7), (TargetGroup.MINORS, 3)),
        expressed_share=0.7,
        profile="parent",
        link_household=True,
        people=(1, 3),
        hours=(
            Hours((TUE, THU), "16:00", "18:00", 5, AFTERSCHOOL_TUE_THU),
            Hours(WEEKDAYS, "16:00", "18:00", 2, AFTERSCHOOL_WEEK),
            Hours((MON, WED, FRI), "14:30", "17:30", 2, AFTERSCHOOL_MWF),
        ),
        no_hours_weight=2,
        slots={
            "classe": (
                "seconda elementare",
                "terza elementare",
                "quarta elementare",
                "quinta elementare",
                "prima media",
                "seconda media",
            ),
            "materia": ("matematica", "italiano", "inglese"),
            "chi": ("Una madre", "Un padre", "Una coppia di genitori", "Una nonna", "Una mamma sola"),
            "figlio_op": (
                "due bambini della primaria",
                "un ragazzo di prima media",
                "una bambina di terza elementare",
                "tre fratelli tra gli 8 e i 12 anni",
            ),
            "n": ("sei", "otto", "dieci", "alcuni", "diversi"),
        },
        citizen=(
            "Cerco un doposcuola per {figlio}, che fa la {classe}: lavoro fino alle 18 e {when} nessuno può seguire i "
            "compiti.",
            "Avremmo bisogno di un aiuto compiti {when}: {figlio} fa fatica in {materia} e noi con il lavoro non "
            "riusciamo a seguire i compiti.",
            "Servirebbe un doposcuola nel quartiere {when}, anche solo due pomeriggi alla settimana, per {figlio}.",
            "Lavoro su turni e {figlio} resta a casa senza nessuno il pomeriggio: c'è un doposcuola vicino a casa "
            "{when}?",
            "Chiedo un posto in un doposcuola {when}: {figlio} ha bisogno di una mano con i compiti di {materia}.",
            "Non riesco a seguire {figlio} nei compiti perché non parlo bene l'italiano: esiste un aiuto compiti "
            "gratuito {when}?",
            "Vorremmo un doposcuola in oratorio o in casa di quartiere {when}, per fare i compiti e stare con altri "
            "bambini.",
            "Sono una mamma sola e lavoro il pomeriggio: mi servirebbe un doposcuola {when} per {figlio}.",
            "Cerchiamo qualcuno che aiuti {figlio} a fare i compiti nel pomeriggio, {when}, perché a scuola ha qualche "
            "difficoltà.",
            "Il doposcuola della parrocchia ha chiuso: dove possiamo mandare {figlio} a fare i compiti {when}?",
        ),
        operator=(
            "{chi} chiede un doposcuola {when} per {figlio_op}: i genitori lavorano fino a sera.",
            "Segnalato dalla scuola: {n} alunni della {classe} senza nessuno che li segua nei compiti il pomeriggio.",
            "Al laboratorio di quartiere diverse famiglie hanno chiesto un aiuto compiti {when}.",
            "Famiglia con figli alla primaria: il pomeriggio i bambini sono soli, serve un doposcuola vicino a casa.",
            "Le maestre segnalano bambini che arrivano senza compiti fatti: manca un doposcuola nel quartiere, {when}.",
        ),
    ),
    Theme(
        code="trasporto-visite",
        any_time=("quando serve",),
        area="mobilita",
        weight=10,
        targets=((TargetGroup.ELDERLY, 7), (TargetGroup.DISABILITY, 3)),
        expressed_share=0.6,
        profile="elder",
        hours=(
            Hours(WEEKDAYS, "08:00", "12:00", 4, ("di mattina", "al mattino", "in mattinata")),
            Hours((TUE, FRI), "08:00", "12:00", 2, ("il martedì e il venerdì mattina", "martedì e venerdì al mattino")),
        ),
        no_hours_weight=2,
        urgency=(10, 55, 30, 5),
        slots={
            "dove": (
                "all'ospedale di Cremona",
                "all'ospedale Maggiore di Crema",
                "all'ospedale Oglio Po",
                "al poliambulatorio",
                "in ospedale",
            ),
            "terapia": (
                "la fisioterapia",
                "le terapie",
                "la dialisi",
                "i prelievi del sangue",
                "le visite di controllo",
            ),
        },
        citizen=(
            "Ho {eta} anni e non guido più: mi serve un passaggio per le visite {dove}, {when}.",
            "Chiedo un accompagnamento per le visite mediche {dove}, di solito {when}: i figli lavorano fuori.",
            "Devo fare {terapia} {dove} e non ho nessuno che mi porti: c'è un servizio di trasporto {when}?",
            "Mia madre ha {eta} anni e deve andare spesso {dove} per i controlli: cerchiamo un trasporto {when}.",
            "Non ci sono autobus comodi per andare {dove}: avrei bisogno di un passaggio per le visite mediche.",
            "Cerco un volontario con l'auto che mi accompagni alle visite {dove}, {when}.",
            "Mio marito non può più guidare e io non ho la patente: come arriviamo {dove} per le visite?",
            "Mi serve un trasporto per {terapia} {dove} due volte al mese, {when}.",
        ),
        operator=(
            "Anziano solo, senza auto: chiede un trasporto per le visite {dove}, {when}.",
            "La farmacia segnala una signora di {eta} anni che rinuncia ai controlli {dove} perché non ha chi la "
            "accompagni.",
            "Il medico di base segnala più pazienti anziani senza mezzi per raggiungere {dove} per le visite.",
            "Persona con disabilità motoria: serve un trasporto attrezzato per {terapia} {dove}.",
            "Coppia di anziani senza figli vicini: chiedono un accompagnamento alle visite mediche {dove}.",
        ),
    ),
    Theme(
        code="solitudine-anziani",
        any_time=("durante la settimana", "ogni tanto"),
        area="relazioni",
        weight=10,
        targets=((TargetGroup.ELDERLY, 9), (TargetGroup.COMMUNITY, 1)),
        expressed_share=0.5,
        profile="elder",
        hours=(
            Hours(WEEKDAYS, "15:00", "18:00", 3, ("il pomeriggio", "nel pomeriggio", "di pomeriggio")),
            Hours((WED, FRI), "15:00", "18:00", 2, ("il mercoledì e il venerdì pomeriggio",)),
        ),
        no_hours_weight=3,
        urgency=(25, 55, 17, 3),
        citizen=(
            "Da quando è mancato mio marito passo le giornate da sola: mi piacerebbe un posto dove incontrare altre "
            "persone {when}.",
            "Vivo solo e i figli abitano lontano: vorrei qualcuno con cui fare due chiacchiere e un po' di compagnia "
            "{when}.",
            "Mi sento molto sola, soprattutto d'inverno: c'è un gruppo di anziani che si incontra nel quartiere "
            "{when}?",
            "Cerco compagnia per una passeggiata o un caffè {when}, non conosco quasi nessuno nel quartiere e mi "
            "sento solo.",
            "Sarei contento di partecipare a un gruppo di incontro per anziani, per giocare a carte o chiacchierare "
            "{when}.",
            "Vorrei che qualcuno mi telefonasse ogni tanto: sto sempre in casa da sola e mi sento sola.",
            "Ho {eta} anni, gli amici non ci sono più e le giornate sono lunghe: cerco compagnia e occasioni di "
            "incontro.",
        ),
        operator=(
            "Anziana sola, vedova, esce poco di casa: forte isolamento, servirebbero occasioni di incontro {when}.",
            "Il parroco segnala diversi anziani soli nel quartiere che non partecipano più a nessuna attività.",
            "Al laboratorio di comunità è emersa la solitudine degli anziani: chiedono un luogo di incontro {when}.",
            "Signore di {eta} anni, vive solo, nessuna rete familiare vicina: rischio di isolamento, cerca compagnia.",
            "La vicina segnala una signora anziana sola che non esce di casa da settimane e non vede nessuno.",
        ),
    ),
    Theme(
        code="spesa-domicilio",
        any_time=("una volta alla settimana",),
        area="alimentazione",
        weight=7,
        targets=((TargetGroup.ELDERLY, 8), (TargetGroup.DISABILITY, 2)),
        expressed_share=0.65,
        profile="elder",
        hours=(
            Hours((TUE, FRI), "09:00", "11:00", 3, ("il martedì e il venerdì mattina", "martedì e venerdì")),
            Hours(WEEKDAYS, "09:00", "12:00", 2, ("di mattina", "in mattinata")),
        ),
        no_hours_weight=1,
        citizen=(
            "Non riesco più a portare le borse della spesa: cerco qualcuno che mi porti la spesa a casa {when}.",
            "Ho bisogno di aiuto per la spesa: il supermercato è lontano e non guido più.",
            "Mi servirebbe la spesa a domicilio {when}, e qualcuno che mi ritiri i farmaci in farmacia.",
            "Dopo l'operazione all'anca non posso uscire: chiedo un aiuto per la spesa e le commissioni.",
            "Cerco un volontario che mi accompagni a fare la spesa {when}.",
            "Ho {eta} anni e faccio fatica a camminare: c'è un servizio che porta la spesa a casa?",
        ),
        operator=(
            "Coppia di anziani senza figli vicini: serve la spesa a domicilio settimanale, {when}.",
            "Il negoziante segnala un cliente anziano che fatica a portare a casa la spesa.",
            "Signora di {eta} anni con difficoltà a camminare: chiede spesa e farmaci a domicilio.",
            "Anziano con la spesa che arriva solo quando passa il nipote: serve una consegna della spesa regolare.",
        ),
    ),
    Theme(
        code="lavoro-giovani",
        area="lavoro",
        weight=9,
        targets=((TargetGroup.YOUNG_PEOPLE, 8), (TargetGroup.ADULTS, 2)),
        expressed_share=0.7,
        profile="young",
        urgency=(15, 60, 22, 3),
        slots={
            "studio": (
                "l'istituto tecnico",
                "il professionale",
                "il liceo",
                "un corso di formazione",
                "la triennale",
            ),
        },
        citizen=(
            "Ho {eta_g} anni, ho finito {studio} e cerco lavoro, ma non so da dove cominciare.",
            "Cerco lavoro da mesi: vorrei un aiuto per scrivere il curriculum e prepararmi ai colloqui.",
            "Vorrei fare un tirocinio o un corso per trovare lavoro, ho finito {studio} l'anno scorso.",
            "Sono disoccupato da un anno: mi serve un orientamento al lavoro e sapere quali corsi ci sono.",
            "Cerco un lavoro anche part-time, ma senza patente e senza esperienza è difficile.",
            "Mi hanno detto che ci sono tirocini pagati per giovani: come faccio a candidarmi per un lavoro?",
            "Ho {eta_g} anni e ho mandato il curriculum ovunque senza risposte: cerco qualcuno che mi orienti nella "
            "ricerca del lavoro.",
        ),
        operator=(
            "Ragazzo di {eta_g} anni, ha lasciato la scuola: non studia e non lavora, serve un percorso di "
            "orientamento al lavoro.",
            "Giovane segnalato dall'educatore: cerca lavoro ma non ha un curriculum né contatti.",
            "Al laboratorio giovani molti ragazzi chiedono orientamento al lavoro e tirocini.",
            "Giovane donna con diploma, disoccupata: chiede aiuto per la ricerca di lavoro e un corso di formazione.",
        ),
    ),
    Theme(
        code="casa-affitto",
        area="casa",
        weight=8,
        targets=((TargetGroup.FAMILIES, 6), (TargetGroup.ADULTS, 4)),
        expressed_share=0.7,
        profile="adult",
        link_household=True,
        people=(1, 5),
        urgency=(5, 35, 40, 20),
        citizen=(
            "Abbiamo ricevuto lo sfratto per morosità e non sappiamo dove andare con i bambini.",
            "Non riesco più a pagare l'affitto da quando ho perso il lavoro: rischio lo sfratto.",
            "Cerco una casa in affitto a un prezzo sostenibile, ma nessuno affitta a chi ha un contratto a termine.",
            "Il contratto d'affitto scade a {mese} e il proprietario non lo rinnova: cerchiamo un'altra casa.",
            "L'alloggio ha la muffa e il riscaldamento non funziona, il padrone di casa non interviene.",
            "Siamo in quattro in un bilocale: chiediamo una casa popolare più grande.",
            "Con l'affitto se ne va metà dello stipendio: c'è un contributo per l'affitto?",
        ),
        operator=(
            "Nucleo con {n_figli} figli minori in difficoltà con l'affitto: arretrati di diversi mesi, rischio "
            "sfratto.",
            "Sfratto esecutivo fissato a {mese}: famiglia senza alternative abitative.",
            "Persona sola con reddito basso: cerca una casa in affitto sostenibile, rifiutata da varie agenzie.",
            "Famiglia in un alloggio sovraffollato e umido: chiede una casa popolare.",
        ),
    ),
    Theme(
        code="spid-digitale",
        any_time=("vicino a casa",),
        area="digitale",
        weight=8,
        targets=((TargetGroup.ELDERLY, 6), (TargetGroup.ADULTS, 2), (TargetGroup.MIGRANTS, 2)),
        expressed_share=0.75,
        profile="elder",
        hours=(
            Hours((WED,), "09:00", "12:00", 3, ("il mercoledì mattina", "di mercoledì")),
            Hours(WEEKDAYS, "09:00", "12:00", 2, ("di mattina", "in mattinata")),
        ),
        no_hours_weight=2,
        urgency=(30, 55, 13, 2),
        slots={
            "domanda": (
                "dell'assegno unico",
                "del bonus bollette",
                "per la mensa scolastica",
                "dell'ISEE",
                "per il contributo affitto",
            ),
        },
        citizen=(
            "Non so fare lo SPID e senza non riesco a vedere gli esami sul fascicolo sanitario.",
            "Mi serve aiuto per attivare lo SPID e usare l'app IO, {when} se possibile.",
            "Ho lo SPID ma non mi ricordo la password: qualcuno mi può aiutare a recuperarla?",
            "Devo fare la domanda {domanda} online, ma non ho il computer e non so usarlo.",
            "Vorrei imparare a usare lo smartphone per prenotare le visite e pagare le bollette online.",
            "C'è uno sportello che aiuta a fare lo SPID e le pratiche online {when}?",
            "Mio padre ha {eta} anni e non sa usare lo SPID: serve qualcuno che lo aiuti con i servizi online.",
        ),
        operator=(
            "Anziano senza competenze digitali: non riesce ad attivare lo SPID per accedere ai servizi online.",
            "Allo sportello molte persone chiedono aiuto per SPID, fascicolo sanitario e domande online.",
            "Signora di {eta} anni: deve presentare la domanda {domanda} solo online, serve un accompagnamento "
            "digitale.",
        ),
    ),
    Theme(
        code="sollievo-caregiver",
        any_time=("qualche ora alla settimana",),
        area="cura",
        weight=7,
        targets=((TargetGroup.CAREGIVERS, 6), (TargetGroup.ELDERLY, 3), (TargetGroup.DISABILITY, 1)),
        expressed_share=0.65,
        case_share=0.35,
        profile="adult",
        hours=(Hours((SAT,), "09:00", "13:00", 2, ("il sabato mattina",)),),
        no_hours_weight=3,
        urgency=(10, 50, 32, 8),
        citizen=(
            "Assisto da sola mia madre con l'Alzheimer e sono stremata: avrei bisogno di qualche ora di sollievo.",
            "Cerchiamo una badante affidabile per mio padre, non è più autosufficiente.",
            "Mio marito è allettato e io non riesco più a fare tutto: c'è un aiuto per qualche ora alla settimana?",
            "Vorrei sapere come trovare una badante in regola e se ci sono contributi per l'assistenza.",
            "Ho bisogno di qualcuno che stia con mia madre {when}, così posso fare le mie commissioni.",
            "Mi occupo di mio figlio disabile giorno e notte: mi servirebbe un sollievo anche solo {when}.",
            "Mia suocera non è più autosufficiente e la badante ci lascia a {mese}: chi ci può aiutare con "
            "l'assistenza?",
        ),
        operator=(
            "Caregiver anziana che assiste il coniuge non autosufficiente: forte stanchezza, chiede ore di sollievo.",
            "Figlia unica che assiste la madre con demenza: serve un supporto domiciliare e un gruppo per caregiver.",
            "Famiglia cerca una badante per un anziano non autosufficiente: chiede orientamento e contributi.",
            "Il medico segnala una caregiver esausta: il marito ha il Parkinson e lei non ha nessun sollievo.",
        ),
    ),
    Theme(
        code="italiano-donne",
        any_time=("in orario scolastico",),
        area="istruzione",
        weight=6,
        targets=((TargetGroup.MIGRANTS, 10),),
        expressed_share=0.6,
        profile="woman",
        hours=(
            Hours((TUE, THU), "09:00", "11:00", 3, ("il martedì e il giovedì mattina", "martedì e giovedì")),
            Hours((MON, WED), "09:00", "11:00", 2, ("il lunedì e il mercoledì mattina",)),
        ),
        no_hours_weight=1,
        urgency=(25, 60, 13, 2),
        citizen=(
            "Vorrei imparare l'italiano, ma posso solo la mattina quando i bambini sono a scuola, {when}.",
            "Cerco un corso di italiano per donne, con la possibilità di portare il bambino piccolo.",
            "Sono arrivata {paese} da un anno e vorrei un corso di lingua italiana vicino a casa.",
            "Vorrei studiare l'italiano per trovare lavoro e parlare con le maestre dei miei figli.",
            "C'è un corso di italiano gratuito {when}? Il pomeriggio devo stare con i bambini.",
        ),
        operator=(
            "Gruppo di mamme straniere della scuola chiede un corso di italiano {when}, con uno spazio per i bambini "
            "piccoli.",
            "Donna arrivata {paese} con il ricongiungimento familiare: non parla italiano e non esce di casa da "
            "sola, serve un corso di lingua.",
            "La mediatrice segnala diverse donne che vorrebbero un corso di lingua italiana in orario scolastico.",
        ),
    ),
    Theme(
        code="centro-estivo",
        any_time=("con orario lungo",),
        area="conciliazione",
        weight=6,
        targets=((TargetGroup.FAMILIES, 7), (TargetGroup.MINORS, 3)),
        expressed_share=0.75,
        profile="parent",
        link_household=True,
        people=(1, 3),
        hours=(Hours(WEEKDAYS, "08:00", "16:00", 4, ("dalle 8 alle 16", "con orario lungo", "tutto il giorno")),),
        no_hours_weight=1,
        citizen=(
            "Cerchiamo un centro estivo per {figlio} a luglio, lavoriamo tutti e due.",
            "I centri estivi costano troppo per noi: ci sono posti a prezzo ridotto?",
            "Serve un centro estivo anche ad agosto, quando chiude quello del Comune.",
            "Vorremmo un centro estivo vicino a casa {when}: il nostro lavoro finisce tardi.",
            "Mia figlia ha una disabilità e i centri estivi non la accettano senza un educatore.",
            "Dove possiamo iscrivere {figlio} al centro estivo? Quello dell'anno scorso era pieno.",
        ),
        operator=(
            "Più famiglie del quartiere chiedono un centro estivo {when} con rette calmierate.",
            "Genitori soli che lavorano d'estate: servono posti in centro estivo per bambini della primaria.",
            "Il centro estivo comunale ha una lista d'attesa lunga: molte famiglie restano senza posto.",
        ),
    ),
    Theme(
        code="pasti",
        any_time=("tutti i giorni",),
        area="alimentazione",
        weight=5,
        targets=((TargetGroup.ELDERLY, 6), (TargetGroup.ADULTS, 4)),
        expressed_share=0.6,
        profile="elder",
        hours=(Hours(WEEKDAYS, "12:00", "13:30", 3, ("a pranzo", "all'ora di pranzo")),),
        no_hours_weight=1,
        citizen=(
            "Non riesco più a cucinare: vorrei i pasti a domicilio {when}.",
            "Cerco un servizio di pasti caldi consegnati a casa, vivo da solo e mangio male.",
            "C'è una mensa dove si può mangiare {when} a poco prezzo?",
            "Dopo il ricovero mi hanno consigliato i pasti a domicilio: come si attivano?",
        ),
        operator=(
            "Anziano solo che salta spesso i pasti: proposto il servizio di pasti a domicilio.",
            "Persona senza dimora chiede dove trovare un pasto caldo {when}.",
            "La figlia segnala che il padre non cucina più: servono i pasti a domicilio.",
        ),
    ),
    Theme(
        code="bollette",
        area="reddito",
        weight=7,
        targets=((TargetGroup.FAMILIES, 5), (TargetGroup.ADULTS, 4), (TargetGroup.ELDERLY, 1)),
        expressed_share=0.75,
        profile="adult",
        link_household=True,
        people=(1, 4),
        urgency=(5, 45, 38, 12),
        citizen=(
            "Ho una bolletta del gas di {importo} euro e non so come pagarla.",
            "Ci hanno staccato la luce per morosità: abbiamo bambini piccoli, come facciamo?",
            "Con la pensione minima non ce la faccio a pagare le bollette d'inverno.",
            "Vorrei rateizzare le bollette arretrate, ma non so a chi rivolgermi.",
            "Chiedo un aiuto economico per le bollette di luce e gas arretrate.",
            "Da quando sono in cassa integrazione non riusciamo a pagare le bollette.",
        ),
        operator=(
            "Famiglia monoreddito con bollette arretrate per {importo} euro: rischio di distacco delle utenze.",
            "Pensionata sola, morosa sulle bollette: serve orientamento al bonus sociale e alla rateizzazione.",
            "Lo sportello energia segnala un aumento di famiglie con bollette non pagate.",
        ),
    ),
    Theme(
        code="ascolto-psicologico",
        area="salute",
        weight=5,
        targets=((TargetGroup.YOUNG_PEOPLE, 4), (TargetGroup.ADULTS, 5), (TargetGroup.FAMILIES, 1)),
        expressed_share=0.55,
        case_share=0.6,
        profile="adult",
        urgency=(5, 45, 38, 12),
        citizen=(
            "Da mesi soffro d'ansia e non riesco a uscire di casa: vorrei parlare con uno psicologo, ma privatamente "
            "costa troppo.",
            "Mio figlio di 16 anni si chiude in camera e non va più a scuola: chiediamo un supporto psicologico.",
            "Dopo il lutto non riesco a riprendermi: cerco un gruppo di ascolto o uno psicologo.",
            "Cerco uno sportello di ascolto psicologico gratuito per ragazzi.",
            "Da quando ho perso il lavoro dormo male e sono sempre giù: vorrei un sostegno psicologico.",
        ),
        operator=(
            "Adolescente con ritiro sociale e abbandono della frequenza scolastica: serve un supporto psicologico.",
            "Adulto con segni di depressione, isolato dopo la perdita del lavoro: proposto colloquio al consultorio.",
            "Gli insegnanti segnalano ragazzi con ansia e attacchi di panico: serve uno sportello di ascolto "
            "psicologico a scuola.",
        ),
    ),
    Theme(
        code="dispersione",
        any_time=("nel pomeriggio",),
        area="istruzione",
        weight=5,
        targets=((TargetGroup.MINORS, 6), (TargetGroup.YOUNG_PEOPLE, 4)),
        expressed_share=0.45,
        profile="parent",
        hours=(Hours((MON, WED, FRI), "14:30", "17:00", 3, ("il lunedì, mercoledì e venerdì pomeriggio",)),),
        no_hours_weight=2,
        citizen=(
            "Mio figlio vuole lasciare la scuola, è stato bocciato due volte: non sappiamo più cosa fare.",
            "Mia figlia è in difficoltà alle superiori e pensa di ritirarsi: serve qualcuno che la segua nello studio.",
            "Cerchiamo un aiuto allo studio per le superiori {when}, non possiamo pagare le ripetizioni.",
            "Mio figlio ha preso cinque insufficienze e non vuole più andare a scuola.",
        ),
        operator=(
            "Ragazzo di 15 anni con molte assenze e rischio di abbandono scolastico: serve un tutor per lo studio.",
            "La scuola segnala alunni a rischio di dispersione: propone un aiuto allo studio pomeridiano {when}.",
            "Studenti stranieri di prima superiore in difficoltà con la lingua dello studio: serve un sostegno "
            "scolastico.",
        ),
    ),
    Theme(
        code="pratiche",
        area="burocrazia",
        weight=5,
        targets=((TargetGroup.ELDERLY, 4), (TargetGroup.MIGRANTS, 4), (TargetGroup.ADULTS, 2)),
        expressed_share=0.75,
        profile="adult",
        urgency=(25, 55, 17, 3),
        citizen=(
            "Non capisco le lettere dell'INPS: avrei bisogno di qualcuno che mi aiuti con le pratiche.",
            "Devo rinnovare il permesso di soggiorno e non so quali documenti servono per la pratica.",
            "Mi serve aiuto per fare l'ISEE e la domanda per l'assegno unico.",
            "Chi mi aiuta a compilare la domanda per l'invalidità civile?",
            "Ho ricevuto una cartella esattoriale e non capisco cosa devo fare.",
        ),
        operator=(
            "Persona straniera con difficoltà linguistiche: serve accompagnamento per la pratica di rinnovo del "
            "permesso di soggiorno.",
            "Anziana che non riesce a orientarsi tra le pratiche per l'invalidità e l'indennità di accompagnamento.",
            "Allo sportello molte richieste di aiuto per pratiche di ISEE, assegno unico e bonus.",
        ),
    ),
    Theme(
        code="spazi-degrado",
        area="sicurezza",
        weight=4,
        targets=((TargetGroup.COMMUNITY, 10),),
        expressed_share=0.45,
        profile="none",
        people=(20, 300),
        urgency=(30, 50, 18, 2),
        slots={
            "dove": ("del quartiere", "vicino alla scuola", "dietro la chiesa", "lungo la ciclabile", "di via Roma")
        },
        citizen=(
            "Il parco {dove} è al buio la sera: i residenti hanno paura a passare.",
            "Il sottopasso della stazione la sera non è illuminato: chiediamo più luci.",
            "I giardini {dove} sono pieni di rifiuti, i bambini non possono giocare.",
            "Le panchine del parco {dove} sono rotte e il posto è abbandonato: chiediamo che venga sistemato.",
        ),
        operator=(
            "Al laboratorio di quartiere i residenti segnalano scarsa illuminazione e degrado nel parco {dove}.",
            "La sentinella di comunità segnala un'area giochi degradata e poco sicura la sera.",
        ),
    ),
    Theme(
        code="spazio-giovani",
        any_time=("il pomeriggio",),
        area="tempo-libero",
        weight=5,
        targets=((TargetGroup.YOUNG_PEOPLE, 5), (TargetGroup.MINORS, 5)),
        expressed_share=0.6,
        profile="young",
        people=(1, 12),
        hours=(Hours((WED, FRI), "15:00", "18:00", 3, ("il mercoledì e il venerdì pomeriggio",)),),
        no_hours_weight=2,
        urgency=(45, 45, 9, 1),
        citizen=(
            "Nel quartiere non c'è niente per i ragazzi: servirebbe uno spazio per stare insieme {when}.",
            "Mio figlio vorrebbe fare sport, ma le società costano troppo: ci sono attività gratuite per ragazzi?",
            "Vorremmo uno spazio giovani con attività di musica e sport {when}.",
            "I ragazzi passano i pomeriggi per strada: chiediamo uno spazio giovani con un educatore.",
        ),
        operator=(
            "Gruppi di ragazzi nel parco tutti i pomeriggi, senza attività: serve uno spazio giovani.",
            "Al laboratorio giovani i ragazzi chiedono una sala prove e attività sportive gratuite {when}.",
        ),
    ),
    Theme(
        code="disabilita-tempo-libero",
        any_time=("nel fine settimana",),
        area="relazioni",
        weight=3,
        targets=((TargetGroup.DISABILITY, 10),),
        expressed_share=0.7,
        profile="parent",
        hours=(Hours((SAT,), "14:00", "18:00", 3, ("il sabato pomeriggio", "nel fine settimana")),),
        no_hours_weight=1,
        citizen=(
            "Mio figlio ha l'autismo e nel fine settimana non ha nessuna attività con altri ragazzi.",
            "Cerchiamo attività di tempo libero per giovani con disabilità {when}.",
            "Mia figlia ha 20 anni e una disabilità intellettiva: finita la scuola sta sempre in casa, vorremmo "
            "un gruppo di amici per lei.",
        ),
        operator=(
            "Famiglie di ragazzi con disabilità chiedono attività di socializzazione {when}.",
            "Giovane adulto con disabilità: terminata la scuola non frequenta più nessun gruppo, rischio di "
            "isolamento.",
        ),
    ),
    Theme(
        code="pacco-alimentare",
        area="alimentazione",
        weight=6,
        targets=((TargetGroup.FAMILIES, 6), (TargetGroup.ADULTS, 4)),
        expressed_share=0.6,
        profile="adult",
        link_household=True,
        people=(1, 6),
        urgency=(5, 50, 35, 10),
        citizen=(
            "A fine mese non riusciamo a fare la spesa: dove possiamo avere un pacco alimentare?",
            "Ho perso il lavoro e con {n_figli} figli non riesco a comprare da mangiare per tutti.",
            "Chiedo un aiuto per la spesa alimentare, anche solo per qualche mese.",
            "C'è un emporio solidale o un banco alimentare vicino a casa?",
        ),
        operator=(
            "Famiglia con {n_figli} figli e reddito insufficiente: segnalata per il pacco alimentare mensile.",
            "La parrocchia segnala nuove famiglie che chiedono il pacco alimentare.",
            "Nucleo monoreddito in difficoltà con la spesa alimentare: proposto l'emporio solidale.",
        ),
    ),
    Theme(
        code="dipendenze",
        area="salute",
        weight=2,
        targets=((TargetGroup.ADULTS, 10),),
        expressed_share=0.3,
        case_share=0.85,
        profile="adult",
        urgency=(5, 40, 40, 15),
        citizen=(
            "Mio marito gioca alle slot e spende tutto lo stipendio: non so a chi chiedere aiuto.",
            "Bevo troppo da quando sono solo e vorrei smettere, ma non so dove andare.",
        ),
        operator=(
            "Uomo di mezza età con problemi di alcol, ha perso il lavoro: serve un contatto con il servizio per le "
            "dipendenze.",
            "Il bar segnala un cliente che passa le giornate alle slot e si è riempito di debiti.",
        ),
    ),
)

THEME_BY_CODE = {theme.code: theme for theme in THEMES}
