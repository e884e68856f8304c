"""The CLI through typer's CliRunner, plus real subprocesses of `python -m retracker`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker import events_for, load_dataset
from retracker.cli import app

from .conftest import LogBuilder

runner = CliRunner()

SB = "2024-08-15-cn-mofcom-gacc-33-antimony"
SUS = "2025-11-09-cn-mofcom-72-suspension"
US = "2025-04-02-us-wh-tariffs"


@pytest.fixture
def data(log: LogBuilder) -> Path:
    log.add(
        id=SB,
        date="2024-08-15",
        effective="2024-09-15",
        instrument_key="CN-MOFCOM-GACC-2024-33",
        title="Antimony export controls",
        title_zh="锑出口管制",
        materials=["Sb", "superhard-materials"],
        parts=None,
    )
    log.add(
        id="2025-04-04-cn-mofcom-gacc-18-seven-rare-earths",
        title="Seven rare earths",
        materials=["Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"],
        instrument_key="CN-MOFCOM-GACC-2025-18",
    )
    log.add(
        id=US,
        date="2025-04-02",
        issuer="US",
        authority="White House",
        kind="tariff",
        title="Reciprocal tariffs",
        title_zh=None,
        instrument=None,
        instrument_key=None,
        materials=["critical-minerals"],
        targets=["CN"],
    )
    log.add(
        id="2025-06-01-cn-heavy-group",
        date="2025-06-01",
        instrument_key=None,
        title="Group-tagged",
        materials=["heavy-rare-earths"],
        kind="statement",
    )
    log.add(
        id=SUS,
        date="2025-11-09",
        kind="suspension",
        instrument_key=None,
        title="Suspension of antimony",
        ends="2026-11-27",
        materials=["Sb"],
        relations=[{"type": "suspends", "target": SB}],
    )
    return log.root


def run(data: Path, *args: str):
    result = runner.invoke(app, ["--data", str(data), *args])
    return result


def test_version_and_help() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("retracker 0.1.0")
    verbose = runner.invoke(app, ["--version", "--verbose"])
    assert "YAML loader:" in verbose.stdout
    helped = runner.invoke(app, ["--help"])
    assert helped.exit_code == 0
    for command in ("timeline", "show", "status", "upcoming", "lint", "materials", "countries", "schema"):
        assert command in helped.stdout
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0, command
        assert "Examples" in sub.stdout or command in ("materials", "countries", "schema")


def test_timeline_table_and_filters(data: Path) -> None:
    out = run(data, "timeline").stdout
    assert out.index("Antimony export controls") < out.index("Reciprocal tariffs")
    assert "Seven rare earths" in run(data, "timeline", "-e", "Dy").stdout
    assert "Antimony" not in run(data, "timeline", "-e", "Dy").stdout


@pytest.mark.parametrize(
    "args,expected",
    [
        (["-e", "antimony"], [SB, SUS]),
        (["-e", "锑"], [SB, SUS]),
        (["-e", "Dy"], ["2025-04-04-cn-mofcom-gacc-18-seven-rare-earths", "2025-06-01-cn-heavy-group"]),
        (["-e", "Sc"], ["2025-04-04-cn-mofcom-gacc-18-seven-rare-earths"]),
        (
            ["-e", "heavy-rare-earths"],
            ["2025-04-04-cn-mofcom-gacc-18-seven-rare-earths", "2025-06-01-cn-heavy-group"],
        ),
        (["-e", "Sb", "-e", "Dy", "--limit", "2"], [SB, "2025-04-04-cn-mofcom-gacc-18-seven-rare-earths"]),
        (["--issuer", "US"], [US]),
        (
            ["-c", "US"],
            [SB, US, "2025-04-04-cn-mofcom-gacc-18-seven-rare-earths", "2025-06-01-cn-heavy-group", SUS],
        ),
        (["--kind", "tariff"], [US]),
        (
            ["--since", "2025", "--until", "2025-04"],
            ["2025-04-02-us-wh-tariffs", "2025-04-04-cn-mofcom-gacc-18-seven-rare-earths"],
        ),
        (["--since", "May 2025"], ["2025-06-01-cn-heavy-group", SUS]),
        (["--until", "2024"], [SB]),
        (["--reverse", "--limit", "1"], [SUS]),
    ],
)
def test_timeline_json_filters(data: Path, args: list[str], expected: list[str]) -> None:
    result = run(data, "timeline", "--json", *args)
    assert result.exit_code == 0, result.output
    assert [e["id"] for e in json.loads(result.stdout)] == expected


def test_timeline_json_equals_library(data: Path) -> None:
    payload = json.loads(run(data, "timeline", "--json", "-e", "Sb").stdout)
    library = [e.to_json() for e in events_for(load_dataset(data), material="Sb")]
    # A listing adds how each event matched the filters to the event's own JSON.
    assert [p.pop("matched") for p in payload] == ["direct"] * len(library)
    assert payload == library
    first = payload[0]
    assert first["materials"] == ["Sb", "superhard-materials"]
    assert first["instrument_key"] == "CN-MOFCOM-GACC-2024-33"
    assert set(first) >= {
        "id",
        "date",
        "kind",
        "issuer",
        "authority",
        "instrument",
        "targets",
        "title",
        "sources",
    }


def test_usage_errors_exit_2(data: Path) -> None:
    bad = run(data, "timeline", "-e", "Dyy")
    assert bad.exit_code == 2
    assert "unknown material 'Dyy' (did you mean Dy?)" in bad.stderr
    assert run(data, "timeline", "--kind", "embargo").exit_code == 2
    assert run(data, "timeline", "--since", "someday").exit_code == 2
    missing = run(data, "show", "2024-08-15-cn-mofcom-gacc-33-antimomy")
    assert missing.exit_code == 2
    assert f"did you mean {SB}" in missing.stderr
    assert runner.invoke(app, ["--data", "/nonexistent", "timeline"]).exit_code == 2
    assert run(data, "show").exit_code == 2
    assert run(data, "lint", "--format", "xml").exit_code == 2
    assert run(data, "timeline", "--limit", "0").exit_code == 2


def test_show_element_with_status(data: Path) -> None:
    result = run(data, "show", "--element", "antimony", "--on", "2025-12-01")
    assert result.exit_code == 0
    assert "suspended" in result.stdout
    # the reason names the suspension by its handle (the JSON's because keeps the id)
    assert "suspended by 2025-11-09-cn until 2026-11-27" in result.stdout
    as_json = json.loads(run(data, "show", "-e", "Sb", "--on", "2025-01-01", "--json").stdout)
    assert as_json[0]["status"]["status"] == "in-force"


def test_show_one_event(data: Path) -> None:
    result = run(data, "show", SB, "--on", "2025-12-01")
    assert result.exit_code == 0
    out = result.stdout
    assert "锑出口管制" in out and "https://example.org/a" in out
    assert "suspended by ← 2025-11-09-cn  " in out  # the handle, not the full id (issue 15)
    payload = json.loads(run(data, "show", SB, "--json").stdout)
    assert payload["acted_on_by"] == [{"type": "suspends", "by": SUS, "part": None}]


def test_status_and_upcoming(data: Path) -> None:
    rows = json.loads(run(data, "status", "--on", "2025-12-01", "--json").stdout)
    by_id = {r["id"]: r for r in rows}
    assert by_id[SB]["status"] == "suspended" and by_id[SB]["until"] == "2026-11-27"
    assert by_id[SB]["because"] == [SUS]
    us_only = json.loads(run(data, "status", "--on", "2025-12-01", "-c", "JP", "--json").stdout)
    assert US not in {r["id"] for r in us_only}
    late = run(data, "status", "--on", "2030-01-01")
    assert "after the log's coverage date" in late.stderr
    changes = json.loads(run(data, "upcoming", "--from", "2026-11-01", "--days", "60", "--json").stdout)
    assert changes == [
        {
            "date": "2026-11-27",
            "id": SB,
            "change": "suspension ends; back in force",
            "from": "suspended",
            "to": "in-force",
            "because": [SUS],
            "matched": "direct",
            "projected": True,  # after the fixture log's coverage date, 2026-11-25
        }
    ]


def test_lint_command_exit_codes(data: Path, log: LogBuilder) -> None:
    assert run(data, "lint").exit_code == 0
    bad = log.write_text("2025-07-01-cn-bad", "2025", "id: 2025-07-01-cn-bad\nid: again\n")
    result = run(data, "lint")
    assert result.exit_code == 1
    assert f"{bad}:2:1: RT007 duplicate key 'id' (first at line 1)" in result.stdout
    assert "Traceback" not in result.output
    gh = run(data, "lint", "--format", "github")
    assert gh.stdout.startswith("::error file=")
    assert json.loads(run(data, "lint", "--format", "json").stdout)["errors"] == 1


def test_lint_given_file_walks_up(log: LogBuilder, data: Path) -> None:
    path = log.add(id="2025-08-01-cn-no-zh", date="2025-08-01", instrument_key=None, title_zh=None)
    result = runner.invoke(app, ["lint", str(path)])
    assert result.exit_code == 0 and "RT305" in result.stdout
    assert runner.invoke(app, ["lint", "--strict", str(path)]).exit_code == 1


def test_vocab_commands_and_lang(data: Path) -> None:
    mats = json.loads(runner.invoke(app, ["materials", "--json"]).stdout)
    assert {
        "key": "Sb",
        "name": "antimony",
        "name_zh": "锑",
        "type": "element",
        "members": [],
        "aliases": ["stibium"],
        "also_finds": [],
    } in mats
    countries = json.loads(runner.invoke(app, ["countries", "--json"]).stdout)
    assert {"code": "JP", "name": "Japan", "name_zh": "日本"} in countries
    zh = run(data, "--lang", "zh", "timeline", "-e", "Sb").stdout
    assert "锑出口管制" in zh and "中国" in zh
    assert run(data, "--lang", "fr", "timeline").exit_code == 2


def test_schema_command() -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert schema["title"] == "Event"


def test_internal_error_is_one_line(data: Path, monkeypatch) -> None:
    import retracker.render as render

    def boom(*a, **k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(render, "timeline_table", boom)
    result = run(data, "timeline")
    assert result.exit_code == 3
    assert "internal error: ZeroDivisionError: boom" in result.stderr
    assert "Traceback" not in result.stderr
    debug = runner.invoke(app, ["--debug", "--data", str(data), "timeline"])
    assert debug.exit_code == 3 and "Traceback" in debug.stderr


def _subprocess(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "retracker", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_python_m_retracker_subprocess(data: Path, tmp_path: Path) -> None:
    proc = _subprocess("timeline", "--json", "-e", "Sb", cwd=tmp_path, env={"RETRACKER_DATA": str(data)})
    assert proc.returncode == 0, proc.stderr
    assert [e["id"] for e in json.loads(proc.stdout)] == [SB, SUS]
    broken = data / "events" / "2025" / "2025-09-09-cn-broken.yaml"
    broken.write_text("title: [oops\n")
    lint = _subprocess("lint", str(broken), cwd=tmp_path)
    assert lint.returncode == 1
    assert f"{broken}:2:1: RT004" in lint.stdout
    assert "Traceback" not in lint.stderr


def test_bundled_log_from_another_directory(tmp_path: Path) -> None:
    proc = _subprocess("show", "--element", "antimony", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Sb" in proc.stdout or "antimony" in proc.stdout.lower()


def test_startup_budget_imports(tmp_path: Path) -> None:
    """--version and --help load neither the YAML stack, the event models nor rich tables."""
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['retracker'] + sys.argv[1:]\n"
        "try:\n"
        "    runpy.run_module('retracker', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('yaml', 'retracker.model', 'retracker.yamlio', 'rich.table', 'pycountry')\n"
        "         if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    for args in (["--version"], ["--help"]):
        proc = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=tmp_path
        )
        assert "HEAVY []" in proc.stderr, (args, proc.stderr[-500:])
    fast = subprocess.run(
        [sys.executable, "-c", probe.replace("'rich.table'", "'typer'"), "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "HEAVY []" in fast.stderr and fast.stdout.startswith("retracker ")


def test_chinese_tables_stay_aligned(data: Path) -> None:
    from rich.cells import cell_len

    out = run(data, "--lang", "zh", "timeline").stdout
    rows = [line for line in out.splitlines() if line.strip()]
    assert any("锑出口管制" in line for line in rows)
    header = rows[0]
    ruled = next(i for i, line in enumerate(rows) if set(line.strip()) == {"─"})
    rule = rows[ruled]
    assert "日期" in header
    body = rows[ruled + 1 :]
    assert {cell_len(line.rstrip()) for line in body} <= set(range(cell_len(rule.rstrip()) + 1))
    assert all(line.index("20") == 0 for line in body if line[:3].strip().startswith("20"))


def test_show_prints_the_parties_of_a_bilateral_deal(log: LogBuilder) -> None:
    log.add(
        id="2025-05-12-us-cn-test-joint-statement",
        instrument_key=None,
        date="2025-05-12",
        kind="deal",
        issuer="US",
        parties=["CN"],
        targets=["CN"],
    )
    out = runner.invoke(app, ["--data", str(log.root), "show", "2025-05-12-us-cn-test-joint-statement"])
    assert out.exit_code == 0, out.output
    parties = [line for line in out.stdout.splitlines() if line.startswith("parties")]
    assert parties and parties[0].split()[1:] == ["CN"]
