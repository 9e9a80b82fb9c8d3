"""`make bench`: run the benchmark suite on a fresh SQLite database (and PostgreSQL when asked).

    python -m benchmarks                      # SQLite in a temporary directory
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks
                                              # ... and PostgreSQL: a fresh database is created on that
                                              # server (never the one in the URL) and dropped afterwards

    python -m benchmarks --aggregation-only   # only the aggregation engine (benchmarks/aggregation.py)
    python -m benchmarks --no-aggregation     # only the pages (HTTP, 8 clients by default)

After the aggregation benchmark, the attach-suggestions selector is measured at --suggestions (accepted demands
x new needs, benchmarks/suggestions.py); its JSON is the "suggestions" key.
The HTTP suite includes the participation pages (benchmarks/participation.py: --proposals, --supports, --comments,
--participants; --proposals 0 leaves them out), printed with issue 10's targets (p95 <= 300 ms, <= 15 queries).
After the HTTP suite the aggregation benchmark runs (engine vs the "same area + same Comune" baseline and the
"plain" TF-IDF union-find, at --aggregation-sizes needs, on the evaluation sets of --aggregation-sets: A, the
generator the engine is tuned on, B, an independent generator, C, hand-written needs); its table is printed and
its JSON is the "aggregation" key of the document. Then the learning-from-review simulation (--learning-size).
Last, the matching benchmark (benchmarks/matching.py: the min-cost-flow engine beside the greedy nearest-first
baseline, --matching-size needs x as many offers, on set T, used for tuning, and set E, never used for tuning);
its JSON is the "matching" key. `--matching-only` runs only it, `--no-matching` leaves it out.
Prints a fixed-width table, then a JSON document (also written to benchmarks/results/latest.json).
Nothing is asserted on times; a page that does not answer 200 fails the run (exit status 1).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def _postgres_database(server_url: str) -> tuple[str, callable]:
    """Create a throw-away database on the server of `server_url`; return its URL and a dropper."""
    import psycopg

    name = f"legami_bench_{os.getpid()}"
    parts = urlsplit(server_url)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def _run_suite(label: str, database_url: str, args: argparse.Namespace, workdir: Path) -> tuple[int, dict | None]:
    output = workdir / f"{label}.json"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "PYTHONPATH": str(ROOT),
        "LEGAMI_MEDIA_ROOT": str(workdir / "media"),
        "LEGAMI_STATIC_ROOT": str(workdir / "static"),
    }
    (workdir / "static").mkdir(exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "benchmarks.suite",
        "--label",
        label,
        "--output",
        str(output),
        "--people",
        str(args.people),
        "--needs",
        str(args.needs),
        "--requests",
        str(args.requests),
        "--warmup",
        str(args.warmup),
        "--concurrency",
        str(args.concurrency),
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--max-seconds",
        str(args.max_seconds),
        "--proposals",
        str(args.proposals),
        "--supports",
        str(args.supports),
        "--comments",
        str(args.comments),
        "--participants",
        str(args.participants),
        "--activities",
        str(args.activities),
        "--pacts",
        str(args.pacts),
        "--referrals",
        str(args.referrals),
    ]
    print(f"== {label}", file=sys.stderr, flush=True)
    status = subprocess.call(command, cwd=ROOT, env=env)
    document = json.loads(output.read_text()) if output.exists() else None
    return status, document


def _fmt(value, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def table(document: dict) -> str:
    """The fixed-width table of one database's run."""
    config = document["config"]
    lines = [
        f"{document['database']} ({document['vendor']} {document['database_version']}), "
        f"{config['people']:,} people, {config.get('needs', 0):,} needs, {config['server']}, "
        f"{config['concurrency']} clients, "
        f"seeded in {document['seed_seconds']} s, load average {document['load_average'][0]}"
        f"-{document['load_average'][1]} on {os.cpu_count()} CPUs",
        f"{'endpoint':<34} {'status':>8} {'reqs':>5} {'median ms':>10} {'p95 ms':>8} {'req/s':>8} "
        f"{'queries':>8} {'× bare':>7} {'in-process ms':>14}",
        "-" * 110,
    ]
    participation = document.get("participation")
    if participation:
        lines.insert(
            1,
            f"participation: 1 process, {participation['proposals']:,} proposals, {participation['supports']:,} "
            f"supports, {participation['comments']:,} comments, {participation['participants']:,} participants",
        )
    activities = document.get("activities")
    if activities:
        lines.insert(
            1,
            f"activities: {activities['activities']:,} activities, {activities['sessions']:,} sessions, "
            f"{activities['enrollments']:,} enrolments, {activities['attendance']:,} attendance rows",
        )
    pacts = document.get("pacts")
    if pacts:
        lines.insert(
            1,
            f"pacts: {pacts['cases']:,} cases, {pacts['pacts']:,} pacts, {pacts['versions']:,} versions, "
            f"{pacts['expenses']:,} expenses, {pacts['give_back_hours']:,} give-back hours, {pacts['reviews']:,} "
            f"reviews, {pacts['referrals']:,} referrals",
        )
    for row in document["endpoints"]:
        status = "ok" if row["ok"] else "FAIL " + ",".join(row["statuses"])
        lines.append(
            f"{row['label'][:34]:<34} {status:>8} {row['requests']:>5} {_fmt(row['median_ms'], '.2f'):>10} "
            f"{_fmt(row['p95_ms'], '.2f'):>8} {_fmt(row['requests_per_second'], '.1f'):>8} "
            f"{row['queries_per_request']:>8} {_fmt(row.get('median_vs_bare'), '.1f'):>7} "
            f"{_fmt(row.get('in_process_median_ms'), '.2f'):>14}"
        )
    return "\n".join(lines)


