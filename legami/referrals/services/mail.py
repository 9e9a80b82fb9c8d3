"""The e-mails of referrals. They carry the referral's number, its urgency and a link, never what it says: the
text stays behind the log-in, where every read is audited. Sent after the commit; a failure is logged only."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from legami.referrals.models import Referral

logger = logging.getLogger(__name__)


def link(name: str, referral: Referral, base_url: str = "") -> str:
    """The absolute address of one of the referral's pages (`referrals:<name>`)."""
    base = (base_url or settings.LEGAMI_BASE_URL or "").rstrip("/")
    return base + reverse(f"referrals:{name}", args=[referral.network.slug, referral.pk])


def _send(referral_id: int, users: Iterable[Any], write: Any) -> int:
    try:
        referral = Referral.objects.select_related("network").get(pk=referral_id)
        messages = []
        for user in users:
            if not user.email:
                continue
            with translation.override(getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE):
                subject, body = write(referral)
                messages.append(EmailMessage(subject, body, None, [user.email]))
        return (get_connection().send_messages(messages) or 0) if messages else 0
    except Exception:  # noqa: BLE001 — any failure of the mail server; the write stands
        logger.exception("referrals: the e-mails about referral %s could not be sent", referral_id)
        return 0


def _body(*paragraphs: str) -> str:
    return "\n\n".join([*paragraphs, "legami"])


def mail_triage(referral_id: int, users: Iterable[Any], base_url: str = "") -> int:
    """Tell the district's triage that a referral arrived: its number, its urgency and the link."""

    def write(referral: Referral) -> tuple[str, str]:
        params = {"number": referral.pk, "urgency": referral.get_urgency_display(), "network": referral.network.name}
        subject = gettext("New referral no. %(number)s (%(urgency)s)") % params
        body = _body(
            gettext("A new referral no. %(number)s has reached %(network)s.") % params,
            gettext("Urgency: %(urgency)s.") % params,
            gettext("Read it and decide what to do here (you will be asked to log in):"),
            link("detail", referral, base_url),
        )
        return subject, body

    return _send(referral_id, list(users), write)


def mail_reporter_question(referral_id: int, users: Iterable[Any], base_url: str = "") -> int:
    """Tell the reporter that the services asked something about their referral: the number and the link."""

    def write(referral: Referral) -> tuple[str, str]:
        params = {"number": referral.pk, "network": referral.network.name}
        subject = gettext("A question about your referral no. %(number)s") % params
        body = _body(
            gettext("The services of %(network)s have a question about your referral no. %(number)s.") % params,
            gettext("Read it and answer here (you will be asked to log in):"),
            link("mine_detail", referral, base_url),
        )
        return subject, body

    return _send(referral_id, list(users), write)


def mail_answer(referral_id: int, users: Iterable[Any], base_url: str = "") -> int:
    """Tell whoever triages the referral that its reporter answered: the number and the link."""

    def write(referral: Referral) -> tuple[str, str]:
        params = {"number": referral.pk}
        subject = gettext("The reporter answered about referral no. %(number)s") % params
        body = _body(
            gettext("The reporter of referral no. %(number)s answered your question.") % params,
            link("detail", referral, base_url),
        )
        return subject, body

    return _send(referral_id, list(users), write)


def on_commit(send: Any, referral_id: int, users: Iterable[Any], base_url: str = "") -> None:
    """`send(referral_id, users, base_url)` after the commit (nothing when the transaction rolls back)."""
    recipients = list(users)
    if recipients:
        transaction.on_commit(lambda: send(referral_id, recipients, base_url))
