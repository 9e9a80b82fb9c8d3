"""Notes about people and the contacts of needs and survey respondents are encrypted in the database, and the
migration that encrypts the values already stored can be reversed."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from legami.core.migration_ops import _rewrite
from legami.core.tests import factories as f
from legami.needs.models import Need
from legami.needs.tests.factories import NeedFactory
from legami.network.models import Person


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 — names from the test
        return cursor.fetchone()[0]


def test_person_notes_are_stored_encrypted(cast):
    person = f.PersonFactory(network=cast.network, notes="Diabete, insulina la sera")
    stored = _raw(Person._meta.db_table, "notes", person.pk)
    assert "Diabete" not in stored and stored.startswith("gAAAA")
    person.refresh_from_db()
    assert person.notes == "Diabete, insulina la sera"


def test_need_contacts_are_stored_encrypted(cast):
    need = NeedFactory(
        network=cast.network,
        municipality=cast.municipalities[0],
        contact_name="Maria Rossi",
        contact_email="maria@example.org",
        contact_phone="333 1234567",
    )
    for column, clear in (("contact_name", "Maria"), ("contact_email", "maria@"), ("contact_phone", "333")):
        assert clear not in _raw(Need._meta.db_table, column, need.pk)
    need.refresh_from_db()
    assert (need.contact_name, need.contact_email) == ("Maria Rossi", "maria@example.org")


def test_the_migration_encrypts_what_was_stored_in_clear_and_reverses(cast):
    person = f.PersonFactory(network=cast.network, notes="provvisorio")
    with connection.cursor() as cursor:  # a value written before the migration: in clear
        cursor.execute(f"UPDATE {Person._meta.db_table} SET notes = %s WHERE id = %s", ["in chiaro", person.pk])  # noqa: S608
    before = MigrationExecutor(connection).loader.project_state(("network", "0007_field_labels")).apps
    _rewrite(before, "network", "Person", ["notes"], encrypt=True)
    assert _raw(Person._meta.db_table, "notes", person.pk).startswith("gAAAA")
    person.refresh_from_db()
    assert person.notes == "in chiaro"
    _rewrite(before, "network", "Person", ["notes"], encrypt=True)  # twice: nothing encrypted twice
    person.refresh_from_db()
    assert person.notes == "in chiaro"
    _rewrite(before, "network", "Person", ["notes"], encrypt=False)
    assert _raw(Person._meta.db_table, "notes", person.pk) == "in chiaro"
