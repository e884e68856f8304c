"""What is in force: the status of every measure on any date, and why.

For a measure M and a date D (see README, "What in force means"):

- no status before M's ``date`` (it did not exist yet);
- ``announced`` from ``date`` until its first part (or ``effective``) takes effect;
- ``in-force`` from then;
- ``suspended`` while a suspending event's window covers D (the window runs from the
  suspending event's effective date to its ``ends``, stretched by any ``extends``; an
  event that ``revokes`` a suspension closes its window early); ``suspended-in-part``
  when the suspension targets some parts while others stay in force;
- ``expired`` on and after ``ends`` (stretched by ``extends``);
- ``superseded`` once an event that ``supersedes`` it takes effect (a new rate step
  replaces the old one: the older measure ends);
- ``revoked`` once a revoking event takes effect.

An event that ``amends`` a measure (or one part) changes its terms without ending it:
from the amending event's effective date until that event itself ends, the amended
measure keeps its status and says "amended by ..." (its current terms are the latest
amendment's).

When a window ends the prior status returns. Status is piecewise constant between the
dates :meth:`StatusEngine.change_points` lists, which is what ``upcoming`` reports.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the index builds Status objects without loading the models
    from collections.abc import Iterable

    from . import model
    from .dataset import Dataset

STATUSES = (
    "in-force",
    "suspended-in-part",
    "suspended",
    "announced",
    "expired",
    "superseded",
    "revoked",
)
"""Every status, in the order that binds first (what applies today comes first)."""

ENDED = ("expired", "superseded", "revoked")
"""Statuses of a measure that no longer applies (``status`` hides them without ``--all``)."""


@dataclass(frozen=True)
class Window:
    """A suspension of a measure (or of one part) from ``start`` until ``end`` (exclusive).

    ``extended_by`` set the end (an ``extends`` made before the window closed); ``via`` is
    the event that renewed a lapsed suspension or carried it on for one part: the window
    exists because of it, so it is named in ``because``. ``through`` is the last day
    covered when the instrument counts its end day in (``ends_inclusive``).
    """

    start: dt.date
    end: dt.date | None
    by: str
    part: str | None = None
    extended_by: str | None = None
    via: str | None = None
    inclusive: bool = False
    renewed: bool = False

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def because(self) -> tuple[str, ...]:
        return (self.by, self.via) if self.via else (self.by,)


@dataclass(frozen=True)
class Segment:
    """A period in which an event applies: ``[start, end)``, ``end`` None = until further
    notice; ``set_by`` is the event whose ``ends`` closes it; ``renewed_by`` the extension
    that opened it after a lapse."""

    start: dt.date
    end: dt.date | None
    set_by: str
    inclusive: bool = False
    renewed_by: str | None = None


def end_day(event: Any) -> dt.date | None:
    """The first day on which the event's ``ends`` no longer applies: ``ends`` itself, or the
    day after when the instrument includes its end day (``ends_inclusive: true``)."""
    if event.ends is None:
        return None
    if getattr(event, "ends_inclusive", False) and event.ends < dt.date.max:
        return event.ends + dt.timedelta(days=1)
    return event.ends


@dataclass(frozen=True)
class Status:
    """The status of one measure on one date, with the events that made it so."""

    id: str
    on: dt.date
    status: str
    since: dt.date
    until: dt.date | None
    because: tuple[str, ...]
    reason: str
    parts: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    projected: bool = False
    """The status (or its since) rests on a change after the log's coverage date: see
    :func:`project`."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "on": self.on.isoformat(),
            "status": self.status,
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "because": list(self.because),
            "reason": self.reason,
            "parts": self.parts,
            "projected": self.projected,
        }


@dataclass(frozen=True)
class Change:
    """A date on which a measure's status changes."""

    date: dt.date
    id: str
    change: str
    before: str | None
    after: str
    because: tuple[str, ...]
    projected: bool = False
    """The change is after the log's coverage date: scheduled, not known to have happened."""

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "id": self.id,
            "change": self.change,
            "from": self.before,
            "to": self.after,
            "because": list(self.because),
            "projected": self.projected,
        }


