"""The standard Italian list of need areas every network starts from (the network then edits its own copy).

Names and descriptions are network data in Italian, as a Comune would write them, not UI strings.
"""

DEFAULT_AREAS: tuple[tuple[str, str, str], ...] = (
    ("casa", "Casa", "Abitare: affitto, sfratti, condizioni dell'alloggio, coabitazione."),
    ("lavoro", "Lavoro", "Ricerca di lavoro, orientamento, tirocini, riqualificazione."),
    ("reddito", "Reddito", "Difficoltà economiche, bollette, debiti, accesso alle misure di sostegno."),
    ("salute", "Salute", "Accesso alle cure, prevenzione, salute mentale, dipendenze."),
    ("cura", "Cura e assistenza", "Assistenza a persone non autosufficienti, sollievo ai caregiver."),
    ("conciliazione", "Conciliazione famiglia-lavoro", "Orari, servizi per l'infanzia, doposcuola, centri estivi."),
    ("relazioni", "Relazioni e solitudine", "Isolamento, reti di vicinato, occasioni di incontro."),
    ("istruzione", "Istruzione e dispersione scolastica", "Sostegno allo studio, abbandono scolastico, lingua."),
    ("mobilita", "Mobilità", "Trasporti, accompagnamenti, collegamenti con i servizi."),
    ("alimentazione", "Alimentazione", "Povertà alimentare, pasti, spesa solidale."),
    ("digitale", "Digitale", "Competenze e strumenti digitali, accesso ai servizi online."),
    ("burocrazia", "Burocrazia e accesso ai servizi", "Pratiche, domande, orientamento ai servizi."),
    ("tempo-libero", "Tempo libero e cultura", "Sport, cultura, attività aggregative."),
    ("sicurezza", "Sicurezza e vivibilità", "Spazi pubblici, illuminazione, degrado, vicinato."),
)
