"""An SQLite index of a data directory, so that queries need not parse every YAML file.

The index lives under the user's cache directory (see :func:`cache_dir`), one file per real
data directory. It is keyed by the installed code (:func:`code_stamp`), its format and every
file's stat signature (see :func:`scan`; a symlink by its target), files too recent for their
timestamps to be trusted being confirmed by content hash (:data:`RACY_NS`), and

- rebuilt automatically when any file changes (edit, add, delete, rename);
- built aside and renamed into place, so two processes racing never see half an index;
- never trusted over the YAML: an index that is corrupt, stale, of another format version
  or of another retracker version is ignored and rebuilt;
- bypassed by ``--no-cache`` (or ``RETRACKER_NO_CACHE=1``); lint never uses it.

A warm query reads only the rows it needs, without importing the YAML stack or validating
anything again (the events were validated when the index was built). Listings (timeline,
``show --element``, status) never rebuild events at all: each row carries the columns a table
shows, and every measure's status history is stored as spans (see
:meth:`retracker.status.StatusEngine.spans`), so "what is in force on D" is one lookup.
A log with unreadable files is not indexed: queries then read the YAML directly, so its
warnings stay visible.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import signal
import sqlite3
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__
from .status import Change, Status, StatusEngine

FORMAT = 7
ENV_NO_CACHE = "RETRACKER_NO_CACHE"

SCHEMA_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (
    id TEXT PRIMARY KEY, date TEXT NOT NULL, kind TEXT NOT NULL, issuer TEXT NOT NULL,
    withdrawn INTEGER NOT NULL, is_measure INTEGER NOT NULL, title TEXT NOT NULL,
    title_zh TEXT, materials TEXT NOT NULL, targets TEXT NOT NULL, json TEXT NOT NULL
);
CREATE TABLE materials (event_id TEXT NOT NULL, material TEXT NOT NULL);
CREATE TABLE targets (event_id TEXT NOT NULL, country TEXT NOT NULL);
CREATE TABLE parties (event_id TEXT NOT NULL, country TEXT NOT NULL);
CREATE TABLE relations (event_id TEXT NOT NULL, type TEXT NOT NULL, target_id TEXT NOT NULL);
CREATE TABLE spans (
    event_id TEXT NOT NULL, since TEXT NOT NULL, until TEXT, status TEXT NOT NULL,
    because TEXT NOT NULL, reason TEXT NOT NULL, parts TEXT NOT NULL
);
CREATE TABLE texts (
    event_id TEXT PRIMARY KEY, title TEXT NOT NULL, title_zh TEXT NOT NULL, instrument TEXT NOT NULL,
    tags TEXT NOT NULL, summary TEXT NOT NULL, sources TEXT NOT NULL
);
CREATE TABLE changes (
    event_id TEXT NOT NULL, day TEXT NOT NULL, change TEXT NOT NULL, before TEXT,
    after TEXT NOT NULL, because TEXT NOT NULL
);
CREATE INDEX events_date ON events(date, id);
CREATE INDEX changes_day ON changes(day);
CREATE INDEX spans_event ON spans(event_id, since);
CREATE INDEX events_kind ON events(kind);
CREATE INDEX materials_material ON materials(material);
CREATE INDEX targets_country ON targets(country);
CREATE INDEX parties_country ON parties(country);
CREATE INDEX relations_target ON relations(target_id);
CREATE INDEX relations_event ON relations(event_id);
"""

STATUS_RELATIONS = ("suspends", "extends", "revokes", "supersedes", "amends")
"""The relations the status engine reads (see retracker.status)."""

ROW_COLUMNS = ", ".join(
    f"events.{c}" for c in ("id", "date", "issuer", "kind", "title", "title_zh", "materials", "targets")
)
SPAN_JOIN = " LEFT JOIN spans s ON s.event_id = id AND s.since <= ? AND (s.until IS NULL OR s.until > ?)"
"""A measure's span covering the day: the one that started on or before it and has not ended."""


