"""A pact's life: creating it with a draft version 1, writing the content of an unsigned version, moving it through
PACT_WORKFLOW, recording a signature, and drafting a new version from the one in force.

A signed version is never changed: every write of content refuses it with the code `signed`. A new version copies
the one in force with its rows' `key`s, so that expenses and give-back hours follow a line or a commitment from one
version to the next. Case text never reaches the audit in clear (encrypted fields are redacted by `snapshot`), nor
an audit note.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import change_and_record, delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.workflow import Guard, Refusal, Step, Transition, Workflow
from legami.network.models import Organization
from legami.pacts.capabilities import OPEN_CASES, WORK_ON_CASES
from legami.pacts.models import (
    BudgetCategory,
    BudgetLine,
    Case,
    Commitment,
    CommitmentParty,
    ExpectedResult,
    InterruptReason,
    Objective,
    Pact,
    PactEvent,
    PactParty,
    PactStatus,
    PactVersion,
    PartyKind,
    Review,
    SignatureMethod,
    Support,
    content_writable,
)
from legami.pacts.services.common import require_on_team, require_workable

S = PactStatus
OPEN_STATES = (S.DRAFT, S.PROPOSED, S.SIGNED, S.ACTIVE, S.UNDER_REVIEW)
SCAN_MAX_BYTES = 10 * 1024 * 1024
# The signed scan's kinds, known by their first bytes (never by the name the browser sends).
SCAN_MAGIC = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def version_snapshot(version: PactVersion) -> dict[str, Any]:
    """A version for the audit: its fields (the encrypted ones redacted), and whether a signed scan is on file."""
    names = [f.name for f in PactVersion._meta.concrete_fields if f.name != "signature_scan"]
    data = snapshot(version, names) or {}
    data["signature_scan"] = bool(version.signature_scan)
    return data


# --- the workflow --------------------------------------------------------------------------------------------


def latest_version(pact: Pact) -> PactVersion | None:
    """The pact's newest version (the draft being written, or the one in force)."""
    return PactVersion.objects.filter(pact=pact).order_by("-number").first()


def content_problems(version: PactVersion | None) -> list[tuple[str, str, str]]:
    """What a version lacks before it may be proposed or signed: (field, code, message) for each problem."""
    if version is None:
        return [("", "no_version", gettext("The pact has no version to propose."))]
    problems = []
    if not Objective.objects.filter(version=version).exists():
        problems.append(("", "no_objective", gettext("Write at least one objective.")))
    if not Commitment.objects.filter(version=version).exists():
        problems.append(("", "no_commitment", gettext("Write at least one commitment.")))
    if version.ends_on < version.starts_on:
        problems.append(("ends_on", "dates", gettext("The pact cannot end before it starts.")))
    return problems


def _problem(code: str) -> Callable[[Pact, Step], Any]:
    def check(pact: Pact, step: Step) -> Any:
        for _field, found, message in content_problems(latest_version(pact)):
            if found == code:
                return message
        return None

    return check


