"""core.workflow on a test-only model: the table, apply (allowed and refused), guards, capabilities, hooks, history."""

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string

from legami.core.models import AuditEvent, DataClass
from legami.core.tests.workflow_models import TicketStatus as T
from legami.core.tests.workflow_models import declare, withdraw
from legami.core.workflow import Guard, Refusal, Step, Transition, Workflow

# Coordinators and privacy officers hold the first; only coordinators the second.
MOVE = "core.view_audit"
DROP = "core.view_jobs"
committed: list[tuple[int, Step]] = []
# Declared by the _models fixture, for this module's tests only.
TICKETS: Workflow
WorkflowTicket: Any
WorkflowTicketEvent: Any


def _titled(ticket, step):
    return None if ticket.title else "Give the ticket a title first."


def _remember(ticket, step):
    committed.append((ticket.pk, step))


@pytest.fixture(scope="module", autouse=True)
def _models(django_db_setup, django_db_blocker):
    global TICKETS, WorkflowTicket, WorkflowTicketEvent
    with django_db_blocker.unblock():
        declared = declare()
    WorkflowTicket, WorkflowTicketEvent = declared.Ticket, declared.Event
    TICKETS = Workflow(
        name="ticket",
        model=WorkflowTicket,
        states=T,
        transitions=(
            Transition(T.OPEN, T.DOING, name="start", label="Start"),
            Transition(T.DOING, T.DONE, name="finish", guards=(Guard(_titled, code="untitled", field="title"),)),
            Transition((T.OPEN, T.DOING), T.DROPPED, name="drop", capability=DROP, on_commit=(_remember,)),
        ),
        capability=MOVE,
        history=WorkflowTicketEvent,
        data_class=lambda ticket: DataClass.CASE if ticket.title == "secret" else DataClass.PUBLIC,
    )
    yield
    with django_db_blocker.unblock():
        withdraw(declared)


@pytest.fixture(autouse=True)
def _forget_commits():
    committed.clear()


def ticket(cast, status=T.OPEN, title=""):
    return WorkflowTicket.objects.create(network=cast.network, status=status, title=title)


def _nothing_written(row, status):
    row.refresh_from_db()
    assert row.status == status
    assert not WorkflowTicketEvent.objects.exists()
    assert not AuditEvent.objects.filter(object_type="core.workflowticket").exists()


# --- the table ------------------------------------------------------------------------------------


def test_the_table_reads_both_ways():
    assert TICKETS.table() == {
        "open": frozenset({"doing", "dropped"}),
        "doing": frozenset({"done", "dropped"}),
        "done": frozenset(),
        "dropped": frozenset(),
    }
    assert TICKETS.targets(T.OPEN) == ["doing", "dropped"]
    assert TICKETS.transition(T.DOING, T.DROPPED).name == "drop"
    assert TICKETS.transition(T.DONE, T.OPEN) is None
    assert TICKETS.label(T.DOING) == "Doing" and TICKETS.label("lost") == "lost"


@pytest.mark.parametrize(
    ("transitions", "problem"),
    [
        ((Transition(T.OPEN, "lost"),), "not in TicketStatus"),
        ((Transition("lost", T.OPEN),), "not in TicketStatus"),
        ((Transition(T.OPEN, T.DONE), Transition((T.DOING, T.OPEN), T.DONE)), "declared twice"),
    ],
)
def test_a_wrong_table_fails_when_declared(transitions, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        Workflow(name="bad", model=WorkflowTicket, states=T, transitions=transitions)


def test_a_history_model_must_name_its_row():
    class Nameless(WorkflowTicketEvent):
        subject_field = ""

        class Meta:
            abstract = True

    with pytest.raises(ImproperlyConfigured, match="subject_field"):
        Workflow(name="bad", model=WorkflowTicket, states=T, transitions=(), history=Nameless)


def test_check_path_refuses_a_hop_the_table_lacks():
    TICKETS.check_path({T.OPEN: [T.DOING, T.DONE]})
    with pytest.raises(ValueError, match="open -> done is not a ticket transition"):
        TICKETS.check_path({T.OPEN: [T.DONE]})


# --- apply: allowed -------------------------------------------------------------------------------


def test_an_allowed_transition_writes_the_state_the_history_and_the_audit(cast):
    row = ticket(cast)
    moved = TICKETS.apply(row, T.DOING, actor=cast.privacy_officer, note="presa in carico")
    assert moved.status == T.DOING
    assert WorkflowTicket.objects.get(pk=row.pk).status == T.DOING
    event = WorkflowTicketEvent.objects.get(ticket=row)
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "open",
        "doing",
        cast.privacy_officer,
        "presa in carico",
    )
    audit = AuditEvent.objects.get(object_type="core.workflowticket", object_id=str(row.pk))
    assert (audit.action, audit.before, audit.after) == ("update", {"status": "open"}, {"status": "doing"})
    assert (audit.actor, audit.network_id, audit.note, audit.data_class) == (
        cast.privacy_officer,
        cast.network.pk,
        "presa in carico",
        DataClass.PUBLIC,
    )