def cache_dir() -> Path | None:
    """Where indexes live: ``$XDG_CACHE_HOME/retracker``, else ``~/.cache/retracker``.

    Only absolute settings count (the XDG rule: a relative ``XDG_CACHE_HOME`` is ignored,
    and ``HOME=''`` is no home). Without a usable home (HOME unset or empty and no passwd
    entry for the user) the index goes to a private folder in the system's temporary
    directory, and when even that is not ours, to none: queries then read the YAML.
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg) / "retracker"
    home = _home()
    if home is not None:
        return home / ".cache" / "retracker"
    return _private_temp()


def _home() -> Path | None:
    home = os.environ.get("HOME", "")
    if os.path.isabs(home):
        return Path(home)
    try:
        import pwd

        entry = pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError, AttributeError, OSError):
        return None
    return Path(entry) if os.path.isabs(entry) and entry != "/" else None


def _private_temp() -> Path | None:
    """``$TMPDIR/retracker-<uid>``, created 0700; None unless it is a real folder of ours."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir()) / f"retracker-{uid}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != uid) or st.st_mode & 0o077:
        return None
    return folder


def index_path(root: Path) -> Path | None:
    """The index file of a data folder: one per real folder (``data``, ``./data`` and its
    absolute path or a symlink to it share one). None when there is no cache directory."""
    base = cache_dir()
    if base is None:
        return None
    digest = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:20]
    return base / f"index-{digest}.sqlite"


def _uri(path: Path, **query: str) -> str:
    """A ``file:`` URI for SQLite: ``?``, ``#`` and ``%`` in the path are escaped."""
    from urllib.parse import quote, urlencode

    return f"file:{quote(os.fsencode(path))}" + (f"?{urlencode(query)}" if query else "")


def disabled() -> bool:
    from .envflags import flag

    return flag(ENV_NO_CACHE)


@functools.lru_cache(maxsize=1)
def code_stamp() -> str:
    """A hash of the installed package's files (name, size, mtime): an index built by other
    code (an edited checkout, an upgrade without a version bump) is not trusted."""
    return sources_stamp(Path(__file__).resolve().parent)


def sources_stamp(folder: Path) -> str:
    """A hash of the version and every ``.py`` file's name, size and mtime in ``folder``
    (about 25 stat calls: cheap next to a query)."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(folder.glob("*.py")):
        st = path.stat()
        h.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


RACY_NS = 3_000_000_000
"""Timestamp granularity assumed for event files: 2 s (FAT, many NFS/SMB mounts) plus a
margin. A file modified less than this before it was indexed may change again without its
size or mtime changing ("racily clean", as git calls it): its content hash decides."""


class Scan(NamedTuple):
    """What the files under a data folder look like now."""

    started_ns: int
    """The clock before the first stat: edits after it may share an indexed mtime."""
    sigs: dict[str, str]
    """Relative path -> size, mtime, ctime, inode (of a symlink's target, and the link's own)."""
    racy: dict[str, int]
    """Relative path -> its newest timestamp, for files too recent to trust by stat alone."""


def scan(root: Path) -> Scan:
    """Stat every file the loader reads (dataset.yaml, events/): a symlink by its target."""
    from .dataset import iter_event_files

    started = time.time_ns()
    links: dict[str, bool] = {}
    events = root / "events"
    paths = [root / "dataset.yaml", *iter_event_files(events, links)]
    sigs: dict[str, str] = {}
    racy: dict[str, int] = {}
    for path in paths:
        rel = os.path.relpath(path, root)
        try:
            st = os.stat(path)
        except OSError as exc:
            sigs[rel] = f"error {exc.errno}"
            continue
        sig = f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}"
        newest = max(st.st_mtime_ns, st.st_ctime_ns)
        if links.get(str(path)):
            lst = os.lstat(path)
            sig += f" link {lst.st_mtime_ns} {lst.st_ctime_ns} {lst.st_ino}"
            newest = max(newest, lst.st_mtime_ns, lst.st_ctime_ns)
        sigs[rel] = sig
        if newest + RACY_NS > started:
            racy[rel] = newest
    return Scan(started, sigs, racy)


def fingerprint(root: Path) -> str:
    """A hash of every file's relative path and stat signature (see :func:`scan`)."""
    return _stamp(scan(root).sigs)


