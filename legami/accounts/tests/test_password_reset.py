"""Password reset by e-mail: the link (sent, works once, dies after an hour), the same answer for an unknown
address, the rate limit, the password rules, and no way around the two-factor verification."""

import datetime
import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse

from legami.accounts.tests.otp import authenticator
from legami.core.models import AuditEvent
from legami.core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.two_factor_flow

RESET = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")
NEW_PASSWORD = "una-nuova-password-lunga-7"
LINK = re.compile(r"https?://[^\s]+/accounts/password/reset/[^\s/]+/[^\s/]+/")


def _client(address="10.0.0.1"):
    return Client(REMOTE_ADDR=address, headers={"Accept-Language": "en"})


@pytest.fixture
def anna(db):
    return UserFactory(email="anna@example.org", full_name="Anna Rossi", preferred_language="it")


_on_commit = []


@pytest.fixture(autouse=True)
def _mail_on_commit(django_capture_on_commit_callbacks):
    """The e-mail leaves on commit, as invitations do: run what the request deferred."""
    _on_commit[:] = [django_capture_on_commit_callbacks]
    yield
    _on_commit.clear()


def _ask(client, email):
    with _on_commit[0](execute=True):
        return client.post(RESET, {"email": email})


def _link():
    assert len(mail.outbox) == 1
    return LINK.search(mail.outbox[0].body).group(0)


def _set(client, link, password=NEW_PASSWORD, again=None):
    """Open the link (it moves the token into the session) and send the new password; the last response."""
    opened = client.get(link)
    if opened.status_code != 302:
        return opened
    return client.post(opened["Location"], {"new_password1": password, "new_password2": again or password})


def test_the_log_in_page_links_to_the_reset(db):
    page = Client().get(reverse("accounts:login"))
    assert RESET in page.content.decode()
    assert "Password dimenticata?" in page.content.decode()


def test_the_link_is_mailed_works_once_and_does_not_log_in(anna):
    client = _client()
    response = _ask(client, " Anna@Example.org ")
    assert response.status_code == 302 and response["Location"] == DONE
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert "nuova password" in message.subject.lower()  # in the account's language
    link = _link()
    response = _set(client, link)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_complete")
    assert "_auth_user_id" not in client.session
    anna.refresh_from_db()
    assert anna.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(object_id=str(anna.pk), note="password reset by e-mail").exists()
    # A second use: the link is dead (the password it was made for has changed).
    page = _client().get(link, follow=True)
    assert "Link not valid" in page.content.decode()
    assert "_password_reset_token" not in page.client.session


def test_the_link_expires_after_an_hour(anna, monkeypatch):
    _ask(_client(), anna.email)
    link = _link()
    real_now = default_token_generator._now
    monkeypatch.setattr(default_token_generator, "_now", lambda: real_now() + datetime.timedelta(minutes=59))
    assert _client().get(link).status_code == 302  # still good just before the hour
    monkeypatch.setattr(default_token_generator, "_now", lambda: real_now() + datetime.timedelta(minutes=61))
    page = _client().get(link)
    assert page.status_code == 200 and "Link not valid" in page.content.decode()
    assert django_settings.PASSWORD_RESET_TIMEOUT == 3600


def test_an_unknown_address_gets_the_same_answer_and_no_mail(anna):
    known = _ask(_client(), anna.email)
    unknown = _ask(_client("10.0.0.2"), "nessuno@example.org")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1
    done = _client().get(DONE)
    assert done.status_code == 200 and "If the address belongs to a legami account" in done.content.decode()


def test_an_inactive_account_gets_no_mail(anna):
    anna.is_active = False
    anna.save()
    assert _ask(_client(), anna.email)["Location"] == DONE
    assert mail.outbox == []


def test_the_same_address_is_limited_to_three_links_an_hour(anna):
    statuses = [_ask(_client(f"10.0.1.{n}"), anna.email).status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    # Another address is not held back; nor does an unknown address reveal itself by a different limit.
    assert _ask(_client("10.0.2.1"), "altra@example.org").status_code == 302
    assert [_ask(_client(f"10.0.3.{n}"), "nessuno@example.org").status_code for n in range(4)][-1] == 429


def test_one_connection_is_limited_like_the_other_public_forms(anna, settings):
    settings.LEGAMI_PUBLIC_FORM_POSTS_PER_HOUR = 2
    client = _client()
    assert [_ask(client, f"x{n}@example.org").status_code for n in range(3)] == [302, 302, 429]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter the e-mail address of your account."),
        ("anna", "This is not an e-mail address."),
        ("a" * 250 + "@example.org", "This e-mail address is too long."),
    ],
)
def test_bad_addresses_are_explained(anna, email, message):
    response = _ask(_client(), email)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert mail.outbox == []


def test_the_four_password_validators_are_on():
    names = [v["NAME"].rsplit(".", 1)[1] for v in django_settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password123", "This password is too common."),
        ("8412093765129", "This password is entirely numeric."),
        ("c0rt4!", "This password is too short. It must contain at least 10 characters."),
        ("anna@example.org", "The password is too similar to the"),
    ],
)
def test_a_weak_password_is_refused_with_the_rule_it_breaks(anna, password, message):
    _ask(_client(), anna.email)
    client = _client()
    response = _set(client, _link(), password)
    assert response.status_code == 200
    assert message in response.content.decode()
    anna.refresh_from_db()
    assert anna.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [("", "", "Enter the new password."), (NEW_PASSWORD, "altra-password-lunga-9", "do not match")],
)
def test_missing_or_different_passwords_are_explained(anna, first, second, message):
    _ask(_client(), anna.email)
    response = _set(_client(), _link(), first, again=second)
    assert message in response.content.decode()


def test_a_made_up_link_is_not_valid(anna):
    page = _client().get(reverse("accounts:password_reset_confirm", args=["MQ", "abc-123"]))
    assert page.status_code == 200 and "Link not valid" in page.content.decode()


def test_a_reset_does_not_bypass_the_two_factor_verification(cast):
    authenticator(cast.coordinator)
    _ask(_client(), cast.coordinator.email)
    _set(_client(), _link())
    client = _client()
    response = client.post(reverse("accounts:login"), {"username": cast.coordinator.email, "password": NEW_PASSWORD})
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.get(reverse("accounts:home"))["Location"].startswith(reverse("accounts:two_factor_verify"))
