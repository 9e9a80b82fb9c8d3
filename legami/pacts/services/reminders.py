"""Reminders to the case teams, by e-mail: a review coming within a week, a commitment overdue. Run daily for every
network (`manage.py send_pact_reminders`, the task `legami.pacts.tasks.send_pact_reminders_task`).

Each reminder is a `Reminder` row, unique per (pact, kind, key, due day): it is written before its e-mails go (on
commit), so a second run the same day, or two at once, sends nothing more. The e-mail holds no case data: the
pact's number, what is due and when, and a link to the pact; never the person's name or the pact's content (the
team reads those on legami, after logging in). Each member gets it in their own language.

What "overdue" means is the desk's (`legami.pacts.selectors.desk.overdue_commitments`). A commitment past its date
is reminded once (its due day); a give-back commitment behind on its hours has no due day, so it is reminded at
most once a month (the first day of the month stands for its due day) while it stays behind.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from legami.accounts.models import User
from legami.core.audit import record_event
from legami.core.models import AuditEvent, DataClass
from legami.pacts.models import CaseMember, CaseStatus, Pact, Reminder, ReminderKind
from legami.pacts.selectors.desk import LIVE, overdue_commitments
from legami.pacts.services.common import legal_basis_holds

logger = logging.getLogger(__name__)

# A review is reminded when it falls within this many days (today included).
REVIEW_WITHIN_DAYS = 7
# Reviews have no key: the nil UUID stands for "the pact's next review" (a NULL would not be unique).
REVIEW_KEY = uuid.UUID(int=0)


@dataclass(frozen=True)
class Due:
    """Something to remind a pact's team of."""

    pact_id: int
    kind: str
    about: uuid.UUID
    due_on: datetime.date
    behind: bool = False


def due_reminders(today: datetime.date) -> list[Due]:
    """What is due for a reminder today, in every network: the reviews of the pacts in force within a week (today
    included) and the overdue commitments, of open cases whose legal basis holds (once the person's consent is
    withdrawn, nothing is done on the case but closing it: no reminder either)."""
    pacts = Pact.objects.filter(legal_basis_holds("case__"), case__status=CaseStatus.OPEN)
    reviews = pacts.filter(
        status__in=LIVE,
        next_review_on__gte=today,
        next_review_on__lte=today + datetime.timedelta(days=REVIEW_WITHIN_DAYS),
    ).order_by("next_review_on", "pk")
    due = [
        Due(pk, ReminderKind.REVIEW_DUE, REVIEW_KEY, cast(datetime.date, day))
        for pk, day in reviews.values_list("pk", "next_review_on")
    ]
    month = today.replace(day=1)
    # `behind` is an annotation of the queryset, which the django-stubs plugin does not see.
    overdue = overdue_commitments(pacts, today).values_list("version__pact_id", "key", "due_on", "behind")  # type: ignore[misc]
    for pact_id, key, due_on, behind in overdue:
        day = month if behind or due_on is None else due_on
        due.append(Due(pact_id, ReminderKind.COMMITMENT_OVERDUE, key, day, bool(behind)))
    return due


def pact_link(pact: Pact) -> str:
    """The pact's page (the desk while the pact's page is not there), under LEGAMI_BASE_URL."""
    slug = pact.network.slug
    try:
        path = reverse("pacts:pact", args=[slug, pact.pk])
    except NoReverseMatch:
        path = reverse("pacts:desk", args=[slug])
    return settings.LEGAMI_BASE_URL.rstrip("/") + path


def reminder_text(pact: Pact, due: Due) -> str:
    """The reminder's one line, in the active language: the pact's number, what, and the day; no case data."""
    params = {"number": pact.pk, "day": date_format(due.due_on, "j E")}
    if due.kind == ReminderKind.REVIEW_DUE:
        return _("Pact no. %(number)s: review due on %(day)s") % params
    if due.behind:
        return _("Pact no. %(number)s: the give-back hours are behind what was agreed") % params
    return _("Pact no. %(number)s: a commitment was due on %(day)s") % params


def _messages(pact: Pact, due: Due, users: Sequence[Any]) -> list[EmailMessage]:
    messages = []
    link = pact_link(pact)
    for user in users:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            line = reminder_text(pact, due)
            body = "\n\n".join(
                [
                    line,
                    _("Open the pact on legami to see it (after logging in):") + "\n" + link,
                    _("This e-mail holds no details of the case on purpose: only the case team reads them, on legami."),
                    "legami",
                ]
            )
        messages.append(EmailMessage(line, body, None, [user.email]))
    return messages


def _mail(pact_id: int, due: Due, user_ids: Sequence[int]) -> int:
    """Send the reminder to `user_ids` (after the commit); a failing mail server is logged, never raised."""
    try:
        pact = Pact.objects.select_related("network").get(pk=pact_id)
        users = User.objects.filter(pk__in=list(user_ids), is_active=True).exclude(email="").order_by("pk")
        messages = _messages(pact, due, list(users))
        return (get_connection().send_messages(messages) or 0) if messages else 0
    except Exception:  # noqa: BLE001 - any failure of the mail server; the reminder stays recorded
        logger.exception("pact reminders: the e-mails of pact %s (%s) could not be sent", pact_id, due.kind)
        return 0


def _remind(due: Due) -> int | None:
    """Record the reminder and send its e-mails on commit; None when it was already sent (or the pact has gone)."""
    with transaction.atomic():
        pact = Pact.objects.filter(pk=due.pact_id).select_related("network").first()
        if pact is None:
            return None
        team = list(
            CaseMember.objects.filter(case_id=pact.case_id, user__is_active=True)
            .exclude(user__email="")
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    network_id=pact.network_id,
                    pact=pact,
                    kind=due.kind,
                    about=due.about,
                    due_on=due.due_on,
                    recipients=len(team),
                )
        except IntegrityError:
            return None  # sent already (this run's twin, or an earlier run)
        record_event(
            actor=None,
            action=AuditEvent.Action.CREATE,
            obj=reminder,
            network=pact.network,
            data_class=DataClass.CASE,
            after={"pact": pact.pk, "kind": due.kind, "due_on": due.due_on.isoformat(), "recipients": len(team)},
            note="reminder",
        )
        if team:
            transaction.on_commit(lambda: _mail(pact.pk, due, team))
    return len(team)


def send_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    """Remind the case teams, in every network, of the reviews within a week and the overdue commitments: one
    e-mail per (pact, kind, key, due day) to each member of the team, once. Returns the counts."""
    today = today or timezone.localdate()
    due = due_reminders(today)
    # What was sent already, in one query (the unique constraint settles any race after it).
    already = set(
        Reminder.objects.filter(pact_id__in={d.pact_id for d in due}).values_list("pact_id", "kind", "about", "due_on")
    )
    counts = {"reviews": 0, "commitments": 0, "emails": 0}
    for item in due:
        if (item.pact_id, item.kind, item.about, item.due_on) in already:
            continue
        sent = _remind(item)
        if sent is None:
            continue
        counts["reviews" if item.kind == ReminderKind.REVIEW_DUE else "commitments"] += 1
        counts["emails"] += sent
    if counts["reviews"] or counts["commitments"]:
        logger.info(
            "pact reminders: %s reviews, %s commitments, %s e-mails",
            counts["reviews"],
            counts["commitments"],
            counts["emails"],
        )
    return counts
