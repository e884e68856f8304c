"""`retracker figures` (issue 13): the library (listing filters, marks, the terminal chart, SVG,
CSV, JSON, the SQLite tables) and the commands (figures, show, export --series) through
CliRunner and a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from retracker import figures as figs
from retracker import load_dataset
from retracker.cli import app
from retracker.query import Filters
from retracker.series import load_series

from .conftest import LogBuilder, series_dict, write_series

REPO = Path(__file__).resolve().parent.parent
SERIES = "cn-exports-test-world"
MEASURE = "2025-04-04-cn-mofcom-gacc-18-test-measure"


@pytest.fixture
def log(tmp_path: Path) -> LogBuilder:
    """A log with a magnet control (in force 2025-04-04), its suspension from 2025-06-01, an
    unrelated gallium measure, and the test series on rare-earth magnets."""
    builder = LogBuilder(tmp_path / "log")
    builder.add(materials=["rare-earth-magnets", "Dy"])
    builder.add(
        id="2025-06-01-cn-mofcom-99-suspension",
        date="2025-06-01",
        kind="suspension",
        instrument_key=None,
        instrument=None,
        title="Suspension of the test measure",
        materials=["rare-earth-magnets"],
        ends="2026-06-01",
        relations=[{"type": "suspends", "target": MEASURE}],
    )
    builder.add(
        id="2025-03-01-cn-mofcom-gallium-test",
        date="2025-03-01",
        instrument_key="CN-MOFCOM-2025-7",
        materials=["Ga"],
    )
    write_series(builder.root / "series", series_dict())
    gallium = series_dict(id="cn-exports-gallium-us", materials=["Ga"], unit="kg", partner="US")
    gallium["totals"] = []
    write_series(builder.root / "series", gallium)
    return builder


def run(log: LogBuilder, *args: str, columns: int = 80):
    env = {"COLUMNS": str(columns), "TERMINAL_WIDTH": str(columns)}
    return CliRunner().invoke(app, ["--data", str(log.root), *args], env=env)


def picture(log: LogBuilder, **kw) -> figs.Plot:
    found = load_series(log.root)
    return figs.plot(found.get(SERIES), ds=load_dataset(log.root), **kw)


def rendered(renderable, width: int = 80) -> list[str]:
    console = Console(width=width, no_color=True, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text().splitlines()


# ------------------------------------------------------------------ library


def test_matching_reads_element_and_country_as_other_commands_do(log: LogBuilder) -> None:
    found = load_series(log.root)
    ids = lambda **kw: [s.id for s in figs.matching(found, Filters.build(**kw))]  # noqa: E731
    assert ids() == ["cn-exports-gallium-us", SERIES]
    assert ids(material="gallium") == ["cn-exports-gallium-us"]
    assert ids(material="Dy") == [SERIES]  # a magnet series is found from a rare earth, widened
    assert ids(material="Dy", exact=True) == []
    assert ids(country="US") == ["cn-exports-gallium-us"]
    assert ids(country="China") == ["cn-exports-gallium-us", SERIES]


def test_marks_line_up_status_changes_of_measures_on_the_materials(log: LogBuilder) -> None:
    p = picture(log)
    texts = [(str(m.date), m.text()) for m in p.marks]
    assert ("2025-04-04", "MOFCOM-GACC 18/2025 in force") in texts
    assert ("2025-06-01", "MOFCOM-GACC 18/2025 suspended") in texts
    assert not any("MOFCOM 7/2025" in t for _, t in texts)  # gallium: another material


def test_a_measure_in_force_before_the_window_is_standing(log: LogBuilder) -> None:
    p = picture(log, since=figs.ser.period_start("2025-05"))
    standing = [m for m in p.marks if m.standing]
    assert [m.text() for m in standing] == ["MOFCOM-GACC 18/2025 in force (since 2025-04-04)"]
    assert [m.what for m in p.marks if not m.standing] == ["suspended"]


def test_the_terminal_chart_fits_80_columns_and_tells_kinds_apart(log: LogBuilder) -> None:
    lines = rendered(figs.terminal(picture(log), 80), 80)
    assert all(cell_len(line) <= 80 for line in lines)
    text = "\n".join(lines)
    for char in ("█", "▒", "▓", "·"[:0]):
        assert char in text
    assert "MOFCOM-GACC 18/2025 in force" in text and "suspended" in text
    assert "combined months" in text  # 2025-01/2025-02 is drawn as one wide bar
    axis = next(line for line in lines if line.strip().startswith("J"))
    assert axis.split() == ["J", "F", "M", "A", "M", "J"]


def test_the_chart_column_of_each_month_holds_its_kind(log: LogBuilder) -> None:
    lines = rendered(figs.terminal(picture(log), 80), 80)
    bottom = next(i for i, line in enumerate(lines) if "└" in line) - 1
    axis = lines[bottom + 2]
    columns = [i for i, ch in enumerate(axis) if ch != " "]
    row = lines[bottom]
    kinds = [row[i] for i in columns]
    # Jan/Feb combined (stated), Mar, Apr stated, May derived, Jun disputed
    assert kinds == ["█", "█", "█", "█", "▒", "▓"]


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_the_chart_never_passes_the_width(log: LogBuilder, width: int) -> None:
    for lang in ("en", "zh"):
        lines = rendered(figs.terminal(picture(log, lang=lang), width, lang), width)
        assert all(cell_len(line) <= width for line in lines), lang


def test_a_long_series_keeps_its_latest_months_on_a_narrow_terminal(tmp_path: Path) -> None:
    data = series_dict(id="cn-exports-long-world", totals=[])
    data["points"] = [
        {
            "period": f"{2000 + i // 12}-{i % 12 + 1:02d}",
            "value": i,
            "sources": [{"url": "https://e.org", "kind": "data", "publisher": "P", "quote": str(i)}],
        }
        for i in range(120)
    ]
    path = write_series(tmp_path / "series", data)
    found = load_series(tmp_path)
    assert found.errors == [], found.diagnostics
    p = figs.plot(found.get(data["id"]))
    lines = rendered(figs.terminal(p, 60), 60)
    assert "2009" in "\n".join(lines) and "earlier months not shown" in "\n".join(lines)
    assert path.exists()


def test_svg_is_well_formed_and_escapes_the_data(log: LogBuilder, tmp_path: Path) -> None:
    p = picture(log)
    svg = figs.svg(p)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert 'fill="url(#derived)"' in svg and "stroke-dasharray" in svg
    assert "MOFCOM-GACC 18/2025 in force" in svg
    hostile = series_dict(
        id="cn-exports-hostile-world", title='<script>alert("x")</script> & \x1b[2J', totals=[]
    )
    write_series(tmp_path / "series", hostile)
    s = load_series(tmp_path).series
    assert s == []  # the control character makes it a lint error: left out
    hostile["title"] = '<script>alert("x")</script> & co'
    write_series(tmp_path / "series", hostile)
    text = figs.svg(figs.plot(load_series(tmp_path).get("cn-exports-hostile-world")))
    ET.fromstring(text)
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_csv_long_format(log: LogBuilder) -> None:
    found = load_series(log.root)
    rows = list(csv.DictReader(io.StringIO(figs.csv_text(figs.csv_rows([found.get(SERIES)])))))
    assert list(rows[0]) == list(figs.CSV_FIELDS)
    assert [r["period"] for r in rows] == ["2025-01/2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    may = rows[3]
    assert (may["derived"], may["disputed"], may["unit"]) == ("true", "false", "t")
    assert rows[4]["disputed"] == "true"
    assert rows[2]["source_urls"] == "https://example.org/page"


def test_json_of_a_plot(log: LogBuilder) -> None:
    payload = figs.plot_json(picture(log))
    assert payload["series"]["id"] == SERIES and "points" not in payload["series"]
    assert payload["points"][0]["period"] == "2025-01/2025-02"
    assert payload["totals"][0]["adds_up"] is True
    assert {"date": "2025-04-04", "change": "in-force"}.items() <= payload["marks"][0].items()
    json.dumps(payload)


def test_sparkline(log: LogBuilder) -> None:
    s = load_series(log.root).get(SERIES)
    line = figs.sparkline(s)
    assert len(line) == 6 and set(line) <= set(figs.SPARKS)


# ------------------------------------------------------------------ the bundled magnets series


def test_the_magnet_series_shows_the_april_controls_and_the_may_trough_on_one_screen() -> None:
    found = load_series(REPO / "data")
    if "cn-exports-rare-earth-magnets-world" not in found.by_id:
        pytest.fail("the bundled log should hold the magnet series")
    s = found.get("cn-exports-rare-earth-magnets-world")
    p = figs.plot(s, ds=load_dataset(REPO / "data"))
    lines = rendered(figs.terminal(p, 80), 80)
    text = "\n".join(lines)
    assert "MOFCOM-GACC 18/2025 in force" in text
    assert len(lines) <= 50
    may = {pt.period: pt.value for pt in p.points}["2025-05"]
    assert may == min(pt.value for pt in p.points if pt.period.startswith("2025"))


def _assert_series_in_sqlite(target: Path) -> None:
    """The builder log's two series, and the points of one, as the SQLite export holds them."""
    import sqlite3

    with sqlite3.connect(target) as con:
        assert con.execute("SELECT id, unit, first, last FROM series ORDER BY id").fetchall() == [
            ("cn-exports-gallium-us", "kg", "2025-01", "2025-06"),
            (SERIES, "t", "2025-01", "2025-06"),
        ]
        rows = con.execute(
            "SELECT period, start, end, value, derived, disputed FROM series_points WHERE series_id = ? "
            "ORDER BY start",
            (SERIES,),
        ).fetchall()
    assert rows[0] == ("2025-01/2025-02", "2025-01", "2025-02", 9000.0, 0, 0)
    assert rows[3][4] == 1 and rows[4][5] == 1