PACT_WORKFLOW = Workflow(
    name="pact",
    model=Pact,
    states=PactStatus,
    history=PactEvent,
    capability=WORK_ON_CASES,
    data_class=DataClass.CASE,
    select_related=("network",),
    saved_fields=None,
    refusal=Refusal(_("A pact cannot go from “%(from)s” to “%(to)s”."), code="transition"),
    transitions=(
        Transition(
            S.DRAFT,
            S.PROPOSED,
            name="propose",
            label=_("Propose to the person"),
            guards=(
                Guard(_problem("no_objective"), code="no_objective"),
                Guard(_problem("no_commitment"), code="no_commitment"),
                Guard(_problem("dates"), code="dates"),
            ),
        ),
        Transition(S.PROPOSED, S.DRAFT, name="redraft", label=_("Back to draft")),
        # Only through record_signature (the signature page).
        Transition(S.PROPOSED, S.SIGNED, name="sign", label=_("Record the signature"), capability=OPEN_CASES),
        Transition(S.SIGNED, S.ACTIVE, name="start", label=_("Start the pact"), capability=OPEN_CASES),
        Transition(S.ACTIVE, S.UNDER_REVIEW, name="review", label=_("Open a review"), capability=OPEN_CASES),
        # Only through signing the new version, or a review held with the outcome "continue".
        Transition(S.UNDER_REVIEW, S.ACTIVE, name="resume", label=_("Back in force"), capability=OPEN_CASES),
        Transition(S.UNDER_REVIEW, S.COMPLETED, name="complete", label=_("Close as completed"), capability=OPEN_CASES),
        Transition(
            OPEN_STATES,
            S.INTERRUPTED,
            name="interrupt",
            label=_("Interrupt the pact"),
            capability=OPEN_CASES,
        ),
    ),
)
# The moves the pact page's buttons make (pacts:pact_move); "sign" and "resume" have their own pages. Interrupting
# needs a reason: interrupt_pact (the service) asks for it.
MOVES = ("propose", "redraft", "start", "review", "complete", "interrupt")
MANAGER_MOVES = frozenset(t.name for t in PACT_WORKFLOW.transitions if t.capability == OPEN_CASES)


def _transition(name: str) -> Transition:
    return next(t for t in PACT_WORKFLOW.transitions if t.name == name)


def _target(pact: Pact, name: str) -> str:
    return _transition(name).target


def _guard_team(actor: Any, pact: Pact, name: str) -> None:
    require_on_team(actor, pact.case, capability=OPEN_CASES if name in MANAGER_MOVES else WORK_ON_CASES)
    require_workable(pact.case)


def propose_pact(*, actor: Any, pact: Pact, note: str = "") -> Pact:
    """Propose the draft to the person (at least one objective and one commitment, dates in order)."""
    _guard_team(actor, pact, "propose")
    return PACT_WORKFLOW.apply(pact, S.PROPOSED, actor=actor, note=note)


def redraft_pact(*, actor: Any, pact: Pact, note: str = "") -> Pact:
    """Take a proposed pact back to draft, to change it before it is signed."""
    _guard_team(actor, pact, "redraft")
    return PACT_WORKFLOW.apply(pact, S.DRAFT, actor=actor, note=note)


def start_pact(*, actor: Any, pact: Pact, note: str = "") -> Pact:
    """Put a signed pact in force; the first review falls review_every_weeks after its start."""
    _guard_team(actor, pact, "start")
    version = pact.current_version
    changes = {}
    if version is not None:
        changes["next_review_on"] = version.starts_on + datetime.timedelta(weeks=version.review_every_weeks)
    return PACT_WORKFLOW.apply(pact, S.ACTIVE, actor=actor, note=note, changes=changes)


def open_review(*, actor: Any, pact: Pact, note: str = "") -> Review:
    """Put an active pact under review; the review due today is created unless one is planned already."""
    _guard_team(actor, pact, "review")
    with transaction.atomic():
        pact = PACT_WORKFLOW.apply(pact, S.UNDER_REVIEW, actor=actor, note=note)
        review = Review.objects.filter(pact=pact, held_on__isnull=True).order_by("due_on", "id").first()
        if review is None:
            review = Review.objects.create(
                network=pact.network,
                pact=pact,
                version=cast(PactVersion, pact.current_version or latest_version(pact)),
                due_on=timezone.localdate(),
            )
            record_event(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=review,
                after=snapshot(review),
                data_class=DataClass.CASE,
            )
    return review


def complete_pact(*, actor: Any, pact: Pact, note: str = "") -> Pact:
    """Close a pact under review as completed."""
    _guard_team(actor, pact, "complete")
    return PACT_WORKFLOW.apply(pact, S.COMPLETED, actor=actor, note=note)


