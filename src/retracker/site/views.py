"""What each page shows, computed in Python from the library's answers (templates only read).

Every question a page answers is asked of the same functions the CLI uses: status on a
date (:class:`~retracker.status.StatusEngine` with the log's coverage date, as ``retracker
status`` projects it), changes in a window (``upcoming``), the filters' widening
(:func:`~retracker.query.material_reach`, :func:`~retracker.query.country_reach`,
:func:`~retracker.query.how_matched`) and the chart (:func:`retracker.chart.build`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import chart as charts
from .. import model, query, vocab
from ..dataset import Dataset
from ..handles import entries_of, handles
from ..render import describe
from ..status import ENDED, Change, Status, StatusEngine, binding_first, project, project_change

UPCOMING_DAYS = 90
"""The index lists the changes of the next 90 days, as ``retracker upcoming`` does by default."""


def event_page(event_id: str) -> str:
    return f"events/{event_id}.html"


def material_page(key: str) -> str:
    return f"materials/{key}.html"


def country_page(code: str) -> str:
    return f"countries/{code}.html"


@dataclass
class Keys:
    """Which ``--element``, ``--country``, ``--issuer`` and ``--target`` terms find each live
    event, as ``retracker timeline`` widens them: computed once from the library's reach
    tables. The timeline's ``data-element`` and ``data-country`` attributes carry them (the
    script only compares keys), and the material and country pages list from them."""

    materials: dict[str, list[str]]
    countries: dict[str, list[str]]
    material_options: list[str]
    country_options: list[str]
    by_material: dict[str, list[model.Event]]
    by_issuer: dict[str, list[model.Event]]
    by_target: dict[str, list[model.Event]]


def filter_keys(events: Sequence[model.Event], named_by: Sequence[model.Event] = ()) -> Keys:
    """For each event (in date order, withdrawn ones left out as the commands leave them out),
    the material keys ``k`` with ``timeline -e k`` listing it and the country codes ``c``
    with ``timeline -c c`` listing it (``c`` among the codes the events and ``named_by``
    name, and the members of the groups they name); and per key or code, the events that
    ``-e k``, ``--issuer c`` and ``--target c`` list, in date order."""
    finds: dict[str, list[str]] = defaultdict(list)  # an event's material -> the keys that find it
    for key in vocab.MATERIALS:
        for carried in query.material_reach((key,)):
            finds[carried].append(key)
    every = (*events, *named_by)
    named = sorted({c for e in every for c in (e.issuer, *e.parties, *e.targets)} - {"ALL"})
    codes = sorted({*named, *(m for g in named for m in vocab.MEMBERSHIP.get(g, ()))})
    acts: dict[str, list[str]] = defaultdict(list)
    aimed: dict[str, list[str]] = defaultdict(list)
    for code in codes:
        for carried in query.country_reach((code,)):
            acts[carried].append(code)
        for carried in query.country_reach((code,), targets=True):
            aimed[carried].append(code)
    keys = Keys({}, {}, [], codes, defaultdict(list), defaultdict(list), defaultdict(list))
    for e in events:
        if e.withdrawn is not None:
            continue
        ms = sorted({k for m in e.materials for k in finds.get(m, ())})
        by = {c for a in (e.issuer, *e.parties) for c in acts.get(a, ())}
        at = {c for t in e.targets for c in aimed.get(t, ())}
        keys.materials[e.id] = ms
        keys.countries[e.id] = sorted(by | at)
        for k in ms:
            keys.by_material[k].append(e)
        for c in sorted(by):
            keys.by_issuer[c].append(e)
        for c in sorted(at):
            keys.by_target[c].append(e)
    order = {"group": 0, "element": 1, "material": 2}
    keys.material_options = sorted(keys.by_material, key=lambda k: (order[vocab.MATERIALS[k].type], k))
    return keys


def aliases(keys: Keys) -> dict[str, dict[str, str]]:
    """Every spelling a visitor may type in the URL (``element=antimony``, ``element=锑``,
    ``country=China``), lower-cased, mapped to its key: the script's only vocabulary."""
    mats: dict[str, str] = {}
    for spelling in vocab.material_spellings():
        mats.setdefault(spelling.lower(), vocab.material_key(spelling))
    countries: dict[str, str] = {}
    for code in keys.country_options:
        for spelling in (code, vocab.country_name(code), vocab.country_name(code, "zh")):
            countries.setdefault(spelling.lower(), code)
    return {"element": dict(sorted(mats.items())), "country": dict(sorted(countries.items()))}


