"""The headers every answer carries: the Content Security Policy (and its report receiver), the
Permissions-Policy, and no-store caching for the pages of a logged-in user."""

import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from legami.settings import _tiles_origin


def test_an_anonymous_page_carries_the_policy_and_may_be_cached(client, db):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "report-uri /csp-report/" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_logged_in_page_is_never_stored(cast, login):
    response = login(cast.case_manager).get(reverse("network:dashboard", args=[cast.network.slug]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Cookie" in response["Vary"]
    assert "Content-Security-Policy" in response


def test_the_api_answers_carry_the_headers_too(cast, login):
    response = login(cast.coordinator).get(f"/api/v1/networks/{cast.network.slug}/needs/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and "Permissions-Policy" in response


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        ("", ""),
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        ("https://tiles.example.org:8443/a/{z}/{x}/{y}.png", "https://tiles.example.org:8443"),
    ],
)
def test_the_tile_server_is_allowed_by_its_origin(template, origin):
    assert _tiles_origin(template) == origin


@pytest.mark.parametrize("template", ["tiles.example.org/{z}/{x}/{y}.png", "https://{tenant}.example.org/{z}.png"])
def test_a_tile_template_without_a_fixed_origin_stops_start_up(template):
    with pytest.raises(ImproperlyConfigured, match="LEGAMI_MAP_TILES_URL"):
        _tiles_origin(template)


def _report(**fields):
    body = {
        "document-uri": "https://legami.example.org/accounts/invitations/abcdefghijklmnopqrstuvwxyz0123456789/",
        "effective-directive": "script-src-elem",
        "blocked-uri": "https://evil.example.com/x.js?token=secret",
        **fields,
    }
    return json.dumps({"csp-report": body})


def test_a_violation_report_is_logged_without_secrets(caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="legami.csp"):
        response = client.post("/csp-report/", _report(), content_type="application/csp-report")
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "legami.csp"]
    message = record.getMessage()
    assert "script-src-elem" in message and "https://evil.example.com" in message
    assert "/accounts/invitations/…/" in message
    assert "abcdefghijklmnop" not in message and "secret" not in message


@pytest.mark.parametrize(
    ("method", "body", "status"),
    [
        ("get", None, 405),
        ("post", "not json", 400),
        ("post", json.dumps({"other": 1}), 400),
        ("post", json.dumps([1, 2]), 400),
        ("post", json.dumps({"csp-report": "text"}), 400),
        ("post", _report(note="x" * 20_000), 413),
    ],
)
def test_a_bad_report_is_refused(caplog, method, body, status):
    client = Client()
    with caplog.at_level(logging.WARNING, logger="legami.csp"):
        if method == "get":
            response = client.get("/csp-report/")
        else:
            response = client.post("/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == status
    assert not [r for r in caplog.records if r.name == "legami.csp"]
