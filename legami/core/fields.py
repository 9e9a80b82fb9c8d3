"""Encrypted model fields for case data (encryption at rest with rotating Fernet keys)."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("LEGAMI_FIELD_KEYS must hold url-safe base64 32-byte Fernet keys") from exc


def cipher() -> MultiFernet:
    """The cipher for the configured keys (the first key encrypts, all keys decrypt)."""
    return _fernet(tuple(settings.LEGAMI_FIELD_KEYS))


class EncryptedTextField(models.TextField):
    """Text stored encrypted in the database; it cannot be searched or ordered by content.

    Values never enter the audit trail in clear (`audit_redacted`).
    """

    audit_redacted = True

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return cipher().encrypt(value.encode()).decode()

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return cipher().decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise ImproperlyConfigured("An encrypted value could not be decrypted with LEGAMI_FIELD_KEYS") from exc
