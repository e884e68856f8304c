"""The browser tests' gate: without Chromium they skip with one summary line, and with
RETRACKER_BROWSER_TESTS=required (as .ci/run sets) they fail. Run as a real pytest subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ONE_TEST = "tests/browser/test_harness.py"


def _pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "RETRACKER_BROWSER_TESTS"}
    full_env.update(RETRACKER_CHROMIUM=str(tmp_path / "no-chromium"), **env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(tmp_path / "bt"),
            ONE_TEST,
        ],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_chromium_the_browser_tests_skip_with_one_line(tmp_path: Path) -> None:
    run = _pytest(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    skipped = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, run.stdout
    assert "no Chromium at" in skipped[0] and "no-chromium" in skipped[0]
    assert " passed" not in run.stdout


def test_required_makes_a_missing_chromium_a_failure(tmp_path: Path) -> None:
    run = _pytest(tmp_path, RETRACKER_BROWSER_TESTS="required")
    assert run.returncode != 0, run.stdout
    assert "RETRACKER_BROWSER_TESTS=required, but no Chromium at" in run.stdout
    assert "skipped" not in run.stdout.splitlines()[-1]


def test_the_screenshot_tool_says_when_there_is_no_chromium(tmp_path: Path, monkeypatch, capsys) -> None:
    from retracker import _screenshot

    monkeypatch.setenv("RETRACKER_CHROMIUM", str(tmp_path / "no-chromium"))
    assert _screenshot.main([str(tmp_path / "x.png")]) == 2
    assert f"no Chromium at {tmp_path / 'no-chromium'}" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()
