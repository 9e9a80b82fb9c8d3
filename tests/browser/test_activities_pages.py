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


def test_an_activity_in_a_space_on_a_phone(phone, login_as, cast, check_a11y):
    """The form's space field, then the activity's page with its bookings and a session left without the space."""
    from legami.activities.models import Activity
    from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory, at

    page = phone
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Casa del Po")
    space = SpaceFactory(network=cast.network, place=place, name="Sala grande del quartiere del Po")
    monday = today() + datetime.timedelta(days=7)
    monday -= datetime.timedelta(days=monday.weekday())
    BookingFactory(space=space, starts_at=at(monday + datetime.timedelta(days=7), 17), title="Compleanno")
    login_as(cast.coordinator)
    page.goto(reverse("activities:activity_create", args=[cast.network.slug]))
    _no_horizontal_scroll(page)
    check_a11y(page)
    page.fill("#id_title", "Doposcuola al Po")
    page.select_option("#id_kind", "after_school")
    page.select_option("#id_organizer", str(cast.organization.pk))
    page.select_option("#id_place", str(place.pk))
    page.select_option("#id_space", str(space.pk))
    page.fill("#id_capacity", "12")
    page.locator("label[for=id_weekdays_0]").click()
    page.fill("#id_start_time", "16:30")
    page.fill("#id_end_time", "18:00")
    page.fill("#id_first_day", monday.isoformat())
    page.fill("#id_last_day", (monday + datetime.timedelta(days=14)).isoformat())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    activity = Activity.objects.get(title="Doposcuola al Po")
    assert activity.space == space
    expect(page.locator("main")).to_contain_text("Sala grande del quartiere del Po")
    expect(page.locator("#unbooked-heading")).to_be_visible()
    _no_horizontal_scroll(page)
    check_a11y(page)
    assert page.js_errors == []
