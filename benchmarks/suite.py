"""One benchmark run against one database (the runner starts it in a child process per database).

Seeds the database, serves the app with gunicorn, measures the endpoints over HTTP, then counts the
queries of each endpoint in-process and (for the people list) records the query plans.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _second_step_passed(session, user) -> None:
    """Mark `session` as past the two-factor step (LEGAMI_TWO_FACTOR=required, the default), with a recovery-code
    device standing for the authenticator, as a real log-in leaves it: otherwise every member page redirects."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _created = StaticDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def _session_cookie(user) -> str:
    """A logged-in session for `user`, made the way django.contrib.auth.login makes one."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    _second_step_passed(session, user)
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class Server:
    """gunicorn serving benchmarks.settings on loopback; stopped (by its own pid) on exit."""

    def __init__(self, *, workers: int, threads: int) -> None:
        self.port = _free_port()
        self.workers, self.threads = workers, threads
        self.proc: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "legami.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ]

    def __enter__(self) -> Server:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(self.command, cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _count_queries(endpoints, coordinator, *, repeat: int) -> dict[str, dict]:
    """Queries per request of each endpoint, in-process with the test client (not through gunicorn).

    Also the median in-process time of `repeat` sequential requests: the work of the page itself,
    without HTTP, concurrency or the server, so the figure least disturbed by the machine's load.
    """
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous = Client()
    logged_in: dict[int, Client] = {}

    def client_of(user) -> Client:
        if user.pk not in logged_in:
            client = logged_in[user.pk] = Client()
            client.force_login(user)
            session = client.session
            _second_step_passed(session, user)
            session.save()
        return logged_in[user.pk]

    counts: dict[str, dict] = {}
    for endpoint in endpoints:
        client = client_of(endpoint.viewer or coordinator) if endpoint.cookie else anonymous
        client.get(endpoint.path)  # warm caches (content types, templates), as the served workers are
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(endpoint.path)
        counts[endpoint.key] = {
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "sql": [q["sql"] for q in ctx.captured_queries],
            "query_ms": round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 2),
        }
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(endpoint.path)
            timings.append((time.perf_counter() - started) * 1000)
        counts[endpoint.key]["in_process_median_ms"] = round(statistics.median(timings), 2)
        ordered = sorted(timings)
        counts[endpoint.key]["in_process_p95_ms"] = round(ordered[max(0, round(0.95 * len(ordered) + 0.5) - 1)], 2)
    return counts


def _plans(sql_list: list[str]) -> list[dict]:
    """The plan of each SELECT (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite)."""
    from django.db import connection

    plans = []
    for sql in sql_list:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        prefix = "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"{prefix} {sql}")
                rows = cursor.fetchall()
        except Exception as exc:  # noqa: BLE001 - a plan we cannot get is reported, not fatal
            plans.append({"sql": sql, "error": str(exc)})
            continue
        lines = [row[0] for row in rows] if connection.vendor == "postgresql" else [str(row[-1]) for row in rows]
        plans.append({"sql": sql, "plan": lines})
    return plans


def _stored_suggestions(network, per_demand: int = 3) -> int:
    """Stored attach suggestions for the page to read, as a background refresh leaves them: up to `per_demand`
    open needs of the same area and Comune for each accepted demand, with the stamps of today's data (so the
    page finds them fresh). Computing them is measured by benchmarks/suggestions.py, not here."""
    from django.utils import timezone

    from legami.aggregation.models import AggregatedDemand, AttachSuggestion, DemandStatus, SuggestionState
    from legami.aggregation.selectors.suggestions import current_stamps
    from legami.needs.models import Need, NeedStatus

    now, rows, used = timezone.now(), [], set()
    accepted = AggregatedDemand.objects.filter(network=network, status=DemandStatus.ACCEPTED)
    for demand in accepted.only("id", "area_id", "municipality_id").order_by("id")[:1000]:
        needs = (
            Need.objects.filter(
                network=network,
                status__in=[NeedStatus.NEW, NeedStatus.READING],
                area_id=demand.area_id,
                municipality_id=demand.municipality_id,
                demand_item__isnull=True,
            )
            .exclude(pk__in=used)
            .values_list("pk", flat=True)[:per_demand]
        )
        for number, need in enumerate(needs):
            used.add(need)
            rows.append(
                AttachSuggestion(
                    network=network, need_id=need, demand=demand, similarity=0.9 - number / 10, computed_at=now
                )
            )
    AttachSuggestion.objects.bulk_create(rows, batch_size=1000)
    stamps = current_stamps(network)
    SuggestionState.objects.update_or_create(
        network=network,
        defaults={
            "needs_revision": stamps.needs_revision,
            "demands_stamp": stamps.demands_stamp,
            "computed_at": now,
            "count": len(rows),
        },
    )
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=30.0)
    parser.add_argument("--in-process-repeat", type=int, default=30)
    parser.add_argument("--proposals", type=int, default=10_000, help="proposals of the process (0 = none)")
    parser.add_argument("--supports", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=30_000)
    parser.add_argument("--participants", type=int, default=2_000)
    parser.add_argument("--activities", type=int, default=2_000, help="Civic Center activities (0 = none)")
    parser.add_argument("--pacts", type=int, default=3_000, help="cases with a pact each (0 = none)")
    parser.add_argument("--referrals", type=int, default=10_000, help="referrals (with --pacts)")
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()
    from django.db import connection

    from benchmarks import load
    from benchmarks.seed import SEARCH_TERM, seed

    started = time.perf_counter()
    participation = {
        "proposals": args.proposals,
        "supports": args.supports,
        "comments": args.comments,
        "participants": args.participants,
    }
    seeded = seed(
        people=args.people,
        needs=args.needs,
        participation=participation,
        activities=args.activities,
        pacts=args.pacts,
        referrals=args.referrals,
    )
    seed_seconds = time.perf_counter() - started
    cookie = _session_cookie(seeded.coordinator)
    slug = seeded.network.slug
    endpoints = [
        load.Endpoint("bare", "bare view (anonymous)", "/__bench__/bare/"),
        load.Endpoint("bare_auth", "bare view (logged in)", "/__bench__/bare/", cookie),
        load.Endpoint("home", "network home (public)", f"/{slug}/"),
        load.Endpoint("people", "people list", f"/{slug}/people/", cookie),
        load.Endpoint(
            "people_search", f"people list, search '{SEARCH_TERM}'", f"/{slug}/people/?q={SEARCH_TERM}", cookie
        ),
    ]
    if seeded.needs:
        area, comune = seeded.sample_area, seeded.sample_municipality.pk
        endpoints += [
            load.Endpoint("needs", "needs list", f"/{slug}/needs/", cookie),
            load.Endpoint(
                "needs_filtered",
                "needs list, area + Comune",
                f"/{slug}/needs/?area={area}&municipality={comune}",
                cookie,
            ),
            load.Endpoint("needs_map", "needs map (coordinator)", f"/{slug}/needs/map/", cookie),
            load.Endpoint("needs_map_public", "needs map, public (anonymous)", f"/{slug}/needs/map/public/"),
            load.Endpoint("demands", "demands list", f"/{slug}/demands/", cookie),
        ]
        if _stored_suggestions(seeded.network):
            endpoints.append(
                load.Endpoint("suggestions", "new needs to attach (stored)", f"/{slug}/demands/new-needs/", cookie)
            )
    if seeded.participation is not None:
        from benchmarks import participation as participation_benchmark

        endpoints += participation_benchmark.endpoints(
            slug,
            seeded.participation,
            coordinator=seeded.coordinator,
            coordinator_cookie=cookie,
            participant_cookie=_session_cookie(seeded.participation.participant),
        )
    if seeded.activities is not None:
        from benchmarks import activities as activities_benchmark

        endpoints += activities_benchmark.endpoints(
            slug, seeded.activities, coordinator=seeded.coordinator, coordinator_cookie=cookie
        )
    if seeded.pacts is not None:
        from benchmarks import pacts as pacts_benchmark

        endpoints += pacts_benchmark.endpoints(
            slug,
            seeded.pacts,
            coordinator=seeded.coordinator,
            coordinator_cookie=cookie,
            session_cookie=_session_cookie,
        )
    measurements = []
    load_before = os.getloadavg()[0]
    print(f"  · serving with gunicorn ({args.workers} workers × {args.threads} threads)", file=sys.stderr, flush=True)
    with Server(workers=args.workers, threads=args.threads) as server:
        for endpoint in endpoints:
            print(f"  · measuring {endpoint.path}", file=sys.stderr, flush=True)
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
    load_after = os.getloadavg()[0]
    counts = _count_queries(endpoints, seeded.coordinator, repeat=args.in_process_repeat)
    plan_keys = ("people", "people_search", "needs", "needs_filtered", "needs_map", "needs_map_public", "demands")
    plan_keys += ("suggestions",)
    plan_keys += ("process", "process_coordinator", "proposals", "proposals_member", "proposals_search")
    plan_keys += ("proposals_random",)
    plan_keys += ("desk_case_manager", "desk_coordinator")
    plans = {key: _plans(counts[key]["sql"]) for key in plan_keys if key in counts}

    bare = next(m for m in measurements if m.key == "bare").summary()
    rows = []
    for measurement in measurements:
        row = measurement.summary()
        row["queries_per_request"] = counts[measurement.key]["queries"]
        row["in_process_status"] = counts[measurement.key]["status"]
        row["query_ms_in_process"] = counts[measurement.key]["query_ms"]
        row["in_process_median_ms"] = counts[measurement.key]["in_process_median_ms"]
        row["in_process_p95_ms"] = counts[measurement.key]["in_process_p95_ms"]
        if bare["median_ms"] and row["median_ms"]:
            row["median_vs_bare"] = round(row["median_ms"] / bare["median_ms"], 1)
        if bare["requests_per_second"] and row["requests_per_second"]:
            row["throughput_vs_bare"] = round(row["requests_per_second"] / bare["requests_per_second"], 3)
        row["ok"] = measurement.ok and counts[measurement.key]["status"] == 200
        if seeded.participation is not None and measurement.key in participation_benchmark.KEYS:
            row["target"] = participation_benchmark.verdict(row)
        if seeded.activities is not None and measurement.key in activities_benchmark.KEYS:
            row["target"] = activities_benchmark.verdict(row)
        if seeded.pacts is not None and measurement.key in pacts_benchmark.keys():
            row["target"] = pacts_benchmark.verdict(row)
        rows.append(row)

    import django as dj

    document = {
        "database": args.label,
        "vendor": connection.vendor,
        "database_version": ".".join(str(p) for p in connection.Database.sqlite_version_info)
        if connection.vendor == "sqlite"
        else f"{connection.pg_version // 10000}.{connection.pg_version % 10000}",
        "django": dj.get_version(),
        "config": {
            "people": seeded.people,
            "needs": seeded.needs,
            "demands": seeded.demands,
            "households": seeded.households,
            "municipalities": seeded.municipalities,
            "requests_per_endpoint": args.requests,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "server": f"gunicorn gthread, {args.workers} workers x {args.threads} threads",
            "max_seconds_per_endpoint": args.max_seconds,
        },
        "participation": None
        if seeded.participation is None
        else {
            "process": seeded.participation.process.pk,
            "participants": seeded.participation.participants,
            "proposals": seeded.participation.proposals,
            "supports": seeded.participation.supports,
            "comments": seeded.participation.comments,
            "hidden_proposals": seeded.participation.hidden_proposals,
            "hidden_comments": seeded.participation.hidden_comments,
            "search_term": seeded.participation.search_term,
            "sample_area": seeded.participation.sample_area,
        },
        "activities": None
        if seeded.activities is None
        else {
            "activities": seeded.activities.activities,
            "sessions": seeded.activities.sessions,
            "enrollments": seeded.activities.enrollments,
            "attendance": seeded.activities.attendance,
        },
        "pacts": None
        if seeded.pacts is None
        else {"cases": seeded.pacts.cases, "pacts": seeded.pacts.pacts, **seeded.pacts.counts},
        "seed_seconds": round(seed_seconds, 1),
        "seed_timings": seeded.timings,
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "seed_notes": seeded.notes,
        "endpoints": rows,
        "queries": {key: value["sql"] for key, value in counts.items()},
        "plans": plans,
    }
    Path(args.output).write_text(json.dumps(document, indent=2, ensure_ascii=False))
    return 0 if all(row["ok"] for row in rows) else 3


if __name__ == "__main__":
    sys.exit(main())
