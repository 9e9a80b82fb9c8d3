"""The audit page shows the state of the network's chain; its readers ask for a verification, run in the background."""

import datetime
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from legami.core.audit import record_event
from legami.core.models import AuditEvent, Job
from legami.core.roles import Role
from legami.core.tests import audit_tools
from legami.network.models import Membership
from legami.network.selectors.audit import PENDING_FOR_AT_MOST, VERIFY_JOB_KIND, last_verification
from legami.network.services.audit import run_audit_verification


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def audit(cast):
    return reverse("network:audit", args=[cast.network.slug])


def verify(cast):
    return reverse("network:audit_verify", args=[cast.network.slug])


def events(cast, n):
    return [record_event(actor=cast.coordinator, action="create", obj=cast.organization, note=str(i)) for i in range(n)]


def test_the_page_says_the_log_was_never_verified(cast, login):
    response = login(cast.privacy_officer).get(audit(cast))
    assert response.context["verification"] is None
    assert "The log has not been verified yet." in response.content.decode()
    assert f'action="{verify(cast)}"' in response.content.decode()


def verification_jobs(cast):
    return Job.objects.filter(network=cast.network, kind=VERIFY_JOB_KIND)


@pytest.mark.parametrize("persona", ["privacy_officer", "coordinator"])
def test_readers_queue_a_verification_and_see_it_under_way(cast, login, persona):
    events(cast, 3)
    client = login(getattr(cast, persona))
    response = client.post(verify(cast), follow=True)
    assert response.redirect_chain == [(audit(cast), 302)]
    job = verification_jobs(cast).get()
    assert (job.status, job.actor) == (Job.Status.QUEUED, getattr(cast, persona))
    # Nothing is verified in the request: the page says the verification is under way.
    assert not AuditEvent.objects.filter(action="verify").exists()
    page = response.content.decode()
    assert "The verification has started. It runs in the background" in page
    assert response.context["pending_job"] == job and response.context["verification"] is None
    assert "Verification in progress…" in page and f"by {getattr(cast, persona).email}." in page
    assert 'id="audit-verification-progress"' in page


