"""The production check states what docs/operations.md tells operators, and expects what the roles allow."""

from pathlib import Path

import pytest

from tests.production import check

OPERATIONS = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()


def test_the_documented_installation_runs_the_steps_the_check_runs():
    positions = []
    for step in check.PRODUCTION_STEPS:
        line = f".venv/bin/python manage.py {' '.join(step)}"
        assert line in OPERATIONS, line
        positions.append(OPERATIONS.index(line))
    assert positions == sorted(positions), "docs/operations.md lists the steps in another order"
    assert f".venv/bin/python manage.py {' '.join(check.WORKER_STEP)}" in OPERATIONS


def test_the_documented_gunicorn_command_line_is_the_one_the_check_starts():
    command = check.gunicorn_command(8000)
    assert Path(command[0]).name == "gunicorn"
    assert ".venv/bin/gunicorn " + " ".join(command[1:]) in OPERATIONS


def test_the_documented_environment_is_the_one_the_check_sets(tmp_path):
    env = check.production_env("sqlite:///x.sqlite3", tmp_path)
    for name in ("DATABASE_URL", "LEGAMI_SECRET_KEY", "LEGAMI_FIELD_KEYS", "LEGAMI_ALLOWED_HOSTS"):
        assert f"export {name}=" in OPERATIONS, name
    assert env["LEGAMI_BEHIND_PROXY"] == "1" and "export LEGAMI_BEHIND_PROXY=1" in OPERATIONS
    assert "LEGAMI_DEBUG" not in env and len(env["LEGAMI_SECRET_KEY"]) >= 50


@pytest.mark.parametrize(
    ("who", "rule", "expected"),
    [
        ("anonymous", check.PUBLIC, {200}),
        ("citizen", check.PUBLIC, {200}),
        ("anonymous", {"coordinator"}, {302}),
        ("admin", {"coordinator"}, {404}),
        ("coordinator", {"coordinator"}, {200}),
        ("citizen", {"coordinator"}, {403}),
        ("admin", check.SUPERUSER, {200}),
        ("coordinator", check.SUPERUSER, {404}),
        ("anonymous", "login", {200}),
        ("funder", "login", {302}),
        ("coordinator", ("404", {"coordinator"}), {404}),
        ("citizen", ("404", {"coordinator"}), {403}),
        ("anonymous", "unknown", {404}),
        # A case's page: its team and the privacy officer read it, other case workers are told it does not exist.
        ("case_manager", check.CASE_TEAM, {200}),
        ("privacy_officer", check.CASE_TEAM, {200}),
        ("coordinator", check.CASE_TEAM, {404}),
        ("partner_staff", check.CASE_TEAM, {404}),
        ("sentinel", check.CASE_TEAM, {403}),
        ("anonymous", check.CASE_TEAM, {302}),
        ("admin", check.CASE_TEAM, {404}),
    ],
)
def test_expected_status(who, rule, expected):
    assert check.expected_status(who, rule) == expected


def test_every_page_of_the_check_has_an_address():
    assert {key for _label, key, _rule in check.PAGES} <= set(check.FIXTURES_SNIPPET.split('"'))
