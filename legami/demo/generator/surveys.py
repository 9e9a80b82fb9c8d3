"""Demo surveys: an open neighbourhood survey with hundreds of answers and a closed one, through part D's services.

The questions, options and rules are network data in Italian. The answers are drawn from their own seeded
generator with plausible correlations (older respondents feel lonelier and ask for visits and shopping,
parents ask for an after-school club); the survey's rules turn some answers into needs, so that the survey
feeds the needs map. Idempotent: a survey is matched on its title, and only the answers beyond those already
stored are submitted (a closed survey takes no more).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from legami.demo import data
from legami.needs.models import NeedArea, Question, Survey, TargetGroup, Urgency

OPEN_SURVEY = "Come stai nel tuo quartiere? — indagine 2026"
CLOSED_SURVEY = "Estate 2025: centri estivi e tempo libero dei ragazzi"
FULL_ANSWERS = {OPEN_SURVEY: 400, CLOSED_SURVEY: 60}
SMALL_ANSWERS = {OPEN_SURVEY: 40, CLOSED_SURVEY: 10}

K = Question.Kind
AGES = ("Meno di 18 anni", "18–34 anni", "35–64 anni", "65–79 anni", "80 anni e più")
LIVES_WITH = ("Da solo/a", "In coppia", "Con figli", "Con altri familiari", "Con altre persone")
WISHES = (
    "Un doposcuola per i ragazzi",
    "Accompagnamento alle visite mediche",
    "Aiuto con SPID e servizi online",
    "Spesa a domicilio",
    "Occasioni di incontro",
    "Aiuto a cercare lavoro",
    "Spazi per i giovani",
    "Più illuminazione e sicurezza",
)
SUMMER_USE = (
    "Sì, per tutta l'estate",
    "Sì, per alcune settimane",
    "No, non c'era posto",
    "No, costava troppo",
    "No, non ne avevamo bisogno",
)
SUMMER_MISSING = (
    "Posti nei centri estivi",
    "Orari più lunghi",
    "Rette più basse",
    "Attività per adolescenti",
    "Trasporto",
    "Educatori per bambini con disabilità",
)

COMMENTS = (
    "Nel quartiere manca un posto dove trovarsi la sera.",
    "Il parco è bello ma la sera è buio.",
    "Mi piacerebbe conoscere di più i vicini.",
    "Grazie per averci chiesto la nostra opinione.",
    "Servirebbero più autobus verso l'ospedale.",
    "La casa di quartiere è una bella iniziativa, ma pochi la conoscono.",
    "Vorrei che ci fossero più attività per gli anziani.",
    "I ragazzi non hanno spazi per fare sport gratis.",
    "Sarei disponibile a dare una mano come volontario.",
    "Il mercato del sabato è l'unico momento in cui ci si incontra.",
    "Per le pratiche online ho sempre bisogno di mia figlia.",
    "I marciapiedi sono rovinati e con il deambulatore è difficile.",
    "Mancano negozi di vicinato, per la spesa serve la macchina.",
    "Ci vorrebbe un doposcuola anche alle medie.",
    "Si sta bene, ma tanti anziani sono soli.",
)
SUMMER_COMMENTS = (
    "Il centro estivo finiva troppo presto per chi lavora.",
    "Ottimo il centro estivo in oratorio, educatori bravissimi.",
    "Ad agosto non c'era niente.",
    "Servono più attività per i ragazzi delle medie.",
    "La retta era alta per due figli.",
)


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    kind: str
    text: str
    help_text: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None


@dataclass(frozen=True)
class RuleSpec:
    question: str
    area: str
    target_group: str
    description: str
    choice: str = ""
    min_value: int | None = None
    urgency: int = Urgency.MEDIUM


@dataclass(frozen=True)
class SurveySpec:
    title: str
    description: str
    questions: tuple[QuestionSpec, ...]
    rules: tuple[RuleSpec, ...]
    open: bool
    opens_on: datetime.date | None = None
    closes_on: datetime.date | None = None


@dataclass
class ResponsePlan:
    """One respondent's answers, by question key; places by name (made ids when submitted)."""

    answers: dict[str, Any] = field(default_factory=dict)


