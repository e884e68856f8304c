"""Building and updating the SQLite index of a data directory (see :mod:`retracker.cache`).

Where it lives: :func:`cache_dir`, one file per real data folder (:func:`index_path`).

What it trusts: the index records, per file (dataset.yaml and every file under events/),
its stat signature (size, mtime, ctime, inode; a symlink's target and the link itself), the
hash of the content that was parsed, the event it holds, and when it was read. A query
stats every file (:func:`scan`) and compares:

- same signature, read long enough after its last change: unchanged;
- same signature but changed within :data:`RACY_NS` of being read ("racily clean": a coarse
  file-system clock could hide a second edit): its content hash decides;
- another signature: its content hash decides (a ``touch`` re-reads, nothing more);
- added, removed (a rename is both).

Only what changed is read, parsed and validated again; the status history (spans and
changes) is recomputed only for the measures whose relation neighbourhood touches a changed
event (:func:`_affected`). The whole index is rebuilt only when it is missing, corrupt, of
another format or built by other code (:func:`code_stamp`); the rebuild streams the files in
chunks (bounded memory), is written aside and renamed into place.

Concurrency: every write (update or rebuild) holds an exclusive lock on ``<index>.lock``
and then re-checks what is left to do, so two processes never do the same work twice nor
interleave; readers use SQLite transactions and always see a committed state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import json
import os
import signal
import sqlite3
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__

FORMAT = 9
META_FILE = "dataset.yaml"
CHUNK = 1000
"""Files parsed, and measures recomputed, per batch of a rebuild (bounds its memory)."""

SCHEMA_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    rel TEXT PRIMARY KEY, sig TEXT NOT NULL, hash TEXT NOT NULL, event_id TEXT,
    newest INTEGER NOT NULL, checked INTEGER NOT NULL
);
CREATE TABLE events (
    id TEXT PRIMARY KEY, date TEXT NOT NULL, kind TEXT NOT NULL, issuer TEXT NOT NULL,
    withdrawn INTEGER NOT NULL, is_measure INTEGER NOT NULL, title TEXT NOT NULL,
    title_zh TEXT, materials TEXT NOT NULL, targets TEXT NOT NULL, parties TEXT NOT NULL,
    json TEXT NOT NULL
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
CREATE INDEX changes_event ON changes(event_id);
CREATE INDEX spans_event ON spans(event_id, since);
CREATE INDEX events_kind ON events(kind);
CREATE INDEX materials_material ON materials(material);
CREATE INDEX materials_event ON materials(event_id);
CREATE INDEX targets_country ON targets(country);
CREATE INDEX targets_event ON targets(event_id);
CREATE INDEX parties_country ON parties(country);
CREATE INDEX parties_event ON parties(event_id);
CREATE INDEX relations_target ON relations(target_id);
CREATE INDEX relations_event ON relations(event_id);
"""

STATUS_RELATIONS = ("suspends", "extends", "revokes", "supersedes", "amends")
"""The relations the status engine reads (see retracker.status): a measure's stored history
depends on the events acting on it through these, so a change at one end of such a relation
recomputes the other."""

SPAN_RELATIONS = STATUS_RELATIONS

RACY_NS = 3_000_000_000
"""Timestamp granularity assumed for event files: 2 s (FAT, many NFS/SMB mounts) plus a
margin. A file modified less than this before it was read may change again without its
size or timestamps changing ("racily clean", as git calls it): its content hash decides."""

# ------------------------------------------------------------------ where


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
    """The index file of a data folder: one per real folder (``data``, ``./data``, its
    absolute path and a symlink to it share one). None when there is no cache directory."""
    base = cache_dir()
    if base is None:
        return None
    digest = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:20]
    return base / f"index-{digest}.sqlite"


def uri(path: Path, **query: str) -> str:
    """A ``file:`` URI for SQLite: ``?``, ``#`` and ``%`` in the path are escaped."""
    from urllib.parse import quote, urlencode

    return f"file:{quote(os.fsencode(path))}" + (f"?{urlencode(query)}" if query else "")


@functools.lru_cache(maxsize=1)
def code_stamp() -> str:
    """A hash of the installed package's files (name, size, mtime): an index built by other
    code (an edited checkout, an upgrade without a version bump) is not trusted."""
    return sources_stamp(Path(__file__).resolve().parent)


def sources_stamp(folder: Path) -> str:
    """A hash of the version, the index format and every ``.py`` file's name, size and
    mtime in ``folder`` (about 25 stat calls: cheap next to a query)."""
    h = hashlib.sha256(f"{__version__} {FORMAT}".encode())
    for path in sorted(folder.glob("*.py")):
        st = path.stat()
        h.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


