"""A compact lexicon of community-welfare need concepts in Italian: words and short phrases that name the
same need although they share no word ("pacchi alimentari", "non abbiamo da mangiare", "buoni spesa").

Each concept lists the words (any form: entries are lemmatised like the descriptions) and phrases (two or
three content words in order, stop words ignored) that name it. A description gets one feature per concept
it mentions, weighed beside its lemmas (see text.py), so two paraphrases meet through the concept even when
the wording differs. Written from the vocabulary of Italian social services (servizi sociali, Caritas,
terzo settore); deliberately generic: it names needs, not any particular data set.

A word may belong to two concepts (e.g. "morosita": rent and bills). Words too generic to tell a need
("aiuto", "bisogno", "casa" alone, "solo") are left out or only appear inside a phrase.
"""

from __future__ import annotations

from .normalise import strip_accents

CONCEPTS: dict[str, str] = {
    # food and basic goods
    "food": """
        cibo mangiare mangiato pasto pasti cena pranzo colazione fame affamato viveri alimentare alimentari
        alimenti alimentazione pacco pacchi spesa spese_alimentari mensa emporio supermercato pane latte pasta
        frutta verdura scatolame frigorifero_vuoto dispensa nutrirsi sfamare
        banco_alimentare buono_spesa buoni_spesa carta_spesa generi_prima_necessita prima_necessita
        emporio_solidale mensa_poveri
    """,
    # money, debts, making ends meet
    "money": """
        soldi denaro economico economica economici economiche contributo contributi sussidio sussidi reddito
        debito debiti prestito prestiti povertà povero poveri indigenza stipendio arretrati rata rate
        usura pignoramento isee fine_mese arrivare_fine difficolta_economiche bonus
    """,
    # rent, eviction, finding a home
    "housing": """
        affitto affitti sfratto sfrattato sfrattati sfratti alloggio alloggi abitazione abitativo abitativa
        appartamento monolocale stanza canone locazione proprietario padrone inquilino morosita caparra mutuo
        dormitorio senzatetto tetto trasloco traslocare aler
        casa_popolare case_popolari cercare_casa trovare_casa perdere_casa senza_casa fissa_dimora
        emergenza_abitativa housing_sociale padrone_casa
    """,
    # bills and utilities
    "utilities": """
        bolletta bollette luce gas utenza utenze riscaldamento elettricità energia enel distacco staccare
        teleriscaldamento acqua_calda morosita tari stufa caldaia termosifone bonus_sociale
    """,
    # work and job seeking
    "work": """
        lavoro lavorare lavoratore impiego occupazione occupato disoccupato disoccupata disoccupazione
        curriculum cv colloquio colloqui licenziato licenziata licenziamento assunzione assumere tirocinio
        stage mestiere professione cassintegrato offerte_lavoro centro_impiego cercare_lavoro
        formazione_professionale ricerca_lavoro inserimento_lavorativo borsa_lavoro
    """,
    # school support, homework
    "schooling": """
        doposcuola compiti compito studio studiare studente studentessa ripetizione ripetizioni scuola
        scolastico scolastica scolastici insegnante maestra professore tutor matematica inglese quaderno
        quaderni zaino interrogazione verifica verifiche pagella voti bocciato bocciatura recupero dsa
        dislessia dislessico esame esami_scuola sostegno_scolastico libri_scuola aiuto_compiti
        materiale_scolastico studio_assistito
    """,
    # learning Italian, language mediation
    "language": """
        italiano italiana lingua lingue alfabetizzazione grammatica l2 mediatore mediatrice mediazione
        interprete tradurre traduzione traduttore straniero stranieri imparare_italiano corso_italiano
        parlare_italiano scuola_italiano
    """,
    # loneliness and company
    "loneliness": """
        solitudine isolato isolata isolati isolamento compagnia chiacchierare chiacchiere chiacchierata
        amicizia amico amici socializzare socialita telefonata telefonate sola soletta abbandonato abbandonata
        tristezza triste vicinanza incontrare_persone fare_compagnia da_solo da_sola vivere_solo
        nessuno_parlare passare_tempo due_chiacchiere
    """,
    # care of a frail person at home, respite for carers
    "care": """
        badante badanti assistenza_domiciliare domiciliare domicilio sollievo caregiver accudire accudimento
        accudisce assistere assistenza autosufficiente autosufficienza allettato allettata demenza alzheimer
        parkinson oss igiene lavarsi vestirsi riposo stanchezza esausto esausta sad rsa centro_diurno
        non_autosufficiente cura_anziano prendersi_cura pausa_cura ricovero_sollievo
    """,
    # getting somewhere: transport and accompaniment
    "transport": """
        trasporto trasporti accompagnamento accompagnare accompagnato accompagnata passaggio passaggi
        navetta pulmino autobus bus corriera treno guidare patente macchina auto automobile autista
        spostarsi spostamento spostamenti raggiungere mezzo mezzi_pubblici
    """,
    # health, medical visits, medicines
    "health": """
        medico medici medica dottore dottoressa ospedale ambulatorio visita_medica visite_mediche
        visita_specialistica specialista esame_sangue analisi farmaco farmaci medicina medicine farmacia
        terapia terapie cure fisioterapia riabilitazione ricetta prenotazione cup dentista dentistico
        chemioterapia dialisi infermiere infermieristico sanitario sanitaria
    """,
    # digital divide: SPID, online services, devices
    "digital": """
        spid digitale digitali computer pc internet online app applicazione email mail posta_elettronica
        password credenziali smartphone cellulare telefonino tablet wifi connessione portale sito
        informatica informatico cie fascicolo_sanitario firma_digitale pin
    """,
    # paperwork, bureaucracy, documents
    "paperwork": """
        pratica pratiche documento documenti modulo moduli modulistica burocrazia burocratico compilare
        compilazione certificato certificati residenza patronato caf permesso_soggiorno invalidita
        pensione dichiarazione_redditi ufficio uffici sportello domanda_contributo carta_identita
        ricongiungimento cittadinanza
    """,
    # small children: nursery, babysitting, baby goods
    "childcare": """
        asilo nido babysitter baby_sitter tata neonato neonata neonati pannolini pannolino passeggino
        latte_polvere culla omogeneizzati infanzia bimbo bimba bimbi piccolo_bambino
        custodia_bambini
    """,
    # summer, leisure, sport, youth spaces
    "leisure": """
        sport sportivo sportiva calcio pallavolo basket palestra piscina nuoto danza gioco giocare giochi
        tempo_libero oratorio ludoteca centro_estivo centri_estivi grest campo_estivo campus estate estivo
        estiva vacanza vacanze gita gite musica teatro laboratorio laboratori aggregazione centro_giovani
        spazio_giovani
    """,
    # clothes and household goods
    "goods": """
        vestiti vestito abiti abbigliamento indumenti scarpe cappotto giacca giubbotto guardaroba coperte
        mobili mobile letto materasso elettrodomestici lavatrice frigo arredo arredamento culla
    """,
    # psychological support, listening
    "psychological": """
        psicologo psicologa psicologico psicologica psicoterapia ansia depressione depresso depressa stress
        angoscia panico ascolto sfogarsi lutto crisi sostegno_psicologico supporto_psicologico
        supporto_emotivo centro_ascolto
    """,
    # violence and abuse
    "violence": """
        violenza violenze violento maltrattamento maltrattamenti maltrattata abuso abusi picchiare minacce
        minacciare stalking molestie antiviolenza centro_antiviolenza casa_rifugio
    """,
    # disability and accessibility
    "disability": """
        disabilita disabile disabili handicap autismo autistico autistica carrozzina sedia_rotelle
        barriere_architettoniche ausili ausilio non_vedente non_udente sordo cieco invalido
    """,
    # addictions
    "addiction": """
        dipendenza dipendenze alcol alcolismo alcolista droga droghe ludopatia azzardo slot serd sert
        gioco_azzardo
    """,
    # legal advice
    "legal": """
        avvocato avvocata legale tribunale causa separazione divorzio affido affidamento giudice denuncia
        consulenza_legale
    """,
    # small jobs around the house, errands
    "errands": """
        commissioni faccende pulizie pulire stirare giardino giardinaggio riparazione riparazioni
        manutenzione lampadina idraulico imbiancare piccoli_lavori lavori_domestici spesa_domicilio
    """,
    # pets
    "pets": """
        animale animali cane cani gatto gatti veterinario
    """,
}


