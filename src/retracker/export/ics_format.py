"""iCalendar (RFC 5545): one all-day VEVENT per dated change of an event."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..diagnostics import RetrackerError
from ..model import Event

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..dataset import Dataset
    from ..status import StatusEngine


ICS_PRODID = "-//retracker//EN"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_URI_SAFE = "/:?#[]@!$&'()*+,;=%~"


@dataclass(frozen=True)
class DatedChange:
    """One calendar entry: something that happens to an event on a day."""

    day: dt.date
    event: Event
    what: str
    label: str | None = None
    note: str | None = None

    @property
    def uid(self) -> str:
        """Stable across exports: ``<event-id>#<what>@retracker``."""
        return f"{self.event.id}#{self.what}@retracker"

    @property
    def summary(self) -> str:
        prefix = f"{self.label}: " if self.label else ""
        return f"[{self.event.issuer}] {prefix}{self.event.title}"


def dated_changes(event: Event, ds: Dataset, engine: StatusEngine) -> list[DatedChange]:
    """The announcement, the taking effect (whole or per part) and the end of one event.

    A taking effect on the announcement day is not repeated. The end is ``ends`` as
    stretched by an ``extends`` event; a revocation before it replaces it (for a
    suspension, the window then ends on the revocation; for a measure the revoking event
    carries the change, so no end is listed).
    """
    out = [DatedChange(event.date, event, "announced")]
    begins = "Suspension begins" if event.kind == "suspension" else "Takes effect"
    if event.effective and event.effective != event.date:
        out.append(DatedChange(event.effective, event, "effective", begins))
    for part in event.parts:
        if part.effective != event.date:
            out.append(
                DatedChange(
                    part.effective, event, f"part-{part.id}", f"Part {part.id} takes effect", part.note
                )
            )
    end = _end_change(event, ds, engine)
    if end is not None:
        out.append(end)
    return out


def _end_change(event: Event, ds: Dataset, engine: StatusEngine) -> DatedChange | None:
    end, extended_by = engine.end_of(event)
    # As the status engine reads them: a revocation closes a suspension's window; a
    # revocation or a superseding event ends a measure.
    acts = ("revokes",) if event.kind == "suspension" else ("revokes", "supersedes")
    closers = sorted(
        (actor.starts, actor.id)
        for rel, actor in ds.acted_on_by(event.id)
        if rel.type in acts and rel.target_part is None and actor.id != event.id
    )
    label = {"suspension": "Suspension ends"}.get(event.kind, "Expires" if event.is_measure else "Ends")
    if closers and (end is None or closers[0][0] < end):
        if event.kind != "suspension":
            return None
        day, by = closers[0]
        planned = f"; it was to run until {end}" if end else ""
        return DatedChange(day, event, "ends", label, f"Ended by {by}{planned}.")
    if end is None:
        return None
    note = f"End as extended by {extended_by} (first set to {event.ends})." if extended_by else None
    return DatedChange(end, event, "ends", label, note)


def _clean(text: str) -> str:
    """Drop control characters that iCalendar text may not carry (tab and newline stay), and
    the C1 controls and bidi controls a terminal or a calendar would act on."""
    return _CONTROL.sub("", text)


def _uri(url: str) -> str:
    """A URL as an iCalendar URI: spaces, controls and non-ASCII percent-encoded."""
    return quote(url, safe=_URI_SAFE)


def primary_source_url(event: Event) -> str:
    """The URL of the first primary source, else of the first source."""
    return next((s.url for s in event.sources if s.primary), event.sources[0].url)


def _description(change: DatedChange) -> str:
    event = change.event
    lines = [event.summary]
    if change.note:
        lines.append(change.note)
    if event.withdrawn:
        lines.append(f"Record withdrawn on {event.withdrawn.date}: {event.withdrawn.reason}")
    lines += [f"Source: {primary_source_url(event)}", f"Event: {event.id}"]
    return _clean("\n\n".join(lines))


def _status(event: Event) -> str:
    if event.withdrawn:
        return "CANCELLED"
    return "TENTATIVE" if event.verification == "disputed" else "CONFIRMED"


def _icalendar() -> ModuleType:
    try:
        import icalendar
    except ImportError:
        raise RetrackerError(
            "the ics format needs the icalendar package", hint="pip install icalendar"
        ) from None
    return icalendar


def _dtstamp(ds: Dataset, events: Sequence[Event]) -> dt.datetime:
    """Deterministic DTSTAMP: the log's coverage date (else the latest event date), 00:00 UTC."""
    day = ds.coverage or max((e.date for e in events), default=dt.date(1970, 1, 1))
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


def _vevent(icalendar: ModuleType, change: DatedChange, stamp: dt.datetime) -> Any:
    vevent = icalendar.Event()
    vevent.add("uid", change.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", change.day)
    if change.day < dt.date.max:  # an all-day event without DTEND lasts the day (RFC 5545)
        vevent.add("dtend", change.day + dt.timedelta(days=1))
    vevent.add("summary", _clean(change.summary))
    vevent.add("description", _description(change))
    vevent.add("url", _uri(primary_source_url(change.event)))
    vevent.add("categories", [change.event.kind])
    vevent.add("status", _status(change.event))
    vevent.add("transp", "TRANSPARENT")
    return vevent


def ics_text(events: Sequence[Event], ds: Dataset | None = None) -> str:
    """An iCalendar file with one all-day VEVENT per dated change (see :func:`dated_changes`)."""
    from ..dataset import Dataset
    from ..status import StatusEngine

    icalendar = _icalendar()
    ds = ds if ds is not None else Dataset(None, list(events))
    engine = StatusEngine(ds)
    order = {"announced": 0, "effective": 1, "ends": 3}
    changes = sorted(
        (c for e in events for c in dated_changes(e, ds, engine)),
        key=lambda c: (c.day, c.event.id, order.get(c.what, 2), c.what),
    )
    cal = icalendar.Calendar()
    cal.add("prodid", ICS_PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "retracker")
    stamp = _dtstamp(ds, events)
    for change in changes:
        cal.add_component(_vevent(icalendar, change, stamp))
    return cal.to_ical().decode("utf-8")
