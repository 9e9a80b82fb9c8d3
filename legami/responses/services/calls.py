"""Writes of co-design tables (Art. 55 CTS, comma 3): the call and its weighted criteria, the applications, the
evaluators' scores, the ranking and the award that makes the Response.

CALL_WORKFLOW: draft -> open ("open": at least one criterion, weights adding up to exactly 100), open -> evaluation
("evaluate": after the closing day or by choice), evaluation -> ranked ("rank": every submitted application has a
score on every criterion from at least one evaluator; the weighted totals and ranks are written), ranked -> awarded
("award": the chosen applications are selected and the Response is made), any state but awarded -> cancelled.

The weighted total of an application is the sum over the criteria of weight × (mean of the evaluators' scores /
highest score): out of 100 since the weights add up to 100, rounded half up to 2 decimals once, at the end.
Applications with the same total share a rank (1, 1, 3).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import can, require
from legami.core.validation import max_length_of
from legami.core.workflow import Guard, Refusal, Step, Transition, Workflow
from legami.network.models import Network, Organization
from legami.participation.models import Process
from legami.responses.capabilities import CONTRIBUTE, MANAGE_COPROGRAMMING, SCORE_APPLICATIONS
from legami.responses.models import (
    Application,
    ApplicationStatus,
    CallEvent,
    CallStatus,
    CoDesignCall,
    CoProgramming,
    Criterion,
    Score,
)
from legami.responses.services.common import Euro, acts_only_for_own, organization_ids_of, resolve_organization
from legami.territory.models import Municipality
from legami.territory.services.common import in_territory

S = CallStatus
A = ApplicationStatus
CALL_FIELDS = (
    "title",
    "purpose",
    "duration_months",
    "budget",
    "budget_notes",
    "requirements",
    "phases",
    "opens_on",
    "closes_on",
    "coprogramming",
    "process",
)
CRITERION_FIELDS = ("name", "description", "weight", "max_score", "position")
APPLICATION_FIELDS = ("title", "proposal", "staff_hours", "volunteers", "spaces", "money")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _refuse(message: str, code: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: [error]}) if field else error


# --- the call's life --------------------------------------------------------------------------------------


def _criteria_ready(call: CoDesignCall, step: Step) -> str | None:
    """A call opens with at least one criterion and weights that add up to exactly 100."""
    total = call.criteria.aggregate(total=Sum("weight"))["total"]
    if total is None:
        return gettext("Add at least one evaluation criterion before opening the call.")
    if total != 100:
        return gettext("The weights of the criteria add up to %(total)s: they must add up to exactly 100.") % {
            "total": total
        }
    return None


def missing_scores(call: CoDesignCall) -> list[tuple[Application, Criterion]]:
    """The (submitted application, criterion) pairs that no evaluator has scored yet."""
    criteria = list(call.criteria.all())
    applications = list(call.applications.filter(status=A.SUBMITTED).order_by("created_at", "id"))
    scored = set(
        Score.objects.filter(application__in=applications).values_list("application_id", "criterion_id").distinct()
    )
    return [(app, c) for app in applications for c in criteria if (app.pk, c.pk) not in scored]


def _all_scored(call: CoDesignCall, step: Step) -> str | None:
    """Every submitted application has a score on every criterion from at least one evaluator."""
    missing = missing_scores(call)
    if not missing:
        return None
    application, criterion = missing[0]
    return gettext(
        "The application “%(application)s” has no score yet on the criterion “%(criterion)s” "
        "(%(count)s scores missing in all)."
    ) % {"application": application.title, "criterion": criterion.name, "count": len(missing)}


CALL_WORKFLOW = Workflow(
    name="call",
    model=CoDesignCall,
    states=CallStatus,
    transitions=(
        Transition(S.DRAFT, S.OPEN, name="open", label=_("Open the call"), guards=(Guard(_criteria_ready, "weights"),)),
        Transition(S.OPEN, S.EVALUATION, name="evaluate", label=_("Close applications and evaluate")),
        Transition(
            S.EVALUATION,
            S.RANKED,
            name="rank",
            label=_("Compute the ranking"),
            guards=(Guard(_all_scored, "unscored"),),
        ),
        Transition(S.RANKED, S.AWARDED, name="award", label=_("Award")),
        Transition((S.DRAFT, S.OPEN, S.EVALUATION, S.RANKED), S.CANCELLED, name="cancel", label=_("Cancel the call")),
    ),
    capability=MANAGE_COPROGRAMMING,
    refusal=Refusal(
        _("A co-design table that is “%(current)s” cannot become “%(target)s”."),
        code="transition",
        params=("current", "target"),
    ),
    history=CallEvent,
    saved_fields=None,
)
# The transitions the route `call_move` takes by name (award has its own page: it chooses applications).
MOVES = {"open": S.OPEN, "evaluate": S.EVALUATION, "rank": S.RANKED, "cancel": S.CANCELLED}

APPLICATION_WORKFLOW = Workflow(
    name="application",
    model=Application,
    states=ApplicationStatus,
    transitions=(
        Transition(A.SUBMITTED, A.WITHDRAWN, name="withdraw", label=_("Withdraw the application")),
        Transition(A.SUBMITTED, A.EXCLUDED, name="exclude", capability=MANAGE_COPROGRAMMING, label=_("Exclude")),
        Transition(A.SUBMITTED, A.SELECTED, name="select", capability=MANAGE_COPROGRAMMING),
    ),
    capability=CONTRIBUTE,
    refusal=Refusal(
        _("An application that is “%(current)s” cannot become “%(target)s”."),
        code="transition",
        params=("current", "target"),
    ),
    saved_fields=None,
)


def _dates_in_order(ctx: inputs.Context) -> None:
    """Applications close on or after the day they open."""
    opens, closes = ctx.value("opens_on"), ctx.value("closes_on")
    if opens and closes and closes < opens:
        ctx.add_error("closes_on", gettext("Applications close before they open."), "dates_order")


CALL_INPUTS = inputs.Rules(
    {
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(CoDesignCall, "title"),
            messages={"required": _("Give the co-design table a title.")},
        ),
        "purpose": inputs.Text(
            required=True, max_length=20_000, messages={"required": _("Say what the table is for.")}
        ),
        "municipalities": inputs.LookupMany(
            Municipality,
            scope=in_territory,
            messages={"invalid_choice": _("These Comuni are not part of the network's territory: %(values)s.")},
        ),
        "duration_months": inputs.Integer(
            required=True,
            min_value=1,
            max_value=120,
            messages={"required": _("Give the duration in months (1 to 120).")},
        ),
        "budget": Euro(
            required=True,
            min_value=Decimal(0),
            max_value=Decimal("9999999999.99"),
            messages={"required": _("Give the budget framework in euro (0 when there is none).")},
        ),
        "budget_notes": inputs.Text(max_length=5_000),
        "requirements": inputs.Text(max_length=20_000),
        "phases": inputs.Text(max_length=5_000),
        "opens_on": inputs.Date(required=True, messages={"required": _("Give the day applications open.")}),
        "closes_on": inputs.Date(required=True, messages={"required": _("Give the last day for applications.")}),
        "coprogramming": inputs.Lookup(CoProgramming),
        "process": inputs.Lookup(Process),
    },
    checks=(_dates_in_order,),
)


def _write_call(call: CoDesignCall, data: dict[str, Any], *, actor: Any) -> list[Municipality]:
    CALL_INPUTS.refuse_unknown(data)
    given = dict(data)
    if call.pk is not None:
        given = {name: getattr(call, name) for name in CALL_FIELDS} | given
        given.setdefault("municipalities", list(call.municipalities.all()))
    values = CALL_INPUTS.clean(given, network=call.network, actor=actor)
    for name in CALL_FIELDS:
        setattr(call, name, values[name])
    return list(values["municipalities"] or [])


@transaction.atomic
def create_call(*, actor: Any, network: Network, data: dict[str, Any]) -> CoDesignCall:
    """Draft a co-design table: purpose, Comuni, duration, budget, requirements, phases, dates, round, process."""
    require(actor, MANAGE_COPROGRAMMING, network)
    call = CoDesignCall(network=network, created_by=_user(actor))
    municipalities = _write_call(call, data, actor=actor)
    call.save()
    call.municipalities.set(municipalities)
    CALL_WORKFLOW.record(call, actor=actor, from_state="")
    record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=call, before=None, after=snapshot(call, CALL_FIELDS))
    return call


def _draft_only(call: CoDesignCall) -> None:
    if call.status != S.DRAFT:
        raise _refuse(gettext("Only a draft call can be changed."), "not_draft")


@transaction.atomic
def update_call(*, actor: Any, call: CoDesignCall, data: dict[str, Any]) -> CoDesignCall:
    """Change a draft call (once open, its terms are those the applicants answered)."""
    require(actor, MANAGE_COPROGRAMMING, call.network)
    call = CALL_WORKFLOW.lock(call)
    _draft_only(call)
    before = snapshot(call, CALL_FIELDS)
    municipalities = _write_call(call, data, actor=actor)
    call.save()
    call.municipalities.set(municipalities)
    record_event(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=call, before=before, after=snapshot(call, CALL_FIELDS)
    )
    return call


@transaction.atomic
def move_call(*, actor: Any, call: CoDesignCall, transition: str, note: str = "") -> CoDesignCall:
    """Take the transition named `transition` (open, evaluate, rank, cancel); ranking writes scores and ranks."""
    target = MOVES.get(transition)
    if target is None:
        raise _refuse(gettext("Unknown action."), "unknown_transition")
    if target == S.RANKED:
        return rank_call(actor=actor, call=call, note=note)
    return CALL_WORKFLOW.apply(call, target, actor=actor, note=note)


# --- criteria ----------------------------------------------------------------------------------------------

CRITERION_INPUTS = inputs.Rules(
    {
        "name": inputs.Text(
            required=True,
            max_length=max_length_of(Criterion, "name"),
            messages={"required": _("Name the criterion.")},
        ),
        "description": inputs.Text(max_length=5_000),
        "weight": inputs.Integer(
            required=True,
            min_value=1,
            max_value=100,
            messages={"required": _("Give the criterion's weight (1 to 100).")},
        ),
        "max_score": inputs.Integer(min_value=1, max_value=100, default=10),
        "position": inputs.Integer(min_value=0, max_value=1000, default=0),
    }
)


def _audit_criterion(actor: Any, criterion: Criterion, *, action: str, before: dict | None) -> None:
    record_event(
        actor=actor,
        action=action,
        obj=criterion,
        network=criterion.call.network,
        before=before,
        after=snapshot(criterion, CRITERION_FIELDS),
    )


@transaction.atomic
def create_criterion(*, actor: Any, call: CoDesignCall, data: dict[str, Any]) -> Criterion:
    """Add an evaluation criterion with its weight and highest score to a draft call."""
    require(actor, MANAGE_COPROGRAMMING, call.network)
    call = CALL_WORKFLOW.lock(call)
    _draft_only(call)
    criterion = Criterion(call=call)
    values = dict(data)
    values.setdefault("position", call.criteria.count())
    CRITERION_INPUTS.apply(criterion, values, network=call.network, actor=actor)
    criterion.save()
    _audit_criterion(actor, criterion, action=AuditEvent.Action.CREATE, before=None)
    return criterion


@transaction.atomic
def update_criterion(*, actor: Any, criterion: Criterion, data: dict[str, Any]) -> Criterion:
    """Change a criterion of a draft call."""
    call = criterion.call
    require(actor, MANAGE_COPROGRAMMING, call.network)
    _draft_only(CALL_WORKFLOW.lock(call))
    criterion = Criterion.objects.select_for_update().select_related("call__network").get(pk=criterion.pk)
    before = snapshot(criterion, CRITERION_FIELDS)
    CRITERION_INPUTS.apply(criterion, data, network=call.network, actor=actor)
    criterion.save()
    _audit_criterion(actor, criterion, action=AuditEvent.Action.UPDATE, before=before)
    return criterion


@transaction.atomic
def delete_criterion(*, actor: Any, criterion: Criterion) -> None:
    """Remove a criterion from a draft call."""
    call = criterion.call
    require(actor, MANAGE_COPROGRAMMING, call.network)
    _draft_only(CALL_WORKFLOW.lock(call))
    delete_and_record(actor=actor, obj=criterion, network=call.network, before=snapshot(criterion, CRITERION_FIELDS))


# --- applications ------------------------------------------------------------------------------------------


def accepts_applications(call: CoDesignCall, *, on: Any = None) -> str | None:
    """None when the call takes applications today, else why not."""
    day = on or timezone.localdate()
    if call.status != S.OPEN:
        return gettext("The call is not open for applications.")
    if day < call.opens_on:
        return gettext("Applications open on %(day)s.") % {"day": call.opens_on.strftime("%d/%m/%Y")}
    if day > call.closes_on:
        return gettext("Applications closed on %(day)s.") % {"day": call.closes_on.strftime("%d/%m/%Y")}
    return None


APPLICATION_INPUTS = inputs.Rules(
    {
        "organization": inputs.Lookup(Organization),
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(Application, "title"),
            messages={"required": _("Give the project a title.")},
        ),
        "proposal": inputs.Text(
            required=True, max_length=50_000, messages={"required": _("Describe the project proposal.")}
        ),
        "partners": inputs.LookupMany(
            Organization, messages={"invalid_choice": _("These are not organisations of the network: %(values)s.")}
        ),
        "staff_hours": inputs.Integer(min_value=0, max_value=10_000_000, default=0),
        "volunteers": inputs.Integer(min_value=0, max_value=1_000_000, default=0),
        "spaces": inputs.Text(max_length=5_000),
        "money": Euro(min_value=Decimal(0), max_value=Decimal("9999999999.99"), default=0),
    }
)


@transaction.atomic
def submit_application(*, actor: Any, call: CoDesignCall, data: dict[str, Any]) -> Application:
    """Apply to an open call before its closing day, for one's organisation (one application per organisation):
    the project proposal, the partners and the resources brought (staff hours, volunteers, spaces, money)."""
    network = call.network
    require(actor, CONTRIBUTE, network)
    call = CALL_WORKFLOW.lock(call)
    if why := accepts_applications(call):
        raise _refuse(why, "closed")
    values = APPLICATION_INPUTS.clean(data, network=network, actor=actor)
    organization = resolve_organization(actor, network, values["organization"])
    partners = [p for p in values["partners"] or [] if p.pk != organization.pk]
    if call.applications.filter(organization=organization).exists():
        raise _refuse(
            gettext("%(organization)s has already applied to this call.") % {"organization": organization.name},
            "already_applied",
            "organization",
        )
    application = Application(network=network, call=call, organization=organization, submitted_by=_user(actor))
    for name in APPLICATION_FIELDS:
        setattr(application, name, values[name])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise _refuse(gettext("This organisation has already applied."), "already_applied", "organization") from None
    application.partners.set(partners)
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=application,
        network=network,
        before=None,
        after=snapshot(application, ("call", "organization", *APPLICATION_FIELDS)),
    )
    return application


def may_act_for(actor: Any, application: Application) -> bool:
    """The applicant: its own staff, or a coordinator or community worker (who apply on an organisation's behalf)."""
    network = application.network
    if not can(actor, CONTRIBUTE, network):
        return False
    if acts_only_for_own(actor, network):
        return application.organization_id in organization_ids_of(actor, network)
    return True


@transaction.atomic
def withdraw_application(*, actor: Any, application: Application, note: str = "") -> Application:
    """The applicant withdraws its application, while the call is open."""
    if not may_act_for(actor, application):
        raise PermissionDenied(CONTRIBUTE)
    call = CALL_WORKFLOW.lock(application.call)
    if call.status != S.OPEN:
        raise _refuse(gettext("An application can be withdrawn only while the call is open."), "call_not_open")
    return APPLICATION_WORKFLOW.apply(application, A.WITHDRAWN, actor=actor, note=note)


EXCLUDE_INPUTS = inputs.Rules(
    {
        "reason": inputs.Text(
            required=True,
            max_length=max_length_of(Application, "exclusion_reason"),
            messages={"required": _("Say why the application is excluded.")},
        )
    }
)


@transaction.atomic
def exclude_application(*, actor: Any, application: Application, reason: Any) -> Application:
    """Exclude an application (it lacks a requirement), with the reason, before the call is ranked."""
    require(actor, MANAGE_COPROGRAMMING, application.network)
    call = CALL_WORKFLOW.lock(application.call)
    if call.status not in (S.OPEN, S.EVALUATION):
        raise _refuse(
            gettext("An application can be excluded only while the call is open or under evaluation."),
            "call_not_open",
        )
    values = EXCLUDE_INPUTS.clean({"reason": reason}, network=application.network, actor=actor)
    return APPLICATION_WORKFLOW.apply(
        application,
        A.EXCLUDED,
        actor=actor,
        note=values["reason"],
        changes={"exclusion_reason": values["reason"]},
    )


# --- scores --------------------------------------------------------------------------------------------------


def conflicted_organizations(actor: Any, application: Application) -> list[Organization]:
    """The organisations of `application` (applicant and partners) that `actor`'s memberships are tied to."""
    own = organization_ids_of(actor, application.network)
    if not own:
        return []
    involved = [application.organization, *application.partners.all()]
    return [org for org in involved if org.pk in own]


def score_refusal(actor: Any, application: Application) -> str | None:
    """Why `actor` may not score `application` now (None when they may): the call must be under evaluation, the
    application submitted, and the evaluator's organisation neither the applicant nor one of its partners."""
    if application.call.status != S.EVALUATION:
        return gettext("Applications are scored only while the call is under evaluation.")
    if application.status != A.SUBMITTED:
        return gettext("Only submitted applications are scored.")
    if conflicted := conflicted_organizations(actor, application):
        return gettext("You cannot score this application: your organisation %(organization)s takes part in it.") % {
            "organization": conflicted[0].name
        }
    return None


SCORE_INPUTS = inputs.Rules(
    {
        "score": inputs.Integer(required=True, min_value=0, messages={"required": _("Give a score.")}),
        "reason": inputs.Text(
            required=True, max_length=5_000, messages={"required": _("Give the reason for the score.")}
        ),
    }
)


@transaction.atomic
def score_application(*, actor: Any, application: Application, scores: dict[Any, dict[str, Any]]) -> list[Score]:
    """Record `actor`'s scores of `application`: {criterion or its id: {"score": 0..highest, "reason": text}}.

    One score per evaluator and criterion (a second one replaces the first, until the call is ranked); each needs
    a reason. Errors come back on the fields "score_<criterion id>" and "reason_<criterion id>".
    """
    network = application.network
    require(actor, SCORE_APPLICATIONS, network)
    call = CALL_WORKFLOW.lock(application.call)
    application = Application.objects.select_related("organization", "call").get(pk=application.pk)
    application.call = call
    if why := score_refusal(actor, application):
        code = "conflict" if call.status == S.EVALUATION and application.status == A.SUBMITTED else "not_scoring"
        raise _refuse(why, code)
    criteria = {c.pk: c for c in call.criteria.all()}
    errors: dict[str, list[ValidationError]] = {}
    cleaned: list[tuple[Criterion, int, str]] = []
    for key, given in scores.items():
        pk = inputs.parse_id(getattr(key, "pk", key))
        criterion = criteria.get(pk) if pk is not None else None
        if criterion is None:
            errors.setdefault("__all__", []).append(
                ValidationError(gettext("Choose a criterion of this call."), code="invalid_choice")
            )
            continue
        rules = SCORE_INPUTS.extend(
            {
                "score": inputs.Integer(
                    required=True,
                    min_value=0,
                    max_value=criterion.max_score,
                    range_code="score_range",
                    messages={
                        "required": _("Give a score."),
                        "score_range": _("Give a score from %(min)s to %(max)s."),
                    },
                )
            }
        )
        try:
            values = rules.clean(dict(given), network=network, actor=actor)
        except ValidationError as exc:
            for name, field_errors in exc.error_dict.items():
                errors.setdefault(f"{name}_{criterion.pk}", []).extend(field_errors)
            continue
        cleaned.append((criterion, values["score"], values["reason"]))
    if not errors and not cleaned:
        errors["__all__"] = [ValidationError(gettext("Score at least one criterion."), code="required")]
    if errors:
        raise ValidationError(errors)
    saved = []
    for criterion, value, reason in cleaned:
        score, created = Score.objects.select_for_update().get_or_create(
            application=application,
            criterion=criterion,
            evaluator=actor,
            defaults={"score": value, "reason": reason},
        )
        before = None if created else snapshot(score, ("score", "reason"))
        if not created:
            score.score, score.reason = value, reason
            score.save(update_fields=["score", "reason", "updated_at"])
        if created or before != snapshot(score, ("score", "reason")):
            record_event(
                actor=actor,
                action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                obj=score,
                network=network,
                before=before,
                after=snapshot(score, ("application", "criterion", "score", "reason")),
            )
        saved.append(score)
    return saved


# --- the ranking -----------------------------------------------------------------------------------------


def weighted_totals(call: CoDesignCall) -> dict[int, Decimal]:
    """{application id: weighted total out of 100, 2 decimals} of the call's submitted applications.

    Each criterion counts weight × (mean of the evaluators' scores / highest score); unscored criteria count 0.
    """
    criteria = {c.pk: c for c in call.criteria.all()}
    sums: dict[tuple[int, int], list[int]] = defaultdict(list)
    rows = Score.objects.filter(application__call=call, application__status=A.SUBMITTED).values_list(
        "application_id", "criterion_id", "score"
    )
    for application_id, criterion_id, value in rows:
        sums[(application_id, criterion_id)].append(value)
    totals: dict[int, Decimal] = {}
    for application_id in call.applications.filter(status=A.SUBMITTED).values_list("pk", flat=True):
        total = Decimal(0)
        for pk, criterion in criteria.items():
            values = sums.get((application_id, pk))
            if values:
                mean = Decimal(sum(values)) / Decimal(len(values))
                total += Decimal(criterion.weight) * mean / Decimal(criterion.max_score)
        totals[application_id] = total.quantize(CENT, rounding=ROUND_HALF_UP)
    return totals


def ranks_of(totals: dict[int, Decimal]) -> dict[int, int]:
    """Competition ranks, highest total first: equal totals share a rank and the next rank skips (1, 1, 3)."""
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    ranks: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (pk, total) in enumerate(ordered, start=1):
        if total != previous:
            rank, previous = position, total
        ranks[pk] = rank
    return ranks


@transaction.atomic
def rank_call(*, actor: Any, call: CoDesignCall, note: str = "") -> CoDesignCall:
    """Close the evaluation: every submitted application gets its weighted total and its rank."""
    require(actor, MANAGE_COPROGRAMMING, call.network)
    call = CALL_WORKFLOW.lock(call)
    call = CALL_WORKFLOW.apply(call, S.RANKED, actor=actor, note=note, lock=False)
    totals = weighted_totals(call)
    ranks = ranks_of(totals)
    applications = list(call.applications.all())
    for application in applications:
        application.total_score = totals.get(application.pk)
        application.rank = ranks.get(application.pk)
    Application.objects.bulk_update(applications, ["total_score", "rank"])
    return call