def _stamp(sigs: dict[str, str]) -> str:
    h = hashlib.sha256()
    for rel in sorted(sigs):
        h.update(os.fsencode(rel) + b"\0" + sigs[rel].encode() + b"\n")
    return h.hexdigest()


def content_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return f"error {exc.errno}"


# ------------------------------------------------------------------ writing


def build(root: Path, seen: Scan | None = None) -> Path | None:
    """Load the YAML, and when it loads clean write the index aside and rename it into place.

    ``seen`` is the scan the caller made before deciding to build (taken now if None): the
    index records it, so an edit made while the build runs is seen by the next query.
    Files modified within :data:`RACY_NS` of the scan are hashed before they are read.
    A SIGTERM during the build removes the half-written file (see :func:`_terminable`).
    """
    from .dataset import load_dataset

    target = index_path(root)
    if target is None:
        return None
    seen = seen or scan(root)
    racy = {rel: content_hash(root / rel) for rel in sorted(seen.racy)}
    ds = load_dataset(root)
    if ds.diagnostics:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    with _terminable():
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".index-", suffix=".tmp")
        os.close(fd)
        try:
            _write(Path(tmp), ds, _stamp(seen.sigs), racy)
            os.replace(tmp, target)
        finally:
            for leftover in (tmp, tmp + "-journal"):
                Path(leftover).unlink(missing_ok=True)
    return target


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that ``finally`` blocks clean up."""


@contextlib.contextmanager
def _terminable() -> Iterator[None]:
    """Within the block, SIGTERM unwinds (removing temporary files) and then ends the
    process as SIGTERM would (exit status 143); outside it, SIGTERM is left as it was.

    Only when SIGTERM has its default action and this is the main thread: a program that
    handles SIGTERM itself keeps its handler.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is not signal.SIG_DFL:
        yield
        return

    def raise_terminated(signum: int, frame: Any) -> None:
        raise _Terminated

    signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)  # die of the signal, as the sender expects
        raise SystemExit(128 + signal.SIGTERM) from None
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _write(path: Path, ds: Any, stamp: str, racy: dict[str, str] | None = None) -> None:

    con = sqlite3.connect(path)
    try:
        con.executescript(SCHEMA_SQL)
        events = ds.events
        con.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [_event_row(e) for e in events]
        )
        materials = [(e.id, m) for e in events for m in e.materials]
        con.executemany("INSERT INTO materials VALUES (?, ?)", materials)
        con.executemany("INSERT INTO targets VALUES (?, ?)", [(e.id, c) for e in events for c in e.targets])
        con.executemany("INSERT INTO parties VALUES (?, ?)", [(e.id, c) for e in events for c in e.parties])
        con.executemany(
            "INSERT INTO relations VALUES (?, ?, ?)",
            [(e.id, r.type, r.target_id) for e in events for r in e.relations],
        )
        con.executemany("INSERT INTO texts VALUES (?, ?, ?, ?, ?, ?, ?)", [_text_row(e) for e in events])
        engine = StatusEngine(ds)
        measures = engine.measures()
        con.executemany(
            "INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?)",
            [_span_row(s) for m in measures for s in engine.spans(m)],
        )
        con.executemany(
            "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?)",
            [_change_row(c) for m in measures for c in engine.changes_of(m)],
        )
        values = {
            "format": str(FORMAT),
            "version": __version__,
            "code": code_stamp(),
            "fingerprint": stamp,
            "racy": json.dumps(racy or {}, sort_keys=True),
            "meta": json.dumps(_jsonable(ds.meta), ensure_ascii=False),
        }
        con.executemany("INSERT INTO meta VALUES (?, ?)", list(values.items()))
        con.commit()
    finally:
        con.close()


