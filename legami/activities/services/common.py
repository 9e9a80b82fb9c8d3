"""What the writes of activities share: the clocks of Rome, and the e-mails to the people enrolled (or their
guardians), sent after the commit."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import translation

from legami.activities.models import Enrollment

logger = logging.getLogger(__name__)

ROME = ZoneInfo("Europe/Rome")


def rome_datetime(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The aware moment of `day` at `time` on the clocks of Rome."""
    return datetime.datetime.combine(day, time, tzinfo=ROME)


def contact_email(enrollment: Enrollment) -> str:
    """Where to write about an enrolment: the guardian's address for a minor when given, else the person's."""
    return enrollment.guardian_email or enrollment.person.email or ""


def mail_enrollments(enrollment_ids: list[int], subject: Any, body: tuple[Any, ...]) -> int:
    """E-mail the people (or guardians) of `enrollment_ids` about their activity (`body`: its paragraphs); a failure
    is logged only."""
    try:
        rows = Enrollment.objects.filter(pk__in=enrollment_ids).select_related("person", "activity").order_by("pk")
        messages = []
        for enrollment in rows:
            address = contact_email(enrollment)
            if not address:
                continue
            params = {"title": enrollment.activity.title, "person": enrollment.person.first_name}
            # People of the registry have no language of their own: the site's (Italian).
            with translation.override(settings.LANGUAGE_CODE):
                text = "\n\n".join([*(str(paragraph) % params for paragraph in body), "legami"])
                messages.append(EmailMessage(str(subject) % params, text, None, [address]))
        return (get_connection().send_messages(messages) or 0) if messages else 0
    except Exception:  # noqa: BLE001 — any failure of the mail server; the write stands
        logger.exception("activities: the e-mails to %s enrolments could not be sent", len(enrollment_ids))
        return 0


def mail_on_commit(enrollment_ids: Iterable[int], subject: Any, body: tuple[Any, ...]) -> None:
    """`mail_enrollments` after the commit (nothing when the transaction rolls back)."""
    ids = list(enrollment_ids)
    if ids:
        transaction.on_commit(lambda: mail_enrollments(ids, subject, body))
