"""`make production-check`: deploy legami as docs/operations.md says, then fetch it as each role would.

    python -m tests.production.check                    # SQLite, then PostgreSQL
    python -m tests.production.check --databases sqlite

For each database, in a fresh temporary directory and with an environment holding only the production
settings, it runs the production steps (migrate, collectstatic, check --deploy), loads the small demo (one
account per role), starts gunicorn on a loopback port and the background worker, and then, speaking to
gunicorn as the reverse proxy would (X-Forwarded-Proto: https), fetches the main pages as an anonymous
visitor and as each role, a 404, the hashed static files, and a 500 with the database out of reach; then
it runs the administrator's routine: `verify_audit`, `backup` and `restore --check` of that backup.
gunicorn and the worker are stopped at the end whatever happens; the PostgreSQL database
`legami_prod_smoke` is created and dropped. Prints every step, then a summary; exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPResponse
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from legami.core.roles import Role

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
POSTGRES_DATABASE = "legami_prod_smoke"
# What gunicorn runs with here; docs/operations.md shows the same command line.
GUNICORN_WORKERS, GUNICORN_THREADS = 2, 4
ONE_YEAR = 365 * 24 * 3600
# The installation steps of docs/operations.md, in its order; then, instead of real data, the small demo.
PRODUCTION_STEPS = [
    ("migrate", "--no-input"),
    ("collectstatic", "--no-input"),
    ("check", "--deploy", "--fail-level", "WARNING"),
]
DATA_STEPS = [("import_territory", "--province", "CR"), ("load_demo", "--small")]
WORKER_STEP = ("db_worker",)

# The demo has one account per role (legami/demo/data.py).
ROLES = [role.value for role in Role]
OPERATORS = {Role.COORDINATOR.value, Role.CASE_MANAGER.value, Role.COMMUNITY_WORKER.value}
REVIEWERS = {Role.COORDINATOR.value, Role.COMMUNITY_WORKER.value}  # aggregation.review_demands
# Who may open each page (the permission matrix, legami/core/tests/test_permission_matrix.py, has every row):
# PUBLIC answers 200 to everyone; a set of roles answers 200 to them, 403 to the network's other members,
# 404 to the platform admin (who has no role in the network) and sends anonymous visitors to log in.
PUBLIC, AUTHENTICATED, SUPERUSER = "public", "authenticated", "superuser"
# A page of one case: {role: answer}; the network's other members are refused (403).
CASE_TEAM = {
    "case_manager": 200,
    "privacy_officer": 200,
    "coordinator": 404,
    "community_worker": 404,
    "partner_staff": 404,
}
PAGES: list[tuple[str, str, object]] = [
    ("home", "home", PUBLIC),
    ("login", "login", "login"),
    ("account", "account", AUTHENTICATED),
    ("platform", "platform", SUPERUSER),
    ("network home", "network_home", PUBLIC),
    ("dashboard", "dashboard", set(ROLES)),
    ("people", "people", OPERATORS | {"privacy_officer"}),
    ("person", "person", OPERATORS | {"privacy_officer"}),
    ("needs", "needs", OPERATORS),
    ("need", "need", OPERATORS),
    ("needs map", "needs_map", set(ROLES)),
    ("public needs map", "needs_map_public", PUBLIC),
    ("surveys", "surveys", OPERATORS | {"evaluator"}),
    ("public survey", "survey_answer", PUBLIC),
    ("report form", "report", PUBLIC),
    ("demands", "demands", OPERATORS | {"partner_staff", "evaluator", "funder"}),
    ("demand", "demand", OPERATORS | {"partner_staff", "evaluator", "funder"}),
    ("aggregation runs", "runs", REVIEWERS),
    ("aggregation vocabulary", "vocabulary", REVIEWERS),
    ("new needs to attach", "suggestions", REVIEWERS),
    ("territory", "territory", set(ROLES)),
    ("partners", "partners", set(ROLES)),
    ("members", "members", OPERATORS | {"privacy_officer"}),
    ("audit", "audit", {"coordinator", "privacy_officer"}),
    # Referrals and pacts: filing and one's own referrals, the triage queue, the case manager's desk; a case of the
    # demo case manager whose team is theirs alone, its pact and the pact's PDF (WeasyPrint in production): the
    # team and the privacy officer read them, whoever else works on cases is told they do not exist.
    ("file a referral", "referral_new", OPERATORS | {"partner_staff", "sentinel"}),
    ("my referrals", "referrals_mine", OPERATORS | {"partner_staff", "sentinel"}),
    ("referrals to triage", "referrals_queue", {"coordinator", "case_manager"}),
    ("desk", "desk", OPERATORS | {"partner_staff"}),
    ("case", "case", CASE_TEAM),
    ("pact", "pact", CASE_TEAM),
    ("pact PDF", "pact_pdf", CASE_TEAM),
    # Whoever may open needs is told this one does not exist; the network's other members are refused first.
    ("missing need (404)", "missing_need", ("404", OPERATORS)),
    ("unknown address (404)", "unknown", "unknown"),
]

# Run inside `manage.py shell` with the production settings: the addresses of the pages above (reversed,
# not spelled out here), the demo's accounts and, for those that must log in with two factors, the key of an
# authenticator made for them here (the check computes its codes, as the phone would), as JSON.
FIXTURES_SNIPPET = """
import json
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from legami.accounts.models import User
from legami.accounts.selectors.two_factor import two_factor_required
from legami.aggregation.models import AggregatedDemand
from legami.demo import data
from legami.needs.models import Need, PrivacyLevel, Survey
from legami.network.models import Network, Person
from legami.pacts.models import Case, CaseMember, Pact