@dataclass(frozen=True)
class _State:
    status: str
    because: tuple[str, ...]
    reason: str
    parts: tuple[tuple[str, str], ...] = ()
    suspenders: tuple[str, ...] = ()  # the suspensions among ``because``
    inclusive: bool = False  # a suspension whose instrument counts its end day in


class StatusEngine:
    """Status of the measures of a dataset; build once, ask for any date."""

    def __init__(self, ds: Dataset, *, projected_after: dt.date | None = None) -> None:
        """``projected_after``: a coverage date; :meth:`status` then answers as
        :func:`project` does (the spans stay as they are)."""
        self.ds = ds
        self.projected_after = projected_after
        self._acts: dict[str, list[tuple[model.Relation, model.Event]]] = defaultdict(list)
        for event in ds.live:
            for rel in event.relations:
                if rel.target_id in ds.by_id and rel.target_id != event.id:
                    self._acts[rel.target_id].append((rel, event))
        self._spans: dict[str, list[Status]] = {}
        self._memo: dict[tuple[str, str, str | None], Any] = {}

    # -------------------------------------------------------------- building blocks

    def measures(self) -> list[model.Event]:
        return [e for e in self.ds.live if e.is_measure]

    def _cached(self, what: str, key: str, part: str | None, compute: Any) -> Any:
        """``compute()``, once per engine for ``(what, key, part)``: the dataset does not
        change, and a measure acted on by many events asks for the same windows, segments,
        revocations and amendments at each of its change points."""
        k = (what, key, part)
        if k not in self._memo:
            self._memo[k] = compute()
        return self._memo[k]

    def _acting(self, target: str, *types: str) -> list[tuple[model.Relation, model.Event]]:
        return [(r, e) for r, e in self._acts.get(target, []) if r.type in types]

    def _extenders_uncached(self, event: model.Event, part: str | None = None) -> list[model.Event]:
        """The events that extend ``event`` (or its ``part``), and those that extend them,
        in the order they take effect."""
        found: dict[str, model.Event] = {}
        frontier = [event.id]
        while frontier:
            target = frontier.pop()
            for rel, ext in self._acting(target, "extends"):
                wanted = part if target == event.id else None
                if ext.id not in found and ext.id != event.id and rel.target_part == wanted:
                    found[ext.id] = ext
                    frontier.append(ext.id)
        return sorted(found.values(), key=lambda e: (e.starts, e.id))

    def _segments_uncached(self, event: model.Event) -> list[Segment]:
        """When the event applies once its extensions are read: from its start to its end;
        an extension made while it applies moves the end (or removes it, when the extension
        has no ``ends``); an extension made after it ended renews it from the extension's own
        start, leaving the lapse in between. Nothing applies before its own date."""
        segs = [Segment(event.starts, end_day(event), event.id, event.ends_inclusive)]
        for ext in self._extenders(event):
            last = segs[-1]
            end = end_day(ext)
            if end is not None and end <= ext.starts:
                continue  # ends before it starts: lint reports it, the engine ignores it
            if ext.starts < event.date:
                continue  # an extension that predates what it extends does not apply backwards
            if last.end is None or ext.starts <= last.end:
                segs[-1] = Segment(last.start, end, ext.id, ext.ends_inclusive, last.renewed_by)
            else:
                segs.append(Segment(ext.starts, end, ext.id, ext.ends_inclusive, renewed_by=ext.id))
        return segs

    def renewal(self, target: model.Event, ext: model.Event) -> tuple[dt.date, dt.date] | None:
        """``(start, ended)`` when ``ext``, which extends ``target`` (not one part of it),
        renews it after a lapse: the segment of :meth:`segments` that ``ext`` opens, and the
        end of the one before. The same answer as reading ``segments(target)``, without
        folding every extension of ``target``: of those only the ones that take effect before
        ``ext`` matter (the last of them set the end ``ext`` is measured against). A walk
        finds them without entering a branch that starts later, and takes a cycle of
        extensions (a lint error) as one block: along a chain or a cycle of N extensions
        each link costs a few steps, not N."""
        end = end_day(ext)
        if (end is not None and end <= ext.starts) or ext.starts < target.date:
            return None  # the fold skips it
        bound = (ext.starts, ext.id)
        reach = self._extension_reach()
        graph = self._extension_graph()
        best: tuple[dt.date, str] | None = None
        seen = {target.id}
        blocks: set[int] = set()
        pending = list(graph.get(target.id, ()))
        while pending:
            other = pending.pop()
            if other.id in seen or reach.earliest[other.id] >= bound:
                continue  # nothing from there on takes effect before ext
            block = reach.block_of.get(other.id)
            if block is None:
                seen.add(other.id)
                pending.extend(graph.get(other.id, ()))
                found = [(other.starts, other.id)] if _kept(other) else []
            elif block in blocks:
                continue
            else:  # every event of a cycle reaches every other: take them at once
                blocks.add(block)
                keys = reach.keys[block]
                below = bisect.bisect_left(keys, bound)
                found = [k for k in keys[max(0, below - 2) : below] if k[1] != target.id][-1:]
                pending.extend(reach.events[c] for c in reach.exits[block])
            for key in found:
                if key < bound and key[0] >= target.date and (best is None or key > best):
                    best = key
        before = end_day(reach.events[best[1]]) if best is not None else end_day(target)
        if before is None or ext.starts <= before:
            return None
        return ext.starts, before

    def _extension_graph(self) -> dict[str, list[model.Event]]:
        """Event id -> the live events that extend it as a whole (``extends`` without a part)."""
        graph = self.__dict__.get("_ext_graph")
        if graph is None:
            graph = {}
            for target, acts in self._acts.items():
                found = [e for r, e in acts if r.type == "extends" and r.target_part is None]
                if found:
                    graph[target] = found
            self.__dict__["_ext_graph"] = graph
        return graph

    def _extension_components(
        self,
    ) -> tuple[dict[str, model.Event], dict[str, list[str]], list[list[str]]]:
        """The extension graph by id: the extending events, each event's extensions, and the
        strongly connected components, each after every one it reaches."""
        found = self.__dict__.get("_ext_components")
        if found is None:
            graph = self._extension_graph()
            events = {e.id: e for exts in graph.values() for e in exts}
            ids = {k: [e.id for e in exts] for k, exts in graph.items()}
            found = self.__dict__["_ext_components"] = (events, ids, strongly_connected(ids))
        return found

    def _extension_reach(self) -> _Reach:
        """What :meth:`renewal` needs of the extension graph, in one pass over its
        components: for each event the least ``(starts, id)`` of it and of everything that
        extends it, directly or further on; the cycles, their kept events sorted and the
        events outside that they extend into."""
        reach = self.__dict__.get("_reach")
        if reach is not None:
            return reach
        events, ids, components = self._extension_components()
        reach = _Reach(events)
        for component in components:  # what a component reaches comes first
            members = set(component)
            keys = [(events[n].starts, n) for n in component if n in events]
            keys += [reach.earliest[c] for n in component for c in ids.get(n, ()) if c not in members]
            least = min(keys) if keys else (dt.date.max, "")
            for n in component:
                reach.earliest[n] = least
            if len(component) > 1 or component[0] in ids.get(component[0], ()):
                block = len(reach.keys)
                for n in component:
                    reach.block_of[n] = block
                reach.keys.append(sorted((events[n].starts, n) for n in component if _kept(events[n])))
                reach.exits.append(sorted({c for n in component for c in ids.get(n, ()) if c not in members}))
        self.__dict__["_reach"] = reach
        return reach

    def _latest_extensions(self) -> dict[str, model.Event]:
        """Event id -> the extension (direct or further on, the event itself left out) that
        takes effect last, among those the fold of :meth:`segments` does not skip for ending
        before they start; by ``(starts, id)``, as the fold orders them."""
        latest = self.__dict__.get("_latest")
        if latest is not None:
            return latest
        events, ids, components = self._extension_components()
        latest = {}
        reach: dict[str, tuple[dt.date, str] | None] = {}  # a component's members and all they reach
        for component in components:  # what a component reaches comes first
            members = set(component)
            outside = [reach[c] for n in component for c in ids.get(n, ()) if c not in members]
            out = max((k for k in outside if k is not None), default=None)
            own = sorted(
                ((events[n].starts, n) for n in component if n in events and _kept(events[n])), reverse=True
            )[:2]
            for n in component:
                inside = next((k for k in own if k[1] != n), None)  # the event itself left out
                best = max((k for k in (inside, out) if k is not None), default=None)
                if best is not None:
                    latest[n] = events[best[1]]
            best_all = max((k for k in (own[0] if own else None, out) if k is not None), default=None)
            for n in component:
                reach[n] = best_all
        self.__dict__["_latest"] = latest
        return latest

    def end_of(self, event: model.Event) -> tuple[dt.date | None, str | None]:
        """First day after the event's last period of application (None: no end), and the
        extension that set it (None when it is the event's own ``ends``).

        The last segment of :meth:`segments` ends where the last extension read ends (the
        latest to take effect that is not ignored), so this needs no fold: the latest of
        every event's extensions is found in one pass over the extension graph (an export
        asks for every event's end: along a chain of N extensions, N folds cost N²)."""
        last = self._latest_extensions().get(event.id)
        if last is None or last.starts < event.date:
            return end_day(event), None  # none, or all of them predate it: the fold skips them
        return end_day(last), last.id

    def _windows_uncached(self, measure: model.Event) -> list[Window]:
        """Every suspension window on the measure or one of its parts, after extensions
        (of the suspension, or of one part's suspension) and revocations of the suspension."""
        out = []
        for rel, sus in self._acting(measure.id, "suspends"):
            closers = [e.starts for _, e in self._acting(sus.id, "revokes")]
            close = min(closers) if closers else None
            for seg in self.segments(sus):
                if close is not None and seg.start >= close:
                    break
                end = seg.end if close is None or (seg.end is not None and seg.end <= close) else close
                extended = seg.set_by if seg.set_by not in (sus.id, seg.renewed_by) else None
                out.append(
                    Window(
                        seg.start,
                        end,
                        sus.id,
                        rel.target_part,
                        extended,
                        seg.renewed_by,
                        seg.inclusive,
                        renewed=seg.renewed_by is not None,
                    )
                )
        for part in {r.target_part for r, _ in self._acting(measure.id, "extends") if r.target_part}:
            out = self._carry_part(measure, part, out)
        return out

    def _carry_part(self, measure: model.Event, part: str, windows: list[Window]) -> list[Window]:
        """Apply the ``extends`` aimed at ``measure#part``: each carries the suspension of that
        part on to its own ``ends`` (None: until further notice), from where the part's
        suspension ends, or, after a lapse, from its own start."""
        for ext in self._extenders(measure, part):
            covering = [w for w in windows if w.part in (part, None) and w.start <= ext.starts]
            if not covering:
                continue  # nothing of that part was suspended: lint reports it
            last = max(covering, key=lambda w: (w.end is None, w.end or w.start))
            end = end_day(ext)
            if (end is not None and end <= ext.starts) or (last.end is None and last.part is None):
                continue  # ends before it starts; or the whole measure is suspended until further notice
            if last.end is not None and ext.starts > last.end:
                windows.append(Window(ext.starts, end, last.by, part, None, ext.id, ext.ends_inclusive, True))
            elif last.part == part:
                windows[windows.index(last)] = replace(
                    last, end=end, extended_by=ext.id, inclusive=ext.ends_inclusive
                )
            else:
                windows.append(Window(last.end, end, last.by, part, None, ext.id, ext.ends_inclusive))
        return windows

    def _revocations_uncached(self, measure: model.Event) -> list[tuple[dt.date, str, str | None, str]]:
        """``(date, by, part, how)`` of every revoking or superseding event; ``how`` is the
        status it leaves (``revoked`` or ``superseded``)."""
        how = {"revokes": "revoked", "supersedes": "superseded"}
        return [
            (e.starts, e.id, r.target_part, how[r.type])
            for r, e in self._acting(measure.id, "revokes", "supersedes")
        ]

    def _amendments_uncached(
        self, measure: model.Event
    ) -> list[tuple[dt.date, dt.date | None, str, str | None]]:
        """``(from, until, by, part)`` of every amending event: it applies from its own
        effective date until it is itself revoked, superseded or expires."""
        out = []
        for rel, amender in self._acting(measure.id, "amends"):
            ends = [d for d, _, part, _ in self.revocations(amender) if part is None]
            end, _ = self.end_of(amender)
            if end is not None:
                ends.append(end)
            until = min(ends) if ends else None
            if until is None or until > amender.starts:
                out.append((amender.starts, until, amender.id, rel.target_part))
        return out

    def _extenders(self, event: model.Event, part: str | None = None) -> list[model.Event]:
        """The events that extend ``event`` (or its ``part``), and those that extend them,
        in the order they take effect (computed once per engine)."""
        return self._cached("extenders", event.id, part, lambda: self._extenders_uncached(event, part))

    def segments(self, event: model.Event) -> list[Segment]:
        """When the event applies once its extensions are read (see :meth:`_segments_uncached`)."""
        return self._cached("segments", event.id, None, lambda: self._segments_uncached(event))

    def windows(self, measure: model.Event) -> list[Window]:
        """Every suspension window on the measure or its parts (see :meth:`_windows_uncached`)."""
        return self._cached("windows", measure.id, None, lambda: self._windows_uncached(measure))

    def revocations(self, measure: model.Event) -> list[tuple[dt.date, str, str | None, str]]:
        """``(date, by, part, how)`` of every revoking or superseding event."""
        return self._cached("revocations", measure.id, None, lambda: self._revocations_uncached(measure))

    def amendments(self, measure: model.Event) -> list[tuple[dt.date, dt.date | None, str, str | None]]:
        """``(from, until, by, part)`` of every amending event."""
        return self._cached("amendments", measure.id, None, lambda: self._amendments_uncached(measure))

    def change_points(self, measure: model.Event) -> list[dt.date]:
        """Every date on which the measure's status may change."""
        points = {measure.date, measure.starts, *(p.effective for p in measure.parts)}
        for seg in self.segments(measure):
            points.add(seg.start)
            if seg.end:
                points.add(seg.end)
        for w in self.windows(measure):
            points.add(w.start)
            if w.end:
                points.add(w.end)
        points.update(d for d, _, _, _ in self.revocations(measure))
        for start, until, _, _ in self.amendments(measure):
            points.add(start)
            if until:
                points.add(until)
        return sorted(points)

    # -------------------------------------------------------------- the answer

    def _state(self, m: model.Event, day: dt.date) -> _State | None:
        if day < m.date:
            return None
        revoked = [r for r in self.revocations(m) if r[0] <= day]
        whole = [r for r in revoked if r[2] is None]
        if whole:
            _, by, _, how = min(whole)
            return _State(how, (by,), f"{how} by {by}")
        segs = self.segments(m)
        if segs[0].end is not None and day >= segs[0].end:
            live = [s for s in segs if s.start <= day and (s.end is None or day < s.end)]
            if not live:
                ended = max((s for s in segs if s.end is not None and s.end <= day), key=lambda s: s.end)
                extended_by = ended.set_by if ended.set_by != m.id else None
                return _State(
                    "expired",
                    (extended_by,) if extended_by else (),
                    "reached its scheduled end" + (f" (as extended by {extended_by})" if extended_by else ""),
                )
            renewed = live[0].renewed_by
        else:
            renewed = None
        state = self._parts_state(m, day, {p for _, _, p, _ in revoked})
        if renewed and state.status != "announced":
            reason = "; ".join(r for r in (f"renewed by {renewed} after a lapse", state.reason) if r)
            state = replace(state, because=(*state.because, renewed), reason=reason)
        return self._amended(m, day, state)

    def _amended(self, m: model.Event, day: dt.date, state: _State) -> _State:
        """The state with the amendments in force on ``day`` added to its reason and because."""
        live = sorted(
            (start, by, part)
            for start, until, by, part in self.amendments(m)
            if start <= day and (until is None or day < until)
        )
        if not live or state.status in ("announced", "expired", "revoked", "superseded"):
            return state
        said = "; ".join(
            f"{f'part {part} ' if part else ''}amended by {by} from {start}" for start, by, part in live
        )
        reason = f"{state.reason}; {said}" if state.reason else said
        because = state.because + tuple(by for _, by, _ in live if by not in state.because)
        return replace(state, because=because, reason=reason)

    def _parts_state(self, m: model.Event, day: dt.date, revoked_parts: set[str | None]) -> _State:
        parts = [(p.id, p.effective) for p in m.parts] or [("", m.starts)]
        parts = [(pid, eff) for pid, eff in parts if pid not in revoked_parts]
        if not parts:
            return _State("revoked", (), "every part revoked")
        active = [pid for pid, eff in parts if eff <= day]
        if not active:
            first = min(eff for _, eff in parts)
            return _State("announced", (), f"announced; takes effect {first}")
        windows = [w for w in self.windows(m) if w.covers(day)]
        whole = [w for w in windows if w.part is None]
        if whole:
            w = min(whole, key=lambda w: (w.start, w.by))
            return _State(
                "suspended", w.because, _suspended_by(w), suspenders=w.because, inclusive=w.inclusive
            )
        hit = {w.part: w for w in windows if w.part in active}
        states = tuple((pid, "suspended" if pid in hit else "in-force") for pid in active if pid)
        if hit and len(hit) == len(active):
            by = tuple(sorted({b for w in hit.values() for b in w.because}))
            why = "; ".join(_suspended_by(w) for w in hit.values())
            return _State("suspended", by, why, states, by, any(w.inclusive for w in hit.values()))
        if hit:
            by = tuple(sorted({b for w in hit.values() for b in w.because}))
            live = ", ".join(pid for pid in active if pid not in hit)
            why = "; ".join(f"part {p} {_suspended_by(w)}" for p, w in sorted(hit.items()))
            inclusive = any(w.inclusive for w in hit.values())
            return _State("suspended-in-part", by, f"{why}; {live} in force", states, by, inclusive)
        pending = [pid for pid, eff in parts if eff > day]
        note = f"part {', '.join(pending)} not yet in effect" if pending and pending != [""] else ""
        return _State("in-force", (), note, states)

    def status(self, event_id: str, on: dt.date) -> Status | None:
        """The status of a measure on a date, or None before it existed or for non-measures."""
        m = self.ds.by_id.get(event_id)
        if m is None or not m.is_measure or m.withdrawn is not None:
            return None
        for span in self.spans(m):
            if span.since <= on and (span.until is None or on < span.until):
                return project(replace(span, on=on), self.projected_after)
        return None

    def spans(self, m: model.Event) -> list[Status]:
        """The measure's whole history: one Status per run of days with the same state.

        Spans are contiguous from the measure's date on; the last has no ``until``. Each
        span's ``on`` is its ``since``; for any day in a span, the status is that span's.
        The index stores these, so a query on any date is a lookup.
        """
        if m.id not in self._spans:  # computed once: a chart asks for every day of a row
            self._spans[m.id] = self._compute_spans(m)
        return self._spans[m.id]

    def _compute_spans(self, m: model.Event) -> list[Status]:
        points = self.change_points(m)
        runs: list[tuple[dt.date, _State]] = []
        for p in points:
            state = self._state(m, p)
            if state is None:
                continue
            if not runs or self._key_state(runs[-1][1]) != self._key_state(state):
                runs.append((p, state))
        out = []
        for i, (since, state) in enumerate(runs):
            until = runs[i + 1][0] if i + 1 < len(runs) else None
            if state.status == "in-force":
                state = _opened(runs[i - 1][1] if i else None, state, since)
            parts = dict(state.parts)
            out.append(Status(m.id, since, state.status, since, until, state.because, state.reason, parts))
        return out

    @staticmethod
    def _key_state(state: _State) -> tuple:
        return (state.status, state.because, state.parts)

    def status_all(self, on: dt.date, events: list[model.Event] | None = None) -> list[Status]:
        """Status of every measure (or of ``events``) on a date, what binds first."""
        pool = events if events is not None else self.measures()
        found = [s for s in (self.status(e.id, on) for e in pool if e.is_measure) if s]
        return sorted(found, key=_binding)

    def changes(self, start: dt.date, end: dt.date, events: list[model.Event] | None = None) -> list[Change]:
        """Dates in [start, end] on which a measure's status changes, and what changes."""
        out = []
        for m in events if events is not None else self.measures():
            if m.is_measure and m.withdrawn is None:
                out += [c for c in self.changes_of(m) if start <= c.date <= end]
        return sorted(out, key=lambda c: (c.date, c.id))

    def changes_of(self, m: model.Event) -> list[Change]:
        """Every change of a measure's status: one where each of its spans begins."""
        spans = self.spans(m)
        out = []
        for before, after in zip([None, *spans], spans, strict=False):
            because = after.because or (before.because if before else ())
            before_status = before.status if before else None
            out.append(
                Change(after.since, m.id, _describe(before, after), before_status, after.status, because)
            )
        return out


