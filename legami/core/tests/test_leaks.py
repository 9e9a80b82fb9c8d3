"""The leak test: a unique marker in every field that can hold personal or case data, read by everyone.

FIELDS declares every text-like field (CharField, TextField, EmailField, JSONField, encrypted fields) of the
project's models that can hold personal or case data, with the rule that says who may read it;
NOT_PERSONAL lists the others, each with the reason. A field in neither list fails
`test_every_text_field_is_declared`, so that a new field cannot slip by.

`test_no_marker_reaches_anyone_who_may_not_read_it` plants a unique marker in every declared field of
planted objects (a person and her household, notes, consents, a tie, needs of the network and of the
case team, a need in another district, a survey's written and off-list answers and its respondent's contacts,
an audit event, an invitation, a member, an import job, an API token), then requests, as each of the 12
personas, every route of the permission matrix (for its own objects and for each planted one), every
export in each format, every GET of the API with the persona's personal token, and the admin site as the
platform admin; it captures the e-mails sent and every log line. A marker found where its field's rule
does not let the reader read it fails the test, naming the marker, the field, the persona and the URL.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legami.accounts.models import Invitation, PersonalAccessToken
from legami.core.audit import append, audit_event
from legami.core.fields import EncryptedTextField
from legami.core.models import AuditEvent, Job
from legami.core.roles import CAPABILITIES, Role
from legami.core.tests import factories as f
from legami.core.tests.matrix import PERSONA_ROLES, PERSONAS
from legami.core.tests.test_permission_matrix import ROUTES, _objects, _url

# ------------------------------------------------------------------------------------------ the rules


@dataclass(frozen=True)
class Reader:
    """Who reads: a persona of the cast, or the addressee of an e-mail, or the server's log."""

    name: str
    roles: frozenset = frozenset()
    superuser: bool = False
    email: str = ""
    user_id: int | None = None
    # The Comuni a district-limited role reaches (None: the whole network).
    comuni: frozenset | None = None


@dataclass(frozen=True)
class Rule:
    """Who may read a field of an object: `check(reader, obj)`, said in words in `text`."""

    text: str
    check: Callable[[Reader, Any], bool]

    def __or__(self, other: Rule) -> Rule:
        return Rule(f"{self.text} or {other.text}", lambda r, o: self.check(r, o) or other.check(r, o))


def holds(capability: str) -> Rule:
    """The reader holds the capability in the network."""
    return Rule(capability, lambda r, _o: bool(r.roles & CAPABILITIES[capability]))


def _comune(obj: Any) -> int | None:
    for path in ("municipality_id", "person.municipality_id", "source_person.municipality_id"):
        value: Any = obj
        for part in path.split("."):
            value = getattr(value, part, None)
        if value is not None:
            return value
    return None


def in_reach(rule: Rule) -> Rule:
    """`rule`, and the object lies in the districts a district-limited reader reaches."""
    return Rule(
        f"{rule.text} (in their districts)",
        lambda r, o: rule.check(r, o) and (r.comuni is None or _comune(o) in r.comuni),
    )


def _need_of(obj: Any) -> Any:
    return getattr(obj, "need", obj)


def _need_readers(reader: Reader, obj: Any) -> bool:
    need = _need_of(obj)
    capability = "needs.view_case_needs" if need.is_case_data else "needs.view_needs"
    return bool(reader.roles & CAPABILITIES[capability]) and (
        reader.comuni is None or need.municipality_id in reader.comuni
    )


NEED_READERS = Rule("needs.view_needs (needs.view_case_needs for the case team's), in their districts", _need_readers)
PLATFORM_ADMIN = Rule("the platform admin (admin site)", lambda r, _o: r.superuser)
AUDIT = holds("core.view_audit")
PEOPLE = in_reach(holds("network.view_people"))
NOBODY = Rule("nobody", lambda _r, _o: False)


def _is_user(reader: Reader, obj: Any) -> bool:
    return reader.user_id is not None and reader.user_id == getattr(obj, "user_id", obj.pk)


def _job_readers(reader: Reader, job: Any) -> bool:
    capability = {"people_import": "network.import_people", "needs_import": "needs.import_needs"}.get(job.kind)
    return capability is not None and bool(reader.roles & CAPABILITIES[capability])


ITSELF = Rule("the user themself", _is_user)


def _time_bank_party(reader: Reader, obj: Any) -> bool:
    """The reader holds one of the transfer's accounts: their own person's, or their organisation's as staff."""
    from legami.network.models import Membership

    transfer = getattr(obj, "transfer", obj)
    if reader.user_id is None:
        return False
    for leg in transfer.legs.select_related("account__person"):
        account = leg.account
        if account.person_id and account.person.user_id == reader.user_id:
            return True
        if (
            account.organization_id
            and Membership.objects.filter(
                user_id=reader.user_id, organization_id=account.organization_id, role=Role.PARTNER_STAFF, is_active=True
            ).exists()
        ):
            return True
    return False


TIME_BANK_PARTIES = Rule("a side of the transfer", _time_bank_party)


def _public_acts(reader: Reader, user: Any) -> bool:
    """A member's name goes with what they did in public under it: a proposal or a comment is signed on the
    public pages (anyone reads it); a co-programming outcome names who signed it off for the lead partner, to
    whoever reads the round (responses.view_responses). Nothing else of a member is published."""
    from legami.participation.models import Comment, Proposal
    from legami.responses.models import CoProgramming

    if Proposal.objects.filter(author=user).exists() or Comment.objects.filter(author=user).exists():
        return True
    signed = CoProgramming.objects.filter(signed_off_by=user).exists()
    return signed and bool(reader.roles & CAPABILITIES["responses.view_responses"])


PUBLIC_ACTS = Rule("anyone for a proposal's or comment's author; responses.view_responses for a sign-off", _public_acts)


def _match_of(obj: Any) -> Any:
    return getattr(obj, "match", obj)


def _offer_of(obj: Any) -> Any:
    return getattr(_match_of(obj), "offer", obj)


def _offer_owner(reader: Reader, obj: Any) -> bool:
    offer = _offer_of(obj)
    if reader.user_id is None or not reader.roles & CAPABILITIES["exchange.offer_own"]:
        return False
    return offer.submitted_by_id == reader.user_id or (
        offer.person is not None and offer.person.user_id == reader.user_id
    )


def _need_side(reader: Reader, obj: Any) -> bool:
    """The person a need is about, through their login: they read the offers proposed to them."""
    from legami.exchange.models import Match

    if reader.user_id is None:
        return False
    match = _match_of(obj)
    if isinstance(match, Match):
        return match.need.person is not None and match.need.person.user_id == reader.user_id
    return Match.objects.filter(offer=_offer_of(obj), need__person__user_id=reader.user_id).exists()


OFFER_OWNER = Rule("the offer's owner (exchange.offer_own)", _offer_owner)
NEED_SIDE = Rule("the person of a need matched with the offer", _need_side)
OFFER_READERS = holds("exchange.view_offers") | OFFER_OWNER
MATCH_OPERATORS = Rule(
    "exchange.manage_matches, for a need they may read",
    lambda r, o: bool(r.roles & CAPABILITIES["exchange.manage_matches"]) and _need_readers(r, _match_of(o)),
)
ADDRESSEE = Rule("the invitee", lambda r, o: bool(r.email) and r.email.lower() == o.email.lower())
JOB_READERS = Rule("who may run the job's import", _job_readers)