def _event_row(e: Any) -> tuple[Any, ...]:
    return (
        e.id,
        e.date.isoformat(),
        e.kind,
        e.issuer,
        int(e.withdrawn is not None),
        int(e.is_measure),
        e.title,
        e.title_zh,
        " ".join(e.materials),
        " ".join(e.targets),
        json.dumps(e.to_json(), ensure_ascii=False),
    )


def _text_row(e: Any) -> tuple[Any, ...]:
    from .search import fields_of

    return (e.id, *(text.casefold() for text in fields_of(e).values()))


def _change_row(c: Any) -> tuple[Any, ...]:
    return (c.id, c.date.isoformat(), c.change, c.before, c.after, " ".join(c.because))


def _span_row(s: Any) -> tuple[Any, ...]:
    return (
        s.id,
        s.since.isoformat(),
        s.until.isoformat() if s.until else None,
        s.status,
        " ".join(s.because),
        s.reason,
        json.dumps(s.parts, ensure_ascii=False) if s.parts else "",
    )


def _jsonable(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in meta.items()}


# ------------------------------------------------------------------ reading


class Index:
    """A valid, open index; ``None`` from :func:`open_index` when there is none to trust."""

    def __init__(self, con: sqlite3.Connection, root: Path) -> None:
        self.con = con
        self.root = root
        row = con.execute("SELECT value FROM meta WHERE key = 'meta'").fetchone()
        self.meta = json.loads(row[0])
        if isinstance(self.meta.get("coverage"), str):
            self.meta["coverage"] = dt.date.fromisoformat(self.meta["coverage"])

    def close(self) -> None:
        self.con.close()

    def select(self, f: Any) -> list[str]:
        """Ids of events that match the filters."""
        clauses, params = _where(f)
        return [r[0] for r in self.con.execute(f"SELECT id FROM events WHERE {clauses}", params)]

    def listing(
        self,
        f: Any,
        day: dt.date | None = None,
        *,
        measures_only: bool = False,
        targets: Iterable[str] = (),
        reverse: bool = False,
        limit: int | None = None,
        with_json: bool = False,
    ) -> list[tuple[Row, Any]]:
        """Matching events as rows in date order, each with its status on ``day`` (or None).

        ``targets`` keeps measures whose targets include one of the codes or ALL.
        """
        clauses, params = _where(f)
        if measures_only:
            clauses += " AND is_measure = 1"
        codes = [*targets, "ALL"] if targets else []
        if codes:
            clauses += f" AND id IN (SELECT event_id FROM targets WHERE country IN ({_marks(codes)}))"
            params += codes
        cols = ROW_COLUMNS + (", json" if with_json else ", NULL")
        join, join_params = "", []
        if day is not None:
            cols += ", s.status, s.since, s.until, s.because, s.reason, s.parts"
            join = SPAN_JOIN
            join_params = [day.isoformat(), day.isoformat()]
        order = " DESC" if reverse else ""
        sql = f"SELECT {cols} FROM events{join} WHERE {clauses} ORDER BY date{order}, id{order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_row(r, day) for r in self.con.execute(sql, join_params + params)]

    def acting_on(self, ids: Iterable[str]) -> set[str]:
        """Ids of every event that acts on ``ids`` in a way that can change a status
        (suspends, extends, revokes, supersedes, amends), transitively: a suspension, its
        extensions and revocations, an amendment and what ends it. ``responds-to`` and
        ``related`` change no status."""
        kinds = ",".join(f"'{k}'" for k in STATUS_RELATIONS)
        sql = f"SELECT event_id FROM relations WHERE type IN ({kinds}) AND target_id IN ({{marks}})"
        found: set[str] = set()
        frontier = set(ids)
        while frontier:
            frontier = self._each_chunk(sql, frontier) - found
            found |= frontier
        return found

    def _each_chunk(self, sql: str, ids: set[str], repeat: int = 1) -> set[str]:
        """The first column of ``sql`` run over ``ids`` 500 at a time (``{marks}`` in ``sql``
        stands for one chunk's placeholders, ``repeat`` times): SQLite caps the variables
        in one statement."""
        wanted = sorted(ids)
        out: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.con.execute(sql.format(marks=_marks(chunk)), chunk * repeat)
            out |= {r[0] for r in rows}
        return out

    def upcoming(self, f: Any, start: dt.date, end: dt.date) -> list[tuple[Row, Any]]:
        """Status changes from ``start`` to ``end`` (inclusive) of the measures matching ``f``."""

        clauses, params = _where(f)
        sql = (
            f"SELECT {ROW_COLUMNS}, NULL, c.day, c.change, c.before, c.after, c.because "
            f"FROM changes c JOIN events ON id = c.event_id "
            f"WHERE c.day >= ? AND c.day <= ? AND {clauses} ORDER BY c.day, c.event_id"
        )
        out = []
        for r in self.con.execute(sql, [start.isoformat(), end.isoformat(), *params]):
            row, _ = _row(r, None)
            day = dt.date.fromisoformat(r[9])
            out.append((row, Change(day, row.id, r[10], r[11], r[12], tuple(r[13].split()))))
        return out

    def search(
        self, f: Any, terms: list[str], limit: int | None = None, *, with_json: bool = False
    ) -> list[tuple[Row, float]]:
        """Rows matching every (casefolded) term, best first, scored as :func:`retracker.search.score`.

        A term's score in a field is its weight times the number of non-overlapping
        occurrences, counted as the characters ``replace`` removes: the same count as
        ``str.count``, so the ranking is the one the YAML path gives.
        """
        from .search import WEIGHTS

        if not terms:
            return []
        clauses, params = _where(f)
        scores, score_params = [], []
        for term in terms:
            parts = [
                f"{weight!r} * ((length(t.{field}) - length(replace(t.{field}, ?, ''))) / {len(term)})"
                for field, weight in WEIGHTS.items()
            ]
            scores.append(" + ".join(parts))
            score_params += [term] * len(WEIGHTS)
        named = ", ".join(f"({expr}) AS s{i}" for i, expr in enumerate(scores))
        cols = ROW_COLUMNS + (", events.json" if with_json else ", NULL")
        inner = f"SELECT {cols}, {named} FROM events JOIN texts t ON t.event_id = id WHERE {clauses}"
        found = " AND ".join(f"s{i} > 0" for i in range(len(terms)))
        total = " + ".join(f"s{i}" for i in range(len(terms)))
        sql = f"SELECT *, {total} FROM ({inner}) WHERE {found} ORDER BY {total} DESC, date DESC, id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [(_row(r, None)[0], r[-1]) for r in self.con.execute(sql, score_params + params)]

    def neighbourhood(self, event_id: str, depth: int) -> set[str]:
        """Ids within ``depth`` relation steps of ``event_id``, either direction (itself included)."""
        sql = (
            "SELECT target_id FROM relations WHERE event_id IN ({marks}) "
            "UNION SELECT event_id FROM relations WHERE target_id IN ({marks})"
        )
        found = {event_id}
        frontier = {event_id}
        for _ in range(depth):
            frontier = self._each_chunk(sql, frontier, repeat=2) - found
            if not frontier:
                break
            found |= frontier
        return found

    def entries(self) -> list[Any]:
        """Every event's :class:`retracker.handles.Entry` (id, instrument key, withdrawn)."""
        from .handles import Entry

        sql = "SELECT id, json_extract(json, '$.instrument_key'), withdrawn FROM events"
        return [Entry(r[0], r[1], bool(r[2])) for r in self.con.execute(sql)]

    def has(self, event_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM events WHERE id = ?", (event_id,)).fetchone() is not None

    def events(self, ids: Iterable[str]) -> list[Any]:
        from . import model

        wanted = sorted(set(ids))
        out: list[model.Event] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.con.execute(
                f"SELECT json FROM events WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            out.extend(model.revive(json.loads(r[0])) for r in rows)
        return out


class Row(NamedTuple):
    """One event as a listing shows it, straight from the index.

    It has the attributes the tables read from an Event (id, date, issuer, kind, title,
    title_zh, materials, targets) and ``to_json()`` when the listing asked for JSON. A named
    tuple: 20,000 of them are built per query on a large log, at C speed.
    """

    id: str
    date: dt.date
    issuer: str
    kind: str
    title: str
    title_zh: str | None
    materials: list[str]
    targets: list[str]
    raw: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.raw is None:
            raise ValueError("this row was read without its JSON")
        return json.loads(self.raw)


def _row(r: tuple[Any, ...], day: dt.date | None) -> tuple[Row, Any]:
    row = Row(r[0], dt.date.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6].split(), r[7].split(), r[8])
    if day is None or r[9] is None:
        return row, None

    status = Status(
        r[0],
        day,
        r[9],
        dt.date.fromisoformat(r[10]),
        dt.date.fromisoformat(r[11]) if r[11] else None,
        tuple(r[12].split()),
        r[13],
        json.loads(r[14]) if r[14] else {},
    )
    return row, status


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values))


