"""Data text never reaches the terminal as a control sequence; streamed tables keep tabs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker import grid
from retracker.cli import app
from retracker.grid import Column, Grid
from retracker.terminal import clean

from .conftest import LogBuilder

runner = CliRunner()
HOSTILE = "Clear\x1b[2J the screen, \x1b]0;title\x07 retitle, \u202eevil\u202c and \x9b31m C1"


def test_clean_makes_every_control_visible() -> None:
    out = clean(HOSTILE)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in out)
    assert "\u202e" not in out and "<U+202E>" in out and "␛[2J" in out
    assert clean("a\tb") == "a b" and clean("a\nb") == "a\nb" and clean("a\nb", newlines=False) == "a b"
    assert clean("plain text, 稀土") == "plain text, 稀土"


@pytest.mark.parametrize("stream", [False, True])
def test_grid_cells_are_cleaned_and_tabs_keep_their_text(stream: bool, monkeypatch) -> None:
    g = Grid([Column("Title", ratio=1), Column("Note")])
    g.add_row(HOSTILE, "tab\tseparated\tcontent that goes on")
    for _ in range(3):
        g.add_row("row", "x")
    if stream:
        chunks: list[str] = []
        g.stream(chunks.append, 60)
        out = "".join(chunks)
    else:
        import io

        from rich.console import Console

        console = Console(file=io.StringIO(), width=60, color_system=None)
        console.print(g)
        out = console.file.getvalue()
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    for word in ("tab", "separated", "content", "that", "goes", "on"):
        assert word in out.split()


@pytest.fixture
def hostile_log(log: LogBuilder) -> Path:
    log.add(title=HOSTILE, summary=HOSTILE, title_zh=None)
    return log.root


@pytest.mark.parametrize(
    "args",
    [
        ["timeline"],
        ["show", "-e", "Dy"],
        ["status", "--on", "2025-06-01"],
        ["search", "screen"],
        ["show", "CN-MOFCOM-GACC-2025-18"],
    ],
)
def test_no_command_prints_a_control_sequence_from_the_data(hostile_log: Path, args, monkeypatch) -> None:
    for rows in (grid.STREAM_ROWS, 0):
        monkeypatch.setattr(grid, "STREAM_ROWS", rows)
        result = runner.invoke(app, ["--data", str(hostile_log), "--no-cache", *args])
        if result.exit_code != 0:  # the loader or lint may refuse the text outright: also safe
            assert "\x1b" not in result.output
            continue
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout, args
        assert "␛" in result.stdout or "<U+202E>" in result.stdout