NEIGHBOURHOOD_SURVEY = SurveySpec(
    title=OPEN_SURVEY,
    description=(
        "Un questionario anonimo di dieci minuti per capire come si vive nei quartieri e nei paesi della "
        "provincia, che cosa manca e che cosa si potrebbe fare insieme. Le risposte non sono collegate al "
        "nome di nessuno."
    ),
    questions=(
        QuestionSpec("comune", K.MUNICIPALITY, "In quale Comune vivi?", required=True),
        QuestionSpec("quartiere", K.NEIGHBOURHOOD, "In quale quartiere?", help_text="Solo per Cremona e Crema."),
        QuestionSpec("eta", K.SINGLE_CHOICE, "Quanti anni hai?", required=True, choices=AGES),
        QuestionSpec("con-chi", K.SINGLE_CHOICE, "Con chi vivi?", choices=LIVES_WITH),
        QuestionSpec(
            "solitudine",
            K.SCALE,
            "Ti senti solo/a?",
            help_text="1 = mai, 5 = molto spesso.",
            required=True,
            min_value=1,
            max_value=5,
        ),
        QuestionSpec(
            "bisogni",
            K.MULTIPLE_CHOICE,
            "Che cosa ti servirebbe nel tuo quartiere?",
            help_text="Puoi scegliere più risposte.",
            choices=WISHES,
        ),
        QuestionSpec(
            "ore",
            K.NUMBER,
            "Quante ore al mese potresti dedicare ad aiutare altre persone?",
            min_value=0,
            max_value=60,
        ),
        QuestionSpec("altro", K.TEXT, "Vuoi raccontarci qualcosa di più?"),
    ),
    rules=(
        RuleSpec(
            "solitudine",
            "relazioni",
            TargetGroup.ELDERLY,
            "Si sente spesso solo/a: vorrebbe compagnia e occasioni di incontro nel quartiere.",
            min_value=4,
        ),
        RuleSpec(
            "bisogni",
            "conciliazione",
            TargetGroup.FAMILIES,
            "Chiede un doposcuola nel quartiere per l'aiuto compiti dei ragazzi il pomeriggio.",
            choice=WISHES[0],
        ),
        RuleSpec(
            "bisogni",
            "mobilita",
            TargetGroup.ELDERLY,
            "Ha bisogno di un accompagnamento o di un trasporto per le visite mediche.",
            choice=WISHES[1],
        ),
        RuleSpec(
            "bisogni",
            "digitale",
            TargetGroup.ELDERLY,
            "Chiede aiuto per attivare lo SPID e usare i servizi online.",
            choice=WISHES[2],
        ),
        RuleSpec(
            "bisogni",
            "alimentazione",
            TargetGroup.ELDERLY,
            "Ha bisogno della spesa a domicilio.",
            choice=WISHES[3],
        ),
        RuleSpec(
            "bisogni",
            "lavoro",
            TargetGroup.YOUNG_PEOPLE,
            "Cerca un aiuto per la ricerca di lavoro.",
            choice=WISHES[5],
        ),
    ),
    open=True,
    opens_on=datetime.date(2026, 1, 10),
)

SUMMER_SURVEY = SurveySpec(
    title=CLOSED_SURVEY,
    description=(
        "Indagine rivolta ai genitori sui centri estivi e sul tempo libero dei ragazzi nell'estate 2025, "
        "per preparare l'offerta dell'estate successiva."
    ),
    questions=(
        QuestionSpec("comune", K.MUNICIPALITY, "Comune di residenza", required=True),
        QuestionSpec(
            "figli", K.NUMBER, "Quanti figli tra i 3 e i 14 anni hai?", required=True, min_value=0, max_value=10
        ),
        QuestionSpec(
            "uso",
            K.SINGLE_CHOICE,
            "Nell'estate 2025 i tuoi figli hanno frequentato un centro estivo?",
            required=True,
            choices=SUMMER_USE,
        ),
        QuestionSpec(
            "soddisfazione",
            K.SCALE,
            "Quanto sei soddisfatto/a dell'offerta estiva per i ragazzi?",
            help_text="1 = per niente, 5 = molto.",
            min_value=1,
            max_value=5,
        ),
        QuestionSpec("mancato", K.MULTIPLE_CHOICE, "Che cosa è mancato?", choices=SUMMER_MISSING),
        QuestionSpec("suggerimenti", K.TEXT, "Suggerimenti per la prossima estate"),
    ),
    rules=(
        RuleSpec(
            "mancato",
            "conciliazione",
            TargetGroup.FAMILIES,
            "Non ha trovato posto in un centro estivo per i figli.",
            choice=SUMMER_MISSING[0],
        ),
        RuleSpec(
            "mancato",
            "conciliazione",
            TargetGroup.DISABILITY,
            "Chiede un educatore perché il figlio con disabilità possa frequentare il centro estivo.",
            choice=SUMMER_MISSING[5],
            urgency=Urgency.HIGH,
        ),
    ),
    open=False,
    opens_on=datetime.date(2025, 4, 1),
    closes_on=datetime.date(2025, 9, 30),
)