INTERRUPT_INPUTS = inputs.Rules(
    {"interrupt_reason": inputs.choose(InterruptReason, _("Say why the pact is interrupted."))},
)


def interrupt_pact(*, actor: Any, pact: Pact, reason: Any, note: str = "") -> Pact:
    """Interrupt the pact, with one of the reasons (required)."""
    require_on_team(actor, pact.case, capability=OPEN_CASES)
    values = INTERRUPT_INPUTS.clean({"interrupt_reason": reason}, network=pact.network)
    return PACT_WORKFLOW.apply(
        pact, S.INTERRUPTED, actor=actor, note=note, changes={"interrupt_reason": values["interrupt_reason"]}
    )


MOVE_SERVICES: dict[str, Callable[..., Any]] = {
    "propose": propose_pact,
    "redraft": redraft_pact,
    "start": start_pact,
    "review": open_review,
    "complete": complete_pact,
}


# --- creating a pact and its version's header ------------------------------------------------------------------


def _dates_in_order(ctx: inputs.Context) -> None:
    starts, ends = ctx.value("starts_on"), ctx.value("ends_on")
    if ctx.ok("starts_on", "ends_on") and starts and ends and ends < starts:
        ctx.add_error("ends_on", gettext("The pact cannot end before it starts."), "dates")


VERSION_INPUTS = inputs.Rules(
    {
        "summary": inputs.Text(max_length=4000),
        "starts_on": inputs.Date(required=True),
        "ends_on": inputs.Date(required=True),
        "review_every_weeks": inputs.Integer(
            min_value=1, max_value=52, default=12, messages={"min_value": _("Between 1 and 52 weeks.")}
        ),
    },
    checks=(_dates_in_order,),
)


def create_pact(*, actor: Any, case: Case, data: dict[str, Any]) -> Pact:
    """A new pact of the case in draft, with its version 1 (summary, dates, review every N weeks)."""
    require_on_team(actor, case, capability=OPEN_CASES)
    require_workable(case)
    values = VERSION_INPUTS.clean(data, network=case.network, actor=actor)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if Pact.objects.filter(case=case, status__in=OPEN_STATES).exists():
            raise ValidationError(
                gettext("The case has a pact that is not closed yet: change that one."), code="pact_open"
            )
        pact = Pact.objects.create(network=case.network, case=case, created_by=actor)
        version = PactVersion.objects.create(network=case.network, pact=pact, number=1, created_by=actor, **values)
        PACT_WORKFLOW.record(pact, actor=actor, from_state="")
        record_event(
            actor=actor, action=AuditEvent.Action.CREATE, obj=pact, after=snapshot(pact), data_class=DataClass.CASE
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=version,
            after=version_snapshot(version),
            data_class=DataClass.CASE,
        )
    return pact


def editable_version(version: PactVersion, pact: Pact) -> None:
    """ValidationError unless `version`'s content may be written: unsigned (code `signed`), and either the draft of
    a pact in draft or the new version of a pact under review (code `not_editable`)."""
    if version.signed_on is not None:
        raise ValidationError(gettext("This version is signed: it can no longer be changed."), code="signed")
    newest = PactVersion.objects.filter(pact=pact).order_by("-number").values_list("pk", flat=True).first()
    if not content_writable(signed=False, newest=version.pk == newest, status=pact.status):
        raise ValidationError(
            gettext("The pact can be changed only in draft, or in a new version while it is under review."),
            code="not_editable",
        )


def _locked(version: PactVersion, actor: Any) -> tuple[PactVersion, Pact]:
    """The version and its pact locked, after the team and state checks (call inside a transaction)."""
    pact = Pact.objects.select_for_update().select_related("case", "network").get(pk=version.pact_id)
    require_on_team(actor, pact.case)
    require_workable(pact.case)
    version = PactVersion.objects.select_for_update().get(pk=version.pk)
    editable_version(version, pact)
    return version, pact


