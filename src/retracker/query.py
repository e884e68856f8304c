"""Filters over events: material, country, issuer, kind, date range; and date input."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import model, vocab
from .diagnostics import RetrackerError

_QUARTER = re.compile(r"^(?:q([1-4])[\s/-]*(\d{4})|(\d{4})[\s/-]*q([1-4]))$")
_AGO = re.compile(r"^(\d{1,5})\s+(day|week|month|year)s?\s+ago$")
_RELATIVE = re.compile(r"^(last|this|next)\s+(week|month|quarter|year)$")
_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}


def parse_when(text: str, *, end: bool = False, today: dt.date | None = None) -> dt.date:
    """Read a user's date: ``2025``, ``2025-05``, ``May 2025``, ``2025-05-12``, ``Q2 2025``,
    ``today``, ``yesterday``, ``last month``, ``this year``, ``30 days ago``.

    A period (a year, a month, a quarter, ``last month``) stands for its first day, or with
    ``end=True`` its last.
    """
    raw = " ".join(text.strip().split())
    low = raw.casefold()
    now = today or dt.date.today()
    if low in _DAYS:
        return now + dt.timedelta(days=_DAYS[low])
    period = _period(low, now)
    if period is not None:
        return period[1] if end else period[0]
    ago = _AGO.match(low)
    if ago:
        return _shift(now, -int(ago[1]), ago[2])
    if raw.isdigit() and len(raw) == 4:
        year = int(raw)
        if year < dt.MINYEAR:
            raise RetrackerError(f"cannot read date '{text}': there is no year 0", hint="years run 0001-9999")
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    return _parse_absolute(text, raw, end)


def _period(low: str, now: dt.date) -> tuple[dt.date, dt.date] | None:
    """First and last day of ``Q2 2025``, ``last month``, ``this year`` ...; None otherwise."""
    quarter = _QUARTER.match(low)
    if quarter:
        q = int(quarter[1] or quarter[4])
        return _quarter(int(quarter[2] or quarter[3]), q)
    relative = _RELATIVE.match(low)
    if relative is None:
        return None
    step = {"last": -1, "this": 0, "next": 1}[relative[1]]
    unit = relative[2]
    if unit == "week":
        monday = now - dt.timedelta(days=now.weekday()) + dt.timedelta(weeks=step)
        return monday, monday + dt.timedelta(days=6)
    if unit == "month":
        first = _shift(now.replace(day=1), step, "month")
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if unit == "quarter":
        index = now.year * 4 + (now.month - 1) // 3 + step
        return _quarter(index // 4, index % 4 + 1)
    year = now.year + step
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _quarter(year: int, q: int) -> tuple[dt.date, dt.date]:
    last_month = q * 3
    return dt.date(year, last_month - 2, 1), dt.date(
        year, last_month, calendar.monthrange(year, last_month)[1]
    )


def _shift(day: dt.date, n: int, unit: str) -> dt.date:
    """``day`` moved by ``n`` days, weeks, months or years (a month end stays in its month)."""
    try:
        if unit == "day":
            return day + dt.timedelta(days=n)
        if unit == "week":
            return day + dt.timedelta(weeks=n)
        months = n * (12 if unit == "year" else 1)
        index = day.year * 12 + day.month - 1 + months
        year, month = divmod(index, 12)
        return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
    except (ValueError, OverflowError):
        way = "before" if n < 0 else "after"
        raise RetrackerError(f"{abs(n)} {unit}s {way} {day} is out of range") from None


def _parse_absolute(text: str, raw: str, end: bool) -> dt.date:
    from dateutil import parser

    try:
        low = parser.parse(raw, default=dt.datetime(2000, 1, 1))
        high = parser.parse(raw, default=dt.datetime(2001, 2, 2))
    except (ValueError, OverflowError, parser.ParserError):
        raise RetrackerError(
            f"cannot read date '{text}'",
            hint="try 2025, 2025-05, May 2025, 2025-05-12, Q2 2025, last month or 30 days ago",
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
    """What a query asks for; empty fields match everything.

    ``countries`` (``-c``) match the issuer, a party or a target; ``issuers`` the issuer or a
    party; ``targets`` a target. Each widens as README's "How a row matched" says (materials
    to what is derived from them and the groups that contain them; countries to their groups
    and, as targets, to ALL) unless ``exact``.
    """

    materials: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    include_withdrawn: bool = False
    targets: list[str] = field(default_factory=list)
    exact: bool = False

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
        target: str | Sequence[str] | None = None,
        exact: bool = False,
    ) -> Filters:
        """Build filters from user terms (names, Chinese names, ``Ga,Ge``, partial dates)."""
        first = parse_when(since) if isinstance(since, str) else since
        last = parse_when(until, end=True) if isinstance(until, str) else until
        if first and last and first > last:
            raise RetrackerError(
                f"--since {first} is after --until {last}", hint="nothing can match; swap them?"
            )
        return cls(
            materials=material_keys(_split(_listify(material), vocab.material_key)),
            countries=country_codes(_split(_listify(country), vocab.country_code)),
            issuers=country_codes(_split(_listify(issuer), vocab.country_code)),
            kinds=kind_keys(_split(_listify(kind), None)),
            since=first,
            until=last,
            include_withdrawn=include_withdrawn,
            targets=country_codes(_split(_listify(target), vocab.country_code)),
            exact=exact,
        )

    @property
    def widening(self) -> bool:
        """True when a material or country filter is set (so a row can say how it matched)."""
        return bool(self.materials or self.countries or self.issuers or self.targets)


def _listify(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _split(values: list[str], known: Any) -> list[str]:
    """``Ga,Ge`` is two values; a value that is itself a known name keeps its commas
    ("Korea, Republic of")."""
    out: list[str] = []
    for value in values:
        pieces = [v.strip() for v in value.split(",") if v.strip()]
        if "," in value and pieces and not _is_known(value, known):
            out += pieces
        else:  # a value of commas alone (``-e ,``) names nothing: it is reported, not dropped
            out.append(value)
    return out


def _is_known(value: str, known: Any) -> bool:
    if known is None:
        return False
    try:
        known(value)
    except vocab.UnknownTerm:
        return False
    return True


def kind_keys(terms: Iterable[str]) -> list[str]:
    """Kinds in any case, with spaces or underscores for hyphens: ``Export ban`` is export-ban."""
    out = []
    for term in terms:
        key = "-".join(term.strip().casefold().replace("_", " ").replace("-", " ").split())
        if key not in model.KINDS:
            close = difflib.get_close_matches(key, model.KINDS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else "kinds: " + ", ".join(model.KINDS)
            raise RetrackerError(f"unknown kind '{term}'", hint=hint)
        out.append(key)
    return out


# ------------------------------------------------------------------ how a row matched

DIRECT = "direct"


def _atoms(key: str) -> frozenset[str]:
    """What a material key stands for, without group keys: a group's members, else the key."""
    m = vocab.MATERIALS[key]
    return frozenset(m.members) if m.members else frozenset((key,))


