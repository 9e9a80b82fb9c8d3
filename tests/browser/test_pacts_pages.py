"""Every GET page of referrals and pacts in Chromium on a 320 px phone, as a persona allowed to open it, with
realistic data: it answers 200, fits the phone without horizontal scrolling, passes axe, and its main action (the
form's submit, or the page's main link) is reached from the top of the page with the Tab key alone.

The routes come from legami/referrals/urls.py and legami/pacts/urls.py; those that are POST only (the triage's and
the pact's moves, deciding an expense, answering hours) have no page, and the downloads (the PDF, the signed scan,
the receipt) are checked for what they are instead. A test fails listing every page's problems at once.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from legami.pacts.models import AssessmentKind, BudgetLine, Case, Domain, PactStatus, Review
from legami.pacts.services.assessments import evidence_field, notes_field, record_assessment, score_field
from legami.pacts.services.budget import record_expense
from legami.pacts.services.cases import close_case
from legami.pacts.services.giveback import confirm_give_back
from legami.pacts.services.pacts import create_version, open_review
from legami.pacts.services.reviews import hold_review, review_items
from legami.pacts.tests.factories import case_processing, open_case
from legami.pacts.tests.factories_giveback import pending_hours, started_pact
from legami.referrals.services.triage import ask_reporter, assign_referral, close_referral
from legami.referrals.tests.factories import in_cremona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL = {"width": 320, "height": 640}
MAX_TABS = 400
TODAY = timezone.localdate()

# Every route of the two urls.py modules: the ones with a page are below (PAGES); these have none.
POST_ONLY = {"referrals:move", "pacts:pact_move", "pacts:expense_decide", "pacts:giveback_decide"}
DOWNLOADS = {"pacts:pact_pdf", "pacts:pact_signature_scan", "pacts:expense_document"}

# The main action of each kind of page: the form's submit button, else the page's main link.
SUBMIT = "main form[method=post] button[type=submit]:not([tabindex='-1'])"
FILTER = "main form[method=get] button[type=submit]"


def _assessment(actor, case, kind, scores, day):
    data = {"kind": kind, "assessed_on": day, "note": "Colloquio con la persona e con la sua vicina."}
    for domain, score in zip(Domain.values, scores, strict=True):
        data[score_field(domain)] = str(score)
        data[notes_field(domain)] = "Vive in un alloggio ALER con affitto arretrato." if domain == "housing" else ""
        data[evidence_field(domain)] = ""
    return record_assessment(actor=actor, case=case, data=data)


def _world(cast) -> dict:
    """Referrals at each stage and cases and pacts as a case manager has them after a few months."""
    network = cast.network
    manager = cast.case_manager
    case_processing(network)

    # Referrals: one waiting for the reporter's answer, one to take in charge, one decided.
    asked = in_cremona(cast)
    ask_reporter(
        actor=cast.coordinator,
        referral=asked,
        data={"question": "Sa se la signora ha dei figli che vivono in zona? Da quanto tempo la vede così?"},
    )
    waiting = in_cremona(cast, subject="Il ragazzo del terzo piano, lascia la scuola")
    assign_referral(actor=cast.coordinator, referral=waiting, data={"assignee": manager, "note": ""})
    closed = in_cremona(cast, subject="Famiglia con sfratto esecutivo")
    close_referral(actor=cast.coordinator, referral=closed, data={"reason": "duplicate", "note": ""})

    # A pact in force for four weeks, reviewed with outcome "change": version 2 is being written.
    pact = started_pact(cast)
    case = pact.case
    _assessment(manager, case, AssessmentKind.BASELINE, (2, 2, 1, 3, 2, 3, 3, 3), TODAY - datetime.timedelta(28))
    review_assessment = _assessment(manager, case, AssessmentKind.REVIEW, (3, 3, 2, 3, 3, 4, 3, 4), TODAY)
    line = BudgetLine.objects.get(version_id=pact.current_version_id)
    for amount, what in (("240,00", "Iscrizione al corso OSS"), ("420,00", "Libri e divisa del corso")):
        record_expense(
            actor=manager,
            pact=pact,
            data={"line": str(line.key), "amount": amount, "spent_on": TODAY, "description": what},
            document=SimpleUploadedFile("ricevuta.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
    confirmed = pending_hours(cast, pact, minutes=180, days_ago=10)
    confirm_give_back(actor=cast.partner_staff, hours=confirmed, confirmed=True)
    pending_hours(cast, pact, minutes=120, days_ago=3)
    version1 = pact.current_version
    version1.signature_scan.save("firmato.pdf", ContentFile(b"%PDF-1.4\n% firmato\n"), save=True)
    review = open_review(actor=manager, pact=pact)
    items = {str(row.key): {"rating": "partly", "note": "Procede bene."} for _kind, row in review_items(review)}
    hold_review(
        actor=manager,
        review=review,
        data={
            "held_on": TODAY,
            "notes": "Buona partecipazione al doposcuola.",
            "assessment": review_assessment,
            "outcome": "change",
            "interrupt_reason": "",
            "items": items,
        },
    )
    review.refresh_from_db()
    create_version(actor=manager, pact=pact, data={"change_note": "Un'ora in più di doposcuola alla settimana."})
    pact.refresh_from_db()
    assert pact.status == PactStatus.UNDER_REVIEW

    # A second pact under review, not yet held: the review form and the new version's form.
    other = started_pact(cast)
    other_review = open_review(actor=manager, pact=other)

    # A case without a pact yet, and a closed one.
    fresh = open_case(cast)
    shut = open_case(cast)
    close_case(actor=manager, case=shut, data={"close_reason": "goals_reached", "note": ""})
    return {
        "asked": asked,
        "waiting": waiting,
        "case": case,
        "pact": pact,
        "version1": version1,
        "review": review,
        "other": other,
        "other_review": other_review,
        "fresh": fresh,
        "shut": shut,
        "expense": pact.expenses.order_by("id").first(),
    }


def _pages(cast, w) -> list[tuple[str, str, object, str]]:
    """(route name, url, persona, the main action's selector) for every GET page."""
    slug = cast.network.slug

    def url(name, *args):
        return reverse(name, args=[slug, *args])

    sentinel, coordinator, manager = cast.sentinel, cast.coordinator, cast.case_manager
    return [
        ("referrals:file", url("referrals:file"), sentinel, SUBMIT),
        ("referrals:filed", url("referrals:filed", w["asked"].pk), sentinel, "main a.btn-primary"),
        ("referrals:mine", url("referrals:mine"), sentinel, "main a.btn-primary"),
        ("referrals:mine_detail", url("referrals:mine_detail", w["asked"].pk), sentinel, SUBMIT),
        ("referrals:queue", url("referrals:queue"), coordinator, FILTER),
        ("referrals:queue", url("referrals:queue") + "?decided=1", coordinator, FILTER),
        ("referrals:detail", url("referrals:detail", w["waiting"].pk), manager, "main a.btn-primary"),
        ("pacts:desk", url("pacts:desk"), manager, "main a[href*='/pacts/']"),
        ("pacts:cases", url("pacts:cases"), manager, FILTER),
        ("pacts:cases", url("pacts:cases"), cast.privacy_officer, FILTER),
        ("pacts:case_create", url("pacts:case_create"), manager, SUBMIT),
        ("pacts:case_from_referral", url("pacts:case_from_referral", w["waiting"].pk), manager, SUBMIT),
        ("pacts:case", url("pacts:case", w["case"].pk), manager, "main a.btn-primary"),
        ("pacts:case", url("pacts:case", w["case"].pk), cast.privacy_officer, "main a[href*='/pacts/']"),
        ("pacts:case_team", url("pacts:case_team", w["case"].pk), manager, SUBMIT),
        ("pacts:case_move", url("pacts:case_move", w["fresh"].pk, "close"), manager, SUBMIT),
        ("pacts:case_move", url("pacts:case_move", w["shut"].pk, "reopen"), manager, SUBMIT),
        ("pacts:assessment_create", url("pacts:assessment_create", w["case"].pk), manager, SUBMIT),
        ("pacts:assessment", url("pacts:assessment", w["review"].assessment_id), manager, "main a[href*='/cases/']"),
        ("pacts:pact_create", url("pacts:pact_create", w["fresh"].pk), manager, SUBMIT),
        ("pacts:pact", url("pacts:pact", w["pact"].pk), manager, "main a.btn-primary"),
        ("pacts:pact", url("pacts:pact", w["pact"].pk), cast.privacy_officer, "main a[href*='/versions/']"),
        ("pacts:pact_edit", url("pacts:pact_edit", w["pact"].pk), manager, "#form-commitment-new button"),
        ("pacts:pact_signature", url("pacts:pact_signature", w["pact"].pk), manager, SUBMIT),
        ("pacts:pact_versions", url("pacts:pact_versions", w["pact"].pk), manager, "main a[href*='/versions/']"),
        ("pacts:version_create", url("pacts:version_create", w["other"].pk), manager, SUBMIT),
        ("pacts:pact_diff", url("pacts:pact_diff", w["pact"].pk), manager, f"main a[href$='/{w['pact'].pk}/']"),
        ("pacts:pact_version", url("pacts:pact_version", w["version1"].pk), manager, "main a[href*='/pdf/']"),
        ("pacts:review", url("pacts:review", w["review"].pk), manager, f"main a[href$='/{w['pact'].pk}/']"),
        ("pacts:review", url("pacts:review", w["other_review"].pk), manager, "main a.btn-primary"),
        ("pacts:review_hold", url("pacts:review_hold", w["other_review"].pk), manager, SUBMIT),
        ("pacts:budget", url("pacts:budget", w["pact"].pk), manager, "main a.btn-primary"),
        ("pacts:expense_create", url("pacts:expense_create", w["pact"].pk), manager, SUBMIT),
        ("pacts:giveback", url("pacts:giveback", w["pact"].pk), manager, "main a.btn-primary"),
        ("pacts:giveback_log", url("pacts:giveback_log", w["pact"].pk), manager, SUBMIT),
        ("pacts:giveback_confirmations", url("pacts:giveback_confirmations"), cast.partner_staff, SUBMIT),
    ]


def _routes(module) -> set[str]:
    from django.urls import URLPattern

    return {f"{module.app_name}:{p.name}" for p in module.urlpatterns if isinstance(p, URLPattern)}


def _reach_by_tab(page, selector: str) -> str | None:
    """Tab from the top of the page until the focus is on the first element matching `selector`; the problem."""
    target = page.locator(selector).first
    if target.count() == 0:
        return f"{page.url}: no element matches {selector!r}"
    target.evaluate("element => element.setAttribute('data-legami-tab-target', '')")
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    for _press in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(
            "() => !!document.activeElement && document.activeElement.hasAttribute('data-legami-tab-target')"
        ):
            return None
    return f"{page.url}: {selector!r} not reached with {MAX_TABS} presses of Tab"


def test_every_page_on_a_320_px_phone(cast, page, login_as, check_a11y):
    from legami.pacts import urls as pacts_urls
    from legami.referrals import urls as referrals_urls

    world = _world(cast)
    pages = _pages(cast, world)
    # Every route of the two apps is a page here, a download (below) or POST only.
    routes = _routes(referrals_urls) | _routes(pacts_urls)
    assert routes == {name for name, *_rest in pages} | POST_ONLY | DOWNLOADS
    page.set_viewport_size(SMALL)
    problems: list[str] = []
    persona = None
    for name, url, user, action in pages:
        if user is not persona:
            page.context.clear_cookies()
            login_as(user)
            persona = user
        response = page.goto(url)
        page.wait_for_load_state("load")
        if response is None or response.status != 200:
            problems.append(f"{name} {url}: HTTP {response.status if response else '—'}")
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > SMALL["width"]:
            problems.append(f"{name} {url}: {width} px wide on a {SMALL['width']} px phone")
        check_a11y.soft(page)
        problem = _reach_by_tab(page, action)
        if problem:
            problems.append(f"{name} {problem}")
    assert page.js_errors == []
    assert not problems, "\n".join(problems)
    check_a11y.finish()


def test_the_downloads_are_what_they_say(cast, page, login_as):
    world = _world(cast)
    slug = cast.network.slug
    login_as(cast.case_manager)
    pdf = page.request.get(reverse("pacts:pact_pdf", args=[slug, world["pact"].pk]) + "?version=1")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")
    scan = page.request.get(reverse("pacts:pact_signature_scan", args=[slug, world["version1"].pk]))
    assert scan.status == 200 and scan.body().startswith(b"%PDF-")
    assert "attachment" in scan.headers["content-disposition"]
    receipt = page.request.get(reverse("pacts:expense_document", args=[slug, world["expense"].pk]))
    assert receipt.status == 200 and receipt.body().startswith(b"%PDF-")
    assert Case.objects.filter(network=cast.network).count() == 4 and Review.objects.count() == 2
    assert Decimal("600.00") == BudgetLine.objects.get(version=world["version1"]).amount