# ------------------------------------------------------------------ what the files look like


class Scan(NamedTuple):
    """What the files under a data folder look like now."""

    started_ns: int
    """The clock before the first stat: content read after it is at least this new."""
    files: dict[str, tuple[str, int]]
    """Relative path -> (stat signature, newest timestamp in ns)."""
    links: dict[str, bool]


def scan(root: Path) -> Scan:
    """Stat every file the loader reads (dataset.yaml, events/): a symlink by its target
    and by itself (relinking changes the link, editing the target changes the target)."""
    from .dataset import walk_event_files

    started = time.time_ns()
    links: dict[str, bool] = {}
    base = str(root)
    skip = len(base) + (0 if base.endswith(os.sep) else 1)
    files: dict[str, tuple[str, int]] = {}
    meta = os.path.join(base, META_FILE)
    try:
        files[META_FILE] = _signature(os.stat(meta), None)
    except OSError as exc:
        files[META_FILE] = (f"error {exc.errno}", started)
    for name, link in walk_event_files(os.path.join(base, "events")):
        rel = name[skip:]
        try:
            if link:
                links[name] = True
                files[rel] = _signature(os.stat(name), os.lstat(name))
            else:
                files[rel] = _signature(os.stat(name), None)
        except OSError as exc:
            files[rel] = (f"error {exc.errno}", started)
    return Scan(started, files, links)


def _signature(st: os.stat_result, link: os.stat_result | None) -> tuple[str, int]:
    sig = f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}"
    newest = max(st.st_mtime_ns, st.st_ctime_ns)
    if link is not None:
        sig += f" link {link.st_mtime_ns} {link.st_ctime_ns} {link.st_ino}"
        newest = max(newest, link.st_mtime_ns, link.st_ctime_ns)
    return sig, newest


def fingerprint(root: Path) -> str:
    """A hash of every file's relative path and stat signature (see :func:`scan`)."""
    h = hashlib.sha256()
    files = scan(root).files
    for rel in sorted(files):
        h.update(os.fsencode(rel) + b"\0" + files[rel][0].encode() + b"\n")
    return h.hexdigest()


def digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


class Stored(NamedTuple):
    sig: str
    hash: str
    event_id: str | None
    newest: int
    checked: int