def _booking_readers(reader: Reader, obj: Any) -> bool:
    """A booking's purpose, contact and notes: its booker, the operators, and the managers of its space (partner
    staff of the managing organisation); a public event's title is shown to anyone, on the calendar and the feed."""
    from legami.network.models import Membership

    booking = getattr(obj, "booking", obj)
    if reader.user_id is not None and reader.user_id == booking.booked_by_id:
        return True
    if reader.roles & (CAPABILITIES["exchange.view_bookings"] | {Role.COORDINATOR, Role.COMMUNITY_WORKER}):
        return True
    return (
        Role.PARTNER_STAFF in reader.roles
        and reader.user_id is not None
        and Membership.objects.filter(
            user_id=reader.user_id,
            role=Role.PARTNER_STAFF,
            organization_id=booking.space.manager_organization_id,
            is_active=True,
        ).exists()
    )


BOOKING_READERS = Rule("the booker, exchange.view_bookings, the space's managers", _booking_readers)
PUBLIC_EVENT = Rule("anyone, for a public event", lambda _r, o: bool(getattr(o, "is_public_event", False)))


def _case_of(obj: Any) -> Any:
    """The case a pacts object belongs to (a case, its team, events and assessments, a pact and all it holds)."""
    from legami.pacts.models import Case

    for path in (
        "",
        "case",
        "assessment.case",
        "pact.case",
        "version.pact.case",
        "objective.version.pact.case",
        "review.pact.case",
    ):
        value: Any = obj
        for part in filter(None, path.split(".")):
            value = getattr(value, part, None)
        if isinstance(value, Case):
            return value
    return None


def _on_case_team(reader: Reader, obj: Any) -> bool:
    """The reader is on the team of the object's case (the privacy officer reads every case)."""
    from legami.pacts.models import CaseMember

    if reader.roles & CAPABILITIES["pacts.inspect_cases"]:
        return True
    case = _case_of(obj)
    if case is None or reader.user_id is None or not reader.roles & CAPABILITIES["pacts.work_on_cases"]:
        return False
    return CaseMember.objects.filter(case=case, user_id=reader.user_id).exists()


CASE_TEAM = Rule("the case's team (pacts.work_on_cases and on the team) or pacts.inspect_cases", _on_case_team)


def _team_of_person(reader: Reader, obj: Any) -> bool:
    """The team of a case of the person (or of a person tied to them: the case page shows the person's ties)."""
    from django.db.models import Q

    from legami.network.models import Person, Tie
    from legami.pacts.models import Case

    if reader.user_id is None:
        return False
    if isinstance(obj, Tie):
        people = [obj.source_person_id, obj.target_person_id]
    elif isinstance(obj, Person):
        tied = Tie.objects.filter(Q(source_person=obj) | Q(target_person=obj))
        people = [
            obj.pk,
            *tied.values_list("source_person_id", flat=True),
            *tied.values_list("target_person_id", flat=True),
        ]
    else:
        return False
    return any(_on_case_team(reader, case) for case in Case.objects.filter(person_id__in=[p for p in people if p]))


PERSON_CASE_TEAM = Rule("the team of a case of the person or of someone tied to them", _team_of_person)


def _triage_of(reader: Reader, obj: Any) -> bool:
    """Who triages the referral's Comune (referrals.triage_referrals, in their districts), and the team of the
    case it became."""
    referral = getattr(obj, "referral", obj)
    if reader.roles & CAPABILITIES["referrals.triage_referrals"] and (
        reader.comuni is None or referral.municipality_id in reader.comuni
    ):
        return True
    case = getattr(referral, "case", None) if hasattr(referral, "case") else None
    return case is not None and _on_case_team(reader, case)


def _reporter_of(reader: Reader, obj: Any) -> bool:
    referral = getattr(obj, "referral", obj)
    return reader.user_id is not None and reader.user_id == referral.reporter_id


def _host_of(reader: Reader, hours: Any) -> bool:
    """Who confirms give-back hours: the host organisation's partner staff; coordinators and community workers."""
    from legami.network.models import Membership

    if not reader.roles & CAPABILITIES["pacts.confirm_give_back"] or reader.user_id is None:
        return False
    if reader.roles & {Role.COORDINATOR, Role.COMMUNITY_WORKER}:
        return True
    return Membership.objects.filter(
        user_id=reader.user_id, organization_id=hours.host_id, role=Role.PARTNER_STAFF, is_active=True
    ).exists()


def _hosts_person(reader: Reader, person: Any) -> bool:
    """The host of give-back hours the person gave (their queue names who did the hours, never the pact)."""
    from legami.pacts.models import GiveBackHours

    return any(_host_of(reader, hours) for hours in GiveBackHours.objects.filter(pact__case__person=person))


TRIAGE = Rule("referrals.triage_referrals in their districts, and the case team", _triage_of)
HOSTS_PERSON = Rule("the host of hours the person gave (pacts.confirm_give_back)", _hosts_person)
REPORTER = Rule("the reporter (their own words)", _reporter_of)
HOST = Rule("the host of the hours (pacts.confirm_give_back)", _host_of)

