"""`make run` as a newcomer meets it: the demo data once, the port and SITE_URL together,
the product's own error pages (DEBUG off)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[1]


def dry_run(*args: str) -> str:
    """What `make run` would execute (make -n: nothing is run)."""
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


def test_make_run_loads_the_demo_data_once_and_prints_its_sign_ins() -> None:
    commands = [line for line in dry_run().splitlines() if " demo" in line]
    assert len(commands) == 1
    assert "--quiet-sign-ins" not in commands[0]


def test_another_port_moves_site_url_with_it_unless_site_url_is_set() -> None:
    assert "SITE_URL='http://127.0.0.1:8010'" in dry_run("PORT=8010")
    assert "runserver --noreload 127.0.0.1:8010" in dry_run("PORT=8010")
    chosen = dry_run("PORT=8010", "SITE_URL=https://support.example.com")
    assert "SITE_URL='https://support.example.com'" in chosen


def test_the_demo_runs_with_debug_off_so_a_404_is_the_products_own_page() -> None:
    commands = dry_run()
    assert "DEBUG=1" not in commands and "DEBUG=''" in commands
