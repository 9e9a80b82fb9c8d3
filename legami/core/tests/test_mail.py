"""Without an e-mail server, production sends nothing and logs no secret; check --deploy says so."""

import logging

from django.core import mail
from django.core.mail import get_connection

from legami.core.checks import check_email_backend


def test_the_unsent_backend_logs_who_and_what_never_the_text(caplog):
    connection = get_connection("legami.core.mail.UnsentEmailBackend")
    message = mail.EmailMessage(
        "Invito a legami", "Apri https://legami.example.org/accounts/invitations/SEGRETO/", to=["anna@example.org"]
    )
    with caplog.at_level(logging.WARNING, logger="legami.mail"):
        assert connection.send_messages([message]) == 0
    [record] = [r for r in caplog.records if r.name == "legami.mail"]
    text = record.getMessage()
    assert "anna@example.org" in text and "Invito a legami" in text
    assert "SEGRETO" not in text and "invitations" not in text


def test_deploy_check_warns_while_no_email_is_sent(settings):
    for backend in ("legami.core.mail.UnsentEmailBackend", "django.core.mail.backends.console.EmailBackend"):
        settings.EMAIL_BACKEND = backend
        assert [w.id for w in check_email_backend(None)] == ["legami.W002"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert check_email_backend(None) == []
