"""Long tables: streamed line by line in the same layout rich would give them."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from typer.testing import CliRunner

from retracker import grid
from retracker.cli import app
from retracker.grid import Column, Grid

from .conftest import LogBuilder

runner = CliRunner()


def sample() -> Grid:
    g = Grid([Column("Date", no_wrap=True), Column("Title", ratio=1, min_width=12), Column("Notes")])
    g.add_row("2025-10-09", "Export controls on overseas rare-earth items", "short")
    g.add_row("2025-11-07", "稀土相关物项出口管制措施暂停实施的公告", "a-very-long-identifier-without-spaces")
    g.add_row("2026-01-01", "", "")
    return g


def streamed(g: Grid, width: int) -> list[str]:
    chunks: list[str] = []
    g.stream(chunks.append, width)
    return "".join(chunks).split("\n")


def test_stream_prints_the_layout_rich_prints(width: int = 60) -> None:
    from rich.console import Console

    for width in (40, 60, 100):
        console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
        console.print(sample())
        assert console.file.getvalue().splitlines() == streamed(sample(), width)[:-1]


@pytest.mark.parametrize("width", [40, 60, 100])
def test_stream_fits_the_width_and_keeps_every_character(width: int) -> None:
    g = sample()
    lines = streamed(g, width)
    assert lines[-1] == ""
    assert lines[0].split()[:2] == ["Date", "Title"]
    assert all(cell_len(line) <= width for line in lines)
    body = "".join(lines[lines.index(next(x for x in lines if set(x) == {"─"})) + 1 :])
    expected = "".join(grid._plain(c) for r in g.rows for c in r)
    assert sorted(body.replace(" ", "")) == sorted(expected.replace(" ", ""))


def test_stream_aligns_columns_with_cjk_text() -> None:
    lines = streamed(sample(), 100)
    widths = sample().widths([tuple(r) for r in sample().rows], 100)
    notes_at = widths[0] + len(grid.GAP) + widths[1] + len(grid.GAP)
    assert any(line.rstrip().endswith("short") for line in lines)
    for line in lines:
        if line.rstrip().endswith("short"):
            assert cell_len(line) - len("short") == notes_at


def test_short_columns_never_wrap_and_the_ratio_column_takes_the_rest() -> None:
    g = sample()
    rows = [tuple(grid._plain(c) for c in r) for r in g.rows]
    date, title, notes = g.widths(rows, 80)
    assert date == 10
    assert 10 + 2 + title + 2 + notes <= 80
    assert title >= 12


def test_a_spilling_column_moves_under_the_row_when_it_would_be_too_narrow() -> None:
    g = Grid(
        [
            Column("Date", no_wrap=True),
            Column("Key", no_wrap=True),
            Column("Title", ratio=1, min_width=30, spill=1),
        ]
    )
    g.add_row(
        "2025-10-09",
        "CN-MOFCOM-GACC-2025-10",
        "Export controls on tungsten-, tellurium- and bismuth-related items",
    )
    wide = g.layout([tuple(r) for r in g.rows], 120)
    assert wide.spilled == []
    narrow = g.layout([tuple(r) for r in g.rows], 60)
    assert narrow.spilled == [2] and narrow.indent == 12
    lines = streamed(g, 60)
    assert lines[1] == " " * 12 + "Title"
    assert lines[3].split() == ["2025-10-09", "CN-MOFCOM-GACC-2025-10"]
    assert lines[4].startswith(" " * 12 + "Export controls")


@pytest.fixture
def many(log: LogBuilder, monkeypatch) -> Path:
    for n in range(1, 8):
        log.add(
            id=f"2025-01-0{n}-cn-antimony-{n}", date=f"2025-01-0{n}", materials=["Sb"], instrument_key=None
        )
    monkeypatch.setattr(grid, "STREAM_ROWS", 5)
    return log.root


@pytest.mark.parametrize("command", [["timeline"], ["show", "-e", "Sb"], ["status", "--on", "2025-06-01"]])
def test_long_listings_are_streamed_with_every_row(many: Path, command: list[str]) -> None:
    result = runner.invoke(app, ["--data", str(many), *command])
    assert result.exit_code == 0, result.output
    assert "─" * 20 in result.stdout and "┃" not in result.stdout
    ids = json.loads(runner.invoke(app, ["--data", str(many), *command, "--json"]).stdout)
    assert len(ids) == 7
    folded = result.stdout.replace(" ", "").replace("\n", "")
    for n in range(1, 8):
        assert f"2025-01-0{n}" in folded


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.text(alphabet=st.sampled_from(list("ab cd-ef稀土出口 ")), max_size=80),
    st.integers(1, 30),
)
def test_wrap_fits_and_loses_nothing(text: str, width: int) -> None:
    lines = grid._wrap(text, width)
    assert all(cell_len(line) <= max(width, 2) for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("count", [0, 1, 3, 1201])
def test_json_array_chunks_equal_one_dump(count: int) -> None:
    from retracker.render import dump_json, json_array_chunks

    items = [
        {"id": f"e{n}", "title": "多行\ntext", "list": [n, {"k": None}], "empty": {}} for n in range(count)
    ]
    assert "".join(json_array_chunks(iter(items))) == dump_json(items) + "\n"


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("abc -")), max_size=120), st.integers(1, 25))
def test_ascii_wrap_is_greedy_fits_and_loses_nothing(text: str, width: int) -> None:
    lines = grid._wrap(text, width)
    assert all(len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    rest = text.lstrip(" ")
    for line, following in itertools.pairwise(lines):  # greedy: the next word did not fit
        rest = rest[len(line) :]
        gap = len(rest) - len(rest.lstrip(" "))
        rest = rest[gap:]
        word = following.split(" ")[0]
        if word and len(word) <= width and gap:
            assert len(line) + gap + len(word) > width or not line.strip()