n = Network.objects.get(slug=data.NETWORK["slug"])
s = n.slug
need = Need.objects.filter(network=n).exclude(privacy_level=PrivacyLevel.CASE_TEAM).order_by("pk").first()
survey = Survey.objects.filter(network=n, status=Survey.Status.OPEN).order_by("pk").first()
manager = User.objects.get(email=next(e for e, _n, role, _o, _d in data.ACCOUNTS if role == "case_manager"))
alone = CaseMember.objects.filter(case=OuterRef("pk")).exclude(user=manager)
pact = (
    Pact.objects.filter(case__network=n, case__members__user=manager, case__members__role="manager",
                        current_version__isnull=False)
    .filter(~Exists(alone.values("pk")))
    .order_by("pk")
    .first()
)
paths = {
    "home": reverse("home"),
    "login": reverse("accounts:login"),
    "two_factor_verify": reverse("accounts:two_factor_verify"),
    "account": reverse("accounts:home"),
    "platform": reverse("platform:networks"),
    "network_home": reverse("network:home", args=[s]),
    "dashboard": reverse("network:dashboard", args=[s]),
    "people": reverse("network:people", args=[s]),
    "person": reverse("network:person_detail", args=[s, Person.objects.filter(network=n).order_by("pk").first().pk]),
    "needs": reverse("needs:needs", args=[s]),
    "need": reverse("needs:need_detail", args=[s, need.pk]),
    "needs_map": reverse("needs:map", args=[s]),
    "needs_map_public": reverse("needs:map_public", args=[s]),
    "surveys": reverse("needs:surveys", args=[s]),
    "survey_answer": reverse("needs:survey_answer", args=[s, survey.public_token]),
    "report": reverse("needs:report", args=[s]),
    "demands": reverse("aggregation:demands", args=[s]),
    "demand": reverse(
        "aggregation:demand_detail", args=[s, AggregatedDemand.objects.filter(network=n).order_by("pk").first().pk]
    ),
    "runs": reverse("aggregation:runs", args=[s]),
    "vocabulary": reverse("aggregation:vocabulary", args=[s]),
    "suggestions": reverse("aggregation:suggestions", args=[s]),
    "territory": reverse("territory:overview", args=[s]),
    "partners": reverse("network:organizations", args=[s]),
    "members": reverse("network:members", args=[s]),
    "audit": reverse("network:audit", args=[s]),
    "referral_new": reverse("referrals:file", args=[s]),
    "referrals_mine": reverse("referrals:mine", args=[s]),
    "referrals_queue": reverse("referrals:queue", args=[s]),
    "desk": reverse("pacts:desk", args=[s]),
    "case": reverse("pacts:case", args=[s, pact.case_id]),
    "pact": reverse("pacts:pact", args=[s, pact.pk]),
    "pact_pdf": reverse("pacts:pact_pdf", args=[s, pact.pk]),
    "missing_need": reverse("needs:need_detail", args=[s, 2_000_000_000]),
    "unknown": "/nessuna-rete-con-questo-nome/",
}
accounts = {"admin": data.ADMIN_EMAIL, **{role: email for email, _name, role, _o, _d in data.ACCOUNTS}}
keys = {}
for who, email in accounts.items():
    user = User.objects.get(email=email)
    if two_factor_required(user):
        TOTPDevice.objects.filter(user=user).delete()
        keys[who] = TOTPDevice.objects.create(user=user, name="production check", confirmed=True).key