def update_version(*, actor: Any, version: PactVersion, data: dict[str, Any]) -> PactVersion:
    """Change an unsigned version's summary, dates and review interval."""
    with transaction.atomic():
        version, pact = _locked(version, actor)
        values = VERSION_INPUTS.clean(data, network=pact.network, instance=version, actor=actor)
        before = version_snapshot(version)
        for name, value in values.items():
            setattr(version, name, value)
        after = version_snapshot(version)
        if after != before:
            version.save()
            record_event(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=version,
                before=before,
                after=after,
                data_class=DataClass.CASE,
            )
    return version


# --- the content's rows ----------------------------------------------------------------------------------------


def _hours() -> inputs.Decimal:
    return inputs.Decimal(
        places=2,
        min_value=Decimal("0.25"),
        max_value=Decimal("9999"),
        messages={"min_value": _("At least a quarter of an hour (0,25).")},
    )


def _party_needs(ctx: inputs.Context) -> None:
    kind = ctx.value("kind")
    if not ctx.ok("kind", "organization", "name"):
        return
    if kind == PartyKind.ORGANIZATION and not ctx.value("organization"):
        ctx.add_error("organization", gettext("Choose the organisation."), "organization_required")
    if kind in (PartyKind.FAMILY, PartyKind.OTHER) and not ctx.value("name"):
        ctx.add_error("name", gettext("Write who it is."), "name_required")


def _give_back_hours(ctx: inputs.Context) -> None:
    if not ctx.ok("is_give_back", "hours_per_week", "hours_total"):
        return
    weekly, total = ctx.value("hours_per_week"), ctx.value("hours_total")
    if ctx.value("is_give_back"):
        if weekly is None and total is None:
            ctx.add_error(
                "hours_per_week",
                gettext("A give-back commitment says its hours: a week, or in all."),
                "hours_required",
            )
        elif weekly is not None and total is not None:
            ctx.add_error("hours_total", gettext("Give the hours a week or in all, not both."), "hours_both")
    elif weekly is not None or total is not None:
        ctx.add_error("is_give_back", gettext("Only a give-back commitment counts hours."), "hours_not_give_back")


def _organization() -> inputs.Lookup:
    return inputs.Lookup(Organization, messages={"invalid_choice": _("Choose an organisation of the network.")})


def _text(required: bool = False, **kwargs: Any) -> inputs.Text:
    return inputs.Text(required=required, max_length=2000, **kwargs)


@dataclass(frozen=True)
class RowKind:
    """One kind of content row: its model, its inputs, how it hangs from a version."""

    name: str
    model: type[models.Model]
    rules: inputs.Rules
    # The field pointing at a row of the same version (a result's objective, a budget line's support).
    parent: str = ""
    parent_model: type[models.Model] | None = None
    parent_required: bool = False

    def rows(self, version: PactVersion) -> models.QuerySet:
        if self.model is ExpectedResult:
            return ExpectedResult.objects.filter(objective__version=version)
        return self.model._default_manager.filter(version=version)


