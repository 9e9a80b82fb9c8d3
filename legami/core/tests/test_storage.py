"""Private files (legami.core.storage): stored encrypted with the field keys, read back in clear, served by no URL,
re-encrypted by the key rotation."""

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.management import call_command

from legami.core.models import AuditEvent
from legami.core.storage import private_storage

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
SCAN = b"%PDF-1.7 patto firmato da Maria Rossi"


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LEGAMI_PRIVATE_ROOT = ""
    settings.LEGAMI_FIELD_KEYS = [OLD]
    return private_storage()


def test_a_file_is_stored_encrypted_and_read_back_in_clear(storage, settings, tmp_path):
    name = storage.save("pacts/signatures/patto.pdf", ContentFile(SCAN))

    on_disk = (tmp_path / "media" / "private" / name).read_bytes()
    assert b"Maria" not in on_disk and b"%PDF" not in on_disk
    assert Fernet(OLD.encode()).decrypt(on_disk) == SCAN
    with storage.open(name) as opened:
        assert opened.read() == SCAN
    assert storage.size(name) == len(SCAN)


def test_the_private_root_setting_moves_the_folder(storage, settings, tmp_path):
    settings.LEGAMI_PRIVATE_ROOT = str(tmp_path / "elsewhere")

    name = storage.save("ricevuta.png", ContentFile(b"\x89PNG ricevuta"))

    assert (tmp_path / "elsewhere" / name).exists()
    assert not (tmp_path / "media" / "private" / name).exists()


def test_private_files_have_no_url_and_cannot_be_opened_for_writing(storage):
    name = storage.save("patto.pdf", ContentFile(SCAN))

    with pytest.raises(ValueError, match="no URL"):
        storage.url(name)
    with pytest.raises(ValueError, match="save"):
        storage.open(name, "wb")


def test_the_key_rotation_re_encrypts_the_private_files(storage, settings, cast, capsys):
    first = storage.save("a.pdf", ContentFile(SCAN))
    second = storage.save("b.pdf", ContentFile(b"%PDF altra ricevuta"))
    settings.LEGAMI_FIELD_KEYS = [NEW, OLD]
    storage.save("c.pdf", ContentFile(b"%PDF nuova"))  # written under the new key already

    call_command("rotate_field_keys")

    assert "private files: 3 rows with encrypted values, 2 re-encrypted, 1 already under the new key" in (
        capsys.readouterr().out
    )
    settings.LEGAMI_FIELD_KEYS = [NEW]
    with storage.open(first) as opened:
        assert opened.read() == SCAN
    with storage.open(second) as opened:
        assert opened.read() == b"%PDF altra ricevuta"
    assert AuditEvent.objects.latest("id").after["rotated"]["private files"] == {
        "rows": 3,
        "rewritten": 2,
        "current": 1,
    }
