"""Log-in throttling (django-axes): after 5 wrong passwords for an account, or from an address, log-ins from
there are paused for 15 minutes, the right password included; every refusal is in the audit log, never the
password."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.core.tests.factories import PASSWORD, UserFactory

LOGIN = reverse("accounts:login")
WRONG = "not-the-password-42"


def _post(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password}, headers={"Accept-Language": "en"})


def _client(address="10.0.0.1", **extra):
    return Client(REMOTE_ADDR=address, **extra)


def _fail(client, email, times):
    """`times` wrong passwords: the form comes back with its error until the one that reaches the limit."""
    return [_post(client, email, WRONG).status_code for _ in range(times)]


@pytest.fixture
def anna(db):
    return UserFactory(email="anna@example.org")


def test_five_wrong_passwords_pause_the_account_even_for_the_right_one(anna):
    client = _client()
    assert _fail(client, anna.email, 5) == [200, 200, 200, 200, 429]  # the fifth failure pauses
    response = _post(client, anna.email, PASSWORD)
    assert response.status_code == 429
    assert "paused for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_pause_follows_the_account_to_another_address(anna):
    for number in range(5):
        _fail(_client(f"10.0.1.{number}"), anna.email, 1)
    assert _post(_client("10.0.2.1"), anna.email, PASSWORD).status_code == 429


def test_the_pause_follows_the_address_to_other_accounts(db):
    users = [UserFactory(email=f"utente{n}@example.org") for n in range(6)]
    client = _client("10.0.3.1")
    for user in users[:5]:
        _post(client, user.email, WRONG)
    assert _post(client, users[5].email, PASSWORD).status_code == 429
    # Another address logs the same account in.
    assert _post(_client("10.0.3.2"), users[5].email, PASSWORD).status_code == 302


def test_fewer_failures_than_the_limit_do_not_pause_and_a_success_resets_the_count(anna):
    client = _client()
    assert _fail(client, anna.email, 4) == [200] * 4
    assert _post(client, anna.email, PASSWORD).status_code == 302
    client.logout()
    assert _fail(client, anna.email, 4) == [200] * 4
    assert _post(client, anna.email, PASSWORD).status_code == 302


def test_after_the_pause_the_right_password_works_again(anna):
    client = _client()
    _fail(client, anna.email, 5)
    assert _post(client, anna.email, PASSWORD).status_code == 429
    later = timezone.now() - django_settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=later)
    assert _post(client, anna.email, PASSWORD).status_code == 302


def test_every_refusal_is_audited_without_the_password(anna):
    client = _client()
    _fail(client, anna.email, 2)
    _post(client, "nobody@example.org", WRONG)
    events = list(AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).order_by("pk"))
    assert [e.object_repr for e in events] == [anna.email, anna.email, "nobody@example.org"]
    assert events[0].object_id == str(anna.pk) and events[2].object_id in ("", None)
    assert {e.note for e in events} == {"wrong e-mail or password"}
    assert all(e.actor is None and e.data_class == "personal" for e in events)
    for event in events:
        assert WRONG not in f"{event.before}{event.after}{event.note}{event.object_repr}"


def test_a_refusal_during_the_pause_is_audited_as_such(anna):
    client = _client()
    _fail(client, anna.email, 5)
    _post(client, anna.email, PASSWORD)
    last = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).latest("pk")
    assert last.note == "locked out"
    assert PASSWORD not in f"{last.before}{last.after}{last.note}"


def test_behind_a_proxy_each_visitor_is_counted_by_their_own_address(db, settings):
    settings.LEGAMI_BEHIND_PROXY = True
    users = [UserFactory(email=f"persona{n}@example.org") for n in range(6)]
    # What the visitor sends in X-Forwarded-For is ignored: only the address the proxy appends counts.
    attacker = _client("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20, 203.0.113.7")
    for user in users[:5]:
        _post(attacker, user.email, WRONG)
    assert _post(attacker, users[5].email, PASSWORD).status_code == 429
    # Someone else, through the same proxy: not paused.
    colleague = _client("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert _post(colleague, users[5].email, PASSWORD).status_code == 302


def test_the_pause_page_speaks_italian(anna):
    client = _client()
    _fail(client, anna.email, 5)
    response = client.post(LOGIN, {"username": anna.email, "password": PASSWORD}, headers={"Accept-Language": "it"})
    page = response.content.decode()
    assert response.status_code == 429
    assert "sospesi per 15 minuti" in page and page.count("<h1") == 1