ROW_KINDS: dict[str, RowKind] = {
    kind.name: kind
    for kind in (
        RowKind(
            "party",
            PactParty,
            inputs.Rules(
                {
                    "kind": inputs.choose(PartyKind, _("Choose who the party is.")),
                    "organization": _organization(),
                    "name": _text(),
                    "signs": inputs.Boolean(default=True, empty=False),
                },
                checks=(_party_needs,),
            ),
        ),
        RowKind("objective", Objective, inputs.Rules({"text": _text(required=True)})),
        RowKind(
            "result",
            ExpectedResult,
            inputs.Rules(
                {
                    "indicator": _text(required=True),
                    "target": _text(required=True),
                    "due_on": inputs.Date(),
                }
            ),
            parent="objective",
            parent_model=Objective,
            parent_required=True,
        ),
        RowKind(
            "support",
            Support,
            inputs.Rules(
                {"service": _text(required=True), "provider": _organization(), "frequency": _text()},
            ),
        ),
        RowKind(
            "budget",
            BudgetLine,
            inputs.Rules(
                {
                    "category": inputs.choose(BudgetCategory, _("Choose what the money is for.")),
                    "description": _text(),
                    "amount": inputs.Money(
                        required=True,
                        min_value=Decimal("0.01"),
                        messages={
                            "min_value": _("The amount must be more than zero."),
                            "invalid": _("Enter an amount in euro, such as 600,00 or 1.200,50."),
                        },
                    ),
                }
            ),
            parent="support",
            parent_model=Support,
        ),
        RowKind(
            "commitment",
            Commitment,
            inputs.Rules(
                {
                    "party": inputs.choose(CommitmentParty, _("Choose who commits.")),
                    "organization": _organization(),
                    "what": _text(required=True),
                    "due_on": inputs.Date(),
                    "is_give_back": inputs.Boolean(default=False, empty=False),
                    "hours_per_week": _hours(),
                    "hours_total": _hours(),
                },
                checks=(_give_back_hours,),
            ),
        ),
    )
}


def _row_kind(kind: str) -> RowKind:
    if kind not in ROW_KINDS:
        raise ValidationError(gettext("Unknown kind of row."), code="unknown_kind")
    return ROW_KINDS[kind]


def _parent(spec: RowKind, version: PactVersion, value: Any, *, required: bool) -> Any:
    """The parent row (an objective, a support) of the same version, from its id; None when not given."""
    if spec.parent_model is None:
        return None
    if value in (None, ""):
        if required:
            raise ValidationError({spec.parent: [ValidationError(gettext("Choose one."), code="required")]})
        return None
    pk = inputs.parse_id(value) if not isinstance(value, models.Model) else value.pk
    found = spec.parent_model._default_manager.filter(version=version, pk=pk).first() if pk else None
    if found is None:
        raise ValidationError(
            {spec.parent: [ValidationError(gettext("Choose one of this version's rows."), code="invalid_choice")]}
        )
    return found


def _split(spec: RowKind, data: dict[str, Any]) -> tuple[dict[str, Any], Any, bool]:
    data = dict(data)
    given = spec.parent in data
    parent = data.pop(spec.parent, None) if spec.parent else None
    return data, parent, given


def add_row(*, actor: Any, version: PactVersion, kind: str, data: dict[str, Any]) -> models.Model:
    """Add a row of `kind` (party, objective, result, support, budget, commitment) to an unsigned version."""
    spec = _row_kind(kind)
    with transaction.atomic():
        version, pact = _locked(version, actor)
        fields, parent_value, _given = _split(spec, data)
        values = spec.rules.clean(fields, network=pact.network, actor=actor)
        parent = _parent(spec, version, parent_value, required=spec.parent_required)
        if kind == "commitment" and not values.get("is_give_back"):
            values["hours_per_week"] = values["hours_total"] = None
        row: models.Model
        if spec.model is ExpectedResult:
            row = ExpectedResult(objective=parent, **values)
        else:
            position = spec.rows(version).aggregate(top=models.Max("position"))["top"] or 0
            row = spec.model(version=version, position=position + 1, **values)
            if spec.parent:
                setattr(row, spec.parent, parent)
        row.save()
        record_event(
            actor=actor, action=AuditEvent.Action.CREATE, obj=row, after=snapshot(row), data_class=DataClass.CASE
        )
    return row


def _row(spec: RowKind, version: PactVersion, row_id: Any) -> Any:
    pk = inputs.parse_id(row_id) if not isinstance(row_id, models.Model) else row_id.pk
    row = spec.rows(version).filter(pk=pk).first() if pk else None
    if row is None:
        raise ValidationError(gettext("This row is not part of the version."), code="not_found")
    return row


