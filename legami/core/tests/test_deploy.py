"""Production settings pass `check --deploy`, an empty environment never runs in DEBUG, and switches read
from the environment accept only known words."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from legami.settings import env_bool

ROOT = Path(__file__).resolve().parents[3]


def _clean_env(**extra: str) -> dict[str, str]:
    """The machine's environment without any legami or Django setting, plus `extra`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LEGAMI_", "DJANGO_")) and key not in {"DATABASE_URL", "PYTHONPATH"}
    }
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = _clean_env(
        LEGAMI_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        LEGAMI_FIELD_KEYS=Fernet.generate_key().decode(),
        LEGAMI_BACKUP_KEY=Fernet.generate_key().decode(),
        LEGAMI_ALLOWED_HOSTS="legami.example.org",
        LEGAMI_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        # A throwaway database: the check must not need (nor touch) the developer's one.
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, f"check --deploy reported problems:\n{result.stdout}\n{result.stderr}"
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_flags_the_development_secrets(tmp_path):
    env = _clean_env(LEGAMI_ALLOWED_HOSTS="legami.example.org", DATABASE_URL=f"sqlite:///{tmp_path / 'd.sqlite3'}")
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "security.W009" in output  # the insecure development SECRET_KEY
    assert "legami.W001" in output  # case data would be encrypted with the public development key
    assert "legami.W002" in output  # no e-mail server: invitations would reach nobody
    assert "legami.W003" in output  # no backup key: no backup can be made


def test_a_backup_key_must_not_be_a_field_key(settings):
    from legami.core.checks import check_backup_key

    field_key, backup_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.LEGAMI_FIELD_KEYS = [field_key]
    settings.LEGAMI_BACKUP_KEY = [backup_key, field_key]
    assert [w.id for w in check_backup_key(None)] == ["legami.W004"]
    settings.LEGAMI_BACKUP_KEY = [backup_key]
    assert check_backup_key(None) == []
    settings.LEGAMI_BACKUP_KEY = []
    assert [w.id for w in check_backup_key(None)] == ["legami.W003"]


def test_empty_environment_is_not_debug():
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'legami.settings'; "
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_SSL_REDIRECT)"
    )
    result = _run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True"], result.stdout


def test_a_mistyped_switch_stops_start_up_with_a_clear_message():
    env = _clean_env(LEGAMI_HTTPS="ture")
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "LEGAMI_HTTPS='ture' is not a switch value" in result.stderr
    for word in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        assert word in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        (" Yes ", True),
        ("on", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("OFF", False),
    ],
)
def test_env_bool_reads_the_known_words_in_any_case(monkeypatch, raw, expected):
    monkeypatch.setenv("LEGAMI_TEST_SWITCH", raw)
    assert env_bool("LEGAMI_TEST_SWITCH", not expected) is expected


@pytest.mark.parametrize("raw", [None, "", "   "])
@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_or_empty_is_the_default(monkeypatch, raw, default):
    monkeypatch.delenv("LEGAMI_TEST_SWITCH", raising=False)
    if raw is not None:
        monkeypatch.setenv("LEGAMI_TEST_SWITCH", raw)
    assert env_bool("LEGAMI_TEST_SWITCH", default) is default


@pytest.mark.parametrize("raw", ["ture", "2", "si", "enabled", "-1"])
def test_env_bool_refuses_other_words(monkeypatch, raw):
    monkeypatch.setenv("LEGAMI_TEST_SWITCH", raw)
    with pytest.raises(ImproperlyConfigured, match="LEGAMI_TEST_SWITCH"):
        env_bool("LEGAMI_TEST_SWITCH")