print(json.dumps({"paths": paths, "accounts": accounts, "password": data.PASSWORD, "two_factor": keys}))
"""

HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
# A static file's address, without the fragment that names an icon inside an SVG sprite (sprites.svg#it-user).
STATIC_REF = re.compile(r'(?:href|src)="(/static/[^"#]+)')


class CheckFailed(AssertionError):
    pass


@dataclass
class Run:
    """What one database's run saw: each check with its outcome, the step durations, the failures."""

    database: str
    checks: int = 0
    failures: list[str] = field(default_factory=list)
    steps: list[tuple[str, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def expect(self, condition: bool, message: str) -> bool:
        self.checks += 1
        if not condition:
            self.failures.append(message)
            print(f"    FAIL {message}", flush=True)
        return condition


def log(message: str) -> None:
    print(message, flush=True)


# --- environment and processes ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url: str, workdir: Path) -> dict[str, str]:
    """The machine's environment without any legami or Django setting, plus the production settings."""
    from cryptography.fernet import Fernet

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LEGAMI_", "DJANGO_")) and key not in {"DATABASE_URL", "PYTHONPATH"}
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "LEGAMI_SECRET_KEY": secrets.token_urlsafe(50),
            "LEGAMI_FIELD_KEYS": Fernet.generate_key().decode(),
            "LEGAMI_BACKUP_KEY": Fernet.generate_key().decode(),
            "LEGAMI_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LEGAMI_BEHIND_PROXY": "1",
            "LEGAMI_STATIC_ROOT": str(workdir / "static"),
            "LEGAMI_MEDIA_ROOT": str(workdir / "media"),
            "LEGAMI_LOG_LEVEL": "WARNING",
            # As docs/operations.md says: a real e-mail server (nothing is sent during the check).
            "LEGAMI_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "LEGAMI_EMAIL_HOST": "127.0.0.1",
        }
    )
    return env


def manage(run: Run, env: dict[str, str], *args: str, label: str | None = None) -> str:
    """Run `manage.py <args>` as an operator would; stop the run if it fails."""
    command = [sys.executable, "manage.py", *args]
    shown = [arg if "\n" not in arg else "<snippet>" for arg in args]
    log(f"  $ manage.py {' '.join(shown)}")
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    run.steps.append((label or args[0], time.perf_counter() - started))
    if not run.expect(result.returncode == 0, f"manage.py {' '.join(shown)} exited with {result.returncode}"):
        raise CheckFailed(result.stdout[-3000:] + result.stderr[-3000:])
    return result.stdout


@contextmanager
def background(command: list[str], env: dict[str, str], logfile: Path) -> Iterator[subprocess.Popen]:
    """A process of its own session, stopped (SIGTERM, then SIGKILL) when the block ends, however it ends."""
    with logfile.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh `legami_prod_smoke` database on the local server, dropped afterwards."""
    import psycopg

    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{POSTGRES_DATABASE}"')
    try:
        yield POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{POSTGRES_DATABASE}"
    finally:
        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')


# --- HTTP, as the reverse proxy forwards it ---------------------------------------------------------


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Browser:
    """A client that talks plain HTTP to gunicorn while saying, as the proxy does, that the visitor used HTTPS.

    It keeps its own cookies: the session and CSRF cookies are Secure, which a standard cookie jar would
    never send over http://.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, *, body: dict | None = None, headers: dict | None = None, https: bool = True
    ) -> Page:
        conn = HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "legami-production-check"}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            origin = f"https://127.0.0.1:{self.port}"
            sent.update({"Origin": origin, "Referer": origin + path})
        sent.update(headers or {})
        try:
            conn.request(method, path, body=data, headers=sent)
            response: HTTPResponse = conn.getresponse()
            page = Page(
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.headers.get_all("Set-Cookie") or [],
                response.read(),
            )
        finally:
            conn.close()
        for raw in page.set_cookies:
            for name, morsel in SimpleCookie(raw).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return page

    def get(self, path: str, **kwargs) -> Page:
        return self.request("GET", path, **kwargs)


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if Browser(port).get("/healthz").status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