def _entries() -> tuple[dict[str, frozenset[str]], dict[str, list[tuple[tuple[str, ...], str]]]]:
    words: dict[str, set[str]] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for concept, text in CONCEPTS.items():
        for entry in text.split():
            parts = tuple(strip_accents(part.lower()) for part in entry.split("_"))
            if len(parts) == 1:
                words.setdefault(parts[0], set()).add(concept)
            else:
                phrases.setdefault(parts[0], []).append((parts, concept))
    return {word: frozenset(concepts) for word, concepts in words.items()}, phrases


WORDS, PHRASES = _entries()
FUZZY_MIN_LENGTH = 6


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _fuzzy_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for word, concepts in WORDS.items():
        if len(word) >= FUZZY_MIN_LENGTH:
            for variant in _deletions(word) | {word}:
                index.setdefault(variant, set()).update(concepts)
    return {variant: frozenset(concepts) for variant, concepts in index.items()}


FUZZY = _fuzzy_index()


def word_concepts(raw: str, base: str, known: bool) -> frozenset[str]:
    """The concepts one word names: by its form, its lemma, or (an unknown word, i.e. a likely typo) by a
    lexicon word one edit away."""
    found = WORDS.get(raw, frozenset()) | WORDS.get(base, frozenset())
    if found or known or len(raw) < FUZZY_MIN_LENGTH:
        return found
    result: set[str] = set()
    for variant in _deletions(raw) | {raw}:
        result.update(FUZZY.get(variant, ()))
    return frozenset(result)


def phrase_concepts(tokens: list[tuple[str, str, bool]]) -> set[str]:
    """Concepts named by phrases in a token sequence of (form, lemma, is_stop_word); stop words between the
    words of a phrase are skipped unless the phrase names them."""
    found: set[str] = set()
    for start, (raw, base, _stop) in enumerate(tokens):
        for first in {raw, base}:
            for parts, concept in PHRASES.get(first, ()):
                if concept not in found and _matches(tokens, start, parts):
                    found.add(concept)
    return found


def _matches(tokens: list[tuple[str, str, bool]], start: int, parts: tuple[str, ...]) -> bool:
    position = start + 1
    for part in parts[1:]:
        skipped = 0
        while position < len(tokens) and tokens[position][2] and part not in tokens[position][:2] and skipped < 2:
            position += 1
            skipped += 1
        if position >= len(tokens) or part not in tokens[position][:2]:
            return False
        position += 1
    return True