SURVEYS = (NEIGHBOURHOOD_SURVEY, SUMMER_SURVEY)


# --- the answers --------------------------------------------------------------------------------


class AnswerPlanner:
    """Draws respondents' answers from one seeded generator."""

    def __init__(self, *, municipalities: list[str], seed: int) -> None:
        self.rng = random.Random(seed * 104729 + 11)
        self.municipalities = sorted(municipalities)
        # Respondents come mostly from the towns where the survey was promoted (the case di quartiere).
        self.weights = [
            data.POPULATION.get(name, data.DEFAULT_POPULATION) * (2 if name in ("Cremona", "Crema") else 1)
            for name in self.municipalities
        ]
        self.neighbourhoods: dict[str, list[str]] = {}
        for comune, name, _description in data.NEIGHBOURHOODS:
            self.neighbourhoods.setdefault(comune, []).append(name)

    def _comune(self) -> str:
        return self.rng.choices(self.municipalities, self.weights)[0]

    def neighbourhood_response(self) -> ResponsePlan:
        rng = self.rng
        comune = self._comune()
        answers: dict[str, Any] = {"comune": comune}
        known = self.neighbourhoods.get(comune)
        if known and rng.random() < 0.85:
            # Cambonino and Centro answered most: the survey was handed out there first.
            answers["quartiere"] = rng.choices(known, [3 if n in ("Cambonino", "Centro") else 1 for n in known])[0]
        age = rng.choices(range(len(AGES)), [4, 18, 40, 24, 14])[0]
        answers["eta"] = AGES[age]
        if rng.random() < 0.92:
            if age >= 3:
                lives = rng.choices(LIVES_WITH, [45, 40, 3, 10, 2])[0]
            elif age == 2:
                lives = rng.choices(LIVES_WITH, [12, 22, 55, 8, 3])[0]
            elif age == 1:
                lives = rng.choices(LIVES_WITH, [20, 25, 15, 30, 10])[0]
            else:
                lives = "Con altri familiari"
            answers["con-chi"] = lives
        else:
            lives = ""
        lonely = 1 + (age >= 3) + (lives == "Da solo/a") + (age == 4)
        answers["solitudine"] = max(1, min(5, lonely + rng.choice((-1, 0, 0, 1))))
        weights = [
            (0.55 if lives == "Con figli" else 0.08),
            (0.45 if age >= 3 else 0.06),
            (0.40 if age >= 3 else 0.12),
            (0.30 if age >= 3 else 0.03),
            (0.45 if answers["solitudine"] >= 3 else 0.15),
            (0.40 if age == 1 else 0.06),
            (0.35 if age <= 1 else 0.12),
            0.15,
        ]
        wishes = [wish for wish, p in zip(WISHES, weights, strict=True) if rng.random() < p]
        if wishes:
            answers["bisogni"] = wishes
        if rng.random() < 0.8:
            answers["ore"] = 0 if rng.random() < 0.35 else rng.choice((1, 2, 2, 4, 4, 5, 8, 10, 12, 20))
        if rng.random() < 0.3:
            answers["altro"] = rng.choice(COMMENTS)
        return ResponsePlan(answers)

    def summer_response(self) -> ResponsePlan:
        rng = self.rng
        answers: dict[str, Any] = {"comune": self._comune(), "figli": rng.choices((1, 2, 3, 4), [45, 40, 12, 3])[0]}
        use = rng.choices(SUMMER_USE, [25, 35, 18, 14, 8])[0]
        answers["uso"] = use
        if rng.random() < 0.9:
            answers["soddisfazione"] = rng.choices((1, 2, 3, 4, 5), [8, 20, 35, 27, 10])[0]
        weights = [
            0.8 if use == SUMMER_USE[2] else 0.25,
            0.35,
            0.8 if use == SUMMER_USE[3] else 0.3,
            0.25,
            0.12,
            0.06,
        ]
        missing = [m for m, p in zip(SUMMER_MISSING, weights, strict=True) if rng.random() < p]
        if missing:
            answers["mancato"] = missing
        if rng.random() < 0.25:
            answers["suggerimenti"] = rng.choice(SUMMER_COMMENTS)
        return ResponsePlan(answers)


