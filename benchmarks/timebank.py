"""The time bank's pages at province scale on PostgreSQL (issue 11): 500,000 transfers, one busy account.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python -m benchmarks.timebank

The runner creates a throw-away database on that server (never the one named in the URL), runs itself there as a
child process and drops it. The child migrates, seeds the benchmark network of `benchmarks.seed.populate`
(people in bulk), opens an hours account for every person, three organisations and the fund, then writes the
transfers and their two legs with `INSERT … SELECT generate_series` (this is load, not demo content: the rows are
consistent, each transfer's legs sum to zero, every balance is set to the sum of its movements and the figures' monthly
totals are rebuilt from the transfers by `rebuild_monthly_totals`, all of which `check_ledger` then verifies). One
person's account, linked to the coordinator's user, takes part in one transfer in 100 (5,000 movements at 500,000
transfers), so that its statement is a long one.

Then gunicorn serves the application (the suite's `Server`) and 8 clients (`--concurrency`) request each page:
the bare view (the floor), the coordinator's own account (the busy statement, page 1), the busy account's statement
page 1 and page 100, the operators' accounts list and a search in it, the list of transfers and the monthly
figures. Queries per request and in-process times come from the suite's `_count_queries`. The issue's bar: the
statement p95 <= 300 ms at 8 clients and <= 15 queries. Nothing is asserted on times: the figures are printed, as
a table and as JSON (`--output`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"p95_ms": 300.0, "queries": 15}
REASONS = (
    "Spesa accompagnata",
    "Ripetizioni di matematica",
    "Piccole riparazioni in casa",
    "Compagnia a una persona anziana",
    "Passaggio in auto per una visita",
    "Aiuto nell'orto condiviso",
    "Lezione di italiano",
    "Cura del verde del quartiere",
    "Aiuto con i documenti",
    "Baby-sitting per una riunione",
)
# One transfer in BUSY_EVERY involves the busy account.
BUSY_EVERY = 100


def _log(message: str) -> None:
    print(f"  · {message}", file=sys.stderr, flush=True)


def seed_time_bank(network, coordinator, *, transfers: int) -> dict:
    """Accounts for every person, three organisations and the fund, then `transfers` posted transfers in SQL."""
    from django.db import connection, transaction
    from django.utils import timezone

    from legami.exchange.models import TimeAccount, TimeAccountKind
    from legami.exchange.services.timebank import rebuild_monthly_totals
    from legami.network.models import Organization, Person

    started = time.perf_counter()
    people = list(Person.objects.filter(network=network).order_by("id").values_list("pk", flat=True))
    busy = people[0]
    Person.objects.filter(pk=busy).update(user=coordinator)
    TimeAccount.objects.bulk_create(
        [TimeAccount(network=network, kind=TimeAccountKind.PERSON, person_id=pk) for pk in people], batch_size=5000
    )
    organizations = list(Organization.objects.filter(network=network).order_by("id")[:3])
    TimeAccount.objects.bulk_create(
        [TimeAccount(network=network, kind=TimeAccountKind.ORGANIZATION, organization=o) for o in organizations]
        + [TimeAccount(network=network, kind=TimeAccountKind.FUND)]
    )
    busy_account = TimeAccount.objects.get(network=network, person_id=busy).pk
    start = timezone.now() - timezone.timedelta(days=365)
    step_seconds = max(1, int(365 * 24 * 3600 / max(transfers, 1)))
    reasons = "ARRAY[" + ", ".join("'" + r.replace("'", "''") + "'" for r in REASONS) + "]"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO exchange_transfer (network_id, status, reason, total_minutes, created_at, updated_at,
                                           posted_at)
            SELECT %s, 'confirmed', ({reasons})[1 + g %% {len(REASONS)}], 15 * (1 + g %% 8), ts, ts, ts
            FROM (SELECT g, %s::timestamptz + g * make_interval(secs => %s) AS ts
                  FROM generate_series(1, %s) AS g) AS s
            """,  # noqa: S608 — the interpolated parts are this module's constants
            [network.pk, start, step_seconds, transfers],
        )
        # Two legs per transfer: a payer and a payee, never the same account; the busy account in one in 100,
        # paying in one of those and receiving in the next.
        cursor.execute(
            f"""
            WITH acc AS (
                SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n
                FROM exchange_timeaccount WHERE network_id = %s AND kind = 'person'
            ), t AS (
                SELECT id, total_minutes, posted_at, row_number() OVER (ORDER BY id) AS n
                FROM exchange_transfer WHERE network_id = %s
            ), pairs AS (
                SELECT t.id, t.total_minutes, t.posted_at,
                       CASE WHEN t.n %% {BUSY_EVERY} = 0 THEN 0 ELSE (t.n * 7919) %% acc.n END AS payer,
                       t.n, acc.ids, acc.n AS size
                FROM t, acc
            )
            INSERT INTO exchange_movement (network_id, transfer_id, account_id, minutes, posted_at, created_at,
                                           updated_at)
            SELECT %s, id,
                   CASE WHEN side = 0 THEN ids[1 + payer]
                        ELSE ids[1 + (payer + 1 + (n * 31) %% (size - 1)) %% size] END,
                   CASE WHEN (side = 0) <> (n %% {2 * BUSY_EVERY} = {BUSY_EVERY}) THEN -total_minutes
                        ELSE total_minutes END,
                   posted_at, posted_at, posted_at
            FROM pairs, generate_series(0, 1) AS side
            """,  # noqa: S608 — the interpolated parts are this module's constants
            [network.pk, network.pk, network.pk],
        )
        cursor.execute(
            """
            UPDATE exchange_timeaccount AS a SET balance_minutes = s.total
            FROM (SELECT account_id, sum(minutes) AS total FROM exchange_movement
                  WHERE network_id = %s AND posted_at IS NOT NULL GROUP BY account_id) AS s
            WHERE a.id = s.account_id
            """,
            [network.pk],
        )
        # The monthly totals the figures page reads, as the services would have kept them.
        months = rebuild_monthly_totals(network=network)
    # What autovacuum does to freshly written tables before anyone reads them: statistics, and the visibility map
    # without which PostgreSQL cannot answer from the statement's covering index alone (outside the transaction:
    # VACUUM cannot run in one).
    tables = "exchange_transfer, exchange_movement, exchange_timeaccount, exchange_transfermonth"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
        else:  # a test's transaction, or SQLite
            cursor.execute(f"ANALYZE {tables}" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "accounts": TimeAccount.objects.filter(network=network).count(),
        "months": months,
        "busy_account": busy_account,
        "busy_movements": _count("exchange_movement", "account_id", busy_account),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _count(table: str, column: str, value: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {column} = %s", [value])  # noqa: S608 — constants
        return int(cursor.fetchone()[0])


def _already_seeded() -> Any:
    """The network and coordinator of a database seeded before (the busy account's person is the coordinator's)."""
    from types import SimpleNamespace

    from legami.exchange.models import TimeAccount

    busy = TimeAccount.objects.filter(kind="person").select_related("person__user", "network").order_by("id").first()
    if busy is None or busy.person.user is None:
        raise SystemExit("--seeded: this database holds no seeded time bank")
    people = busy.network.people.count()
    return SimpleNamespace(network=busy.network, coordinator=busy.person.user, people=people)


def _bank_of(network: Any) -> dict:
    from legami.exchange.models import TimeAccount, TransferMonth

    busy = TimeAccount.objects.filter(network=network, kind="person").order_by("id").first()
    return {
        "accounts": TimeAccount.objects.filter(network=network).count(),
        "months": TransferMonth.objects.filter(network=network).exclude(transfers=0).count(),
        "busy_account": busy.pk if busy else None,
        "busy_movements": _count("exchange_movement", "account_id", busy.pk) if busy else 0,
        "seconds": 0.0,
    }


def child(args: argparse.Namespace) -> int:
    """Seed, serve, measure and count queries in the database of DATABASE_URL; write the JSON to args.output."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks import load
    from benchmarks.seed import populate
    from benchmarks.suite import Server, _count_queries, _session_cookie
    from legami.exchange.selectors.timebank import ledger_problems

    started = time.perf_counter()
    if args.seeded:
        # A database seeded by an earlier run (DATABASE_URL names it): measure again without seeding.
        seeded = _already_seeded()
        bank = _bank_of(seeded.network)
    else:
        _log("migrating")
        call_command("migrate", verbosity=0, interactive=False)
        seeded = populate(people=args.people, needs=0)
        _log(f"{args.transfers:,} transfers (SQL)")
        bank = seed_time_bank(seeded.network, seeded.coordinator, transfers=args.transfers)
    _log("checking the ledger")
    check_started = time.perf_counter()
    problems = ledger_problems(seeded.network).problems
    check_seconds = round(time.perf_counter() - check_started, 1)
    seed_seconds = round(time.perf_counter() - started, 1)
    coordinator = seeded.coordinator
    cookie = _session_cookie(coordinator)
    slug = seeded.network.slug
    base = f"/{slug}/exchange/timebank"
    busy = bank["busy_account"]
    endpoints = [
        load.Endpoint("bare", "bare view (anonymous)", "/__bench__/bare/"),
        load.Endpoint("bare_auth", "bare view (logged in)", "/__bench__/bare/", cookie),
        load.Endpoint("timebank_mine", "my hours account (busy statement, page 1)", f"{base}/", cookie),
        load.Endpoint("timebank_statement", "an account's statement, page 1", f"{base}/accounts/{busy}/", cookie),
        load.Endpoint(
            "timebank_statement_deep", "an account's statement, page 100", f"{base}/accounts/{busy}/?page=100", cookie
        ),
        load.Endpoint("timebank_accounts", "accounts list, page 1", f"{base}/accounts/", cookie),
        load.Endpoint("timebank_accounts_search", "accounts list, search 'rossi'", f"{base}/accounts/?q=rossi", cookie),
        load.Endpoint("timebank_transfers", "transfers list, page 1", f"{base}/transfers/", cookie),
        load.Endpoint("timebank_figures", "monthly figures", f"{base}/figures/", cookie),
    ]
    measurements = []
    with Server(workers=args.workers, threads=args.threads) as server:
        for endpoint in endpoints:
            _log(f"measuring {endpoint.path}")
            measurements.append(
                load.run(
                    endpoint,
                    host="127.0.0.1",
                    port=server.port,
                    concurrency=args.concurrency,
                    requests=args.requests,
                    warmup=args.warmup,
                    max_seconds=args.max_seconds,
                )
            )
    counts = _count_queries(endpoints, coordinator, repeat=args.in_process_repeat)
    bare = next(m for m in measurements if m.key == "bare_auth").summary()
    rows = []
    for measurement in measurements:
        row = measurement.summary()
        row["queries_per_request"] = counts[measurement.key]["queries"]
        row["in_process_median_ms"] = counts[measurement.key]["in_process_median_ms"]
        row["in_process_p95_ms"] = counts[measurement.key]["in_process_p95_ms"]
        row["query_ms_in_process"] = counts[measurement.key]["query_ms"]
        if bare["median_ms"] and row["median_ms"]:
            row["median_vs_bare_auth"] = round(row["median_ms"] / bare["median_ms"], 1)
        if measurement.key.startswith("timebank_"):
            row["target"] = {
                **TARGETS,
                "p95_met": row["p95_ms"] is not None and row["p95_ms"] <= TARGETS["p95_ms"],
                "queries_met": row["queries_per_request"] <= TARGETS["queries"],
            }
        rows.append(row)
    document = {
        "people": seeded.people,
        "transfers": args.transfers,
        "time_bank": bank,
        "ledger_problems": problems[:10],
        "check_ledger_seconds": check_seconds,
        "seed_seconds": seed_seconds,
        "concurrency": args.concurrency,
        "server": f"gunicorn gthread, {args.workers} workers x {args.threads} threads",
        "endpoints": rows,
        "queries": {key: value["sql"] for key, value in counts.items()},
    }
    Path(args.output).write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str))
    return 0 if not problems and all(m.ok for m in measurements) else 3


def table(document: dict) -> str:
    """The figures as a table: p50/p95 over HTTP at the run's concurrency, queries, in-process median."""
    lines = [
        f"time bank: {document['transfers']:,} transfers, {document['time_bank']['accounts']:,} accounts, "
        f"busy account {document['time_bank']['busy_movements']:,} movements; check_ledger "
        f"{document['check_ledger_seconds']} s, problems: {len(document['ledger_problems'])}",
        f"{'page':<45} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'queries':>8} {'in-proc':>8} {'target':>8}",
    ]
    for row in document["endpoints"]:
        target = row.get("target")
        verdict = "" if not target else ("met" if target["p95_met"] and target["queries_met"] else "MISSED")
        lines.append(
            f"{row['label']:<45} {row['median_ms'] or 0:>8.1f} {row['p95_ms'] or 0:>8.1f} "
            f"{row['requests_per_second'] or 0:>8.1f} {row['queries_per_request']:>8} "
            f"{row['in_process_median_ms']:>8.1f} {verdict:>8}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--seeded", action="store_true", help="with --child: measure the already seeded database of DATABASE_URL"
    )
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--transfers", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=20.0)
    parser.add_argument("--in-process-repeat", type=int, default=30)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "timebank.json"))
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    from benchmarks.__main__ import _postgres_database

    server_url = os.environ.get("BENCH_DATABASE_URL")
    if not server_url:
        print("Set BENCH_DATABASE_URL to a PostgreSQL server (the benchmark is PostgreSQL's).", file=sys.stderr)
        return 2
    database_url, drop = _postgres_database(server_url)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            (Path(workdir) / "static").mkdir()
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
                "PYTHONPATH": str(ROOT),
                "LEGAMI_MEDIA_ROOT": str(Path(workdir) / "media"),
                "LEGAMI_STATIC_ROOT": str(Path(workdir) / "static"),
            }
            command = [sys.executable, "-m", "benchmarks.timebank", "--child", *(argv or sys.argv[1:])]
            status = subprocess.call(command, cwd=ROOT, env=env)  # noqa: S603 — our own module
    finally:
        drop()
    if Path(args.output).exists():
        document = json.loads(Path(args.output).read_text())
        print(table(document))
        print(
            json.dumps(
                {
                    row["key"]: {k: row.get(k) for k in ("p95_ms", "queries_per_request")}
                    for row in document["endpoints"]
                }
            )
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
