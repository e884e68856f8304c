"""Exports: JSON, JSON Lines, CSV, iCalendar and SQLite read back to what the log holds."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

import retracker
from retracker import export as ex
from retracker.dataset import Dataset, load_dataset
from retracker.diagnostics import RetrackerError
from retracker.export import sqlite_format
from retracker.model import Event
from retracker.query import events_for

from .conftest import LogBuilder, event_dict

MEASURE = "2025-04-04-cn-mofcom-gacc-18-test-measure"
SUSPENSION = "2025-06-01-cn-mofcom-30-test-suspension"
EXTENSION = "2025-08-20-cn-mofcom-40-test-extension"
REVOCATION = "2025-10-01-cn-mofcom-50-test-revocation"
WITHDRAWN = "2025-03-01-cn-test-withdrawn-data"
HOSTILE = "2025-07-01-cn-test-hostile-input"
TARIFF = "2024-01-01-us-test-antimony-tariff"
UNIQUE_WORD = "zyxwordq"


def src(url: str = "https://example.org/a", **extra: Any) -> dict[str, Any]:
    return {"url": url, "kind": "official-text", "publisher": "MOFCOM", "primary": True, **extra}


@pytest.fixture(scope="module")
def real() -> Dataset:
    return retracker.load_dataset()


@pytest.fixture
def small(log: LogBuilder) -> Dataset:
    """A small log with parts, a suspension extended then revoked early, a withdrawn record
    and hostile text."""
    log.add(
        parts=[
            {"id": "art1", "effective": "2025-04-04"},
            {"id": "art2", "effective": "2025-05-01", "note": "Article 2"},
        ]
    )
    log.add(
        id=SUSPENSION,
        instrument_key="CN-MOFCOM-2025-30",
        title="Suspension of Article 2",
        title_zh=None,
        date="2025-06-01",
        kind="suspension",
        effective="2025-06-02",
        ends="2025-09-01",
        relations=[{"type": "suspends", "target": f"{MEASURE}#art2"}],
        summary="Suspends Article 2.",
    )
    log.add(
        id=EXTENSION,
        instrument_key="CN-MOFCOM-2025-40",
        title="Extension of the suspension",
        date="2025-08-20",
        kind="suspension",
        ends="2025-12-01",
        relations=[{"type": "extends", "target": SUSPENSION, "note": "to 1 December"}],
        summary="Extends the suspension.",
    )
    log.add(
        id=REVOCATION,
        instrument_key="CN-MOFCOM-2025-50",
        title="Revocation of the suspension",
        date="2025-10-01",
        kind="revocation",
        effective="2025-10-15",
        materials=[],
        relations=[{"type": "revokes", "target": SUSPENSION}],
        summary="Ends the suspension early.",
    )
    log.add(
        id=WITHDRAWN,
        instrument_key=None,
        title="Antimony export figures",
        date="2025-03-01",
        kind="trade-data",
        materials=["Sb"],
        targets=[],
        verification="reported",
        sources=[{"url": "https://example.org/data", "kind": "data", "publisher": "GACC"}],
        summary="Figures later found to be a duplicate.",
        withdrawn={"date": "2025-03-10", "reason": "duplicate of another record: see notes"},
    )
    log.add(
        id=HOSTILE,
        instrument_key=None,
        title='=HYPERLINK("http://evil.example","click")',
        title_zh="稀土",
        date="2025-07-01",
        kind="statement",
        authority="-dash authority",
        instrument="@instrument; with a semicolon",
        materials=["rare-earths"],
        targets=["US"],
        verification="disputed",
        sources=[
            src("https://example.org/a b/é?q=1,2", title=f"Page about {UNIQUE_WORD}"),
            {"url": "https://example.org/second", "kind": "news", "publisher": "Wire", "lang": "en"},
        ],
        summary='Line one, with "quotes";\nline two\tand a control \x07 character.',
        tags=["+plus", "中文", "''=twice"],
    )
    log.add(
        id=TARIFF,
        instrument_key=None,
        title="Tariff on antimony",
        title_zh=None,
        date="2024-01-01",
        kind="tariff",
        issuer="US",
        authority="USTR",
        materials=["Sb"],
        targets=["CN"],
        ends="2026-01-01",
        relations=[{"type": "related", "target": MEASURE, "note": "context"}],
        figures=[{"metric": "rate", "value": 25, "unit": "%"}],
        summary="A tariff.",
    )
    ds = load_dataset(log.root)
    assert ds.diagnostics == []
    return ds


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """An empty folder for exports (the small log lives elsewhere under tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture(params=["real", "small"])
def ds(request: pytest.FixtureRequest) -> Dataset:
    return request.getfixturevalue(request.param)


def ordered(ds: Dataset) -> list[Event]:
    return sorted(ds.events, key=lambda e: (e.date, e.id))


# ------------------------------------------------------------------ JSON and JSON Lines


def test_json_round_trip(ds: Dataset) -> None:
    text = ex.export(ds.events, "json", None, ds=ds)
    assert text is not None
    assert json.loads(text) == [e.to_json() for e in ordered(ds)]
    assert text == json.dumps([e.to_json() for e in ordered(ds)], ensure_ascii=False, indent=2) + "\n"


def test_jsonl_round_trip(ds: Dataset) -> None:
    text = ex.export(ds.events, "jsonl", None, ds=ds)
    assert text is not None and text.endswith("\n")
    lines = text.splitlines()
    assert len(lines) == len(ds.events)
    assert [json.loads(line) for line in lines] == [e.to_json() for e in ordered(ds)]


def test_json_keeps_unicode_unescaped(small: Dataset) -> None:
    text = ex.export(small.events, "json", None, ds=small)
    assert "稀土" in (text or "")


def test_empty_exports() -> None:
    empty = Dataset(None, [])
    assert ex.export([], "json", None, ds=empty) == "[]\n"
    assert ex.export([], "jsonl", None, ds=empty) == ""
    assert ex.read_csv(ex.export([], "csv", None, ds=empty) or "") == []


def test_non_finite_figure_is_refused_by_the_model() -> None:
    """NaN and infinities are not JSON: the model refuses them, so no output can carry them."""
    for value in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(ValueError, match="finite"):
            Event.model_validate(event_dict(figures=[{"metric": "x", "value": value, "unit": "t"}]))


def nan_figure_event(**overrides: Any) -> Event:
    """An event carrying NaN, built past the model's check (as a library caller could)."""
    event = Event.model_validate(event_dict(figures=[{"metric": "x", "value": 1, "unit": "t"}], **overrides))
    figure = event.figures[0].model_copy(update={"value": float("nan")})
    return event.model_copy(update={"figures": [figure]})


def test_non_finite_figure_is_a_user_error_even_if_built_unchecked() -> None:
    bad = nan_figure_event()
    for fmt in ("json", "jsonl"):
        with pytest.raises(RetrackerError, match=bad.id):
            ex.export([bad], fmt, None)


# ------------------------------------------------------------------ CSV


def csv_expected(event: Event) -> dict[str, Any]:
    """What read_csv should give back for an event, built from its public JSON shape."""
    data = event.to_json()
    out = {col: data[col] for col in ex.CSV_COLUMNS if col in data}
    out["relations"] = [{"type": r["type"], "target": r["target"]} for r in data["relations"]]
    out["source_urls"] = [s["url"] for s in data["sources"]]
    return out


def test_csv_round_trip(ds: Dataset) -> None:
    text = ex.export(ds.events, "csv", None, ds=ds)
    assert text is not None
    assert text.splitlines()[0] == ",".join(ex.CSV_COLUMNS)
    assert ex.read_csv(text) == [csv_expected(e) for e in ordered(ds)]


def test_csv_guards_formulas_and_reads_them_back(small: Dataset) -> None:
    text = ex.export(small.events, "csv", None, ds=small) or ""
    assert """'=HYPERLINK(""http://evil.example"",""click"")""" in text
    assert ",'-dash authority," in text
    assert ",'@instrument; with a semicolon," in text
    rows = {row["id"]: row for row in ex.read_csv(text)}
    hostile = rows[HOSTILE]
    assert hostile["title"] == '=HYPERLINK("http://evil.example","click")'
    assert hostile["tags"] == ["+plus", "中文", "''=twice"]
    assert hostile["summary"] == small.get(HOSTILE).summary
    assert rows[WITHDRAWN]["withdrawn"] == {
        "date": "2025-03-10",
        "reason": "duplicate of another record: see notes",
    }
    assert rows[SUSPENSION]["relations"] == [{"type": "suspends", "target": f"{MEASURE}#art2"}]


def test_read_csv_accepts_a_byte_order_mark(small: Dataset) -> None:
    text = ex.export(small.events, "csv", None, ds=small) or ""
    assert ex.read_csv("\ufeff" + text) == ex.read_csv(text)


def test_read_csv_rejects_a_foreign_file() -> None:
    with pytest.raises(RetrackerError, match="lacks the column"):
        ex.read_csv("a,b\n1,2\n")


# ------------------------------------------------------------------ determinism and files


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "ics"])
def test_output_is_deterministic_and_sorted(small: Dataset, fmt: str) -> None:
    forward = ex.export(small.events, fmt, None, ds=small)
    backward = ex.export(list(reversed(small.events)), fmt, None, ds=small)
    assert forward == backward


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "ics"])
def test_file_output_equals_stdout_text(small: Dataset, outdir: Path, fmt: str) -> None:
    out = outdir / f"events.{fmt}"
    assert ex.export(small.events, fmt, out, ds=small) is None
    assert out.read_bytes() == (ex.export(small.events, fmt, None, ds=small) or "").encode()
    assert [p.name for p in outdir.iterdir()] == [out.name]