@dataclass
class Plan:
    """What an index lacks to match a scan."""

    changed: dict[str, bytes | None] = field(default_factory=dict)
    """Added or edited files and their content (None: unreadable, the log is not indexed)."""
    removed: list[str] = field(default_factory=list)
    confirmed: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Files whose content is unchanged but whose record should be refreshed: (sig, newest)."""

    @property
    def empty(self) -> bool:
        return not (self.changed or self.removed)


def plan(con: sqlite3.Connection, root: Path, seen: Scan, read: dict[str, bytes | None]) -> Plan:
    """Compare the scan with the index's file records; read (into ``read``, once per
    process) and hash the files whose record cannot vouch for them."""
    stored = {r[0]: Stored(*r[1:]) for r in con.execute("SELECT * FROM files")}
    out = Plan()
    for rel, (sig, newest) in seen.files.items():
        old = stored.pop(rel, None)
        if old is not None and old.sig == sig and old.newest + RACY_NS <= old.checked:
            continue
        if rel not in read:
            read[rel] = _read(root / rel)
        raw = read[rel]
        if old is None or raw is None or digest(raw) != old.hash:
            out.changed[rel] = raw
        elif old.sig != sig or newest + RACY_NS <= seen.started_ns:
            out.confirmed[rel] = (sig, newest)  # same content: only the record moves on
    out.removed = sorted(stored)
    return out


def _read(path: Path) -> bytes | None:
    from . import yamlio

    try:
        return yamlio.read_bytes(path)
    except yamlio.YamlProblem:
        return None


# ------------------------------------------------------------------ the entry point


def fresh(root: Path) -> sqlite3.Connection | None:
    """A connection to an index that matches the files as they are now, inside a read
    transaction (a consistent snapshot); updated or rebuilt first if needed. None when no
    index can serve: no cache directory, a file that does not load clean, an SQLite or OS
    error. The caller then reads the YAML."""
    path = index_path(root)
    if path is None:
        return None
    try:
        seen = scan(root)
        read: dict[str, bytes | None] = {}
        con = _open(path)
        if con is not None:
            todo = plan(con, root, seen, read)
            if todo.empty:
                if todo.confirmed:  # our read transaction would block the writer: end it
                    con.execute("COMMIT")
                    _confirm(path, todo, seen)
                    con.execute("BEGIN")
                return con
            con.close()
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path, wait=True):
            return _bring_up_to_date(path, root, seen, read)
    except (OSError, sqlite3.Error):
        return None


def _bring_up_to_date(
    path: Path, root: Path, seen: Scan, read: dict[str, bytes | None]
) -> sqlite3.Connection | None:
    """Under the write lock: update the index in place, or rebuild it; then open it."""
    con = _open(path)
    if con is not None:
        con.execute("COMMIT")
        con.execute("BEGIN IMMEDIATE")
        todo = plan(con, root, seen, read)
        if not todo.empty or todo.confirmed:
            ok = _update(con, root, seen, todo)
            if not ok:
                con.execute("ROLLBACK")
                con.close()
                return None
        con.execute("COMMIT")
        con.execute("BEGIN")
        return con
    if not _build(root, seen, read, path):
        return None
    return _open(path)


def _open(path: Path) -> sqlite3.Connection | None:
    """The index at ``path``, in a read transaction, if it was built by this code."""
    if not path.is_file():
        return None
    con = None
    try:
        con = sqlite3.connect(uri(path), uri=True, timeout=60, isolation_level=None)
        con.execute("BEGIN")
        rows = dict(con.execute("SELECT key, value FROM meta").fetchall())
        if (
            rows.get("format") == str(FORMAT)
            and rows.get("version") == __version__
            and rows.get("code") == code_stamp()
            and "meta" in rows
        ):
            return con
    except sqlite3.Error:
        pass
    if con is not None:
        con.close()
    return None


def _confirm(path: Path, todo: Plan, seen: Scan) -> None:
    """Move the records of files found unchanged on: no more hashing them. Skipped when
    another process holds the lock (it is only saved work)."""
    with _locked(path, wait=False) as got:
        if not got:
            return
        con = sqlite3.connect(uri(path), uri=True, timeout=1, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            _record(con, todo.confirmed, seen)
            con.execute("COMMIT")
        except sqlite3.Error:
            pass
        finally:
            con.close()


def _record(con: sqlite3.Connection, files: dict[str, tuple[str, int]], seen: Scan) -> None:
    """Refresh the sig/newest/checked of file records (content and event unchanged)."""
    con.executemany(
        "UPDATE files SET sig = ?, newest = ?, checked = ? WHERE rel = ?",
        [(sig, newest, seen.started_ns, rel) for rel, (sig, newest) in files.items()],
    )


@contextlib.contextmanager
def _locked(path: Path, *, wait: bool) -> Iterator[bool]:
    """An exclusive lock on ``<index>.lock`` (yields whether it was taken; always True with
    ``wait``). Without fcntl (Windows) SQLite's own locking and atomic renames remain."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


# ------------------------------------------------------------------ incremental update


def _update(con: sqlite3.Connection, root: Path, seen: Scan, todo: Plan) -> bool:
    """Apply a plan inside the caller's write transaction; False when a changed file does
    not load clean (the log is then not indexed and queries read the YAML)."""
    from .dataset import load_event_file, load_meta

    if any(raw is None for raw in todo.changed.values()):
        return False
    resolved = root.resolve()
    events, files = [], {}
    for rel, raw in todo.changed.items():
        assert raw is not None
        if rel == META_FILE:
            meta, diags = load_meta(root, raw)
            if diags:
                return False
            _set_meta(con, meta)
            files[rel] = (raw, None)
            continue
        path = root / rel
        event, diags, _ = load_event_file(path, resolved, is_link=seen.links.get(str(path)), raw=raw)
        if event is None or diags:
            return False
        events.append(event)
        files[rel] = (raw, event.id)
    old = {
        r[0]
        for rel in [*todo.changed, *todo.removed]
        for r in con.execute("SELECT event_id FROM files WHERE rel = ? AND event_id IS NOT NULL", (rel,))
    }
    new = {e.id for e in events}
    touched = old | new | _reach(con, old | new)
    _delete_events(con, old)
    try:
        insert_events(con, events)
    except sqlite3.IntegrityError:  # an id used twice: lint reports it; the YAML serves
        return False
    touched |= _reach(con, new)
    con.executemany("DELETE FROM files WHERE rel = ?", [(rel,) for rel in todo.removed])
    con.executemany(
        "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
        [
            (rel, seen.files[rel][0], digest(raw), event_id, seen.files[rel][1], seen.started_ns)
            for rel, (raw, event_id) in files.items()
        ],
    )
    _record(con, todo.confirmed, seen)
    recompute(con, touched)
    return True


