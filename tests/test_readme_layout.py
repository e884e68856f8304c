"""README examples are laid out at a width where nothing is clipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from retracker import _docs

README = Path(__file__).resolve().parent.parent / "README.md"


def blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [m.group(2) for m in _docs.BLOCK.finditer(text) if m.group(2).startswith("$ ")]


def _body(output: str) -> str:
    """The output's characters after the table's rule (the header may spill differently)."""
    lines = output.splitlines()
    ruled = [i for i, line in enumerate(lines) if line and set(line) == {"─"}]
    return "".join(lines[ruled[0] + 1 :] if ruled else lines)


@pytest.mark.parametrize("name", blocks())
def test_no_readme_block_has_a_clipped_word(name: str, monkeypatch) -> None:
    output = _docs.run_command(name[2:])
    lines = [line for line in output.splitlines() if not line.startswith(("http://", "https://"))]
    assert all(cell_len(line) <= int(_docs.WIDTH) for line in lines)  # URLs are printed whole
    monkeypatch.setattr(_docs, "WIDTH", "400")
    wide = _docs.run_command(name[2:])
    # every character printed at 400 columns is printed at the README's width
    assert _letters(_body(output)) == _letters(_body(wide))


def _letters(text: str) -> list[str]:
    """The characters of the text, sorted, without spaces and box-drawing lines."""
    return sorted(ch for ch in text if not ch.isspace() and not 0x2500 <= ord(ch) <= 0x257F)


def test_readme_examples_are_shown_at_80_columns() -> None:
    """The README shows what a common terminal shows: 80 columns (issue 11 item 4)."""
    assert _docs.WIDTH == "80"
    text = README.read_text(encoding="utf-8")
    for m in _docs.BLOCK.finditer(text):
        if m.group(2).startswith("$ "):
            body = m.group(3).splitlines()[2:-1]  # the fence and the command line are not output
            wide = [line for line in body if cell_len(line) > 80 and not line.startswith("http")]
            assert wide == [], m.group(2)
