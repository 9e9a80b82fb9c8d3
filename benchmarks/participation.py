"""The participation pages in the benchmark: one published process whose current phase is open, with many
proposals, supports and comments (issue 10's quality bar: the proposal index and the process page at 10,000
proposals, 100,000 supports and 30,000 comments, 8 concurrent clients, p95 <= 300 ms and <= 15 queries).

The process and its phases go through the application's services (`create_process`, `create_phase`,
`activate_phase`, `publish_process`), as a coordinator makes them; the participants (users with a citizen
membership), the proposals, the supports and the comments are written with `bulk_create`, because this is load,
not demo content. `Proposal.support_count` and `comment_count` are set from the rows written (the services keep
them so, in the same transaction as each support and comment), and checked against the rows at the end.

`populate_participation` is called by `benchmarks.seed.populate` (before its ANALYZE); `endpoints` gives the
pages that `benchmarks.suite` measures, and `TARGETS` the issue's limits, which the runner prints beside them.
"""

from __future__ import annotations

import datetime
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

SEED = 20260110
PARTICIPANT_EMAIL = "partecipante{n}@bench.invalid"
# Every proposal about the library says "biblioteca" (and no other does): about 1 proposal in 30, so the search
# alone finds ~330 of 10,000 and, with the busiest area, a page or two.
SEARCH_TERM = "biblioteca"
# The quality bar for these pages (printed beside each one; nothing is asserted on times, as for the
# other pages of the benchmark).
TARGETS = {"p95_ms": 300.0, "queries": 15}
# One person's supports in the process (0 would be no limit): a limit makes the list count the viewer's supports.
SUPPORT_LIMIT = 100

TOPICS = [
    ("Un doposcuola", "per i ragazzi delle medie nel pomeriggio"),
    ("Un orto condiviso", "nel cortile della scuola, curato dalle famiglie"),
    ("La biblioteca aperta la sera", "due sere a settimana, con letture per i bambini"),
    ("Un trasporto solidale", "per le visite mediche degli anziani che vivono soli"),
    ("Un corso di italiano", "per le mamme straniere, con la custodia dei bambini"),
    ("Una panchina e più luce", "nel parco vicino alla fermata dell'autobus"),
    ("Uno sportello digitale", "per SPID, fascicolo sanitario e domande online"),
    ("Un centro estivo", "per luglio e agosto, a prezzi accessibili"),
    ("Una ciclabile sicura", "tra il quartiere e le scuole superiori"),
    ("Un gruppo di cammino", "due mattine a settimana, con un fisioterapista"),
    ("Un emporio solidale", "per le famiglie in difficoltà con la spesa"),
    ("Un punto di ascolto", "per chi si prende cura di un familiare"),
    ("Uno spazio compiti", "accanto alla biblioteca civica, con volontari"),
    ("La festa del quartiere", "a settembre, organizzata con le associazioni"),
    ("Un laboratorio di riparazioni", "biciclette e piccoli elettrodomestici, il sabato"),
    ("Un servizio di pasti a domicilio", "per chi esce dall'ospedale"),
    ("Un campo da basket", "rimesso a posto, aperto anche la sera"),
    ("Un corso di informatica", "per pensionati, nella sala civica"),
    ("Un banco del tempo", "dove scambiare ore di aiuto tra vicini"),
    ("Una ludoteca", "per i bambini sotto i sei anni, con i genitori"),
    ("Un mercato contadino", "la domenica mattina in piazza"),
    ("Un gruppo di auto-aiuto", "per genitori di ragazzi con disabilità"),
    ("Un portierato sociale", "nelle case popolari, per le piccole necessità"),
    ("Uno sportello casa", "per chi cerca un affitto o rischia lo sfratto"),
    ("Più corse dell'autobus", "verso le frazioni, anche nel fine settimana"),
    ("Un cineforum all'aperto", "d'estate, nel cortile della scuola"),
    ("La pulizia del canale", "con una giornata di volontariato ogni stagione"),
    ("Un corso di cucina", "per ragazzi, con i ristoratori della zona"),
    ("Una rete di vicinato", "per chi vive solo e non ha parenti vicini"),
    ("Un servizio di accompagnamento", "a scuola a piedi, il pedibus"),
]
REASONS = [
    "Molte famiglie del quartiere ne parlano da tempo.",
    "Oggi chi ne ha bisogno deve andare in città, e senza auto è difficile.",
    "Ci sono spazi inutilizzati che potrebbero servire.",
    "Alcune associazioni sono già disponibili a dare una mano.",
    "Ne abbiamo discusso all'ultimo incontro del laboratorio.",
    "Costerebbe poco e servirebbe a molti.",
    "I ragazzi non hanno un posto dove stare dopo la scuola.",
    "Gli anziani soli sono sempre di più.",
]
COMMENTS = [
    "Sono d'accordo, è una proposta concreta.",
    "Chi potrebbe occuparsene durante l'estate?",
    "Si potrebbe partire in via sperimentale per sei mesi.",
    "Nel mio condominio ne avremmo bisogno in tanti.",
    "Attenzione ai costi: chi paga le spese fisse?",
    "Posso dare una mano il sabato mattina.",
    "L'anno scorso una cosa simile ha funzionato bene.",
    "Meglio coinvolgere anche la parrocchia e la scuola.",
]
ANSWERS = {
    "accepted": "La proposta entra nel programma del laboratorio: ne parliamo al prossimo incontro.",
    "rejected": "Non è possibile ora: lo spazio indicato non è disponibile. Grazie per averla proposta.",
    "evaluating": "La stiamo valutando con gli uffici del Comune e con i partner.",
}
STATUS_WEIGHTS = {"published": 80, "evaluating": 8, "accepted": 5, "rejected": 4, "withdrawn": 3}
HIDDEN_SHARE = 0.005