# "<app_label>.<Model>.<field>" -> who may read it. Every field here gets a marker in the planted objects.
FIELDS: dict[str, Rule] = {
    # accounts: the people who log in, their invitations and tokens
    "accounts.User.email": ITSELF | holds("network.view_members") | AUDIT | PLATFORM_ADMIN,
    "accounts.User.username": ITSELF | holds("network.view_members") | AUDIT | PLATFORM_ADMIN,
    "accounts.User.full_name": ITSELF | holds("network.view_members") | AUDIT | PLATFORM_ADMIN | PUBLIC_ACTS,
    "accounts.Invitation.email": ADDRESSEE | holds("network.view_members") | AUDIT | PLATFORM_ADMIN,
    "accounts.Invitation.full_name": ADDRESSEE | holds("network.view_members") | AUDIT | PLATFORM_ADMIN,
    "accounts.PersonalAccessToken.name": ITSELF | PLATFORM_ADMIN,
    # core: the audit trail (case data never enters it in clear), consents, import jobs
    "core.AuditEvent.actor_label": AUDIT,
    "core.AuditEvent.object_repr": AUDIT,
    "core.AuditEvent.before": AUDIT,
    "core.AuditEvent.after": AUDIT,
    "core.AuditEvent.note": AUDIT,
    "core.Consent.source": PEOPLE | AUDIT,
    "core.Job.original_name": JOB_READERS | AUDIT,
    "core.Job.errors": JOB_READERS,
    # network: the person registry
    "network.Household.name": PEOPLE | AUDIT | PLATFORM_ADMIN,
    "network.Household.address": PEOPLE | AUDIT | PLATFORM_ADMIN,
    "network.Person.first_name": PEOPLE | AUDIT | PLATFORM_ADMIN | PERSON_CASE_TEAM | HOSTS_PERSON,
    "network.Person.last_name": PEOPLE | AUDIT | PLATFORM_ADMIN | PERSON_CASE_TEAM | HOSTS_PERSON,
    "network.Person.tax_code": PEOPLE | AUDIT | PLATFORM_ADMIN | PERSON_CASE_TEAM,
    "network.Person.email": PEOPLE | AUDIT | PLATFORM_ADMIN | PERSON_CASE_TEAM,
    "network.Person.phone": PEOPLE | AUDIT | PLATFORM_ADMIN | PERSON_CASE_TEAM,
    "network.Person.address": PEOPLE | AUDIT | PLATFORM_ADMIN | PERSON_CASE_TEAM,
    # Encrypted: health details land here; never in the audit, never in the admin.
    "network.Person.notes": PEOPLE | PERSON_CASE_TEAM,
    "network.Tie.note": in_reach(holds("network.view_ties")) | AUDIT | PERSON_CASE_TEAM,
    # needs: encrypted description and contacts; case-team needs for the case team only
    "needs.Need.description": NEED_READERS,
    "needs.Need.contact_name": NEED_READERS,
    "needs.Need.contact_email": NEED_READERS,
    "needs.Need.contact_phone": NEED_READERS,
    # The id a need has in another system (a case file number): with the need, and in the audit.
    "needs.Need.external_id": NEED_READERS | AUDIT,
    "needs.NeedEvent.note": NEED_READERS | AUDIT,
    # A survey's respondent (non-anonymous surveys): who manages surveys, through the export.
    "needs.SurveyResponse.contact_name": holds("needs.manage_surveys"),
    "needs.SurveyResponse.contact_email": holds("needs.manage_surveys"),
    # Written answers, and choices that are not among the question's options, are the respondent's words.
    "needs.Answer.value": holds("needs.view_needs"),
    # participation: a report's details are for the moderators only (never in the audit log).
    "participation.Report.details": holds("participation.moderate"),
    # The languages a person speaks may tell their origin: with the need only.
    "needs.Need.languages": NEED_READERS | AUDIT,
    # exchange: what someone offers, for the operators, its owner and the people it is proposed to; who they are
    # and how to reach them, for the operators only (and the file export of who manages offers).
    "exchange.Offer.title": OFFER_READERS | NEED_SIDE | AUDIT,
    "exchange.Offer.description": OFFER_READERS | NEED_SIDE | AUDIT,
    "exchange.Offer.accessibility_notes": OFFER_READERS | AUDIT,
    # The name who offers gave to be contacted: told to the need's side too once a match is under way.
    "exchange.Offer.contact_name": holds("exchange.view_offers") | OFFER_OWNER | NEED_SIDE,
    "exchange.Offer.contact_email": holds("exchange.view_offers"),
    "exchange.Offer.contact_phone": holds("exchange.view_offers"),
    "exchange.Offer.external_id": holds("exchange.manage_offers") | AUDIT,
    "exchange.OfferEvent.note": OFFER_READERS | AUDIT,
    # A match's notes and feedback: the operators who read the need, and the two sides (the notes of the history).
    "exchange.Match.feedback": MATCH_OPERATORS,
    "exchange.MatchEvent.note": MATCH_OPERATORS | OFFER_OWNER | NEED_SIDE | AUDIT,
    # exchange, time bank: what the hours were for, and the notes of each step: the transfer's sides and the
    # operators; a reversal's reason and the steps' notes are in the audit.
    "exchange.Transfer.reason": TIME_BANK_PARTIES | holds("exchange.view_time_bank") | AUDIT,
    "exchange.TransferEvent.note": TIME_BANK_PARTIES | holds("exchange.view_time_bank") | AUDIT,
    # exchange, shared spaces: who booked and why is for the booker, the operators and the space's managers.
    "exchange.Booking.title": BOOKING_READERS | PUBLIC_EVENT,
    "exchange.Booking.contact_name": BOOKING_READERS,
    "exchange.Booking.contact_phone": BOOKING_READERS,
    "exchange.BookingEvent.note": BOOKING_READERS,
    # activities: a minor's guardian, for the operators and the organisers of the activity (the enrolment list).
    "activities.Enrollment.guardian_name": holds("activities.view_enrollments"),
    "activities.Enrollment.guardian_email": holds("activities.view_enrollments"),
    "activities.Enrollment.guardian_phone": holds("activities.view_enrollments"),
    # What a volunteer did at a session: for who runs the activity (the session's volunteers page).
    "activities.VolunteerShift.role": holds("activities.manage_activities"),
    # pacts: every case field is the case team's (and the privacy officer's), never in the audit in clear
    "pacts.Case.summary": CASE_TEAM,
    "pacts.CaseEvent.note": CASE_TEAM,
    "pacts.Assessment.note": CASE_TEAM,
    "pacts.AssessmentScore.notes": CASE_TEAM,
    "pacts.AssessmentScore.evidence": CASE_TEAM,
    "pacts.PactEvent.note": CASE_TEAM,
    "pacts.PactVersion.summary": CASE_TEAM,
    "pacts.PactVersion.change_note": CASE_TEAM,
    "pacts.PactParty.name": CASE_TEAM,
    "pacts.Objective.text": CASE_TEAM,
    "pacts.ExpectedResult.indicator": CASE_TEAM,
    "pacts.ExpectedResult.target": CASE_TEAM,
    "pacts.Support.service": CASE_TEAM,
    "pacts.Support.frequency": CASE_TEAM,
    "pacts.BudgetLine.description": CASE_TEAM,
    "pacts.Commitment.what": CASE_TEAM,
    "pacts.Expense.description": CASE_TEAM,
    "pacts.Expense.decision_note": CASE_TEAM,
    # What a person did for the community: the team, and the host who confirms it (who never sees the pact).
    "pacts.GiveBackHours.description": CASE_TEAM | HOST,
    "pacts.Review.notes": CASE_TEAM,
    "pacts.ReviewItem.note": CASE_TEAM,
    # referrals: what a sentinel signalled is for the triage of its Comune (and the case team it became); the
    # reporter reads back their own words and the questions put to them, never the services' notes.
    "referrals.Referral.reporter_contact": TRIAGE | REPORTER,
    "referrals.Referral.subject": TRIAGE | REPORTER,
    "referrals.Referral.where": TRIAGE | REPORTER,
    "referrals.Referral.observed": TRIAGE | REPORTER,
    "referrals.Referral.consent_note": TRIAGE | REPORTER,
    "referrals.Referral.redirected_to": TRIAGE,
    "referrals.ReferralEvent.note": TRIAGE,
    "referrals.ReferralMessage.body": TRIAGE | REPORTER,
}

