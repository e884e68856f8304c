"""Answers people can send: status rows as CSV/JSON files, events with their status, and the
status history in the SQLite export (issue: "Answers people can send")."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import retracker
from retracker import export as ex
from retracker.cli import app
from retracker.status import StatusEngine

runner = CliRunner()
DAY = "2025-11-20"


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def status_json(*args: str) -> list[dict]:
    return json.loads(run("status", "--on", DAY, "--json", *args))


@pytest.fixture(scope="module")
def real() -> retracker.Dataset:
    return retracker.load_dataset()


def test_status_json_rows_say_which_measure_they_are(real: retracker.Dataset) -> None:
    rows = status_json()
    assert rows
    for row in rows:
        event = real.by_id[row["id"]]
        assert row["title"] == event.title
        assert row["instrument_key"] == event.instrument_key
        assert row["issuer"] == event.issuer and row["kind"] == event.kind
        assert isinstance(row["projected"], bool)


def test_status_csv_has_the_same_rows_as_json() -> None:
    rows = status_json("-c", "US")
    text = run("status", "--on", DAY, "-c", "US", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == list(ex.STATUS_COLUMNS)
    assert [r["id"] for r in table] == [r["id"] for r in rows]
    for got, want in zip(table, rows, strict=True):
        assert got["status"] == want["status"]
        assert got["since"] == want["since"]
        assert got["until"] == (want["until"] or "")
        assert got["because"] == "; ".join(want["because"])
        assert got["projected"] == str(want["projected"]).lower()
        assert got["instrument_key"] == (want["instrument_key"] or "")


def test_status_to_a_file_picks_the_format_from_the_name(tmp_path: Path) -> None:
    out = tmp_path / "in-force.csv"
    result = runner.invoke(app, ["status", "--on", DAY, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "status row(s)" in result.stderr
    assert out.read_text(encoding="utf-8").startswith("id,instrument_key,title,")
    out_json = tmp_path / "in-force.json"
    assert runner.invoke(app, ["status", "--on", DAY, "-o", str(out_json)]).exit_code == 0
    assert [r["id"] for r in json.loads(out_json.read_text())] == [r["id"] for r in status_json()]


def test_excel_csv_starts_with_a_byte_order_mark_and_keeps_chinese(tmp_path: Path) -> None:
    out = tmp_path / "status.csv"
    assert runner.invoke(app, ["status", "--on", DAY, "-f", "CSV", "--excel", "-o", str(out)]).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,")
    assert "出口" in raw.decode("utf-8-sig")
    exported = runner.invoke(app, ["export", "-f", "csv", "--excel"]).stdout_bytes
    assert exported.startswith(b"\xef\xbb\xbfid,date,")
    assert ex.read_csv(exported.decode("utf-8"))  # the reader takes the mark


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "-f", "yaml"], "unknown status format"),
        (["status", "-f", "json", "--excel"], "--excel is for CSV"),
        (["export", "-f", "json", "--excel"], "--excel is for CSV"),
        (["export", "-f", "ics", "--on", DAY], "--on does not apply to ics"),
        (["export", "-f", "sqlite", "-o", "x.sqlite", "--on", DAY], "status_spans"),
    ],
)
def test_wrong_combinations_are_usage_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def pair(status: dict | None) -> tuple[str | None, str | None]:
    return (status["status"], status["since"]) if status else (None, None)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_export_on_a_day_carries_each_measures_status(fmt: str) -> None:
    statuses = {r["id"]: r for r in status_json("--all")}
    text = run("export", "-f", fmt, "--on", DAY)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert list(rows[0])[-len(ex.STATUS_FIELDS) :] == list(ex.STATUS_FIELDS)
        got = {r["id"]: (r["status"] or None, r["since"] or None) for r in rows}
    else:
        docs = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
        got = {
            d["id"]: (d["status"] or {}).get("status") and (d["status"]["status"], d["status"]["since"])
            for d in docs
        }
        got = {k: v if v else (None, None) for k, v in got.items()}
    measured = {k: v for k, v in got.items() if v != (None, None)}
    assert measured == {k: (r["status"], r["since"]) for k, r in statuses.items()}
    assert len(got) > len(measured)  # plain events are there too, with an empty status


def test_export_on_a_day_is_the_same_from_the_index_and_the_yaml() -> None:
    for fmt in ("csv", "json"):
        assert run("export", "-f", fmt, "--on", DAY) == run("--no-cache", "export", "-f", fmt, "--on", DAY)


def test_export_without_on_is_unchanged() -> None:
    text = run("export", "-f", "csv")
    assert text.splitlines()[0] == ",".join(ex.CSV_COLUMNS)


# ------------------------------------------------------------------ SQLite status_spans


def in_force_sql(db: Path, day: str) -> set[tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        return set(
            con.execute(
                "SELECT event_id, status FROM status_spans WHERE since <= ? AND (until IS NULL OR until > ?)",
                (day, day),
            )
        )


@pytest.mark.parametrize("day", ["2023-08-01", "2025-04-10", DAY, "2026-06-30"])
def test_sqlite_status_spans_answer_any_day_as_status_does(tmp_path: Path, day: str) -> None:
    db = tmp_path / "events.sqlite"
    assert runner.invoke(app, ["export", "-o", str(db)]).exit_code == 0
    want = {(r["id"], r["status"]) for r in json.loads(run("status", "--all", "--on", day, "--json"))}
    assert in_force_sql(db, day) == want


def test_sqlite_status_spans_mark_projections(tmp_path: Path, real: retracker.Dataset) -> None:
    db = tmp_path / "events.sqlite"
    ex.write_sqlite(real.events, db, ds=real)
    with contextlib.closing(sqlite3.connect(db)) as con:
        rows = con.execute("SELECT since, projected FROM status_spans").fetchall()
        assert con.execute("PRAGMA user_version").fetchone()[0] == ex.SQLITE_SCHEMA_VERSION == 3
    assert rows
    coverage = real.coverage.isoformat()
    for since, projected in rows:
        if since > coverage:
            assert projected == 1
    engine = StatusEngine(real)
    assert len(rows) == sum(len(engine.spans(m)) for m in real.events if m.is_measure and not m.withdrawn)


def test_status_csv_in_a_real_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "retracker", "status", "--on", DAY, "-f", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("id,instrument_key,title,")
