"""`retracker search`: ranked full-text search over the log, English and Chinese.

A plain scan scored per field (titles weigh most), which handles Chinese text (no word
boundaries) as well as English; every query term must match somewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import model

MAX_TERMS = 16
"""A query is cut to this many distinct terms: each costs a pass over every text, and a
query of many repeated words otherwise took minutes on a large log."""

WEIGHTS = {"title": 5.0, "title_zh": 5.0, "instrument": 4.0, "tags": 3.0, "summary": 1.0, "sources": 1.0}


@dataclass(frozen=True)
class Hit:
    event: model.Event  # or an index row (retracker.cache.Row): id, date, titles, to_json()
    score: float

    def to_json(self) -> dict:
        return {"score": round(self.score, 3), **self.event.to_json()}


class Found(list):
    """Hits (best first) that also know how many matched in all: ``total``."""

    total: int = 0


def terms_of(query: str) -> list[str]:
    """Query terms: quoted phrases kept whole, other words split on spaces; each term once,
    at most :data:`MAX_TERMS` (see :func:`cut_terms`)."""
    return cut_terms(query)[0]


def cut_terms(query: str) -> tuple[list[str], int]:
    """``(terms, how many distinct terms the query had)``: repeated terms count once."""
    phrases = re.findall(r'"([^"]+)"', query)
    rest = re.sub(r'"[^"]*"', " ", query)
    distinct = list(dict.fromkeys(t.casefold() for t in phrases + rest.split() if t.strip()))
    return distinct[:MAX_TERMS], len(distinct)


def snippet(event: object, terms: list[str], width: int = 80) -> str:
    """A piece of the summary around the first term it holds (else its opening words)."""
    summary = event.get("summary") if isinstance(event, dict) else getattr(event, "summary", "")
    text = " ".join(str(summary or "").split())
    if not text:
        return ""
    folded = text.casefold()
    # The longest term that the summary holds (short words such as "de" hide inside others).
    found = next((i for t in sorted(terms, key=len, reverse=True) if (i := folded.find(t)) >= 0), -1)
    start = max(0, found - width // 4) if found >= 0 else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 15 else start
    piece = text[start : start + width]
    if start + width < len(text):
        cut = piece.rfind(" ")
        piece = (piece[:cut] if cut > width // 2 else piece) + " …"
    return ("… " if start else "") + piece


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


def search(events: Iterable[model.Event], query: str, limit: int | None = None) -> Found:
    """Events matching every term of ``query``, best first (ties: newest first), at most
    ``limit``; ``.total`` says how many matched in all."""
    return search_terms(events, terms_of(query), limit)


def search_terms(events: Iterable[model.Event], terms: list[str], limit: int | None = None) -> Found:
    """:func:`search` for terms already read from a query (:func:`cut_terms`)."""
    if not terms:
        return Found()
    hits = [Hit(e, s) for e in events if (s := score(e, terms)) > 0]
    hits.sort(key=lambda h: (-h.score, -h.event.date.toordinal(), h.event.id))
    out = Found(hits[:limit] if limit else hits)
    out.total = len(hits)
    return out
