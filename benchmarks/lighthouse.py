"""Page weight and mobile speed of the production configuration, measured with Lighthouse.

    .venv/bin/python -m benchmarks.lighthouse                 # fresh demo database, 3 runs per page
    .venv/bin/python -m benchmarks.lighthouse --database-url sqlite:////tmp/demo.sqlite3 --runs 1
    LIGHTHOUSE=/tmp/lh/node_modules/.bin/lighthouse make bench-lighthouse

Serves the production configuration for real: `collectstatic` into a temporary folder (hashed,
compressed files), gunicorn on `legami.wsgi` with `LEGAMI_DEBUG` unset (plain HTTP on loopback,
`LEGAMI_HTTPS=0`), then runs Lighthouse's performance category with its mobile profile (simulated
slow 4G, a mid-range phone) on the public home, the public report form, the coordinator's dashboard
and the needs list (the logged-in pages get the coordinator's session cookie), and prints the median
of each figure over the runs. Lighthouse is not a dependency of legami: install it anywhere
(`npm install lighthouse@12` in a scratch folder) and point LIGHTHOUSE (or --lighthouse) at it, or
put it on PATH. Chromium comes from CHROME_PATH (default /usr/bin/chromium). Nothing is asserted:
it is run by hand, never by the tests.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SLUG = "welfare-cremona"
COORDINATOR = ("coordinatore@legami.demo", "legami-demo-2026")
PAGES = [
    ("home", f"/{SLUG}/", False),
    ("report form", f"/{SLUG}/needs/report/", False),
    ("dashboard", f"/{SLUG}/dashboard/", True),
    ("needs list", f"/{SLUG}/needs/", True),
]
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run"
)


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start listening")


def _session_cookie(port: int) -> str:
    """Log the demo coordinator in through the login form and return the session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    body = response.read().decode()
    cookies = http.cookies.SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if token is None or "csrftoken" not in cookies:
        raise SystemExit("the login page has no CSRF token")
    form = urlencode({"csrfmiddlewaretoken": token.group(1), "username": COORDINATOR[0], "password": COORDINATOR[1]})
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken'].value}",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    if response.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"logging the coordinator in failed (status {response.status})")
    return f"sessionid={cookies['sessionid'].value}"


def _warm_up(port: int, cookie: str) -> None:
    """Fetch every page a few times first: a fresh worker's first requests (imports, template loading)
    are not what a visitor of a running site waits for."""
    for _label, path, logged_in in PAGES:
        for _ in range(3):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers={"Cookie": cookie} if logged_in else {})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
            conn.close()


def _lighthouse(command: str, url: str, cookie: str | None, report: Path) -> dict:
    args = [
        command,
        url,
        "--only-categories=performance",
        "--form-factor=mobile",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if cookie:
        args.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    # On a loaded machine Chromium now and then misses Lighthouse's deadlines: one more try, then give up.
    if subprocess.run(args, check=False, env=env).returncode != 0:
        print(f"!! Lighthouse failed on {url}, trying once more", file=sys.stderr, flush=True)
        subprocess.run(args, check=True, env=env)
    data = json.loads(report.read_text())
    audits = data["audits"]
    return {
        "score": round(data["categories"]["performance"]["score"] * 100),
        "speed_index_s": audits["speed-index"]["numericValue"] / 1000,
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "transfer_kib": audits["total-byte-weight"]["numericValue"] / 1024,
        "requests": len(audits["network-requests"]["details"]["items"]),
    }


def table(rows: list[dict]) -> str:
    lines = [
        f"{'page':<12} {'score':>5} {'SI s':>6} {'FCP s':>6} {'LCP s':>6} {'TBT ms':>7} {'KiB':>7} {'reqs':>5}",
        "-" * 62,
    ]
    for row in rows:
        lines.append(
            f"{row['page']:<12} {row['score']:>5} {row['speed_index_s']:>6.1f} {row['fcp_s']:>6.1f} "
            f"{row['lcp_s']:>6.1f} {row['tbt_ms']:>7.0f} {row['transfer_kib']:>7.0f} {row['requests']:>5}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lighthouse", description=__doc__)
    parser.add_argument("--database-url", help="an existing demo database (default: a fresh one, ~1 min)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median is printed)")
    parser.add_argument("--lighthouse", default=os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse"))
    parser.add_argument("--output", help="also write the figures as JSON to this file")
    parser.add_argument("--reports", help="keep Lighthouse's full JSON reports in this folder")
    args = parser.parse_args(argv)
    if not args.lighthouse:
        print(
            "Lighthouse is not installed: `cd /tmp/lh && npm install lighthouse@12`, then "
            "LIGHTHOUSE=/tmp/lh/node_modules/.bin/lighthouse",
            file=sys.stderr,
        )
        return 2

    with tempfile.TemporaryDirectory(prefix="legami-lighthouse-") as tmp:
        workdir = Path(tmp)
        reports = Path(args.reports) if args.reports else workdir
        reports.mkdir(parents=True, exist_ok=True)
        env = {key: value for key, value in os.environ.items() if key != "LEGAMI_DEBUG"}
        env.update(
            DATABASE_URL=args.database_url or f"sqlite:///{workdir / 'demo.sqlite3'}",
            DJANGO_SETTINGS_MODULE="legami.settings",
            LEGAMI_HTTPS="0",
            # It measures pages, not the log-in: the coordinator logs in with the password alone, as in the demo.
            LEGAMI_TWO_FACTOR="optional",
            LEGAMI_STATIC_ROOT=str(workdir / "static"),
            LEGAMI_MEDIA_ROOT=str(workdir / "media"),
        )
        if not args.database_url:
            print("== demo database", file=sys.stderr, flush=True)
            demo_env = {**env, "LEGAMI_DEBUG": "1"}
            _manage(demo_env, "migrate", "--no-input")
            _manage(demo_env, "import_territory", "--region", "03")
            _manage(demo_env, "load_demo")
        print("== collectstatic", file=sys.stderr, flush=True)
        _manage(env, "collectstatic", "--no-input")
        port = _free_port()
        log = (workdir / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "legami.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port, server)
            cookie = _session_cookie(port)
            _warm_up(port, cookie)
            rows = []
            for label, path, logged_in in PAGES:
                runs = []
                for run in range(args.runs):
                    print(f"== {label} {path} run {run + 1}/{args.runs}", file=sys.stderr, flush=True)
                    report = reports / f"{label.replace(' ', '-')}-{run + 1}.json"
                    url = f"http://127.0.0.1:{port}{path}"
                    runs.append(_lighthouse(args.lighthouse, url, cookie if logged_in else None, report))
                row = {"page": label, "path": path}
                for key in runs[0]:
                    row[key] = statistics.median(run[key] for run in runs)
                rows.append(row)
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(table(rows))
    if args.output:
        Path(args.output).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
