"""The audit trail helpers."""

from legami.core.audit import change_and_record, record_event, record_read, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.tests import factories as f


def test_update_event_keeps_only_changed_fields(cast):
    person = f.PersonFactory(network=cast.network, first_name="Anna", last_name="Bianchi")
    before = snapshot(person)
    person.first_name = "Annalisa"
    event = record_event(
        actor=cast.coordinator, action=AuditEvent.Action.UPDATE, obj=person, before=before, after=snapshot(person)
    )
    assert event.before == {"first_name": "Anna"}
    assert event.after == {"first_name": "Annalisa"}
    assert event.network_id == cast.network.pk
    assert event.actor == cast.coordinator
    assert event.object_type == "network.person"
    assert event.object_id == str(person.pk)


def test_secrets_and_encrypted_fields_never_reach_the_trail_in_clear(cast):
    person = f.PersonFactory(network=cast.network, notes="diabete")
    data = snapshot(person)
    assert "diabete" not in str(data) and cast.coordinator.password not in str(snapshot(cast.coordinator))
    created = record_event(actor=cast.coordinator, action=AuditEvent.Action.CREATE, obj=person, after=data)
    assert created.after["notes"] == "[redacted]"
    person.notes = "diabete e ipertensione"
    person.first_name = "Lia"
    event = record_event(
        actor=cast.coordinator, action=AuditEvent.Action.UPDATE, obj=person, before=data, after=snapshot(person)
    )
    assert event.before["notes"] == "[redacted]" and event.after["notes"] == "[redacted: changed]"
    assert "diabete" not in f"{event.before}{event.after}"
    unchanged = record_event(
        actor=cast.coordinator, action=AuditEvent.Action.UPDATE, obj=person, before=data, after=data
    )
    assert unchanged.after == {}


def test_system_actor_is_labelled(cast):
    event = record_event(actor=None, action=AuditEvent.Action.CREATE, obj=cast.organization)
    assert event.actor is None
    assert event.actor_label == "system"


def test_read_of_case_data_is_recorded_as_case_class(cast):
    person = f.PersonFactory(network=cast.network)
    event = record_read(actor=cast.case_manager, obj=person, purpose="pact review")
    assert event.action == AuditEvent.Action.READ
    assert event.data_class == DataClass.CASE
    assert event.note == "pact review"
    assert AuditEvent.objects.filter(action="read", object_id=str(person.pk)).count() == 1


def test_change_and_record_saves_and_audits_only_a_real_change(cast):
    person = f.PersonFactory(network=cast.network, first_name="Anna", last_name="Bianchi")
    count = AuditEvent.objects.count
    before = count()
    assert not change_and_record(actor=cast.coordinator, obj=person, values={"first_name": "Anna"})
    assert count() == before
    saved = []
    changed = change_and_record(
        actor=cast.coordinator,
        obj=person,
        values={"first_name": "Annalisa"},
        data_class=DataClass.PERSONAL,
        save=lambda obj: (saved.append(obj.pk), obj.save()),
    )
    assert changed and saved == [person.pk]
    person.refresh_from_db()
    assert person.first_name == "Annalisa"
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.data_class) == (AuditEvent.Action.UPDATE, DataClass.PERSONAL)
    assert (event.before, event.after) == ({"first_name": "Anna"}, {"first_name": "Annalisa"})


def test_a_change_made_in_the_admin_site_is_audited(cast):
    from django.contrib.admin.models import CHANGE, DELETION, LogEntry

    target = cast.citizen
    LogEntry.objects.log_actions(
        cast.platform_admin.pk,
        [target],
        CHANGE,
        change_message=[{"changed": {"fields": ["Superuser status"]}}],
        single_object=True,
    )
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.actor, event.object_type) == (
        AuditEvent.Action.UPDATE,
        cast.platform_admin,
        "accounts.user",
    )
    assert event.object_id == str(target.pk) and "Superuser status" in event.note and event.note.startswith("admin:")
    LogEntry.objects.log_actions(cast.platform_admin.pk, [cast.organization], DELETION, single_object=True)
    assert AuditEvent.objects.latest("pk").action == AuditEvent.Action.DELETE


def test_the_admin_site_deletes_one_row_at_a_time():
    from django.contrib import admin

    # A bulk delete writes its log entries in bulk, which no signal sees: the action is off.
    assert "delete_selected" not in dict(admin.site.actions)
