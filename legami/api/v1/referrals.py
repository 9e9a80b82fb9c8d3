"""Referrals (segnalazioni): filing one and following one's own (referrals.file_referrals: the sentinels, operators
and partner staff), and the triage (referrals.triage_referrals: coordinators and case managers, within their
districts when their role is limited to some), which also takes a referral in charge by opening a case from it.

The reporter sees their own referrals with the status AS THEY SEE IT (received, being examined, more information
asked, taken in charge, sent to another service, closed) and the questions put to them: never who examines it,
the triage's notes, the service it went to, the reason it was closed or anything about a case. A referral outside
the triager's districts answers 404, as a missing one; every triage read of a referral is audited.
"""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import BODY, refusals
from legami.api.references import municipality_by_istat_code
from legami.api.schemas import (
    ISTAT_CODE,
    READ_ERRORS,
    UNKNOWN_MUNICIPALITY,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    MunicipalityRef,
    NamedRef,
    PageNumberPagination,
    declared,
    with_server_rules,
)
from legami.api.scoping import scoped_network
from legami.api.v1.cases import CASE, CaseOpenIn, CaseOut, case_out
from legami.core.http import site_base_url
from legami.pacts.services import cases as case_services
from legami.referrals.capabilities import FILE_REFERRALS, TRIAGE_REFERRALS
from legami.referrals.models import Referral
from legami.referrals.selectors import referrals as selectors
from legami.referrals.services import filing, triage

router = Router(tags=["referrals"])

# The model choices spelled out (see the note in legami/api/schemas.py); a test keeps them equal.
Urgency = Literal["immediate", "high", "ordinary"]
AgeBand = Literal["child", "adult", "older", "family", "unknown"]
ConsentState = Literal["given", "not_asked", "refused", "unable"]
ReferralStatus = Literal["new", "assigned", "info_requested", "accepted", "redirected", "closed"]
CloseReason = Literal["no_need", "already_followed", "duplicate", "unreachable", "refused", "other"]

# What the reporter reads of each state: how far it has come, never who, why or where it went.
REPORTER_STATUS = {
    "new": "received",
    "assigned": "being_examined",
    "info_requested": "more_information_asked",
    "accepted": "taken_in_charge",
    "redirected": "sent_to_another_service",
    "closed": "closed",
}
ReporterStatus = Literal[
    "received", "being_examined", "more_information_asked", "taken_in_charge", "sent_to_another_service", "closed"
]


def _user(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.acting_name}


def _municipality(referral: Referral) -> dict[str, Any]:
    return {"istat_code": referral.municipality.istat_code, "name": referral.municipality.name}


# --- the reporter ------------------------------------------------------------------------------------------------


class ReferralMessageOut(Schema):
    """A question of the services to the reporter, or the reporter's answer."""

    from_reporter: bool
    body: str
    created_at: datetime.datetime


class MyReferralOut(Schema):
    """One of the caller's own referrals, as its reporter sees it: its status, never the triage's decisions."""

    id: int
    filed_at: datetime.datetime
    municipality: MunicipalityRef
    urgency: Urgency
    status: ReporterStatus = Field(..., description="How far it has come, as the reporter sees it.")
    status_label: str = Field(..., description="The same, in the caller's language.")

    @staticmethod
    def resolve_filed_at(obj: Referral) -> datetime.datetime:
        return obj.created_at

    @staticmethod
    def resolve_municipality(obj: Referral) -> dict[str, Any]:
        return _municipality(obj)

    @staticmethod
    def resolve_status(obj: Referral) -> str:
        return REPORTER_STATUS[obj.status]

    @staticmethod
    def resolve_status_label(obj: Referral) -> str:
        return str(selectors.reporter_status(obj))


class MyReferralDetailOut(MyReferralOut):
    """One of the caller's referrals: what they wrote, its status as they see it, the questions put to them."""

    subject: str
    age_band: AgeBand
    where: str
    observed: str
    consent: ConsentState
    consent_note: str
    reporter_contact: str
    messages: list[ReferralMessageOut]

    @staticmethod
    def resolve_messages(obj: Referral) -> list[Any]:
        return list(selectors.referral_messages(obj))


