"""rotate_field_keys re-encrypts every encrypted field of every model with the new key, in batches that each
commit on their own, resumably, keeping every row readable; a dry run writes nothing; one audit event says what
was done, with no values."""

import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from legami.core import keyrotation
from legami.core.audit import snapshot
from legami.core.fields import EncryptedTextField
from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.needs.models import Need, SurveyResponse
from legami.needs.tests.factories import NeedFactory, SurveyFactory
from legami.network.models import Person

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def data(cast, settings):
    """People, needs and survey respondents written under the old key alone."""
    settings.LEGAMI_FIELD_KEYS = [OLD]
    for i in range(5):
        f.PersonFactory(network=cast.network, notes=f"Nota {i}: terapia")
    f.PersonFactory(network=cast.network, notes="")  # nothing to encrypt
    for i in range(4):
        NeedFactory(
            network=cast.network,
            municipality=cast.municipalities[0],
            description=f"Bisogno {i}",
            contact_name=f"Contatto {i}",
            contact_email=f"c{i}@example.org",
        )
    survey = SurveyFactory(network=cast.network)
    SurveyResponse.objects.create(survey=survey, contact_name="Rispondente", contact_email="r@example.org")
    return cast


def _stored(model):
    fields = [fl for fl in model._meta.concrete_fields if isinstance(fl, EncryptedTextField)]
    columns = ", ".join(connection.ops.quote_name(fl.column) for fl in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {columns} FROM {model._meta.db_table} ORDER BY id")  # noqa: S608
        return {row[0]: [v for v in row[1:] if v] for row in cursor.fetchall()}


def _all_stored():
    return {model: _stored(model) for model in (Person, Need, SurveyResponse)}


def _clear(model):
    return {
        obj.pk: [getattr(obj, fl.attname) for fl in obj._meta.concrete_fields if isinstance(fl, EncryptedTextField)]
        for obj in model.objects.order_by("pk")
    }


def _readable_with(key):
    new_only = Fernet(key.encode())
    for rows in _all_stored().values():
        for values in rows.values():
            for value in values:
                new_only.decrypt(value.encode())


def test_the_encrypted_fields_are_found_through_the_field_class():
    found = {model._meta.label: [fl.name for fl in fields] for model, fields in keyrotation.encrypted_fields().items()}
    assert found["network.Person"] == ["notes"]
    assert set(found["needs.Need"]) >= {"description", "contact_name", "contact_email", "contact_phone"}
    assert set(found["needs.SurveyResponse"]) == {"contact_name", "contact_email"}


def test_rotation_re_encrypts_everything_with_the_new_key(data, settings, capsys):
    clear = {model: _clear(model) for model in (Person, Need, SurveyResponse)}
    settings.LEGAMI_FIELD_KEYS = [NEW, OLD]
    events = AuditEvent.objects.count()

    call_command("rotate_field_keys", batch_size=2)

    out = capsys.readouterr().out
    assert "network.Person: 5 rows with encrypted values, 5 re-encrypted, 0 already under the new key." in out
    assert "needs.SurveyResponse: 1 rows with encrypted values, 1 re-encrypted" in out
    # The old key can go: every row decrypts with the new key alone, to the same text.
    settings.LEGAMI_FIELD_KEYS = [NEW]
    _readable_with(NEW)
    assert {model: _clear(model) for model in (Person, Need, SurveyResponse)} == clear
    # One audit event, with counts and no values.
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("id")
    assert event.object_type == "core.field_keys" and event.actor is None
    assert event.after["rotated"]["network.Person"] == {"rows": 5, "rewritten": 5, "current": 0}
    text = json.dumps(event.after) + event.note
    assert "terapia" not in text and "Contatto" not in text and "gAAAA" not in text


def test_a_dry_run_writes_nothing(data, settings, capsys):
    before, events = _all_stored(), AuditEvent.objects.count()
    settings.LEGAMI_FIELD_KEYS = [NEW, OLD]

    call_command("rotate_field_keys", dry_run=True)

    out = capsys.readouterr().out
    assert "network.Person: 5 rows with encrypted values, 5 to re-encrypt" in out and "nothing was written" in out
    assert _all_stored() == before
    assert AuditEvent.objects.count() == events


def test_a_stopped_rotation_keeps_rows_readable_and_resumes(data, settings, monkeypatch):
    settings.LEGAMI_FIELD_KEYS = [NEW, OLD]
    real, calls = keyrotation._rotate_batch, []

    def stop_after_one_batch(model, *args, **kwargs):
        # Stopped in the middle of the needs: after their first batch (whatever the other models rotated before).
        if calls and model is Need:
            raise KeyboardInterrupt
        if model is Need:
            calls.append(1)
        return real(model, *args, **kwargs)

    monkeypatch.setattr(keyrotation, "_rotate_batch", stop_after_one_batch)
    with pytest.raises(KeyboardInterrupt):
        keyrotation.rotate_field_keys(batch_size=2)
    monkeypatch.setattr(keyrotation, "_rotate_batch", real)
    # The batches done are committed; every row still reads, with the old key for those not done yet.
    new_only = Fernet(NEW.encode())
    done = [v for values in _stored(Need).values() for v in values if _decrypts(new_only, v)]
    assert 0 < len(done) < sum(len(v) for v in _stored(Need).values())
    assert len(list(Need.objects.all())) == 4

    results = {r.label: r for r in keyrotation.rotate_field_keys(batch_size=2)}

    assert results["needs.Need"].current == 2 and results["needs.Need"].rewritten == 2
    settings.LEGAMI_FIELD_KEYS = [NEW]
    _readable_with(NEW)


def _decrypts(fernet, value):
    try:
        fernet.decrypt(value.encode())
        return True
    except Exception:
        return False


def test_a_row_edited_during_the_rotation_is_not_overwritten(data, settings, monkeypatch):
    settings.LEGAMI_FIELD_KEYS = [NEW, OLD]
    person = Person.objects.exclude(notes="").order_by("pk").first()
    token = _stored(Person)[person.pk][0]
    real_rotate = keyrotation.cipher

    class EditFirst:
        """The site saves the person's notes between the rotation's read and its write."""

        def __init__(self):
            self.inner = real_rotate()

        def rotate(self, value):
            if value == token.encode():
                Person.objects.filter(pk=person.pk).update(notes="Modificata")
            return self.inner.rotate(value)

    monkeypatch.setattr(keyrotation, "cipher", EditFirst)
    results = {r.label: r for r in keyrotation.rotate_field_keys(batch_size=50)}

    assert results["network.Person"].skipped == 1
    settings.LEGAMI_FIELD_KEYS = [NEW]
    assert Person.objects.get(pk=person.pk).notes == "Modificata"


def test_a_value_no_key_decrypts_stops_with_its_place(data, settings):
    settings.LEGAMI_FIELD_KEYS = [NEW]  # the old key dropped too early
    with pytest.raises(CommandError, match=r"needs.Need \d+ description holds a value that no key"):
        call_command("rotate_field_keys")


def test_a_batch_size_under_one_is_refused(data):
    with pytest.raises(CommandError, match="--batch-size must be 1 or more"):
        call_command("rotate_field_keys", batch_size=0)


def test_audit_snapshots_hold_no_encrypted_value(data):
    """Why the audit log needs no rotation: encrypted fields enter it as a marker, never as a value."""
    person = Person.objects.exclude(notes="").first()
    assert snapshot(person)["notes"].startswith("[redacted:")
    assert not AuditEvent.objects.filter(after__icontains="gAAAA").exists()