# --- the checks --------------------------------------------------------------------------------------


def expected_status(who: str, rule: object) -> set[int]:
    """The answers `who` (anonymous, admin or a role) may get for a page with this rule."""
    if rule == PUBLIC:
        return {200}
    if rule == "login":
        return {200} if who == "anonymous" else {302}
    if rule == "unknown":
        return {404}
    if who == "anonymous":
        return {302}
    if rule == AUTHENTICATED:
        return {200}
    if rule == SUPERUSER:
        return {200} if who == "admin" else {404}
    if who == "admin":
        return {404}
    if isinstance(rule, dict):
        return {rule.get(who, 403)}
    found, roles = (404, rule[1]) if isinstance(rule, tuple) else (200, rule)
    return {found} if who in roles else {403}  # type: ignore[operator]


def _csrf(page: Page) -> str | None:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    return found.group(1) if found else None


def totp_code(key_hex: str) -> str:
    """The code an authenticator app with this key shows now (django-otp's own TOTP, 6 digits, 30 s)."""
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = time.time()
    return f"{totp.token():06d}"


def log_in(run: Run, browser: Browser, paths: dict, email: str, password: str, totp_key: str | None = None) -> bool:
    """The log-in form; then, for a role that must use it, the two-factor code (computed from `totp_key`)."""
    form = browser.get(paths["login"])
    token = _csrf(form)
    if not run.expect(form.status == 200 and token is not None, f"login form for {email}: {form.status}"):
        return False
    answer = browser.request(
        "POST",
        paths["login"],
        body={"csrfmiddlewaretoken": token, "username": email, "password": password},  # type: ignore[dict-item]
    )
    session = [c for c in answer.set_cookies if c.startswith("sessionid=")]
    run.expect(
        bool(session) and "Secure" in session[0] and "HttpOnly" in session[0],
        f"{email}: the session cookie must be Secure and HttpOnly ({session})",
    )
    if totp_key is None:
        return run.expect(
            answer.status == 302 and answer.headers.get("location") == paths["account"],
            f"{email} could not log in: {answer.status} {answer.headers.get('location')}",
        )
    verify = paths["two_factor_verify"]
    if not run.expect(
        answer.status == 302 and answer.headers.get("location", "").startswith(verify),
        f"{email}: the password did not lead to the two-factor code: {answer.status} {answer.headers.get('location')}",
    ):
        return False
    # Before the code, the pages are closed: the account page sends back to the code.
    early = browser.get(paths["account"])
    run.expect(
        early.status == 302 and early.headers.get("location", "").startswith(verify),
        f"{email}: before the code the account page answered {early.status} {early.headers.get('location')}",
    )
    form = browser.get(answer.headers["location"])
    token = _csrf(form)
    if not run.expect(form.status == 200 and token is not None, f"two-factor form for {email}: {form.status}"):
        return False
    answer = browser.request(
        "POST",
        verify,
        body={"csrfmiddlewaretoken": token, "code": totp_code(totp_key), "next": paths["account"]},  # type: ignore[dict-item]
    )
    return run.expect(
        answer.status == 302 and answer.headers.get("location") == paths["account"],
        f"{email}: the two-factor code was refused: {answer.status} {answer.headers.get('location')}",
    )


def check_pages(run: Run, port: int, fixtures: dict) -> set[str]:
    """Every page as each persona; returns the static addresses the pages referenced."""
    paths, statics = fixtures["paths"], set()
    personas = ["anonymous", "admin", *ROLES]
    for who in personas:
        browser = Browser(port)
        if who != "anonymous" and not log_in(
            run,
            browser,
            paths,
            fixtures["accounts"][who],
            fixtures["password"],
            fixtures["two_factor"].get(who),
        ):
            continue
        seen = []
        for label, key, rule in PAGES:
            page = browser.get(paths[key])
            allowed = expected_status(who, rule)
            seen.append(f"{label} {page.status}")
            run.expect(page.status != 500, f"{who}: {label} ({paths[key]}) answered 500")
            run.expect(page.status in allowed, f"{who}: {label} ({paths[key]}) answered {page.status}, not {allowed}")
            if page.status == 302 and rule not in ("login",):
                run.expect(
                    page.headers.get("location", "").startswith(paths["login"]),
                    f"{who}: {label} redirected to {page.headers.get('location')}, not to the login page",
                )
            if page.status == 404:
                run.expect("Pagina non trovata" in page.text, f"{who}: {label}: the 404 is not legami's page")
            if page.status == 403:
                run.expect("Accesso non consentito" in page.text, f"{who}: {label}: the 403 is not legami's page")
            if key == "pact_pdf" and page.status == 200:
                run.expect(page.body.startswith(b"%PDF-"), f"{who}: {label} is not a PDF")
            if page.status in (200, 403, 404):
                run.expect(
                    "strict-transport-security" in page.headers, f"{who}: {label} without Strict-Transport-Security"
                )
                statics.update(STATIC_REF.findall(page.text))
        log(f"    {who:<17} " + ", ".join(seen))
    return statics


