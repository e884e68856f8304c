"""Statuses people can send: status rows as JSON or CSV, and events with their status on a day.

A status row is the answer of ``retracker status`` for one measure: the
:class:`~retracker.status.Status` fields (``status, since, until, reason, because, parts``,
and ``projected`` when the row rests on a change after the log's coverage date) with the
event's ``title``, ``title_zh``, ``instrument_key``, ``issuer`` and ``kind``, so that a row
read alone says which measure it is. ``retracker export --on DATE`` adds the same status
fields to each event (a JSON ``status`` object; CSV columns :data:`STATUS_FIELDS`), empty for
events that are not measures.

Events may be :class:`~retracker.model.Event` objects or the index's rows (with their JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..jsonout import array_chunks
from .common import json_dumps
from .csv_format import CSV_COLUMNS, LIST_SEP, csv_row, record_chunks

STATUS_FIELDS = ("status", "since", "until", "reason", "because", "projected")
"""The status columns ``export --on`` adds after :data:`~retracker.export.CSV_COLUMNS`."""

STATUS_COLUMNS = (
    *("id", "instrument_key", "title", "title_zh", "issuer", "kind", "on"),
    *STATUS_FIELDS,
    "parts",
    "matched",
)
"""Columns of ``retracker status --format csv``."""

STATUS_FORMATS = ("table", "json", "csv")
"""``retracker status --format`` values."""

Pair = tuple[Any, Any]  # (event or index row, its Status or None)
How = Callable[[Any], str]
"""How a row matched the query's filters (retracker.query.how_matched), ``direct`` or ``via ...``."""


def status_json(st: Any) -> dict[str, Any]:
    """A Status as JSON, ``projected`` always present (false unless the engine says so)."""
    data = st.to_json()
    data["projected"] = bool(data.get("projected", False))
    return data


def instrument_key(event: Any) -> str | None:
    """The event's instrument key, from an Event or from an index row's JSON."""
    if hasattr(event, "instrument_key"):
        return event.instrument_key
    return event.to_json().get("instrument_key")


def status_record(event: Any, st: Any, how: How | None = None) -> dict[str, Any]:
    """One ``status`` row: the event's identity, its status on the day, how it matched."""
    return {
        "id": event.id,
        "instrument_key": instrument_key(event),
        "title": event.title,
        "title_zh": event.title_zh,
        "issuer": event.issuer,
        "kind": event.kind,
        **{k: v for k, v in status_json(st).items() if k != "id"},
        "matched": how(event) if how else "direct",
    }


def status_rows_json(pairs: Iterable[Pair], how: How | None = None) -> Iterator[str]:
    """``retracker status --format json``: a JSON array of :func:`status_record` objects."""
    return array_chunks(json_dumps(status_record(e, st, how), e.id, indent=2) for e, st in pairs)


def _cells(data: dict[str, Any]) -> dict[str, str]:
    """Status fields as CSV cells: lists joined, booleans as true/false, parts as part=status."""
    out = {}
    for key, value in data.items():
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, list | tuple):
            out[key] = LIST_SEP.join(value)
        elif isinstance(value, dict):
            out[key] = LIST_SEP.join(f"{k}={v}" for k, v in value.items())
        else:
            out[key] = "" if value is None else str(value)
    return out


def status_rows_csv(pairs: Iterable[Pair], how: How | None = None) -> Iterator[str]:
    """``retracker status --format csv``: one row per measure, :data:`STATUS_COLUMNS`."""
    return record_chunks((_cells(status_record(e, st, how)) for e, st in pairs), STATUS_COLUMNS)


def _status_on(st: Any) -> dict[str, Any] | None:
    if st is None:
        return None
    data = status_json(st)
    return {key: data[key] for key in ("on", *STATUS_FIELDS, "parts")}


def with_status_json(pairs: Iterable[Pair], *, lines: bool = False) -> Iterator[str]:
    """Events as JSON (an array, or JSON Lines), each with ``status``: its status on the day."""

    def docs() -> Iterator[str]:
        for event, st in pairs:
            data = {**event.to_json(), "status": _status_on(st)}
            if lines:
                yield json_dumps(data, event.id, separators=(",", ":")) + "\n"
            else:
                yield json_dumps(data, event.id, indent=2)

    return iter(docs()) if lines else array_chunks(docs())


def with_status_csv(pairs: Iterable[Pair]) -> Iterator[str]:
    """Events as CSV with the :data:`STATUS_FIELDS` columns after the event's own."""
    columns = (*CSV_COLUMNS, *STATUS_FIELDS)

    def records() -> Iterator[dict[str, str]]:
        for event, st in pairs:
            row = csv_row(event)
            if st is not None:
                row |= _cells({k: status_json(st)[k] for k in STATUS_FIELDS})
            yield row

    return record_chunks(records(), columns)
