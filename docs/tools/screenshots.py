#!/usr/bin/env python3
"""Take the screenshots of the documentation from a running legami demo, in Italian.

Usage (from the project root, with the demo served on its own database and port):

    export LEGAMI_DEBUG=1 LEGAMI_TWO_FACTOR=optional DATABASE_URL=sqlite:////tmp/docs-demo.sqlite3
    .venv/bin/python manage.py migrate --no-input
    .venv/bin/python manage.py import_territory
    .venv/bin/python manage.py load_demo
    .venv/bin/python manage.py runserver 127.0.0.1:8100 --noreload &
    .venv/bin/python manage.py db_worker --interval 1 &      # runs the imports and the audit verification
    .venv/bin/python docs/tools/screenshots.py --base-url http://127.0.0.1:8100

Options: `--only coordinator,citizen` takes the shots of some roles only; `--list` prints the roles.

It logs in through the login form as each demo account (password of `manage.py load_demo`) in
Debian's Chromium, headless, with the Italian locale, and saves PNG files of 1280 px wide pages
into docs/img/<name>.png, cut to the top MAX_HEIGHT px.

Run it against a throwaway demo database: besides reading, it starts two people imports (one
refused, one of two fictional people), invites a fictional member and creates an API token, so
that the pages showing those outcomes can be photographed. The needs, surveys and demands pages are
only read (forms are filled in but not sent); opening a need kept to the case team writes a reading
to the audit log, as it does for any user.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTH = 1280
VIEWPORT_HEIGHT = 900
MAX_HEIGHT = 1600
TIMEOUT_MS = 20_000
JOB_WAIT_S = 60

SLUG = "welfare-cremona"
PASSWORD = "legami-demo-2026"
ACCOUNTS = {
    "admin": "admin@legami.demo",
    "coordinator": "coordinatore@legami.demo",
    "case_manager": "assistente.sociale@legami.demo",
    "community_worker": "operatore.comunita@legami.demo",
    "partner_staff": "cooperativa@legami.demo",
    "evaluator": "valutatore@legami.demo",
    "funder": "finanziatore@legami.demo",
    "citizen": "volontario@legami.demo",
    "privacy_officer": "privacy@legami.demo",
    "sentinel": "farmacia@legami.demo",
}

COLUMNS = (
    "nome",
    "cognome",
    "codice_fiscale",
    "data_nascita",
    "genere",
    "email",
    "telefono",
    "indirizzo",
    "comune_istat",
    "quartiere",
    "nucleo",
    "ruolo_nucleo",
)


def table(rows: list[tuple[str, ...]], sep: str) -> str:
    """A CSV text with the import columns as header (values here never contain the separator)."""
    return "\n".join(sep.join(row) for row in [COLUMNS, *rows]) + "\n"


# A people file with one mistake per row, to show the error report (nothing of it is imported).
BAD_IMPORT = table(
    [
        (
            "Maria",
            "Rossi",
            "RSSMRA80A41D150X",
            "01/01/1980",
            "F",
            "maria.rossi@example.org",
            "0372 123456",
            "Via Roma 1",
            "019036",
            "Centro",
            "Famiglia Rossi",
            "head",
        ),
        ("Giovanni", "Bianchi", "", "31/02/1975", "M", "", "", "Via Milano 3", "019036", "", "", ""),
        ("", "Verdi", "", "1990-05-12", "F", "giulia.verdi@example", "", "", "019035", "", "", ""),
        ("Paolo", "Neri", "", "1968-03-04", "M", "", "02 1234", "Via Dante 8", "015146", "", "", ""),
        (
            "Laura",
            "Galli",
            "",
            "1984-11-20",
            "F",
            "",
            "",
            "Via Verdi 2",
            "019036",
            "Quartiere Inventato",
            "",
            "partner",
        ),
    ],
    ";",
)
# A correct file of two fictional people of one new household (no codice fiscale, so it can be re-run).
GOOD_IMPORT = table(
    [
        (
            "Elena",
            "Esempio",
            "",
            "1979-04-18",
            "F",
            "elena.esempio@example.org",
            "0372 555111",
            "Via dell'Esempio 5",
            "019036",
            "Cambonino",
            "Famiglia Esempio (documentazione)",
            "head",
        ),
        (
            "Tommaso",
            "Esempio",
            "",
            "2012-09-02",
            "M",
            "",
            "",
            "Via dell'Esempio 5",
            "019036",
            "Cambonino",
            "Famiglia Esempio (documentazione)",
            "child",
        ),
    ],
    ",",
)


PHONE_WIDTH = 360


@dataclass
class Context:
    base: str
    browser: Browser
    tmp: Path


def network_url(path: str = "") -> str:
    return f"/{SLUG}/{path}"


def shot(page: Page, name: str) -> None:
    """Save the page, 1280 px wide, cut to the top MAX_HEIGHT px."""
    page.wait_for_load_state("load")
    # Fonts and the Bootstrap Italia script settle the layout: give them a moment.
    page.wait_for_timeout(300)
    height = page.evaluate("Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
    width = (page.viewport_size or {}).get("width", WIDTH)
    clip = {"x": 0, "y": 0, "width": width, "height": min(int(height), MAX_HEIGHT)}
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True, clip=clip)
    print(f"  {name}.png  ({page.url})")


def shot_from(page: Page, name: str, selector: str, margin: int = 16) -> None:
    """Save MAX_HEIGHT px of the page starting just above `selector` (for content below long forms)."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    top = page.evaluate("s => document.querySelector(s).getBoundingClientRect().top + window.scrollY", selector)
    height = page.evaluate("Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
    y = max(0, int(top) - margin)
    clip = {"x": 0, "y": y, "width": WIDTH, "height": min(int(height) - y, MAX_HEIGHT)}
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True, clip=clip)
    print(f"  {name}.png  ({page.url}, from {selector})")