def _where(f: Any) -> tuple[str, list[Any]]:
    """A WHERE clause (and its parameters) for the filters, as :func:`retracker.query.matches`."""
    clauses, params = ["1"], []
    if not f.include_withdrawn:
        clauses.append("withdrawn = 0")
    if f.kinds:
        clauses.append(f"kind IN ({_marks(f.kinds)})")
        params += f.kinds
    if f.issuers:
        clauses.append(
            f"(issuer IN ({_marks(f.issuers)}) OR id IN "
            f"(SELECT event_id FROM parties WHERE country IN ({_marks(f.issuers)})))"
        )
        params += [*f.issuers, *f.issuers]
    if f.since:
        clauses.append("date >= ?")
        params.append(f.since.isoformat())
    if f.until:
        clauses.append("date <= ?")
        params.append(f.until.isoformat())
    if f.materials:
        from .query import covered
        from .vocab import MATERIALS

        keys = sorted(k for k in MATERIALS if MATERIALS[k].covers & covered(f.materials))
        clauses.append(f"id IN (SELECT event_id FROM materials WHERE material IN ({_marks(keys)}))")
        params += keys
    if f.countries:
        codes = [*f.countries, "ALL"]
        clauses.append(
            f"(issuer IN ({_marks(f.countries)}) OR id IN "
            f"(SELECT event_id FROM targets WHERE country IN ({_marks(codes)})) OR id IN "
            f"(SELECT event_id FROM parties WHERE country IN ({_marks(f.countries)})))"
        )
        params += [*f.countries, *codes, *f.countries]
    return " AND ".join(clauses), params


