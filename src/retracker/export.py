"""Export events as CSV, JSON, JSON Lines, iCalendar or SQLite.

:func:`export` is the one entry point (``retracker export`` is a thin shell over it): it sorts
the events by (date, id), renders them in the chosen format and either returns the text (for
stdout) or writes it atomically to a file (see :mod:`retracker.atomic`: a failed export never
leaves a half-written file, and never damages the previous one).

Formats (all deterministic: the same log gives the same bytes, SQLite apart from the
library's own page layout):

``json``
    An array of :meth:`Event.to_json` objects, indented, UTF-8 (not ASCII-escaped).
``jsonl``
    One compact :meth:`Event.to_json` object per line.
``csv``
    One row per event with the columns :data:`CSV_COLUMNS`; list cells are joined with
    ``"; "`` (relations as ``type:target``), ``withdrawn`` reads ``YYYY-MM-DD: reason``.
    A cell that a spreadsheet would run as a formula (starting ``= + - @``, tab or CR) is
    prefixed with ``'``; :func:`read_csv` reads all of it back.
``ics``
    An iCalendar file (RFC 5545) with one all-day VEVENT per dated change: each event's
    announcement, its taking effect (``effective``, each part), and its end (``ends`` as
    extended, or a suspension closed early by a revocation). Needs the ``icalendar`` package.
``sqlite``
    A normalised SQLite database (:data:`SCHEMA_SQL`), with an FTS5 full-text index when the
    SQLite library has FTS5. Needs an output file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import __version__, vocab
from .atomic import atomic_path, atomic_write, atomic_writer
from .diagnostics import RetrackerError
from .jsonout import array_chunks
from .model import Event

if TYPE_CHECKING:
    from .dataset import Dataset
    from .status import StatusEngine

FORMATS = ("csv", "json", "jsonl", "ics", "sqlite")
"""Every export format, as ``--format`` names them."""

CSV_COLUMNS = (
    "id",
    "date",
    "kind",
    "issuer",
    "authority",
    "instrument",
    "instrument_key",
    "title",
    "title_zh",
    "materials",
    "targets",
    "effective",
    "ends",
    "verification",
    "relations",
    "source_urls",
    "summary",
    "tags",
    "withdrawn",
)
"""CSV columns, in order. ``materials``, ``targets``, ``tags``, ``source_urls`` (every source,
in file order) and ``relations`` (``type:target``) join their items with :data:`LIST_SEP`;
``withdrawn`` is ``YYYY-MM-DD: reason`` or empty; an empty cell is a missing value."""

LIST_SEP = "; "
"""Separator of list items inside one CSV cell."""

SQLITE_SCHEMA_VERSION = 1
"""``PRAGMA user_version`` of the SQLite export; bumped when :data:`SCHEMA_SQL` changes."""


def sort_events(events: Iterable[Event]) -> list[Event]:
    """Events in export order: by date, then id."""
    return sorted(events, key=lambda e: (e.date, e.id))


def export(
    events: Iterable[Event],
    fmt: str,
    output: Path | None = None,
    *,
    ds: Dataset | None = None,
) -> str | None:
    """Export ``events`` as ``fmt``; return the text when ``output`` is None, else write the file.

    ``ds`` is the dataset the events come from: the ICS export reads its coverage date (the
    DTSTAMP) and its relations (extended and revoked ends), the SQLite export records its
    coverage. SQLite needs an ``output`` path. Problems the user can fix (an unknown format,
    a folder that does not exist, a non-finite number in an event) raise
    :class:`~retracker.diagnostics.RetrackerError`.
    """
    if fmt not in FORMATS:
        raise RetrackerError(f"unknown export format '{fmt}'", hint="formats: " + ", ".join(FORMATS))
    ordered = sort_events(events)
    if fmt == "sqlite":
        if output is None:
            raise RetrackerError(
                "the sqlite format needs an output file", hint="pass an output path, e.g. events.sqlite"
            )
        _writing(output, lambda: write_sqlite(ordered, output, ds=ds))
        return None
    text = _RENDERERS[fmt](ordered, ds)
    if output is None:
        return text
    _writing(output, lambda: atomic_write(output, text))
    return None


def _writing(output: Path, write: Callable[[], object]) -> None:
    """Run ``write``; an OSError (no such folder, no permission) becomes a RetrackerError."""
    if Path(output).is_dir():
        raise RetrackerError(f"cannot write {output}: it is a folder", hint="give a file name")
    try:
        write()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise RetrackerError(f"cannot write {output}: {reason}") from None


# ------------------------------------------------------------------ JSON and JSON Lines


def _json_dumps(value: Any, where: str, **options: Any) -> str:
    """``json.dumps`` that refuses NaN and infinities (not JSON) with a fixable error."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, **options)
    except ValueError:
        raise RetrackerError(
            f"{where}: a figure's value is not a finite number (NaN or infinity)",
            hint="fix the value in the event file",
        ) from None