@dataclass
class _Reach:
    """The extension graph read once (see :meth:`StatusEngine._extension_reach`)."""

    events: dict[str, model.Event]
    earliest: dict[str, tuple[dt.date, str]] = field(default_factory=dict)
    block_of: dict[str, int] = field(default_factory=dict)  # event id -> its cycle, if on one
    keys: list[list[tuple[dt.date, str]]] = field(default_factory=list)  # per cycle, kept, sorted
    exits: list[list[str]] = field(default_factory=list)  # per cycle, the events it extends into


def _kept(ext: model.Event) -> bool:
    """Whether the fold of :meth:`StatusEngine.segments` reads an extension at all (one
    that ends before it starts is ignored)."""
    end = end_day(ext)
    return end is None or end > ext.starts


def strongly_connected(graph: dict[str, list[str]] | dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of a graph (node -> successors), each a list of
    nodes; a component comes after every component it reaches (Tarjan's algorithm, iterative:
    a chain of thousands of events cannot exhaust the stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(graph.get(root, ())))]
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    out.append(component)
    return out


def project(st: Status, coverage: dt.date | None) -> Status:
    """The status as an answer: ``projected`` when it began after the log's coverage date
    (it rests on a scheduled change the log cannot confirm), with a reason that says so
    and names the change ("suspension by X was due to end D; no extension recorded; log
    reviewed up to C"). Spans (and the index) stay unprojected: this is applied at answer
    time, from the span and the coverage date alone."""
    if st.projected or coverage is None or st.since <= coverage:
        return st
    return replace(st, projected=True, reason=projected_reason(st.reason, st.since, coverage))


