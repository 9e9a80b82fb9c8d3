"""The e-mail backend of an installation that has no e-mail server configured.

Django's console backend writes whole messages to the log, and an invitation's text holds its link, a secret
that lets whoever reads it join the network. This backend sends nothing and logs only that a message was not
sent: to whom and its subject. `check --deploy` warns while it (or another backend that sends nothing) is set.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

logger = logging.getLogger("legami.mail")

# Backends that deliver nothing to anybody.
NOT_SENDING = frozenset(
    {
        "legami.core.mail.UnsentEmailBackend",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    }
)


class UnsentEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            logger.warning(
                "E-mail not sent (no e-mail server configured, see LEGAMI_EMAIL_BACKEND): to %s, subject %r",
                ", ".join(message.recipients()),
                message.subject,
            )
        return 0
