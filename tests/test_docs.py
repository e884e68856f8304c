"""The README stays true: generated blocks are current, every command is documented."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from retracker._docs import regenerate
from retracker.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_generated_blocks_are_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert regenerate(text) == text, "run: python -m retracker._docs README.md"


def test_every_command_is_in_the_readme_and_has_help() -> None:
    text = README.read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert names, "no commands registered"
    for name in names:
        assert f"retracker {name}" in text, name
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0 and len(result.stdout) > 100, name


def test_readme_holds_the_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "pip install . && retracker timeline" in text
    assert "pip install '.[test]' && pytest" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q '.[test]'" in ci and "\npytest\n" in ci


def test_pre_commit_hook_entry_runs_lint_on_changed_files(tmp_path) -> None:
    """The hook's entry, given the files pre-commit would pass, lints them in context."""
    import re
    import shlex

    import yaml

    (hook,) = yaml.safe_load((README.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "retracker-lint" and hook["require_serial"] is True
    event = next((README.parent / "data" / "events").rglob("*.yaml"))
    assert re.search(hook["files"], event.relative_to(README.parent).as_posix())
    args = [*shlex.split(hook["entry"])[1:], str(event)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
