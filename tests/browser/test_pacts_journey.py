"""Issue 12's journey in Chromium on a 360 px phone, through the pages only (links, forms and buttons, each button
reached and pressed by keyboard), the database checked after every step; every page visited must fit the phone
and pass axe (all pages' violations are listed together at the end of each test).

1. A sentinel files a referral; a coordinator assigns it; the case manager takes the person in charge and records
   the baseline assessment; the sentinel then reads "Presa in carico" and nothing of the triage or of the case.
2. The case manager drafts the pact (an objective, a 600 euro budget line, 2 hours a week of give-back), proposes
   it, prints the PDF, records the signature and starts it.
3. Give-back hours done "elsewhere" with the cast's organisation are logged and its staff confirm them, seeing no
   pact; the case manager reviews the pact (hours done against hours due, a review assessment, outcome "change"),
   drafts version 2 with a change and signs it: version 2 is in force, version 1 is as it was.

The three tests are one chain: each starts from the state the one before ends in, built with the factories.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext

from legami.pacts.models import (
    Assessment,
    AssessmentKind,
    BudgetLine,
    Case,
    CaseMember,
    Commitment,
    GiveBackHours,
    GiveBackStatus,
    Objective,
    Pact,
    PactStatus,
    PactVersion,
    Review,
    ReviewOutcome,
    TeamRole,
)
from legami.pacts.services.assessments import score_field
from legami.pacts.tests.factories import case_processing, open_case, signed_pact
from legami.referrals.models import Referral, ReferralStatus
from tests.browser.test_coordinator_journey import exactly, label, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DOMAINS = ("housing", "work", "income", "health", "relationships", "skills", "family_care", "autonomy")


def tp(context: str, msgid: str) -> str:
    with translation.override("it"):
        return pgettext(context, msgid)


def _look(page, check_a11y) -> None:
    """The page fits the phone (no horizontal scroll) and axe finds nothing serious (noted, listed at the end)."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"
    check_a11y.soft(page)


def _press(page, locator) -> None:
    """Reach the control by keyboard focus and press Enter; wait for the page it leads to."""
    locator.focus()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")


def _button(page, msgid: str, scope: str = "main"):
    return page.locator(scope).get_by_role("button", name=exactly(msgid)).first


def _link(page, msgid: str, scope: str = "main"):
    return page.locator(scope).get_by_role("link", name=exactly(msgid)).first


def _as(page, login_as, user) -> None:
    page.context.clear_cookies()
    login_as(user)


def _choose(page, name: str, value) -> None:
    """Choose a radio button through its label (the page's styled radios are drawn by their labels)."""
    radio = page.locator(f"main input[type=radio][name='{name}'][value='{value}']")
    page.locator(f"main label[for='{radio.get_attribute('id')}']").click()
    assert radio.is_checked(), (name, value)


# --- 1. the referral, its triage, the taking in charge --------------------------------------------------------


