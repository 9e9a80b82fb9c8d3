"""Reminders to the case teams: what is reminded, once (idempotent), to the team only, in each member's language,
with no case data in the e-mail; the task and the command."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.pacts.models import CaseStatus, PactStatus, Reminder, ReminderKind
from legami.pacts.services.reminders import REVIEW_KEY, send_reminders
from legami.pacts.tests.factories import open_case
from legami.pacts.tests.test_desk_selectors import dated, days, keep_up, live_pact

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NAME = "Ermenegilda Scaramuzza"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return send_reminders(**kwargs)

    return _run


def named_case(cast):
    from legami.core.tests import factories as f

    first, last = NAME.split()
    person = f.PersonFactory(
        network=cast.network, municipality=cast.municipalities[0], first_name=first, last_name=last
    )
    return open_case(cast, person=person)


def test_a_review_within_a_week_is_reminded_once_to_each_member_of_the_team(cast, run):
    pact = live_pact(named_case(cast), review_in=3)
    keep_up(pact)
    keep_up(live_pact(open_case(cast), review_in=8))  # not yet
    keep_up(live_pact(open_case(cast), review_in=-1))  # past: the desk shows it, no e-mail

    counts = run()

    assert counts == {"reviews": 1, "commitments": 0, "emails": 2}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.case_manager.email, cast.partner_staff.email])
    reminder = Reminder.objects.get()
    assert (reminder.pact, reminder.kind, reminder.about, reminder.due_on, reminder.recipients) == (
        pact,
        ReminderKind.REVIEW_DUE,
        REVIEW_KEY,
        days(3),
        2,
    )
    assert AuditEvent.objects.filter(object_type="pacts.reminder", action="create").count() == 1

    mail.outbox.clear()
    assert run() == {"reviews": 0, "commitments": 0, "emails": 0}
    assert mail.outbox == [] and Reminder.objects.count() == 1


def test_a_review_today_is_reminded(cast, run):
    keep_up(live_pact(open_case(cast), review_in=0))
    assert run()["reviews"] == 1


def test_the_email_names_the_pact_and_the_day_and_nothing_of_the_case(cast, run):
    pact = live_pact(named_case(cast), review_in=3)
    keep_up(pact)
    commitment = dated(pact)
    commitment.due_on = days(-2)
    commitment.save()
    version = pact.current_version
    version.summary = "Segreto del patto"
    version.save()

    run()

    assert len(mail.outbox) == 4  # the review and the commitment, to both members
    for message in mail.outbox:
        text = message.subject + message.body
        assert f"n. {pact.pk}" in text
        for secret in (NAME, "Ermenegilda", "Scaramuzza", "Accompagnare", "Segreto", "Vive sola"):
            assert secret not in text
        assert f"/{cast.network.slug}/pacts/" in message.body


def test_each_member_reads_it_in_their_own_language(cast, run):
    cast.partner_staff.preferred_language = "en"
    cast.partner_staff.save()
    keep_up(live_pact(open_case(cast), review_in=3))
    day = days(3)

    run()

    by_address = {m.to[0]: m for m in mail.outbox}
    italian = by_address[cast.case_manager.email].subject
    english = by_address[cast.partner_staff.email].subject
    months_it = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto"]
    months_it += ["settembre", "ottobre", "novembre", "dicembre"]
    assert (
        italian
        == f"Patto n. {Reminder.objects.get().pact_id}: revisione prevista il {day.day} {months_it[day.month - 1]}"
    )
    assert english.startswith("Pact no. ") and "review due on" in english and day.strftime("%B") in english


def test_only_the_team_is_written_to(cast, run):
    keep_up(live_pact(open_case(cast, members=()), review_in=2))

    run()

    assert [m.to for m in mail.outbox] == [[cast.case_manager.email]]


def test_overdue_commitments_are_reminded_once_per_due_day_and_give_back_once_a_month(cast, run):
    pact = live_pact(open_case(cast), started=70)  # 2 hours a week, none confirmed: behind
    commitment = dated(pact)
    commitment.due_on = days(-4)
    commitment.save()

    first = run()
    second = run(today=TODAY + datetime.timedelta(days=1))

    assert first == {"reviews": 0, "commitments": 2, "emails": 4}
    rows = set(Reminder.objects.values_list("kind", "about", "due_on"))
    give_back = pact.current_version.commitments.get(is_give_back=True)
    assert rows == {
        (ReminderKind.COMMITMENT_OVERDUE, commitment.key, days(-4)),
        (ReminderKind.COMMITMENT_OVERDUE, give_back.key, TODAY.replace(day=1)),
    }
    if (TODAY + datetime.timedelta(days=1)).month == TODAY.month:
        assert second["commitments"] == 0


def test_closed_cases_and_pacts_not_in_force_are_not_reminded(cast, run):
    closed = open_case(cast)
    keep_up(live_pact(closed, review_in=2))
    closed.status, closed.close_reason, closed.closed_on = CaseStatus.CLOSED, "other", TODAY
    closed.save()
    keep_up(live_pact(open_case(cast), review_in=2, status=PactStatus.COMPLETED))

    assert run() == {"reviews": 0, "commitments": 0, "emails": 0}


def test_a_case_whose_consent_was_withdrawn_is_not_reminded(cast, run):
    from legami.core.models import LegalBasis
    from legami.network.services.consents import record_consent
    from legami.pacts.tests.factories import case_processing

    processing = case_processing(cast.network, legal_basis=LegalBasis.CONSENT)
    given, withdrawn = open_case(cast, processing=processing), open_case(cast, processing=processing)
    for case in (given, withdrawn):
        record_consent(actor=cast.case_manager, person=case.person, processing=processing, given=True)
        keep_up(live_pact(case, review_in=2))
    record_consent(actor=cast.case_manager, person=withdrawn.person, processing=processing, given=False)
    never = live_pact(open_case(cast, processing=processing), review_in=2)  # consent never given; behind on hours
    late = dated(never)
    late.due_on = days(-4)
    late.save()

    assert run() == {"reviews": 1, "commitments": 0, "emails": 2}
    assert list(Reminder.objects.values_list("pact__case", flat=True)) == [given.pk]


def test_the_command_queues_the_task_or_sends_now(cast, capsys, django_capture_on_commit_callbacks):
    keep_up(live_pact(open_case(cast), review_in=2))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_pact_reminders")  # the tests' task backend runs it at once
    assert "Queued: task" in capsys.readouterr().out
    assert len(mail.outbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_pact_reminders", "--now")
    assert "0 reviews, 0 commitments, 0 e-mails" in capsys.readouterr().out
    assert len(mail.outbox) == 2


def test_a_failing_mail_server_keeps_the_reminder(cast, run, settings, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise OSError("down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    keep_up(live_pact(open_case(cast), review_in=2))

    assert run()["reviews"] == 1
    assert Reminder.objects.count() == 1