@dataclass
class SeededParticipation:
    process: Any
    participant: Any  # a participant who supports many proposals: the logged-in viewer of the list
    participants: int
    proposals: int
    supports: int
    comments: int
    hidden_proposals: int
    hidden_comments: int
    sample_area: Any  # the busiest area, for the filtered list
    search_term: str = SEARCH_TERM
    timings: dict[str, float] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"  · {message}", file=sys.stderr, flush=True)


def _process(network, coordinator, municipalities) -> Any:
    """A published community lab of three phases, the second current and open to proposals, supports and
    comments today (the dates move with the day the benchmark runs)."""
    from django.utils import timezone

    from legami.participation.services.processes import (
        activate_phase,
        create_phase,
        create_process,
        publish_process,
    )

    today = timezone.localdate()
    capital = next((m for m in municipalities if m.name == "Cremona"), municipalities[0])
    process = create_process(
        actor=coordinator,
        network=network,
        data={
            "title": "Laboratorio di comunità — Cremona, quartiere Po",
            "kind": "community_lab",
            "life_context": "neighbourhood",
            "summary": "Proposte per il quartiere: servizi, spazi e attività da progettare insieme.",
            "description": "Un percorso in tre fasi: ascolto, proposte e valutazione, poi la progettazione.",
            "municipalities": [capital],
            "support_limit": SUPPORT_LIMIT,
        },
    )
    phases = [
        ("Ascolto", -120, -61, False, False, False),
        ("Proposte e sostegni", -60, 60, True, True, True),
        ("Valutazione", 61, 120, False, False, True),
    ]
    created = []
    for position, (name, start, end, proposals_open, supports_open, comments_open) in enumerate(phases):
        created.append(
            create_phase(
                actor=coordinator,
                process=process,
                data={
                    "name": name,
                    "starts_on": today + datetime.timedelta(days=start),
                    "ends_on": today + datetime.timedelta(days=end),
                    "position": position,
                    "proposals_open": proposals_open,
                    "supports_open": supports_open,
                    "comments_open": comments_open,
                },
            )
        )
    process = activate_phase(actor=coordinator, process=process, phase=created[1])
    return publish_process(actor=coordinator, process=process), created[1]