def test_a_referral_is_filed_assigned_and_taken_in_charge(cast, page, login_as, check_a11y):
    slug = cast.network.slug
    case_processing(cast.network)
    page.set_viewport_size(PHONE)

    # a. The sentinel files a referral on the phone.
    login_as(cast.sentinel)
    page.goto(reverse("referrals:mine", args=[slug]))
    _look(page, check_a11y)
    _press(page, _link(page, "Signal a situation"))
    _look(page, check_a11y)
    page.get_by_label(label("Who is it about?")).fill("Signora anziana al civico 12 di via Manzoni")
    page.locator("#id_municipality").select_option(label="Cremona")
    page.get_by_label(label("Where can the person be found?")).fill("Via Manzoni 12, secondo piano")
    page.get_by_label(label("What did you see or hear?")).fill(
        "Non esce di casa da una settimana, la posta si accumula."
    )
    _choose(page, "urgency", "high")
    _choose(page, "consent", "not_asked")
    page.get_by_label(label("If not, why?")).fill("Non sono riuscito a parlarle.")
    _press(page, _button(page, "Send the referral"))
    referral = Referral.objects.get(reporter=cast.sentinel)
    assert referral.status == ReferralStatus.NEW and referral.municipality == cast.municipalities[0]
    assert referral.observed.startswith("Non esce di casa")
    _look(page, check_a11y)
    _press(page, _link(page, "See this referral"))
    _look(page, check_a11y)
    assert tp("referral as its reporter sees it", "Received") in page.locator("main").inner_text()

    # b. A coordinator finds it in the queue and assigns it to the case manager.
    _as(page, login_as, cast.coordinator)
    page.goto(reverse("referrals:queue", args=[slug]))
    _look(page, check_a11y)
    _press(page, page.locator("main").get_by_role("link", name=re.compile(rf"\b{referral.pk}\b")).first)
    _look(page, check_a11y)
    summary = page.locator("main details summary", has_text=t("Assign to someone"))
    summary.focus()
    page.keyboard.press("Enter")  # a <summary> opens by keyboard
    page.get_by_label(label("Who will examine it")).select_option(str(cast.case_manager.pk))
    _press(page, _button(page, "Assign"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSIGNED and referral.assigned_to == cast.case_manager
    _look(page, check_a11y)

    # c. The case manager takes the person in charge: a person not yet in the registry.
    _as(page, login_as, cast.case_manager)
    page.goto(reverse("referrals:detail", args=[slug, referral.pk]))
    _look(page, check_a11y)
    _press(page, _link(page, "Take in charge (open a case)"))
    _look(page, check_a11y)
    _choose(page, "who", "new")
    page.get_by_label(label("First name")).fill("Maria")
    page.get_by_label(label("Last name")).fill("Bianchi")
    page.locator("#id_municipality").select_option(label="Cremona")
    page.get_by_label(label("Processing of the register")).select_option(index=1)
    page.get_by_label(label("Situation")).fill("Vive sola, nessun familiare vicino; fatica a uscire di casa.")
    _press(page, _button(page, "Open the case"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    case = Case.objects.get(network=cast.network)
    assert (case.person.first_name, case.person.last_name) == ("Maria", "Bianchi")
    assert list(CaseMember.objects.filter(case=case).values_list("user", "role")) == [
        (cast.case_manager.pk, TeamRole.MANAGER)
    ]
    assert page.url.endswith(reverse("pacts:case", args=[slug, case.pk]))
    _look(page, check_a11y)

    # ... and records the baseline assessment from the case page.
    _press(page, _link(page, "Record an assessment"))
    _look(page, check_a11y)
    page.locator("#id_kind").select_option(AssessmentKind.BASELINE)
    for score, domain in zip((2, 3, 1, 3, 2, 4, 3, 3), DOMAINS, strict=True):
        _choose(page, score_field(domain), score)
    page.locator("#id_notes_income").fill("Nessun reddito da marzo.")
    _press(page, _button(page, "Record the assessment"))
    assessment = Assessment.objects.get(case=case)
    assert assessment.kind == AssessmentKind.BASELINE and assessment.assessed_by == cast.case_manager
    assert {s.domain: s.score for s in assessment.scores.all()}["income"] == 1
    _look(page, check_a11y)

    # a (later). The sentinel sees "Presa in carico", and nothing of the triage or of the case.
    _as(page, login_as, cast.sentinel)
    page.goto(reverse("referrals:mine", args=[slug]))
    _look(page, check_a11y)
    taken = tp("referral as its reporter sees it", "Taken in charge")
    assert taken == "Presa in carico"
    assert taken in page.locator("main").inner_text()
    _press(page, page.locator("main").get_by_role("link", name=re.compile(rf"\b{referral.pk}\b")).first)
    _look(page, check_a11y)
    seen = page.content()
    assert taken in page.locator("main").inner_text()
    for secret in (
        "Bianchi",
        "Maria",
        "Vive sola",
        "Nessun reddito",
        cast.case_manager.full_name,
        cast.coordinator.full_name,
        reverse("pacts:case", args=[slug, case.pk]),
    ):
        assert secret not in seen, secret
    assert page.js_errors == []
    check_a11y.finish()


# --- 2. the pact: written, proposed, printed, signed, started -------------------------------------------------


def test_the_case_manager_drafts_signs_and_starts_the_pact(cast, page, login_as, check_a11y):
    slug = cast.network.slug
    case = open_case(cast, members=())  # the team is the case manager alone
    page.set_viewport_size(PHONE)
    login_as(cast.case_manager)
    today = timezone.localdate()

    page.goto(reverse("pacts:case", args=[slug, case.pk]))
    _look(page, check_a11y)
    _press(page, _link(page, "New pact"))
    _look(page, check_a11y)
    page.get_by_label(label("What the pact is for")).fill("Ritrovare un lavoro e una rete nel quartiere.")
    page.get_by_label(label("Starts on")).fill((today - datetime.timedelta(days=28)).isoformat())
    page.get_by_label(label("Ends on")).fill((today + datetime.timedelta(days=152)).isoformat())
    _press(page, _button(page, "Create the draft"))
    pact = Pact.objects.get(case=case)
    version = PactVersion.objects.get(pact=pact)
    assert pact.status == PactStatus.DRAFT and version.number == 1 and version.review_every_weeks == 12
    _look(page, check_a11y)

    # The content, one small form each: an objective, a 600 euro budget line, 2 hours a week of give-back.
    page.locator("#id_objective-new-text").fill("Trovare un lavoro part-time entro l'estate")
    _press(page, page.locator("#form-objective-new button[type=submit]"))
    assert [o.text for o in Objective.objects.filter(version=version)] == ["Trovare un lavoro part-time entro l'estate"]
    _look(page, check_a11y)
    page.locator("#id_budget-new-category").select_option("training")
    page.locator("#id_budget-new-description").fill("Corso per operatore socio-sanitario")
    page.locator("#id_budget-new-amount").fill("600,00")
    _press(page, page.locator("#form-budget-new button[type=submit]"))
    assert BudgetLine.objects.get(version=version).amount == Decimal("600.00")
    _look(page, check_a11y)
    page.locator("#id_commitment-new-party").select_option("person")
    page.locator("#id_commitment-new-what").fill("Aiuto al doposcuola del quartiere")
    page.locator("main label[for='id_commitment-new-is_give_back']").click()
    assert page.locator("#id_commitment-new-is_give_back").is_checked()
    page.locator("#id_commitment-new-hours_per_week").fill("2")
    _press(page, page.locator("#form-commitment-new button[type=submit]"))
    commitment = Commitment.objects.get(version=version)
    assert commitment.is_give_back and commitment.hours_per_week == Decimal("2")
    _look(page, check_a11y)

    # Back to the pact: propose it.
    _press(page, _link(page, "Back to the pact"))
    _look(page, check_a11y)
    _press(page, _button(page, "Propose to the person"))
    pact.refresh_from_db()
    assert pact.status == PactStatus.PROPOSED
    _look(page, check_a11y)

    # The PDF to sign, from the link on the pact's page.
    pdf_href = page.locator("main a[href*='/pdf/']").first.get_attribute("href")
    assert pdf_href.startswith(reverse("pacts:pact_pdf", args=[slug, pact.pk]))
    response = page.request.get(pdf_href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    # The signature: read aloud and agreed before a witness, today.
    _press(page, _link(page, "Record the signature"))
    _look(page, check_a11y)
    page.get_by_label(label("Signed on")).fill(today.isoformat())
    page.get_by_label(label("How it was signed")).select_option("witnessed")
    _press(page, _button(page, "Record the signature"))
    pact.refresh_from_db()
    version.refresh_from_db()
    assert pact.status == PactStatus.SIGNED and pact.current_version == version
    assert version.signed_on == today and version.signature_method == "witnessed"
    _look(page, check_a11y)

    _press(page, _button(page, "Start the pact"))
    pact.refresh_from_db()
    assert pact.status == PactStatus.ACTIVE and pact.next_review_on is not None
    _look(page, check_a11y)
    main = page.locator("main").inner_text()
    assert "600,00" in main
    assert page.js_errors == []
    check_a11y.finish()


# --- 3. give-back hours confirmed by the host; the review; version 2 -------------------------------------------


def test_hours_are_confirmed_and_the_review_renews_the_pact_as_version_2(cast, page, login_as, check_a11y):
    slug = cast.network.slug
    today = timezone.localdate()
    case = open_case(cast, members=())  # the host's staff (partner_staff) is not on the team
    pact = signed_pact(case)
    PactVersion.objects.filter(pk=pact.current_version_id).update(
        starts_on=today - datetime.timedelta(days=28), ends_on=today + datetime.timedelta(days=152)
    )
    version1 = PactVersion.objects.get(pk=pact.current_version_id)
    v1_rows = (
        list(Commitment.objects.filter(version=version1).values_list("key", "what", "hours_per_week")),
        list(BudgetLine.objects.filter(version=version1).values_list("key", "amount")),
    )
    page.set_viewport_size(PHONE)

    # d. The case manager logs 3 hours done a week ago "elsewhere", hosted by the cast's organisation.
    login_as(cast.case_manager)
    page.goto(reverse("pacts:pact", args=[slug, pact.pk]))
    _look(page, check_a11y)
    _press(page, _link(page, "Give-back hours and entries"))
    _look(page, check_a11y)
    _press(page, _link(page, "Log hours"))
    _look(page, check_a11y)
    _choose(page, "source", "other")
    page.get_by_label(label("Host organisation")).select_option(str(cast.organization.pk))
    page.get_by_label(label("Day")).fill((today - datetime.timedelta(days=7)).isoformat())
    page.get_by_label(label("How long")).fill("3:00")
    page.get_by_label(label("What the person did")).fill("Sistemazione della biblioteca della cooperativa")
    _press(page, _button(page, "Log the hours"))
    hours = GiveBackHours.objects.get(pact=pact)
    assert hours.status == GiveBackStatus.PENDING and hours.minutes == 180 and hours.host == cast.organization
    _look(page, check_a11y)

    # The host's staff confirm them: the person's name, the day, the hours; never the pact.
    _as(page, login_as, cast.partner_staff)
    page.goto(reverse("pacts:giveback_confirmations", args=[slug]))
    _look(page, check_a11y)
    main = page.locator("main").inner_text()
    assert case.person.full_name in main and "· 3 h" in main
    content = page.content()
    for secret in (
        reverse("pacts:pact", args=[slug, pact.pk]),
        reverse("pacts:case", args=[slug, case.pk]),
        "Aiuto al doposcuola",  # the commitment
        "Trovare un lavoro",  # the objective
        "Vive sola",  # the case's summary
        t("Pact"),
    ):
        assert secret not in content, secret
    _press(page, _button(page, "Confirm"))
    hours.refresh_from_db()
    assert hours.status == GiveBackStatus.CONFIRMED and hours.confirmed_by == cast.partner_staff
    _look(page, check_a11y)
    assert page.request.get(reverse("pacts:pact", args=[slug, pact.pk])).status == 404

    # e. The case manager opens the review: it shows the hours done against the hours due.
    _as(page, login_as, cast.case_manager)
    page.goto(reverse("pacts:pact", args=[slug, pact.pk]))
    _press(page, _button(page, "Open a review"))
    pact.refresh_from_db()
    review = Review.objects.get(pact=pact)
    assert pact.status == PactStatus.UNDER_REVIEW and review.held_on is None
    _look(page, check_a11y)
    # 2 hours a week over the 29 days since the start (both counted): 497 minutes, 8,28 hours due; 3 done.
    done_against_due = t("%(done)s hours done of %(due)s due in the period") % {"done": "3", "due": "8,28"}
    give_back = page.locator("#review-give-back").inner_text()
    assert done_against_due in give_back, give_back
    _press(page, _link(page, "Record the review"))
    _look(page, check_a11y)

    # The review's assessment, from the link on the form.
    _press(page, _link(page, "Make the review's assessment first"))
    _look(page, check_a11y)
    page.locator("#id_kind").select_option(AssessmentKind.REVIEW)
    for score, domain in zip((3, 3, 2, 3, 3, 4, 3, 4), DOMAINS, strict=True):
        _choose(page, score_field(domain), score)
    _press(page, _button(page, "Record the assessment"))
    assessment = Assessment.objects.get(case=case, kind=AssessmentKind.REVIEW)
    _look(page, check_a11y)

    # Hold the review: each objective and commitment rated, the assessment, the outcome "change".
    page.goto(reverse("pacts:review", args=[slug, review.pk]))
    _press(page, _link(page, "Record the review"))
    page.get_by_label(label("Held on")).fill(today.isoformat())
    for radio in page.locator("main input[type=radio][value=partly]").all():
        page.locator(f"main label[for='{radio.get_attribute('id')}']").click()
    page.get_by_label(label("Overall notes")).fill("Buona partecipazione al doposcuola; il corso inizia a settembre.")
    page.get_by_label(label("The assessment made for this review")).select_option(str(assessment.pk))
    page.get_by_label(label("Outcome")).select_option(ReviewOutcome.CHANGE)
    _press(page, _button(page, "Record the review"))
    review.refresh_from_db()
    pact.refresh_from_db()
    assert review.held_on == today and review.outcome == ReviewOutcome.CHANGE and review.assessment == assessment
    assert review.items.count() == 3 and pact.status == PactStatus.UNDER_REVIEW
    _look(page, check_a11y)

    # Version 2: three hours a week instead of two.
    _press(page, _link(page, "Change the pact (new version)"))
    _look(page, check_a11y)
    page.get_by_label(label("What changes and why")).fill("Il doposcuola chiede un'ora in più alla settimana.")
    _press(page, _button(page, "Draft the new version"))
    version2 = PactVersion.objects.get(pact=pact, number=2)
    _look(page, check_a11y)
    give_back_row = Commitment.objects.get(version=version2, is_give_back=True)
    prefix = f"commitment-{give_back_row.pk}"
    page.locator(f"#id_{prefix}-hours_per_week").fill("3")
    _press(page, page.locator(f"#form-{prefix} button[name=action][value=save]"))
    give_back_row.refresh_from_db()
    assert give_back_row.hours_per_week == Decimal("3")
    _look(page, check_a11y)
    _press(page, _link(page, "Back to the pact"))
    _press(page, _link(page, "Record the signature"))
    _look(page, check_a11y)
    page.get_by_label(label("Signed on")).fill(today.isoformat())
    page.get_by_label(label("How it was signed")).select_option("witnessed")
    _press(page, _button(page, "Record the signature"))
    pact.refresh_from_db()
    version2.refresh_from_db()
    assert pact.status == PactStatus.ACTIVE and pact.current_version == version2 and version2.signed_on == today
    _look(page, check_a11y)

    # Version 1 is as it was: its rows, their keys and values, its signature.
    version1_after = PactVersion.objects.get(pk=version1.pk)
    assert version1_after.signed_on == version1.signed_on and version1_after.summary == version1.summary
    assert (
        list(Commitment.objects.filter(version=version1).values_list("key", "what", "hours_per_week")),
        list(BudgetLine.objects.filter(version=version1).values_list("key", "amount")),
    ) == v1_rows
    assert v1_rows[0][0][2] == Decimal("2")

    # The versions and their differences, and the review held with the hours done against the hours due.
    page.goto(reverse("pacts:pact_versions", args=[slug, pact.pk]))
    _look(page, check_a11y)
    page.goto(reverse("pacts:pact_diff", args=[slug, pact.pk]))
    _look(page, check_a11y)
    page.goto(reverse("pacts:review", args=[slug, review.pk]))
    _look(page, check_a11y)
    assert done_against_due in page.locator("#review-give-back").inner_text()
    assert page.js_errors == []
    check_a11y.finish()
