"""The person registry pages in Chromium: axe on every page (and on a form with errors), and the
person pickers working with and without JavaScript."""

import pytest
from django.urls import reverse

from legami.core.tests import factories as f
from legami.network.models import Person, Tie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registry_pages_pass_axe_and_have_one_h1(page, login_as, check_a11y, cast):
    cremona = cast.municipalities[0]
    household = f.HouseholdFactory(network=cast.network, name="Famiglia Rossi", municipality=cremona)
    mario = f.PersonFactory(
        network=cast.network, first_name="Mario", last_name="Rossi", municipality=cremona, household=household
    )
    other = f.PersonFactory(network=cast.network, first_name="Lucia", last_name="Bassi", municipality=cremona)
    tie = f.TieFactory(network=cast.network, source_person=mario, target_person=other)
    f.ProcessingFactory(network=cast.network, name="Newsletter", legal_basis="consent")
    f.ProcessingFactory(network=cast.network, name="Registro", legal_basis="public_task")
    slug = cast.network.slug
    paths = [
        reverse("network:people", args=[slug]) + "?q=rossi",
        reverse("network:person_detail", args=[slug, mario.pk]),
        reverse("network:person_create", args=[slug]),
        reverse("network:person_update", args=[slug, mario.pk]),
        reverse("network:person_delete", args=[slug, mario.pk]),
        reverse("network:person_consents", args=[slug, mario.pk]),
        reverse("network:households", args=[slug]),
        reverse("network:household_detail", args=[slug, household.pk]),
        reverse("network:household_create", args=[slug]),
        reverse("network:ties", args=[slug]),
        reverse("network:tie_create", args=[slug]) + f"?source={mario.pk}",
        reverse("network:tie_update", args=[slug, tie.pk]),
        reverse("network:processings", args=[slug]),
        reverse("network:processing_create", args=[slug]),
    ]
    login_as(cast.coordinator)
    headings = {}
    for path in paths:
        page.goto(path)
        headings[path] = page.locator("h1").count()
        check_a11y.soft(page)
    # A form with errors: the error summary is there and takes focus.
    page.goto(reverse("network:person_create", args=[slug]))
    with page.expect_navigation():
        page.click("form#person-form > button.btn-primary")
    assert page.locator("#error-summary").count() == 1
    assert page.evaluate("document.activeElement.id") == "error-summary"
    check_a11y.soft(page)
    check_a11y.finish()
    assert set(headings.values()) == {1}


def test_tie_person_search_works_without_javascript(browser, live_server, cast):
    from django.conf import settings
    from django.test import Client

    cremona = cast.municipalities[0]
    mario = f.PersonFactory(network=cast.network, first_name="Mario", last_name="Rossi", municipality=cremona)
    lucia = f.PersonFactory(network=cast.network, first_name="Lucia", last_name="Bassi", municipality=cremona)
    client = Client()
    client.force_login(cast.coordinator)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(base_url=live_server.url, locale="it-IT", java_script_enabled=False)
    try:
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.goto(reverse("network:tie_create", args=[cast.network.slug]) + f"?source={mario.pk}")
        page.fill("#id_target_search", "bassi")
        page.click("button[name=_search][value=target]")
        page.select_option("#id_target_person", str(lucia.pk))
        page.select_option("#id_kind", "friendship")
        page.click("form#tie-form > button.btn-primary")
        landed = page.url
    finally:
        context.close()
    assert landed.endswith(reverse("network:person_detail", args=[cast.network.slug, mario.pk]))
    assert Tie.objects.get().target_person_id == lucia.pk


def test_household_search_with_htmx_keeps_what_was_typed(page, login_as, cast):
    household = f.HouseholdFactory(network=cast.network, name="Famiglia Bianchi", municipality=cast.municipalities[0])
    login_as(cast.coordinator)
    page.goto(reverse("network:person_create", args=[cast.network.slug]))
    page.fill("#id_first_name", "Anna")
    page.fill("#id_last_name", "Bianchi")
    page.fill("#id_household_search", "bianchi")
    page.click("button[name=_search][value=household]")
    page.wait_for_selector("select#id_household")
    typed = page.input_value("#id_first_name")
    page.select_option("#id_household", str(household.pk))
    page.click("form#person-form > button.btn-primary")
    page.wait_for_url("**/people/*/")
    assert typed == "Anna"
    assert Person.objects.get(last_name="Bianchi").household_id == household.pk
