"""The registry of what each app holds about a person, its CSV files, and the audit helper that erases events."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from legami.core import exports
from legami.core.audit import erase_personal_data, record_event
from legami.core.models import AuditEvent
from legami.core.personal_data import PersonalDataRegistry, Section, section_csv
from legami.core.tests import factories as f


def test_csv_text_has_a_bom_and_neutralises_every_formula_prefix():
    text = exports.csv_text(["a", "b"], [["=1+2", "+39"], ["-x", "@SUM"], ["\tTAB", 5], [-3, "ok"]])
    assert text.startswith("\ufeffa,b\r\n")
    lines = text.splitlines()
    assert lines[1:] == ["'=1+2,'+39", "'-x,'@SUM", "'\tTAB,5", "-3,ok"]


def test_a_section_csv_has_every_key_met_and_nested_values_as_json():
    text = section_csv([{"id": 1, "after": {"phone": "=x"}}, {"id": 2, "note": "+ciao"}])
    assert text.splitlines() == ["\ufeffid,after,note", '1,"{""phone"": ""=x""}",', "2,,'+ciao"]
    assert section_csv([]) == "\ufeff\r\n"


def test_a_section_name_is_declared_once():
    registry = PersonalDataRegistry()
    section = Section("things", lambda person: [])
    registry.register(section, section)  # the same declaration again is harmless
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        registry.register(Section("things", lambda person: [{}]))
    with pytest.raises(ImproperlyConfigured, match="core's own"):
        registry.register(Section("audit_events", lambda person: []))
    registry.register(Section("first", lambda person: [], order=1))
    assert [s.name for s in registry.sections()] == ["first", "things"]


def test_erase_personal_data_blanks_what_events_say_and_keeps_who_and_when(cast):
    person = f.PersonFactory(network=cast.network, first_name="Maria")
    event = record_event(actor=cast.coordinator, action="update", obj=person, before={"a": 1}, after={"a": 2})
    other = record_event(actor=cast.coordinator, action="create", obj=cast.organization)
    assert erase_personal_data(AuditEvent.objects.filter(pk=event.pk)) == 1
    event.refresh_from_db()
    other.refresh_from_db()
    assert (event.object_repr, event.before, event.after) == ("", None, None)
    assert (event.actor, event.action, event.object_id) == (cast.coordinator, "update", str(person.pk))
    assert other.object_repr == str(cast.organization)