def open_index(root: Path, stamp: str) -> Index | None:
    """The index for ``root`` if it exists, was built by this code and matches ``stamp``
    (and the content of the files that were too recent to trust by their stat); else None."""
    path = index_path(root)
    if path is None or not path.is_file():
        return None
    try:
        con = sqlite3.connect(_uri(path, mode="ro"), uri=True)
        rows = dict(con.execute("SELECT key, value FROM meta").fetchall())
        if (
            rows.get("format") != str(FORMAT)
            or rows.get("version") != __version__
            or rows.get("code") != code_stamp()
            or rows.get("fingerprint") != stamp
            or not _confirmed(root, json.loads(rows.get("racy", "{}")))
        ):
            con.close()
            return None
        return Index(con, root)
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None


def _confirmed(root: Path, racy: dict[str, str]) -> bool:
    """Whether files indexed within the timestamp granularity still hold what was read."""
    return all(content_hash(root / rel) == digest for rel, digest in racy.items())


def query_dataset(root: Path, f: Any):
    """The events matching ``f`` (and those acting on them) as a Dataset, from the index.

    Returns None when the index cannot be used (disabled, unreadable log); the caller then
    loads the YAML.
    """

    def ask(index: Index):
        chosen = set(index.select(f))
        chosen |= index.acting_on(chosen)
        return _dataset_of(index, chosen)

    return _with_index(root, ask)


