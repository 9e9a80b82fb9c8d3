"""legami's own 400, 403, 404 and 500 pages, rendered as in production: DEBUG off, hashed static files."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.template.loader import get_template
from django.test import Client, override_settings
from django.urls import reverse

from legami.core.tests import factories as f

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"
HASHED_CSS = re.compile(r'href="/static/legami/theme\.min\.[0-9a-f]{12}\.css"')
ERROR_TEMPLATES = ["400.html", "403.html", "403_csrf.html", "404.html", "500.html"]


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """Static files collected once, as `collectstatic` does in production."""
    root = tmp_path_factory.mktemp("staticfiles")
    storages = {**django_settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production(settings, collected_static):
    settings.DEBUG = False
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    return settings


def _assert_error_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    body = response.content.decode()
    assert body.count("<h1") == 1 and f"<h1>{heading}</h1>" in body, body
    assert re.search(rf"<title>{heading} · [^<]+</title>", body), body
    assert 'href="/"' in body  # a way back home
    assert HASHED_CSS.search(body), "the page must reference the hashed stylesheet"
    assert "<script>" not in body  # no inline script
    return body


@pytest.mark.parametrize("name", ERROR_TEMPLATES)
def test_legami_error_templates_take_precedence_over_the_theme(name):
    origin = Path(get_template(name).origin.name)
    assert origin == django_settings.BASE_DIR / "legami" / "templates" / name


def test_404_for_an_unknown_address(production, client, db):
    body = _assert_error_page(client.get("/nessuna-rete/nessuna-pagina/"), 404, "Pagina non trovata")
    assert "La pagina richiesta non esiste, oppure non è disponibile per te." in body
    assert "Vai alla pagina iniziale di legami" in body


def test_404_does_not_tell_whether_the_object_exists_in_another_network(production, login, cast):
    foreign = f.PersonFactory(network=cast.other_network, first_name="Ginevra", last_name="Straniera")
    client = login(cast.coordinator)
    missing_url = reverse("network:person_detail", args=[cast.network.slug, 987654321])
    foreign_url = reverse("network:person_detail", args=[cast.network.slug, foreign.pk])
    missing, elsewhere = client.get(missing_url), client.get(foreign_url)
    body = _assert_error_page(elsewhere, 404, "Pagina non trovata")
    assert "Straniera" not in body and "Ginevra" not in body
    assert "No Person matches" not in body and "DoesNotExist" not in body

    def normalised(html: str, url: str) -> str:
        # The two pages differ only by their own address (the language switch returns to it) and the CSRF token.
        html = html.replace(url, "<url>")
        return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", html)

    assert normalised(body, foreign_url) == normalised(missing.content.decode(), missing_url)
    # The visitor's own network is offered as the way back.
    assert reverse("network:home", args=[cast.network.slug]) in body


def test_403_for_a_member_without_the_capability(production, login, cast):
    response = login(cast.citizen).get(reverse("network:members", args=[cast.network.slug]))
    body = _assert_error_page(response, 403, "Accesso non consentito")
    assert "Non hai il permesso di aprire questa pagina." in body
    assert "manage_members" not in body  # the missing capability is not named
    assert "Vai alla pagina iniziale di Rete di prova" in body


def test_403_for_a_form_sent_without_its_security_token(production, db):
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "x@example.org", "password": "x"}
    )
    body = _assert_error_page(response, 403, "Il modulo è scaduto")
    assert "ricarica la pagina e invia di nuovo il modulo" in body


def test_400_for_a_host_not_served_here(production, client, db):
    body = _assert_error_page(client.get("/", HTTP_HOST="evil.example.org"), 400, "Richiesta non valida")
    assert "evil.example.org" not in body


@pytest.mark.urls("legami.core.tests.error_urls")
def test_500_when_a_view_fails(production, db):
    response = Client(raise_request_exception=False).get("/test-errors/crash/")
    body = _assert_error_page(response, 500, "Errore del server")
    assert "L&#x27;errore è stato registrato." in body or "L'errore è stato registrato." in body
    assert "secret detail" not in body and "Traceback" not in body
    assert '<html lang="it">' in body


@pytest.mark.urls("legami.core.tests.error_urls")
def test_500_renders_without_the_database(production):
    # No `db` fixture: any query, by the page or its layout, raises instead of answering.
    response = Client(raise_request_exception=False).get("/test-errors/database-down/")
    body = _assert_error_page(response, 500, "Errore del server")
    assert "Connection refused" not in body


@pytest.mark.urls("legami.core.tests.error_urls")
def test_500_follows_the_visitor_language(production):
    response = Client(raise_request_exception=False).get("/test-errors/crash/", HTTP_ACCEPT_LANGUAGE="en")
    body = _assert_error_page(response, 500, "Server error")
    assert '<html lang="en">' in body