def _reach(con: sqlite3.Connection, ids: set[str]) -> set[str]:
    """Everything ``ids`` act on through :data:`SPAN_RELATIONS`, transitively (a changed
    extension changes its suspension's window, which changes the suspended measure)."""
    sql = f"SELECT target_id FROM relations WHERE type IN ({_quoted(SPAN_RELATIONS)}) AND event_id IN ({{}})"
    return _closure(con, sql, ids)


def _actors(con: sqlite3.Connection, ids: set[str]) -> set[str]:
    """Everything acting on ``ids`` through :data:`SPAN_RELATIONS`, transitively."""
    sql = f"SELECT event_id FROM relations WHERE type IN ({_quoted(SPAN_RELATIONS)}) AND target_id IN ({{}})"
    return _closure(con, sql, ids)


def _closure(con: sqlite3.Connection, sql: str, ids: set[str]) -> set[str]:
    found: set[str] = set()
    frontier = set(ids)
    while frontier:
        step: set[str] = set()
        for chunk in _chunks(sorted(frontier), 500):
            step |= {r[0] for r in con.execute(sql.format(",".join("?" * len(chunk))), chunk)}
        frontier = step - found - ids
        found |= frontier
    return found


def _quoted(words: Iterable[str]) -> str:
    return ",".join(f"'{w}'" for w in words)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _delete_events(con: sqlite3.Connection, ids: set[str]) -> None:
    for chunk in _chunks(sorted(ids), 500):
        marks = ",".join("?" * len(chunk))
        for table, column in (
            ("events", "id"),
            ("materials", "event_id"),
            ("targets", "event_id"),
            ("parties", "event_id"),
            ("relations", "event_id"),
            ("texts", "event_id"),
        ):
            con.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)


def recompute(con: sqlite3.Connection, ids: Iterable[str]) -> None:
    """Replace the spans and changes of the live measures among ``ids``: each batch is
    revived with every event acting on it (all a measure's history depends on)."""
    from . import model
    from .dataset import Dataset
    from .status import StatusEngine

    for chunk in _chunks(sorted(set(ids)), CHUNK):
        marks = ",".join("?" * len(chunk))
        con.execute(f"DELETE FROM spans WHERE event_id IN ({marks})", chunk)
        con.execute(f"DELETE FROM changes WHERE event_id IN ({marks})", chunk)
        measures = {
            r[0]
            for r in con.execute(
                f"SELECT id FROM events WHERE id IN ({marks}) AND is_measure = 1 AND withdrawn = 0", chunk
            )
        }
        if not measures:
            continue
        wanted = sorted(measures | _actors(con, measures))
        events = []
        for part in _chunks(wanted, 500):
            rows = con.execute(f"SELECT json FROM events WHERE id IN ({','.join('?' * len(part))})", part)
            events.extend(model.revive(json.loads(r[0])) for r in rows)
        ds = Dataset(None, events)
        engine = StatusEngine(ds)
        chosen = [ds.by_id[i] for i in sorted(measures)]
        con.executemany(
            "INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?)",
            [span_row(s) for m in chosen for s in engine.spans(m)],
        )
        con.executemany(
            "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?)",
            [change_row(c) for m in chosen for c in engine.changes_of(m)],
        )


# ------------------------------------------------------------------ full build


def build(root: Path) -> bool:
    """Rebuild the index of ``root`` from scratch (under the write lock); False when a file
    does not load clean or there is no cache directory."""
    target = index_path(root)
    if target is None:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target, wait=True):
        return _build(root, scan(root), {}, target)


