"""Projected rows: past the coverage date, every answer that rests on a later change says so."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json

import pytest
from typer.testing import CliRunner

from retracker import load_dataset
from retracker.cli import app
from retracker.status import StatusEngine, project, project_change

N46 = "2024-12-03-cn-mofcom-46-dual-use-items-us"
N72 = "2025-11-09-cn-mofcom-72-suspension-46-art2"
R61 = "2025-10-09-cn-mofcom-61-overseas-rare-earth-items"
N70 = "2025-11-07-cn-mofcom-gacc-70-suspension-october-measures"
COVERAGE = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def engine() -> StatusEngine:
    return StatusEngine(load_dataset())


def test_project_marks_rows_whose_since_is_after_coverage(engine) -> None:
    before = engine.status(R61, dt.date(2026, 11, 10))
    assert project(before, COVERAGE) == before and not before.projected  # since 2025-11-07
    after = project(engine.status(R61, dt.date(2026, 12, 2)), COVERAGE)
    assert after.projected and after.status == "in-force" and after.because == (N70,)
    assert after.reason == (
        f"suspension by {N70} was due to end 2026-11-10; no extension recorded; log reviewed up to 2026-06-30"
    )
    assert project(after, COVERAGE) == after  # idempotent
    assert not project(engine.status(R61, dt.date(2026, 12, 2)), None).projected
    assert "in force since" not in after.reason


def test_engine_can_answer_projected_and_keeps_spans_raw() -> None:
    ds = load_dataset()
    engine = StatusEngine(ds, projected_after=ds.coverage)
    s = engine.status(N46, dt.date(2026, 12, 2))
    assert s.projected and "was due to end 2026-11-27" in s.reason
    assert not any(span.projected for span in engine.spans(ds.by_id[N46]))


def test_changes_after_coverage_are_projected(engine) -> None:
    changes = engine.changes(dt.date(2026, 6, 1), dt.date(2026, 12, 31))
    marked = [project_change(c, COVERAGE) for c in changes]
    assert marked and all(c.projected == (c.date > COVERAGE) for c in marked)


def test_because_is_never_empty_after_a_change_made_by_another_event(engine) -> None:
    for m in engine.measures():
        spans = engine.spans(m)
        for before, after in itertools.pairwise(spans):
            if before.status in ("suspended", "suspended-in-part") or after.status in (
                "suspended",
                "suspended-in-part",
                "superseded",
                "revoked",
            ):
                assert after.because, (m.id, after)
            assert not after.reason.startswith("in force since"), after


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_cli_status_json_carries_projected_on_every_row(cache) -> None:
    rows = json.loads(_run(*cache, "status", "--on", "2026-12-02", "--json"))
    assert rows and all(isinstance(r["projected"], bool) for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert by_id[N46]["projected"] is True and by_id[N46]["since"] == "2026-11-28"
    assert by_id[N46]["because"] == [N72]
    assert "log reviewed up to 2026-06-30" in by_id[N46]["reason"]
    early = json.loads(_run(*cache, "status", "--on", "2026-06-01", "--json"))
    assert all(r["projected"] is False for r in early)


def test_cli_index_and_yaml_answers_are_identical() -> None:
    for args in (
        ("status", "--on", "2026-12-02", "--json"),
        ("upcoming", "--from", "2026-06-01", "--days", "200", "--json"),
        ("show", "-e", "Ga", "--on", "2026-12-02", "--json"),
    ):
        assert _run(*args) == _run("--no-cache", *args)


def test_cli_table_marks_projected_rows_with_a_footnote() -> None:
    out = _run("status", "--on", "2026-12-02", "-c", "US")
    assert "in-force *" in out
    assert out.rstrip().splitlines()[-1] == (
        "* projected: rests on a change due after the coverage date 2026-06-30"
    )
    quiet = _run("status", "--on", "2026-06-01", "-c", "US")
    assert "*" not in quiet.replace("**", "")


def test_cli_upcoming_marks_changes_after_coverage() -> None:
    rows = json.loads(_run("upcoming", "--from", "2026-06-01", "--days", "200", "--json"))
    assert rows and all(r["projected"] == (r["date"] > "2026-06-30") for r in rows)
    table = _run("upcoming", "--from", "2026-11-01", "--days", "40")
    assert "→ in-force *" in table and table.rstrip().endswith("coverage date 2026-06-30")


def test_cli_show_element_marks_projected() -> None:
    out = _run("show", "-e", "Ga", "--on", "2026-12-02")
    footnote = "* projected: rests on a change due after the coverage date 2026-06-30"
    assert " *" in out and footnote in out.splitlines()  # under the table; the trade series follow


def test_cli_csv_status_and_export_carry_projected() -> None:
    rows = list(csv.DictReader(io.StringIO(_run("status", "--on", "2026-12-02", "-f", "csv"))))
    assert {r["projected"] for r in rows} == {"true", "false"}
    assert next(r for r in rows if r["id"] == N46)["projected"] == "true"
    exported = list(csv.DictReader(io.StringIO(_run("export", "-f", "csv", "--on", "2026-12-02"))))
    assert next(r for r in exported if r["id"] == N46)["projected"] == "true"