def around(root: Path, event_id: str, depth: int):
    """A Dataset of the event and every event within ``depth`` relation steps, from the index.

    Enough for ``show ID``: the relation tree (which follows relations ``depth`` steps out
    and in), the event's status (its actors and theirs are one and two steps in) and its
    inverse relations. None when the index cannot be used or has no such event (the caller
    then loads the whole log, which also finds suggestions for a mistyped id).
    """

    def ask(index: Index):
        if not index.has(event_id):
            return None
        return _dataset_of(index, index.neighbourhood(event_id, depth))

    return _with_index(root, ask)


def entries(root: Path):
    """``(every event's handles.Entry, dataset meta)`` from the index, or None when it cannot
    be used: what :func:`retracker.handles.handles` needs to name the rows of a listing."""
    return _with_index(root, lambda index: (index.entries(), index.meta))


def resolve_around(root: Path, term: str, depth: int):
    """``(resolved, Dataset of its neighbourhood)`` for ``show TERM``, from the index.

    ``term`` is what :func:`retracker.handles.resolve` reads (an id, a prefix, a key ...);
    an exact id is looked up directly. None when the index cannot be used.
    """
    from .handles import Resolved, parse_term, resolve

    def ask(index: Index):
        what, part = parse_term(term)
        exact = index.has(what.casefold())
        found = Resolved(what.casefold(), part) if exact else resolve(term, index.entries())
        return found, _dataset_of(index, index.neighbourhood(found.id, depth))

    return _with_index(root, ask)


def search(root: Path, f: Any, terms: list[str], limit: int | None = None, **options: Any):
    """``(rows with their score, dataset meta)`` from the index, or None when it cannot be used."""
    return _with_index(root, lambda index: (index.search(f, terms, limit, **options), index.meta))


def upcoming(root: Path, f: Any, start: dt.date, end: dt.date):
    """``(rows with their change, dataset meta)`` from the index, or None when it cannot be used."""
    return _with_index(root, lambda index: (index.upcoming(f, start, end), index.meta))


def listing(root: Path, f: Any, day: dt.date | None = None, **options: Any):
    """``(rows with their status, dataset meta)`` from the index, or None when it cannot be used.

    ``options`` are those of :meth:`Index.listing`.
    """
    return _with_index(root, lambda index: (index.listing(f, day, **options), index.meta))


def _with_index(root: Path, ask: Callable[[Index], Any]) -> Any:
    """``ask(index)`` on an index matching the files; None when none can be used (disabled,
    an unreadable log, an SQLite error): the caller then reads the YAML."""
    if disabled():
        return None
    index = _fresh_index(root)
    if index is None:
        return None
    try:
        return ask(index)
    except sqlite3.Error:
        return None
    finally:
        index.close()


def _dataset_of(index: Index, ids: Iterable[str]):
    from .dataset import Dataset

    return Dataset(index.root, index.events(ids), [], [], index.meta)


def _fresh_index(root: Path) -> Index | None:
    """An index matching the files as they are now, built first if needed."""
    try:
        seen = scan(root)
        stamp = _stamp(seen.sigs)
        index = open_index(root, stamp)
        if index is None:
            if build(root, seen) is None:
                return None
            index = open_index(root, stamp)
        return index
    except (OSError, sqlite3.Error):
        return None