# "<app_label>.<Model>.<field>" -> why it holds no personal or case data.
NOT_PERSONAL: dict[str, str] = {
    "accounts.User.password": "a salted hash, shown to nobody",
    "accounts.User.first_name": "Django's, unused: no form or service of legami fills it (full_name is the name)",
    "accounts.User.last_name": "Django's, unused: no form or service of legami fills it (full_name is the name)",
    "accounts.Invitation.role": "a role's code",
    "accounts.Invitation.token_hash": "a hash of the link's secret",
    "accounts.PersonalAccessToken.token_hash": "a hash of the secret",
    "accounts.PersonalAccessToken.hint": "the secret's first characters, so its owner can tell tokens apart",
    "aggregation.AggregatedDemand.title": "made by the engine from an area, a target group and a place",
    "aggregation.AggregatedDemand.summary": "counts and words shared by two people, never the case team's "
    "(the needs' markers check what reaches it)",
    "aggregation.AggregatedDemand.reasons": "why the engine grouped: areas, places, time slots",
    "aggregation.AggregatedDemand.keywords": "words shared by two people, never the case team's "
    "(the needs' markers check what reaches it)",
    "aggregation.AggregatedDemand.time_windows": "weekly time slots",
    "aggregation.AggregatedDemand.answer": "how the partnership answered the demand",
    "aggregation.DemandEvent.note": "what a reviewer did to a demand (renamed, merged, answered)",
    "aggregation.NetworkVocabulary.data": "the network's concepts of services and the everyday words for them",
    "aggregation.LearnedEvidence.first": "1-3 dictionary words or vocabulary concepts used by at least half of the "
    "needs a reviewer grouped, never the case team's and never a rare word (engine/learning.py)",
    "aggregation.LearnedEvidence.second": "as first: the other side of the reviewer's action",
    "aggregation.SuggestionState.demands_stamp": "ids and revision numbers of the demands' data, no text",
    "participation.Process.title": "published by the operators on the process's public page",
    "participation.Process.summary": "published by the operators on the process's public page",
    "participation.Process.description": "published by the operators on the process's public page",
    "participation.Process.evidence": "a demand's figures, area and place, or the public needs map's suppressed ones",
    "participation.ProcessEvent.note": "what an operator did to a process (published, phase changed, closed)",
    "participation.Phase.name": "a phase of a process's public timeline",
    "participation.Phase.description": "a phase of a process's public timeline",
    "activities.Activity.title": "published by the organisers on the activity's public page and calendar",
    "activities.Activity.description": "published by the organisers on the activity's public page and calendar",
    "activities.Activity.weekdays": "the days of the week of the activity's public schedule",
    "activities.ActivityEvent.note": "what an organiser did to an activity (published, closed, why it was cancelled)",
    "activities.Session.note": "a session's public note: why it was moved or cancelled",
    "activities.EnrollmentEvent.note": "the service's own words (promoted from the waiting list, enrolled again)",
    "responses.Response.title": "published by the operators on the response's public accountability page",
    "responses.Response.summary": "published by the operators on the response's public accountability page",
    "responses.Response.description": "published by the operators on the response's public accountability page",
    "responses.ResponseEvent.note": "a step of a response's public timeline: a milestone, why it was cancelled",
    "responses.ResponsePartner.brings": "what a partner organisation brings to a response, published on its page",
    "responses.BudgetLine.description": "a line of a funded project's budget, public by source",
    "responses.Milestone.title": "a milestone of the response's public page",
    "responses.Milestone.description": "a milestone of the response's public page",
    "responses.CoProduction.description": "what a partner or citizens gave; citizens are counted, never named",
    "responses.GiveBackPlace.objective": "an offer of give-back places, no person: pacts take places later",
    "responses.GiveBackPlace.skills_sought": "an offer of give-back places, no person: pacts take places later",
    "responses.CoProgramming.title": "a co-programming round of the partnership, shown to its members",
    "responses.CoProgramming.analysis": "the public body's shared analysis of the territory's needs",
    "responses.CoProgramming.figures": "counts of needs and people by area, shown under the small-numbers rule",
    "responses.CoProgramming.priorities": "the priorities the partners agreed, in the outcome document",
    "responses.CoProgrammingEvent.note": "who signed off a round for the lead partner, and the coordinator's note",
    "responses.Contribution.title": "an organisation's contribution to a round (analysis, data, proposal)",
    "responses.Contribution.body": "an organisation's contribution to a round (analysis, data, proposal)",
    "responses.CoDesignCall.title": "a co-design call, published to the partnership",
    "responses.CoDesignCall.purpose": "a co-design call, published to the partnership",
    "responses.CoDesignCall.budget_notes": "a co-design call, published to the partnership",
    "responses.CoDesignCall.requirements": "a co-design call, published to the partnership",
    "responses.CoDesignCall.phases": "a co-design call, published to the partnership",
    "responses.CallEvent.note": "what the coordinator did to a call (opened, ranked, awarded)",
    "responses.Criterion.name": "an evaluation criterion of a call",
    "responses.Criterion.description": "an evaluation criterion of a call",
    "responses.Application.title": "an organisation's project proposal and the resources it brings",
    "responses.Application.proposal": "an organisation's project proposal and the resources it brings",
    "responses.Application.spaces": "an organisation's project proposal and the resources it brings",
    "responses.Application.exclusion_reason": "why the coordinator excluded an organisation's application",
    "responses.Score.reason": "an evaluator's reason about an organisation's application, never about a person",
    "core.AuditEvent.object_type": "a model's name",
    "core.AuditEvent.chain": "the key of the event's hash chain (a network's id)",
    "core.AuditEvent.salt": "random bytes of the content digest",
    "core.AuditEvent.content_digest": "a salted hash of the event's content",
    "core.AuditEvent.prev_hash": "a hash of the chain",
    "core.AuditEvent.entry_hash": "a hash of the chain",
    "core.AuditChain.key": "the key of a hash chain (a network's id)",
    "core.AuditChain.last_hash": "a hash of the chain",
    "core.AuditEvent.object_id": "a row's id",
    "core.Job.kind": "the job's kind",
    "core.Job.result": "counts and settings",
    "core.Job.task_result_id": "the task's id",
    "core.Processing.code": "the register of processings is the network's public statement",
    "core.Processing.name": "the register of processings is the network's public statement",
    "core.Processing.purpose": "the register of processings is the network's public statement",
    "core.Processing.retention": "the register of processings is the network's public statement",
    "core.UsedFormStamp.nonce": "a random value",
    "needs.NeedArea.code": "the network's taxonomy",
    "needs.NeedArea.name": "the network's taxonomy",
    "needs.NeedArea.description": "the network's taxonomy",
    "needs.Need.time_windows": "weekly time slots",
    "exchange.Offer.time_windows": "weekly time slots",
    "exchange.Offer.languages": "codes of the languages an offer can be given in, shown with it",
    "exchange.Match.explanation": "the engine's reasons: an area's name, a distance, shared hours and languages; "
    "never a person nor the need's words",
    "exchange.MatchingRun.filters": "the ids of the area and Comune a run was limited to",
    "needs.Survey.title": "the questionnaire, public through its link",
    "needs.Survey.description": "the questionnaire, public through its link",
    "needs.Survey.public_token": "the public link's code",
    "needs.Question.text": "the questionnaire, public through its link",
    "needs.Question.help_text": "the questionnaire, public through its link",
    "needs.Question.choices": "the questionnaire's options, public through its link",
    "needs.SurveyNeedRule.choice": "one of the question's options",
    "needs.SurveyNeedRule.description": "the text the rule gives the needs it records",
    "network.Network.name": "the partnership's public details",
    "network.Network.slug": "the partnership's public details",
    "network.Network.summary": "the partnership's public details",
    "network.Network.description": "the partnership's public details",
    "network.Network.contact_email": "the partnership's public details",
    "network.Network.website": "the partnership's public details",
    "network.Organization.name": "an organisation's public details",
    "network.Organization.tax_code": "an organisation's public details",
    "network.Organization.address": "an organisation's public details",
    "network.Organization.email": "an organisation's public details",
    "network.Organization.phone": "an organisation's public details",
    "network.Organization.website": "an organisation's public details",
    "network.Organization.description": "an organisation's public details",
    "network.Partnership.contribution": "what an organisation brings to the partnership",
    "participation.Meeting.title": "published by the operators on the meeting's public page",
    "participation.Meeting.agenda": "published by the operators on the meeting's public page",
    "participation.Meeting.online_url": "published by the operators on the meeting's public page (the link to join)",
    "participation.Meeting.minutes": "published by the operators on the meeting's public page; minutes name no one "
    "(the form's help text says so)",
    "participation.Meeting.outcomes": "published by the operators on the meeting's public page; they name no one "
    "(the form's help text says so)",
    "territory.Region.istat_code": "ISTAT's public list",
    "territory.Region.name": "ISTAT's public list",
    "territory.Province.istat_code": "ISTAT's public list",
    "territory.Province.name": "ISTAT's public list",
    "territory.Province.abbreviation": "ISTAT's public list",
    "territory.Municipality.istat_code": "ISTAT's public list",
    "territory.Municipality.cadastral_code": "ISTAT's public list",
    "territory.Municipality.name": "ISTAT's public list",
    "territory.SocialDistrict.name": "the network's territory",
    "territory.SocialDistrict.code": "the network's territory",
    "territory.Neighbourhood.name": "the network's territory",
    "territory.Neighbourhood.description": "the network's territory",
    "territory.Place.name": "a public place of the territory (a community house, a school)",
    "territory.Place.address": "a public place of the territory (a community house, a school)",
    "territory.Place.description": "a public place of the territory (a community house, a school)",
    # Proposals and comments are published by their authors under their name; a hidden one's words are read by
    # the moderators only (tested in legami/participation/tests/test_proposals_views.py).
    "participation.Proposal.title": "a proposal its author published (hidden ones: moderators only, tested apart)",
    "participation.Proposal.body": "a proposal its author published (hidden ones: moderators only, tested apart)",
    "participation.Proposal.answer": "the partnership's public answer to a proposal",
    "participation.Proposal.hidden_reason": "the moderators' public reason, shown in place of a hidden proposal",
    "participation.ProposalEvent.note": "a proposal's public history: its answer, withdrawal, moderators' reason",
    "participation.Comment.body": "a comment its author published (hidden ones: moderators only, tested apart)",
    "participation.Comment.hidden_reason": "the moderators' public reason, shown in place of a hidden comment",
    "exchange.Space.name": "a shared space of a public place, shown to the network's members",
    "exchange.Space.description": "a shared space of a public place, shown to the network's members",
    "exchange.Space.rules": "a shared space's rules of use, shown to the network's members",
    "exchange.Space.opening_hours": "weekly time slots",
    "exchange.Space.feed_token": "a random key of the space's calendar feed (shown to its managers only)",
    "exchange.BookingSeries.exceptions": "dates",
}

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, EncryptedTextField)


