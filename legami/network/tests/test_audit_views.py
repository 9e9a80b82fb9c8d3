import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from legami.core.audit import append, audit_event, record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.tests import factories as f
from legami.network.models import Partnership
from legami.network.selectors.audit import Change, audit_changes, audit_events_for
from legami.network.services.organizations import update_organization


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def audit(cast):
    return reverse("network:audit", args=[cast.network.slug])


def listed(client, cast, **params):
    response = client.get(audit(cast), params)
    assert response.status_code == 200
    return response.context["page_obj"].object_list


def event(cast, *, when=None, **kwargs):
    values = {"actor": cast.coordinator, "action": AuditEvent.Action.CREATE, "obj": cast.organization}
    values.update(kwargs)
    if when is None:
        return record_event(**values)
    # An event of another day: sealed with its own time (the log is append-only).
    created = audit_event(**values)
    created.created_at = when
    append([created])
    return created


def count_queries(client, address):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx)


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "privacy_officer"])
def test_audit_readers_open_the_log(cast, login, persona):
    response = login(getattr(cast, persona)).get(audit(cast))
    assert response.status_code == 200
    assert response.context["nav"] == "audit"


@pytest.mark.parametrize(
    "persona",
    ["case_manager", "community_worker", "partner_staff", "evaluator", "funder", "citizen", "district_case_manager"],
)
def test_other_members_are_refused(cast, login, persona):
    assert login(getattr(cast, persona)).get(audit(cast)).status_code == 403


