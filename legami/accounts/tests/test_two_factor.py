"""Two-factor log-in: turning it on, the code after the password, wrong codes (pause, audit), recovery codes, new
codes, the administrator's reset, and who must use it (the middleware, per role)."""

import copy
import datetime
import pickle
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from legami.accounts.middleware import ALLOWED_ROUTES
from legami.accounts.models import PersonalAccessToken, TwoFactorThrottle
from legami.accounts.selectors.two_factor import two_factor_required
from legami.accounts.services.two_factor import (
    TwoFactorPaused,
    clean_code,
    clean_recovery_code,
    confirm_enrolment,
    regenerate_recovery_codes,
    start_enrolment,
    verify_code,
    verify_recovery_code,
)
from legami.accounts.tests.otp import authenticator, code, code_from_secret, wrong_code
from legami.core.models import AuditEvent
from legami.core.roles import Capability, Role, registry
from legami.core.tests.factories import PASSWORD

pytestmark = pytest.mark.two_factor_flow

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor_setup")
RECOVERY = reverse("accounts:two_factor_recovery")
ACCOUNT = reverse("accounts:home")

# Partner staff read the enrolment lists (children, their guardians) of their organisation's activities.
REQUIRED = [
    "coordinator",
    "case_manager",
    "community_worker",
    "privacy_officer",
    "district_case_manager",
    "partner_staff",
]
NOT_REQUIRED = ["evaluator", "funder", "citizen"]


def _client():
    return Client(headers={"Accept-Language": "en"})


def _password(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def _logged_in_with_code(user, device):
    client = _client()
    _password(client, user)
    response = client.post(VERIFY, {"code": code(device)})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _failures(user):
    return list(
        AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, object_id=str(user.pk))
        .order_by("pk")
        .values_list("note", flat=True)
    )


# --- who must use it -----------------------------------------------------------------------------------


def test_the_roles_that_see_case_data():
    assert registry.case_data_roles() == {
        Role.COORDINATOR,
        Role.CASE_MANAGER,
        Role.COMMUNITY_WORKER,
        Role.PRIVACY_OFFICER,
        Role.PARTNER_STAFF,
    }
    flagged = {str(c) for c in registry if c.case_data}
    assert {
        "needs.view_case_needs",
        "network.view_people",
        "network.export_person_data",
        "network.anonymise_people",
        "core.view_audit",
    } <= flagged


def test_the_flag_survives_copy_and_pickle_and_a_different_redeclaration_is_refused():
    capability = Capability("demo.view_secrets", "See secrets", roles={Role.COORDINATOR}, case_data=True)
    assert copy.copy(capability).case_data and pickle.loads(pickle.dumps(capability)).case_data
    from django.core.exceptions import ImproperlyConfigured

    from legami.core.roles import CapabilityRegistry

    table = CapabilityRegistry()
    table.register(capability)
    with pytest.raises(ImproperlyConfigured):
        table.register(Capability("demo.view_secrets", "See secrets", roles={Role.COORDINATOR}))


@pytest.mark.parametrize("persona", [*REQUIRED, "outsider", "platform_admin"])
def test_required_for_case_data_roles_in_any_network_and_platform_staff(cast, persona):
    assert two_factor_required(getattr(cast, persona))


@pytest.mark.parametrize("persona", NOT_REQUIRED)
def test_not_required_for_roles_without_case_data(cast, persona):
    assert not two_factor_required(getattr(cast, persona))


def test_an_inactive_membership_does_not_require_it(cast):
    cast.coordinator.memberships.update(is_active=False)
    assert not two_factor_required(cast.coordinator)


def test_optional_mode_requires_it_of_nobody(cast, settings):
    settings.LEGAMI_TWO_FACTOR = "optional"
    assert not two_factor_required(cast.coordinator)
    assert not two_factor_required(cast.platform_admin)


# --- the middleware, per role ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*REQUIRED, "outsider", "platform_admin"])
def test_a_required_role_without_a_device_is_sent_to_turn_it_on(cast, persona):
    client = _client()
    client.force_login(getattr(cast, persona))
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Faccounts%2F"


