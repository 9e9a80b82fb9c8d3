"""Declarative state machines: a part declares its states and transitions as a table, and moves rows with `apply`.

A Workflow says, for one model: its states (a TextChoices), the transitions between them (who may take each,
the guards that may refuse it, the hooks to run once it is committed), where its history goes (a model
inheriting core.models.HistoryEvent), what its audit events hold and how a refused transition is reported.
`apply` does the rest the same way for every part: the row is locked, the transition checked against the
current state, the capability and the guards; the state is written with a history step and an audit event;
the hooks run only after the commit. Nothing is written when a transition is refused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.audit import append, audit_event
from legami.core.models import AuditEvent, DataClass, HistoryEvent
from legami.core.permissions import can, require


@dataclass(frozen=True)
class Step:
    """What guards and on-commit hooks are told about the transition under way."""

    actor: Any
    from_state: str
    to_state: str
    note: str = ""


@dataclass(frozen=True)
class Guard:
    """A condition a transition needs: `check(row, step)` returns None when it holds, else the message to show."""

    check: Callable[[Any, Step], Any]
    code: str
    field: str | None = None


@dataclass(frozen=True)
class Refusal:
    """How a transition the table does not allow is reported: a message naming both states, a code, a field."""

    message: Any = _("This cannot go from “%(from)s” to “%(to)s”.")
    code: str = "invalid_transition"
    field: str | None = None
    # The placeholders the message uses for the current state's label and the target's.
    params: tuple[str, str] = ("from", "to")


Hook = Callable[[Any, Step], None]


@dataclass(frozen=True)
class Transition:
    """One row of the table: from `source` (a state or several) to `target`."""

    source: str | tuple[str, ...]
    target: str
    # An identifier and a label for the action (a page's button), when the part wants one.
    name: str = ""
    label: Any = ""
    # Needed on top of the workflow's own capability, for a transition fewer roles may take.
    capability: str | None = None
    guards: tuple[Guard, ...] = ()
    on_commit: tuple[Hook, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)


def _network(row: Any) -> Any:
    return row.network


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@dataclass(frozen=True, eq=False)
class Workflow:
    """The state machine of one model, declared as a table."""

    name: str
    model: type[models.Model]
    states: type[models.TextChoices]
    transitions: tuple[Transition, ...]
    # Who may move a row at all (each transition may ask for more); None when the callers check it.
    capability: str | None = None
    refusal: Refusal = field(default_factory=Refusal)
    state_field: str = "status"
    # Where each step is written (a HistoryEvent model), or None for a workflow without a history.
    history: type[HistoryEvent] | None = None
    # What the audit event holds before and after a step: by default the state alone.
    audit_snapshot: Callable[[Any], dict | None] | None = None
    data_class: str | Callable[[Any], str] = DataClass.PUBLIC
    # Joined when rows are locked (what str(row) reads for the audit event); only the row itself is locked.
    select_related: tuple[str, ...] = ()
    # Saved with the state (plus the `changes` of the step); None saves the whole row.
    saved_fields: tuple[str, ...] | None = ("updated_at",)
    network_of: Callable[[Any], Any] = _network
    _pairs: dict[tuple[str, str], Transition] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        states = set(self.states.values)
        for transition in self.transitions:
            for source in transition.sources:
                pair = (source, transition.target)
                if source not in states or transition.target not in states:
                    raise ImproperlyConfigured(f"{self.name}: {pair} names a state not in {self.states.__name__}")
                if pair in self._pairs:
                    raise ImproperlyConfigured(f"{self.name}: {pair} is declared twice")
                self._pairs[pair] = transition
        if self.history is not None and not self.history.subject_field:
            raise ImproperlyConfigured(f"{self.name}: {self.history.__name__} does not set subject_field")

    # --- reading the table --------------------------------------------------------------------------

    def transition(self, from_state: str, to_state: str) -> Transition | None:
        """The transition from `from_state` to `to_state`, or None when the table has none."""
        return self._pairs.get((from_state, to_state))

    def targets(self, from_state: str) -> list[str]:
        """The states a row in `from_state` may move to, in the order of the states."""
        return [state for state in self.states.values if (from_state, state) in self._pairs]

    def table(self) -> dict[str, frozenset[str]]:
        """Every state with the states it may move to (empty for a final state)."""
        return {state: frozenset(self.targets(state)) for state in self.states.values}

    def available(self, row: Any, actor: Any, *, network: Any = None, guards: bool = False) -> list[Transition]:
        """The transitions `actor` may take on `row` now (for a page's buttons); with `guards`, only those they pass.

        Give `network` when the page has it already (it saves reading the row's).
        """
        state = getattr(row, self.state_field)
        network = network if network is not None else self.network_of(row)
        if self.capability and not can(actor, self.capability, network):
            return []
        found = []
        for target in self.targets(state):
            transition = self._pairs[(state, target)]
            if transition.capability and not can(actor, transition.capability, network):
                continue
            step = Step(actor=actor, from_state=state, to_state=target)
            if guards and any(guard.check(row, step) for guard in transition.guards):
                continue
            found.append(transition)
        return found

    def label(self, state: str) -> Any:
        """The label of `state` (the value itself when it is not one of the states)."""
        return dict(self.states.choices).get(state, state)

    # --- refusing -----------------------------------------------------------------------------------

    def refused(self, from_state: str, to_state: str) -> ValidationError:
        """The error for a transition the table does not allow."""
        first, second = self.refusal.params
        error = ValidationError(
            self.refusal.message,
            code=self.refusal.code,
            params={first: self.label(from_state), second: self.label(to_state)},
        )
        return ValidationError({self.refusal.field: [error]}) if self.refusal.field else error

    def check(self, row: Any, to_state: str) -> Transition:
        """The transition that moves `row` to `to_state`; ValidationError when its state does not allow it."""
        from_state = getattr(row, self.state_field)
        transition = self.transition(from_state, to_state)
        if transition is None:
            raise self.refused(from_state, to_state)
        return transition

    def check_path(self, steps: Mapping[str, Sequence[str]]) -> None:
        """ValueError unless every hop of every path (state -> states in turn) is in the table: a caller's mistake."""
        for start, path in steps.items():
            current = start
            for target in path:
                if self.transition(current, target) is None:
                    raise ValueError(f"{current} -> {target} is not a {self.name} transition")
                current = target

    # --- locking ------------------------------------------------------------------------------------

    def _for_update(self) -> models.QuerySet:
        manager = self.model._default_manager
        if self.select_related:
            return manager.select_for_update(of=("self",)).select_related(*self.select_related)
        return manager.select_for_update()

    def lock(self, row: Any) -> Any:
        """`row` read again under a row lock, so that two people do not act on a stale state."""
        return self._for_update().get(pk=row.pk)

    def lock_many(self, rows: Iterable[Any]) -> list[Any]:
        """`rows` read again under row locks, in primary-key order (the same order for everyone: no deadlock)."""
        return list(self._for_update().filter(pk__in=[row.pk for row in rows]).order_by("pk"))

    # --- writing ------------------------------------------------------------------------------------

    def _snapshot(self, row: Any) -> dict | None:
        if self.audit_snapshot is not None:
            return self.audit_snapshot(row)
        return {self.state_field: getattr(row, self.state_field)}

    def _data_class(self, row: Any) -> str:
        return self.data_class(row) if callable(self.data_class) else self.data_class

    def _audit(self, row: Any, *, actor: Any, before: dict | None, note: str) -> AuditEvent:
        """The audit event of a step that has just moved `row` (not saved yet)."""
        return audit_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=row,
            before=before,
            after=self._snapshot(row),
            data_class=self._data_class(row),
            note=self._audit_note(note),
        )

    def _audit_note(self, note: str) -> str:
        """The note as the audit may hold it: none when the history keeps its notes encrypted (case data)."""
        if self.history is not None and getattr(self.history._meta.get_field("note"), "audit_redacted", False):
            return ""
        return note

    def _event(self, row: Any, *, actor: Any, from_state: str, to_state: str, note: str) -> HistoryEvent:
        if self.history is None:
            raise RuntimeError(f"The workflow {self.name!r} has no history model")
        limit = self.history._meta.get_field("note").max_length or len(note)
        return self.history(
            **{self.history.subject_field: row},
            from_status=from_state,
            to_status=to_state,
            actor=_user(actor),
            note=(note or "")[:limit],
        )

    def record(
        self, row: Any, *, actor: Any, note: str = "", from_state: str | None = None, to_state: str | None = None
    ) -> HistoryEvent:
        """Write one step of `row`'s history; the states default to its current one (an event that is no move).

        Pass from_state="" for the step that records the row's creation.
        """
        state = getattr(row, self.state_field)
        event = self._event(
            row,
            actor=actor,
            from_state=state if from_state is None else from_state,
            to_state=state if to_state is None else to_state,
            note=note,
        )
        event.save(force_insert=True)
        return event

    def apply(
        self,
        row: Any,
        to_state: str,
        *,
        actor: Any,
        note: str = "",
        changes: Mapping[str, Any] | None = None,
        lock: bool = True,
        check_capability: bool = True,
    ) -> Any:
        """Move `row` to `to_state`: checked, written with its history step and audit event; returns the row moved.

        `changes` are other fields set with the state (a reviewer, a date). With lock=False the caller
        has locked `row` already in its transaction; with check_capability=False it has checked who may.
        PermissionDenied or ValidationError (with the refusal's or the guard's code) when refused.
        """
        network = self.network_of(row)
        if check_capability and self.capability:
            require(actor, self.capability, network)
        with transaction.atomic():
            row = self.lock(row) if lock else row
            from_state = getattr(row, self.state_field)
            transition = self.check(row, to_state)
            if check_capability and transition.capability:
                require(actor, transition.capability, network)
            step = Step(actor=actor, from_state=from_state, to_state=to_state, note=note or "")
            for guard in transition.guards:
                message = guard.check(row, step)
                if message:
                    error = ValidationError(message, code=guard.code)
                    raise ValidationError({guard.field: [error]}) if guard.field else error
            before = self._snapshot(row)
            setattr(row, self.state_field, to_state)
            for name, value in (changes or {}).items():
                setattr(row, name, value)
            if self.saved_fields is None:
                row.save()
            else:
                row.save(update_fields=[self.state_field, *self.saved_fields, *(changes or {})])
            if self.history is not None:
                self.record(row, actor=actor, from_state=from_state, to_state=to_state, note=step.note)
            append([self._audit(row, actor=actor, before=before, note=step.note)])
            for hook in transition.on_commit:
                transaction.on_commit(functools.partial(hook, row, step))
        return row

    def move_many(self, rows: Sequence[Any], *, steps: Mapping[str, Sequence[str]], actor: Any, note: str = "") -> int:
        """Move locked `rows` in bulk, each along the path `steps` gives for its state (one history step per hop).

        For services that checked who may on the whole group (capability, guards and hooks are theirs).
        Rows whose state has no path stay as they are; returns how many moved, with one audit event each.
        """
        self.check_path(steps)
        events: list[HistoryEvent] = []
        audits: list[AuditEvent] = []
        by_target: dict[str, list[Any]] = {}
        for row in rows:
            path = steps.get(getattr(row, self.state_field))
            if not path:
                continue
            before = self._snapshot(row)
            current = getattr(row, self.state_field)
            for target in path:
                if self.history is not None:
                    events.append(self._event(row, actor=actor, from_state=current, to_state=target, note=note))
                current = target
            setattr(row, self.state_field, current)
            audits.append(self._audit(row, actor=actor, before=before, note=note))
            by_target.setdefault(current, []).append(row.pk)
        now = timezone.now()
        timestamps = {"updated_at": now} if self.saved_fields and "updated_at" in self.saved_fields else {}
        for target, ids in by_target.items():
            self.model._default_manager.filter(pk__in=ids).update(**{self.state_field: target}, **timestamps)
        if self.history is not None:
            self.history._default_manager.bulk_create(events)
        append(audits)
        return len(audits)