REFERRAL = declared(filing.REFERRAL_INPUTS)
ANSWER = declared(filing.ANSWER_INPUTS)


class ReferralIn(Schema):
    """A new referral: who it concerns in a few words, where, what was seen, how urgent, whether the person agrees."""

    model_config = with_server_rules(
        REFERRAL.server_rules(REFERRAL.rules.fields, resolved=["municipality"], more=[UNKNOWN_MUNICIPALITY])
    )

    subject: str = REFERRAL.field("subject", description="Who it concerns: as few words as let the services find them.")
    age_band: REFERRAL.choice("age_band") = REFERRAL.field("age_band")  # type: ignore[valid-type]
    where: str = REFERRAL.field("where")
    observed: str = REFERRAL.field("observed", description="What was seen or heard.")
    urgency: Urgency = REFERRAL.field("urgency")
    consent: ConsentState = REFERRAL.field("consent", description="Whether the person knows of it and agrees.")
    consent_note: str = REFERRAL.field("consent_note", description="Why not (required unless consent is given).")
    municipality: str = Field(..., pattern=ISTAT_CODE, description="ISTAT code of a Comune of the network's territory.")
    reporter_contact: str = REFERRAL.field("reporter_contact", description="How the services can reach the reporter.")


class ReferralAnswerIn(Schema):
    """The reporter's answer to the services' question."""

    model_config = with_server_rules(ANSWER.server_rules(ANSWER.rules.fields))

    answer: str = ANSWER.field("answer")


@router.post(
    "/{slug}/referrals/",
    response={201: MyReferralDetailOut, **WRITE_ERRORS},
    operation_id="referrals_file",
    summary="File a referral: the district's triage is told (by e-mail: the number and a link, never the text)",
    auth=requires(FILE_REFERRALS),
)
def file_referral(request: HttpRequest, slug: str, payload: ReferralIn):
    network = scoped_network(request)
    data = payload.dict()
    data["municipality"] = municipality_by_istat_code(data["municipality"], loc=(*BODY, "municipality"))
    with refusals():
        referral = filing.file_referral(actor=request.user, network=network, data=data, base_url=site_base_url(request))
    return Status(201, selectors.my_referral(request.user, network, referral.pk))


@router.get(
    "/{slug}/referrals/mine/",
    response={200: list[MyReferralOut], **READ_ERRORS},
    operation_id="referrals_mine",
    summary="The referrals the caller filed, newest first, each with its status as the reporter sees it",
    auth=requires(FILE_REFERRALS),
)
@paginate(PageNumberPagination)
def my_referrals(request: HttpRequest, slug: str):
    return selectors.my_referrals(request.user, scoped_network(request))


@router.get(
    "/{slug}/referrals/mine/{id}/",
    response={200: MyReferralDetailOut, **READ_ERRORS},
    operation_id="referrals_mine_get",
    summary="One referral the caller filed, with the questions put to them (404 for anyone else's)",
    auth=requires(FILE_REFERRALS),
)
def my_referral(request: HttpRequest, slug: str, id: Id):
    return selectors.my_referral(request.user, scoped_network(request), id)


@router.post(
    "/{slug}/referrals/mine/{id}/answer/",
    response={201: MyReferralDetailOut, **WRITE_ERRORS},
    operation_id="referrals_answer",
    summary="Answer the services' question about one's own referral: it goes back to triage",
    auth=requires(FILE_REFERRALS),
)
def answer(request: HttpRequest, slug: str, id: Id, payload: ReferralAnswerIn):
    network = scoped_network(request)
    referral = selectors.my_referral(request.user, network, id)
    with refusals():
        filing.answer_question(
            actor=request.user, referral=referral, data=payload.dict(), base_url=site_base_url(request)
        )
    return Status(201, selectors.my_referral(request.user, network, id))


# --- triage ------------------------------------------------------------------------------------------------------