def test_changes_are_saved_with_the_state_and_the_data_class_follows_the_row(cast):
    row = ticket(cast, status=T.DOING, title="x")
    TICKETS.apply(row, T.DONE, actor=cast.coordinator, changes={"title": "secret"})
    row.refresh_from_db()
    assert (row.status, row.title) == (T.DONE, "secret")
    assert AuditEvent.objects.get(object_id=str(row.pk)).data_class == DataClass.CASE


def test_a_caller_that_locked_and_checked_may_skip_both(cast):
    row = ticket(cast)
    with transaction.atomic():
        locked = TICKETS.lock(row)
        TICKETS.apply(locked, T.DROPPED, actor=None, lock=False, check_capability=False)
    assert WorkflowTicket.objects.get(pk=row.pk).status == T.DROPPED
    event = WorkflowTicketEvent.objects.get()
    assert event.actor is None
    assert AuditEvent.objects.get(object_id=str(row.pk)).actor_label == "system"


# --- apply: refused -------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "target"), [(T.OPEN, T.DONE), (T.DONE, T.OPEN), (T.DROPPED, T.DOING)])
def test_a_transition_the_table_lacks_is_refused_and_writes_nothing(cast, start, target):
    row = ticket(cast, status=start)
    with pytest.raises(ValidationError) as exc:
        TICKETS.apply(row, target, actor=cast.coordinator)
    assert exc.value.code == "invalid_transition"
    assert exc.value.messages == [f"This cannot go from “{T(start).label}” to “{T(target).label}”."]
    _nothing_written(row, start)


def test_an_unknown_state_is_refused_by_name(cast):
    row = ticket(cast)
    with pytest.raises(ValidationError) as exc:
        TICKETS.apply(row, "lost", actor=cast.coordinator)
    assert exc.value.messages == ["This cannot go from “Open” to “lost”."]
    _nothing_written(row, T.OPEN)


def test_the_refusal_names_its_field_code_and_placeholders(cast):
    strict = Workflow(
        name="ticket",
        model=WorkflowTicket,
        states=T,
        transitions=TICKETS.transitions,
        refusal=Refusal("“%(now)s” never becomes “%(then)s”.", code="nope", field="status", params=("now", "then")),
    )
    row = ticket(cast)
    with pytest.raises(ValidationError) as exc:
        strict.apply(row, T.DONE, actor=cast.coordinator)
    assert exc.value.message_dict == {"status": ["“Open” never becomes “Done”."]}
    assert exc.value.error_dict["status"][0].code == "nope"


def test_a_guard_refuses_with_its_code_and_writes_nothing(cast):
    row = ticket(cast, status=T.DOING)
    with pytest.raises(ValidationError) as exc:
        TICKETS.apply(row, T.DONE, actor=cast.coordinator)
    assert exc.value.message_dict == {"title": ["Give the ticket a title first."]}
    assert exc.value.error_dict["title"][0].code == "untitled"
    _nothing_written(row, T.DOING)


@pytest.mark.parametrize("persona", ["community_worker", "citizen", "outsider", "anonymous"])
def test_without_the_workflow_capability_nothing_moves(cast, persona):
    row = ticket(cast)
    with pytest.raises(PermissionDenied):
        TICKETS.apply(row, T.DOING, actor=cast.users.get(persona))
    _nothing_written(row, T.OPEN)


def test_a_transition_may_ask_for_more_than_the_workflow(cast):
    row = ticket(cast)
    with pytest.raises(PermissionDenied):
        TICKETS.apply(row, T.DROPPED, actor=cast.privacy_officer)
    _nothing_written(row, T.OPEN)
    TICKETS.apply(row, T.DROPPED, actor=cast.coordinator)
    assert WorkflowTicket.objects.get(pk=row.pk).status == T.DROPPED


def test_the_row_is_read_again_so_a_stale_copy_does_not_decide(cast):
    row = ticket(cast)
    WorkflowTicket.objects.filter(pk=row.pk).update(status=T.DONE)
    with pytest.raises(ValidationError):
        TICKETS.apply(row, T.DOING, actor=cast.coordinator)
    assert row.status == T.OPEN and not WorkflowTicketEvent.objects.exists()


# --- on-commit hooks ------------------------------------------------------------------------------


