"""An SQLite index of a data directory, so that queries need not parse every YAML file.

The index lives under the user's cache directory, one file per real data directory, and is
kept up to date file by file by :mod:`retracker.indexing` (which says what it trusts and
when it rebuilds). It is never trusted over the YAML: an index that is corrupt, of another
format or built by other code is rebuilt; ``--no-cache`` (or ``RETRACKER_NO_CACHE=1``)
bypasses it; lint never uses it.

A warm query reads only the rows it needs, without importing the YAML stack or validating
anything again (the events were validated when the index was built). Listings (timeline,
``show --element``, status) never rebuild events at all: each row carries the columns a table
shows, and every measure's status history is stored as spans (see
:meth:`retracker.status.StatusEngine.spans`), so "what is in force on D" is one lookup.
A log with unreadable files is not indexed: queries then read the YAML directly, so its
warnings stay visible.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from .indexing import (  # noqa: F401  (re-exported: where the index lives, what keys it)
    FORMAT,
    RACY_NS,
    STATUS_RELATIONS,
    build,
    cache_dir,
    code_stamp,
    fingerprint,
    index_path,
    scan,
    sources_stamp,
    write_dataset,
)
from .status import Change, Status

ENV_NO_CACHE = "RETRACKER_NO_CACHE"

ROW_COLUMNS = ", ".join(
    f"events.{c}"
    for c in ("id", "date", "issuer", "kind", "title", "title_zh", "materials", "targets", "parties")
)
AFTER_ROW = 10
"""Where the columns after a row's (its own and its JSON, or NULL) start in a result."""
SPAN_JOIN = " LEFT JOIN spans s ON s.event_id = id AND s.since <= ? AND (s.until IS NULL OR s.until > ?)"
"""A measure's span covering the day: the one that started on or before it and has not ended."""


def disabled() -> bool:
    from .envflags import flag

    return flag(ENV_NO_CACHE)


def _write(path: Path, ds: Any, stamp: str | None = None) -> None:
    """A whole index of an in-memory dataset at ``path`` (see indexing.write_dataset)."""
    del stamp
    write_dataset(path, ds)


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
            day, change, before, after, because = r[AFTER_ROW:]
            when = dt.date.fromisoformat(day)
            out.append((row, Change(when, row.id, change, before, after, tuple(because.split()))))
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
        sql = (
            f"SELECT *, COUNT(*) OVER (), {total} FROM ({inner}) WHERE {found} "
            f"ORDER BY {total} DESC, date DESC, id"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        from .search import Found

        rows = self.con.execute(sql, score_params + params).fetchall()
        out = Found((_row(r, None)[0], r[-1]) for r in rows)
        out.total = rows[0][-2] if rows else 0
        return out

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
    parties: list[str]
    raw: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.raw is None:
            raise ValueError("this row was read without its JSON")
        return json.loads(self.raw)


def _row(r: tuple[Any, ...], day: dt.date | None) -> tuple[Row, Any]:
    when = dt.date.fromisoformat(r[1])
    row = Row(r[0], when, r[2], r[3], r[4], r[5], r[6].split(), r[7].split(), r[8].split(), r[9])
    if day is None or r[AFTER_ROW] is None:
        return row, None
    state, since, until, because, reason, parts = r[AFTER_ROW : AFTER_ROW + 6]
    status = Status(
        r[0],
        day,
        state,
        dt.date.fromisoformat(since),
        dt.date.fromisoformat(until) if until else None,
        tuple(because.split()),
        reason,
        json.loads(parts) if parts else {},
    )
    return row, status


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values))


def _actors_in(codes: list[str]) -> tuple[str, list[str]]:
    """The issuer or a party is one of ``codes``."""
    marks = _marks(codes)
    clause = f"(issuer IN ({marks}) OR id IN (SELECT event_id FROM parties WHERE country IN ({marks})))"
    return clause, [*codes, *codes]


def _targets_in(codes: list[str]) -> str:
    return f"id IN (SELECT event_id FROM targets WHERE country IN ({_marks(codes)}))"


def _where(f: Any) -> tuple[str, list[Any]]:
    """A WHERE clause (and its parameters) for the filters, as :func:`retracker.query.matches`."""
    from .query import country_reach, material_reach

    clauses, params = ["1"], []
    if not f.include_withdrawn:
        clauses.append("withdrawn = 0")
    if f.kinds:
        clauses.append(f"kind IN ({_marks(f.kinds)})")
        params += f.kinds
    if f.since:
        clauses.append("date >= ?")
        params.append(f.since.isoformat())
    if f.until:
        clauses.append("date <= ?")
        params.append(f.until.isoformat())
    if f.materials:
        keys = sorted(material_reach(tuple(f.materials), f.exact))
        clauses.append(f"id IN (SELECT event_id FROM materials WHERE material IN ({_marks(keys)}))")
        params += keys
    if f.countries:
        actors = sorted(country_reach(tuple(f.countries), f.exact))
        aimed = sorted(country_reach(tuple(f.countries), f.exact, targets=True))
        clause, more = _actors_in(actors)
        clauses.append(f"({clause} OR {_targets_in(aimed)})")
        params += [*more, *aimed]
    if f.issuers:
        clause, more = _actors_in(sorted(country_reach(tuple(f.issuers), f.exact)))
        clauses.append(clause)
        params += more
    if f.targets:
        aimed = sorted(country_reach(tuple(f.targets), f.exact, targets=True))
        clauses.append(_targets_in(aimed))
        params += aimed
    return " AND ".join(clauses), params


def open_index(root: Path) -> Index | None:
    """The index for ``root`` if it exists, was built by this code and matches the files
    as they are now; else None (nothing is built or updated: see :func:`_fresh_index`)."""
    from . import indexing

    path = index_path(root)
    con = indexing._open(path) if path is not None else None
    if con is None:
        return None
    try:
        if indexing.plan(con, root, indexing.scan(root), {}).empty:
            return Index(con, root)
    except (sqlite3.Error, OSError):
        pass
    con.close()
    return None


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
    """An index matching the files as they are now, updated or built first if needed."""
    from . import indexing

    con = indexing.fresh(root)
    if con is None:
        return None
    try:
        return Index(con, root)
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        con.close()
        return None