def json_text(events: Sequence[Event], ds: Dataset | None = None) -> str:
    """A JSON array of the events' public JSON shape, indented by two spaces."""
    return "".join(json_chunks(events))


def json_chunks(events: Iterable[Any], batch: int = 500) -> Iterator[str]:
    """:func:`json_text`, a batch of events at a time (anything with ``id`` and ``to_json()``)."""
    return array_chunks((_json_dumps(e.to_json(), e.id, indent=2) for e in events), batch)


def jsonl_text(events: Sequence[Event], ds: Dataset | None = None) -> str:
    """One compact JSON object per line (JSON Lines)."""
    return "".join(jsonl_chunks(events))


def jsonl_chunks(events: Iterable[Any], batch: int = 500) -> Iterator[str]:
    """:func:`jsonl_text`, a batch of events at a time."""
    lines: list[str] = []
    for e in events:
        lines.append(_json_dumps(e.to_json(), e.id, separators=(",", ":")) + "\n")
        if len(lines) >= batch:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def stream(events: Iterable[Any], fmt: str, output: Path | None, write: Callable[[str], object]) -> None:
    """Export ``events`` as CSV, JSON or JSON Lines without holding the whole text: to ``write``
    (standard output) or atomically to ``output`` (a failure leaves the old file intact).

    ``events`` may be index rows (see :class:`retracker.cache.Row`): the same text results.
    """
    chunks = STREAMED[fmt](sort_events(events))
    if output is None:
        for chunk in chunks:
            write(chunk)
        return

    def write_file() -> None:
        with atomic_writer(output, "w", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)

    _writing(output, write_file)


# ------------------------------------------------------------------ CSV

_FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")
_GUARDED = re.compile(r"^'+[=+\-@\t\r]")
_CSV_LISTS = ("materials", "targets", "source_urls", "tags")
_CSV_OPTIONAL = ("authority", "instrument", "instrument_key", "title_zh", "effective", "ends")