def projected_reason(reason: str, since: dt.date, coverage: dt.date) -> str:
    """``reason`` reworded for a change the log only expects (see :func:`project`)."""
    first, sep, rest = reason.partition("; ")
    m = _ENDED.fullmatch(first)
    if m:
        first = f"suspension by {m[1]} was due to end {m[2]}; no extension recorded"
    elif first.startswith("reached its scheduled end"):
        first = f"was due to reach its scheduled end on {since}" + first[len("reached its scheduled end") :]
        first += "; no extension recorded"
    elif first in ("took effect", "in force from announcement") or first.endswith(" took effect"):
        first = first.replace("took effect", f"was due to take effect {since}")
        if first == "in force from announcement":
            first = f"due to be in force from {since}"
    else:
        first = f"{first} (due {since})"
    return f"{first}{sep}{rest}; log reviewed up to {coverage}"


def project_change(c: Change, coverage: dt.date | None) -> Change:
    """The change marked ``projected`` when it falls after the log's coverage date."""
    if c.projected or coverage is None or c.date <= coverage:
        return c
    return replace(c, projected=True)


def project_pairs(pairs: Iterable[tuple[Any, Status | None]], coverage: dt.date | None) -> list:
    """(event, status) pairs with each status as :func:`project` answers it."""
    return [(e, project(st, coverage) if st is not None else None) for e, st in pairs]