def _participants(network, count: int) -> list:
    """`count` users, each with a citizen membership of the network (no usable password: never logged in by
    the form; the benchmark makes their sessions)."""
    from django.contrib.auth.hashers import make_password
    from faker.providers.person.it_IT import Provider as Names

    from legami.accounts.models import User
    from legami.core.roles import Role
    from legami.network.models import Membership

    rng = random.Random(SEED)
    unusable = make_password(None)  # no hashing: "!" and a random string, as set_unusable_password() writes
    users = []
    for n in range(count):
        email = PARTICIPANT_EMAIL.format(n=n)
        first, last = rng.choice(Names.first_names), rng.choice(Names.last_names)
        users.append(User(username=email, email=email, full_name=f"{first} {last}", password=unusable))
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=2000)
        Membership.objects.bulk_create(
            [Membership(network=network, user=user, role=Role.CITIZEN) for user in users], batch_size=2000
        )
    return users


def _organizations(network, municipalities, count: int = 12) -> list:
    from legami.network.models import Organization

    kinds = [kind for kind, _label in Organization.Kind.choices]
    rows = [
        Organization(
            network=network,
            name=f"Associazione di quartiere {n + 1}",
            kind=kinds[n % len(kinds)],
            municipality=municipalities[n % len(municipalities)],
        )
        for n in range(count)
    ]
    return Organization.objects.bulk_create(rows)


