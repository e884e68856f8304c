"""SQLite: normalised tables (and FTS5 where available), for Datasette and SQL."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .. import __version__, vocab
from ..atomic import atomic_path
from ..diagnostics import RetrackerError
from ..model import Event
from .common import json_dumps, sort_events

if TYPE_CHECKING:
    from ..dataset import Dataset

SQLITE_SCHEMA_VERSION = 3
"""``PRAGMA user_version`` of the SQLite export; bumped when :data:`SCHEMA_SQL` changes."""


SCHEMA_SQL = """\
-- One row per event; `json` holds the event's full public JSON shape (Event.to_json()).
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,                 -- YYYY-MM-DD, as every date column
    kind TEXT NOT NULL,
    issuer TEXT NOT NULL,
    authority TEXT,
    instrument TEXT,
    instrument_key TEXT,
    title TEXT NOT NULL,
    title_zh TEXT,
    summary TEXT NOT NULL,
    effective TEXT,
    ends TEXT,
    verification TEXT NOT NULL,
    withdrawn TEXT,                     -- date the record was withdrawn, NULL while live
    withdrawn_reason TEXT,
    json TEXT NOT NULL
);
-- Material keys as written on the event (Dy, graphite, rare-earths).
CREATE TABLE materials (event_id TEXT NOT NULL REFERENCES events(id), material TEXT NOT NULL);
-- What each material key stands for: a group covers its members and itself, any other key
-- itself. Join twice to match as `retracker show --element` does (groups both ways).
CREATE TABLE material_covers (key TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (key, member));
-- What `retracker --element TERM` finds: every key an event may carry to match TERM, and how
-- (direct, or via a group that contains it or a material derived from it). One join.
CREATE TABLE material_matches (
    term TEXT NOT NULL, key TEXT NOT NULL, matched TEXT NOT NULL, PRIMARY KEY (term, key)
);
CREATE TABLE targets (event_id TEXT NOT NULL REFERENCES events(id), country TEXT NOT NULL);
CREATE TABLE tags (event_id TEXT NOT NULL REFERENCES events(id), tag TEXT NOT NULL);
CREATE TABLE sources (
    event_id TEXT NOT NULL REFERENCES events(id),
    position INTEGER NOT NULL,          -- 0-based order in the event file
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    publisher TEXT NOT NULL,
    title TEXT,
    date TEXT,
    lang TEXT NOT NULL,
    is_primary INTEGER NOT NULL,        -- 0 or 1
    quote TEXT
);
CREATE TABLE relations (
    event_id TEXT NOT NULL REFERENCES events(id),  -- the acting event
    type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    target_part TEXT,                   -- NULL when the relation acts on the whole event
    note TEXT
);
CREATE TABLE parts (
    event_id TEXT NOT NULL REFERENCES events(id),
    part_id TEXT NOT NULL,
    effective TEXT NOT NULL,
    note TEXT
);
CREATE TABLE figures (
    event_id TEXT NOT NULL REFERENCES events(id),
    position INTEGER NOT NULL,
    metric TEXT NOT NULL,
    value REAL,
    unit TEXT NOT NULL,
    period TEXT,
    note TEXT
);
-- Every measure's status history, one row per run of days with the same status (what
-- `retracker status` answers for any day). `until` is exclusive: the first day of the next
-- span; NULL while it still holds at the end of the log. In force on D:
--   SELECT * FROM status_spans WHERE since <= D AND (until IS NULL OR until > D)
CREATE TABLE status_spans (
    event_id TEXT NOT NULL REFERENCES events(id),
    status TEXT NOT NULL,               -- in-force, suspended-in-part, suspended, announced, expired, revoked
    since TEXT NOT NULL,
    until TEXT,
    reason TEXT NOT NULL,
    because TEXT NOT NULL,              -- ids of the events that made it so, space-separated
    parts TEXT,                         -- JSON {part: status} when parts differ, else NULL
    projected INTEGER NOT NULL          -- 1 when the span begins after the log's coverage date
);
-- Trade series (data/series/): one row per series, one per point (`retracker figures`).
CREATE TABLE series (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    title_zh TEXT,
    unit TEXT NOT NULL,                 -- t or kg: the unit of every value of the series
    materials TEXT NOT NULL,            -- material keys, space-separated (join material_matches)
    flow TEXT NOT NULL,                 -- export or import
    reporter TEXT NOT NULL,
    partner TEXT NOT NULL,              -- an ISO code, or world
    frequency TEXT NOT NULL,
    summary TEXT NOT NULL,
    notes TEXT,
    first TEXT NOT NULL,                -- first and last month, YYYY-MM
    last TEXT NOT NULL,
    json TEXT NOT NULL                  -- the series file's fields as JSON
);
CREATE TABLE series_points (
    series_id TEXT NOT NULL REFERENCES series(id),
    period TEXT NOT NULL,               -- YYYY-MM, or YYYY-MM/YYYY-MM when only the sum is published
    start TEXT NOT NULL,                -- first and last month of the period, YYYY-MM
    end TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    derived INTEGER NOT NULL,           -- 1 when no page states the value (see how)
    how TEXT,
    disputed INTEGER NOT NULL,          -- 1 when sources disagree (alternatives in series.json)
    note TEXT,
    source_urls TEXT NOT NULL,          -- space-separated
    PRIMARY KEY (series_id, period)
);
CREATE INDEX events_kind ON events(kind);
CREATE INDEX events_date ON events(date);
CREATE INDEX materials_material ON materials(material);
CREATE INDEX materials_event ON materials(event_id);
CREATE INDEX targets_country ON targets(country);
CREATE INDEX targets_event ON targets(event_id);
CREATE INDEX sources_event ON sources(event_id);
CREATE INDEX relations_event ON relations(event_id);
CREATE INDEX relations_target ON relations(target_id);
CREATE INDEX parts_event ON parts(event_id);
CREATE INDEX status_spans_event ON status_spans(event_id);
CREATE INDEX status_spans_since ON status_spans(since);
"""
"""The normalised tables of the SQLite export (the FTS5 table is added when available)."""

FTS_SQL = """\
CREATE VIRTUAL TABLE events_fts USING fts5(
    id UNINDEXED, title, title_zh, summary, instrument, tags, source_titles
);
"""
"""Full-text index over the events (``SELECT id FROM events_fts WHERE events_fts MATCH 'x'``).
The default tokenizer splits on spaces and punctuation: Chinese text is one token per run,
so search ``title_zh`` with ``LIKE`` instead."""


def write_sqlite(
    events: Iterable[Event], path: Path, *, ds: Dataset | None = None, series: Sequence[Any] = ()
) -> None:
    """Write the events (and the trade ``series``, when given) to a new SQLite database at
    ``path``, atomically.

    The database is built in a temporary file beside ``path``, checked with SQLite's
    ``integrity_check`` and renamed over it once complete; ``ds`` (optional) adds its
    coverage date to the ``meta`` table.

    SQLite keeps a database's uncommitted state in files beside it (``-wal``, ``-shm``,
    ``-journal``), and would apply an old database's journal to the new file. Before the
    rename, stale ones are folded and removed by SQLite itself; when another program still
    holds the old database open (so its journal is live), the export is refused and the old
    database left as it was. SQLite failures (a full disk, say) raise
    :class:`~retracker.diagnostics.RetrackerError`.
    """
    ordered = sort_events(events)
    try:
        with atomic_path(path) as temp:
            _build(temp, ordered, ds, series)
            _settle_sidecars(Path(path))
    except sqlite3.Error as exc:
        raise RetrackerError(f"cannot write {path}: SQLite: {exc}") from None


def _build(temp: Path, ordered: Sequence[Event], ds: Dataset | None, series: Sequence[Any] = ()) -> None:
    with contextlib.closing(sqlite3.connect(temp)) as con:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.executescript(SCHEMA_SQL)
        fts = _create_fts(con)
        with con:
            _fill(con, ordered, fts=fts)
            _fill_spans(con, ordered, ds)
            _fill_series(con, series)
            _write_meta(con, ds, fts=fts)
        con.execute(f"PRAGMA user_version = {SQLITE_SCHEMA_VERSION}")
        verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise RetrackerError(f"the new database failed SQLite's integrity check: {verdict}")


SIDECARS = ("-wal", "-shm", "-journal")
"""Suffixes of the files SQLite keeps beside a database while it is open or after a crash."""


def sidecars(path: Path) -> list[Path]:
    """The SQLite journal files that exist beside the database at ``path`` (links followed)."""
    target = Path(os.path.realpath(path))
    return [found for s in SIDECARS if (found := target.with_name(target.name + s)).exists()]


def _settle_sidecars(path: Path) -> None:
    """Have SQLite fold and remove the old database's journal files, or refuse if they are live.

    Opening the old database and closing it again is enough: SQLite rolls back a hot
    ``-journal`` on the first read, and the last connection to close a WAL database
    checkpoints it and deletes its ``-wal`` and ``-shm``. When they survive, another
    connection holds them.
    """
    if not sidecars(path):
        return
    uri = "file:" + quote(os.path.realpath(path)) + "?mode=rw"
    with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(uri, uri=True)) as con:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    left = sidecars(path)
    if left:
        names = ", ".join(p.name for p in left)
        raise RetrackerError(
            f"cannot replace {path}: another program has it open ({names} beside it)",
            hint="close that program (Datasette, the sqlite3 shell…) and export again; "
            "if none has it open, delete " + names,
        )


def _create_fts(con: sqlite3.Connection) -> bool:
    try:
        con.executescript(FTS_SQL)
    except sqlite3.OperationalError:
        return False
    return True


def _write_meta(con: sqlite3.Connection, ds: Dataset | None, *, fts: bool) -> None:
    meta = {
        "schema_version": str(SQLITE_SCHEMA_VERSION),
        "generator": f"retracker {__version__}",
        "fts": "fts5" if fts else "none",
    }
    if ds is not None and ds.coverage is not None:
        meta["coverage"] = ds.coverage.isoformat()
    con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    covers = sorted((key, member) for key in vocab.MATERIALS for member in vocab.covers(key))
    con.executemany("INSERT INTO material_covers VALUES (?, ?)", covers)
    con.executemany("INSERT INTO material_matches VALUES (?, ?, ?)", _material_matches())


def _material_matches() -> list[tuple[str, str, str]]:
    from ..query import material_reach

    return [
        (term, key, "direct" if direct else f"via {key}")
        for term in vocab.MATERIALS
        for key, direct in sorted(material_reach((term,)).items())
    ]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _fill(con: sqlite3.Connection, events: Sequence[Event], *, fts: bool) -> None:
    for event in events:
        try:
            con.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _event_row(event))
        except sqlite3.IntegrityError:
            raise RetrackerError(
                f"two events have the id '{event.id}'", hint="`retracker lint` shows both files"
            ) from None
        _fill_children(con, event)
        if fts:
            con.execute("INSERT INTO events_fts VALUES (?,?,?,?,?,?,?)", _fts_row(event))


def _event_row(e: Event) -> tuple[Any, ...]:
    w = e.withdrawn
    return (
        e.id, _iso(e.date), e.kind, e.issuer, e.authority, e.instrument, e.instrument_key,
        e.title, e.title_zh, e.summary, _iso(e.effective), _iso(e.ends), e.verification,
        _iso(w.date) if w else None, w.reason if w else None,
        json_dumps(e.to_json(), e.id, separators=(",", ":")),
    )  # fmt: skip


def _fill_children(con: sqlite3.Connection, e: Event) -> None:
    con.executemany("INSERT INTO materials VALUES (?, ?)", [(e.id, m) for m in e.materials])
    con.executemany("INSERT INTO targets VALUES (?, ?)", [(e.id, c) for c in e.targets])
    con.executemany("INSERT INTO tags VALUES (?, ?)", [(e.id, t) for t in e.tags])
    con.executemany(
        "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (e.id, n, s.url, s.kind, s.publisher, s.title, _iso(s.date), s.lang, int(s.primary), s.quote)
            for n, s in enumerate(e.sources)
        ],
    )
    con.executemany(
        "INSERT INTO relations VALUES (?,?,?,?,?)",
        [(e.id, r.type, r.target_id, r.target_part, r.note) for r in e.relations],
    )
    con.executemany(
        "INSERT INTO parts VALUES (?,?,?,?)", [(e.id, p.id, _iso(p.effective), p.note) for p in e.parts]
    )
    con.executemany(
        "INSERT INTO figures VALUES (?,?,?,?,?,?,?)",
        [(e.id, n, f.metric, f.value, f.unit, f.period, f.note) for n, f in enumerate(e.figures)],
    )


def _fill_spans(con: sqlite3.Connection, events: Sequence[Event], ds: Dataset | None) -> None:
    """The status history of every measure among ``events``, read in the context of ``ds``."""
    from ..dataset import Dataset
    from ..status import StatusEngine

    context = ds if ds is not None else Dataset(None, list(events))
    engine = StatusEngine(context)
    for event in events:
        if not event.is_measure or event.withdrawn is not None:
            continue
        con.executemany(
            "INSERT INTO status_spans VALUES (?,?,?,?,?,?,?,?)",
            [_span_row(event.id, span, context.coverage) for span in engine.spans(event)],
        )


def _span_row(event_id: str, span: Any, coverage: dt.date | None) -> tuple[Any, ...]:
    parts = json_dumps(span.parts, event_id, separators=(",", ":")) if span.parts else None
    projected = bool(getattr(span, "projected", False)) or (coverage is not None and span.since > coverage)
    return (
        event_id, span.status, _iso(span.since), _iso(span.until), span.reason,
        " ".join(span.because), parts, int(projected),
    )  # fmt: skip


def _fts_row(e: Event) -> tuple[Any, ...]:
    source_titles = "\n".join(s.title for s in e.sources if s.title)
    return (e.id, e.title, e.title_zh, e.summary, e.instrument, " ".join(e.tags), source_titles)


def _fill_series(con: sqlite3.Connection, found: Sequence[Any]) -> None:
    """The trade series and their points (see retracker.series.points_as_dicts)."""
    from ..series import points_as_dicts

    for s in sorted(found, key=lambda s: s.id):
        data = json_dumps(s.to_json(), s.id, separators=(",", ":"))
        row = (s.id, s.title, s.title_zh, s.unit, " ".join(s.materials), s.flow, s.reporter, s.partner)
        con.execute(
            "INSERT INTO series VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (*row, s.frequency, s.summary, s.notes, s.first, s.last, data),
        )
        con.executemany(
            "INSERT INTO series_points VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            map(_point_row, points_as_dicts(s), [s.id] * len(s.points)),
        )


def _point_row(p: dict[str, Any], series_id: str) -> tuple[Any, ...]:
    return (
        series_id, p["period"], p["start"], p["end"], p["value"], p["unit"], int(p["derived"]),
        p["how"], int(p["disputed"]), p["note"], " ".join(p["source_urls"]),
    )  # fmt: skip