class ReferralQueueOut(Schema):
    """A referral in the triage queue: no word of what was written (read the referral itself: an audited read)."""

    id: int
    filed_at: datetime.datetime
    municipality: MunicipalityRef
    age_band: AgeBand
    urgency: Urgency
    status: ReferralStatus
    assigned_to: NamedRef | None
    due_at: datetime.datetime = Field(..., description="When triage is due, by the urgency.")
    overdue: bool = Field(..., description="Still open past `due_at`.")
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_filed_at(obj: Referral) -> datetime.datetime:
        return obj.created_at

    @staticmethod
    def resolve_municipality(obj: Referral) -> dict[str, Any]:
        return _municipality(obj)

    @staticmethod
    def resolve_assigned_to(obj: Referral) -> dict[str, Any] | None:
        return _user(obj.assigned_to)

    @staticmethod
    def resolve_overdue(obj: Referral) -> bool:
        return selectors.is_overdue(obj)


class ReferralHistoryOut(Schema):
    from_status: ReferralStatus | Literal[""]
    to_status: ReferralStatus
    actor: NamedRef | None
    note: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_actor(obj: Any) -> dict[str, Any] | None:
        return _user(obj.actor)


class ReferralOut(ReferralQueueOut):
    """A referral as the triage reads it (case data: every read audited)."""

    subject: str
    where: str
    observed: str
    consent: ConsentState
    consent_note: str
    reporter: NamedRef | None
    reporter_organization: NamedRef | None
    reporter_contact: str
    redirected_to: str = Field(..., description="The service it was sent to ('' unless redirected).")
    close_reason: CloseReason | Literal[""]
    messages: list[ReferralMessageOut]
    history: list[ReferralHistoryOut]

    @staticmethod
    def resolve_reporter(obj: Referral) -> dict[str, Any] | None:
        return _user(obj.reporter)

    @staticmethod
    def resolve_reporter_organization(obj: Referral) -> dict[str, Any] | None:
        organization = obj.reporter_organization
        return None if organization is None else {"id": organization.pk, "name": organization.name}

    @staticmethod
    def resolve_messages(obj: Referral) -> list[Any]:
        return list(selectors.referral_messages(obj))

    @staticmethod
    def resolve_history(obj: Referral) -> list[Any]:
        return list(selectors.referral_history(obj))


class ReferralQueueQuery(Schema):
    status: ReferralStatus | None = Field(None, description="Only referrals in this state.")
    urgency: Urgency | None = None
    mine: bool = Field(False, description="Only the referrals assigned to the caller.")
    overdue: bool = Field(False, description="Only the open referrals past their due time.")
    decided: bool = Field(False, description="The decided referrals (latest first) instead of the open ones.")


ASSIGN = declared(triage.ASSIGN_INPUTS)
ASK = declared(triage.ASK_INPUTS)
REDIRECT = declared(triage.REDIRECT_INPUTS)
CLOSE = declared(triage.CLOSE_INPUTS)


class ReferralAssignIn(Schema):
    """Give the referral to a triager of its Comune (the caller's own id to take it)."""

    model_config = with_server_rules(ASSIGN.server_rules(ASSIGN.rules.fields))

    assignee: int = ASSIGN.field("assignee", description="Id of the user who will examine it.")
    note: str = ASSIGN.field("note")


class ReferralAskIn(Schema):
    """A question for the reporter (they read it, and get an e-mail with a link)."""

    model_config = with_server_rules(
        [
            *ASK.server_rules(ASK.rules.fields),
            {"field": "question", "code": "no_reporter", "rule": "The reporter still has an account."},
        ]
    )

    question: str = ASK.field("question")


class ReferralRedirectIn(Schema):
    """Send the referral to another service."""

    model_config = with_server_rules(REDIRECT.server_rules(REDIRECT.rules.fields))

    service: str = REDIRECT.field("service", description="The service it is sent to.")
    note: str = REDIRECT.field("note")


class ReferralCloseIn(Schema):
    """Close the referral with a reason."""

    model_config = with_server_rules(CLOSE.server_rules(CLOSE.rules.fields))

    reason: CloseReason = CLOSE.field("reason")
    note: str = CLOSE.field("note")


def _for_triage(request: HttpRequest, pk: int, purpose: str) -> Referral:
    return selectors.referral_for_triage(request.user, scoped_network(request), pk, purpose=purpose)


