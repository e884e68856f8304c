"""A second adversarial pass (issue 16, "fix the kind"): each test stands for a kind of
attack and fails on the code before its fix.

Through the CLI (CliRunner) where the environment does not matter, in a subprocess where it
does (argv bytes, closed pipes, locale).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from retracker.cli import app

from .conftest import REPO

runner = CliRunner()

QUERIES = [
    ["timeline"],
    ["status"],
    ["show", "-e", "Sb"],
    ["upcoming"],
    ["chart"],
    ["search", "rare"],
    ["export", "-f", "json"],
]
EDGES = [
    ("0001-01-01", "0001-01-01"),
    ("9999-12-31", "9999-12-31"),
    ("9999-12-31", "9999"),
    ("0001", "9999-12"),
]


@pytest.mark.parametrize("command", QUERIES, ids=lambda c: c[0] + ("-e" if "-e" in c else ""))
def test_the_first_and_last_days_of_the_calendar_are_dates_like_any_other(command: list[str]) -> None:
    """Date arithmetic at the edges (a day after 9999-12-31, before 0001-01-01) is never
    reported as "out of range": a window at the edge is a window like any other."""
    for since, until in EDGES:
        result = runner.invoke(
            app, ["--data", str(REPO / "data"), *command, "--since", since, "--until", until]
        )
        assert result.exit_code in (0, 2), (since, until, result.output)
        assert "out of range" not in result.output and "internal error" not in result.output, (
            command,
            since,
            until,
            result.output,
        )


# ===================================================== odd environments: the terminal's width

LISTINGS = [
    ["timeline"],
    ["status", "--on", "2025-11-20"],
    ["show", "-e", "Sb"],
    ["show", "CN-MOFCOM-2025-61"],
    ["upcoming", "--from", "2025-01-01"],
    ["search", "rare"],
    ["materials"],
    ["chart"],
]


@pytest.mark.parametrize("columns", ["0", "-3", "x", "1"])
def test_no_usable_width_never_means_no_output(monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    """COLUMNS=0 printed nothing at all (exit 0) from every listing: rich took the width at
    its word. A width of nothing reads as the default; a tiny one still shows every row."""
    monkeypatch.setenv("COLUMNS", columns)
    for command in LISTINGS:
        result = runner.invoke(app, ["--data", str(REPO / "data"), *command])
        assert result.exit_code == 0, (command, result.output)
        assert len(result.stdout.strip()) > 100, (command, columns, result.stdout)