def test_unknown_format_and_bad_outputs(small: Dataset, outdir: Path) -> None:
    with pytest.raises(RetrackerError, match="unknown export format"):
        ex.export(small.events, "xml", None, ds=small)
    with pytest.raises(RetrackerError, match="needs an output file"):
        ex.export(small.events, "sqlite", None, ds=small)
    with pytest.raises(RetrackerError, match="cannot write"):
        ex.export(small.events, "csv", outdir / "missing" / "x.csv", ds=small)
    with pytest.raises(RetrackerError, match="folder"):
        ex.export(small.events, "json", outdir, ds=small)


def test_failed_rename_keeps_previous_export(
    small: Dataset, outdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = outdir / "events.json"
    out.write_text("previous export\n")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(retracker.atomic.os, "replace", broken_replace)
    for fmt in ("json", "sqlite"):
        with pytest.raises(RetrackerError, match="No space left"):
            ex.export(small.events, fmt, out, ds=small)
        assert out.read_text() == "previous export\n"
        assert [p.name for p in outdir.iterdir()] == [out.name]


# ------------------------------------------------------------------ SQLite


@contextlib.contextmanager
def opened(path: Path):
    with contextlib.closing(sqlite3.connect(path)) as con:
        yield con


def ids(con: sqlite3.Connection, sql: str, *args: Any) -> list[str]:
    return [row[0] for row in con.execute(sql, args)]


MATERIAL_SQL = """
SELECT DISTINCT m.event_id FROM materials m
JOIN material_matches r ON r.key = m.material
WHERE r.term = ? ORDER BY m.event_id
"""


def test_sqlite_answers_queries(ds: Dataset, outdir: Path) -> None:
    db = outdir / "events.sqlite"
    assert ex.export(ds.events, "sqlite", db, ds=ds) is None
    with opened(db) as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == len(ds.events)
        assert ids(con, "SELECT id FROM events") == [e.id for e in ordered(ds)]
        exact = ids(con, "SELECT event_id FROM materials WHERE material = 'Sb' ORDER BY event_id")
        assert exact == sorted(e.id for e in ds.events if "Sb" in e.materials)
        assert exact
        for term in ("Sb", "Dy", "rare-earths"):
            wanted = sorted(e.id for e in events_for(ds, material=term, include_withdrawn=True))
            assert ids(con, MATERIAL_SQL, term) == wanted
        for event_id, blob in con.execute("SELECT id, json FROM events"):
            assert json.loads(blob) == ds.get(event_id).to_json()
        n_sources = con.execute("SELECT count(*) FROM sources").fetchone()[0]
        assert n_sources == sum(len(e.sources) for e in ds.events)
        assert con.execute("PRAGMA user_version").fetchone()[0] == ex.SQLITE_SCHEMA_VERSION
        meta = dict(con.execute("SELECT key, value FROM meta"))
        assert meta["coverage"] == ds.coverage.isoformat()
        plan = " ".join(str(r) for r in con.execute("EXPLAIN QUERY PLAN " + MATERIAL_SQL, ("Sb",)))
        assert "materials_material" in plan or "USING INDEX" in plan


def test_sqlite_normalised_tables(small: Dataset, outdir: Path) -> None:
    db = outdir / "small.sqlite"
    ex.write_sqlite(small.events, db, ds=small)
    with opened(db) as con:
        rel = con.execute(
            "SELECT type, target_id, target_part FROM relations WHERE event_id = ?", (SUSPENSION,)
        ).fetchall()
        assert rel == [("suspends", MEASURE, "art2")]
        parts = con.execute("SELECT part_id, effective, note FROM parts ORDER BY part_id").fetchall()
        assert parts == [("art1", "2025-04-04", None), ("art2", "2025-05-01", "Article 2")]
        assert con.execute("SELECT withdrawn FROM events WHERE id = ?", (WITHDRAWN,)).fetchone() == (
            "2025-03-10",
        )
        live = ids(con, "SELECT id FROM events WHERE withdrawn IS NULL ORDER BY date, id")
        assert live == [e.id for e in ordered(small) if e.withdrawn is None]
        us = ids(con, "SELECT event_id FROM targets WHERE country = 'US'")
        assert us == [HOSTILE]
        primary = con.execute(
            "SELECT position, url, is_primary FROM sources WHERE event_id = ? ORDER BY position", (HOSTILE,)
        ).fetchall()
        assert primary == [(0, "https://example.org/a b/é?q=1,2", 1), (1, "https://example.org/second", 0)]
        assert con.execute("SELECT value, unit FROM figures").fetchall() == [(25.0, "%")]


def test_sqlite_full_text_search(small: Dataset, real: Dataset, outdir: Path) -> None:
    db = outdir / "fts.sqlite"
    ex.write_sqlite(small.events, db, ds=small)
    with opened(db) as con:
        assert dict(con.execute("SELECT key, value FROM meta"))["fts"] == "fts5"  # Python's SQLite has it
        assert ids(con, "SELECT id FROM events_fts WHERE events_fts MATCH ?", UNIQUE_WORD) == [HOSTILE]
        assert ids(con, "SELECT id FROM events_fts WHERE events_fts MATCH 'title:revocation'") == [REVOCATION]
    ex.write_sqlite(real.events, db, ds=real)
    with opened(db) as con:
        found = set(ids(con, "SELECT id FROM events_fts WHERE events_fts MATCH 'antimony'"))
    assert "2024-08-15-cn-mofcom-gacc-33-antimony-superhard-materials" in found
    for event_id in found:
        e = real.get(event_id)
        text = " ".join(
            [e.title, e.summary, e.instrument or "", *e.tags, *(s.title or "" for s in e.sources)]
        )
        assert "antimony" in text.lower()


def test_sqlite_replaces_an_existing_file(small: Dataset, outdir: Path) -> None:
    db = outdir / "events.sqlite"
    db.write_bytes(b"not a database")
    ex.write_sqlite(small.events, db, ds=small)
    with opened(db) as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == len(small.events)
    ex.write_sqlite(small.events[:2], db)
    with opened(db) as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 2


def test_sqlite_failing_half_way_keeps_previous_file(
    small: Dataset, outdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = outdir / "events.sqlite"
    db.write_bytes(b"previous database")
    real_fill = sqlite_format._fill_children
    seen: list[str] = []

    def failing_fill(con: sqlite3.Connection, event: Event) -> None:
        seen.append(event.id)
        if len(seen) == 3:
            raise RuntimeError("disk gone half-way")
        real_fill(con, event)

    monkeypatch.setattr(sqlite_format, "_fill_children", failing_fill)
    with pytest.raises(RuntimeError, match="half-way"):
        ex.export(small.events, "sqlite", db, ds=small)
    assert db.read_bytes() == b"previous database"
    assert [p.name for p in outdir.iterdir()] == [db.name]


def test_sqlite_duplicate_ids_are_a_user_error(small: Dataset, outdir: Path) -> None:
    db = outdir / "dup.sqlite"
    twice = [*small.events, small.get(MEASURE).model_copy(update={"title": "Another file, same id"})]
    with pytest.raises(RetrackerError, match="two events have the id"):
        ex.export(twice, "sqlite", db, ds=small)
    assert list(outdir.iterdir()) == []


# ------------------------------------------------------------------ iCalendar


@pytest.fixture
def icalendar() -> Any:
    """The icalendar package (a dependency of retracker)."""
    import icalendar as module

    return module


def vevents(text: str) -> dict[str, Any]:
    import icalendar

    cal = icalendar.Calendar.from_ical(text)
    found = {str(v["uid"]): v for v in cal.walk("VEVENT")}
    assert len(found) == len(cal.walk("VEVENT")), "UIDs must be unique"
    return found


def test_ics_has_one_vevent_per_dated_change(small: Dataset, icalendar: Any) -> None:
    text = ex.export(small.events, "ics", None, ds=small) or ""
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["prodid"]) == "-//retracker//EN"
    assert str(cal["version"]) == "2.0"
    found = vevents(text)
    expected = {
        f"{TARIFF}#announced": dt.date(2024, 1, 1),
        f"{TARIFF}#ends": dt.date(2026, 1, 1),
        f"{WITHDRAWN}#announced": dt.date(2025, 3, 1),
        f"{MEASURE}#announced": dt.date(2025, 4, 4),
        f"{MEASURE}#part-art2": dt.date(2025, 5, 1),  # art1 takes effect on the announcement day
        f"{SUSPENSION}#announced": dt.date(2025, 6, 1),
        f"{SUSPENSION}#effective": dt.date(2025, 6, 2),
        f"{SUSPENSION}#ends": dt.date(2025, 10, 15),  # extended to 12-01, revoked from 10-15
        f"{HOSTILE}#announced": dt.date(2025, 7, 1),
        f"{EXTENSION}#announced": dt.date(2025, 8, 20),
        f"{EXTENSION}#ends": dt.date(2025, 12, 1),
        f"{REVOCATION}#announced": dt.date(2025, 10, 1),
        f"{REVOCATION}#effective": dt.date(2025, 10, 15),
    }
    assert {uid: v.decoded("dtstart") for uid, v in found.items()} == {
        f"{key}@retracker": day for key, day in expected.items()
    }
    for v in found.values():
        start = v.decoded("dtstart")
        assert type(start) is dt.date  # all-day
        assert v.decoded("dtend") == start + dt.timedelta(days=1)
        assert v.decoded("dtstamp") == dt.datetime(2026, 11, 25, tzinfo=dt.UTC)  # the log's coverage
    assert "DTSTART;VALUE=DATE:20250501" in text
    assert "DTEND;VALUE=DATE:20250502" in text


def test_ics_properties(small: Dataset, icalendar: Any) -> None:
    found = vevents(ex.export(small.events, "ics", None, ds=small) or "")
    part = found[f"{MEASURE}#part-art2@retracker"]
    assert str(part["summary"]) == "[CN] Part art2 takes effect: Test measure"
    assert [str(c) for c in part["categories"].cats] == ["export-control"]
    assert str(part["url"]) == "https://example.org/a"
    assert "A test measure." in str(part["description"])
    assert "Article 2" in str(part["description"])
    assert "Source: https://example.org/a" in str(part["description"])
    assert str(part["status"]) == "CONFIRMED"
    ends = found[f"{SUSPENSION}#ends@retracker"]
    assert str(ends["summary"]).startswith("[CN] Suspension ends:")
    assert REVOCATION in str(ends["description"])
    assert str(found[f"{WITHDRAWN}#announced@retracker"]["status"]) == "CANCELLED"
    assert str(found[f"{TARIFF}#ends@retracker"]["summary"]).startswith("[US] Expires:")
    hostile = found[f"{HOSTILE}#announced@retracker"]
    assert str(hostile["status"]) == "TENTATIVE"
    assert str(hostile["url"]) == "https://example.org/a%20b/%C3%A9?q=1,2"
    assert "\x07" not in str(hostile["description"])
    assert str(hostile["summary"]) == '[CN] =HYPERLINK("http://evil.example","click")'


def test_ics_extended_end(real: Dataset, icalendar: Any) -> None:
    found = vevents(ex.export(real.events, "ics", None, ds=real) or "")
    # No. 72 suspends "至2026年11月27日" (ends_inclusive): the 27th is its last day, the
    # suspension ends (and upcoming lists the change) on the 28th.
    assert found["2025-11-09-cn-mofcom-72-suspension-46-art2#ends@retracker"].decoded("dtstart") == dt.date(
        2026, 11, 28
    )
    extended = found["2025-05-12-us-wh-14298-china-reciprocal-suspension#ends@retracker"]
    assert extended.decoded("dtstart") == dt.date(2026, 11, 10)
    assert "2025-11-04-us-wh-14358-china-suspension-extension" in str(extended["description"])
    announced = {uid for uid in found if uid.endswith("#announced@retracker")}
    assert announced == {f"{e.id}#announced@retracker" for e in real.events}


def test_ics_without_dataset_uses_event_dates(small: Dataset, icalendar: Any) -> None:
    text = ex.export(small.events, "ics", None) or ""
    found = vevents(text)
    stamp = max(e.date for e in small.events)
    assert {v.decoded("dtstamp") for v in found.values()} == {
        dt.datetime.combine(stamp, dt.time(0), tzinfo=dt.UTC)
    }


def test_ics_needs_icalendar(small: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "icalendar", None)
    with pytest.raises(RetrackerError) as info:
        ex.export(small.events, "ics", None, ds=small)
    assert info.value.hint == "pip install icalendar"


# ------------------------------------------------------------------ streamed JSON


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_stream_writes_the_same_text_in_batches(ds: Dataset, outdir: Path, fmt: str) -> None:
    chunks: list[str] = []
    ex.stream(list(reversed(ds.events)), fmt, None, chunks.append)
    expected = ex.export(ds.events, fmt, None, ds=ds)
    assert "".join(chunks) == expected
    assert len(chunks) >= 1
    events = ordered(ds)
    small_batches = "".join(ex.STREAMED[fmt](events, batch=7))  # many batches, one text
    assert small_batches == expected
    ex.stream(ds.events, fmt, outdir / f"out.{fmt}", chunks.append)
    assert (outdir / f"out.{fmt}").read_text(encoding="utf-8") == expected


def test_stream_failing_midway_keeps_the_previous_file(small: Dataset, outdir: Path) -> None:
    out = outdir / "events.json"
    out.write_text("previous export\n")
    bad = nan_figure_event(id="2099-01-01-cn-bad", date="2099-01-01")
    with pytest.raises(RetrackerError, match=bad.id):
        ex.stream([*small.events, bad], "json", out, print)
    assert out.read_text() == "previous export\n"
    assert [p.name for p in outdir.iterdir()] == [out.name]
