"""Long output is paged on a terminal, as git and gh page it; never when piped."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

from typer.testing import CliRunner

from retracker import terminal
from retracker.cli import app

DATA = Path(__file__).resolve().parent.parent / "data"


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run retracker with stdout on a pseudo-terminal; what reached the terminal."""
    master, slave = pty.openpty()
    seen: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.run(
        [sys.executable, "-m", "retracker", "--data", str(DATA), *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1", **env},
        timeout=120,
    )
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    assert proc.returncode == 0, proc.stderr
    return b"".join(seen).decode("utf-8", "replace")


def test_a_terminal_gets_the_pager(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    shown = _on_a_terminal(["timeline", "-e", "Sb"], {"PAGER": f"sh -c 'cat > {paged}'", "LESS": ""})
    assert "Handle" in paged.read_text(encoding="utf-8")
    assert "Handle" not in shown


def test_no_pager_and_pager_cat_print_straight_to_the_terminal(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    pager = {"PAGER": f"sh -c 'cat > {paged}'"}
    assert "Handle" in _on_a_terminal(["timeline", "-e", "Sb", "--no-pager"], pager)
    assert "Handle" in _on_a_terminal(["--no-pager", "timeline", "-e", "Sb"], pager)
    assert "Handle" in _on_a_terminal(["timeline", "-e", "Sb"], {"PAGER": "cat"})
    assert not paged.exists()


def test_a_pipe_is_never_paged(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    env = {**os.environ, "PAGER": f"sh -c 'cat > {paged}'", "COLUMNS": "80"}
    proc = subprocess.run(
        [sys.executable, "-m", "retracker", "--data", str(DATA), "timeline", "-e", "Sb"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0 and "Handle" in proc.stdout
    assert not paged.exists()
    assert CliRunner().invoke(app, ["--data", str(DATA), "timeline", "-e", "Sb"], env=env).exit_code == 0
    assert not paged.exists()


def test_the_pager_command(monkeypatch) -> None:
    monkeypatch.setenv("PAGER", "less -S")
    monkeypatch.delenv("RETRACKER_PAGER", raising=False)
    assert terminal.pager_argv() == ["less", "-S"]
    monkeypatch.setenv("RETRACKER_PAGER", "cat")
    assert terminal.pager_argv() is None
    monkeypatch.delenv("RETRACKER_PAGER")
    monkeypatch.delenv("PAGER")
    assert terminal.pager_argv() == ["less"]
