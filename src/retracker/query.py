"""Filters over events: material, country, issuer, kind, date range; and date input."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import model, vocab
from .diagnostics import RetrackerError


def parse_when(text: str, *, end: bool = False) -> dt.date:
    """Read a user's date: ``2025``, ``2025-05``, ``May 2025``, ``2025-05-12``, ``today``.

    A partial date stands for its whole period: the first day, or with ``end=True`` the last.
    """
    raw = text.strip()
    if raw.lower() == "today":
        return dt.date.today()
    if raw.isdigit() and len(raw) == 4:
        year = int(raw)
        if year < dt.MINYEAR:
            raise RetrackerError(f"cannot read date '{text}': there is no year 0", hint="years run 0001-9999")
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    from dateutil import parser

    try:
        low = parser.parse(raw, default=dt.datetime(2000, 1, 1))
        high = parser.parse(raw, default=dt.datetime(2001, 2, 2))
    except (ValueError, OverflowError, parser.ParserError):
        raise RetrackerError(
            f"cannot read date '{text}'", hint="try 2025, 2025-05, May 2025 or 2025-05-12"
        ) from None
    year = low.year if low.year == high.year else None
    if year is None:
        raise RetrackerError(f"date '{text}' has no year", hint="add the year, e.g. May 2025")
    if low.month != high.month:  # only a year was given (e.g. '2025 AD')
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    if low.day != high.day:  # a month without a day
        last = calendar.monthrange(year, low.month)[1]
        return dt.date(year, low.month, last if end else 1)
    return low.date()


def material_keys(terms: Iterable[str]) -> list[str]:
    """Normalise material terms; an unknown one is a usage error with suggestions."""
    out = []
    for term in terms:
        try:
            out.append(vocab.material_key(term))
        except vocab.UnknownTerm as exc:
            raise RetrackerError(str(exc), hint="`retracker materials` lists them all") from None
    return out


def country_codes(terms: Iterable[str]) -> list[str]:
    out = []
    for term in terms:
        try:
            out.append(vocab.country_code(term))
        except vocab.UnknownTerm as exc:
            raise RetrackerError(str(exc), hint="`retracker countries` lists them all") from None
    return out


@dataclass
class Filters:
    """What a query asks for; empty fields match everything."""

    materials: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    include_withdrawn: bool = False

    @classmethod
    def build(
        cls,
        material: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        issuer: str | Sequence[str] | None = None,
        kind: str | Sequence[str] | None = None,
        since: str | dt.date | None = None,
        until: str | dt.date | None = None,
        include_withdrawn: bool = False,
    ) -> Filters:
        """Build filters from user terms (names, Chinese names, partial dates)."""
        kinds = _listify(kind)
        for k in kinds:
            if k not in model.KINDS:
                raise RetrackerError(f"unknown kind '{k}'", hint="kinds: " + ", ".join(model.KINDS))
        return cls(
            materials=material_keys(_listify(material)),
            countries=country_codes(_listify(country)),
            issuers=country_codes(_listify(issuer)),
            kinds=kinds,
            since=parse_when(since) if isinstance(since, str) else since,
            until=parse_when(until, end=True) if isinstance(until, str) else until,
            include_withdrawn=include_withdrawn,
        )


def _listify(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def covered(keys: Iterable[str]) -> frozenset[str]:
    """Every key that a list of material keys stands for (groups expand to members)."""
    out: set[str] = set()
    for key in keys:
        out |= vocab.covers(key)
    return frozenset(out)


def matches_material(event: model.Event, wanted: Sequence[str]) -> bool:
    """True when the event touches any wanted material; groups match their members both ways."""
    return bool(covered(event.materials) & covered(wanted))


def matches_country(event: model.Event, codes: Sequence[str]) -> bool:
    """Issuer, a party or a target is one of ``codes``; a measure targeting ALL matches every
    country."""
    return any(
        event.issuer == code or code in event.parties or code in event.targets or "ALL" in event.targets
        for code in codes
    )


def matches_issuer(event: model.Event, codes: Sequence[str]) -> bool:
    """The issuer or one of the parties (of a bilateral deal, a joint statement) is in ``codes``."""
    return event.issuer in codes or any(code in codes for code in event.parties)


def matches(event: model.Event, f: Filters) -> bool:
    if event.withdrawn is not None and not f.include_withdrawn:
        return False
    if f.kinds and event.kind not in f.kinds:
        return False
    if f.issuers and not matches_issuer(event, f.issuers):
        return False
    if f.since and event.date < f.since:
        return False
    if f.until and event.date > f.until:
        return False
    if f.materials and not matches_material(event, f.materials):
        return False
    return not (f.countries and not matches_country(event, f.countries))


def filter_events(
    events: Iterable[model.Event],
    f: Filters,
    *,
    reverse: bool = False,
    limit: int | None = None,
) -> list[model.Event]:
    """Events that match, in date order (newest first with ``reverse``), at most ``limit``."""
    found = sorted((e for e in events if matches(e, f)), key=lambda e: (e.date, e.id))
    if reverse:
        found.reverse()
    return found[:limit] if limit is not None else found


def listing(
    ds: Any,
    f: Filters,
    day: dt.date | None = None,
    *,
    measures_only: bool = False,
    targets: Sequence[str] = (),
    reverse: bool = False,
    limit: int | None = None,
) -> list[tuple[model.Event, Any]]:
    """Matching events in date order, each with its status on ``day`` (None without a day).

    The YAML twin of :meth:`retracker.cache.Index.listing`, which answers the same from
    the index; ``targets`` keeps measures whose targets include one of the codes or ALL.
    """
    events = [
        e
        for e in filter_events(ds.events, f, reverse=reverse)
        if (e.is_measure or not measures_only) and (not targets or _targets_any(e, targets))
    ]
    if limit is not None:
        events = events[:limit]
    if day is None:
        return [(e, None) for e in events]
    from .status import StatusEngine

    engine = StatusEngine(ds)
    return [(e, engine.status(e.id, day)) for e in events]


def _targets_any(event: model.Event, codes: Sequence[str]) -> bool:
    return "ALL" in event.targets or bool(set(codes) & set(event.targets))


def upcoming(ds: Any, f: Filters, start: dt.date, end: dt.date) -> list[tuple[model.Event, Any]]:
    """Status changes from ``start`` to ``end`` of the measures matching ``f``, with each event.

    The YAML twin of :meth:`retracker.cache.Index.upcoming`.
    """
    from .status import StatusEngine

    changes = StatusEngine(ds).changes(start, end, filter_events(ds.events, f))
    return [(ds.by_id[c.id], c) for c in changes]
