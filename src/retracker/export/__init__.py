"""Export events as CSV, JSON, JSON Lines, iCalendar or SQLite.

:func:`export` is the one entry point (``retracker export`` is a thin shell over it): it sorts
the events by (date, id), renders them in the chosen format and either returns the text (for
stdout) or writes it atomically to a file (see :mod:`retracker.atomic`: a failed export never
leaves a half-written file, and never damages the previous one). Each format lives in a
module of its own (``json_format``, ``csv_format``, ``ics_format``, ``sqlite_format``);
this package holds the registry and the entry points.

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

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import NotRegularFile, atomic_write, atomic_writer
from ..diagnostics import IOProblem, RetrackerError
from ..model import Event
from .common import json_dumps, sort_events
from .csv_format import CSV_COLUMNS, LIST_SEP, csv_chunks, csv_row, csv_text, read_csv
from .ics_format import DatedChange, dated_changes, ics_text, primary_source_url
from .json_format import json_chunks, json_text, jsonl_chunks, jsonl_text
from .sqlite_format import FTS_SQL, SCHEMA_SQL, SQLITE_SCHEMA_VERSION, write_sqlite
from .status_format import (
    STATUS_COLUMNS,
    STATUS_FIELDS,
    STATUS_FORMATS,
    status_record,
    status_rows_csv,
    status_rows_json,
    with_status_csv,
    with_status_json,
)

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "FTS_SQL",
    "LIST_SEP",
    "SCHEMA_SQL",
    "SQLITE_SCHEMA_VERSION",
    "STATUS_COLUMNS",
    "STATUS_FIELDS",
    "STATUS_FORMATS",
    "STREAMED",
    "DatedChange",
    "csv_chunks",
    "csv_row",
    "csv_text",
    "dated_changes",
    "export",
    "ics_text",
    "json_chunks",
    "json_dumps",
    "json_text",
    "jsonl_chunks",
    "jsonl_text",
    "primary_source_url",
    "read_csv",
    "sort_events",
    "status_record",
    "status_rows_csv",
    "status_rows_json",
    "stream",
    "stream_with_status",
    "with_status_csv",
    "with_status_json",
    "write_chunks",
    "write_sqlite",
]

FORMATS = ("csv", "json", "jsonl", "ics", "sqlite")
"""Every export format, as ``--format`` names them."""


def export(
    events: Iterable[Event],
    fmt: str,
    output: Path | None = None,
    *,
    ds: Dataset | None = None,
    series: Sequence[Any] = (),
) -> str | None:
    """Export ``events`` as ``fmt``; return the text when ``output`` is None, else write the file.

    ``ds`` is the dataset the events come from: the ICS export reads its coverage date (the
    DTSTAMP) and its relations (extended and revoked ends), the SQLite export records its
    coverage. SQLite needs an ``output`` path; it also holds the trade ``series`` given (tables
    ``series`` and ``series_points``). Problems the user can fix (an unknown format,
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
        _writing(output, lambda: write_sqlite(ordered, output, ds=ds, series=series))
        return None
    text = _RENDERERS[fmt](ordered, ds)
    if output is None:
        return text
    _writing(output, lambda: atomic_write(output, text))
    return None


def _writing(output: Path, write: Callable[[], object]) -> None:
    """Run ``write``; an OSError (no such folder, no permission, disk full) becomes an
    IOProblem (exit 4: the system refused the write), as for every command that writes."""
    if Path(output).is_dir():
        raise RetrackerError(f"cannot write {output}: it is a folder", hint="give a file name")
    try:
        write()
    except BrokenPipeError:
        raise  # the reader went away (`| head`): not an error of ours
    except NotRegularFile as exc:  # a device for a format that needs a file: a usage error
        raise RetrackerError(f"cannot write {output}: {exc.strerror}") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise IOProblem(f"cannot write {output}: {reason}") from None


def stream(
    events: Iterable[Any], fmt: str, output: Path | None, write: Callable[[str], object], *, bom: bool = False
) -> None:
    """Export ``events`` as CSV, JSON or JSON Lines without holding the whole text: to ``write``
    (standard output) or atomically to ``output`` (a failure leaves the old file intact).

    ``events`` may be index rows (see :class:`retracker.cache.Row`): the same text results.
    ``bom`` starts the text with a UTF-8 byte order mark (``--excel``: Excel on Windows reads
    a CSV as UTF-8 only then).
    """
    write_chunks(STREAMED[fmt](sort_events(events)), output, write, bom=bom)


def write_chunks(
    chunks: Iterable[str], output: Path | None, write: Callable[[str], object], *, bom: bool = False
) -> None:
    """Write text produced in chunks to ``write`` or atomically to the file ``output``."""
    if bom:
        chunks = itertools.chain(["\ufeff"], chunks)
    if output is None:
        for chunk in chunks:
            write(chunk)
        return

    def write_file() -> None:
        with atomic_writer(output, "w", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)

    _writing(output, write_file)


def stream_with_status(
    pairs: Iterable[tuple[Any, Any]],
    fmt: str,
    output: Path | None,
    write: Callable[[str], object],
    *,
    bom: bool = False,
) -> None:
    """:func:`stream` of ``(event, status on a day)`` pairs: each event carries its status."""
    ordered = sorted(pairs, key=lambda pair: (pair[0].date, pair[0].id))
    if fmt == "csv":
        chunks = with_status_csv(ordered)
    elif fmt in ("json", "jsonl"):
        chunks = with_status_json(ordered, lines=fmt == "jsonl")
    else:
        raise RetrackerError(f"--on does not apply to {fmt}", hint="use csv, json or jsonl")
    write_chunks(chunks, output, write, bom=bom)


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
