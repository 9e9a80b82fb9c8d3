"""site_base_url: the site's address comes from LEGAMI_BASE_URL when set, else from the request."""

from django.test import RequestFactory

from legami.core.http import site_base_url


def test_unset_base_url_follows_the_request_host_port_and_scheme(settings):
    settings.LEGAMI_BASE_URL = ""
    assert site_base_url(RequestFactory().get("/x/", HTTP_HOST="localhost:8123")) == "http://localhost:8123"
    assert site_base_url(RequestFactory().get("/x/", HTTP_HOST="localhost", secure=True)) == "https://localhost"


def test_unset_base_url_behind_a_proxy_takes_the_forwarded_scheme(settings):
    settings.LEGAMI_BASE_URL = ""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8001", HTTP_X_FORWARDED_PROTO="https")
    assert site_base_url(request) == "https://127.0.0.1:8001"


def test_set_base_url_wins_over_the_request(settings):
    settings.LEGAMI_BASE_URL = "https://legami.example.org/"
    assert site_base_url(RequestFactory().get("/", HTTP_HOST="localhost:8123")) == "https://legami.example.org"


def _request(**meta):
    from django.test import RequestFactory

    return RequestFactory().get("/", **meta)


def test_the_client_address_is_the_connections_unless_behind_the_proxy(settings):
    from legami.core.http import client_address

    settings.LEGAMI_BEHIND_PROXY = False
    assert client_address(_request(REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6")) == "10.1.1.1"
    settings.LEGAMI_BEHIND_PROXY = True
    assert client_address(_request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.2.2.2")) == "10.2.2.2"
    assert client_address(_request(REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
