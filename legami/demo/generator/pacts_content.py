"""The words of the demo's referrals, cases and pacts: eight situations the services of the province meet every week,
each with what a sentinel sees, what the case manager writes, and what a pact of that kind holds (objectives with
their expected result, supports, budget lines, commitments and the hours given back to the community).

Written for the demo; the people, the shops and the stories are invented. Organisations are keys of
data.ORGANIZATIONS.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    code: str
    age_band: str  # referrals.models.AgeBand
    # What a sentinel or partner staff writes: (who it concerns, what was seen).
    referrals: tuple[tuple[str, str], ...]
    summaries: tuple[str, ...]
    # The domains (pacts.models.Domain) where the person starts in difficulty.
    weak: tuple[str, ...]
    pact_summary: str
    # (objective, indicator, target)
    objectives: tuple[tuple[str, str, str], ...]
    # (service, provider key or "", how often)
    supports: tuple[tuple[str, str, str], ...]
    # (category, description, lowest, highest amount in euro), each under the support of the same position if any
    budget: tuple[tuple[str, str, int, int], ...]
    # The person's own commitment (with a date) and the give-back: (what, hours a week)
    person: str
    give_back: tuple[str, int]
    manager: str
    organization: tuple[str, str]  # (key, what the organisation commits to)
    change_note: str
    new_objective: tuple[str, str, str]


THEMES: tuple[Theme, ...] = (
    Theme(
        code="lavoro",
        age_band="adult",
        referrals=(
            ("Il signore che da un mese chiede di pagare i farmaci a fine mese",
             "Ha detto di aver perso il posto in magazzino a gennaio; rimanda l'acquisto della terapia per la "
             "pressione e sembra molto abbattuto."),
            ("Una mamma del quartiere che cerca lavoro",
             "Chiede a tutti se conoscono qualcuno che cerca una persona per le pulizie; il contratto al "
             "supermercato non le è stato rinnovato."),
            ("Un uomo sui cinquant'anni che frequenta la mensa da qualche settimana",
             "Operaio edile rimasto senza lavoro dopo un infortunio; si vergogna a chiedere aiuto ai servizi."),
        ),
        summaries=(
            "Ha perso il lavoro dopo undici anni nello stesso magazzino; vive con la moglie, che lavora "
            "part-time, e un figlio alle superiori. Il reddito non copre più affitto e spese.",
            "Contratto a termine non rinnovato; ha esperienza nelle pulizie e nella ristorazione, nessun titolo "
            "riconosciuto. Disponibile a formarsi.",
        ),
        weak=("work", "income"),
        pact_summary="Tornare a un lavoro stabile, anche part-time, e rimettere in equilibrio le spese di casa.",
        objectives=(
            ("Trovare un lavoro part-time", "Colloqui di lavoro sostenuti", "Almeno 4 colloqui in tre mesi"),
            ("Ottenere l'attestato HACCP", "Attestato del corso", "Attestato conseguito"),
        ),
        supports=(
            ("Orientamento al lavoro e bilancio delle competenze", "lavoro", "Ogni due settimane"),
            ("Corso HACCP per addetti alla ristorazione", "serio", "Dodici ore in un mese"),
        ),
        budget=(
            ("work", "Abbonamento ai mezzi per i colloqui", 200, 400),
            ("training", "Iscrizione al corso HACCP", 250, 450),
            ("bills", "Bollette arretrate di luce e gas", 400, 900),
        ),
        person="Presentarsi ai colloqui fissati dallo sportello lavoro",
        give_back=("Aiuto al doposcuola di comunità", 2),
        manager="Accompagnare al centro per l'impiego per l'iscrizione",
        organization=("lavoro", "Segnalare le offerte adatte e preparare il curriculum insieme"),
        change_note="Ha trovato un lavoro part-time al mattino: il patto continua per consolidarlo e sistemare "
        "le bollette; le ore di restituzione passano al pomeriggio.",
        new_objective=("Tenere il lavoro oltre il periodo di prova", "Contratto confermato", "Conferma dopo sei mesi"),
    ),
    Theme(
        code="casa",
        age_band="family",
        referrals=(
            ("La famiglia del terzo piano con lo sfratto",
             "La signora racconta che è arrivata la lettera dell'avvocato per tre mesi di affitto non pagati; "
             "due bambini piccoli, il marito lavora a chiamata."),
            ("Un signore che dorme in macchina da qualche notte",
             "Dopo la separazione ha lasciato la casa; si lava in palestra e viene a chiedere un caffè."),
        ),
        summaries=(
            "Morosità di quattro mensilità per la riduzione delle ore di lavoro del marito; procedura di "
            "sfratto avviata. Due figli di 4 e 7 anni.",
            "Dopo la separazione vive in un alloggio di fortuna; lavora come autotrasportatore a chiamata.",
        ),
        weak=("housing", "income"),
        pact_summary="Restare in casa rientrando dal debito d'affitto, o trovare per tempo un alloggio sostenibile.",
        objectives=(
            ("Rientrare dal debito d'affitto", "Mensilità arretrate saldate", "Debito azzerato entro un anno"),
            ("Trovare un alloggio a canone concordato", "Domande presentate", "Almeno due domande"),
        ),
        supports=(
            ("Accompagnamento all'abitare e mediazione con il proprietario", "serio", "Ogni settimana"),
            ("Consulenza legale sullo sfratto", "cremona", "Al bisogno"),
        ),
        budget=(
            ("housing", "Quota dell'affitto arretrato", 800, 1500),
            ("bills", "Bollette del gas dell'inverno", 300, 700),
        ),
        person="Versare ogni mese la propria quota dell'affitto",
        give_back=("Cura del verde del cortile condominiale e del quartiere", 2),
        manager="Presentare la domanda al fondo per la morosità incolpevole",
        organization=("serio", "Cercare con la famiglia un alloggio a canone concordato"),
        change_note="Il proprietario ha accettato un piano di rientro: si aggiunge l'obiettivo di risparmio e si "
        "riduce la quota del fondo per l'affitto.",
        new_objective=("Mettere da parte un piccolo risparmio", "Euro risparmiati al mese", "Almeno 50 euro"),
    ),
    Theme(
        code="solitudine",
        age_band="older",
        referrals=(
            ("La signora anziana che veniva ogni settimana e non si vede più",
             "Da tre settimane non passa a ritirare i farmaci; al telefono sembrava confusa e ha detto che non "
             "esce perché ha paura di cadere."),
            ("Il vedovo del civico 8",
             "Da quando è mancata la moglie compra solo pane e latte; dimagrito, la barba lunga, non parla con "
             "nessuno."),
            ("Una signora di 84 anni che vive sola in cascina",
             "Il figlio vive all'estero; d'inverno resta isolata, la strada non è illuminata e non guida più."),
        ),
        summaries=(
            "Vedova da due anni, vive sola; nessun familiare vicino. Esce sempre meno e ha saltato le ultime "
            "visite di controllo.",
            "Vive solo dopo la morte della moglie; buona autonomia fisica, forte isolamento e poca cura di sé.",
        ),
        weak=("relationships", "health", "autonomy"),
        pact_summary="Uscire dall'isolamento con compagnia, trasporti e un impegno che la faccia sentire utile.",
        objectives=(
            ("Uscire di casa almeno due volte a settimana", "Uscite a settimana", "Due uscite"),
            ("Riprendere le visite di controllo", "Visite fatte", "Visite del semestre tutte fatte"),
        ),
        supports=(
            ("Trasporto solidale per visite e spesa", "argento", "Due volte a settimana"),
            ("Telefonate di vicinato", "argento", "Ogni giorno"),
        ),
        budget=(
            ("health", "Ticket e farmaci non coperti", 200, 500),
            ("transport", "Taxi per le visite in ospedale", 200, 400),
        ),
        person="Partecipare ai Pomeriggi insieme del giovedì",
        give_back=("Raccontare ai ragazzi del doposcuola com'era il quartiere", 1),
        manager="Fissare con il medico di base le visite di controllo",
        organization=("argento", "Organizzare i passaggi per le visite e la spesa"),
        change_note="Esce volentieri e ha fatto amicizia al gruppo del giovedì: meno trasporti, più tempo "
        "restituito alla comunità.",
        new_objective=("Imparare a fare le videochiamate con il figlio", "Videochiamate fatte", "Una a settimana"),
    ),
    Theme(
        code="famiglia",
        age_band="family",
        referrals=(
            ("Una mamma sola con tre bambini",
             "I bambini arrivano a scuola senza merenda e spesso senza compiti; la mamma fa i turni in una "
             "casa di riposo e non riesce a seguirli."),
            ("La famiglia del bambino che la maestra ha visto sempre stanco",
             "Il papà lavora di notte, la mamma è in ospedale da un mese; il bambino resta solo il pomeriggio."),
        ),
        summaries=(
            "Madre sola con tre figli tra i 6 e i 12 anni; lavora su turni come operatrice socio-sanitaria. "
            "Nessuna rete familiare in zona.",
            "Nucleo con due figli; la madre è in convalescenza, il padre lavora di notte. I bambini restano soli "
            "molte ore.",
        ),
        weak=("family_care", "relationships"),
        pact_summary="Conciliare il lavoro con la cura dei figli, con il doposcuola e una rete di famiglie vicine.",
        objectives=(
            ("Conciliare il lavoro con la cura dei figli", "Pomeriggi coperti a settimana", "Tutti i pomeriggi"),
            ("Migliorare l'andamento scolastico dei figli", "Pagella del secondo quadrimestre",
             "Nessuna insufficienza"),
        ),
        supports=(
            ("Doposcuola di comunità al Cambonino", "trama", "Tre pomeriggi a settimana"),
            ("Famiglie d'appoggio del gruppo di vicinato", "vicinato", "Al bisogno"),
        ),
        budget=(
            ("children", "Iscrizione al centro estivo", 300, 800),
            ("children", "Materiale scolastico e libri", 200, 400),
            ("transport", "Abbonamento dell'autobus per la figlia maggiore", 200, 300),
        ),
        person="Partecipare ai colloqui con gli insegnanti",
        give_back=("Preparare le merende del doposcuola", 2),
        manager="Chiedere all'Istituto comprensivo un incontro con la rete degli insegnanti",
        organization=("trama", "Riservare tre posti al doposcuola e tenere il registro delle presenze"),
        change_note="Con il nuovo orario di lavoro bastano due pomeriggi di doposcuola; si aggiunge il centro "
        "estivo.",
        new_objective=("Iscrivere i figli a un'attività sportiva", "Figli iscritti", "Tutti e tre"),
    ),
    Theme(
        code="caregiver",
        age_band="adult",
        referrals=(
            ("La figlia che accudisce la mamma con l'Alzheimer",
             "Viene ogni giorno per i farmaci della mamma; dice di non dormire da settimane e di aver lasciato "
             "il lavoro per assisterla."),
            ("Il marito della signora in carrozzina",
             "Ha ottant'anni e fa tutto da solo; l'ultima volta è caduto sollevandola e non l'ha detto ai figli."),
        ),
        summaries=(
            "Assiste da sola la madre con demenza; ha lasciato il lavoro sei mesi fa. Segni di forte stanchezza.",
            "Anziano che assiste la moglie non autosufficiente; figli lontani, nessun aiuto domiciliare.",
        ),
        weak=("family_care", "health"),
        pact_summary="Dare sollievo a chi assiste un familiare e condividere il carico con i servizi e il gruppo.",
        objectives=(
            ("Avere almeno un pomeriggio libero a settimana", "Pomeriggi di sollievo al mese", "Quattro"),
            ("Attivare l'assistenza domiciliare", "Ore di assistenza domiciliare a settimana", "Sei ore"),
        ),
        supports=(
            ("Assistenza domiciliare integrata", "argine", "Tre mattine a settimana"),
            ("Gruppo di auto mutuo aiuto per caregiver", "crema", "Ogni mercoledì sera"),
        ),
        budget=(
            ("health", "Ausili per la mobilità non coperti", 300, 900),
            ("other", "Ore di sollievo domiciliare", 400, 1200),
        ),
        person="Partecipare al gruppo dei caregiver",
        give_back=("Accogliere i nuovi arrivati al gruppo caregiver", 1),
        manager="Avviare la domanda di invalidità e di indennità di accompagnamento",
        organization=("argine", "Garantire le ore di assistenza concordate"),
        change_note="La domanda di accompagnamento è stata accolta: meno sollievo pagato dal patto, si aggiunge un "
        "percorso per tornare al lavoro.",
        new_objective=("Riprendere un lavoro a orario ridotto", "Ore di lavoro a settimana", "Almeno 15"),
    ),
    Theme(
        code="giovani",
        age_band="adult",
        referrals=(
            ("Un ragazzo di vent'anni che passa le giornate al bar",
             "Ha lasciato la scuola al terzo anno, non lavora e la madre dice che non esce di camera fino a "
             "pomeriggio."),
            ("La ragazza che aiutava in oratorio e ora non viene più",
             "Dopo la bocciatura ha smesso di studiare; vorrebbe lavorare con i bambini ma non sa da dove "
             "cominciare."),
        ),
        summaries=(
            "Ventenne che ha lasciato gli studi; non lavora né cerca lavoro da più di un anno. Buone capacità "
            "manuali, poca fiducia in sé.",
            "Diciannovenne con il diploma non finito; desidera lavorare nell'educazione.",
        ),
        weak=("skills", "work", "autonomy"),
        pact_summary="Ripartire da un corso e un tirocinio verso un lavoro, con un impegno per il quartiere.",
        objectives=(
            ("Completare un corso di formazione professionale", "Ore di corso frequentate", "Almeno l'80%"),
            ("Fare un tirocinio di sei mesi", "Mesi di tirocinio svolti", "Sei mesi"),
        ),
        supports=(
            ("Tirocinio di inclusione in azienda", "impresa", "Venti ore a settimana"),
            ("Tutoraggio educativo", "trama", "Ogni settimana"),
        ),
        budget=(
            ("training", "Corso per il patentino del muletto", 300, 600),
            ("transport", "Abbonamento del treno per il tirocinio", 200, 400),
            ("work", "Scarpe e abiti antinfortunistici", 200, 300),
        ),
        person="Frequentare il corso senza assenze ingiustificate",
        give_back=("Cura del verde del quartiere con il gruppo di vicinato", 3),
        manager="Attivare il tirocinio con il centro per l'impiego",
        organization=("impresa", "Accogliere il tirocinio e nominare un tutor aziendale"),
        change_note="Il tirocinio è andato bene e l'azienda propone un contratto di apprendistato: il patto si "
        "rinnova per sostenerlo.",
        new_objective=("Prendere la patente B", "Esami superati", "Teoria e guida"),
    ),
    Theme(
        code="lingua",
        age_band="family",
        referrals=(
            ("Una signora arrivata da poco che non parla italiano",
             "Viene con il figlio di dieci anni che traduce; non ha il medico di base e chiede come fare per i "
             "vaccini della bambina."),
            ("Una famiglia appena arrivata nella casa popolare",
             "Il padre cerca lavoro, la madre non esce mai; i bambini non sono ancora iscritti a scuola."),
        ),
        summaries=(
            "Famiglia arrivata da un anno per ricongiungimento; la madre non parla italiano e non conosce i "
            "servizi, il padre lavora nei campi.",
            "Nucleo con tre figli arrivato da pochi mesi; nessuna iscrizione al servizio sanitario.",
        ),
        weak=("skills", "relationships", "autonomy"),
        pact_summary="Imparare l'italiano e orientarsi nei servizi, per la madre e per i figli.",
        objectives=(
            ("Frequentare il corso di italiano A2", "Livello certificato", "A2"),
            ("Iscrivere i figli a scuola e al pediatra", "Iscrizioni fatte", "Tutte"),
        ),
        supports=(
            ("Corso di italiano per adulti", "lavoro", "Due sere a settimana"),
            ("Sportello digitale: SPID e fascicolo sanitario", "trama", "Al bisogno"),
        ),
        budget=(
            ("training", "Esame di certificazione della lingua", 200, 300),
            ("children", "Mensa scolastica dei figli", 300, 700),
        ),
        person="Frequentare il corso di italiano",
        give_back=("Aiuto nell'orto dell'oratorio", 2),
        manager="Accompagnare all'iscrizione al servizio sanitario",
        organization=("parrocchia", "Mettere a disposizione le volontarie del centro di ascolto"),
        change_note="Ha superato il livello A1 in anticipo: si punta all'A2 e alla ricerca di un lavoro.",
        new_objective=("Cercare un lavoro nella ristorazione", "Candidature inviate", "Almeno cinque"),
    ),
    Theme(
        code="debiti",
        age_band="adult",
        referrals=(
            ("Un cliente che ha chiesto un prestito ai vicini",
             "Ha debiti con una finanziaria e le bollette scadute; racconta di aver giocato alle slot per "
             "rifarsi."),
            ("La signora che paga la spesa con tre carte diverse",
             "Spesso la carta viene rifiutata; ha detto che a fine mese non sa più come fare con le rate."),
        ),
        summaries=(
            "Sovraindebitamento per prestiti al consumo e bollette non pagate; reddito da pensione di "
            "invalidità. Riconosce di giocare troppo.",
            "Due rate di finanziamento oltre le possibilità del reddito; bollette sospese.",
        ),
        weak=("income", "skills"),
        pact_summary="Rimettere in ordine il bilancio familiare e uscire dalla spirale dei debiti.",
        objectives=(
            ("Rimettere in ordine il bilancio familiare", "Bilancio mensile compilato", "Ogni mese"),
            ("Rinegoziare le rate del finanziamento", "Rata mensile", "Sotto i 150 euro"),
        ),
        supports=(
            ("Educazione finanziaria e tutor del bilancio", "lavoro", "Ogni due settimane"),
            ("Spesa all'emporio solidale", "parrocchia", "Ogni settimana"),
        ),
        budget=(
            ("bills", "Bollette sospese di luce e acqua", 300, 800),
            ("food", "Tessera dell'emporio solidale", 200, 400),
        ),
        person="Compilare ogni mese il bilancio familiare con il tutor",
        give_back=("Volontariato all'emporio solidale", 2),
        manager="Contattare lo sportello per il sovraindebitamento",
        organization=("lavoro", "Affiancare nella trattativa con la finanziaria"),
        change_note="Le rate sono state rinegoziate: il patto si rinnova con meno spese coperte e più autonomia.",
        new_objective=("Aprire un conto con una carta prepagata", "Conto aperto", "Entro due mesi"),
    ),
)  # fmt: skip

# The triage's words.
QUESTIONS = (
    ("Sa se la persona vive da sola o con qualcuno?",
     "Vive con il figlio, che però lavora fuori tutta la settimana e torna il sabato."),
    ("Ha un numero di telefono o sa a che ora la si trova in casa?",
     "Il numero non ce l'ho; al mattino presto esce a prendere il giornale, verso le otto."),
    ("La persona sa che ci ha scritto? Possiamo dire che la segnalazione viene da lei?",
     "Gliene ho parlato ieri: è d'accordo e preferisce che la chiami un'assistente sociale donna."),
    ("Da quanto tempo nota questa situazione?",
     "Da dopo Natale, quindi più o meno da due mesi."),
    ("Ci sono bambini in casa?",
     "Sì, due, uno va alle elementari qui vicino."),
)  # fmt: skip
REDIRECTS = (
    "Centro psico-sociale dell'ASST di Cremona",
    "Servizio per le dipendenze (SerD) di Crema",
    "Consultorio familiare di Casalmaggiore",
    "Centro antiviolenza Aiuto Donna",
    "Servizio tutela minori dell'Ambito",
)
CLOSE_NOTES = {
    "no_need": "Visita domiciliare fatta: la persona è seguita dalla figlia, non servono interventi.",
    "already_followed": "È già in carico al servizio anziani del Comune.",
    "duplicate": "Stessa situazione segnalata anche dalla parrocchia la settimana prima.",
    "unreachable": "Tre tentativi a casa e al telefono senza risposta; il negozio avviserà se torna.",
    "refused": "Ha ringraziato ma non vuole aiuti dai servizi; lasciato il numero dello sportello.",
}
ASSIGN_NOTES = (
    "La conosco già dal servizio anziani.",
    "Visita domiciliare entro la settimana.",
    "",
)
SENTINEL_CONTACTS = ("Farmacia del Cambonino, 0372 412345, chiedere della dottoressa Ardigò",)
PARTNER_CONTACTS = ("Cooperativa Trama Solidale, 0372 450011 (Luca Fornasari)",)

REVIEW_NOTES = (
    "Incontro sereno: la persona riconosce i passi avanti e propone lei stessa come continuare.",
    "Qualche fatica negli impegni di restituzione nei mesi invernali; si concorda di riprendere con orari più adatti.",
    "Obiettivi in gran parte raggiunti; resta da consolidare l'autonomia nella gestione delle spese.",
    "La situazione è peggiorata per problemi di salute: si rallenta il ritmo e si rivedono le scadenze.",
)
RATING_NOTES = {
    "met": "Fatto nei tempi previsti.",
    "partly": "Avviato, da completare.",
    "not_met": "Non ancora: si ritenta con un aiuto in più.",
    "not_due": "",
}
ASSESSMENT_NOTES = {
    "baseline": "Prima valutazione fatta a casa della persona, insieme a lei.",
    "review": "Valutazione alla verifica del patto.",
}
EXPENSES = (
    "Ricevuta di pagamento",
    "Fattura",
    "Scontrino",
)
OVER_BUDGET = "Spesa più alta del previsto: preventivo aggiornato dal fornitore"
APPROVAL_REASON = "Spesa necessaria e documentata: approvata oltre la riga di budget."
REFUSAL_REASON = "Non rientra nelle finalità del patto: la si copre con il fondo della parrocchia."
ELSEWHERE = "Aiuto alla festa di quartiere"