def test_the_sqlite_export_holds_series_given(log: LogBuilder, tmp_path: Path) -> None:
    from retracker.export import export

    ds = load_dataset(log.root)
    target = tmp_path / "log.sqlite"
    export(ds.events, "sqlite", target, ds=ds, series=load_series(log.root).series)
    _assert_series_in_sqlite(target)


def test_series_text_for_export(log: LogBuilder) -> None:
    found = load_series(log.root).series
    rows = list(csv.DictReader(io.StringIO(figs.series_text(found, "csv"))))
    assert len(rows) == 10 and set(rows[0]) == set(figs.CSV_FIELDS)
    items = json.loads(figs.series_text(found, "json", (figs.ser.period_start("2025-06"), None)))
    assert [len(s["points"]) for s in items] == [1, 1]
    lines = figs.series_text(found, "jsonl").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["cn-exports-gallium-us", SERIES]


# ------------------------------------------------------------------ command


def test_figures_lists_the_series(log: LogBuilder) -> None:
    result = run(log, "figures")
    assert result.exit_code == 0, result.output
    assert SERIES in result.stdout and "cn-exports-gallium-us" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith(SERIES))
    assert row.split()[1:] == ["t", "2025-01..2025-06", "5", "3,188"]


def test_figures_list_filters_and_json(log: LogBuilder) -> None:
    result = run(log, "figures", "-e", "Ga", "--json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["id"] == "cn-exports-gallium-us" and row["points"] == 5
    assert row["latest"] == {"period": "2025-06", "value": 3188, "kind": "disputed"}
    assert json.loads(run(log, "figures", "-c", "US", "--json").stdout)[0]["partner"] == "US"
    empty = run(log, "figures", "-e", "Sb")
    assert empty.exit_code == 0 and "no series match" in empty.stderr


def test_figures_draws_one_series(log: LogBuilder) -> None:
    result = run(log, "figures", SERIES)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "MOFCOM-GACC 18/2025 in force" in out and "MOFCOM-GACC 18/2025 suspended" in out
    assert "Period" in out and "https://example.org/page" in out and "April less 52.9%" in out
    chart_lines = out.split("Period")[0].splitlines()
    assert all(cell_len(line) <= 80 for line in chart_lines)


def test_figures_since_until_window(log: LogBuilder) -> None:
    result = run(log, "figures", SERIES, "--since", "2025-04", "--until", "2025-05", "--json")
    payload = json.loads(result.stdout)
    assert [p["period"] for p in payload["points"]] == ["2025-04", "2025-05"]
    result = run(log, "figures", SERIES, "--since", "2025-06", "--until", "2025-04")
    assert result.exit_code == 2 and "after" in result.stderr


def test_figures_csv_and_json_are_exclusive(log: LogBuilder) -> None:
    out = run(log, "figures", SERIES, "--csv")
    assert out.exit_code == 0 and out.stdout.startswith(",".join(figs.CSV_FIELDS))
    assert len(out.stdout.splitlines()) == 6
    assert run(log, "figures", SERIES, "--csv", "--json").exit_code == 2


def test_figures_svg_file(log: LogBuilder, tmp_path: Path) -> None:
    target = tmp_path / "magnets.svg"
    result = run(log, "figures", SERIES, "--svg", str(target))
    assert result.exit_code == 0, result.output
    ET.fromstring(target.read_text(encoding="utf-8"))
    assert f"wrote {target}" in result.stderr
    folder = run(log, "figures", SERIES, "--svg", str(tmp_path))
    assert folder.exit_code != 0 and "Traceback" not in folder.output
    assert run(log, "figures", "--svg", str(target)).exit_code == 2


def test_figures_in_chinese(log: LogBuilder) -> None:
    result = run(log, "--lang", "zh", "figures", SERIES)
    assert result.exit_code == 0, result.output
    assert "测试" in result.stdout and "生效" in result.stdout and "推算值" in result.stdout


def test_an_unknown_series_is_a_usage_error_with_a_guess(log: LogBuilder) -> None:
    result = run(log, "figures", "cn-exports-test-wrld")
    assert result.exit_code == 2 and SERIES in result.stderr


def test_a_broken_series_is_skipped_with_one_line(log: LogBuilder) -> None:
    (log.root / "series" / "cn-exports-broken-world.yaml").write_text("id: [\n", encoding="utf-8")
    result = run(log, "figures")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "cn-exports-broken-world.yaml" in warnings[0]
    assert SERIES in result.stdout


def test_figures_in_a_real_process_at_80_columns(log: LogBuilder) -> None:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "RETRACKER_DATA": str(log.root)}
    proc = subprocess.run(
        [sys.executable, "-m", "retracker", "figures", SERIES],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "MOFCOM-GACC 18/2025 in force" in proc.stdout
    chart = proc.stdout.split("Period")[0].splitlines()
    assert all(cell_len(line) <= 80 for line in chart)


# ------------------------------------------------------------------ show and export


def test_show_element_points_to_the_series_with_a_sparkline(log: LogBuilder) -> None:
    result = run(log, "show", "-e", "rare-earth-magnets", columns=100)
    assert result.exit_code == 0, result.output
    tail = result.stdout.split("Trade series")[1]
    assert SERIES in tail and "cn-exports-gallium-us" not in tail
    assert any(ch in tail for ch in figs.SPARKS) and "latest 3,188 t (2025-06)" in tail
    assert "Trade series" not in run(log, "show", "-e", "Sb", columns=100).stdout


def test_show_of_a_trade_data_event_names_its_series(log: LogBuilder) -> None:
    log.add(
        id="2025-07-20-cn-magnet-exports-june-2025",
        date="2025-07-20",
        kind="trade-data",
        instrument_key=None,
        instrument=None,
        materials=["rare-earth-magnets"],
    )
    result = run(log, "show", "2025-07-20-cn-magnet-exports-june-2025", columns=100)
    assert result.exit_code == 0, result.output
    assert "Trade series" in result.stdout and SERIES in result.stdout.split("Trade series")[1]
    payload = json.loads(run(log, "show", "2025-07-20-cn-magnet-exports-june-2025", "--json").stdout)
    assert payload["series"] == [SERIES]
    measure = json.loads(run(log, "show", MEASURE, "--json").stdout)
    assert "series" not in measure and "Trade series" not in run(log, "show", MEASURE).stdout


def test_export_series_csv_json_jsonl(log: LogBuilder, tmp_path: Path) -> None:
    out = run(log, "export", "--series", "-f", "csv", "-e", "Ga")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert {r["series"] for r in rows} == {"cn-exports-gallium-us"} and len(rows) == 5
    target = tmp_path / "series.json"
    assert run(log, "export", "--series", "-o", str(target)).exit_code == 0
    items = json.loads(target.read_text(encoding="utf-8"))
    assert [s["id"] for s in items] == ["cn-exports-gallium-us", SERIES]
    assert items[1]["points"][3]["derived"]["from"] == ["2025-04"]
    lines = run(log, "export", "--series", "-f", "jsonl", "--since", "2025-06").stdout.splitlines()
    assert [len(json.loads(line)["points"]) for line in lines] == [1, 1]
    bad = run(log, "export", "--series", "-f", "ics")
    assert bad.exit_code == 2 and "sqlite" in bad.stderr


def test_sqlite_export_holds_the_series(log: LogBuilder, tmp_path: Path) -> None:
    target = tmp_path / "log.sqlite"
    assert run(log, "export", "-o", str(target)).exit_code == 0
    _assert_series_in_sqlite(target)


def test_a_log_without_series_says_so(tmp_path: Path) -> None:
    empty = LogBuilder(tmp_path / "empty")
    result = CliRunner().invoke(app, ["--data", str(empty.root), "figures"])
    assert result.exit_code == 0 and "no trade series" in result.stderr
    assert CliRunner().invoke(app, ["--data", str(empty.root), "figures", "x", "--json"]).exit_code == 2


def test_schema_series_prints_the_committed_schema() -> None:
    result = CliRunner().invoke(app, ["schema", "--series"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads((REPO / "schema" / "series.schema.json").read_text())


def test_figures_no_table_draws_the_chart_alone(log: LogBuilder) -> None:
    result = run(log, "figures", SERIES, "--no-table")
    assert result.exit_code == 0 and "MOFCOM-GACC 18/2025 in force" in result.stdout
    assert "Period" not in result.stdout and "https://example.org/page" not in result.stdout