@dataclass
class Row:
    """One event as a listing shows it."""

    event: model.Event
    handle: str
    status: Status | None = None
    via: str | None = None


@dataclass
class Section:
    key: str
    rows: list[Row]


@dataclass
class Span:
    status: str
    since: dt.date
    until: dt.date | None
    reason: str
    because: tuple[str, ...]
    projected: bool
    x: float = 0.0
    width: float = 0.0


@dataclass
class Views:
    """Everything the pages need, computed once per build."""

    ds: Dataset
    on: dt.date
    lang: str
    engine: StatusEngine
    handles: dict[str, str]
    live: list[model.Event]
    keys: Keys
    coverage: dt.date | None
    _status: dict[str, Status | None] = field(default_factory=dict)

    def status(self, event: model.Event) -> Status | None:
        """The measure's status on the build's day, projected past the coverage date."""
        if event.id not in self._status:
            self._status[event.id] = self.engine.status(event.id, self.on) if event.is_measure else None
        return self._status[event.id]

    def row(self, event: model.Event, f: query.Filters | None = None) -> Row:
        via = None
        if f is not None and f.widening:
            how = query.how_matched(event, f)
            via = how if how and how != query.DIRECT else None
        return Row(event, self.handles.get(event.id, event.id), self.status(event), via)

    # ---------------------------------------------------------------- index

    def in_force(self, events: Iterable[model.Event], f: query.Filters | None = None) -> list[Row]:
        """Measures with a status on the day that has not ended, what binds first (as
        ``retracker status``)."""
        pairs = [(e, st) for e in events if e.is_measure and (st := self.status(e)) is not None]
        found = binding_first((e, st) for e, st in pairs if st.status not in ENDED)
        return [self.row(e, f) for e, _ in found]

    def sections(self) -> list[Section]:
        """What is in force today by material family: rare earths (with magnets, technology
        and equipment), then each other material; a measure on several is in each."""
        by_family: dict[str, list[Row]] = defaultdict(list)
        for row in self.in_force(self.live):
            families = dict.fromkeys(family_of(m) for m in row.event.materials) or {"": None}
            for fam in families:
                by_family[fam].append(row)
        order = sorted(by_family, key=lambda k: (k != "rare-earths", k == "", k.casefold()))
        return [Section(k, by_family[k]) for k in order]

    def upcoming(self, days: int = UPCOMING_DAYS) -> list[tuple[model.Event, Change]]:
        end = self.on + dt.timedelta(days=min(days, (dt.date.max - self.on).days))
        changes = self.engine.changes(self.on, end, self.live)
        return [(self.ds.by_id[c.id], project_change(c, self.coverage)) for c in changes]

    # ---------------------------------------------------------------- event

    def history(self, event: model.Event) -> list[Span]:
        """The measure's status spans, each projected as the CLI projects it, placed on a bar
        from its first day to the later of the build's day and its last change."""
        if not event.is_measure or event.withdrawn is not None:
            return []
        spans = [project(s, self.coverage) for s in self.engine.spans(event)]
        if not spans:
            return []
        start = spans[0].since
        end = min(max(self.on, spans[-1].since, self.coverage or self.on), dt.date.max - dt.timedelta(days=1))
        end += dt.timedelta(days=1)  # the bar runs through its last day (9999-12-31 included)
        total = max(1, (end - start).days)
        out = []
        for s in spans:
            stop = min(s.until or end, end)
            out.append(
                Span(
                    s.status,
                    s.since,
                    s.until,
                    s.reason,
                    s.because,
                    s.projected,
                    round(1000 * (s.since - start).days / total, 2),
                    round(1000 * max(0, (stop - s.since).days) / total, 2),
                )
            )
        return out

    def relations_out(self, event: model.Event) -> list[tuple[model.Relation, model.Event | None]]:
        return [(r, self.ds.by_id.get(r.target_id)) for r in event.relations]

    def relations_in(self, event: model.Event) -> list[tuple[model.Relation, model.Event]]:
        return sorted(self.ds.acted_on_by(event.id), key=lambda pair: (pair[1].date, pair[1].id))

    # ---------------------------------------------------------------- material, country

    def with_material(self, key: str) -> list[model.Event]:
        """``timeline -e KEY``: the events, in date order."""
        return self.keys.by_material.get(key, [])

    def chart_svg(self, key: str) -> tuple[str | None, str]:
        """``retracker chart -e KEY`` on the build's day, as the SVG ``--svg`` writes; None
        when no measure has a status in the window."""
        f = query.Filters(materials=[key])
        measures = [e for e in self.with_material(key) if e.is_measure]
        first = min((e.date for e in measures), default=self.on)
        last = max(self.on, self.coverage or self.on, *(e.date for e in measures))
        caption = (
            f"retracker chart: {describe(f)}; {first} to {last}; "
            f"log reviewed up to {self.coverage}; drawn {self.on}"
        )
        picture = charts.build(
            self.engine, measures, first, last, today=self.on, coverage=self.coverage, caption=caption,
            lang=self.lang,
        )  # fmt: skip
        if not picture.rows:
            return None, caption
        return charts.svg(picture, caption=False), caption

    def countries(self) -> list[str]:
        return self.keys.country_options