def plan_answers(*, municipalities: list[str], seed: int, small: bool) -> dict[str, list[ResponsePlan]]:
    """Every planned response of each demo survey, by survey title (deterministic for a seed)."""
    counts = SMALL_ANSWERS if small else FULL_ANSWERS
    planner = AnswerPlanner(municipalities=municipalities, seed=seed)
    return {
        OPEN_SURVEY: [planner.neighbourhood_response() for _n in range(counts[OPEN_SURVEY])],
        CLOSED_SURVEY: [planner.summer_response() for _n in range(counts[CLOSED_SURVEY])],
    }


# --- applying the plan --------------------------------------------------------------------------


def _build_survey(actor, network, spec: SurveySpec, areas: dict[str, NeedArea], *, created: Counter) -> Survey:
    from legami.needs.services import survey_answers
    from legami.needs.services import surveys as survey_services

    survey = survey_services.create_survey(
        actor=actor,
        network=network,
        data={
            "title": spec.title,
            "description": spec.description,
            "anonymous": True,
            "opens_on": spec.opens_on if spec.open else None,
        },
    )
    questions: dict[str, Question] = {}
    for q in spec.questions:
        questions[q.key] = survey_services.add_question(
            actor=actor,
            survey=survey,
            data={
                "kind": q.kind,
                "text": q.text,
                "help_text": q.help_text,
                "required": q.required,
                "choices": list(q.choices),
                "min_value": q.min_value,
                "max_value": q.max_value,
            },
        )
    for rule in spec.rules:
        survey_answers.create_need_rule(
            actor=actor,
            survey=survey,
            data={
                "question": questions[rule.question],
                "choice": rule.choice,
                "min_value": rule.min_value,
                "area": areas[rule.area],
                "target_group": rule.target_group,
                "urgency": rule.urgency,
                "description": rule.description,
            },
        )
    survey = survey_services.change_survey_status(actor=actor, survey=survey, to_status=Survey.Status.OPEN)
    created["surveys"] += 1
    return survey


def _raw_answers(
    survey: Survey, response: ResponsePlan, comuni, neighbourhoods, keys: dict[str, Question]
) -> dict[int, Any]:
    raw: dict[int, Any] = {}
    for key, value in response.answers.items():
        question = keys[key]
        if question.kind == K.MUNICIPALITY:
            raw[question.pk] = str(comuni[value].pk)
        elif question.kind == K.NEIGHBOURHOOD:
            raw[question.pk] = str(neighbourhoods[(response.answers["comune"], value)].pk)
        elif isinstance(value, list):
            raw[question.pk] = list(value)
        else:
            raw[question.pk] = str(value)
    return raw


def ensure_surveys(
    actor,
    network,
    answers: dict[str, list[ResponsePlan]],
    *,
    comuni,
    neighbourhoods,
    areas: dict[str, NeedArea],
    created: Counter,
) -> None:
    """The demo surveys, their questions and rules, and every planned response not yet stored."""
    from legami.needs.services import survey_answers
    from legami.needs.services import surveys as survey_services

    existing = {s.title: s for s in Survey.objects.filter(network=network, title__in=[s.title for s in SURVEYS])}
    for spec in SURVEYS:
        survey = existing.get(spec.title) or _build_survey(actor, network, spec, areas, created=created)
        if survey.status != Survey.Status.OPEN:
            continue
        questions = list(survey.questions.order_by("position", "id"))
        keys = {q.key: question for q, question in zip(spec.questions, questions, strict=True)}
        planned = answers[spec.title]
        for response in planned[survey.responses.count() :]:
            survey_answers.submit_survey_response(
                survey=survey, answers=_raw_answers(survey, response, comuni, neighbourhoods, keys)
            )
            created["survey responses"] += 1
        if not spec.open:
            survey_services.change_survey_status(actor=actor, survey=survey, to_status=Survey.Status.CLOSED)
            survey_services.update_survey(
                actor=actor, survey=survey, data={"opens_on": spec.opens_on, "closes_on": spec.closes_on}
            )