def _guard(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (reversible)."""
    return "'" + cell if _FORMULA_START.match(cell) else cell


def _unguard(cell: str) -> str:
    return cell[1:] if _GUARDED.match(cell) else cell


def csv_row(event: Any) -> dict[str, str]:
    """One event as CSV cells (before the formula guard), keyed by :data:`CSV_COLUMNS`.

    Built from the event's public JSON alone, so an index row does as well as an Event.
    """
    data = event.to_json()
    row = {col: "" if data.get(col) is None else str(data[col]) for col in CSV_COLUMNS if col in data}
    for col in ("materials", "targets", "tags"):
        row[col] = LIST_SEP.join(data[col])
    row["source_urls"] = LIST_SEP.join(s["url"] for s in data["sources"])
    row["relations"] = LIST_SEP.join(f"{r['type']}:{r['target']}" for r in data["relations"])
    w = data.get("withdrawn")
    row["withdrawn"] = f"{w['date']}: {w['reason']}" if w else ""
    return row


def csv_text(events: Sequence[Event], ds: Dataset | None = None) -> str:
    """The events as CSV (RFC 4180 quoting, ``\\n`` line ends, a header row)."""
    return "".join(csv_chunks(events))


def csv_chunks(events: Iterable[Any], batch: int = 500) -> Iterator[str]:
    """:func:`csv_text`, a batch of events at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for n, event in enumerate(events, 1):
        row = csv_row(event)
        writer.writerow(_guard(row[col]) for col in CSV_COLUMNS)
        if n % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def read_csv(text: str) -> list[dict[str, Any]]:
    """Parse CSV written by :func:`csv_text` back into typed values.

    Lists come back as lists, ``relations`` as ``[{"type", "target"}]``, ``withdrawn`` as
    ``{"date", "reason"}`` or None, empty optional cells as None; dates stay ``YYYY-MM-DD``
    strings, as in :meth:`Event.to_json`.
    """
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RetrackerError(f"CSV lacks the column(s) {', '.join(missing)}")
    return [_typed_row(row, n) for n, row in enumerate(reader, start=2)]


def _typed_row(row: dict[str, str], line: int) -> dict[str, Any]:
    cells = {col: _unguard(row[col] or "") for col in CSV_COLUMNS}
    out: dict[str, Any] = dict(cells)
    for col in _CSV_LISTS:
        out[col] = _split(cells[col])
    for col in _CSV_OPTIONAL:
        out[col] = cells[col] or None
    out["relations"] = [_relation(item, line) for item in _split(cells["relations"])]
    out["withdrawn"] = _withdrawn(cells["withdrawn"], line)
    return out


def _split(cell: str) -> list[str]:
    return cell.split(LIST_SEP) if cell else []


def _relation(item: str, line: int) -> dict[str, str]:
    kind, sep, target = item.partition(":")
    if not sep:
        raise RetrackerError(f"CSV record {line}: relation '{item}' is not type:target")
    return {"type": kind, "target": target}


def _withdrawn(cell: str, line: int) -> dict[str, str] | None:
    if not cell:
        return None
    day, sep, reason = cell.partition(": ")
    if not sep:
        raise RetrackerError(f"CSV record {line}: withdrawn '{cell}' is not 'YYYY-MM-DD: reason'")
    return {"date": day, "reason": reason}


# ------------------------------------------------------------------ iCalendar

ICS_PRODID = "-//retracker//EN"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_URI_SAFE = "/:?#[]@!$&'()*+,;=%~"


@dataclass(frozen=True)
class DatedChange:
    """One calendar entry: something that happens to an event on a day."""

    day: dt.date
    event: Event
    what: str
    label: str | None = None
    note: str | None = None

    @property
    def uid(self) -> str:
        """Stable across exports: ``<event-id>#<what>@retracker``."""
        return f"{self.event.id}#{self.what}@retracker"

    @property
    def summary(self) -> str:
        prefix = f"{self.label}: " if self.label else ""
        return f"[{self.event.issuer}] {prefix}{self.event.title}"


def dated_changes(event: Event, ds: Dataset, engine: StatusEngine) -> list[DatedChange]:
    """The announcement, the taking effect (whole or per part) and the end of one event.

    A taking effect on the announcement day is not repeated. The end is ``ends`` as
    stretched by an ``extends`` event; a revocation before it replaces it (for a
    suspension, the window then ends on the revocation; for a measure the revoking event
    carries the change, so no end is listed).
    """
    out = [DatedChange(event.date, event, "announced")]
    begins = "Suspension begins" if event.kind == "suspension" else "Takes effect"
    if event.effective and event.effective != event.date:
        out.append(DatedChange(event.effective, event, "effective", begins))
    for part in event.parts:
        if part.effective != event.date:
            out.append(
                DatedChange(
                    part.effective, event, f"part-{part.id}", f"Part {part.id} takes effect", part.note
                )
            )
    end = _end_change(event, ds, engine)
    if end is not None:
        out.append(end)
    return out


def _end_change(event: Event, ds: Dataset, engine: StatusEngine) -> DatedChange | None:
    end, extended_by = engine.end_of(event)
    # As the status engine reads them: a revocation closes a suspension's window; a
    # revocation or a superseding event ends a measure.
    acts = ("revokes",) if event.kind == "suspension" else ("revokes", "supersedes")
    closers = sorted(
        (actor.starts, actor.id)
        for rel, actor in ds.acted_on_by(event.id)
        if rel.type in acts and rel.target_part is None and actor.id != event.id
    )
    label = {"suspension": "Suspension ends"}.get(event.kind, "Expires" if event.is_measure else "Ends")
    if closers and (end is None or closers[0][0] < end):
        if event.kind != "suspension":
            return None
        day, by = closers[0]
        planned = f"; it was to run until {end}" if end else ""
        return DatedChange(day, event, "ends", label, f"Ended by {by}{planned}.")
    if end is None:
        return None
    note = f"End as extended by {extended_by} (first set to {event.ends})." if extended_by else None
    return DatedChange(end, event, "ends", label, note)


def _clean(text: str) -> str:
    """Drop control characters that iCalendar text may not carry (tab and newline stay)."""
    return _CONTROL.sub("", text)


def _uri(url: str) -> str:
    """A URL as an iCalendar URI: spaces, controls and non-ASCII percent-encoded."""
    return quote(url, safe=_URI_SAFE)


def primary_source_url(event: Event) -> str:
    """The URL of the first primary source, else of the first source."""
    return next((s.url for s in event.sources if s.primary), event.sources[0].url)


def _description(change: DatedChange) -> str:
    event = change.event
    lines = [event.summary]
    if change.note:
        lines.append(change.note)
    if event.withdrawn:
        lines.append(f"Record withdrawn on {event.withdrawn.date}: {event.withdrawn.reason}")
    lines += [f"Source: {primary_source_url(event)}", f"Event: {event.id}"]
    return _clean("\n\n".join(lines))


def _status(event: Event) -> str:
    if event.withdrawn:
        return "CANCELLED"
    return "TENTATIVE" if event.verification == "disputed" else "CONFIRMED"


def _icalendar() -> ModuleType:
    try:
        import icalendar
    except ImportError:
        raise RetrackerError(
            "the ics format needs the icalendar package", hint="pip install icalendar"
        ) from None
    return icalendar


def _dtstamp(ds: Dataset, events: Sequence[Event]) -> dt.datetime:
    """Deterministic DTSTAMP: the log's coverage date (else the latest event date), 00:00 UTC."""
    day = ds.coverage or max((e.date for e in events), default=dt.date(1970, 1, 1))
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


def _vevent(icalendar: ModuleType, change: DatedChange, stamp: dt.datetime) -> Any:
    vevent = icalendar.Event()
    vevent.add("uid", change.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", change.day)
    vevent.add("dtend", change.day + dt.timedelta(days=1))
    vevent.add("summary", _clean(change.summary))
    vevent.add("description", _description(change))
    vevent.add("url", _uri(primary_source_url(change.event)))
    vevent.add("categories", [change.event.kind])
    vevent.add("status", _status(change.event))
    vevent.add("transp", "TRANSPARENT")
    return vevent


def ics_text(events: Sequence[Event], ds: Dataset | None = None) -> str:
    """An iCalendar file with one all-day VEVENT per dated change (see :func:`dated_changes`)."""
    from .dataset import Dataset
    from .status import StatusEngine

    icalendar = _icalendar()
    ds = ds if ds is not None else Dataset(None, list(events))
    engine = StatusEngine(ds)
    order = {"announced": 0, "effective": 1, "ends": 3}
    changes = sorted(
        (c for e in events for c in dated_changes(e, ds, engine)),
        key=lambda c: (c.day, c.event.id, order.get(c.what, 2), c.what),
    )
    cal = icalendar.Calendar()
    cal.add("prodid", ICS_PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "retracker")
    stamp = _dtstamp(ds, events)
    for change in changes:
        cal.add_component(_vevent(icalendar, change, stamp))
    return cal.to_ical().decode("utf-8")


# ------------------------------------------------------------------ SQLite

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


def write_sqlite(events: Iterable[Event], path: Path, *, ds: Dataset | None = None) -> None:
    """Write the events to a new SQLite database at ``path``, atomically.

    The database is built in a temporary file beside ``path`` and renamed over it once
    complete; ``ds`` (optional) adds its coverage date to the ``meta`` table.
    """
    ordered = sort_events(events)
    with atomic_path(path) as temp, contextlib.closing(sqlite3.connect(temp)) as con:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.executescript(SCHEMA_SQL)
        fts = _create_fts(con)
        with con:
            _fill(con, ordered, fts=fts)
            _write_meta(con, ds, fts=fts)
        con.execute(f"PRAGMA user_version = {SQLITE_SCHEMA_VERSION}")


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
        _json_dumps(e.to_json(), e.id, separators=(",", ":")),
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


def _fts_row(e: Event) -> tuple[Any, ...]:
    source_titles = "\n".join(s.title for s in e.sources if s.title)
    return (e.id, e.title, e.title_zh, e.summary, e.instrument, " ".join(e.tags), source_titles)


STREAMED: dict[str, Callable[[Iterable[Any]], Iterator[str]]] = {
    "csv": csv_chunks,
    "json": json_chunks,
    "jsonl": jsonl_chunks,
}
"""Formats :func:`stream` writes as they are produced, from events or from the index's rows."""

_RENDERERS: dict[str, Callable[[Sequence[Event], Dataset | None], str]] = {
    "json": json_text,
    "jsonl": jsonl_text,
    "csv": csv_text,
    "ics": ics_text,
}
