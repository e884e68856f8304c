"""lint prints byte for byte what it printed before it was made faster (issue 11 item 2).

``tests/fixtures/lint-golden/log`` is a small log: 60 generated events that carry warnings
(``bench/gen_events.py 60 DIR 7 --warnings``), a copy of one under another name (RT201,
RT202), and the hostile and schema-bad fixtures as event files (every kind of error).
``expected/*.out`` is what ``retracker lint`` printed on it, in each format, before the
speed work (commit a60b658); paths given on the command line print as given, the context's
as found (the fixture folder is removed from them below).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "fixtures" / "lint-golden"
EXPECTED = HERE / "expected"

CASES = {
    "text": ["--data", "log", "lint", "--enable", "RT307"],
    "json": ["--data", "log", "lint", "--enable", "RT307", "--format", "json"],
    "github": ["--data", "log", "lint", "--enable", "RT307", "--format", "github"],
    "quiet": ["--data", "log", "lint", "-q", "--enable", "RT307"],
    "ignore": ["--data", "log", "lint", "--ignore", "RT305", "--ignore", "RT303"],
    "default": ["--data", "log", "lint"],
    "files": ["lint", "log/events/2025", "log/events/2024"],
}


def _relative(text: str) -> str:
    return text.replace(str(HERE) + os.sep, "")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("RETRACKER_", "GITHUB_"))}


@pytest.mark.parametrize("case", sorted(CASES))
def test_lint_output_is_unchanged(case: str) -> None:
    """Each case in a fresh process: the bytes it writes, whatever ran before in this one."""
    proc = subprocess.run(
        [sys.executable, "-m", "retracker", *CASES[case]], cwd=HERE, env=_env(), capture_output=True
    )
    assert proc.returncode == 1, proc.stderr
    assert _relative(proc.stdout.decode("utf-8")) == (EXPECTED / f"{case}.out").read_text(encoding="utf-8")
    if case == "text":
        assert proc.stdout == (EXPECTED / "text.out").read_bytes()
        assert proc.stderr.startswith(b"127 file(s): 71 error(s), 94 warning(s)\n")


def test_a_relative_log_in_another_folder_is_not_taken_for_this_one(tmp_path: Path, monkeypatch) -> None:
    """Folder checks are cached by absolute path: the same relative path from another working
    folder is another folder (it once made every file of a year 'outside the data directory')."""
    from retracker.lint import lint_paths

    other = tmp_path / "log" / "events" / "2024"
    other.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    from retracker.dataset import _stray_file

    _stray_file(Path("log/events/2024/x.yaml"), (tmp_path / "elsewhere").resolve())
    monkeypatch.chdir(HERE)
    found = lint_paths(data="log").diagnostics
    assert not [d for d in found if d.code == "RT013"]