@functools.lru_cache(maxsize=256)
def material_reach(keys: tuple[str, ...], exact: bool = False) -> dict[str, bool]:
    """Every material key an event may carry to match ``keys``, True when that match is direct.

    Direct: the key itself, a member of it or a sub-group (``-e rare-earths`` and an event on
    Dy). Widened, unless ``exact``: a group that contains it (``-e Dy`` and an event on
    rare-earths) and the materials derived from it (``-e Dy`` and rare-earth magnets).
    """
    wanted = frozenset().union(*(_atoms(k) for k in keys))
    out: dict[str, bool] = {}
    for key in vocab.MATERIALS:
        atoms = _atoms(key)
        if key in keys or atoms <= wanted:
            out[key] = True
        elif not exact and atoms & wanted:
            out[key] = False
    if not exact:
        for key in keys:
            for derived in sorted(vocab.derived_from(key)):
                out.setdefault(derived, False)
    return out


@functools.lru_cache(maxsize=256)
def country_reach(codes: tuple[str, ...], exact: bool = False, targets: bool = False) -> dict[str, bool]:
    """Every code an event may name to match ``codes``, True when that match is direct.

    Widened, unless ``exact``: the groups a country belongs to (DE: EU, G7) and, for
    ``targets``, a measure on ALL.
    """
    out = dict.fromkeys(codes, True)
    if not exact:
        for code in codes:
            for group in vocab.member_of(code):
                out.setdefault(group, False)
        if targets:
            out.setdefault("ALL", False)
    return out


def also_finds(key: str) -> list[str]:
    """What ``-e KEY`` finds beyond the key and its members (groups, derived materials)."""
    return sorted(k for k, direct in material_reach((key,)).items() if not direct)


def _via(values: Iterable[str], reach: dict[str, bool]) -> list[str] | None:
    """None when no value is in reach; [] when one matches directly; else the values it went via."""
    hits = [v for v in values if v in reach]
    if not hits:
        return None
    return [] if any(reach[v] for v in hits) else list(dict.fromkeys(hits))


def _either(a: list[str] | None, b: list[str] | None) -> list[str] | None:
    if a is None or b is None:
        return a if b is None else b
    return [] if not a or not b else list(dict.fromkeys(a + b))


def how_matched(event: Any, f: Filters) -> str | None:
    """``direct``, ``via rare-earths`` (``via rare-earths, EU`` ...), or None when the event's
    materials or countries do not match. ``event`` is an Event or an index row."""
    actors = (event.issuer, *getattr(event, "parties", ()))
    checks = []
    if f.materials:
        checks.append(_via(event.materials, material_reach(tuple(f.materials), f.exact)))
    if f.countries:
        own = _via(actors, country_reach(tuple(f.countries), f.exact))
        aimed = _via(event.targets, country_reach(tuple(f.countries), f.exact, targets=True))
        checks.append(_either(own, aimed))
    if f.issuers:
        checks.append(_via(actors, country_reach(tuple(f.issuers), f.exact)))
    if f.targets:
        checks.append(_via(event.targets, country_reach(tuple(f.targets), f.exact, targets=True)))
    if any(c is None for c in checks):
        return None
    vias = list(dict.fromkeys(v for c in checks for v in c or ()))
    return "via " + ", ".join(vias) if vias else DIRECT


def matches(event: model.Event, f: Filters) -> bool:
    if event.withdrawn is not None and not f.include_withdrawn:
        return False
    if f.kinds and event.kind not in f.kinds:
        return False
    if f.since and event.date < f.since:
        return False
    if f.until and event.date > f.until:
        return False
    return not f.widening or how_matched(event, f) is not None


def matched_json(event: Any, f: Filters) -> dict[str, Any]:
    """The event's JSON with ``matched`` (how it matched the filters) added."""
    payload = event.to_json()
    payload["matched"] = (how_matched(event, f) or DIRECT) if f.widening else DIRECT
    return payload


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


def events_for(ds: Any, **filters: Any) -> list[model.Event]:
    """The events of a dataset that match the filters given as user terms, in date order:
    ``events_for(ds, material="Sb", since="2024")`` is ``retracker show --element Sb
    --since 2024`` (see :meth:`Filters.build` for the terms)."""
    return filter_events(ds.events, Filters.build(**filters))


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