def test_hooks_run_only_after_the_commit(cast, django_capture_on_commit_callbacks):
    row = ticket(cast)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        TICKETS.apply(row, T.DROPPED, actor=cast.coordinator, note="doppione")
    assert len(callbacks) == 1 and committed == []
    callbacks[0]()
    assert committed == [(row.pk, Step(actor=cast.coordinator, from_state="open", to_state="dropped", note="doppione"))]


def test_hooks_run_when_the_transaction_commits(cast, django_capture_on_commit_callbacks):
    row = ticket(cast)
    with django_capture_on_commit_callbacks(execute=True):
        TICKETS.apply(row, T.DROPPED, actor=cast.coordinator)
    assert [pk for pk, _step in committed] == [row.pk]


def test_no_hook_for_a_refused_transition_or_a_rolled_back_one(cast, django_capture_on_commit_callbacks):
    row = ticket(cast, status=T.DONE)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            TICKETS.apply(row, T.DROPPED, actor=cast.coordinator)
        other = ticket(cast)
        with pytest.raises(RuntimeError), transaction.atomic():
            TICKETS.apply(other, T.DROPPED, actor=cast.coordinator)
            raise RuntimeError("the caller fails after the transition")
    assert callbacks == [] and committed == []
    assert WorkflowTicket.objects.get(pk=other.pk).status == T.OPEN


# --- what a user may do now -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "names"),
    [("coordinator", ["start", "drop"]), ("privacy_officer", ["start"]), ("community_worker", []), ("anonymous", [])],
)
def test_available_lists_what_the_user_may_take(cast, persona, names):
    row = ticket(cast)
    assert [t.name for t in TICKETS.available(row, cast.users.get(persona))] == names
    assert [t.name for t in TICKETS.available(row, cast.users.get(persona), network=cast.network)] == names


def test_available_with_guards_leaves_out_what_they_would_refuse(cast):
    row = ticket(cast, status=T.DOING)
    assert [t.name for t in TICKETS.available(row, cast.coordinator)] == ["finish", "drop"]
    assert [t.name for t in TICKETS.available(row, cast.coordinator, guards=True)] == ["drop"]
    row.title = "ok"
    assert [t.name for t in TICKETS.available(row, cast.coordinator, guards=True)] == ["finish", "drop"]


# --- history and bulk moves -----------------------------------------------------------------------


def test_record_writes_creation_and_events_that_are_no_move(cast):
    row = ticket(cast)
    created = TICKETS.record(row, actor=cast.coordinator, from_state="", note="aperto")
    renamed = TICKETS.record(row, actor=None, note="x" * 600)
    assert (created.from_status, created.to_status, created.changes_state) == ("", "open", False)
    assert (renamed.from_status, renamed.to_status, renamed.actor) == ("open", "open", None)
    assert len(renamed.note) == 500 and not renamed.changes_state
    assert str(created) == f"{row.pk}: - -> open"
    assert (created.from_label, created.to_label) == ("", "Open")


def test_move_many_writes_a_step_per_hop_and_an_audit_per_row(cast):
    rows = [ticket(cast), ticket(cast, status=T.DOING), ticket(cast, status=T.DONE)]
    with transaction.atomic():
        moved = TICKETS.move_many(TICKETS.lock_many(rows), steps={T.OPEN: [T.DOING, T.DROPPED]}, actor=None, note="n")
    assert moved == 1
    assert list(WorkflowTicket.objects.order_by("pk").values_list("status", flat=True)) == ["dropped", "doing", "done"]
    assert list(WorkflowTicketEvent.objects.values_list("from_status", "to_status")) == [
        ("open", "doing"),
        ("doing", "dropped"),
    ]
    audit = AuditEvent.objects.get(object_type="core.workflowticket")
    assert (audit.before, audit.after, audit.actor_label) == ({"status": "open"}, {"status": "dropped"}, "system")


def test_move_many_refuses_a_path_off_the_table_before_writing(cast):
    row = ticket(cast)
    with pytest.raises(ValueError):
        TICKETS.move_many([row], steps={T.OPEN: [T.DONE]}, actor=None)
    _nothing_written(row, T.OPEN)


def test_the_history_component_tells_each_kind_of_step(cast):
    row = ticket(cast)
    TICKETS.record(row, actor=cast.coordinator, from_state="", note="aperto")
    TICKETS.apply(row, T.DOING, actor=cast.coordinator, note="<b>al lavoro</b>")
    TICKETS.record(row, actor=None, note="Rinominato")
    html = render_to_string("components/history.html", {"events": list(row.events.order_by("id"))})
    assert "recorded as “Open”" in html and "from “Open” to “Doing”" in html
    assert "Rinominato" in html and "&lt;b&gt;al lavoro&lt;/b&gt;" in html
    assert html.count("<li") == 3
    assert "No history yet." in render_to_string("components/history.html", {"events": []})