def _build(root: Path, seen: Scan, read: dict[str, bytes | None], target: Path) -> bool:
    """Write a whole index aside and rename it over ``target`` (the caller holds the write
    lock); False when a file does not load clean (nothing is written then). Files are
    parsed in batches of :data:`CHUNK` and only their rows are kept, so memory does not
    grow with the log. A SIGTERM during the build removes the half-written file (see
    :func:`_terminable`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with _terminable(), _gc_off():
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".index-", suffix=".tmp")
        os.close(fd)
        try:
            con = sqlite3.connect(tmp, isolation_level=None)
            try:
                ok = _fill(con, root, seen, read)
                con.execute("COMMIT" if ok else "ROLLBACK")
            finally:
                con.close()
            if ok:  # a writer that died mid-transaction left a journal for the old file
                Path(f"{target}-journal").unlink(missing_ok=True)
                os.replace(tmp, target)
            return ok
        finally:
            for leftover in (tmp, f"{tmp}-journal"):
                Path(leftover).unlink(missing_ok=True)


def _fill(con: sqlite3.Connection, root: Path, seen: Scan, read: dict[str, bytes | None]) -> bool:
    from .dataset import load_event_file, load_meta

    con.execute("PRAGMA journal_mode = OFF")  # a private file until it is renamed
    con.execute("PRAGMA synchronous = OFF")
    con.executescript(SCHEMA_SQL)
    con.execute("BEGIN")
    resolved = root.resolve()
    rels = sorted(seen.files, key=lambda r: (r != META_FILE, r))
    for batch in _chunks(rels, CHUNK):
        events, files = [], []
        for rel in batch:
            raw = read.pop(rel) if rel in read else _read(root / rel)
            if raw is None:
                return False
            if rel == META_FILE:
                meta, diags = load_meta(root, raw)
                if diags:
                    return False
                _set_meta(con, meta)
                files.append((rel, seen.files[rel][0], digest(raw), None))
                continue
            path = root / rel
            event, diags, _ = load_event_file(path, resolved, is_link=seen.links.get(str(path)), raw=raw)
            if event is None or diags:
                return False
            events.append(event)
            files.append((rel, seen.files[rel][0], digest(raw), event.id))
        try:
            insert_events(con, events)
        except sqlite3.IntegrityError:
            return False
        con.executemany(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)",
            [(rel, sig, h, eid, seen.files[rel][1], seen.started_ns) for rel, sig, h, eid in files],
        )
    measures = [r[0] for r in con.execute("SELECT id FROM events WHERE is_measure = 1 AND withdrawn = 0")]
    recompute(con, measures)
    stamp = {"format": str(FORMAT), "version": __version__, "code": code_stamp()}
    con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(stamp.items()))
    return True


def write_dataset(path: Path, ds: Any) -> None:
    """A whole index of an in-memory dataset at ``path`` (no file records: for tests and
    tools that index events built in memory)."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.executescript(SCHEMA_SQL)
        con.execute("BEGIN")
        insert_events(con, ds.events)
        recompute(con, [e.id for e in ds.events])
        _set_meta(con, ds.meta)
        stamp = {"format": str(FORMAT), "version": __version__, "code": code_stamp()}
        con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(stamp.items()))
        con.execute("COMMIT")
    finally:
        con.close()


def _set_meta(con: sqlite3.Connection, meta: dict[str, Any]) -> None:
    value = json.dumps(_jsonable(meta), ensure_ascii=False)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('meta', ?)", (value,))


def insert_events(con: sqlite3.Connection, events: list[Any]) -> None:
    con.executemany(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [event_row(e) for e in events]
    )
    con.executemany("INSERT INTO materials VALUES (?, ?)", [(e.id, m) for e in events for m in e.materials])
    con.executemany("INSERT INTO targets VALUES (?, ?)", [(e.id, c) for e in events for c in e.targets])
    con.executemany("INSERT INTO parties VALUES (?, ?)", [(e.id, c) for e in events for c in e.parties])
    con.executemany(
        "INSERT INTO relations VALUES (?, ?, ?)",
        [(e.id, r.type, r.target_id) for e in events for r in e.relations],
    )
    con.executemany("INSERT INTO texts VALUES (?, ?, ?, ?, ?, ?, ?)", [text_row(e) for e in events])


def event_row(e: Any) -> tuple[Any, ...]:
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
        " ".join(e.parties),
        json.dumps(e.to_json(), ensure_ascii=False),
    )


def text_row(e: Any) -> tuple[Any, ...]:
    from .search import fields_of

    return (e.id, *(text.casefold() for text in fields_of(e).values()))


def change_row(c: Any) -> tuple[Any, ...]:
    return (c.id, c.date.isoformat(), c.change, c.before, c.after, " ".join(c.because))


def span_row(s: Any) -> tuple[Any, ...]:
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


@contextlib.contextmanager
def _gc_off() -> Iterator[None]:
    """The cyclic GC paused while a build allocates (nothing it makes is cyclic garbage)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that ``finally`` blocks clean up."""


@contextlib.contextmanager
def _terminable() -> Iterator[None]:
    """Within the block, SIGTERM unwinds (removing temporary files) and then ends the
    process as SIGTERM would; outside it, SIGTERM is left as it was.

    Only when SIGTERM has its default action and this is the main thread: a program that
    handles SIGTERM itself keeps its handler.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
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
