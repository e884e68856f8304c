"""JSON (an indented array) and JSON Lines (one compact object per line) of events' public shape."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..jsonout import array_chunks
from ..model import Event
from .common import json_dumps

if TYPE_CHECKING:
    from ..dataset import Dataset


def json_text(events: Sequence[Event], ds: Dataset | None = None) -> str:
    """A JSON array of the events' public JSON shape, indented by two spaces."""
    return "".join(json_chunks(events))


def json_chunks(events: Iterable[Any], batch: int = 500) -> Iterator[str]:
    """:func:`json_text`, a batch of events at a time (anything with ``id`` and ``to_json()``)."""
    return array_chunks((json_dumps(e.to_json(), e.id, indent=2) for e in events), batch)


def jsonl_text(events: Sequence[Event], ds: Dataset | None = None) -> str:
    """One compact JSON object per line (JSON Lines)."""
    return "".join(jsonl_chunks(events))


def jsonl_chunks(events: Iterable[Any], batch: int = 500) -> Iterator[str]:
    """:func:`jsonl_text`, a batch of events at a time."""
    lines: list[str] = []
    for e in events:
        lines.append(json_dumps(e.to_json(), e.id, separators=(",", ":")) + "\n")
        if len(lines) >= batch:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)