def test_a_required_role_with_a_device_is_sent_to_the_code_and_back(cast):
    authenticator(cast.case_manager)
    client = _client()
    client.force_login(cast.case_manager)
    people = reverse("network:people", args=[cast.network.slug])
    response = client.get(people + "?q=rossi")
    assert response["Location"] == f"{VERIFY}?next=%2Frete-prova%2Fpeople%2F%3Fq%3Drossi"
    # A POST is not replayed after the code: it goes back to the account page.
    response = client.post(people)
    assert response["Location"] == VERIFY


@pytest.mark.parametrize("persona", NOT_REQUIRED)
def test_a_role_without_case_data_is_let_through(cast, persona):
    client = _client()
    client.force_login(getattr(cast, persona))
    assert client.get(ACCOUNT).status_code == 200
    assert client.get(reverse("network:dashboard", args=[cast.network.slug])).status_code == 200


def test_a_role_without_case_data_who_turned_it_on_is_asked_the_code(cast):
    authenticator(cast.funder)
    client = _client()
    client.force_login(cast.funder)
    assert client.get(ACCOUNT)["Location"].startswith(VERIFY)


def test_optional_mode_lets_a_coordinator_without_a_device_through_but_asks_one_with(cast, settings):
    settings.LEGAMI_TWO_FACTOR = "optional"
    client = _client()
    client.force_login(cast.coordinator)
    assert client.get(ACCOUNT).status_code == 200
    authenticator(cast.case_manager)
    client.force_login(cast.case_manager)
    assert client.get(ACCOUNT)["Location"].startswith(VERIFY)


def test_pages_open_before_the_second_step(cast):
    client = _client()
    client.force_login(cast.coordinator)
    for url in (
        reverse("home"),
        reverse("healthz"),
        reverse("network:home", args=[cast.network.slug]),
        reverse("needs:report", args=[cast.network.slug]),
        reverse("accounts:password_reset"),
        SETUP,
    ):
        assert client.get(url).status_code == 200, url
    # Static files are not sent to the second step (the test server does not serve them: 404, not 302).
    assert client.get("/static/legami/legami.css").status_code == 404
    # An unknown address is the 404 page, not a detour through the second step.
    assert client.get("/nessuna-rete/").status_code == 404
    # Log-out works.
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_every_public_page_of_the_permission_matrix_is_open_before_the_second_step():
    from legami.core.tests.matrix import PUBLIC
    from legami.core.tests.test_permission_matrix import ROUTES

    public = {name for name, row in ROUTES.items() if row.need == PUBLIC}
    # Accepting an invitation gives a role: a logged-in invitee passes the second step first.
    assert public - ALLOWED_ROUTES == {"accounts:invitation_accept"}


