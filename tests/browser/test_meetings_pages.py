"""Meetings in Chromium: a citizen on a 360 px phone registers for a meeting; a coordinator on a phone takes the
roll call by keyboard alone. No horizontal scroll, axe clean, no script needed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.participation.models import Meeting, Registration, RegistrationStatus
from legami.participation.services.meetings import ROME
from legami.participation.tests.factories_meetings import (
    MeetingFactory,
    PhaseFactory,
    ProcessFactory,
    RegistrationFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 360, "height": 740})
    return page


def _no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide at 360 px"


def test_a_citizen_registers_on_a_phone(phone, login_as, cast, check_a11y):
    page = phone
    process = ProcessFactory(network=cast.network, title="Laboratorio di quartiere Po")
    PhaseFactory(process=process)
    place = f.PlaceFactory(
        network=cast.network, municipality=cast.municipalities[0], name="Casa di quartiere Po", address="Via Po 1"
    )
    meeting = MeetingFactory(
        process=process, title="Che cosa manca nel quartiere", place=place, capacity=15, online_url=""
    )
    login_as(cast.citizen)
    page.goto(reverse("participation:meeting_detail", args=[cast.network.slug, meeting.pk]))
    _no_horizontal_scroll(page)
    check_a11y(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Iscriviti").click()
    assert "Sei iscritto o iscritta all'incontro." in page.content()
    assert Registration.objects.get(meeting=meeting, user=cast.citizen).status == RegistrationStatus.REGISTERED
    _no_horizontal_scroll(page)
    check_a11y(page)
    assert page.js_errors == []


def test_the_roll_call_by_keyboard_alone_on_a_phone(phone, login_as, cast, check_a11y):
    page = phone
    process = ProcessFactory(network=cast.network)
    PhaseFactory(process=process)
    start = timezone.localtime(timezone.now(), ROME).replace(hour=0, minute=5, second=0, microsecond=0)
    meeting = MeetingFactory(process=process, starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    people = []
    for n, name in enumerate(["Maria Bianchi", "Giuseppe Verdi", "Anna Maria Castelbarco-Albani di Sant'Ilario"]):
        user = f.UserFactory(email=f"presenza{n}@example.org", full_name=name)
        f.MembershipFactory(network=cast.network, user=user, role=Role.CITIZEN)
        people.append(RegistrationFactory(meeting=meeting, user=user))
    login_as(cast.coordinator)
    page.goto(reverse("participation:meeting_roll_call", args=[cast.network.slug, meeting.pk]))
    _no_horizontal_scroll(page)
    check_a11y(page)
    # From the first box: Space ticks, Tab moves on; the second person is absent.
    page.locator(f"#id_present_{people[0].pk}").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "guests"
    page.keyboard.type("4")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Le presenze sono state salvate." in page.content()
    attended = {r.pk: r.attended for r in Registration.objects.filter(meeting=meeting)}
    assert attended == {people[0].pk: True, people[1].pk: False, people[2].pk: True}
    assert Meeting.objects.get(pk=meeting.pk).guests == 4
    assert page.js_errors == []


def test_the_managers_pages_fit_a_phone(phone, login_as, cast, check_a11y):
    page = phone
    process = ProcessFactory(network=cast.network, title="Laboratorio di quartiere con un titolo piuttosto lungo")
    PhaseFactory(process=process)
    start = timezone.localtime(timezone.now(), ROME).replace(hour=0, minute=5, second=0, microsecond=0)
    meeting = MeetingFactory(
        process=process,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=1,
        online_url="https://meet.example.org/un-link-molto-lungo-che-non-si-spezza-da-solo-per-niente",
        minutes="Si è parlato degli orti condivisi.",
        roll_call_at=timezone.now(),
    )
    for n in range(3):
        user = f.UserFactory(email=f"fila{n}@example.org", full_name=f"Persona in fila {n}")
        f.MembershipFactory(network=cast.network, user=user, role=Role.CITIZEN)
        RegistrationFactory(
            meeting=meeting, user=user, status=RegistrationStatus.REGISTERED if n == 0 else RegistrationStatus.WAITING
        )
    login_as(cast.coordinator)
    slug = cast.network.slug
    urls = [
        reverse("participation:meeting_detail", args=[slug, meeting.pk]),
        reverse("participation:meeting_registrations", args=[slug, meeting.pk]),
        reverse("participation:meeting_update", args=[slug, meeting.pk]),
        reverse("participation:meeting_create", args=[slug, process.pk]),
        reverse("participation:meeting_cancel", args=[slug, meeting.pk]),
        reverse("participation:meeting_minutes", args=[slug, meeting.pk]),
        reverse("participation:meeting_unregister", args=[slug, meeting.pk]),
    ]
    for url in urls:
        page.goto(url)
        _no_horizontal_scroll(page)
        check_a11y.soft(page)
    check_a11y.finish()
    assert page.js_errors == []
