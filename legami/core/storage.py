"""Private files (signed pacts, expense receipts): encrypted at rest like case fields, never under MEDIA_URL.

A FileField with `storage=private_storage` writes the uploaded bytes encrypted with the field keys
(LEGAMI_FIELD_KEYS, rotated like the fields) under LEGAMI_PRIVATE_ROOT, and reads them back in clear. No URL serves
that folder: a view that checks who may read the file hands it out (`FileResponse(field.open("rb"))`), and audits it.
"""

from __future__ import annotations

import os
from functools import lru_cache

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from legami.core.fields import cipher


class EncryptedFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose files hold ciphertext: saved encrypted, opened decrypted."""

    # Read from the settings at each use (tests move MEDIA_ROOT): LEGAMI_PRIVATE_ROOT, else MEDIA_ROOT/private.
    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.LEGAMI_PRIVATE_ROOT or os.path.join(settings.MEDIA_ROOT, "private"))

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def _save(self, name: str, content: File) -> str:
        content.seek(0)
        sealed = cipher().encrypt(content.read())
        return super()._save(name, ContentFile(sealed))

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Private files are written through save(), never opened for writing.")
        with super()._open(name, "rb") as sealed:
            data = cipher().decrypt(sealed.read())
        opened = ContentFile(data, name=name)
        return opened

    def size(self, name: str) -> int:
        # The size of the clear file, as the callers (the download's Content-Length) expect.
        return len(self._open(name).read())

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL: a view that checks the reader serves them.")


@lru_cache(maxsize=1)
def _storage() -> EncryptedFileSystemStorage:
    return EncryptedFileSystemStorage()


def private_storage() -> EncryptedFileSystemStorage:
    """The storage of private files (a callable, so that settings are read when the field is first used)."""
    return _storage()
