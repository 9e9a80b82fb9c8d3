"""Authentication: personal access tokens (active, revoked, expired), the session alternative and CSRF."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.crypto import get_random_string

from legami.accounts.models import PersonalAccessToken
from legami.accounts.services.tokens import create_token, revoke_token
from legami.api.auth import LAST_USED_RESOLUTION, find_active_token, touch_token
from legami.api.tests.helpers import BASE, ApiClient, make_token, network_url
from legami.network.models import Organization

# Every operation, with the placeholders filled in for the cast's network (the ids need not exist:
# authentication is checked before anything else).
ENDPOINTS = [
    ("get", "{base}"),
    ("get", "{net}"),
    ("get", "{net}organizations/"),
    ("post", "{net}organizations/"),
    ("get", "{net}organizations/1/"),
    ("patch", "{net}organizations/1/"),
    ("delete", "{net}organizations/1/"),
    ("get", "{net}people/"),
    ("post", "{net}people/"),
    ("get", "{net}people/1/"),
    ("patch", "{net}people/1/"),
    ("delete", "{net}people/1/"),
]


def _call(api, cast, method, template, payload=None):
    path = template.format(base=BASE, net=network_url(cast.network))
    if method in ("post", "patch"):
        return getattr(api, method)(path, payload if payload is not None else {})
    return getattr(api, method)(path)


def _assert_unauthorized(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Bearer" in response.json()["detail"]


@pytest.mark.parametrize(("method", "template"), ENDPOINTS)
def test_every_endpoint_refuses_anonymous_callers(cast, method, template):
    _assert_unauthorized(_call(ApiClient(Client()), cast, method, template))


@pytest.mark.parametrize(("method", "template"), ENDPOINTS)
def test_every_endpoint_refuses_an_unknown_token(cast, method, template):
    api = ApiClient(Client(), "lgm_" + "x" * 43)
    _assert_unauthorized(_call(api, cast, method, template))


@pytest.mark.parametrize(("method", "template"), ENDPOINTS)
def test_every_endpoint_refuses_a_revoked_token(cast, method, template):
    raw = make_token(cast.coordinator, revoked_at=timezone.now() - timedelta(minutes=5))
    _assert_unauthorized(_call(ApiClient(Client(), raw), cast, method, template))


@pytest.mark.parametrize(("method", "template"), ENDPOINTS)
def test_every_endpoint_refuses_an_expired_token(cast, method, template):
    raw = make_token(cast.coordinator, expires_at=timezone.now() - timedelta(seconds=1))
    _assert_unauthorized(_call(ApiClient(Client(), raw), cast, method, template))


def test_a_token_not_yet_expired_works(api_as, cast):
    api = api_as(cast.coordinator, expires_at=timezone.now() + timedelta(days=1))
    assert api.get(BASE).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",  # no token at all
        "Bearer not-a-legami-token",
        "Token lgm_abc",  # wrong scheme
        "Basic dXNlcjpwYXNz",
    ],
)
def test_malformed_authorization_headers_are_refused(cast, header):
    api = ApiClient(Client())
    _assert_unauthorized(api.get(BASE, headers={"Authorization": header}))


def test_a_token_of_a_deactivated_user_is_refused(cast):
    raw = make_token(cast.coordinator)
    cast.coordinator.is_active = False
    cast.coordinator.save(update_fields=["is_active"])
    _assert_unauthorized(ApiClient(Client(), raw).get(BASE))


def test_a_token_hash_alone_is_not_a_token(cast):
    raw = make_token(cast.coordinator)
    stored = PersonalAccessToken.objects.get().token_hash
    assert stored == PersonalAccessToken.hash(raw) != raw
    _assert_unauthorized(ApiClient(Client(), stored).get(BASE))
    _assert_unauthorized(ApiClient(Client(), PersonalAccessToken.PREFIX + stored).get(BASE))


def test_a_valid_token_authenticates_its_user(api_as, cast):
    response = api_as(cast.case_manager).get(network_url(cast.network))
    assert response.status_code == 200
    assert response.json()["roles"] == ["case_manager"]


def test_token_use_is_recorded(cast):
    raw = make_token(cast.coordinator)
    assert ApiClient(Client(), raw).get(BASE).status_code == 200
    assert PersonalAccessToken.objects.get().last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(cast, django_assert_num_queries):
    raw = make_token(cast.coordinator)
    recent = timezone.now() - timedelta(seconds=10)
    PersonalAccessToken.objects.update(last_used_at=recent)
    token = find_active_token(raw)
    with django_assert_num_queries(0):
        touch_token(token)
    assert PersonalAccessToken.objects.get().last_used_at == recent

    stale = timezone.now() - LAST_USED_RESOLUTION - timedelta(seconds=1)
    PersonalAccessToken.objects.update(last_used_at=stale)
    token = find_active_token(raw)
    with django_assert_num_queries(1):
        touch_token(token)
    assert PersonalAccessToken.objects.get().last_used_at > stale


def test_repeated_requests_do_not_write_the_token_each_time(cast):
    raw = make_token(cast.coordinator)
    api = ApiClient(Client(), raw)
    with CaptureQueriesContext(connection) as first_use:
        api.get(BASE)
    assert [q["sql"] for q in first_use.captured_queries if q["sql"].startswith("UPDATE")]
    first = PersonalAccessToken.objects.get().last_used_at
    with CaptureQueriesContext(connection) as again:
        assert api.get(BASE).status_code == 200
    assert not [q["sql"] for q in again.captured_queries if q["sql"].startswith("UPDATE")]
    assert PersonalAccessToken.objects.get().last_used_at == first


def test_a_bad_token_does_not_fall_back_to_the_session(cast, login):
    client = login(cast.coordinator)
    api = ApiClient(client, "lgm_wrong")
    _assert_unauthorized(api.get(BASE))


def test_session_authentication_works_for_reads(api_session, cast):
    response = api_session(cast.coordinator).get(BASE)
    assert response.status_code == 200
    assert [n["slug"] for n in response.json()["items"]] == [cast.network.slug]


def _csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_session_writes_need_the_csrf_token(cast):
    api = ApiClient(_csrf_client(cast.coordinator))
    response = api.post(network_url(cast.network, "organizations"), {"name": "Senza CSRF", "kind": "association"})
    assert response.status_code == 403
    assert not Organization.objects.filter(name="Senza CSRF").exists()


def test_session_writes_with_the_csrf_token_succeed(cast):
    client = _csrf_client(cast.coordinator)
    # What a page of the site would have set: the CSRF cookie, echoed by the script in the header.
    token_value = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = token_value
    api = ApiClient(client)
    response = api.post(
        network_url(cast.network, "organizations"),
        {"name": "Con CSRF", "kind": "association"},
        headers={"X-CSRFToken": token_value},
    )
    assert response.status_code == 201, response.content
    assert Organization.objects.filter(name="Con CSRF").exists()


def test_token_writes_need_no_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    api = ApiClient(client, make_token(cast.coordinator))
    response = api.post(network_url(cast.network, "organizations"), {"name": "Via token", "kind": "association"})
    assert response.status_code == 201


def test_anonymous_unsafe_requests_get_401_not_a_csrf_403(cast):
    api = ApiClient(Client(enforce_csrf_checks=True))
    _assert_unauthorized(api.post(network_url(cast.network, "organizations"), {"name": "X", "kind": "association"}))
    _assert_unauthorized(
        ApiClient(Client(enforce_csrf_checks=True), "lgm_bad").delete(network_url(cast.network, "people", 1))
    )


def test_tokens_from_the_account_service_work_until_revoked(cast):
    token, raw = create_token(actor=cast.community_worker, name="script di quartiere", expires_in_days=30)
    api = ApiClient(Client(), raw)
    assert api.get(network_url(cast.network)).json()["roles"] == ["community_worker"]
    revoke_token(actor=cast.community_worker, token=token)
    _assert_unauthorized(api.get(network_url(cast.network)))


def test_refused_tokens_are_limited_per_address(cast, settings):
    settings.LEGAMI_API_REFUSED_TOKENS_PER_MINUTE = 3
    url = f"/api/v1/networks/{cast.network.slug}/"
    guesser = Client(headers={"Authorization": "Bearer lgm_guess", "Accept-Language": "en"}, REMOTE_ADDR="203.0.113.7")
    assert [guesser.get(url).status_code for _ in range(3)] == [401, 401, 401]
    refused = guesser.get(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "at most 3 a minute" in refused.json()["detail"]
    # Another address guesses apart; a valid token is never counted, from any address.
    elsewhere = Client(headers={"Authorization": "Bearer lgm_guess"}, REMOTE_ADDR="203.0.113.8")
    assert elsewhere.get(url).status_code == 401
    valid = Client(headers={"Authorization": f"Bearer {make_token(cast.coordinator)}"}, REMOTE_ADDR="203.0.113.7")
    assert valid.get(url).status_code == 200
