"""Private files (signed pacts, expense receipts): encrypted at rest like case fields, never under MEDIA_URL.

A FileField with `storage=private_storage` writes the uploaded bytes encrypted with the field keys
(LEGAMI_FIELD_KEYS, rotated like the fields) under LEGAMI_PRIVATE_ROOT, and reads them back in clear. No URL serves
that folder: a view that checks who may read the file hands it out (`FileResponse(field.open("rb"))`), and audits it.
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
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
        return super()._save(name, ContentFile(sealed))  # type: ignore[misc]  # FileSystemStorage's own

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Private files are written through save(), never opened for writing.")
        with super()._open(name, "rb") as sealed:  # type: ignore[misc]  # FileSystemStorage's own
            data = cipher().decrypt(sealed.read())
        return ContentFile(data, name=name)

    def size(self, name: str) -> int:
        # The size of the clear file, as the callers (the download's Content-Length) expect.
        return len(self._open(name).read())

    def names(self) -> list[str]:
        """Every stored file's name, walking the folder (the key rotation visits them all)."""
        found = []
        for folder, _dirs, files in os.walk(self.location):
            found += [os.path.relpath(os.path.join(folder, file), self.location) for file in files]
        return sorted(found)

    def rotate(self, name: str, primary: Fernet, *, dry_run: bool = False) -> bool:
        """Re-encrypt one file with `primary` (the new key) unless it is under it already; True if rewritten.
        The new content replaces the old in one rename, so that a reader never finds half a file."""
        path = self.path(name)
        with open(path, "rb") as sealed:
            token = sealed.read()
        try:
            primary.decrypt(token)
            return False
        except InvalidToken:
            pass
        rotated = cipher().rotate(token)  # InvalidToken when no key of LEGAMI_FIELD_KEYS reads it
        if not dry_run:
            temporary = f"{path}.rotating"
            with open(temporary, "wb") as out:
                out.write(rotated)
            os.replace(temporary, path)
        return True

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL: a view that checks the reader serves them.")


@lru_cache(maxsize=1)
def _storage() -> EncryptedFileSystemStorage:
    return EncryptedFileSystemStorage()


def private_storage() -> EncryptedFileSystemStorage:
    """The storage of private files (a callable, so that settings are read when the field is first used)."""
    return _storage()