def check_https_redirect(run: Run, port: int) -> None:
    """Without the proxy's X-Forwarded-Proto the request is plain HTTP: it is sent to HTTPS."""
    page = Browser(port).get("/", https=False)
    run.expect(
        page.status == 301 and page.headers.get("location", "").startswith("https://"),
        f"plain HTTP must be redirected to HTTPS: {page.status} {page.headers.get('location')}",
    )


def check_static(run: Run, port: int, statics: set[str]) -> None:
    """Static files by hashed name, cached for a year, compressed when the browser accepts it."""
    run.expect(bool(statics), "the pages reference no static file")
    run.expect(
        any(re.search(r"/static/legami/theme\.min\.[0-9a-f]{12}\.css$", s) for s in statics),
        "the pages do not reference the hashed legami/theme.min.<hash>.css",
    )
    encodings: set[str] = set()
    for path in sorted(statics):
        run.expect(bool(HASHED.search(path)), f"{path} is not referenced by its hashed name")
        page = Browser(port).get(path, headers={"Accept-Encoding": "identity"})
        cache = page.headers.get("cache-control", "")
        max_age = re.search(r"max-age=(\d+)", cache)
        run.expect(page.status == 200, f"{path} answered {page.status}")
        run.expect(
            bool(max_age) and int(max_age.group(1)) >= ONE_YEAR and "immutable" in cache,  # type: ignore[union-attr]
            f"{path}: Cache-Control {cache!r} is not long and immutable",
        )
        if path.endswith((".css", ".js")):
            gz = Browser(port).get(path, headers={"Accept-Encoding": "gzip"})
            run.expect(gz.headers.get("content-encoding") == "gzip", f"{path} is not served gzipped when asked")
            best = Browser(port).get(path, headers={"Accept-Encoding": "br, gzip"})
            encodings.add(best.headers.get("content-encoding", "none"))
    run.notes.append(f"{len(statics)} static files; css/js served with {', '.join(sorted(encodings))} for 'br, gzip'")


def check_worker(run: Run, worker: subprocess.Popen) -> None:
    run.expect(worker.poll() is None, f"the db_worker stopped (exit {worker.poll()})")


@contextmanager
def database_out_of_reach(database: str, env: dict[str, str]) -> Iterator[None]:
    """Make the database unreachable for new connections, then give it back."""
    url = env["DATABASE_URL"]
    if database == "sqlite":
        path = Path(urlsplit(url).path)
        aside = path.with_suffix(".aside")
        path.rename(aside)
        # SQLite would create an empty file at the path: a directory there makes every connection fail.
        path.mkdir()
        try:
            yield
        finally:
            path.rmdir()
            aside.rename(path)
    else:
        import psycopg

        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{POSTGRES_DATABASE}" ALLOW_CONNECTIONS false')
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [POSTGRES_DATABASE]
            )
            try:
                yield
            finally:
                conn.execute(f'ALTER DATABASE "{POSTGRES_DATABASE}" ALLOW_CONNECTIONS true')


def check_server_error(run: Run, port: int, database: str, env: dict[str, str]) -> None:
    """With the database out of reach, a page answers legami's own 500 page, with its hashed stylesheet."""
    with database_out_of_reach(database, env):
        page = Browser(port).get("/")
    run.expect(page.status == 500, f"with the database out of reach / answered {page.status}, not 500")
    run.expect("Errore del server" in page.text, "the 500 is not legami's page")
    run.expect(
        bool(re.search(r"/static/legami/theme\.min\.[0-9a-f]{12}\.css", page.text)),
        "the 500 page does not reference the hashed stylesheet",
    )
    again = Browser(port).get("/")
    run.expect(again.status == 200, f"once the database is back / answered {again.status}")


# --- one database -----------------------------------------------------------------------------------


@contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    yield f"sqlite:///{workdir / 'legami.sqlite3'}"


def gunicorn_command(port: int) -> list[str]:
    """The command line of docs/operations.md, on a loopback port."""
    return [
        str(BIN / "gunicorn"),
        "legami.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(GUNICORN_WORKERS),
        "--threads",
        str(GUNICORN_THREADS),
        "--access-logfile",
        "-",
    ]


def serve_and_check(run: Run, env: dict[str, str], workdir: Path, fixtures: dict) -> None:
    port = free_port()
    command = gunicorn_command(port)
    log(f"  $ gunicorn {' '.join(command[1:])} &")
    log(f"  $ manage.py {' '.join(WORKER_STEP)} &")
    with (
        background(command, env, workdir / "gunicorn.log") as server,
        background([sys.executable, "manage.py", *WORKER_STEP], env, workdir / "worker.log") as worker,
    ):
        started = time.perf_counter()
        if not run.expect(wait_until_up(port, server), "gunicorn did not answer /healthz"):
            raise CheckFailed((workdir / "gunicorn.log").read_text()[-3000:])
        run.steps.append(("gunicorn up", time.perf_counter() - started))
        statics: set[str] = set()
        checks: list[tuple[str, Callable[[], object]]] = [
            ("https redirect", lambda: check_https_redirect(run, port)),
            ("pages", lambda: statics.update(check_pages(run, port, fixtures))),
            ("static files", lambda: check_static(run, port, statics)),
            ("500 without database", lambda: check_server_error(run, port, run.database, env)),
            ("worker alive", lambda: check_worker(run, worker)),
        ]
        for name, check in checks:
            log(f"  -- {name}")
            started = time.perf_counter()
            check()
            run.steps.append((name, time.perf_counter() - started))


def run_on(database: str) -> Run:
    """The whole check on one database, in a fresh directory; its logs are kept when something failed."""
    run = Run(database)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix=f"legami-production-{database}-"))
    log(f"== production check on {database} (in {workdir}) ==")
    try:
        with postgres_database() if database == "postgres" else sqlite_database(workdir) as database_url:
            env = production_env(database_url, workdir)
            for step in PRODUCTION_STEPS + DATA_STEPS:
                manage(run, env, *step, label=" ".join(step[:2]) if step[0] == "load_demo" else step[0])
            output = manage(run, env, "shell", "-c", FIXTURES_SNIPPET, label="page addresses")
            serve_and_check(run, env, workdir, json.loads(output.strip().splitlines()[-1]))
            # The administrator's routine (docs/operations.md): the daily audit check and the nightly backup,
            # read back whole, after the pages have written their events.
            manage(run, env, "verify_audit")
            backup = workdir / "legami.legami-backup"
            manage(run, env, "backup", "--output", str(backup))
            manage(run, env, "restore", "--check", str(backup), label="restore --check")
    except CheckFailed as exc:
        log(str(exc))
    except Exception as exc:  # any surprise fails the run and is reported with the rest
        run.expect(False, f"{type(exc).__name__}: {exc}")
    finally:
        run.seconds = time.perf_counter() - started
    if run.failures:
        for name in ("gunicorn.log", "worker.log"):
            logfile = workdir / name
            if logfile.exists():
                log(f"  -- last lines of {logfile}")
                log("\n".join(logfile.read_text().splitlines()[-40:]))
        log(f"  (files kept in {workdir})")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return run


def summary(runs: list[Run]) -> str:
    lines = ["", "== production check: summary =="]
    for run in runs:
        verdict = "PASS" if not run.failures else f"FAIL ({len(run.failures)})"
        lines.append(f"{run.database:<9} {verdict:<9} {run.checks:>5} checks  {run.seconds:6.1f} s")
        lines.append("          " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.steps))
        lines.extend(f"          {note}" for note in run.notes)
        lines.extend(f"          FAIL {failure}" for failure in run.failures)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres (default: both)"
    )
    args = parser.parse_args(argv)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(databases) - {"sqlite", "postgres"}
    if unknown or not databases:
        parser.error(f"unknown database: {', '.join(sorted(unknown)) or '(none)'}")
    # A CI job being cancelled sends SIGTERM: leave through the `finally` blocks, which stop gunicorn and the
    # worker and drop the PostgreSQL database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    runs = [run_on(database) for database in databases]
    log(summary(runs))
    return 1 if any(run.failures for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