def _supports_plan(
    rng: random.Random, weights: list[float], participants: int, count: int, limit: int
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """`count` distinct (proposal index, participant index) pairs, drawn by the proposals' weights; nobody over
    `limit` supports (0: no limit). Returns the pairs, each proposal's and each participant's number of supports."""
    per_proposal = [0] * len(weights)
    per_user = [0] * participants
    pairs: set[tuple[int, int]] = set()
    room = participants * sum(1 for weight in weights if weight > 0)
    if limit:
        room = min(room, limit * participants)
    count = min(count, room)
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    attempts = 0
    while len(pairs) < count and attempts < count * 20:
        batch = rng.choices(range(len(weights)), cum_weights=cumulative, k=max(1000, count - len(pairs)))
        for proposal in batch:
            attempts += 1
            user = rng.randrange(participants)
            if (proposal, user) in pairs or (limit and per_user[user] >= limit):
                continue
            pairs.add((proposal, user))
            per_proposal[proposal] += 1
            per_user[user] += 1
            if len(pairs) >= count:
                break
    return sorted(pairs), per_proposal, per_user


def populate_participation(
    *,
    network,
    coordinator,
    municipalities,
    proposals: int,
    supports: int,
    comments: int,
    participants: int,
) -> SeededParticipation:
    """One published process with `proposals` proposals by `participants` members, `supports` supports (one per
    proposal and person) and `comments` comments in threads (a third of them replies)."""
    from django.db.models import Count, F, OuterRef, Subquery
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from legami.needs.models import NeedArea
    from legami.needs.services.areas import ensure_default_areas
    from legami.participation.models import Comment, Proposal, ProposalStatus, Support

    timings: dict[str, float] = {}
    rng = random.Random(SEED + 1)
    started = time.perf_counter()
    log("participation: process and phases (services)")
    process, phase = _process(network, coordinator, municipalities)
    ensure_default_areas(network=network)
    areas = list(NeedArea.objects.filter(network=network, is_active=True).order_by("position"))
    area_weights = [rng.randint(1, 6) for _ in areas]
    log(f"participation: {participants:,} participants (bulk)")
    users = _participants(network, max(participants, 1))
    organizations = _organizations(network, municipalities)
    timings["participants"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    log(f"participation: {proposals:,} proposals, {supports:,} supports, {comments:,} comments (bulk)")
    now = timezone.now()
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    rows: list[Proposal] = []
    for n in range(proposals):
        topic, detail = rng.choice(TOPICS)
        status = rng.choices(statuses, status_weights)[0]
        hidden = rng.random() < HIDDEN_SHARE
        reasons = " ".join(rng.sample(REASONS, 2))
        rows.append(
            Proposal(
                network=network,
                process=process,
                phase=phase,
                author=rng.choice(users),
                organization=rng.choice(organizations) if rng.random() < 0.1 else None,
                title=f"{topic} {detail}"[:150],
                body=f"Proponiamo: {topic.lower()} {detail}. {reasons} Proposta n. {n + 1}.",
                area=rng.choices(areas, area_weights)[0] if areas and rng.random() < 0.9 else None,
                status=status,
                answer=ANSWERS.get(status, ""),
                answered_at=now if status in ANSWERS else None,
                answered_by=coordinator if status in ANSWERS else None,
                hidden_at=now if hidden else None,
                hidden_reason="Contiene dati personali di un'altra persona." if hidden else "",
                hidden_by=coordinator if hidden else None,
            )
        )
    # Popularity: a long tail (weight 1 / rank^0.6, the most supported about 1% of all supports); a withdrawn
    # proposal has no support (the author may withdraw only an unsupported one).
    ranks = list(range(1, proposals + 1))
    rng.shuffle(ranks)
    weights = [
        0.0 if row.status == ProposalStatus.WITHDRAWN else rank**-0.6 for row, rank in zip(rows, ranks, strict=True)
    ]
    pairs, per_proposal, per_user = _supports_plan(rng, weights, len(users), supports, SUPPORT_LIMIT)
    # Comments follow popularity too (any proposal may have some): roots, replies and replies to replies.
    comment_weights = [rank**-0.6 for rank in ranks]
    targets = rng.choices(range(proposals), weights=comment_weights, k=comments) if proposals else []
    per_proposal_comments = [0] * proposals
    for index in targets:
        per_proposal_comments[index] += 1
    for row, supported, commented in zip(rows, per_proposal, per_proposal_comments, strict=True):
        row.support_count, row.comment_count = supported, commented
    with transaction.atomic():
        Proposal.objects.bulk_create(rows, batch_size=2000)
        # created_at is auto_now_add: spread the proposals over the open phase's 60 days, then save the dates.
        for row in rows:
            row.created_at = row.updated_at = now - datetime.timedelta(seconds=rng.randint(0, 60 * 86400))
        Proposal.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=1000)
        Support.objects.bulk_create([Support(proposal=rows[p], user=users[u]) for p, u in pairs], batch_size=5000)
        written = _comments(rng, rows, per_proposal_comments, users, coordinator, now)
    timings["proposals"] = round(time.perf_counter() - started, 1)

    # The counters must say what the rows say, as the services keep them.
    supports_of = Support.objects.filter(proposal=OuterRef("pk")).values("proposal").annotate(n=Count("pk"))
    comments_of = Comment.objects.filter(proposal=OuterRef("pk")).values("proposal").annotate(n=Count("pk"))
    wrong = (
        Proposal.objects.filter(process=process)
        .annotate(
            supports_n=Coalesce(Subquery(supports_of.values("n")), 0),
            comments_n=Coalesce(Subquery(comments_of.values("n")), 0),
        )
        .exclude(support_count=F("supports_n"), comment_count=F("comments_n"))
        .count()
    )
    if wrong:
        raise AssertionError(f"{wrong} proposals whose support_count or comment_count does not match their rows")

    # The viewer of the logged-in list: the participant with the most supports (page 1 shows some of them).
    busiest = max(range(len(users)), key=per_user.__getitem__)
    area_counts = (
        Proposal.objects.filter(process=process, area__isnull=False, hidden_at__isnull=True)
        .values("area")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return SeededParticipation(
        process=process,
        participant=users[busiest],
        participants=len(users),
        proposals=len(rows),
        supports=len(pairs),
        comments=written,
        hidden_proposals=sum(1 for row in rows if row.hidden_at),
        hidden_comments=Comment.objects.filter(proposal__process=process, hidden_at__isnull=False).count(),
        sample_area=area_counts["area"] if area_counts else None,
        timings=timings,
    )


def _comments(rng: random.Random, proposals: list, per_proposal: list[int], users: list, moderator, now) -> int:
    """Write each proposal's comments as threads: about two thirds at depth 0, the rest replies (depth 1) and
    replies to replies (depth 2); 0.5% hidden by the moderator. Returns how many were written."""
    from legami.participation.models import Comment

    def comment(proposal, parent, depth: int) -> Comment:
        hidden = rng.random() < HIDDEN_SHARE
        return Comment(
            proposal=proposal,
            parent=parent,
            depth=depth,
            author=rng.choice(users),
            body=" ".join(rng.sample(COMMENTS, rng.randint(1, 3))),
            hidden_at=now if hidden else None,
            hidden_reason="Offensivo." if hidden else "",
            hidden_by=moderator if hidden else None,
        )

    plan = []
    for proposal, count in zip(proposals, per_proposal, strict=True):
        if not count:
            continue
        roots = max(1, round(count * 0.65))
        replies = count - roots
        first = replies if replies < 2 else round(replies * 0.7)
        plan.append((proposal, roots, first, replies - first))
    levels: list[list[Comment]] = [[], [], []]
    roots_of: dict[int, list[Comment]] = {}
    for proposal, roots, _first, _second in plan:
        roots_of[proposal.pk] = [comment(proposal, None, 0) for _ in range(roots)]
        levels[0].extend(roots_of[proposal.pk])
    Comment.objects.bulk_create(levels[0], batch_size=2000)  # the primary keys come back (PostgreSQL, SQLite)
    replies_of: dict[int, list[Comment]] = {}
    for proposal, _roots, first, _second in plan:
        replies_of[proposal.pk] = [comment(proposal, rng.choice(roots_of[proposal.pk]), 1) for _ in range(first)]
        levels[1].extend(replies_of[proposal.pk])
    Comment.objects.bulk_create(levels[1], batch_size=2000)
    for proposal, _roots, _first, second in plan:
        parents = replies_of[proposal.pk] or roots_of[proposal.pk]
        depth = 2 if replies_of[proposal.pk] else 1
        levels[2].extend(comment(proposal, rng.choice(parents), depth) for _ in range(second))
    Comment.objects.bulk_create(levels[2], batch_size=2000)
    return sum(len(level) for level in levels)


def endpoints(slug: str, seeded: SeededParticipation, *, coordinator, coordinator_cookie: str, participant_cookie: str):
    """The participation pages measured: the process page and the proposal index (page 1, then search + area +
    sort, then the random order deep in the list), anonymous, as a participant and as the coordinator."""
    from benchmarks.load import Endpoint

    pk = seeded.process.pk
    process = f"/{slug}/processes/{pk}/"
    proposals = f"/{slug}/processes/{pk}/proposals/"
    participant = seeded.participant
    area = f"&area={seeded.sample_area}" if seeded.sample_area else ""
    return [
        Endpoint("process", "process page (public)", process),
        Endpoint("process_coordinator", "process page (coordinator)", process, coordinator_cookie, coordinator),
        Endpoint("proposals", "proposals, page 1 (public)", proposals),
        Endpoint("proposals_member", "proposals, page 1 (participant)", proposals, participant_cookie, participant),
        Endpoint(
            "proposals_search",
            f"proposals, '{seeded.search_term}' + area, most supported",
            f"{proposals}?q={seeded.search_term}{area}&sort=most_supported",
            participant_cookie,
            participant,
        ),
        Endpoint(
            "proposals_random",
            "proposals, random order, page 100",
            f"{proposals}?sort=random&page=100",
            participant_cookie,
            participant,
        ),
    ]


KEYS = (
    "process",
    "process_coordinator",
    "proposals",
    "proposals_member",
    "proposals_search",
    "proposals_random",
)


def verdict(row: dict) -> dict:
    """The row against the issue's targets: p95 (over HTTP at the run's concurrency) and queries per request."""
    p95, queries = row.get("p95_ms"), row.get("queries_per_request")
    return {
        "p95_ms": TARGETS["p95_ms"],
        "queries": TARGETS["queries"],
        "p95_met": p95 is not None and p95 <= TARGETS["p95_ms"],
        "queries_met": queries is not None and queries <= TARGETS["queries"],
    }