@router.get(
    "/{slug}/referrals/",
    response={200: list[ReferralQueueOut], **READ_ERRORS},
    operation_id="referrals_queue",
    summary="The triage queue of the caller's districts: open referrals by due time (or the decided ones)",
    auth=requires(TRIAGE_REFERRALS),
)
@paginate(PageNumberPagination)
def queue(request: HttpRequest, slug: str, filters: Query[ReferralQueueQuery]):
    return selectors.triage_queue(
        request.user,
        scoped_network(request),
        status=filters.status or "",
        urgency=filters.urgency or "",
        mine=filters.mine,
        overdue=filters.overdue,
        decided=filters.decided,
    )


@router.get(
    "/{slug}/referrals/{id}/",
    response={200: ReferralOut, **READ_ERRORS},
    operation_id="referrals_get",
    summary="One referral, as the triage reads it: what was written, the questions, the history (audited)",
    auth=requires(TRIAGE_REFERRALS),
)
def get_referral(request: HttpRequest, slug: str, id: Id):
    return _for_triage(request, id, "api: referral")


def _move(request: HttpRequest, pk: int, service: Any, data: dict[str, Any], **kwargs: Any) -> Referral:
    referral = _for_triage(request, pk, "api: referral triage")
    with refusals():
        service(actor=request.user, referral=referral, data=data, **kwargs)
    return _for_triage(request, pk, "api: referral triage")


@router.post(
    "/{slug}/referrals/{id}/assign/",
    response={200: ReferralOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="referrals_assign",
    summary="Assign a new or assigned referral to a triager of its Comune (409 once it is decided)",
    auth=requires(TRIAGE_REFERRALS),
)
def assign(request: HttpRequest, slug: str, id: Id, payload: ReferralAssignIn):
    return _move(request, id, triage.assign_referral, payload.dict())


@router.post(
    "/{slug}/referrals/{id}/ask/",
    response={200: ReferralOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="referrals_ask",
    summary="Ask the reporter for more: the referral waits for the answer (409 unless new or assigned)",
    auth=requires(TRIAGE_REFERRALS),
)
def ask(request: HttpRequest, slug: str, id: Id, payload: ReferralAskIn):
    return _move(request, id, triage.ask_reporter, payload.dict(), base_url=site_base_url(request))


@router.post(
    "/{slug}/referrals/{id}/redirect/",
    response={200: ReferralOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="referrals_redirect",
    summary="Send an open referral to another service (409 once it is decided)",
    auth=requires(TRIAGE_REFERRALS),
)
def redirect(request: HttpRequest, slug: str, id: Id, payload: ReferralRedirectIn):
    return _move(request, id, triage.redirect_referral, payload.dict())


@router.post(
    "/{slug}/referrals/{id}/close/",
    response={200: ReferralOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="referrals_close",
    summary="Close an open referral with a reason (409 once it is decided)",
    auth=requires(TRIAGE_REFERRALS),
)
def close(request: HttpRequest, slug: str, id: Id, payload: ReferralCloseIn):
    return _move(request, id, triage.close_referral, payload.dict())


class ReferralTakeInChargeIn(CaseOpenIn):
    """Take in charge the person the referral is about: a case for a person of the registry under a processing of the
    network's register, as when a case is opened; the caller becomes its case manager and the referral is taken in
    charge."""

    model_config = with_server_rules(
        [
            *CASE.server_rules(CASE.rules.fields),
            {"code": "referral_not_open", "rule": "The referral is still waiting for triage (409)."},
        ]
    )


@router.post(
    "/{slug}/referrals/{id}/take-in-charge/",
    response={201: CaseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="referrals_take_in_charge",
    summary="Take in charge the person an open referral is about: a case opened from it, whose case manager is the "
    "caller (who also opens cases); the referral is taken in charge (audited; 409 once it is decided)",
    auth=requires(TRIAGE_REFERRALS),
)
def take_in_charge(request: HttpRequest, slug: str, id: Id, payload: ReferralTakeInChargeIn):
    network = scoped_network(request)
    referral = _for_triage(request, id, "api: referral taken in charge")
    with refusals():
        case = case_services.take_in_charge(actor=request.user, network=network, referral=referral, data=payload.dict())
    return Status(201, case_out(request, case.pk))