def project_text_fields() -> list[str]:
    """Every text-like field of the project's models ("<app>.<Model>.<field>"); a field with choices holds
    one of its codes, never free text, and is left out."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("legami.") or ".tests." in model.__module__:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, TEXT_FIELDS) and not model_field.choices:
                found.append(f"{model._meta.app_label}.{model.__name__}.{model_field.name}")
    return found


def test_every_text_field_is_declared():
    fields = project_text_fields()
    missing = sorted(set(fields) - set(FIELDS) - set(NOT_PERSONAL))
    assert not missing, (
        "Text fields the leak test does not know: add each to FIELDS in legami/core/tests/test_leaks.py with "
        "the rule of who may read it (and a marker in plant()), or to NOT_PERSONAL with the reason:\n  "
        + "\n  ".join(missing)
    )
    stale = sorted((set(FIELDS) | set(NOT_PERSONAL)) - set(fields))
    assert not stale, "Declared fields that no longer exist: remove them:\n  " + "\n  ".join(stale)
    assert not set(FIELDS) & set(NOT_PERSONAL), "A field is declared both personal and not personal."


# --------------------------------------------------------------------------------------- the planting


@dataclass
class Markers:
    """Each marker, with its field ("<app>.<Model>.<field>") and the object that holds it."""

    planted: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def new(self, key: str, obj: Any = None) -> str:
        # Letters only, so that no tokeniser splits it; one fixed length, so that none is another's prefix.
        n = len(self.planted)
        marker = "zqleak" + chr(97 + n // 26 // 26 % 26) + chr(97 + n // 26 % 26) + chr(97 + n % 26)
        self.planted[marker] = (key, obj)
        return marker

    def fill(self, obj: Any, key_prefix: str, names: list[str], save: bool = True) -> Any:
        """Put a new marker in each named field of `obj` (e-mails as addresses)."""
        for name in names:
            marker = self.new(f"{key_prefix}.{name}", obj)
            if "email" in name or name == "username":
                marker = f"{marker}@example.org"
            if name == "tax_code":
                marker = marker.upper()
            setattr(obj, name, marker)
        if save:
            obj.save()
        return obj


def plant(cast, objects: dict) -> tuple[Markers, dict[str, list]]:
    """Planted objects with a marker in every declared field; returns the markers and, per object key of the
    matrix, the planted objects its routes are also requested for."""
    from legami.aggregation.models import DemandItem
    from legami.needs.models import NeedEvent, PrivacyLevel, Question
    from legami.needs.tests.factories import AnswerFactory, NeedFactory, QuestionFactory, SurveyResponseFactory

    m = Markers()
    network = cast.network
    cremona, crema = cast.municipalities
    people_keys = ["first_name", "last_name", "tax_code", "email", "phone", "address", "notes"]
    household = m.fill(
        f.HouseholdFactory(network=network, municipality=cremona), "network.Household", ["name", "address"]
    )
    person = m.fill(
        f.PersonFactory(network=network, municipality=cremona, household=household), "network.Person", people_keys
    )
    # A person in a case team: her needs are the case team's.
    case_person = m.fill(f.PersonFactory(network=network, municipality=cremona), "network.Person", people_keys)
    # Someone in the other district: the district-limited case manager must not read her.
    far_person = m.fill(f.PersonFactory(network=network, municipality=crema), "network.Person", people_keys)
    processing = f.ProcessingFactory(network=network, legal_basis="consent")
    m.fill(f.ConsentFactory(person=person, processing=processing), "core.Consent", ["source"])
    tie = m.fill(
        f.TieFactory(network=network, source_person=person, target_person=case_person), "network.Tie", ["note"]
    )
    need_keys = ["description", "contact_name", "contact_email", "contact_phone", "external_id"]
    area = objects["needs_need"].area
    needs = []
    for who, privacy, comune in (
        (person, PrivacyLevel.NETWORK, cremona),
        (case_person, PrivacyLevel.CASE_TEAM, cremona),
        (case_person, PrivacyLevel.CASE_TEAM, cremona),
        (far_person, PrivacyLevel.NETWORK, crema),
    ):
        need = m.fill(
            NeedFactory(network=network, area=area, municipality=comune, person=who, privacy_level=privacy),
            "needs.Need",
            need_keys,
        )
        event = NeedEvent(need=need, from_status="new", to_status="reading", actor=cast.coordinator)
        m.fill(event, "needs.NeedEvent", ["note"])
        needs.append(need)
    # The case team's needs inside a demand every member may read.
    demand = objects["aggregation_demand"]
    for need in needs[:3]:
        DemandItem.objects.create(demand=demand, need=need, similarity=0.5)
    # A survey that asks for a name, with a written answer and a choice that is not among the options.
    survey = objects["survey_survey"]
    survey.anonymous = False
    survey.save()
    text = QuestionFactory(survey=survey, kind=Question.Kind.TEXT, choices=[], text="Che cosa le serve?")
    choice = survey.questions.get(kind=Question.Kind.SINGLE_CHOICE)
    comune = survey.questions.get(kind=Question.Kind.MUNICIPALITY)
    for _i in range(5):  # enough answers for every figure to be shown
        AnswerFactory(response=SurveyResponseFactory(survey=survey), question=choice, value="Sì")
    response = m.fill(SurveyResponseFactory(survey=survey), "needs.SurveyResponse", ["contact_name", "contact_email"])
    for question in (text, choice, comune):
        m.fill(AnswerFactory.build(response=response, question=question), "needs.Answer", ["value"])
    # A member, a pending invitation, a token and an import job with personal data in them.
    member = m.fill(f.UserFactory(), "accounts.User", ["email", "username", "full_name"])
    f.MembershipFactory(network=network, user=member, role=Role.CITIZEN)
    # A member of the lead partner who signed off a closed co-programming round: its outcome names them to those
    # who read rounds, and nowhere else (the organisation's page, the response pages, the API).
    from legami.responses.models import CoProgrammingStatus
    from legami.responses.tests.factories_codesign import RoundFactory

    signer = m.fill(f.UserFactory(), "accounts.User", ["full_name"])
    f.MembershipFactory(network=network, user=signer, role=Role.PARTNER_STAFF, organization=cast.organization)
    # They are also the named manager of the matrix's space: its page names them to who sees the members only.
    objects["exchange_space"].manager = signer
    objects["exchange_space"].save(update_fields=["manager"])
    signed_round = RoundFactory(
        network=network,
        public_body=objects["codesign_round"].public_body,
        lead=cast.organization,
        status=CoProgrammingStatus.CLOSED,
        priorities="Spazi per i giovani.",
        signed_off_by=signer,
        signed_off_at=timezone.now(),
    )
    _raw, token_hash = Invitation.new_token()
    invitation = Invitation(
        network=network,
        role=Role.CITIZEN,
        token_hash=token_hash,
        invited_by=cast.coordinator,
        expires_at=timezone.now() + timedelta(days=14),
    )
    m.fill(invitation, "accounts.Invitation", ["email", "full_name"])
    _raw, token_hash, hint = PersonalAccessToken.new_token()
    token = PersonalAccessToken(user=cast.case_manager, token_hash=token_hash, hint=hint)
    m.fill(token, "accounts.PersonalAccessToken", ["name"])
    job = Job(network=network, kind="people_import", actor=cast.coordinator, status=Job.Status.FAILED)
    job.original_name = m.new("core.Job.original_name", job) + ".csv"
    job.errors = [{"row": 2, "column": "nome", "message": m.new("core.Job.errors", job)}]
    job.result = {"error_count": 1}
    job.save()
    # An audit event whose snapshot holds personal data (the privacy officer's and coordinator's to read).
    event = audit_event(
        actor=cast.coordinator,
        action=AuditEvent.Action.UPDATE,
        obj=person,
        before={"first_name": "x"},
        after={"first_name": "y"},
    )
    m.fill(event, "core.AuditEvent", ["actor_label", "object_repr", "note"], save=False)
    event.before = {"first_name": m.new("core.AuditEvent.before", event)}
    event.after = {"first_name": m.new("core.AuditEvent.after", event)}
    append([event])
    # A report on the participation matrix's proposal: its details are the moderators' to read.
    from legami.participation.models import Report, ReportReason

    report = Report(network=network, proposal=objects["proposals_proposal"], reporter=member, reason=ReportReason.OTHER)
    m.fill(report, "participation.Report", ["details"])
    # An offer a citizen posted, proposed to the need of a person who logs in; a match with feedback and notes.
    from legami.exchange.models import MatchEvent, OfferEvent
    from legami.exchange.tests.factories_offers import OfferFactory, proposed

    offer_keys = ["title", "description", "accessibility_notes", "contact_name", "contact_email", "contact_phone"]
    offer = OfferFactory.build(network=network, municipality=cremona, submitted_by=cast.citizen)
    m.fill(offer, "exchange.Offer", [*offer_keys, "external_id"])
    offer.areas.set([area])
    m.fill(OfferEvent(offer=offer, to_status="open", actor=cast.coordinator), "exchange.OfferEvent", ["note"])
    helped = f.PersonFactory(network=network, municipality=cremona, user=member)
    matched_need = NeedFactory(network=network, area=area, municipality=cremona, person=helped)
    match = proposed(cast, matched_need, offer)
    match.status = "completed"  # its feedback is shown once it has ended
    m.fill(match, "exchange.Match", ["feedback"])
    m.fill(MatchEvent(match=match, to_status="proposed", actor=cast.coordinator), "exchange.MatchEvent", ["note"])
    matched_need.languages = [m.new("needs.Need.languages", matched_need)]
    matched_need.save()
    needs.append(matched_need)
    # A time bank transfer between the citizen and the partner's organisation, confirmed with a note.
    from legami.exchange.services.timebank import confirm_transfer, propose_with
    from legami.exchange.tests.factories_timebank import citizen_account, organization_account

    time_transfer = propose_with(
        actor=cast.citizen,
        network=network,
        account=citizen_account(cast),
        counterpart=organization_account(cast),
        minutes=30,
        gives=True,
        reason="-",
    )
    m.fill(time_transfer, "exchange.Transfer", ["reason"])
    confirm_transfer(
        actor=cast.partner_staff, transfer=time_transfer, note=m.new("exchange.TransferEvent.note", time_transfer)
    )
    # Bookings: the citizen's on the matrix's space (its managers are the cast's organisation), a coordinator's on
    # a space of another organisation (partner staff must not read it), and a public event's title.
    from legami.exchange.models import BookingEvent, BookingStatus
    from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory, at, next_weekday

    elsewhere = SpaceFactory(network=network, place__municipality=cremona)
    booking_keys = ["title", "contact_name", "contact_phone"]
    bookings = [
        m.fill(
            # Another hour than the matrix's booking of the same space (PostgreSQL refuses an overlap).
            BookingFactory(
                space=objects["exchange_space"],
                booked_by=cast.citizen,
                status=BookingStatus.REQUESTED,
                starts_at=at(next_weekday(3), 10),
            ),
            "exchange.Booking",
            booking_keys,
        ),
        m.fill(BookingFactory(space=elsewhere, booked_by=cast.coordinator), "exchange.Booking", booking_keys),
    ]
    for booking in bookings:
        m.fill(
            BookingEvent(booking=booking, from_status="", to_status=booking.status, actor=booking.booked_by),
            "exchange.BookingEvent",
            ["note"],
        )
    # An activity in the matrix's space whose first Thursday is the citizen's booking: its page names what is in
    # the way (the booking's purpose) only to who may read the booking.
    from legami.activities.services.activities import create_activity, publish_activity

    thursday = next_weekday(3)
    spaced = create_activity(
        actor=cast.coordinator,
        network=network,
        data={
            "title": "Laboratorio (matrice)",
            "kind": "cultural",
            "organizer": cast.organization,
            "place": objects["exchange_space"].place,
            "space": objects["exchange_space"],
            "capacity": 10,
            "weekdays": [3],
            "start_time": "10:30",
            "end_time": "11:30",
            "first_day": thursday,
            "last_day": thursday + datetime.timedelta(days=7),
        },
    )
    publish_activity(actor=cast.coordinator, activity=spaced)
    # A child's guardian on the matrix activity's enrolment list, and a volunteer's task at its session.
    from legami.activities.tests.factories import EnrollmentFactory, VolunteerShiftFactory

    minor = f.PersonFactory(network=network, municipality=cremona)
    guardian_keys = ["guardian_name", "guardian_email", "guardian_phone"]
    m.fill(
        EnrollmentFactory.build(activity=objects["activities_activity"], person=minor),
        "activities.Enrollment",
        guardian_keys,
    )
    helper = f.PersonFactory(network=network, municipality=cremona)
    m.fill(
        VolunteerShiftFactory.build(session=objects["activities_session"], person=helper),
        "activities.VolunteerShift",
        ["role"],
    )
    cases, pacts, referrals = _plant_cases(m, cast, case_person, far_person)
    alternatives = {
        "exchange_offer": [offer],
        "exchange_match": [match],
        "timebank_transfer": [time_transfer],
        "exchange_booking": bookings,
        "person": [person, case_person, far_person],
        "household": [household],
        "tie": [tie],
        "needs_need": needs,
        "job": [job],
        "token": [token],
        "codesign_round": [signed_round],
        "activities_activity": [spaced],
        **cases,
        **pacts,
        **referrals,
    }
    return m, alternatives


def _plant_cases(m: Markers, cast, case_person, far_person) -> tuple[dict, dict, dict]:
    """Referrals (in the cast's district and in the other); a case of the case person that came from one (its team:
    the case manager and partner staff) and a case whose team is the case manager alone, each with an assessment,
    an active pact (all its content marked), an expense, give-back hours hosted by the cast's organisation and a
    review."""
    from legami.pacts.models import (
        Assessment,
        AssessmentScore,
        CaseEvent,
        ExpectedResult,
        Expense,
        GiveBackHours,
        GiveBackSource,
        ItemRating,
        PactEvent,
        PactParty,
        PartyKind,
        Review,
        ReviewItem,
    )
    from legami.pacts.tests.factories import open_case, signed_pact
    from legami.referrals.models import ReferralEvent, ReferralMessage
    from legami.referrals.tests.factories import ReferralFactory, in_cremona

    referral_keys = ["reporter_contact", "subject", "where", "observed", "consent_note", "redirected_to"]
    taken = m.fill(in_cremona(cast, status="accepted"), "referrals.Referral", referral_keys)
    waiting = m.fill(in_cremona(cast, status="info_requested"), "referrals.Referral", referral_keys)
    far = m.fill(
        ReferralFactory(network=cast.network, municipality=cast.municipalities[1], reporter=cast.sentinel),
        "referrals.Referral",
        referral_keys,
    )
    for referral in (taken, waiting, far):
        m.fill(
            ReferralEvent(referral=referral, from_status="new", to_status="assigned", actor=cast.coordinator),
            "referrals.ReferralEvent",
            ["note"],
        )
        for from_reporter in (False, True):
            m.fill(
                ReferralMessage(
                    network=cast.network, referral=referral, author=cast.coordinator, from_reporter=from_reporter
                ),
                "referrals.ReferralMessage",
                ["body"],
            )
    case = m.fill(open_case(cast, person=case_person, referral=taken), "pacts.Case", ["summary"])
    alone = m.fill(open_case(cast, person=far_person, members=()), "pacts.Case", ["summary"])
    found_cases, found_pacts = [case, alone], []
    for each in found_cases:
        m.fill(
            CaseEvent(case=each, from_status="", to_status="open", actor=cast.case_manager), "pacts.CaseEvent", ["note"]
        )
        assessment = m.fill(
            Assessment(network=cast.network, case=each, kind="baseline", assessed_on=each.opened_on),
            "pacts.Assessment",
            ["note"],
        )
        m.fill(
            AssessmentScore(assessment=assessment, domain="housing", score=2),
            "pacts.AssessmentScore",
            ["notes", "evidence"],
        )
        pact = signed_pact(each)
        found_pacts.append(pact)
        version = pact.current_version
        m.fill(version, "pacts.PactVersion", ["summary", "change_note"])
        m.fill(PactParty(version=version, kind=PartyKind.FAMILY), "pacts.PactParty", ["name"])
        objective = m.fill(version.objectives.get(), "pacts.Objective", ["text"])
        m.fill(ExpectedResult.objects.get(objective=objective), "pacts.ExpectedResult", ["indicator", "target"])
        m.fill(version.supports.get(), "pacts.Support", ["service", "frequency"])
        line = m.fill(version.budget_lines.get(), "pacts.BudgetLine", ["description"])
        commitment = m.fill(version.commitments.get(is_give_back=True), "pacts.Commitment", ["what"])
        m.fill(
            PactEvent(pact=pact, from_status="", to_status="draft", actor=cast.case_manager),
            "pacts.PactEvent",
            ["note"],
        )
        m.fill(
            Expense(
                network=cast.network,
                pact=pact,
                line_key=line.key,
                amount="50.00",
                spent_on=version.starts_on,
                status="awaiting_approval",
                recorded_by=cast.case_manager,
            ),
            "pacts.Expense",
            ["description", "decision_note"],
        )
        m.fill(
            GiveBackHours(
                network=cast.network,
                pact=pact,
                commitment_key=commitment.key,
                done_on=version.starts_on,
                minutes=120,
                source=GiveBackSource.OTHER,
                host=cast.organization,
                logged_by=cast.case_manager,
            ),
            "pacts.GiveBackHours",
            ["description"],
        )
        review = m.fill(
            Review(network=cast.network, pact=pact, version=version, due_on=pact.next_review_on),
            "pacts.Review",
            ["notes"],
        )
        m.fill(
            ReviewItem(review=review, kind="commitment", item_key=commitment.key, rating=ItemRating.PARTLY),
            "pacts.ReviewItem",
            ["note"],
        )
    cases = {"pacts_case": found_cases}
    pacts = {"pacts_pact": found_pacts, "pacts_signed_pact": found_pacts}
    referrals = {"referrals_referral": [taken, waiting, far]}
    return cases, pacts, referrals


# ------------------------------------------------------------------------------------------ the reading


def readers(cast) -> dict[str, Reader]:
    """Each persona as a reader: its roles in the cast's network and the Comuni it reaches."""
    from legami.territory.models import NetworkMunicipality

    reach = frozenset(
        NetworkMunicipality.objects.filter(district=cast.district).values_list("municipality_id", flat=True)
    )
    found = {}
    for persona in PERSONAS:
        user = getattr(cast, persona)
        found[persona] = Reader(
            name=persona,
            roles=frozenset(PERSONA_ROLES[persona]),
            superuser=bool(user and user.is_superuser),
            email=user.email if user else "",
            user_id=user.pk if user else None,
            comuni=reach if persona == "district_case_manager" else None,
        )
    return found