def test_the_api_refuses_an_unverified_session_but_takes_a_token(cast):
    client = _client()
    client.force_login(cast.coordinator)
    response = client.get("/api/v1/networks/")
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]
    raw, token_hash, hint = PersonalAccessToken.new_token()
    PersonalAccessToken.objects.create(user=cast.coordinator, name="script", token_hash=token_hash, hint=hint)
    assert Client().get("/api/v1/networks/", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


# --- turning it on -------------------------------------------------------------------------------------


def test_password_log_in_of_a_required_role_leads_to_the_setup(cast):
    client = _client()
    response = _password(client, cast.coordinator)
    assert response["Location"] == f"{VERIFY}?next=%2Faccounts%2F"
    response = client.get(response["Location"])
    assert response["Location"] == f"{SETUP}?next=%2Faccounts%2F"


def test_enrolment_shows_qr_and_secret_confirms_with_a_code_and_shows_ten_codes_once(cast):
    client = _client()
    _password(client, cast.coordinator)
    page = client.get(SETUP + "?next=/rete-prova/people/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg width="' in html and "<path" in html  # the QR code, inline (no external image)
    secret = page.context["secret"]
    assert len(secret.replace(" ", "")) == 32
    # Opening the page again keeps the same secret: a QR code already scanned stays good.
    assert client.get(SETUP).context["secret"] == secret
    device = TOTPDevice.objects.get(user=cast.coordinator)
    assert not device.confirmed

    response = client.post(SETUP, {"code": code_from_secret(secret), "next": "/rete-prova/people/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "will not be shown again" in response.content.decode()
    assert 'href="/rete-prova/people/"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=cast.coordinator).count() == 10
    # The session has passed the second step.
    assert client.get(reverse("network:people", args=[cast.network.slug])).status_code == 200
    assert AuditEvent.objects.filter(object_id=str(cast.coordinator.pk), note="two-factor verification turned on")
    # Once on, the setup page sends to the account's section instead of making a new secret.
    assert client.get(SETUP)["Location"] == reverse("accounts:two_factor")


def test_enrolment_with_a_wrong_code_stays_off_and_is_audited(cast):
    client = _client()
    _password(client, cast.coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=cast.coordinator)
    response = client.post(SETUP, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "This code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert _failures(cast.coordinator) == ["wrong two-factor code (turning it on)"]
    assert client.get(ACCOUNT).status_code == 302


def test_start_enrolment_refuses_when_it_is_already_on(cast):
    authenticator(cast.coordinator)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        start_enrolment(actor=cast.coordinator)


def test_confirm_enrolment_without_a_pending_device_is_refused(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        confirm_enrolment(actor=cast.coordinator, code="123456")
    assert caught.value.code == "no_device"


# --- log-in with password then code ------------------------------------------------------------------------


def test_password_then_code_then_the_page_asked_for(cast):
    device = authenticator(cast.coordinator)
    client = _client()
    people = reverse("network:people", args=[cast.network.slug])
    response = _password(client, cast.coordinator, next_url=people)
    assert response["Location"] == f"{VERIFY}?next=%2Frete-prova%2Fpeople%2F"
    assert client.get(people)["Location"].startswith(VERIFY)
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()
    response = client.post(VERIFY, {"code": code(device), "next": people})
    assert response["Location"] == people
    assert client.get(people).status_code == 200
    # Verified: the code page sends on.
    assert client.get(VERIFY)["Location"] == ACCOUNT


def test_the_same_code_does_not_work_twice(cast):
    device = authenticator(cast.coordinator)
    first = code(device)
    _logged_in_with_code(cast.coordinator, device)
    client = _client()
    _password(client, cast.coordinator)
    response = client.post(VERIFY, {"code": first})
    assert response.status_code == 200 and "This code is not right" in response.content.decode()


def test_next_outside_the_site_is_ignored(cast):
    device = authenticator(cast.coordinator)
    client = _client()
    _password(client, cast.coordinator)
    response = client.post(VERIFY, {"code": code(device), "next": "https://evil.example.org/"})
    assert response["Location"] == ACCOUNT


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the 6-digit code"),
        ("   ", "Enter the 6-digit code"),
        ("12a456", "digits only"),
        ("١٢٣٤٥٦", "digits only"),
        ("1234567", "too long"),
        ("9" * 5000, "too long"),
        ("12345", "too short"),
    ],
)
def test_bad_codes_are_explained_and_not_counted(cast, typed, message):
    authenticator(cast.coordinator)
    client = _client()
    _password(client, cast.coordinator)
    response = client.post(VERIFY, {"code": typed})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _failures(cast.coordinator) == []
    assert not client.session.get("otp_device_id")


def test_spaces_inside_a_code_are_fine():
    assert clean_code(" 123 456 ") == "123456"
    assert clean_recovery_code("ABCD-efgh ") == "abcdefgh"


# --- wrong codes: pause and audit ---------------------------------------------------------------------------


def test_five_wrong_codes_pause_for_fifteen_minutes_and_are_audited_without_the_code(cast):
    device = authenticator(cast.coordinator)
    client = _client()
    _password(client, cast.coordinator)
    wrong = wrong_code(device)
    statuses = [client.post(VERIFY, {"code": wrong}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # The right code is refused too while the pause lasts.
    response = client.post(VERIFY, {"code": code(device)})
    assert response.status_code == 429
    assert "not accepted for 15 minutes" in response.content.decode()
    assert int(response["Retry-After"]) > 14 * 60
    assert _failures(cast.coordinator) == ["wrong two-factor code"] * 5 + ["two-factor paused"]
    for event in AuditEvent.objects.all():
        assert wrong not in f"{event.note} {event.object_repr} {event.before} {event.after}"
    # Recovery codes are paused as well.
    StaticDevice.objects.create(user=cast.coordinator, confirmed=True).token_set.create(token="abcdefgh")
    assert client.post(RECOVERY, {"code": "abcdefgh"}).status_code == 429
    # Fifteen minutes after the last wrong code, the right one works.
    TwoFactorThrottle.objects.filter(user=cast.coordinator).update(
        last_failure_at=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(minutes=15, seconds=1)
    )
    assert client.post(VERIFY, {"code": code(device)}).status_code == 302
    assert TwoFactorThrottle.objects.get(user=cast.coordinator).failures == 0


def test_a_right_code_resets_the_count(cast):
    device = authenticator(cast.coordinator)
    for _ in range(4):
        with pytest.raises(Exception):  # noqa: B017
            verify_code(user=cast.coordinator, code=wrong_code(device))
    verify_code(user=cast.coordinator, code=code(device))
    with pytest.raises(Exception) as caught:  # noqa: B017
        verify_code(user=cast.coordinator, code=wrong_code(device))
    assert not isinstance(caught.value, TwoFactorPaused)


def test_old_wrong_codes_do_not_add_up(cast):
    device = authenticator(cast.coordinator)
    TwoFactorThrottle.objects.create(
        user=cast.coordinator,
        failures=4,
        last_failure_at=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(hours=1),
    )
    with pytest.raises(Exception) as caught:  # noqa: B017
        verify_code(user=cast.coordinator, code=wrong_code(device))
    assert not isinstance(caught.value, TwoFactorPaused)
    assert TwoFactorThrottle.objects.get(user=cast.coordinator).failures == 1


# --- recovery codes -------------------------------------------------------------------------------------


def _with_recovery_codes(user):
    device = authenticator(user)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for token in ("aaaa2222", "bbbb3333"):
        static.token_set.create(token=token)
    return device


def test_a_recovery_code_logs_in_once(cast):
    _with_recovery_codes(cast.coordinator)
    client = _client()
    _password(client, cast.coordinator)
    page = client.get(VERIFY)
    assert RECOVERY in page.content.decode()
    response = client.post(RECOVERY, {"code": "AAAA-2222", "next": "/rete-prova/people/"}, follow=True)
    assert response.redirect_chain[0][0] == "/rete-prova/people/"
    assert "1 are left" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, note="recovery code used, 1 left").exists()
    again = _client()
    _password(again, cast.coordinator)
    response = again.post(RECOVERY, {"code": "aaaa2222"})
    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert _failures(cast.coordinator) == ["wrong recovery code"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Enter one of your recovery codes"), ("abc$def!", "letters and digits only"), ("a" * 33, "too long")],
)
def test_bad_recovery_codes_are_explained_and_not_counted(cast, typed, message):
    _with_recovery_codes(cast.coordinator)
    client = _client()
    _password(client, cast.coordinator)
    response = client.post(RECOVERY, {"code": typed})
    assert message in response.content.decode()
    assert _failures(cast.coordinator) == []


def test_a_recovery_code_of_someone_else_does_not_work(cast):
    _with_recovery_codes(cast.case_manager)
    authenticator(cast.coordinator)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        verify_recovery_code(user=cast.coordinator, code="aaaa2222")
    assert StaticToken.objects.filter(token="aaaa2222").exists()


def test_recovery_code_service_deletes_the_code(cast):
    _with_recovery_codes(cast.coordinator)
    verify_recovery_code(user=cast.coordinator, code="bbbb3333")
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["aaaa2222"]


# --- the account's section: state and new codes --------------------------------------------------------------


def test_the_account_section_shows_the_state_and_makes_new_codes_after_a_current_code(cast):
    device = _with_recovery_codes(cast.coordinator)
    client = _logged_in_with_code(cast.coordinator, device)
    assert reverse("accounts:two_factor") in client.get(ACCOUNT).content.decode()
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200 and page.context["state"].on and page.context["state"].recovery_codes_left == 2
    # A wrong code: nothing changes.
    response = client.post(reverse("accounts:two_factor"), {"code": wrong_code(device)})
    assert "This code is not right" in response.content.decode()
    assert StaticToken.objects.filter(token="aaaa2222").exists()
    # The next step's code (the current one was used to log in).
    response = client.post(reverse("accounts:two_factor"), {"code": code(device, steps=1)})
    codes = response.context["codes"]
    assert len(codes) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    assert response.context["state"].recovery_codes_left == 10
    assert AuditEvent.objects.filter(note="new recovery codes").exists()


def test_the_account_section_of_someone_without_it_offers_to_turn_it_on(cast):
    client = _client()
    client.force_login(cast.funder)
    page = client.get(reverse("accounts:two_factor"))
    assert not page.context["state"].on and not page.context["state"].required
    assert SETUP in page.content.decode()
    assert client.post(reverse("accounts:two_factor"), {"code": "123456"})["Location"] == SETUP


def test_regenerate_service_needs_a_right_code(cast):
    device = _with_recovery_codes(cast.coordinator)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        regenerate_recovery_codes(actor=cast.coordinator, code="")
    with pytest.raises(ValidationError):
        regenerate_recovery_codes(actor=cast.coordinator, code=wrong_code(device))
    assert StaticToken.objects.count() == 2


# --- the administrator's reset -------------------------------------------------------------------------------


def test_reset_two_factor_removes_the_devices_and_is_audited(cast):
    _with_recovery_codes(cast.coordinator)
    TwoFactorThrottle.objects.create(user=cast.coordinator, failures=5)
    out = StringIO()
    call_command("reset_two_factor", "Coordinator@example.org", stdout=out)
    assert "2 device(s) removed" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=cast.coordinator).exists()
    assert not StaticDevice.objects.filter(user=cast.coordinator).exists()
    assert not TwoFactorThrottle.objects.filter(user=cast.coordinator).exists()
    assert AuditEvent.objects.filter(
        object_id=str(cast.coordinator.pk), note="two-factor verification reset by an administrator"
    ).exists()
    # At the next log-in it is turned on again.
    client = _client()
    _password(client, cast.coordinator)
    assert client.get(VERIFY)["Location"].startswith(SETUP)


def test_reset_two_factor_of_an_account_without_devices_says_so(cast):
    out = StringIO()
    call_command("reset_two_factor", cast.funder.email, stdout=out)
    assert "nothing to remove" in out.getvalue()


@pytest.mark.parametrize("email", ["nobody@example.org", "   "])
def test_reset_two_factor_refuses_an_unknown_or_empty_address(db, email):
    with pytest.raises(CommandError):
        call_command("reset_two_factor", email)


# --- the system check -------------------------------------------------------------------------------------


def test_check_deploy_warns_when_it_is_optional(settings):
    from legami.accounts.checks import check_two_factor

    assert check_two_factor(None) == []
    settings.LEGAMI_TWO_FACTOR = "optional"
    assert [w.id for w in check_two_factor(None)] == ["legami.W020"]


def test_check_deploy_fails_at_warning_level_when_it_is_optional(tmp_path):
    from cryptography.fernet import Fernet

    from legami.core.tests.test_deploy import _clean_env, _run

    env = _clean_env(
        LEGAMI_SECRET_KEY="x" * 20 + "A1!b2@C3#d4$E5%f6^G7&h8*I9(j0)K-_=+L",
        LEGAMI_FIELD_KEYS=Fernet.generate_key().decode(),
        LEGAMI_ALLOWED_HOSTS="legami.example.org",
        LEGAMI_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        LEGAMI_TWO_FACTOR="optional",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "legami.W020" in result.stdout + result.stderr


def test_a_mistyped_two_factor_setting_stops_start_up():
    from legami.core.tests.test_deploy import _clean_env, _run

    result = _run(["manage.py", "check"], _clean_env(LEGAMI_TWO_FACTOR="requried"))
    assert result.returncode != 0
    assert "LEGAMI_TWO_FACTOR='requried': use required (the default) or optional." in result.stderr
