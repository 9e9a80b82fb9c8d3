"""Attach-suggestions benchmark: the selector of the "new needs to attach" page at 5,000 accepted demands
and 1,000 new needs, on a fresh SQLite database.

    python -m benchmarks.suggestions                       # table + JSON
    python -m benchmarks.suggestions --demands 500 --new-needs 100

The data come from the aggregation benchmark's generator (benchmarks/aggregation.py): each of the first true
groups becomes an accepted demand of all its members but one; the held-out member is a new need (it should be
offered its own demand). New needs are completed with the generator's one-off requests and decoys; a fifth of
them sit in a candidate pair with an unrelated need (they may be offered too: goal 4 of issue 9). The measured
call is `suggest_attachments(network)`, the whole selector (queries, decryption, one text model, fit_many),
timed in a warm process with the descriptions not yet analysed ("seconds"; the first call of a fresh process,
which loads the lemmatiser, and a call with the analyses cached are shown beside it), with its peak of traced
memory; the seeding is not measured. Runs in a subprocess: its max RSS is its own.

The page itself reads stored suggestions, computed by a background refresh (services/suggestions.py). Measured
too: (a) the refresh task (`run_refresh` of a queued Job: the selector plus storing the rows) in seconds, and
its peak of traced memory; (b) the page as the coordinator sees it, in-process with the test client once the
suggestions are stored: 30 requests, median and p95 milliseconds, and its queries per request.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _seed(demands: int, new_needs: int, seed: int) -> tuple[object, dict[int, int]]:
    """The network, and for each held-out new need the accepted demand its true group became."""
    import io

    from django.core.management import call_command
    from django.db import transaction

    from benchmarks.aggregation import generate
    from legami.aggregation.engine.io import _windows
    from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus
    from legami.needs import timewindows as tw
    from legami.needs.models import Need, NeedArea, NeedStatus
    from legami.network.models import Network
    from legami.territory.models import Municipality

    call_command("migrate", verbosity=0, interactive=False)
    call_command("import_territory", "--province", "CR", verbosity=0, stdout=io.StringIO())
    network = Network.objects.create(name="Rete benchmark suggerimenti", slug="bench-suggestions", summary="")
    comuni = {m.istat_code: m for m in Municipality.objects.filter(province__abbreviation="CR")}
    known = sorted(comuni)

    def comune(code: str) -> Municipality:
        # the generator's list has a few codes merged into other Comuni since: one stands in, always the same
        return comuni.get(code) or comuni[known[int(code) % len(known)]]

    # about 7 needs per true group, 70% of the rows in groups
    rows, truth = generate(int(demands * 7 / 0.7 * 1.15) + new_needs * 2, seed)
    areas = {
        code: NeedArea.objects.create(network=network, code=code, name=code.capitalize(), position=position)
        for position, code in enumerate(sorted({row["area"] for row in rows}))
    }

    def need(row: dict, status: str) -> Need:
        return Need(
            network=network,
            area=areas[row["area"]],
            target_group=row["target_group"],
            description=row["description"],
            status=status,
            people_count=1,
            observed_on=datetime.date(2026, 1, 1),
            municipality=comune(row["municipality_istat"]),
            latitude=float(row["lat"]) if row["lat"] else None,
            longitude=float(row["lon"]) if row["lon"] else None,
            time_windows=tw.windows_to_json(_windows(row["time_windows"])),
        )

    by_label: dict[int, list[int]] = {}
    for index, label in enumerate(truth):
        by_label.setdefault(label, []).append(index)
    groups = [members for members in by_label.values() if len(members) >= 3][:demands]
    others = [members[0] for members in by_label.values() if len(members) == 1]
    held_out = [members[-1] for members in groups][: int(new_needs * 0.6)]
    fresh = others[: new_needs - len(held_out)]
    with transaction.atomic():
        member_needs = [[need(rows[i], NeedStatus.AGGREGATED) for i in members[:-1]] for members in groups]
        Need.objects.bulk_create([n for group in member_needs for n in group], batch_size=2000)
        accepted = [
            AggregatedDemand(
                network=network,
                title=f"Domanda {number}",
                summary="…",
                status=DemandStatus.ACCEPTED,
                area_id=group[0].area_id,
                target_group=group[0].target_group,
                municipality_id=group[0].municipality_id,
                need_count=len(group),
                people_count=len(group),
            )
            for number, group in enumerate(member_needs, start=1)
        ]
        AggregatedDemand.objects.bulk_create(accepted, batch_size=500)
        DemandItem.objects.bulk_create(
            [DemandItem(demand=d, need=n) for d, group in zip(accepted, member_needs, strict=True) for n in group],
            batch_size=2000,
        )
        new = [need(rows[i], NeedStatus.NEW) for i in [*held_out, *fresh]]
        Need.objects.bulk_create(new, batch_size=2000)
        # a fifth of the new needs sit in a candidate pair with a one-off request of the same area
        partners = [need(rows[i], NeedStatus.NEW) for i in others[len(fresh) : len(fresh) + len(new) // 5]]
        Need.objects.bulk_create(partners, batch_size=2000)
        pairs = list(zip(new[::5], partners, strict=False))
        candidates = [
            AggregatedDemand(
                network=network,
                title=f"Candidata {number}",
                summary="…",
                status=DemandStatus.CANDIDATE,
                area_id=first.area_id,
                target_group=first.target_group,
                need_count=2,
                people_count=2,
            )
            for number, (first, _second) in enumerate(pairs, start=1)
        ]
        AggregatedDemand.objects.bulk_create(candidates, batch_size=500)
        DemandItem.objects.bulk_create(
            [DemandItem(demand=c, need=n) for c, pair in zip(candidates, pairs, strict=True) for n in pair],
            batch_size=2000,
        )
    # held_out[k] is the last member of groups[k], whose other members became accepted[k]
    expected = {new[k].pk: accepted[k].pk for k in range(len(held_out))}
    return network, expected


def _one(demands: int, new_needs: int, seed: int) -> dict:
    """Seed, then time the selector once cold (the measured figure) and once more; meant for a subprocess."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from legami.aggregation.selectors.suggestions import suggest_attachments

    started = time.perf_counter()
    network, expected = _seed(demands, new_needs, seed)
    seed_seconds = time.perf_counter() - started
    from legami.aggregation.engine import text

    def forget_analyses() -> None:
        # whichever function of the text module caches the analysis of a description
        for name in ("tokenise", "analyse"):
            clear = getattr(getattr(text, name, None), "cache_clear", None)
            if clear is not None:
                clear()

    # 1. a fresh process: the first call also loads the lemmatiser's dictionaries
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        found = suggest_attachments(network)
    cold = time.perf_counter() - started
    # counted now: a request (the page's, below) empties the connection's log, whose slice `queries` is
    selector_queries = len(queries)
    # 2. the steady state of a server process: dictionaries loaded, descriptions not analysed yet (the figure)
    forget_analyses()
    started = time.perf_counter()
    suggest_attachments(network)
    seconds = time.perf_counter() - started
    # 3. the same with the descriptions' analysis cached (a page reloaded in the same process)
    started = time.perf_counter()
    suggest_attachments(network)
    again = time.perf_counter() - started
    forget_analyses()
    tracemalloc.start()
    suggest_attachments(network)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    own = sum(1 for s in found if expected.get(s.need.pk) == s.demand.pk)
    refresh = _refresh_and_page(network, forget_analyses)
    from legami.aggregation.models import AggregatedDemand, DemandStatus

    return {
        "accepted_demands": AggregatedDemand.objects.filter(network=network, status=DemandStatus.ACCEPTED).count(),
        "member_needs": sum(
            AggregatedDemand.objects.filter(network=network, status=DemandStatus.ACCEPTED).values_list(
                "need_count", flat=True
            )
        ),
        "new_needs": new_needs,
        "suggestions": len(found),
        "from_candidates": sum(1 for s in found if s.current is not None),
        "held_out": len(expected),
        "held_out_offered_their_demand": own,
        "queries": selector_queries,
        "seconds": round(seconds, 2),
        "seconds_first_call": round(cold, 2),
        "seconds_cached_texts": round(again, 2),
        "peak_traced_mb": round(peak / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "seed_seconds": round(seed_seconds, 1),
        **refresh,
    }


def _refresh_and_page(network, forget_analyses) -> dict:
    """(a) The background refresh of the stored suggestions, timed, then its traced peak; (b) the page that reads
    them, 30 requests in-process (test client, logged in as a coordinator)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from benchmarks.suite import _session_cookie
    from legami.accounts.models import User
    from legami.aggregation.models import SUGGESTIONS_JOB_KIND, AttachSuggestion
    from legami.aggregation.services.suggestions import run_refresh, store_suggestions
    from legami.core.models import Job
    from legami.core.roles import Role
    from legami.network.models import Membership

    # (a) a queued refresh job, run as the worker runs it (the selector, then the rows replaced)
    forget_analyses()
    job = Job.objects.create(network=network, kind=SUGGESTIONS_JOB_KIND)
    started = time.perf_counter()
    run_refresh(job=job)
    refresh_seconds = time.perf_counter() - started
    job.refresh_from_db()
    forget_analyses()
    tracemalloc.start()
    store_suggestions(network)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    stored = AttachSuggestion.objects.filter(network=network).count()
    # (b) the page, as a coordinator of the network sees it
    email = "coordinatrice-suggerimenti@bench.invalid"
    user = User.objects.create_user(username=email, email=email, password=None, full_name="Bench")
    Membership.objects.create(network=network, user=user, role=Role.COORDINATOR)
    name, _sep, value = _session_cookie(user).partition("=")
    client = Client()
    client.cookies[name] = value
    url = reverse("aggregation:suggestions", args=[network.slug])
    first = client.get(url)  # warm: templates, content types
    timings = []
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    page_queries = len(queries)
    for _ in range(30):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    body = response.content.decode()
    return {
        "refresh_status": job.status,
        "refresh_seconds": round(refresh_seconds, 2),
        "refresh_peak_traced_mb": round(peak / 2**20, 1),
        "stored_suggestions": stored,
        "page_status": response.status_code if first.status_code == 200 else first.status_code,
        "page_stale": any(words in body for words in ("Being updated", "Aggiornamento in corso")),
        "page_queries": page_queries,
        "page_median_ms": round(statistics.median(timings), 1),
        "page_p95_ms": round(timings[max(0, math.ceil(0.95 * len(timings)) - 1)], 1),
    }


def run(demands: int = 5000, new_needs: int = 1000, seed: int = 5) -> dict:
    """The benchmark in a subprocess on a fresh SQLite database; its results document."""
    print(f"== suggestions: {demands:,} accepted demands × {new_needs:,} new needs", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="legami-bench-suggestions-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'suggestions.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "PYTHONPATH": str(ROOT),
            "LEGAMI_MEDIA_ROOT": str(Path(tmp) / "media"),
        }
        command = [sys.executable, "-m", "benchmarks.suggestions", "--one", "--demands", str(demands)]
        command += ["--new-needs", str(new_needs), "--seed", str(seed)]
        out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        sys.stderr.write(out.stderr)
        return {"error": (out.stderr.strip().splitlines() or ["crashed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(document: dict) -> str:
    if "error" in document:
        return f"attach suggestions: FAILED {document['error']}"
    d = document
    return "\n".join(
        [
            "attach suggestions (selector of the 'new needs to attach' page, SQLite)",
            f"{'demands':>8} {'members':>8} {'new':>6} {'found':>6} {'in cand.':>8} {'own demand':>11} "
            f"{'queries':>8} {'seconds':>8} {'1st call':>8} {'cached':>8} {'peak MB':>8} {'RSS MB':>7}",
            "-" * 100,
            f"{d['accepted_demands']:>8,} {d['member_needs']:>8,} {d['new_needs']:>6,} {d['suggestions']:>6,} "
            f"{d['from_candidates']:>8,} {d['held_out_offered_their_demand']:>5}/{d['held_out']:<5} "
            f"{d['queries']:>8} {d['seconds']:>8.2f} {d['seconds_first_call']:>8.2f} "
            f"{d['seconds_cached_texts']:>8.2f} {d['peak_traced_mb']:>8.0f} "
            f"{d['peak_rss_mb']:>7.0f}",
            "",
            "attach suggestions, stored (the page reads rows a background refresh computed)",
            f"{'refresh s':>10} {'refresh MB':>10} {'stored':>7} {'page status':>11} {'stale':>6} {'queries':>8} "
            f"{'page median ms':>15} {'page p95 ms':>12}",
            "-" * 86,
            f"{d.get('refresh_seconds', float('nan')):>10.2f} {d.get('refresh_peak_traced_mb', float('nan')):>10.0f} "
            f"{d.get('stored_suggestions', 0):>7,} {d.get('page_status', 0):>11} {str(d.get('page_stale', '')):>6} "
            f"{d.get('page_queries', 0):>8} {d.get('page_median_ms', float('nan')):>15.1f} "
            f"{d.get('page_p95_ms', float('nan')):>12.1f}",
            "(page: in-process, test client, 30 requests after a warm-up, as the network's coordinator)",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suggestions", description=__doc__)
    parser.add_argument("--demands", type=int, default=5000)
    parser.add_argument("--new-needs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_one(args.demands, args.new_needs, args.seed)))
        return 0
    document = run(args.demands, args.new_needs, args.seed)
    print(table(document))
    print(json.dumps(document, indent=2))
    return 1 if "error" in document else 0


if __name__ == "__main__":
    sys.exit(main())
