"""Operations for migrations that move columns to encryption at rest (legami.core.fields.EncryptedTextField).

A migration first makes the column a plain text column (an encrypted value is longer than the clear one), then
`encrypt_columns` rewrites each value encrypted, then the field becomes an EncryptedTextField (no change in the
database). Reversed, the values are decrypted again. Values already encrypted are left as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import migrations

BATCH = 500


def _rewrite(apps: Any, app_label: str, model_name: str, fields: Sequence[str], *, encrypt: bool) -> None:
    from legami.core.fields import cipher

    model = apps.get_model(app_label, model_name)
    fernet = cipher()
    for field in fields:
        rows = model._default_manager.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True})
        for pk, value in rows.values_list("pk", field).iterator(chunk_size=BATCH):
            try:
                clear = fernet.decrypt(value.encode()).decode()
                already = True
            except InvalidToken:
                clear, already = value, False
            if encrypt and not already:
                new = fernet.encrypt(clear.encode()).decode()
            elif not encrypt and already:
                new = clear
            else:
                continue
            model._default_manager.filter(pk=pk).update(**{field: new})


def encrypt_columns(app_label: str, model_name: str, fields: Sequence[str]) -> migrations.RunPython:
    """A RunPython that encrypts these text columns' values (and decrypts them when reversed)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        _rewrite(apps, app_label, model_name, fields, encrypt=True)

    def backward(apps: Any, schema_editor: Any) -> None:
        _rewrite(apps, app_label, model_name, fields, encrypt=False)

    return migrations.RunPython(forward, backward, elidable=False)