def update_row(*, actor: Any, version: PactVersion, kind: str, row_id: Any, data: dict[str, Any]) -> models.Model:
    """Change a row of an unsigned version (only the fields given)."""
    spec = _row_kind(kind)
    with transaction.atomic():
        version, pact = _locked(version, actor)
        row = _row(spec, version, row_id)
        fields, parent_value, given = _split(spec, data)
        values = spec.rules.clean(fields, network=pact.network, instance=row, actor=actor)
        if given and spec.model is not ExpectedResult:
            values[spec.parent] = _parent(spec, version, parent_value, required=spec.parent_required)
        if kind == "commitment" and not values.get("is_give_back", row.is_give_back):
            values["hours_per_week"] = values["hours_total"] = None
        change_and_record(actor=actor, obj=row, values=values, data_class=DataClass.CASE)
    return row


def remove_row(*, actor: Any, version: PactVersion, kind: str, row_id: Any) -> None:
    """Remove a row of an unsigned version (an objective with its expected results)."""
    spec = _row_kind(kind)
    with transaction.atomic():
        version, pact = _locked(version, actor)
        row = _row(spec, version, row_id)
        delete_and_record(actor=actor, obj=row, network=pact.network, before=snapshot(row), data_class=DataClass.CASE)


# --- the signature ---------------------------------------------------------------------------------------------


def _scan_kind(scan: Any) -> str | None:
    """pdf, jpg or png from the file's first bytes; None for anything else."""
    scan.seek(0)
    head = scan.read(8)
    scan.seek(0)
    for magic, kind in SCAN_MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


SIGNATURE_INPUTS = inputs.Rules(
    {
        "signed_on": inputs.Date(
            required=True, past=True, messages={"future": _("The pact cannot be signed later than today.")}
        ),
        "signature_method": inputs.choose(SignatureMethod, _("Choose how the pact was signed.")),
    }
)


def _check_scan(method: str, scan: Any) -> str | None:
    """The scan's kind (pdf, jpg, png), or None without one; ValidationError on the field `scan`."""
    if scan is None or not getattr(scan, "size", 0):
        if method == SignatureMethod.PAPER:
            raise ValidationError(
                {"scan": [ValidationError(gettext("Upload the scan of the signed pact."), code="scan_required")]}
            )
        return None
    if scan.size > SCAN_MAX_BYTES:
        raise ValidationError({"scan": [ValidationError(gettext("The scan can be at most 10 MB."), code="too_large")]})
    kind = _scan_kind(scan)
    if kind is None:
        raise ValidationError({"scan": [ValidationError(gettext("Upload a PDF, JPEG or PNG file."), code="file_type")]})
    return kind


def record_signature(*, actor: Any, pact: Pact, data: dict[str, Any], scan: Any = None) -> PactVersion:
    """Record the signature of the newest unsigned version: the first one moves a proposed pact to signed; a later
    one (of a pact under review) puts the new version in force and the pact back to active."""
    require_on_team(actor, pact.case, capability=OPEN_CASES)
    require_workable(pact.case)
    values = SIGNATURE_INPUTS.clean(data, network=pact.network, actor=actor)
    kind = _check_scan(values["signature_method"], scan)
    with transaction.atomic():
        locked = PACT_WORKFLOW.lock(pact)
        version = PactVersion.objects.select_for_update().filter(pact=locked).order_by("-number").first()
        if version is None or version.signed_on is not None:
            raise ValidationError(gettext("There is no unsigned version to sign."), code="nothing_to_sign")
        written = timezone.localdate(version.created_at)
        if values["signed_on"] < written:
            raise ValidationError(
                {
                    "signed_on": [
                        ValidationError(
                            gettext("The pact cannot be signed before this version was written (%(day)s)."),
                            code="before_written",
                            params={"day": written.strftime("%d/%m/%Y")},
                        )
                    ]
                }
            )
        first = locked.current_version_id is None
        if first and locked.status != S.PROPOSED:
            raise PACT_WORKFLOW.refused(locked.status, S.SIGNED)
        if not first and locked.status != S.UNDER_REVIEW:
            raise PACT_WORKFLOW.refused(locked.status, S.ACTIVE)
        problems = content_problems(version)
        if problems:
            field, code, message = problems[0]
            raise ValidationError(message, code=code)
        before = version_snapshot(version)
        version.signed_on = values["signed_on"]
        version.signature_method = values["signature_method"]
        version.signature_recorded_by = actor
        if kind is not None:
            scan.seek(0)
            version.signature_scan.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(scan.read()), save=False)
        version.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=version,
            before=before,
            after=version_snapshot(version),
            data_class=DataClass.CASE,
        )
        if first:
            PACT_WORKFLOW.apply(locked, S.SIGNED, actor=actor, lock=False, changes={"current_version": version})
        else:
            PACT_WORKFLOW.apply(
                locked,
                S.ACTIVE,
                actor=actor,
                lock=False,
                changes={
                    "current_version": version,
                    "next_review_on": version.signed_on + datetime.timedelta(weeks=version.review_every_weeks),
                },
            )
    return version


