from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SUCCESSDESK = str(Path(sys.executable).with_name("successdesk"))


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SUCCESSDESK, *args],
        capture_output=True,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **(env or {}),
        },
        timeout=120,
        check=False,
    )


@pytest.fixture
def database_url(tmp_path: Path) -> dict[str, str]:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    assert run("migrate", "--noinput", env=env).returncode == 0
    return env


@pytest.mark.slow  # migrates a fresh database and loads the demo twice, in subprocesses
def test_demo_is_idempotent_and_createtoken_prints_the_token_alone(
    database_url: dict[str, str],
) -> None:
    first = run("demo", env=database_url)
    second = run("demo", env=database_url)
    assert first.returncode == second.returncode == 0
    assert "dc@northwind.example" in second.stdout
    count = (
        "from successdesk.accounts.models import User, Customer;"
        "from successdesk.cases.models import Case;"
        "print(User.objects.count(), Customer.objects.count(), Case.objects.count())"
    )
    after_two = run("shell", "--no-imports", "-c", count, env=database_url).stdout.split()
    assert run("demo", env=database_url).returncode == 0
    after_three = run("shell", "--no-imports", "-c", count, env=database_url).stdout.split()
    assert after_two == after_three
    users, customers, cases = map(int, after_three)
    assert users >= 7 and customers >= 2 and cases > 0

    token = run("createtoken", "dc@northwind.example", env=database_url)
    assert token.returncode == 0
    assert token.stdout.strip().startswith("sd_")
    assert len(token.stdout.strip().splitlines()) == 1

    missing = run("createtoken", "nobody@example.com", env=database_url)
    assert missing.returncode != 0 and missing.stdout == ""
    assert "No active user" in missing.stderr


def test_production_settings_refuse_to_start_without_a_real_secret_key() -> None:
    env = {"DJANGO_SETTINGS_MODULE": "successdesk.config.production", "SECRET_KEY": ""}
    result = run("check", env=env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deploy_check_with_zero_warnings() -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "successdesk.config.production",
        "SECRET_KEY": "x7" * 20 + "abcdefghijklmnopqrstuvwxyz",
    }
    result = run("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr
