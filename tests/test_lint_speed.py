"""lint parses each file once, whatever the warnings (issue 11 item 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker import yamlio
from retracker.cli import app
from retracker.dataset import load_dataset
from retracker.lint import PER_EVENT, REGISTRY, lint_paths, run_checks

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def warned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 generated events whose files carry warnings (RT307, RT305, RT303), as bench/ makes."""
    root = tmp_path_factory.mktemp("warned") / "log"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "gen_events.py"), "300", str(root), "7", "--warnings"],
        check=True,
        capture_output=True,
    )
    return root


def test_the_generated_log_carries_warnings_and_no_errors(warned: Path) -> None:
    result = lint_paths(data=warned, enable=["RT307"])  # RT307 is opt-in
    assert result.errors == []
    codes = {d.code for d in result.warnings}
    assert {"RT307", "RT305", "RT303"} <= codes
    assert len(result.warnings) > 300


@pytest.mark.parametrize("log", ["warned", "real"])
def test_one_event_checks_find_the_same_at_load_time(log: str, warned: Path) -> None:
    """Every check in PER_EVENT gives the same findings, at the same places, whether run per
    file while it is parsed (what lint does) or over the whole loaded log."""
    root = warned if log == "warned" else REPO / "data"
    ds = load_dataset(root, keep_documents=True)
    whole = sorted(set(run_checks(ds, select=PER_EVENT)))
    at_load = sorted(d for d in lint_paths(data=root, enable=["RT307"]).diagnostics if d.code in PER_EVENT)
    assert at_load == whole
    assert all(REGISTRY[code].run is not None for code in PER_EVENT)


def test_each_file_is_parsed_once(warned: Path, monkeypatch) -> None:
    calls: list[int] = []
    real = yamlio.load_text
    # dataset.yaml (the only file with schema_version) is read for its metadata and checked
    # against its own model; what must not grow with the warnings is the event files' parses
    monkeypatch.setattr(
        yamlio, "load_text", lambda text: calls.append("schema_version" not in text) or real(text)
    )
    result = lint_paths(data=warned, enable=["RT307"])
    files = len(list((warned / "events").rglob("*.yaml")))
    assert len(result.warnings) > files  # more findings than files ...
    # ... and still one parse per event file; only a cross-file finding parses its file again
    cross_file = {d.path for d in result.diagnostics if d.code not in PER_EVENT}
    assert files <= sum(calls) <= files + len(cross_file)


def test_ignored_codes_are_not_checked(warned: Path, monkeypatch) -> None:
    import retracker.lint as lint

    seen: list[str] = []
    real = lint._diag
    monkeypatch.setattr(
        lint, "_diag", lambda ds, e, loc, code, *a, **k: seen.append(code) or real(ds, e, loc, code, *a, **k)
    )
    result = lint_paths(data=warned, ignore=["RT305"])
    assert "RT305" not in seen and "RT305" not in {d.code for d in result.diagnostics}
    assert "RT303" in seen


def test_lint_ignore_and_quiet_through_the_cli(warned: Path) -> None:
    full = runner.invoke(app, ["--data", str(warned), "lint"])
    ignored = runner.invoke(app, ["--data", str(warned), "lint", "--ignore", "RT305"])
    quiet = runner.invoke(app, ["--data", str(warned), "lint", "--quiet"])
    assert full.exit_code == ignored.exit_code == quiet.exit_code == 0
    assert "RT305" in full.stdout and "RT305" not in ignored.stdout
    assert quiet.stdout.strip() == ""
    assert "warning(s) (not listed: --quiet)" in quiet.stderr
    bad = runner.invoke(app, ["--data", str(warned), "lint", "--ignore", "RT999"])
    assert bad.exit_code == 2 and "unknown lint code" in bad.stderr