# --- a new version ---------------------------------------------------------------------------------------------

NEW_VERSION_INPUTS = inputs.Rules(
    {"change_note": _text(required=True, messages={"required": _("Say what changes and why.")})}
)


def _copy(row: models.Model, **changes: Any) -> Any:
    row.pk = None
    row.id = None  # type: ignore[attr-defined]
    row._state.adding = True
    for name, value in changes.items():
        setattr(row, name, value)
    row.save(force_insert=True)
    return row


def create_version(*, actor: Any, pact: Pact, data: dict[str, Any]) -> PactVersion:
    """A new unsigned version of a pact under review: a copy of the version in force with every row (same keys),
    number + 1, with the note of what changes and why. The version in force stays as it was."""
    require_on_team(actor, pact.case, capability=OPEN_CASES)
    require_workable(pact.case)
    values = NEW_VERSION_INPUTS.clean(data, network=pact.network, actor=actor)
    with transaction.atomic():
        locked = PACT_WORKFLOW.lock(pact)
        if locked.status != S.UNDER_REVIEW:
            raise ValidationError(
                gettext("A new version is written while the pact is under review: open a review first."),
                code="not_under_review",
            )
        newest = PactVersion.objects.filter(pact=locked).order_by("-number").first()
        base = locked.current_version
        if newest is None or base is None:
            raise ValidationError(gettext("The pact has no version in force."), code="no_version")
        if newest.signed_on is None:
            raise ValidationError(
                gettext("A new version is already being written: change that one."), code="draft_exists"
            )
        version = PactVersion.objects.create(
            network=locked.network,
            pact=locked,
            number=newest.number + 1,
            based_on=base,
            summary=base.summary,
            change_note=values["change_note"],
            starts_on=base.starts_on,
            ends_on=base.ends_on,
            review_every_weeks=base.review_every_weeks,
            created_by=actor,
        )
        for party in PactParty.objects.filter(version=base):
            _copy(party, version=version)
        for objective in Objective.objects.filter(version=base).prefetch_related("results"):
            results = list(objective.results.all())
            new_objective = _copy(objective, version=version)
            for result in results:
                _copy(result, objective=new_objective)
        supports = {}
        for support in Support.objects.filter(version=base):
            old = support.pk
            supports[old] = _copy(support, version=version)
        for line in BudgetLine.objects.filter(version=base):
            _copy(line, version=version, support=supports.get(line.support_id) if line.support_id else None)
        for commitment in Commitment.objects.filter(version=base):
            _copy(commitment, version=version)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=version,
            after=version_snapshot(version),
            data_class=DataClass.CASE,
        )
        PACT_WORKFLOW.record(locked, actor=actor, note=gettext("Version %(n)s drafted.") % {"n": version.number})
    return version
