"""`retracker search`: ranked full-text search over the log, English and Chinese.

A plain scan scored per field (titles weigh most), which handles Chinese text (no word
boundaries) as well as English; every query term must match somewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import model

WEIGHTS = {"title": 5.0, "title_zh": 5.0, "instrument": 4.0, "tags": 3.0, "summary": 1.0, "sources": 1.0}


@dataclass(frozen=True)
class Hit:
    event: model.Event  # or an index row (retracker.cache.Row): id, date, titles, to_json()
    score: float

    def to_json(self) -> dict:
        return {"score": round(self.score, 3), **self.event.to_json()}


def terms_of(query: str) -> list[str]:
    """Query terms: quoted phrases kept whole, other words split on spaces."""
    phrases = re.findall(r'"([^"]+)"', query)
    rest = re.sub(r'"[^"]*"', " ", query)
    return [t.casefold() for t in phrases + rest.split() if t.strip()]


def fields_of(event: model.Event) -> dict[str, str]:
    return {
        "title": event.title,
        "title_zh": event.title_zh or "",
        "instrument": " ".join(filter(None, [event.instrument, event.instrument_key, event.id])),
        "tags": " ".join(event.tags),
        "summary": event.summary,
        "sources": " ".join(f"{s.publisher} {s.title or ''}" for s in event.sources),
    }


def score(event: model.Event, terms: list[str]) -> float:
    fields = {k: v.casefold() for k, v in fields_of(event).items()}
    total = 0.0
    for term in terms:
        found = sum(WEIGHTS[k] * text.count(term) for k, text in fields.items())
        if not found:
            return 0.0
        total += found
    return total


def search(events: Iterable[model.Event], query: str, limit: int | None = None) -> list[Hit]:
    """Events matching every term of ``query``, best first (ties: newest first)."""
    terms = terms_of(query)
    if not terms:
        return []
    hits = [Hit(e, s) for e in events if (s := score(e, terms)) > 0]
    hits.sort(key=lambda h: (-h.score, -h.event.date.toordinal(), h.event.id))
    return hits[:limit] if limit else hits
