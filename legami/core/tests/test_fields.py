"""Encryption at rest of case data."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from legami.core.fields import EncryptedTextField, _fernet


@pytest.fixture
def field():
    f = EncryptedTextField()
    f.set_attributes_from_name("secret")
    return f


def test_round_trip_and_ciphertext_differs(field, settings):
    stored = field.get_prep_value("diagnosi riservata")
    assert stored != "diagnosi riservata"
    assert "diagnosi" not in stored
    assert field.from_db_value(stored, None, connection) == "diagnosi riservata"


def test_empty_values_stay_empty(field):
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None


def test_key_rotation_reads_old_values(field, settings):
    old_key = settings.LEGAMI_FIELD_KEYS[0]
    stored = field.get_prep_value("vecchio")
    settings.LEGAMI_FIELD_KEYS = [Fernet.generate_key().decode(), old_key]
    _fernet.cache_clear()
    assert field.from_db_value(stored, None, connection) == "vecchio"


def test_wrong_key_is_a_clear_error(field, settings):
    stored = field.get_prep_value("segreto")
    settings.LEGAMI_FIELD_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="could not be decrypted"):
        field.from_db_value(stored, None, connection)


def test_malformed_key_is_a_clear_error(field, settings):
    settings.LEGAMI_FIELD_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="Fernet"):
        field.get_prep_value("x")


def test_field_is_redacted_in_audit():
    assert EncryptedTextField.audit_redacted is True