def body_text(response) -> str:
    """The whole answer as lower-case text: pages, JSON and CSV as they are, XLSX unpacked."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", errors="replace").lower()


@dataclass
class Check:
    markers: Markers
    leaks: list[str] = field(default_factory=list)
    seen_by_allowed: set[str] = field(default_factory=set)
    responses: int = 0
    ok_pages: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def read(self, reader: Reader, text: str, where: str) -> None:
        """Every marker in `text` must be readable by `reader`."""
        if "zqleak" not in text:
            return
        for marker, (key, obj) in self.markers.planted.items():
            if marker not in text:
                continue
            if FIELDS[key].check(reader, obj) or _subjects_own_export(reader, obj, where):
                self.seen_by_allowed.add(marker)
            else:
                self.leaks.append(
                    f"{marker} ({key} of {type(obj).__name__} #{obj.pk}) reached {reader.name} at {where}"
                )

    def response(self, reader: Reader, response, where: str) -> None:
        self.responses += 1
        if response.status_code == 200:
            self.ok_pages[reader.name] += 1
        self.read(reader, body_text(response), where)


SUBJECT_EXPORT = re.compile(r"/people/(\d+)/data-export/")


def _person_id_of(obj: Any) -> int | None:
    if type(obj).__name__ == "Person":
        return obj.pk
    for holder in (obj, getattr(obj, "need", None)):
        if getattr(holder, "person_id", None) is not None:
            return holder.person_id
    return None


def _subjects_own_export(reader: Reader, obj: Any, where: str) -> bool:
    """A data subject's export (GDPR Art. 15 and 20) holds everything about that one person, case-team needs
    included: the privacy officer who answers the request reads it all, and nothing about anyone else."""
    match = SUBJECT_EXPORT.search(where)
    return (
        match is not None
        and bool(reader.roles & CAPABILITIES["network.export_person_data"])
        and _person_id_of(obj) == int(match.group(1))
    )


def _login(client: Client, user) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


EXPORT_FORMATS = ("csv", "xlsx")


def _route_urls(cast, objects: dict, alternatives: dict) -> list[str]:
    urls = []
    for name, row in sorted(ROUTES.items()):
        variants = [objects]
        for other in alternatives.get(row.obj or "", []):
            variants.append({**objects, row.obj: other})
        for variant in variants:
            url = _url(name, row, cast, variant)
            urls.append(url)
            if name.endswith("_export"):
                urls += [f"{url}?format={fmt}" for fmt in EXPORT_FORMATS]
            if name == "needs:survey_results":
                for question in variant["survey_survey"].questions.all():
                    urls.append(f"{url}?question={question.pk}")
    return urls


def _api_urls(cast, objects: dict, alternatives: dict) -> list[str]:
    """Every GET of the API, its {slug} and {id} filled with the network and each planted object."""
    from legami.api.v1 import api

    ids = {
        "people": [objects["person"], *alternatives["person"]],
        "needs": [objects["needs_need"], *alternatives["needs_need"]],
        "organizations": [cast.organization],
        "processes": [objects[key] for key in ("participation_process", "participation_draft", "participation_closed")],
        "meetings": [objects["meetings_meeting"]],
        "proposals": [objects["proposals_proposal"]],
        "calls": [objects[key] for key in ("codesign_call", "codesign_draft", "codesign_ranked")],
        "applications": [objects[key] for key in ("codesign_application", "codesign_scored")],
        "responses": [objects[key] for key in ("responses_response", "codesign_response")],
        "accounts": [objects["timebank_account"]],
        "transfers": [objects["timebank_transfer"], *alternatives["timebank_transfer"]],
        "spaces": [objects["exchange_space"], objects["exchange_public_space"]],
        "bookings": [objects["exchange_booking"], *alternatives["exchange_booking"]],
        "activities": [objects["activities_activity"], *alternatives["activities_activity"]],
        "offers": [objects["exchange_offer"], *alternatives["exchange_offer"]],
        "matches": [objects["exchange_match"], *alternatives["exchange_match"]],
        # matching/jobs/{id}/: a run of the engine queued as a job (counts only)
        "jobs": [objects["exchange_matching_job"]],
        # cases and pacts of the case person (her team: the case manager and partner staff) and of the case
        # manager's alone; referrals in the cast's district and in the other, the sentinel's (mine/{id}/)
        "cases": alternatives["pacts_case"],
        "pacts": alternatives["pacts_pact"],
        "referrals": alternatives["referrals_referral"],
        "mine": alternatives["referrals_referral"],
    }
    urls = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        path = path.replace("{slug}", cast.network.slug).replace("{number}", "1")
        if "{id}" in path:
            kind = path.split("/{id}")[0].rsplit("/", 1)[-1]
            urls += [path.replace("{id}", str(obj.pk)) for obj in ids[kind]]
        else:
            urls.append(path)
    return urls


def _admin_urls(objects: list) -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        for obj in objects:
            if isinstance(obj, model):
                urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
    return urls


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()} {record.exc_text or ''}")


@pytest.fixture
def every_log_line():
    """Every log line of every logger, at DEBUG, whatever the loggers' own levels and propagation."""
    handler = _Everything()
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in list(logging.root.manager.loggerDict))]
    saved = [(logger, logger.level) for logger in loggers]
    # The loggers' own handlers (the console) keep their usual level: the DEBUG lines are for this check only.
    others = {h: h.level for logger in loggers for h in logger.handlers}
    for other in others:
        other.setLevel(max(other.level, logging.WARNING))
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    yield handler
    for logger, level in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)
    for other, level in others.items():
        other.setLevel(level)