def test_outsiders_get_404_and_anonymous_log_in(cast, login):
    assert login(cast.outsider).get(audit(cast)).status_code == 404
    assert login(cast.platform_admin).get(audit(cast)).status_code == 404
    response = login(None).get(audit(cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_selector_returns_nothing_to_who_may_not_read_it(cast):
    event(cast)
    assert audit_events_for(cast.coordinator, cast.network).count() == 1
    assert audit_events_for(cast.citizen, cast.network).count() == 0
    assert audit_events_for(cast.outsider, cast.network).count() == 0
    assert audit_events_for(None, cast.network).count() == 0


# --- content and filters --------------------------------------------------------------------------


def test_only_the_networks_events_newest_first(cast, login):
    old = event(cast, when=timezone.now() - datetime.timedelta(days=2))
    new = event(cast, action=AuditEvent.Action.UPDATE)
    record_event(actor=cast.outsider, action="create", object_type="network.organization", network=cast.other_network)
    record_event(actor=None, action="login", object_type="accounts.user")  # no network
    assert list(listed(login(cast.coordinator), cast)) == [new, old]


def test_filters(cast, login):
    now = timezone.now()
    created = event(cast, when=now - datetime.timedelta(days=10))
    updated = event(
        cast, action=AuditEvent.Action.UPDATE, actor=cast.partner_staff, when=now - datetime.timedelta(days=5)
    )
    person = f.PersonFactory(network=cast.network)
    personal = event(cast, obj=person, data_class=DataClass.PERSONAL, actor=cast.privacy_officer, when=now)
    client = login(cast.privacy_officer)

    assert list(listed(client, cast, action="update")) == [updated]
    assert list(listed(client, cast, object_type="network.person")) == [personal]
    assert list(listed(client, cast, actor="PARTNER_STAFF@")) == [updated]
    assert list(listed(client, cast, data_class="personal")) == [personal]
    day = timezone.localdate(now - datetime.timedelta(days=5))
    assert list(listed(client, cast, date_from=day.isoformat(), date_to=day.isoformat())) == [updated]
    assert list(listed(client, cast, date_from=day.isoformat())) == [personal, updated]
    assert list(listed(client, cast, date_to=(day - datetime.timedelta(days=1)).isoformat())) == [created]
    assert list(listed(client, cast, action="update", data_class="personal")) == []


def test_object_type_choices_come_from_the_network(cast, login):
    event(cast)
    record_event(actor=cast.outsider, action="create", object_type="secret.thing", network=cast.other_network)
    record_event(actor=cast.coordinator, action="create", object_type="legacy.thing", network=cast.network)
    form = login(cast.coordinator).get(audit(cast)).context["form"]
    choices = [(value, str(label)) for value, label in form.fields["object_type"].choices]
    # Shown by the model's name; a type with no model left keeps its raw name.
    assert choices == [("", "All types"), ("legacy.thing", "legacy.thing"), ("network.organization", "Organisation")]


def test_bad_filters_are_reported_and_the_others_still_apply(cast, login):
    event(cast)
    updated = event(cast, action=AuditEvent.Action.UPDATE)
    response = login(cast.coordinator).get(
        audit(cast), {"action": "update", "date_from": "2025-02-30", "data_class": "secret"}
    )
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [updated]
    errors = response.context["form"].errors
    assert "date_from" in errors and "data_class" in errors
    assert "Some filters were not applied" in response.content.decode()


def test_end_date_before_start_date_is_an_error(cast, login):
    event(cast)
    response = login(cast.coordinator).get(audit(cast), {"date_from": "2025-05-02", "date_to": "2025-05-01"})
    assert "before the start date" in response.context["form"].errors["date_to"][0]


def test_shows_the_changes_readably(cast, login):
    update_organization(
        actor=cast.coordinator,
        organization=cast.organization,
        data={"name": "Il Ponte", "email": "ponte@example.org"},
    )
    body = login(cast.coordinator).get(audit(cast)).content.decode()
    assert "Cooperativa Il Ponte" in body and "Il Ponte" in body
    assert "Name</span>: Cooperativa Il Ponte" in body
    assert "→" in body
    assert "E-mail</span>: — " in body


def test_audit_changes_of_create_update_delete(cast):
    created = event(cast, after={"name": "A", "kind": "school", "updated_at": "x", "active": True})
    # The model's fields come first, in its order and with their labels (choices by label); unknown keys last, raw.
    assert audit_changes(created) == [
        Change("name", "Name", "—", "A"),
        Change("kind", "Kind", "—", "School"),
        Change("active", "active", "—", "yes"),
    ]
    updated = event(
        cast, action="update", before={"name": "A", "kind": "school"}, after={"name": "B", "kind": "school"}
    )
    assert audit_changes(updated) == [Change("name", "Name", "A", "B")]
    deleted = event(cast, action="delete", before={"name": "B", "tags": ["x", "y"]}, after=None)
    assert audit_changes(deleted) == [Change("name", "Name", "B", "—"), Change("tags", "tags", '["x", "y"]', "—")]
    assert audit_changes(event(cast, action="read")) == []


def test_audit_changes_show_dates_as_people_read_them(cast, settings):
    settings.TIME_ZONE = "Europe/Rome"
    partnership = Partnership.objects.create(
        network=cast.network, organization=cast.organization, role=Partnership.Role.FUNDER
    )
    dated = event(cast, obj=partnership, action="update", before={"since": None}, after={"since": "2024-01-31"})
    moment = "2026-03-05T13:30:00.123456+00:00"
    invited = event(
        cast,
        object_type="accounts.invitation",
        obj=None,
        network=cast.network,
        after={"expires_at": moment, "token_hash": "[redacted]", "email": "a@example.org", "role": "community_worker"},
    )
    unknown = event(cast, object_type="legacy.thing", obj=None, network=cast.network, after={"seen_at": moment})
    assert [(c.field, c.label) for c in audit_changes(dated)] == [("since", "Since")]
    with translation.override("it"):
        assert [(c.field, c.new) for c in audit_changes(dated)] == [("since", "31/01/2024")]
        changes = {c.field: c.new for c in audit_changes(invited)}
        assert changes["expires_at"] == "05/03/2026 14:30"  # local time, not UTC
        assert changes["token_hash"] == "[redacted]"
        assert changes["email"] == "a@example.org"
        assert audit_changes(unknown) == [Change("seen_at", "seen_at", "—", "05/03/2026 14:30")]
    # An invitation stores the bare role code: it reads as the role's label.
    assert {c.field: c.new for c in audit_changes(invited)}["role"] == "Community worker"


def test_table_names_object_types_and_scrolls_from_the_keyboard(cast, login):
    event(cast)
    body = login(cast.coordinator).get(audit(cast)).content.decode()
    assert f"organisation #{cast.organization.pk}" in body
    assert "network.organization #" not in body
    # A table wider than the page scrolls in a region a keyboard user can focus, named by the caption.
    assert 'tabindex="0" role="region" aria-labelledby="audit-events-caption"' in body
    assert '<caption id="audit-events-caption">' in body


def test_snapshot_of_a_real_object_reads_well(cast):
    created = event(cast, after=snapshot(cast.organization))
    fields = [c.field for c in audit_changes(created)]
    assert "name" in fields and "network_id" in fields
    assert "created_at" not in fields and "updated_at" not in fields


def test_audit_list_is_paginated(cast, login, settings):
    settings.LEGAMI_PAGE_SIZE = 4
    for _ in range(6):
        event(cast)
    client = login(cast.coordinator)
    assert len(listed(client, cast)) == 4
    assert len(listed(client, cast, page=2)) == 2
    assert len(listed(client, cast, page=2, action="create")) == 2


def test_audit_list_runs_a_constant_number_of_queries(cast, login):
    client = login(cast.coordinator)
    person = f.PersonFactory(network=cast.network)
    event(cast)
    client.get(audit(cast))
    small = count_queries(client, audit(cast))
    for i in range(40):
        event(cast, action="update", before={"name": str(i)}, after={"name": str(i + 1)})
        event(cast, obj=person, data_class=DataClass.PERSONAL)
    assert count_queries(client, audit(cast)) == small
    assert count_queries(client, audit(cast) + "?action=update&page=2") == small


# --- CSV download ---------------------------------------------------------------------------------


def test_csv_download_follows_the_filters(cast, login):
    update_organization(actor=cast.coordinator, organization=cast.organization, data={"name": "Il Ponte"})
    event(cast, action=AuditEvent.Action.DELETE, note="=HYPERLINK(1)")
    client = login(cast.privacy_officer)
    assert "export=csv" in client.get(audit(cast)).content.decode()
    response = client.get(audit(cast), {"action": "update", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "rete-prova-audit-" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("When,Who,Action,Object type")
    assert len(lines) == 2
    assert "coordinator@example.org" in lines[1]
    assert "Name: Cooperativa Il Ponte → Il Ponte" in lines[1]
    everything = client.get(audit(cast), {"export": "csv"})
    body = b"".join(everything.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body  # a formula is neutralised


def test_csv_download_is_refused_like_the_page(cast, login):
    event(cast)
    assert login(cast.citizen).get(audit(cast), {"export": "csv"}).status_code == 403
    assert login(cast.outsider).get(audit(cast), {"export": "csv"}).status_code == 404


def test_csv_download_is_itself_audited(cast, login):
    client = login(cast.privacy_officer)
    response = client.get(audit(cast), {"action": "update", "export": "csv"})
    assert response.status_code == 200
    exported = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_type="core.auditevent")
    assert exported.actor == cast.privacy_officer
    assert exported.network == cast.network
    assert exported.after == {"filters": {"action": "update"}}


def test_refused_csv_download_writes_no_event(cast, login):
    login(cast.citizen).get(audit(cast), {"export": "csv"})
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_filter_by_object_id_shows_one_record_history(cast, login):
    first = f.PersonFactory(network=cast.network)
    second = f.PersonFactory(network=cast.network)
    event(cast, obj=first, data_class=DataClass.PERSONAL)
    event(cast, obj=second, data_class=DataClass.PERSONAL)
    client = login(cast.coordinator)
    response = client.get(audit(cast), {"object_type": "network.person", "object_id": str(first.pk)})
    assert response.status_code == 200
    events = list(response.context["page_obj"].object_list)
    assert [e.object_id for e in events] == [str(first.pk)]