def family_of(material: str) -> str:
    """The index's section for a material: rare earths for every rare earth, group and what
    is derived from them; the source material for a derived one (lithium batteries: Li)."""
    if (
        material in query.material_reach(("rare-earths",))
        and query.material_reach(("rare-earths",))[material]
    ):
        return "rare-earths"
    if material in vocab.derived_from("rare-earths"):
        return "rare-earths"
    sources = vocab.DERIVED.get(material)
    if sources:
        return family_of(sources[0])
    return material


def views_for(ds: Dataset, on: dt.date, lang: str = "en") -> Views:
    live = [e for e in ds.events if e.withdrawn is None]
    engine = StatusEngine(ds, projected_after=ds.coverage)
    return Views(
        ds=ds,
        on=on,
        lang=lang,
        engine=engine,
        handles=handles(entries_of(ds.events)),
        live=live,
        keys=filter_keys(live, ds.events),
        coverage=ds.coverage,
    )


def feed_updated(event: model.Event) -> dt.date:
    """The last date the record shows: its own date, a source's, its withdrawal's."""
    days = [event.date, *(s.date for s in event.sources if s.date)]
    if event.withdrawn is not None:
        days.append(event.withdrawn.date)
    return max(days)


def any_event_json(events: Iterable[model.Event]) -> list[dict[str, Any]]:
    return [e.to_json() for e in events]


# ------------------------------------------------------------------ trade series


@dataclass
class SeriesView:
    """A trade series as a material page shows it: the chart `retracker figures --svg` draws
    and every point (the series library's :func:`points_as_dicts`)."""

    series: Any
    svg: str
    points: list[dict[str, Any]]


def series_views(
    all_series: Sequence[Any], key: str, ds: Dataset, lang: str, drawn: dict[str, SeriesView] | None = None
) -> list[SeriesView]:
    """The series ``retracker figures -e KEY`` lists, each drawn as ``figures`` draws it
    (``drawn`` keeps each series' drawing: a series shows on the page of every material in
    its reach)."""
    from .. import figures
    from ..series import points_as_dicts

    drawn = {} if drawn is None else drawn
    out = []
    for s in figures.matching(all_series, query.Filters(materials=[key])):
        if s.id not in drawn:
            picture = figures.svg(figures.plot(s, ds=ds, lang=lang), lang=lang)
            # one page may hold several charts: their pattern ids must differ
            picture = picture.replace('id="derived"', f'id="derived-{s.id}"')
            picture = picture.replace("url(#derived)", f"url(#derived-{s.id})")
            drawn[s.id] = SeriesView(s, picture, points_as_dicts(s))
        out.append(drawn[s.id])
    return out
