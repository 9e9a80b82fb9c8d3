"""Civic Center activities in Chromium: a child is enrolled, another waitlisted and promoted when a place frees;
the roll call is taken on a 360 px phone, by tap (HTMX) and by keyboard. No horizontal scroll, axe clean."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from legami.activities.models import Attendance, Enrollment, EnrollmentStatus
from legami.activities.tests.factories import EnrollmentFactory, SessionFactory, make_activity, today
from legami.core.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 360, "height": 740})
    return page


def _no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide at 360 px"


def _child(cast, code: str):
    born = today().replace(year=today().year - 8) - datetime.timedelta(days=1)
    return f.PersonFactory(network=cast.network, tax_code=code, birth_date=born, email="")


def test_a_child_is_enrolled_another_waitlisted_then_promoted(phone, login_as, cast, check_a11y):
    page = phone
    activity = make_activity(network=cast.network, organizer=cast.organization, capacity=1, min_age=6, max_age=11)
    first, second = _child(cast, "RSSLCU18A01D150A"), _child(cast, "VRDMRA18A41D150B")
    login_as(cast.case_manager)
    enrol_url = reverse("activities:enroll", args=[cast.network.slug, activity.pk])
    for child in (first, second):
        page.goto(enrol_url)
        _no_horizontal_scroll(page)
        check_a11y(page)
        page.fill("#id_person", child.tax_code)
        page.fill("#id_guardian_phone", "0372 111222")
        page.locator("label[for=id_consent]").click()
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
    assert Enrollment.objects.get(person=first).status == EnrollmentStatus.ENROLLED
    assert Enrollment.objects.get(person=second).status == EnrollmentStatus.WAITLISTED
    check_a11y(page)  # the enrolment list, with the waiting list
    login_as(cast.coordinator)
    page.goto(reverse("activities:withdraw", args=[cast.network.slug, Enrollment.objects.get(person=first).pk]))
    check_a11y(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert Enrollment.objects.get(person=second).status == EnrollmentStatus.ENROLLED
    assert page.js_errors == []


def test_the_roll_call_on_a_phone_by_tap_and_by_keyboard(phone, login_as, cast, check_a11y):
    page = phone
    activity = make_activity(network=cast.network, organizer=cast.organization)
    session = SessionFactory(activity=activity)
    names = ["Maria Bianchi", "Giuseppe Verdi", "Anna Maria Castelbarco-Albani di Sant'Ilario"]
    rows = [
        EnrollmentFactory(activity=activity, person=f.PersonFactory(network=cast.network, first_name=n, last_name=""))
        for n in names
    ]
    login_as(cast.coordinator)
    page.goto(reverse("activities:roll_call", args=[cast.network.slug, session.pk]))
    _no_horizontal_scroll(page)
    check_a11y(page)
    # A tap: HTMX posts it and swaps the row in place.
    button = page.locator(f"#person-{rows[0].pk} button")
    button.click()
    expect(page.locator(f"#person-{rows[0].pk} button")).to_have_attribute("aria-pressed", "true")
    # By keyboard: Tab to the next person's button, Enter.
    page.locator(f"#person-{rows[1].pk} button").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#person-{rows[1].pk} button")).to_have_attribute("aria-pressed", "true")
    marks = dict(Attendance.objects.filter(session=session).values_list("enrollment_id", "present"))
    assert marks == {rows[0].pk: True, rows[1].pk: True}
    _no_horizontal_scroll(page)
    check_a11y(page)
    assert page.js_errors == []