def _plan_ms(plan: dict) -> str:
    """The execution time EXPLAIN ANALYZE reported for one query (PostgreSQL), or ''."""
    for line in reversed(plan.get("plan", [])):
        if line.startswith("Execution Time:"):
            return line.removeprefix("Execution Time:").strip()
    return ""


# A run of four or more columns of one table in a SELECT list: printed as "table".…(n columns).
_COLUMNS = re.compile(r'"(\w+)"\."\w+", (?:"\1"\."\w+", ){2,}"\1"\."\w+"')


def _short_sql(sql: str) -> str:
    return _COLUMNS.sub(lambda m: f'"{m.group(1)}".…({m.group(0).count(", ") + 1} columns)', sql)


def targets(document: dict) -> list[str]:
    """The pages with a target of the issue (participation: p95 <= 300 ms, <= 15 queries), each met or missed;
    a page that misses one is followed by its queries (with EXPLAIN ANALYZE's time on PostgreSQL)."""
    lines = []
    for row in document["endpoints"]:
        target = row.get("target")
        if not target:
            continue
        p95 = "met" if target["p95_met"] else "MISSED"
        queries = "met" if target["queries_met"] else "MISSED"
        lines.append(
            f"   {row['label'][:44]:<44} p95 {_fmt(row['p95_ms'], '.1f')} ms <= {target['p95_ms']:.0f}: {p95:<6}  "
            f"{row['queries_per_request']} queries <= {target['queries']}: {queries:<6}  "
            f"(in-process, one client: median {_fmt(row.get('in_process_median_ms'), '.1f')} ms, "
            f"p95 {_fmt(row.get('in_process_p95_ms'), '.1f')} ms, SQL {_fmt(row.get('query_ms_in_process'), '.1f')} ms)"
        )
        if target["p95_met"] and target["queries_met"]:
            continue
        plans = document.get("plans", {}).get(row["key"], [])
        timed = {plan["sql"]: _plan_ms(plan) for plan in plans}
        for number, sql in enumerate(document.get("queries", {}).get(row["key"], []), start=1):
            took = timed.get(sql, "")
            lines.append(f"      {number:>2}. {f'[{took}] ' if took else ''}{_short_sql(sql)}")
    if lines:
        lines.insert(
            0,
            "targets of issues 10-12 (p95 over HTTP at this run's concurrency, queries per request in-process; a page "
            "that misses one is followed by its queries, [EXPLAIN ANALYZE time] on PostgreSQL, column lists shortened: "
            "the full SQL and plans are in the JSON file):",
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--people", type=int, default=int(os.environ.get("BENCH_PEOPLE", 50_000)))
    parser.add_argument(
        "--needs", type=int, default=int(os.environ.get("BENCH_NEEDS", 100_000)), help="needs seeded (0 = none)"
    )
    parser.add_argument("--requests", type=int, default=300, help="measured requests per endpoint")
    parser.add_argument("--warmup", type=int, default=40, help="unmeasured requests per endpoint first")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (the issue's target: 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per gunicorn worker (as docs/operations.md deploys)"
    )
    parser.add_argument("--max-seconds", type=float, default=20.0, help="time cap per endpoint")
    parser.add_argument(
        "--proposals",
        type=int,
        default=int(os.environ.get("BENCH_PROPOSALS", 10_000)),
        help="proposals of the participation process (0 = no participation pages)",
    )
    parser.add_argument("--supports", type=int, default=100_000, help="supports of the proposals")
    parser.add_argument("--comments", type=int, default=30_000, help="comments of the proposals")
    parser.add_argument("--participants", type=int, default=2_000, help="members who propose, support, comment")
    parser.add_argument(
        "--activities",
        type=int,
        default=int(os.environ.get("BENCH_ACTIVITIES", 2_000)),
        help="Civic Center activities, each with a year of sessions and attendance (0 = no activity pages)",
    )
    parser.add_argument(
        "--pacts",
        type=int,
        default=int(os.environ.get("BENCH_PACTS", 3_000)),
        help="cases with a pact each, with versions, expenses, give-back hours, reviews (0 = no desk pages)",
    )
    parser.add_argument(
        "--referrals", type=int, default=int(os.environ.get("BENCH_REFERRALS", 10_000)), help="referrals (with --pacts)"
    )
    parser.add_argument("--output", default=str(RESULTS / "latest.json"))
    parser.add_argument("--aggregation-only", action="store_true", help="skip the HTTP suite")
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="which of sqlite,postgresql to serve (postgresql needs the URL)",
    )
    parser.add_argument("--no-aggregation", action="store_true", help="only the HTTP suite (no aggregation runs)")
    parser.add_argument("--matching-only", action="store_true", help="only the matching benchmark")
    parser.add_argument("--no-matching", action="store_true", help="leave the matching benchmark out")
    parser.add_argument(
        "--matching-size", type=int, default=20_000, help="needs (and as many offers) of the matching benchmark"
    )
    parser.add_argument("--aggregation-sizes", default="10000,100000", help="needs per aggregation run ('' = skip)")
    parser.add_argument(
        "--aggregation-sets",
        default="A,B,C,D,E,F",
        help="evaluation sets: A (the generator the engine is tuned on), B (independent), C (hand-written), D and E "
        "(external, held out: short requests and whole sentences), F (a second hand-written set, held out)",
    )
    parser.add_argument(
        "--learning-size",
        default="100000",
        help="needs of the learning-from-review simulation (set A with an empty and the standard vocabulary, set "
        "B with the standard one; '' = skip)",
    )
    parser.add_argument(
        "--suggestions",
        default="5000x1000",
        help="accepted demands x new needs of the attach-suggestions benchmark ('' = skip)",
    )
    args = parser.parse_args(argv)
    if args.matching_only:
        # only the matching engine: no pages, no aggregation, no learning, no suggestions
        args.aggregation_only = args.no_aggregation = True
        args.learning_size = args.suggestions = ""
    # Checked before the HTTP suite, which takes minutes: a typo in a set name fails at once.
    sets = [name.strip().upper() for name in args.aggregation_sets.split(",") if name.strip()]
    from benchmarks.aggregation import SETS

    unknown = [name for name in sets if name not in SETS]
    if unknown:
        parser.error(f"--aggregation-sets: unknown set(s) {', '.join(unknown)}; expected some of {','.join(SETS)}")

    started = time.perf_counter()
    load_before = os.getloadavg()
    runs: list[tuple[int, dict | None, str]] = []
    with tempfile.TemporaryDirectory(prefix="legami-bench-") as tmp:
        if not args.aggregation_only:
            workdir = Path(tmp)
            databases = {name.strip() for name in args.databases.split(",")}
            if "sqlite" in databases:
                status, document = _run_suite("sqlite", f"sqlite:///{workdir / 'bench.sqlite3'}", args, workdir)
                runs.append((status, document, "sqlite"))
            server_url = os.environ.get("BENCH_DATABASE_URL")
            if server_url and "postgresql" in databases:
                database_url, drop = _postgres_database(server_url)
                try:
                    status, document = _run_suite("postgresql", database_url, args, workdir)
                finally:
                    drop()
                runs.append((status, document, "postgresql"))

    aggregation = None
    sizes = [] if args.no_aggregation else [int(n) for n in args.aggregation_sizes.split(",") if n.strip()]
    if sizes:
        from benchmarks import aggregation as aggregation_benchmark

        aggregation = aggregation_benchmark.run(sizes, sets=sets)

    learning = []
    if args.learning_size.strip() and not args.no_aggregation:
        from benchmarks import aggregation as aggregation_benchmark

        for set_name, vocabulary in aggregation_benchmark.LEARNING_RUNS:
            print(f"== learning from review: set {set_name}, {vocabulary} vocabulary", file=sys.stderr, flush=True)
            learning.append(
                aggregation_benchmark.learning_simulation(
                    int(args.learning_size), 3, vocabulary=vocabulary, set_name=set_name
                )
            )

    suggestions = None
    if args.suggestions:
        from benchmarks import suggestions as suggestions_benchmark

        demands, new_needs = (int(n) for n in args.suggestions.lower().split("x"))
        suggestions = suggestions_benchmark.run(demands, new_needs)

    matching = None
    if not args.no_matching:
        from benchmarks import matching as matching_benchmark

        matching = matching_benchmark.run(args.matching_size)

    failed = False
    print()
    for status, document, label in runs:
        if document is None:
            print(f"!! {label}: the run crashed (exit status {status}); see the messages above")
            failed = True
            continue
        print(table(document))
        for line in targets(document):
            print(line)
        bad = [row for row in document["endpoints"] if not row["ok"]]
        for row in bad:
            print(
                f"!! {label}: {row['path']} did not answer 200 every time: statuses {row['statuses']} "
                f"(in-process {row['in_process_status']}) {'; '.join(row['errors'])}"
            )
        failed = failed or bool(bad) or status != 0
        print()

    if aggregation is not None:
        print(aggregation_benchmark.table(aggregation))
        print()
        failed = failed or any("error" in row for row in aggregation["results"])

    for document in learning:
        print(aggregation_benchmark.learning_table(document))
        print()

    if suggestions is not None:
        print(suggestions_benchmark.table(suggestions))
        print()
        failed = failed or "error" in suggestions

    if matching is not None:
        print(matching_benchmark.table(matching))
        print()
        failed = failed or any("error" in row for row in matching["results"])

    result = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            # Other work on the machine skews every figure: the 1-minute load before and after the run.
            "load_average_before": round(load_before[0], 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "seconds": round(time.perf_counter() - started, 1),
        "ok": not failed,
        "runs": [document for _status, document, _label in runs if document is not None],
        "aggregation": aggregation,
        "learning": learning,
        "suggestions": suggestions,
        "matching": matching,
    }
    text = json.dumps(result, indent=2, ensure_ascii=False)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n")
    summary = {
        **result,
        "runs": [{k: v for k, v in r.items() if k not in ("queries", "plans")} for r in result["runs"]],
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"\n(full JSON with the SQL and the query plans: {output})")
    if failed:
        print("\n!! BENCHMARK FAILED: some page did not answer 200 (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