def test_no_marker_reaches_anyone_who_may_not_read_it(
    cast, every_log_line, settings, django_capture_on_commit_callbacks
):
    settings.LEGAMI_API_REQUESTS_PER_MINUTE = 100_000
    objects = _objects(cast)
    markers, alternatives = plant(cast, objects)
    check = Check(markers)
    cast_readers = readers(cast)
    client = Client(raise_request_exception=False)
    # An invitation through the page, whose invitee's name is a marker: its e-mail is read by the invitee.
    _login(client, cast.coordinator)
    name = markers.new("accounts.Invitation.full_name", None)
    address = f"{markers.new('accounts.Invitation.email', None)}@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("network:member_invite", args=[cast.network.slug]),
            {"email": address, "full_name": name, "role": Role.CITIZEN},
        )
    assert response.status_code in (200, 302), response.status_code
    invitation = Invitation.objects.get(email=address)
    for key, marker in (("accounts.Invitation.full_name", name), ("accounts.Invitation.email", address.split("@")[0])):
        markers.planted[marker] = (key, invitation)
    routes = _route_urls(cast, objects, alternatives)
    for persona in PERSONAS:
        reader = cast_readers[persona]
        _login(client, getattr(cast, persona))
        for url in routes:
            check.response(reader, client.get(url), url)
    # The API, with each persona's own token.
    api_urls = _api_urls(cast, objects, alternatives)
    for persona in PERSONAS:
        user = getattr(cast, persona)
        if user is None:
            continue
        raw, token_hash, hint = PersonalAccessToken.new_token()
        PersonalAccessToken.objects.create(user=user, name="leak test", token_hash=token_hash, hint=hint)
        api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
        for url in api_urls:
            check.response(cast_readers[persona], api.get(url), url)
    # The admin site, as the platform admin.
    _login(client, cast.platform_admin)
    planted = {id(obj): obj for _key, obj in markers.planted.values()}
    for url in _admin_urls(list(planted.values())):
        check.response(cast_readers["platform_admin"], client.get(url), url)
    assert mail.outbox, "No e-mail was sent: the e-mails cannot be checked."
    for message in mail.outbox:
        for recipient in message.recipients():
            reader = next(
                (r for r in cast_readers.values() if r.email == recipient), Reader(recipient, email=recipient)
            )
            text = f"{message.subject}\n{message.body}\n" + "".join(str(a[0]) for a in message.alternatives)
            check.read(reader, text.lower(), f"e-mail {message.subject!r}")
    # The log: read by whoever runs the server, who holds no role: no marker at all.
    server = Reader("the server's log")
    for line in every_log_line.lines:
        check.read(server, line.lower(), f"the log ({line.split(':', 1)[0]})")

    assert not check.leaks, f"{len(check.leaks)} leaks:\n" + "\n".join(sorted(set(check.leaks)))
    # Guards: the test looked at enough to mean something.
    assert check.responses >= 1000, check.responses
    members = [p for p in PERSONAS if PERSONA_ROLES[p]]
    thin = {p: check.ok_pages[p] for p in members if check.ok_pages[p] < 20}
    assert not thin, f"Members with fewer than 20 pages read: {thin}"
    unseen = sorted(
        f"{marker} ({key})" for marker, (key, _o) in markers.planted.items() if marker not in check.seen_by_allowed
    )
    assert not unseen, "Markers no allowed reader ever saw (planted where no page shows them?):\n" + "\n".join(unseen)
    assert set(key for key, _o in markers.planted.values()) == set(FIELDS), "A declared field has no marker."
    print(f"leak test: {check.responses} responses, {len(mail.outbox)} e-mails, {len(every_log_line.lines)} log lines")


def test_the_check_finds_a_marker_in_a_workbook_and_names_who_got_it(cast):
    """The search itself: a marker inside an XLSX export, read by a funder who may not read it, is a leak."""
    from legami.core.exports import export_response

    markers = Markers()
    person = f.PersonFactory(network=cast.network)
    marker = markers.new("network.Person.notes", person)
    response = export_response(rows=[["x", marker.upper()]], header=["a", "b"], filename="t", fmt="xlsx")
    check = Check(markers)
    funder = readers(cast)["funder"]
    check.response(funder, response, "/export.xlsx")
    assert check.leaks == [f"{marker} (network.Person.notes of Person #{person.pk}) reached funder at /export.xlsx"]
    check.read(readers(cast)["coordinator"], marker, "/page")
    assert check.seen_by_allowed == {marker}
