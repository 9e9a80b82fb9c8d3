"""The coordinator's first day, in Chromium: log in, add a partner, invite a member, import people.

The pages are in Italian; the test finds labels and buttons by their English msgid translated with
the project's own catalogue, so it follows the translation instead of hard-coding it. Every page
the journey visits must pass axe (all pages' violations are listed together at the end).
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from legami.accounts.models import Invitation
from legami.accounts.tests.otp import authenticator, code
from legami.core.models import Job
from legami.core.tests.factories import PASSWORD
from legami.network.models import Organization, Person

pytestmark = [pytest.mark.browser, pytest.mark.two_factor_flow]


def t(msgid: str) -> str:
    """The Italian text the page shows for `msgid`."""
    with translation.override("it"):
        return gettext(msgid)


def label(msgid: str) -> re.Pattern:
    """A field's label: it starts with the translated text (then maybe the "(required)" note)."""
    return re.compile(rf"^\s*{re.escape(t(msgid))}(\s|\(|$)", re.IGNORECASE)


def exactly(msgid: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(t(msgid))}\s*$", re.IGNORECASE)


def submit(page, msgid: str) -> None:
    """Click the form's button and wait for the page the POST leads to (before touching the database:
    the server thread and the test share it)."""
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=exactly(msgid)).click()


def people_csv(rows: list[dict]) -> bytes:
    from legami.network.services.imports import PERSON_IMPORT_COLUMNS

    lines = [",".join(PERSON_IMPORT_COLUMNS)]
    lines += [",".join(row.get(column, "") for column in PERSON_IMPORT_COLUMNS) for row in rows]
    return ("\n".join(lines) + "\n").encode()


GOOD_ROWS = [
    {
        "nome": "Giulia",
        "cognome": "Ferrari",
        "email": "giulia.ferrari@example.org",
        "comune_istat": "019036",
    },
    {"nome": "Paolo", "cognome": "Galli", "email": "paolo.galli@example.org", "comune_istat": "019035"},
    {"nome": "Anna", "cognome": "Conti", "email": "anna.conti@example.org", "comune_istat": "019036"},
]
# Row 3 of the file (the header is row 1) has an e-mail address that is not one.
BAD_ROWS = [GOOD_ROWS[0], {**GOOD_ROWS[1], "email": "paolo.galli-at-example"}, GOOD_ROWS[2]]


def test_coordinator_journey(cast, page, check_a11y):
    network = cast.network
    slug = network.slug
    people_before = Person.objects.filter(network=network).count()

    # 1. Log in through the form, then the code of the authenticator app, landing on the dashboard.
    device = authenticator(cast.coordinator)
    dashboard = reverse("network:dashboard", args=[slug])
    page.goto(f"{reverse('accounts:login')}?next={dashboard}")
    check_a11y.soft(page)
    page.get_by_label(label("E-mail address")).fill(cast.coordinator.email)
    page.get_by_label(label("Password")).fill(PASSWORD)
    submit(page, "Log in")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    check_a11y.soft(page)
    page.get_by_label(label("Code from the app")).fill(code(device))
    submit(page, "Verify")
    page.wait_for_url(f"**{dashboard}")
    check_a11y.soft(page)

    # 2. Add a partner organisation through its form.
    page.goto(reverse("network:organizations", args=[slug]))
    check_a11y.soft(page)
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("Add an organisation")).click()
    page.wait_for_url(f"**{reverse('network:organization_create', args=[slug])}")
    check_a11y.soft(page)
    page.get_by_label(label("Name")).fill("Associazione Porta Aperta")
    page.get_by_label(label("Kind")).select_option(Organization.Kind.ASSOCIATION.value)
    submit(page, "Save")
    organization = Organization.objects.get(network=network, name="Associazione Porta Aperta")
    page.wait_for_url(f"**{reverse('network:organization_detail', args=[slug, organization.pk])}")
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Associazione Porta Aperta"
    check_a11y.soft(page)

    # 3. Invite a member, then find the invitation pending in the members list.
    page.goto(reverse("network:members", args=[slug]))
    check_a11y.soft(page)
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("Invite a member")).click()
    check_a11y.soft(page)
    page.get_by_label(label("E-mail address")).fill("nuova.operatrice@example.org")
    page.get_by_label(label("Full name")).fill("Nuova Operatrice")
    page.get_by_label(label("Role")).select_option("community_worker")
    submit(page, "Send the invitation")
    check_a11y.soft(page)
    invitation = Invitation.objects.get(network=network, email="nuova.operatrice@example.org")
    assert invitation.is_pending and invitation.invited_by == cast.coordinator
    page.goto(reverse("network:members", args=[slug]))
    row = page.get_by_role("row").filter(has_text="nuova.operatrice@example.org")
    assert row.count() == 1
    assert t("Pending") in row.inner_text()
    check_a11y.soft(page)

    # 4. Import people from a CSV file with one bad row: the error names row, column and reason, and
    #    nothing is written.
    import_url = reverse("network:people_import", args=[slug])
    page.goto(import_url)
    check_a11y.soft(page)
    jobs_before = set(Job.objects.filter(network=network).values_list("pk", flat=True))
    page.get_by_label(label("File to import")).set_input_files(
        {"name": "persone.csv", "mimeType": "text/csv", "buffer": people_csv(BAD_ROWS)}
    )
    submit(page, "Start the import")
    error = page.locator("tr, li").filter(has_text="email").filter(has_text=re.compile(r"\b3\b"))
    assert error.count() >= 1, f"no error naming row 3 and column email on {page.url}:\n{page.inner_text('main')}"
    reason = error.first.inner_text()
    assert len(re.sub(r"\b3\b|email", "", reason).strip(" :,-\n\t")) > 5, f"the error gives no reason: {reason!r}"
    check_a11y.soft(page)
    failed = Job.objects.filter(network=network).exclude(pk__in=jobs_before).get()
    assert failed.status == Job.Status.FAILED
    assert any(e.get("row") == 3 and e.get("column") == "email" for e in failed.errors), failed.errors
    jobs_before.add(failed.pk)
    assert Person.objects.filter(network=network).count() == people_before
    assert not Person.objects.filter(network=network, last_name__in=["Ferrari", "Galli", "Conti"]).exists()

    # 5. The fixed file imports: the job page reports success and the people exist.
    page.goto(import_url)
    page.get_by_label(label("File to import")).set_input_files(
        {"name": "persone.csv", "mimeType": "text/csv", "buffer": people_csv(GOOD_ROWS)}
    )
    submit(page, "Start the import")
    job = Job.objects.filter(network=network).exclude(pk__in=jobs_before).order_by("-pk").first()
    assert job is not None
    page.wait_for_url(f"**{reverse('network:people_import_job', args=[slug, job.pk])}")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, (job.status, job.errors)
    assert t("Completed") in page.inner_text("main")
    check_a11y.soft(page)
    imported = Person.objects.filter(network=network, last_name__in=["Ferrari", "Galli", "Conti"])
    assert sorted(imported.values_list("first_name", flat=True)) == ["Anna", "Giulia", "Paolo"]
    assert imported.get(last_name="Galli").municipality.istat_code == "019035"
    assert not page.js_errors, page.js_errors
    check_a11y.finish()
