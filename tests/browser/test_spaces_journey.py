"""Shared spaces in Chromium on a 360 px phone: a family books a room of the casa di quartiere, and a second booking
that overlaps it is refused with the clear message. Every page is checked with axe and must fit the phone."""

import pytest
from django.urls import reverse

from legami.exchange.models import Booking, BookingStatus
from legami.exchange.tests.factories_spaces import SpaceFactory, next_weekday
from tests.browser.test_coordinator_journey import exactly, label, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"


def _book(page, day, start, end, title, people) -> None:
    page.get_by_label(label("Day")).fill(day.isoformat())
    page.get_by_label(label("From")).fill(start)
    page.get_by_label(label("To")).fill(end)
    page.get_by_label(label("What for")).fill(title)
    page.get_by_label(label("People expected")).fill(str(people))
    submit(page, "Book")


def test_a_family_books_a_room_and_an_overlapping_booking_is_refused(cast, page, login_as, check_a11y):
    slug = cast.network.slug
    space = SpaceFactory(
        network=cast.network,
        manager_organization=cast.organization,
        place__municipality=cast.municipalities[0],
        place__name="Casa di quartiere Cambonino",
        name="Sala grande",
        rules="Lasciare la sala in ordine.",
    )
    day = next_weekday(1)
    page.set_viewport_size(PHONE)
    login_as(cast.citizen)

    page.goto(reverse("exchange:spaces", args=[slug]))
    _fits(page)
    check_a11y.soft(page)
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("Sala grande")).click()
    _fits(page)
    check_a11y.soft(page)
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("Book this space")).click()
    _fits(page)
    check_a11y.soft(page)
    _book(page, day, "16:00", "18:00", "Festa di compleanno di Giulia", 20)
    booking = Booking.objects.get(space=space)
    assert booking.status == BookingStatus.REQUESTED and booking.booked_by == cast.citizen
    assert "Festa di compleanno di Giulia" in page.content()
    _fits(page)
    check_a11y.soft(page)

    # Another member tries the same afternoon, overlapping: refused, with the slot taken, and nothing written.
    page.context.clear_cookies()
    login_as(cast.partner_staff)
    page.goto(reverse("exchange:booking_create", args=[slug, space.pk]))
    _book(page, day, "17:00", "19:00", "Riunione dei soci", 10)
    summary = page.locator(".alert-danger, [role=alert]").first
    text = summary.inner_text()
    assert "16:00" in text and "18:00" in text, text
    assert Booking.objects.filter(space=space).count() == 1
    _fits(page)
    check_a11y.soft(page)

    # The week on the space's page shows the slot as taken.
    page.goto(reverse("exchange:space_detail", args=[slug, space.pk]) + f"?week={day.isoformat()}")
    _fits(page)
    check_a11y.soft(page)
    assert page.js_errors == []
    check_a11y.finish()


def test_the_managers_pages_on_a_phone(cast, page, login_as, check_a11y):
    from legami.exchange.tests.factories_spaces import BookingFactory, at

    slug = cast.network.slug
    space = SpaceFactory(
        network=cast.network, manager_organization=cast.organization, place__municipality=cast.municipalities[0]
    )
    day = next_weekday(2)
    booking = BookingFactory(
        space=space,
        starts_at=at(day, 10),
        status=BookingStatus.REQUESTED,
        booked_by=cast.citizen,
        title="Corso di cucito",
    )
    page.set_viewport_size(PHONE)
    login_as(cast.partner_staff)
    for url in (
        reverse("exchange:booking_queue", args=[slug]),
        reverse("exchange:booking_detail", args=[slug, booking.pk]),
        reverse("exchange:space_month", args=[slug, space.pk]) + f"?month={day.isoformat()}",
        reverse("exchange:space_update", args=[slug, space.pk]),
        reverse("exchange:space_create", args=[slug]),
        reverse("exchange:my_bookings", args=[slug]),
    ):
        page.goto(url)
        _fits(page)
        check_a11y.soft(page)
    # Confirm the request from its page, by keyboard.
    page.goto(reverse("exchange:booking_detail", args=[slug, booking.pk]))
    page.get_by_role("button", name=exactly("Confirm")).focus()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    check_a11y.soft(page)
    page.context.clear_cookies()
    login_as(cast.funder)
    page.goto(reverse("exchange:space_usage", args=[slug]) + f"?year={day.year}")
    _fits(page)
    check_a11y.soft(page)
    assert page.js_errors == []
    check_a11y.finish()
