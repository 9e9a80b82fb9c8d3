"""What participation holds about a person of the registry who has an account: the meetings they registered
for (and whether they came), the proposals and comments they wrote, the supports they gave and the reports they
filed. A person without an account has none of these.

Anonymisation detaches the person's name from what they published (a proposal or a comment stays, by
"a participant", so the process keeps its history and its counts), empties the details of their reports and
keeps their registrations as counted attendance, no longer linked to the person. Registered in
legami.core.personal_data from ParticipationConfig.ready().
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max

from legami.core.personal_data import AuditObjects, Rows, Section, register, row_of
from legami.participation.models import Comment, Proposal, Registration, Report, Support


def _user_id(person: Any) -> int | None:
    return person.user_id


def _meeting_rows(person: Any) -> Rows:
    user_id = _user_id(person)
    if user_id is None:
        return []
    registrations = (
        Registration.objects.filter(user_id=user_id, meeting__network_id=person.network_id)
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    )
    return [
        {**row_of(r), "meeting_title": r.meeting.title, "meeting_starts_at": r.meeting.starts_at.isoformat()}
        for r in registrations
    ]


def _contribution_rows(person: Any) -> Rows:
    user_id = _user_id(person)
    if user_id is None:
        return []
    network_id = person.network_id
    rows: Rows = []
    for proposal in Proposal.objects.filter(author_id=user_id, network_id=network_id).order_by("pk"):
        rows.append({"kind": "proposal", **row_of(proposal)})
    for comment in Comment.objects.filter(author_id=user_id, proposal__network_id=network_id).order_by("pk"):
        rows.append({"kind": "comment", **row_of(comment)})
    for support in Support.objects.filter(user_id=user_id, proposal__network_id=network_id).order_by("pk"):
        rows.append({"kind": "support", **row_of(support)})
    for report in Report.objects.filter(reporter_id=user_id, network_id=network_id).order_by("pk"):
        rows.append({"kind": "report", **row_of(report)})
    return rows


def _anonymise(person: Any) -> None:
    user_id = _user_id(person)
    if user_id is None:
        return
    network_id = person.network_id
    Proposal.objects.filter(author_id=user_id, network_id=network_id).update(author=None)
    Comment.objects.filter(author_id=user_id, proposal__network_id=network_id).update(author=None)
    Report.objects.filter(reporter_id=user_id, network_id=network_id).update(details="")


def _last_activity(person_ids: list[int]) -> dict[int, datetime.datetime]:
    from legami.network.models import Person

    users = dict(Person.objects.filter(pk__in=person_ids, user__isnull=False).values_list("user_id", "pk"))
    if not users:
        return {}
    latest: dict[int, datetime.datetime] = {}
    for model, field in ((Registration, "user_id"), (Proposal, "author_id"), (Comment, "author_id")):
        found = model.objects.filter(**{f"{field}__in": list(users)}).values(field).annotate(m=Max("updated_at"))
        for row in found:
            person_id = users[row[field]]
            if person_id not in latest or row["m"] > latest[person_id]:
                latest[person_id] = row["m"]
    return latest


def _audit(person: Any) -> AuditObjects:
    user_id = _user_id(person)
    if user_id is None:
        return []
    return [
        (Registration._meta.label_lower, Registration.objects.filter(user_id=user_id).values_list("pk", flat=True)),
        (Proposal._meta.label_lower, Proposal.objects.filter(author_id=user_id).values_list("pk", flat=True)),
        (Comment._meta.label_lower, Comment.objects.filter(author_id=user_id).values_list("pk", flat=True)),
    ]


SECTIONS = (
    Section("participation_meetings", _meeting_rows, audit_objects=_audit, last_activity=_last_activity, order=70),
    Section("participation_contributions", _contribution_rows, anonymise=_anonymise, order=75),
)


def register_personal_data() -> None:
    """Declare participation's sections (called from ParticipationConfig.ready())."""
    register(*SECTIONS)
