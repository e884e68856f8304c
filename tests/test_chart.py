"""`chart`: rows labelled by instrument, axis labels apart, today and coverage marked, the
window set by --since/--until, a page-ready SVG/HTML, cost per change point."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from retracker import chart
from retracker.cli import app

runner = CliRunner()
DATA = Path(__file__).resolve().parent.parent / "data"
ENV = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}


def draw(*args: str, columns: int = 80) -> str:
    result = runner.invoke(app, ["--data", str(DATA), "chart", *args], env={**ENV, "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_rows_are_labelled_by_instrument() -> None:
    out = draw("-e", "rare-earths", "--since", "2025")
    labels = [line[:27].strip() for line in out.splitlines()]
    assert "MOFCOM 61/2025" in labels
    assert not any(re.match(r"\d{4}-\d\d-\d\d ", label) for label in labels)


@pytest.mark.parametrize(
    "args", [(), ("-e", "Sb"), ("--since", "2010"), ("--since", "2025-01", "--until", "2025-03")]
)
def test_axis_labels_never_touch_and_lines_fit(args: tuple[str, ...]) -> None:
    out = draw(*args)
    axis = out.splitlines()[0]
    assert not re.search(r"\d{5}", axis), axis
    assert re.search(r"\b20\d\d\b", axis)
    assert all(cell_len(line) <= 80 for line in out.splitlines())


def test_today_and_the_coverage_date_are_marked() -> None:
    out = draw("--since", "2025", "--until", "2027")
    assert re.search(r"today \d{4}-\d\d-\d\d ▼", out)
    assert re.search(r"coverage 2026-06-30 ▼|▼ coverage 2026-06-30", out)


def test_since_and_until_set_the_window_not_the_events() -> None:
    out = draw("--since", "2026-01", "--until", "2026-03")
    axis = out.splitlines()[0]
    assert "2026" in axis and "2025" not in axis
    assert "MOFCOM 46/2024" in out  # announced in 2024, in force in the window
    assert "2026-01-01 to 2026-03-31" in out


def test_svg_and_html_are_laid_out_for_the_page(tmp_path: Path) -> None:
    svg, page = tmp_path / "c.svg", tmp_path / "c.html"
    result = runner.invoke(
        app,
        ["--data", str(DATA), "chart", "-e", "Sb", "--since", "2024", "--svg", str(svg), "--html", str(page)],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    text = svg.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag.endswith("svg")
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "MOFCOM 33/2024" in labels
    assert any(label and len(label) > 27 and "…" not in label for label in labels)  # full labels
    caption = [label for label in labels if label and label.startswith("retracker chart:")]
    assert caption and "material Sb" in caption[0] and "reviewed up to 2026-06-30" in caption[0]
    for body in (text, page.read_text(encoding="utf-8")):
        assert re.findall(r"https?://[^\"' ]+", body) == ["http://www.w3.org/2000/svg"]
        assert "@import" not in body and "@font-face" not in body
    assert "<figcaption>" in page.read_text(encoding="utf-8")


def test_data_text_in_labels_is_escaped_and_inert() -> None:
    class Event:
        instrument_key = None
        instrument = "Evil \x1b]0;pwned\x07 <b>&"
        title = "t"
        title_zh = None

    assert chart.instrument_label(Event()) == Event.instrument
    picture = chart.Chart(dt.date(2025, 1, 1), dt.date(2025, 12, 31), [], dt.date(2025, 6, 1), None, "c")
    picture.rows.append(chart.Row(Event(), "Evil \x1b]0;pwned\x07 <b>&"))
    assert "\x1b" not in chart.svg(picture) and "<b>" not in chart.svg(picture)


def test_the_chart_asks_spans_never_a_status_per_cell(monkeypatch) -> None:
    from retracker.status import StatusEngine

    def per_day(*args, **kwargs):
        raise AssertionError("chart asked a status per day")

    monkeypatch.setattr(StatusEngine, "status", per_day)
    out = draw("-e", "Sb", columns=2000)
    assert "MOFCOM 33/2024" in out


def test_a_very_wide_terminal_is_fast() -> None:
    env = {**os.environ, "COLUMNS": "100000", "NO_COLOR": "1"}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "retracker", "--data", str(DATA), "chart", "-e", "Sb"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert time.perf_counter() - started < 15
    assert max(len(line) for line in proc.stdout.splitlines()) <= 100000


def _picture(*rows: tuple[str, list[tuple[str, str, str]]]) -> chart.Chart:
    """A chart of 2025 with rows of (label, [(status, first day, last day)])."""
    picture = chart.Chart(dt.date(2025, 1, 1), dt.date(2025, 12, 31), [], dt.date(2025, 6, 1), None, "cap")
    for label, runs in rows:
        found = [chart.Run(dt.date.fromisoformat(a), dt.date.fromisoformat(b), s) for s, a, b in runs]
        picture.rows.append(chart.Row(None, label, found))  # type: ignore[arg-type]
    return picture


SVG = "{http://www.w3.org/2000/svg}"


def test_a_long_label_is_shortened_on_the_page_and_never_reaches_its_bar() -> None:
    title = "MOFCOM and GACC publish the 2026 dual-use items and technologies import/export licence catalogue"
    root = ET.fromstring(chart.svg(_picture((title, [("in-force", "2025-01-01", "2025-12-31")]))))
    label = next(t for t in root.iter(f"{SVG}text") if (t.text or "").startswith("MOFCOM and GACC"))
    assert len(label.text) == chart.PAGE_LABEL_MAX and label.text.endswith("…")
    assert label.find(f"{SVG}title").text == title  # the tooltip holds it all
    bar = next(r for r in root.iter(f"{SVG}rect") if r.get("fill") == chart.BAR["in-force"][2])
    assert 8 + chart.CHAR_WIDTH * len(label.text) < float(bar.get("x"))


def test_every_status_drawn_has_a_colour_and_the_legend_names_only_those() -> None:
    picture = _picture(
        ("A", [("in-force", "2025-01-01", "2025-05-31"), ("superseded", "2025-06-01", "2025-12-31")]),
    )
    text = chart.svg(picture)
    fills = {r.get("fill") for r in ET.fromstring(text).iter(f"{SVG}rect")}
    assert chart.BAR["superseded"][2] in fills and "#ffffff" in fills  # the background only
    assert chart.shown_statuses(picture) == ["in-force", "superseded"]
    legend = [t.text for t in ET.fromstring(text).iter(f"{SVG}text")]
    assert "superseded" in legend and "announced" not in legend and "revoked" not in legend
    terminal = "\n".join(line.plain for line in chart.terminal(picture, 80).renderables)
    assert "- superseded" in terminal and "revoked" not in terminal


def test_a_page_gives_the_caption_once() -> None:
    picture = _picture(("A", [("in-force", "2025-01-01", "2025-12-31")]))
    texts = [t.text for t in ET.fromstring(chart.svg(picture)).iter(f"{SVG}text")]
    assert "cap" in texts  # a standalone --svg file carries its caption
    page = chart.html_page(picture)
    assert page.count("<figcaption>cap</figcaption>") == 1
    assert ">cap</text>" not in page  # the picture does not print it again above the figcaption