PROJECTED_NOTE = "* projected: rests on a change due after the coverage date {coverage}"
"""The footnote under a table with projected rows."""

_ENDED = re.compile(r"suspension by (.+) ended (\d{4}-\d{2}-\d{2})")


def _binding(s: Status) -> tuple[int, int, str]:
    return (STATUSES.index(s.status), -s.since.toordinal(), s.id)


def binding_first(pairs: Iterable[tuple[Any, Status]]) -> list[tuple[Any, Status]]:
    """(event, status) pairs, what binds first: in force, then suspended in part, ...; newest first."""
    return sorted(pairs, key=lambda pair: _binding(pair[1]))


def _opened(before: _State | None, state: _State, since: dt.date) -> _State:
    """An in-force state with a reason that says what made it so (never its own date:
    that is the span's ``since``); after a suspension, ``because`` names it and the reason
    gives the suspension's end as its instrument wrote it (the last day, when inclusive)."""
    because = state.because
    if before is None:
        opening = "in force from announcement"
    elif before.status == "announced":
        opening = "took effect"
    elif before.status in ("suspended", "suspended-in-part"):
        last = since - dt.timedelta(days=1) if before.inclusive else since
        opening = f"suspension by {', '.join(before.suspenders)} ended {last}"
        because = before.suspenders + tuple(b for b in because if b not in before.suspenders)
    elif before.status == "in-force" and before.parts != state.parts:
        was = dict(before.parts)
        new = [pid for pid, _ in state.parts if pid not in was]
        opening = f"part {', '.join(new)} took effect" if new else ""
    elif before.status == "in-force" and (gone := _missing(before.because, state.because)):
        opening = f"{', '.join(gone)} no longer applies"
    else:
        opening = ""
    reason = "; ".join(r for r in (opening, state.reason) if r) or "in force"
    return replace(state, because=because, reason=reason)


