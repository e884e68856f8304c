"""What a person sees: no character lost at a line break, no value cut inside a word,
every listing's columns at 80 columns, one sentence for an empty answer."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from typer.testing import CliRunner

from retracker import grid, model, vocab
from retracker.cli import app
from retracker.dataset import load_dataset

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@cache
def bundled():
    return load_dataset(DATA)


@cache
def vocabulary() -> list[str]:
    """Every value of a fixed vocabulary, and every id and handle of the bundled log."""
    from retracker.handles import entries_of, handles

    ds = bundled()
    values = list(vocab.MATERIALS)
    values += [m.name for m in vocab.MATERIALS.values()] + [m.name_zh for m in vocab.MATERIALS.values()]
    values += vocab.country_codes() + [vocab.country_name(c) for c in vocab.country_codes()]
    values += list(model.KINDS)
    values += [e.id for e in ds.events] + [e.date.isoformat() for e in ds.events]
    values += list(handles(entries_of(ds.events)).values())
    return sorted(set(values))


def _broken_inside_a_word(para: str, lines: list[tuple[int, int]]) -> list[str]:
    """Breaks that fall between two letters or digits of the same word."""
    bad = []
    for (_, end), (start, _) in itertools.pairwise(lines):
        if end == start and para[end - 1].isalnum() and para[start].isalnum():
            bad.append(f"{para[max(0, end - 10) : end]}|{para[start : start + 10]}")
    return bad


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.data(), st.integers(20, 200), st.sampled_from([", ", " ", "; "]), st.booleans())
def test_no_character_is_lost_and_no_value_is_cut_inside_a_word(data, width, sep, hyphens) -> None:
    values = data.draw(st.lists(st.sampled_from(vocabulary()), min_size=1, max_size=12))
    para = sep.join(values)
    lines = grid.spans(para, width, hyphens)
    # nothing but the spaces at a break is dropped, and the lines are in order
    rebuilt = ""
    position = 0
    for start, end in lines:
        assert para[position:start].strip(" ") == "", (para, lines)
        rebuilt += para[start:end]
        position = end
    assert para[position:].strip(" ") == ""
    assert rebuilt.replace(" ", "") == para.replace(" ", "")
    assert all(cell_len(para[s:e]) <= width for s, e in lines)
    assert not _broken_inside_a_word(para, lines)
    if all(cell_len(word) <= width for word in para.split(" ")):  # then only at spaces
        for _start, end in lines:
            assert end == len(para) or para[end] == " "


@pytest.mark.parametrize("value", ["rare-earths", "critical-minerals", "rare-earth-technology"])
@pytest.mark.parametrize("width", range(4, 24))
def test_the_reported_words_keep_every_letter(value: str, width: int) -> None:
    lines = grid._wrap(f"{value}, {value}", width)
    assert "".join(lines).replace(" ", "").replace(",", "") == value.replace(" ", "") * 2


def _render(args: list[str], columns: int) -> str:
    env = {"COLUMNS": str(columns), "NO_COLOR": "1", "TERM": "dumb"}
    result = runner.invoke(app, ["--data", str(DATA), *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


LISTINGS = [
    ["timeline"],
    ["show", "-e", "Sb"],
    ["status", "--on", "2026-01-01"],
    ["upcoming", "--from", "2025-01-01", "--days", "730"],
    ["search", "rare earth"],
]


@settings(max_examples=8, deadline=None, derandomize=True)
@given(st.integers(80, 200), st.sampled_from(LISTINGS))
def test_listings_fit_and_print_handles_dates_and_values_whole(columns: int, args: list[str]) -> None:
    out = _render(args, columns)
    lines = out.splitlines()
    assert lines and all(cell_len(line) <= columns for line in lines), max(map(cell_len, lines))
    words = {w for line in lines for w in line.split()}
    rows = json.loads(_render([*args, "--json"], columns))
    from retracker.handles import entries_of, handles

    names = handles(entries_of(bundled().events))
    for row in rows:
        event_id = row.get("id")
        if event_id in names:
            assert names[event_id] in words, names[event_id]
        for key in ("date", "since"):
            if isinstance(row.get(key), str):
                assert row[key] in words
    if args[0] in ("timeline", "search"):
        from retracker.render import materials_cell

        for row in rows:
            for value in materials_cell(row["materials"]).split():
                assert value in words or value + "," in words, value


@pytest.mark.parametrize("args", [*LISTINGS, ["materials"], ["countries"]])
def test_every_column_is_shown_at_80_columns(args: list[str]) -> None:
    out = _render(args, 80)
    head = " ".join(out.splitlines()[:2])
    expected = {
        "timeline": ["Date", "Handle", "From → to", "Kind", "Title", "Materials"],
        "show": ["Date", "Handle", "Issuer", "Kind", "Status", "Title", "Reason"],
        "status": ["Status", "Handle", "Since", "Until", "Measure", "Reason"],
        "upcoming": ["Date", "Handle", "Change", "From → to", "Measure"],
        "search": ["Date", "Handle", "From → to", "Kind", "Title", "Materials"],
        "materials": ["Key", "Name", "中文", "Type", "Members"],
        "countries": ["Code", "Name", "中文"],
    }[args[0]]
    for header in expected:
        assert header in head, (header, head)
    assert all(cell_len(line) <= 80 for line in out.splitlines())


def test_a_handle_is_printed_for_each_row_and_show_accepts_an_instrument_key() -> None:
    out = _render(["timeline", "--since", "2025-10-09", "--until", "2025-10-09"], 80)
    assert "CN-MOFCOM-2025-61" in out.split()


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ["timeline", "-e", "Sb", "--since", "2010", "--until", "2010"],
            "no events match: material Sb, 2010",
        ),
        (["show", "-e", "Sb", "-k", "deal"], "no events match: material Sb, kind deal"),
        (["search", "zzzyxq"], "no events match: 'zzzyxq'"),
    ],
)
def test_an_empty_answer_is_one_sentence(args: list[str], sentence: str) -> None:
    result = runner.invoke(app, ["--data", str(DATA), *args], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert result.stdout == ""
    assert sentence in result.stderr


def test_a_real_terminal_width_is_honoured_in_a_subprocess() -> None:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "retracker", "--data", str(DATA), "timeline", "-e", "rare-earths"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    lines = proc.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    assert "rare-eart" not in [w.rstrip(",") for line in lines for w in line.split()]
