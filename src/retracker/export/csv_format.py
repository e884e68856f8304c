"""CSV: one row per event, list cells joined with ``"; "``, formula-like cells guarded."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..diagnostics import RetrackerError
from ..model import Event

if TYPE_CHECKING:
    from ..dataset import Dataset

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
    return record_chunks((csv_row(e) for e in events), CSV_COLUMNS, batch)


def record_chunks(
    records: Iterable[dict[str, str]], columns: Sequence[str], batch: int = 500
) -> Iterator[str]:
    """CSV text of ``records`` (cells keyed by ``columns``, missing ones empty), header first,
    formula-like cells guarded; a batch of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for n, row in enumerate(records, 1):
        writer.writerow(_guard(row.get(col, "")) for col in columns)
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