def _missing(before: tuple[str, ...], after: tuple[str, ...]) -> list[str]:
    """The ids of ``before`` not in ``after``, in order (a set: a measure amended a thousand
    times has a thousand ids on each side)."""
    now = set(after)
    return [b for b in before if b not in now]


def _suspended_by(w: Window) -> str:
    if w.end is None:
        until = " until further notice"
    elif w.inclusive:
        until = f" through {w.end - dt.timedelta(days=1)}"
    else:
        until = f" until {w.end}"
    how = f", renewed by {w.via} after a lapse" if w.renewed else f", carried on by {w.via}" if w.via else ""
    extended = f" (as extended by {w.extended_by})" if w.extended_by else ""
    return f"suspended by {w.by}{how}{until}{extended}"


def _describe(before: Status | None, after: Status) -> str:
    if before is None:
        return "announced" if after.status == "announced" else f"announced, {after.status}"
    if before.status == "announced" and after.status == "in-force":
        return "takes effect"
    if before.status == after.status == "in-force":
        if set(after.parts) - set(before.parts):
            return "a further part takes effect"
        added = _missing(after.because, before.because)
        if added:
            return f"amended by {', '.join(added)}"
        gone = _missing(before.because, after.because)
        return f"amendment by {', '.join(gone)} no longer applies" if gone else "terms change"
    if after.status in ("suspended", "suspended-in-part") and before.status == "in-force":
        return "suspension begins" if after.status == "suspended" else "partial suspension begins"
    if before.status in ("suspended", "suspended-in-part") and after.status == "in-force":
        return "suspension ends; back in force"
    if after.status == "expired":
        return "expires"
    if after.status == "revoked":
        return "revoked"
    return f"{before.status} -> {after.status}"