def open_details(page: Page, selector: str) -> None:
    """Open a section shown on demand (<details>) unless it is open already."""
    details = page.locator(selector).first
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()


def public_path(page: Page, selector: str) -> str:
    """The path of a link shown in a read-only field (it carries LEGAMI_BASE_URL, not this server)."""
    return "/" + page.input_value(selector).split("/", 3)[3]


def new_page(ctx: Context, width: int = WIDTH) -> Page:
    context = ctx.browser.new_context(
        base_url=ctx.base, locale="it-IT", viewport={"width": width, "height": VIEWPORT_HEIGHT}
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def login(ctx: Context, role: str, width: int = WIDTH) -> Page:
    page = new_page(ctx, width)
    page.goto("/accounts/login/")
    page.fill("#id_username", ACCOUNTS[role])
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    if "/accounts/login/" in page.url:
        raise SystemExit(f"Could not log in as {ACCOUNTS[role]}: is the demo loaded?")
    return page


def first_matching(page: Page, pattern: str) -> str:
    """The first link of the main content whose path matches the regular expression `pattern`."""
    hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for href in hrefs:
        if re.search(pattern, href or ""):
            return href
    raise SystemExit(f"No link matching {pattern} on {page.url}")


def first_href(page: Page, selector: str) -> str:
    href = page.locator(selector).first.get_attribute("href")
    if not href:
        raise SystemExit(f"No link {selector} on {page.url}")
    return href


def wait_for_job(page: Page) -> None:
    """Reload the job page until the import has finished (the worker must be running)."""
    deadline = time.monotonic() + JOB_WAIT_S
    while time.monotonic() < deadline:
        if page.locator("#job-status[aria-busy]").count() == 0:
            return
        page.wait_for_timeout(1000)
        page.reload()
    print("  warning: the import did not finish: is `manage.py db_worker` running?", file=sys.stderr)


def wait_for_verification(page: Page) -> None:
    """Reload the audit page until the verification it queued has finished (the worker must be running)."""
    deadline = time.monotonic() + JOB_WAIT_S
    while time.monotonic() < deadline:
        if page.locator(".legami-audit-pending").count() == 0:
            return
        page.wait_for_timeout(1000)
        page.reload()
    print("  warning: the verification did not finish: is `manage.py db_worker` running?", file=sys.stderr)


def upload(page: Page, ctx: Context, name: str, content: str) -> None:
    path = ctx.tmp / name
    path.write_text(content, encoding="utf-8")
    page.goto(network_url("people/import/"))
    page.set_input_files("#id_file", str(path))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url("**/jobs/**")
    wait_for_job(page)


# --- the shots, role by role ----------------------------------------------------------------------


def anonymous(ctx: Context) -> None:
    page = new_page(ctx)
    page.goto("/")
    shot(page, "home")
    page.goto(network_url())
    shot(page, "network-public")
    page.goto("/accounts/login/")
    shot(page, "login")
    page.goto("/accounts/password/reset/")
    page.fill("main form input[type=email]", "anna.esempio@example.org")
    shot(page, "password-reset")

    # needs: the public report form, the public figures, an open survey's public page
    page.goto(network_url("needs/report/"))
    page.select_option("#id_area", label="Conciliazione famiglia-lavoro")
    page.select_option("#id_target_group", value="families")
    page.select_option("#id_municipality", label="Cremona")
    page.select_option("#id_neighbourhood", label="Po (Cremona)")
    page.fill(
        "#id_description",
        "Lavoro fino alle 18: mi servirebbe qualcuno che segua mio figlio nei compiti due pomeriggi a settimana.",
    )
    page.fill("#id_time_windows", "mar e gio 16-18")
    page.fill("#id_contact_name", "Anna Esempio")
    page.fill("#id_contact_email", "anna.esempio@example.org")
    shot(page, "need-report-form")
    page.goto(network_url("needs/map/public/"))
    shot(page, "needs-map-public")
    open_details(page, "main details.legami-filters-panel")
    page.select_option("#id_municipality", label="Cremona")
    page.click("main form.legami-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    open_details(page, "#cross-heading ~ details")
    shot_from(page, "needs-map-public-table", "#cross-heading")
    page.context.close()


def admin(ctx: Context) -> None:
    page = login(ctx, "admin")
    shot(page, "admin-account")
    page.goto("/platform/")
    shot(page, "platform-networks")
    invite = first_href(page, 'a[href^="/platform/networks/"][href$="/invite/"]')
    page.goto("/platform/networks/new/")
    page.fill("#id_name", "Comunità in rete — Ambito di esempio")
    page.fill("#id_slug", "comunita-esempio")
    page.fill("#id_summary", "Una rete di prova per la documentazione.")
    shot(page, "platform-network-new")
    page.goto(invite)
    shot(page, "platform-coordinator-invite")
    page.context.close()


def coordinator(ctx: Context) -> None:
    page = login(ctx, "coordinator")
    page.goto(network_url("dashboard/"))
    shot(page, "coordinator-dashboard")

    # territory
    page.goto(network_url("territory/"))
    shot(page, "territory-overview")
    page.goto(network_url("territory/municipalities/add/?q=casal"))
    shot(page, "territory-municipality-add")
    page.goto(network_url("territory/districts/new/"))
    shot(page, "territory-district-new")
    page.goto(network_url("territory/neighbourhoods/new/"))
    shot(page, "territory-neighbourhood-new")
    page.goto(network_url("territory/places/"))
    shot(page, "territory-places")
    page.goto(first_href(page, "main table a[href*='/territory/places/']"))
    shot(page, "territory-place-detail")
    page.goto(network_url("territory/places/new/"))
    shot(page, "territory-place-new")

    # partner organisations
    page.goto(network_url("partners/"))
    shot(page, "partners")
    page.goto(network_url("partners/?q=Trama"))
    organization = first_href(page, "main table a[href*='/partners/']")
    page.goto(organization)
    shot(page, "partner-detail")
    page.goto(network_url("partners/new/"))
    shot(page, "partner-new")
    page.goto(organization + "roles/new/")
    shot(page, "partner-role-new")

    # members and invitations
    page.goto(network_url("members/"))
    shot(page, "members")
    page.goto(network_url("members/invite/"))
    page.fill("#id_email", f"nuovo.operatore.{int(time.time())}@example.org")
    page.fill("#id_full_name", "Nuovo Operatore")
    page.select_option("#id_role", "community_worker")
    page.select_option("#id_district", label="Ambito Cremasco")
    shot(page, "member-invite")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    shot(page, "member-invite-done")
    # The link carries LEGAMI_BASE_URL; open its path on the server being photographed.
    link = page.input_value("#invitation-link")
    guest = new_page(ctx)
    guest.goto("/" + link.split("/", 3)[3])
    shot(guest, "invitation-accept")
    guest.context.close()

    # the person registry
    page.goto(network_url("people/"))
    shot(page, "people")
    page.goto(network_url("people/?q=&municipality=&household=yes&age=&sort=municipality"))
    page.select_option("#id_municipality", label="Crema")
    page.click("main form.legami-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    shot(page, "people-filtered")
    page.goto(network_url("households/"))
    shot(page, "households")
    household = first_href(page, "main table a[href*='/households/']")
    page.goto(household)
    shot(page, "household-detail")
    person = first_href(page, "main table a[href*='/people/']")
    page.goto(person)
    shot(page, "person-detail")
    page.goto(person + "consents/")
    shot(page, "person-consents")
    page.goto(network_url("people/new/"))
    shot(page, "person-new")
    page.fill("#id_first_name", "Maria")
    page.fill("#id_last_name", "Rossi")
    page.fill("#id_tax_code", "RSSMRA80A41D150X")
    page.click("main form button.btn-primary[type=submit]")
    page.wait_for_load_state("load")
    shot(page, "person-new-error")

    # ties
    page.goto(network_url("ties/"))
    shot(page, "ties")
    page.goto(network_url("ties/new/"))
    shot(page, "tie-new")

    # import and export
    page.goto(network_url("people/import/"))
    shot(page, "people-import")
    upload(page, ctx, "persone-con-errori.csv", BAD_IMPORT)
    shot(page, "import-job-failed")
    upload(page, ctx, "persone-nuove.csv", GOOD_IMPORT)
    shot(page, "import-job-succeeded")

    # privacy and audit
    page.goto(network_url("privacy/processings/"))
    shot(page, "processings")
    page.goto(network_url("privacy/processings/new/"))
    shot(page, "processing-new")
    page.goto(network_url("audit/"))
    shot(page, "audit")

    # needs: the list, a new need, a need with its history, the areas, the import page
    page.goto(network_url("needs/"))
    shot(page, "needs-list")
    page.goto(network_url("needs/new/"))
    page.select_option("#id_area", label="Conciliazione famiglia-lavoro")
    page.select_option("#id_target_group", value="families")
    page.fill(
        "#id_description",
        "Madre sola con due figli alle elementari: lavora fino alle 18 e chiede un doposcuola vicino a casa.",
    )
    page.select_option("#id_channel", value="interview")
    page.fill("#id_time_windows", "mar e gio 16-18")
    page.select_option("#id_municipality", label="Cremona")
    page.select_option("#id_neighbourhood", label="Po (Cremona)")
    page.fill("#id_people_count", "3")
    shot(page, "need-new")
    page.goto(network_url("needs/areas/"))
    shot(page, "need-areas")
    page.goto(network_url("needs/import/"))
    shot(page, "needs-import")

    # the needs map (exact figures): one Comune, so that the figures go down to its neighbourhoods
    page.goto(network_url("needs/map/"))
    open_details(page, "main details.legami-filters-panel")
    page.select_option("#id_municipality", label="Cremona")
    page.click("main form.legami-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    shot_from(page, "needs-map", "#summary-heading")

    # demand aggregation: the list, a candidate, an accepted demand and one of its needs, a run
    page.goto(network_url("demands/"))
    shot(page, "demands-list")
    page.goto(network_url("demands/?status=candidate"))
    page.goto(first_href(page, "main table a[href*='/demands/']"))
    shot(page, "demand-candidate")
    page.goto(network_url("demands/?status=accepted"))
    page.goto(first_href(page, "main table a[href*='/demands/']"))
    shot(page, "demand-detail")
    page.goto(first_href(page, "main table a[href*='/needs/']"))
    shot(page, "need-detail")
    page.goto(network_url("demands/runs/"))
    page.goto(first_href(page, "main table a[href*='/demands/runs/']"))
    run = page.url
    shot(page, "aggregation-run")
    # the vocabulary, found by one of its terms; then a merge of two candidates and what the engine learned
    page.goto(network_url("demands/vocabulary/?q=compiti"))
    shot(page, "aggregation-vocabulary")
    page.goto(network_url("demands/?status=candidate"))
    page.goto(first_href(page, "main table a[href*='/demands/']").rstrip("/") + "/merge/")
    # a hasty merge (an after-school group with a summer-camp one): the run page shows the lesson and its undo
    summer = page.locator("#id_other option", has_text="Centri estivi").first.get_attribute("value")
    page.select_option("#id_other", value=summer)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    page.goto(run)
    shot_from(page, "aggregation-learned", "#learned")
    page.goto(network_url("demands/new-needs/"))
    shot(page, "demand-suggestions")

    # the account and the API tokens
    page.goto("/accounts/")
    shot(page, "account")
    page.goto("/accounts/tokens/")
    page.fill("#id_name", "Collegamento con il gestionale del Comune")
    page.fill("#id_expires_in_days", "90")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    shot(page, "tokens")
    page.context.close()


def case_manager(ctx: Context) -> None:
    page = login(ctx, "case_manager")
    page.goto(network_url("dashboard/"))
    shot(page, "case-manager-dashboard")
    page.goto(network_url("people/?q=rossi"))
    shot(page, "case-manager-people-search")
    page.goto(network_url("households/"))
    person = first_href(page, "main table a[href*='/households/']")
    page.goto(person)
    page.goto(first_href(page, "main table a[href*='/people/']") + "edit/")
    shot(page, "person-edit")
    # a need kept to the case team (opening it is written to the audit log)
    case_need = "main table tr:has(.badge) a[href*='/needs/']"
    for number in range(1, 40):
        page.goto(network_url(f"needs/?page={number}"))
        if page.locator(case_need).count():
            page.goto(first_href(page, case_need))
            shot(page, "need-case-team")
            break
    page.context.close()


def community_worker(ctx: Context) -> None:
    page = login(ctx, "community_worker")
    page.goto(network_url("dashboard/"))
    shot(page, "community-worker-dashboard")
    page.goto(network_url("ties/?kind=mutual_help"))
    shot(page, "ties-mutual-help")
    page.goto(network_url("ties/new/"))
    page.fill("#id_source_search", "Zanoni")
    page.click("main form button[name=_search][value=source]")
    page.wait_for_load_state("networkidle")
    shot(page, "tie-new-search")

    # surveys: the open survey's builder, a new question, its rules, results and public page
    page.goto(network_url("needs/surveys/"))
    shot(page, "surveys")
    page.goto(first_href(page, "main table tr:has(td:text-is('Aperto')) a[href*='/needs/surveys/']"))
    survey = page.url
    shot(page, "survey-builder")
    public = public_path(page, "#public-link")
    page.goto(survey + "questions/new/")
    page.fill("#id_text", "Di quale servizio avrebbe più bisogno la tua famiglia?")
    page.select_option("#id_kind", value="single_choice")
    page.fill("#id_choices", "Doposcuola\nCentro estivo\nSpazio compiti per le medie\nNessuno")
    page.click("label[for=id_required]")
    shot(page, "survey-question")
    page.goto(survey + "rules/")
    shot(page, "survey-rules")
    page.goto(survey + "results/")
    shot(page, "survey-results")
    page.goto(public)
    shot(page, "survey-public")
    page.context.close()


def partner_staff(ctx: Context) -> None:
    page = login(ctx, "partner_staff")
    page.goto(network_url("dashboard/"))
    shot(page, "partner-staff-dashboard")
    organization = first_href(page, "main .legami-panel-links a[href*='/partners/']")
    page.goto(organization)
    shot(page, "partner-staff-organization")
    page.goto(organization + "edit/")
    shot(page, "partner-staff-organization-edit")
    page.context.close()


def evaluator(ctx: Context) -> None:
    page = login(ctx, "evaluator")
    page.goto(network_url("dashboard/"))
    shot(page, "evaluator-dashboard")
    page.goto(network_url("partners/"))
    shot(page, "evaluator-partners")
    page.goto(network_url("territory/"))
    shot(page, "evaluator-territory")
    page.goto(network_url("needs/surveys/"))
    page.goto(first_href(page, "main table tr:has(td:text-is('Aperto')) a[href*='/results/']"))
    shot(page, "survey-results-evaluator")
    page.goto(network_url("demands/?status=accepted"))
    page.goto(first_href(page, "main table a[href*='/demands/']"))
    shot(page, "demand-evaluator")
    page.context.close()


def funder(ctx: Context) -> None:
    page = login(ctx, "funder")
    page.goto(network_url("dashboard/"))
    shot(page, "funder-dashboard")
    page.context.close()


def citizen(ctx: Context) -> None:
    page = login(ctx, "citizen")
    shot(page, "citizen-account")
    # Two-factor verification, optional for a citizen in the demo: the state, then the set-up page (not
    # confirmed, so that the next run still logs in with the password alone).
    page.goto("/accounts/two-factor/")
    shot(page, "two-factor-state")
    page.goto("/accounts/two-factor/setup/")
    shot(page, "two-factor-setup")
    page.goto(network_url())
    shot(page, "citizen-network-home")
    page.goto(network_url("dashboard/"))
    shot(page, "citizen-dashboard")
    page.context.close()


def privacy_officer(ctx: Context) -> None:
    page = login(ctx, "privacy_officer")
    page.goto(network_url("dashboard/"))
    shot(page, "privacy-dashboard")
    page.goto(network_url("privacy/processings/"))
    page.goto(first_href(page, "main table a[href*='/privacy/processings/']"))
    shot(page, "processing-edit")
    page.goto(network_url("audit/?data_class=personal"))
    shot(page, "privacy-audit-personal")
    page.click("form[action$='/audit/verify/'] button[type=submit]")
    page.wait_for_load_state("load")
    wait_for_verification(page)
    shot(page, "privacy-audit-verified")
    page.goto(network_url("people/"))
    shot(page, "privacy-people")
    person = first_href(page, "main table a[href*='/people/']")
    page.goto(person)
    shot(page, "privacy-person")
    page.goto(person + "anonymise/")
    shot(page, "privacy-person-anonymise")
    page.goto(person + "consents/")
    shot(page, "privacy-person-consents")
    page.context.close()


def participation(ctx: Context) -> None:
    """The community labs: a process's page, its proposals, a meeting and the roll call on a phone, moderation."""
    page = new_page(ctx)
    page.goto(network_url("processes/"))
    shot(page, "participation-processes")
    process = first_href(page, "main a[href*='/processes/']:text('Cambonino')")
    page.goto(process)
    shot(page, "participation-process")
    page.goto(process + "proposals/")
    shot(page, "participation-proposals")
    page.context.close()
    phone = login(ctx, "citizen", width=360)
    phone.goto(process)
    phone.goto(first_href(phone, "main a[href*='/meetings/']"))
    shot(phone, "participation-meeting-phone")
    phone.context.close()
    worker = login(ctx, "community_worker", width=360)
    worker.goto(process)
    past = first_href(worker, "main h3 + ul a[href*='/meetings/']")
    worker.goto(past + "roll-call/")
    shot(worker, "participation-roll-call")
    worker.context.close()
    worker = login(ctx, "community_worker")
    worker.goto(process)
    shot_from(worker, "participation-attendance", "#attendance-heading")
    worker.goto(network_url("processes/moderation/"))
    shot(worker, "participation-moderation")
    # A lab started from a reading of the needs map: the filters, then the page that drafts the process.
    worker.goto(network_url("needs/map/"))
    open_details(worker, "details.legami-filters-panel")
    worker.select_option("#id_municipality", label="Cremona")
    worker.click("form.legami-filters button[type=submit]")
    worker.click("a:text('Avvia un processo partecipativo da questi dati')")
    shot(worker, "participation-from-map")
    worker.context.close()


def responses(ctx: Context) -> None:
    """Co-programming, the co-design table and the response it produced, with its accountability page."""
    page = new_page(ctx)
    page.goto(network_url("responses/"))
    shot(page, "responses-list")
    page.goto(first_href(page, "main a[href*='/responses/']:text('Cambonino')"))
    shot(page, "response-accountability")
    page.context.close()
    coordinator = login(ctx, "coordinator")
    coordinator.goto(network_url("responses/co-programming/"))
    coordinator.goto(first_href(coordinator, "main a[href*='/co-programming/']:text('Co-programmazione')"))
    shot(coordinator, "coprogramming-round")
    coordinator.goto(network_url("responses/co-design/"))
    call = first_href(coordinator, "main a[href*='/co-design/']:text('Cambonino')")
    coordinator.goto(call)
    shot(coordinator, "codesign-call")
    coordinator.goto(call + "ranking/")
    shot(coordinator, "codesign-ranking")
    # The partners' spreadsheets of hours, spaces and money: the co-production import page.
    coordinator.goto(network_url("responses/coproduction/import/"))
    shot(coordinator, "coproduction-import")
    coordinator.context.close()


def exchange(ctx: Context) -> None:
    """Offers and matching: the public offer form on a phone, a run of the engine, a match on a phone."""
    page = new_page(ctx, PHONE_WIDTH)
    page.goto(network_url("exchange/offer/"))
    shot(page, "exchange-offer-form")
    page.context.close()
    worker = login(ctx, "community_worker")
    worker.goto(network_url("exchange/matching/"))
    worker.goto(first_href(worker, "main a[href*='/matching/runs/']"))
    shot(worker, "exchange-run")
    match = first_href(worker, "main a[href*='/exchange/matches/']")
    worker.context.close()
    phone = login(ctx, "community_worker", PHONE_WIDTH)
    phone.goto(match)
    shot(phone, "exchange-match-phone")
    phone.context.close()


def community_resources(ctx: Context) -> None:
    """The time bank, a shared space's week, the Civic Center calendar and an activity in a space, on a phone."""
    citizen = login(ctx, "citizen", PHONE_WIDTH)
    citizen.goto(network_url("exchange/timebank/"))
    shot(citizen, "timebank-my-account")
    citizen.goto(network_url("exchange/spaces/"))
    citizen.goto(first_href(citizen, "main a[href*='/exchange/spaces/']"))
    shot(citizen, "spaces-space-week")
    citizen.context.close()
    page = new_page(ctx, PHONE_WIDTH)
    page.goto(network_url("activities/"))
    shot(page, "activities-calendar")
    page.context.close()
    # An activity held in a shared space: its sessions book the room, one Thursday is taken by the choir.
    coordinator = login(ctx, "coordinator", PHONE_WIDTH)
    coordinator.goto(network_url("activities/manage/"))
    coordinator.goto(first_href(coordinator, "main a:has-text('Teatro ragazzi')"))
    shot(coordinator, "activities-activity-space")
    coordinator.context.close()


def pacts(ctx: Context) -> None:
    """Referrals and generative pacts: the sentinel on a phone, the triage, the case manager's desk on a phone, a
    case, a pact with its budget and give-back, a review and the differences between versions, the host's queue and
    the privacy officer's list of cases."""
    sentinel = login(ctx, "sentinel", PHONE_WIDTH)
    sentinel.goto(network_url("referrals/new/"))
    shot(sentinel, "referrals-file-phone")
    sentinel.goto(network_url("referrals/mine/"))
    shot(sentinel, "referrals-mine-phone")
    sentinel.context.close()
    coordinator = login(ctx, "coordinator")
    coordinator.goto(network_url("referrals/"))
    shot(coordinator, "referrals-queue")
    coordinator.goto(first_matching(coordinator, r"/referrals/\d+/$"))
    shot(coordinator, "referrals-detail")
    coordinator.context.close()
    phone = login(ctx, "case_manager", PHONE_WIDTH)
    phone.goto(network_url("pacts/"))
    shot(phone, "pacts-desk-phone")
    phone.context.close()
    manager = login(ctx, "case_manager")
    manager.goto(network_url("pacts/cases/"))
    manager.goto(first_matching(manager, r"/pacts/cases/\d+/$"))
    shot(manager, "pacts-case")
    manager.goto(network_url("pacts/"))
    manager.goto(first_matching(manager, r"/pacts/\d+/$"))
    shot(manager, "pacts-pact")
    pact = manager.url
    manager.goto(pact + "budget/")
    shot(manager, "pacts-budget")
    manager.goto(pact + "give-back/")
    shot(manager, "pacts-giveback")
    manager.goto(pact + "versions/")
    shot(manager, "pacts-versions")
    manager.context.close()
    host = login(ctx, "partner_staff", PHONE_WIDTH)
    host.goto(network_url("pacts/hours/"))
    shot(host, "pacts-hours-to-confirm-phone")
    host.context.close()
    officer = login(ctx, "privacy_officer")
    officer.goto(network_url("pacts/cases/"))
    shot(officer, "pacts-cases-privacy-officer")
    officer.context.close()


ROLES: dict[str, Callable[[Context], None]] = {
    "anonymous": anonymous,
    "admin": admin,
    "coordinator": coordinator,
    "case_manager": case_manager,
    "community_worker": community_worker,
    "partner_staff": partner_staff,
    "evaluator": evaluator,
    "funder": funder,
    "citizen": citizen,
    "privacy_officer": privacy_officer,
    "participation": participation,
    "responses": responses,
    "exchange": exchange,
    "community_resources": community_resources,
    "pacts": pacts,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8100", help="where the demo is served")
    parser.add_argument("--only", default="", help="comma-separated roles: " + ", ".join(ROLES))
    parser.add_argument("--list", action="store_true", help="list the roles and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(ROLES))
        return 0
    chosen = [r.strip() for r in args.only.split(",") if r.strip()] or list(ROLES)
    unknown = [r for r in chosen if r not in ROLES]
    if unknown:
        parser.error(f"unknown roles: {', '.join(unknown)}")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        ctx = Context(base=args.base_url.rstrip("/"), browser=browser, tmp=Path(tmp))
        try:
            for role in chosen:
                print(role)
                ROLES[role](ctx)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