def test_the_request_queues_the_task_once_it_commits(cast, login, django_capture_on_commit_callbacks):
    events(cast, 2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        login(cast.privacy_officer).post(verify(cast))
    assert len(callbacks) == 1
    # The test settings run tasks at once (ImmediateBackend): the job is done and the verification recorded.
    job = verification_jobs(cast).get()
    assert job.status == Job.Status.SUCCEEDED and job.task_result_id
    assert job.result == {"ok": True, "checked": 2, "broken": None}
    recorded = AuditEvent.objects.get(action="verify")
    assert (recorded.network, recorded.actor, recorded.after["ok"]) == (cast.network, cast.privacy_officer, True)
    page = login(cast.privacy_officer).get(audit(cast))
    assert page.context["pending_job"] is None
    assert "Last verified" in page.content.decode() and "2 events checked, none altered." in page.content.decode()


@pytest.mark.parametrize("persona", ["privacy_officer", "coordinator"])
def test_the_task_records_an_intact_chain_as_its_actor(cast, login, persona):
    events(cast, 3)
    client = login(getattr(cast, persona))
    client.post(verify(cast))
    job = run_audit_verification(verification_jobs(cast).get())
    assert (job.status, job.processed, job.total, job.started_at is not None) == (Job.Status.SUCCEEDED, 3, 3, True)
    recorded = AuditEvent.objects.get(action="verify")
    assert (recorded.network, recorded.actor, recorded.after["ok"]) == (cast.network, getattr(cast, persona), True)
    response = client.get(audit(cast))
    page = response.content.decode()
    state = response.context["verification"]
    assert (state.ok, state.checked, state.who) == (True, 3, getattr(cast, persona).email)
    assert response.context["pending_job"] is None and "Verification in progress…" not in page
    assert "Intact" in page and "3 events checked, none altered." in page


def test_the_task_names_a_broken_chain_on_the_page(cast, login):
    written = events(cast, 3)
    audit_tools.tamper(written[1], note="rewritten")
    client = login(cast.privacy_officer)
    client.post(verify(cast))
    job = run_audit_verification(verification_jobs(cast).get())
    # The verification itself succeeded: what it found is the outcome.
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["ok"] is False and job.result["broken"]["sequence"] == 2
    response = client.get(audit(cast))
    page = response.content.decode()
    state = response.context["verification"]
    assert (state.ok, state.sequence, state.event_id) == (False, 2, written[1].pk)
    assert "Altered" in page and "the log has been altered at event no. 2 (its content was changed)" in page


def test_a_second_request_while_one_is_pending_queues_nothing(cast, login):
    events(cast, 1)
    client = login(cast.privacy_officer)
    client.post(verify(cast))
    first = verification_jobs(cast).get()
    response = login(cast.coordinator).post(verify(cast), follow=True)
    assert verification_jobs(cast).get() == first
    assert "A verification of this log is already under way" in response.content.decode()
    # Still so while it runs; once it is finished, a new one may be asked for.
    Job.objects.filter(pk=first.pk).update(status=Job.Status.RUNNING)
    login(cast.privacy_officer).post(verify(cast))
    assert verification_jobs(cast).count() == 1
    run_audit_verification(Job.objects.get(pk=first.pk))  # already running elsewhere: not run twice
    assert not AuditEvent.objects.filter(action="verify").exists()
    Job.objects.filter(pk=first.pk).update(status=Job.Status.SUCCEEDED)
    response = login(cast.privacy_officer).post(verify(cast), follow=True)
    assert verification_jobs(cast).count() == 2
    assert "The verification has started." in response.content.decode()


def test_a_lost_job_does_not_hold_back_a_new_one(cast, login):
    client = login(cast.privacy_officer)
    client.post(verify(cast))
    lost = verification_jobs(cast).get()
    Job.objects.filter(pk=lost.pk).update(
        status=Job.Status.RUNNING, created_at=timezone.now() - PENDING_FOR_AT_MOST - datetime.timedelta(minutes=1)
    )
    assert client.get(audit(cast)).context["pending_job"] is None
    client.post(verify(cast))
    assert verification_jobs(cast).count() == 2


def test_each_network_has_its_own_verification(cast, login):
    Job.objects.create(network=cast.other_network, kind=VERIFY_JOB_KIND, actor=cast.privacy_officer)
    login(cast.privacy_officer).post(verify(cast))
    assert verification_jobs(cast).count() == 1


def test_a_job_whose_actor_may_no_longer_read_the_log_fails(cast, login):
    events(cast, 1)
    login(cast.coordinator).post(verify(cast))
    # Between the request and the run, the coordinator becomes a case manager (who may not read the log).
    Membership.objects.filter(network=cast.network, user=cast.coordinator).update(role=Role.CASE_MANAGER)
    job = run_audit_verification(verification_jobs(cast).get())
    assert job.status == Job.Status.FAILED and job.result == {"error": "refused"}
    assert not AuditEvent.objects.filter(action="verify").exists()
    response = login(cast.privacy_officer).get(audit(cast))
    assert response.context["pending_job"] is None and response.context["failed_job"].who == cast.coordinator.email
    assert "did not finish. Whoever asked for it may no longer verify this log." in response.content.decode()


def test_an_unexpected_error_fails_the_job_and_is_raised(cast, login, monkeypatch):
    def crash(network):
        raise RuntimeError("database gone")

    monkeypatch.setattr("legami.network.services.audit.verify_chain", crash)
    login(cast.privacy_officer).post(verify(cast))
    with pytest.raises(RuntimeError):
        run_audit_verification(verification_jobs(cast).get())
    job = verification_jobs(cast).get()
    assert (job.status, job.result, job.finished_at is not None) == (Job.Status.FAILED, {"error": "stopped"}, True)
    page = login(cast.privacy_officer).get(audit(cast)).content.decode()
    assert "did not finish. It stopped because of an unexpected error." in page


def test_a_job_that_cannot_be_queued_fails_and_says_so(cast, login, django_capture_on_commit_callbacks, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr("legami.network.services.audit.verify_audit_task", SimpleNamespace(enqueue=refuse))
    with django_capture_on_commit_callbacks(execute=True):
        login(cast.privacy_officer).post(verify(cast))
    job = verification_jobs(cast).get()
    assert job.status == Job.Status.FAILED
    assert job.result == {"error": "not_queued"}
    assert (
        "did not finish. It could not be queued. Try again later."
        in login(cast.privacy_officer).get(audit(cast)).content.decode()
    )


def test_the_list_words_each_verification_not_its_keys(cast, login):
    written = events(cast, 2)
    client = login(cast.privacy_officer)
    client.post(verify(cast))
    run_audit_verification(verification_jobs(cast).get())
    audit_tools.tamper(written[0], note="rewritten")
    client.post(verify(cast))
    run_audit_verification(verification_jobs(cast).first())
    rows = client.get(audit(cast) + "?action=verify").content.decode()
    assert "Note: Intact: 2 events checked." in rows
    assert "Note: Altered from event no. 1: its content was changed." in rows
    assert "last_hash" not in rows and "checked:" not in rows.lower()


def test_the_scheduled_check_shows_as_such(cast, login):
    events(cast, 1)
    call_command("verify_audit", "--network", cast.network.slug, stdout=StringIO())
    state = last_verification(cast.privacy_officer, cast.network)
    assert state.who == "the scheduled check" and state.ok
    assert last_verification(cast.citizen, cast.network) is None


@pytest.mark.parametrize(
    "persona",
    ["case_manager", "community_worker", "partner_staff", "evaluator", "funder", "citizen", "district_case_manager"],
)
def test_other_members_may_not_verify(cast, login, persona):
    assert login(getattr(cast, persona)).post(verify(cast)).status_code == 403
    assert not AuditEvent.objects.filter(action="verify").exists() and not verification_jobs(cast).exists()


def test_outsiders_get_404_and_anonymous_log_in(cast, login):
    assert login(cast.outsider).post(verify(cast)).status_code == 404
    assert login(cast.platform_admin).post(verify(cast)).status_code == 404
    response = login(None).post(verify(cast))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.filter(action="verify").exists() and not verification_jobs(cast).exists()


def test_get_is_not_allowed(cast, login):
    assert login(cast.privacy_officer).get(verify(cast)).status_code == 405


def test_the_page_reads_in_italian(cast, login, settings):
    settings.LANGUAGE_CODE = "it"
    events(cast, 1)
    client = login(cast.privacy_officer)
    page = client.post(verify(cast), follow=True).content.decode()
    assert "Integrità del registro" in page and "Verifica ora" in page
    assert "La verifica è partita. Prosegue in secondo piano: il suo esito comparirà in questa pagina." in page
    assert "Verifica in corso…" in page
    assert "Una verifica di questo registro è già in corso" in client.post(verify(cast), follow=True).content.decode()
    run_audit_verification(verification_jobs(cast).get())
    page = client.get(audit(cast)).content.decode()
    assert f"eseguita da {cast.privacy_officer.email}. 1 evento controllato, nessuno alterato." in page
