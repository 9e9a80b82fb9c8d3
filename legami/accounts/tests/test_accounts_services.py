"""Accounts services: log-in records, password change, personal access tokens."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from legami.accounts.models import PersonalAccessToken
from legami.accounts.selectors.tokens import get_token_for_user, tokens_for
from legami.accounts.services.accounts import change_password, record_login
from legami.accounts.services.tokens import create_token, revoke_token
from legami.core.models import AuditEvent
from legami.core.tests.factories import PASSWORD


def test_record_login(cast):
    event = record_login(user=cast.case_manager)
    assert event.action == AuditEvent.Action.LOGIN
    assert event.actor == cast.case_manager
    assert event.object_id == str(cast.case_manager.pk)


def test_record_login_refuses_anonymous(db):
    with pytest.raises(PermissionDenied):
        record_login(user=None)
    assert AuditEvent.objects.count() == 0


def test_create_token_stores_only_hash(cast):
    token, raw = create_token(actor=cast.coordinator, name="  Script di import  ", expires_in_days=30)
    token.refresh_from_db()
    assert raw.startswith(PersonalAccessToken.PREFIX)
    assert token.token_hash == PersonalAccessToken.hash(raw)
    assert raw not in token.token_hash and raw != token.hint
    assert raw.startswith(token.hint) and len(token.hint) < len(raw)
    assert token.name == "Script di import"
    assert token.user == cast.coordinator
    assert abs((token.expires_at - (timezone.now() + timedelta(days=30))).total_seconds()) < 60
    assert token.is_active
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="accounts.personalaccesstoken")
    assert event.actor == cast.coordinator
    assert event.after["token_hash"] == "[redacted]"
    assert raw not in str(event.after)


def test_create_token_without_expiry(cast):
    token, _ = create_token(actor=cast.citizen, name="Senza scadenza")
    assert token.expires_at is None and token.is_active


def test_create_token_refuses_anonymous(db):
    with pytest.raises(PermissionDenied):
        create_token(actor=None, name="x")
    assert PersonalAccessToken.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [
        ("", None, "name"),
        ("   ", None, "name"),
        ("x" * 101, None, "name"),
        ("ok", 0, "expires_in_days"),
        ("ok", 366, "expires_in_days"),
        ("ok", -5, "expires_in_days"),
        ("ok", "10", "expires_in_days"),
        ("ok", True, "expires_in_days"),
    ],
)
def test_create_token_bad_input_writes_nothing(cast, name, days, field):
    with pytest.raises(ValidationError) as exc:
        create_token(actor=cast.coordinator, name=name, expires_in_days=days)
    assert field in exc.value.message_dict
    assert PersonalAccessToken.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "days", "field", "code", "message"),
    [
        ("  ", None, "name", "required", "Give the token a name, to recognise it later."),
        ("x" * 101, None, "name", "max_length", "The name is too long."),
        ("ok", "10", "expires_in_days", "invalid", "Enter a whole number of days."),
        ("ok", 0, "expires_in_days", "min_value", "The token may last from 1 to 365 days."),
        ("ok", 366, "expires_in_days", "max_value", "The token may last from 1 to 365 days."),
    ],
)
def test_token_input_rules_name_the_field_and_the_code(cast, name, days, field, code, message):
    with pytest.raises(ValidationError) as exc:
        create_token(actor=cast.coordinator, name=name, expires_in_days=days)
    assert [(e.code, e.messages[0]) for e in exc.value.error_dict[field]] == [(code, message)]


def test_token_input_rules_take_the_longest_name_and_lifetime(cast):
    token, _ = create_token(actor=cast.coordinator, name="x" * 100, expires_in_days=365)
    assert len(token.name) == 100
    assert abs((token.expires_at - (timezone.now() + timedelta(days=365))).total_seconds()) < 60


def test_revoke_token(cast):
    token, _ = create_token(actor=cast.coordinator, name="Da revocare")
    revoke_token(actor=cast.coordinator, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVOKE, object_id=str(token.pk)).exists()


def test_revoke_token_of_someone_else_is_refused(cast):
    token, _ = create_token(actor=cast.coordinator, name="Mio")
    events = AuditEvent.objects.count()
    for other in (cast.platform_admin, cast.case_manager, None):
        with pytest.raises(PermissionDenied):
            revoke_token(actor=other, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert AuditEvent.objects.count() == events


def test_revoke_token_twice_is_refused(cast):
    token, _ = create_token(actor=cast.coordinator, name="Mio")
    revoke_token(actor=cast.coordinator, token=token)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        revoke_token(actor=cast.coordinator, token=token)
    assert AuditEvent.objects.count() == events


def test_token_selectors_scope_to_owner(cast):
    mine, _ = create_token(actor=cast.coordinator, name="Mio")
    create_token(actor=cast.citizen, name="Suo")
    assert list(tokens_for(cast.coordinator)) == [mine]
    assert list(tokens_for(None)) == []
    assert get_token_for_user(cast.coordinator, mine.pk) == mine
    with pytest.raises(Http404):
        get_token_for_user(cast.citizen, mine.pk)


def test_change_password(cast):
    change_password(actor=cast.citizen, old_password=PASSWORD, new_password="nuova-password-sicura-7")
    cast.citizen.refresh_from_db()
    assert cast.citizen.check_password("nuova-password-sicura-7")
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_type="accounts.user")
    assert event.note == "password changed"
    assert "password" not in str(event.after or "")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [("wrong", "nuova-password-sicura-7", "old_password"), (PASSWORD, "123", "new_password1")],
)
def test_change_password_bad_input(cast, old, new, field):
    with pytest.raises(ValidationError) as exc:
        change_password(actor=cast.citizen, old_password=old, new_password=new)
    assert field in exc.value.message_dict
    cast.citizen.refresh_from_db()
    assert cast.citizen.check_password(PASSWORD)
    assert AuditEvent.objects.count() == 0


def test_where_a_user_acted_others_read_their_name_never_their_e_mail(db):
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    from legami.core.tests import factories as f

    named = f.UserFactory(full_name="  Marta Ferrari ", email="marta@example.org")
    nameless = f.UserFactory(full_name="", email="senza.nome@example.org")
    assert named.acting_name == "Marta Ferrari"
    with translation.override("it"):
        assert nameless.acting_name == "Un membro della rete"
    # Themselves, and those who see the members, still read the e-mail of one with no name.
    assert nameless.display_name == "senza.nome@example.org"

    class Event:  # a step of a workflow's history, as the history component reads it
        created_at = timezone.now()
        actor = nameless
        from_status, to_label, changes_state, note = "", "Accolta", True, ""

    html = render_to_string("components/history.html", {"events": [Event()]})
    assert "senza.nome" not in html and "A member of the network" in html
