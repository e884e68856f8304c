"""Lint: every check in one registry, cross-file checks over the whole log.

Checks with a function run over the loaded dataset; the others are raised while a file is
read (syntax, encoding) or validated (schema) and are listed here so that the registry is
the one place that documents every code (the README table is generated from it).
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import metafile, model
from .dataset import Dataset, find_root, iter_event_files, load_files, load_meta, resolve_data_dir
from .diagnostics import Diagnostic, RetrackerError, Severity

if TYPE_CHECKING:
    from .status import StatusEngine

CheckFn = Callable[[Dataset], Iterator[Diagnostic]]


@dataclass(frozen=True)
class Check:
    code: str
    name: str
    severity: Severity
    description: str
    run: CheckFn | None = None
    opt_in: bool = False  # runs only when asked for (`lint --enable CODE`)


REGISTRY: dict[str, Check] = {}


def _register(code: str, name: str, description: str, severity: Severity = "error") -> None:
    REGISTRY[code] = Check(code, name, severity, description)


def check(code: str, name: str, description: str, severity: Severity = "error", *, opt_in: bool = False):
    """Decorator: register a cross-file check under ``code`` (``opt_in``: off unless enabled)."""

    def wrap(fn: CheckFn) -> CheckFn:
        REGISTRY[code] = Check(code, name, severity, description, fn, opt_in)
        return fn

    return wrap


# Raised while reading a file (yamlio) or validating it (dataset).
_register("RT001", "unreadable", "the path cannot be read as a file (directory, permissions)")
_register("RT002", "encoding", "the file is not UTF-8 text (UTF-16, Latin-1, NUL bytes)")
_register("RT003", "too-large", "the file exceeds the 1 MiB size limit")
_register("RT004", "syntax", "the file is not valid YAML (tabs, unclosed brackets, bad keys)")
_register("RT005", "empty", "the file holds no YAML document (empty, or only comments)")
_register("RT006", "not-a-mapping", "the top level is a list or a scalar, not a mapping")
_register("RT007", "duplicate-key", "a key appears twice in one mapping, at any depth")
_register("RT008", "alias", "anchors, aliases and merge keys are not allowed")
_register("RT009", "tag", "explicit tags other than the YAML core ones (!!python/..., !custom)")
_register("RT010", "too-deep", "nesting deeper than 32 levels")
_register("RT011", "multi-document", "more than one YAML document in the file")
_register("RT012", "not-event-file", "a file under events/ that does not end in .yaml")
_register("RT013", "symlink-outside", "a symlink that points outside the data directory")
_register("RT021", "dataset-unknown-field", "dataset.yaml holds a field its model does not define")
_register("RT022", "dataset-missing-field", "dataset.yaml lacks schema_version or coverage")
_register(
    "RT023", "dataset-invalid-value", "a dataset.yaml value of the wrong type (coverage not YYYY-MM-DD)"
)
_register(
    "RT024", "dataset-future-coverage", "dataset.yaml's coverage is after tomorrow (a review of the future)"
)
_register("RT101", "unknown-field", "a field the event format does not define (with a guess)")
_register("RT102", "missing-field", "a required field is missing")
_register("RT103", "unknown-material", "a material that is not in the vocabulary (with a guess)")
_register("RT104", "unknown-country", "a country that is not ISO 3166-1 alpha-2, EU, G7, WTO or ALL")
_register("RT105", "invalid-date", "a date that is not a real YYYY-MM-DD date")
_register("RT106", "invalid-value", "a value of the wrong type or outside a closed list")
_register("RT107", "invalid-id", "an id that does not read YYYY-MM-DD-lower-case-words")
_register("RT301", "no-source", "an event without any source")
_register("RT302", "url-scheme", "a source URL that is not http(s)")


def _register_series_codes() -> None:
    from .series import CODES

    for code, (name, severity, description) in CODES.items():
        _register(code, name, description, severity)


_register_series_codes()  # series files (data/series/*.yaml): see series.py


class Log(Protocol):
    """What a check reads of the log to locate a finding: a :class:`Dataset`, or one file
    while it is parsed (:class:`_Alone`)."""

    documents: dict[Path, Any]

    def path_of(self, event: model.Event) -> Path | None: ...

    def locate(self, path: Path, loc: tuple[Any, ...]) -> tuple[int, int]: ...


class _Alone:
    """One event file while it is parsed: the log a one-event check sees at load time."""

    __slots__ = ("documents", "path")

    def __init__(self, path: Path, doc: Any) -> None:
        self.path = path
        self.documents = {path: doc}

    def path_of(self, event: model.Event) -> Path | None:
        return self.path

    def locate(self, path: Path, loc: tuple[Any, ...]) -> tuple[int, int]:
        return self.documents[path].locate(loc)


OneEventFn = Callable[[Log, model.Event, Path], Iterable[Diagnostic]]
ONE_EVENT: dict[str, OneEventFn] = {}
"""Checks that look at one event alone, by code: lint runs them while the event's file is
parsed (one parse per file, whatever the warnings); registered, they run over the log."""


def one_event(code: str, name: str, description: str, severity: Severity = "error", *, opt_in: bool = False):
    """Decorator: register a check of one event, ``fn(log, event, path)`` (see :data:`ONE_EVENT`)."""

    def wrap(fn: OneEventFn) -> OneEventFn:
        def run(ds: Dataset) -> Iterator[Diagnostic]:
            for event, path in _each(ds):
                yield from fn(ds, event, path)

        REGISTRY[code] = Check(code, name, severity, description, run, opt_in)
        ONE_EVENT[code] = fn
        return fn

    return wrap


def _diag(ds: Log, event: model.Event, loc: tuple, code: str, message: str, **kw) -> Diagnostic:
    path = ds.path_of(event)
    line, col = ds.locate(path, loc) if path else (1, 1)
    severity = REGISTRY[code].severity
    return Diagnostic(str(path), line, col, code, message, severity=severity, **kw)


@one_event("RT201", "id-matches-file", "the id equals the file's stem")
def _id_matches_file(ds: Log, event: model.Event, path: Path) -> Iterator[Diagnostic]:
    if path.stem != event.id:
        yield _diag(ds, event, ("id",), "RT201", f"id '{event.id}' differs from file name '{path.stem}'")


@check("RT202", "unique-id", "no two files carry the same id")
def _unique_id(ds: Dataset) -> Iterator[Diagnostic]:
    first: dict[str, Path] = {}
    for event, path in _each(ds):
        if event.id in first and first[event.id] != path:
            line, col = _locate(ds, path, ("id",))
            msg = f"id '{event.id}' also used by {first[event.id]}"
            yield Diagnostic(str(path), line, col, "RT202", msg)
        first.setdefault(event.id, path)


@one_event("RT203", "year-folder", "the file sits in the folder of its date's year")
def _year_folder(ds: Log, event: model.Event, path: Path) -> Iterator[Diagnostic]:
    if path.parent.name != str(event.date.year):
        msg = f"file is in '{path.parent.name}/' but its date is in {event.date.year}"
        yield _diag(ds, event, ("date",), "RT203", msg)


@one_event("RT204", "date-order", "parts and `effective` not before `date`; `ends` after the start")
def _date_order(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    if event.effective and event.parts:
        yield _diag(ds, event, ("effective",), "RT204", "give `effective` or `parts`, not both")
    if event.effective and event.effective < event.date:
        yield _diag(
            ds, event, ("effective",), "RT204", f"effective {event.effective} is before date {event.date}"
        )
    for i, part in enumerate(event.parts):
        if part.effective < event.date:
            msg = f"part '{part.id}' takes effect {part.effective}, before the event's date {event.date}"
            yield _diag(ds, event, ("parts", i, "effective"), "RT204", msg)
    if event.ends and event.ends <= event.starts:
        msg = f"ends {event.ends} is not after the start {event.starts}"
        yield _diag(ds, event, ("ends",), "RT204", msg)


@check("RT205", "unique-instrument", "instrument_key is unique among live (not withdrawn) events")
def _unique_instrument(ds: Dataset) -> Iterator[Diagnostic]:
    first: dict[str, str] = {}
    for event, _ in _each(ds):
        key = event.instrument_key
        if key is None or event.withdrawn is not None:
            continue
        if key in first and first[key] != event.id:
            yield _diag(ds, event, ("instrument_key",), "RT205", f"instrument_key {key} also on {first[key]}")
        first.setdefault(key, event.id)


@check("RT206", "relation-target", "every relation points at an existing event")
def _relation_target(ds: Dataset) -> Iterator[Diagnostic]:
    for event, i, rel in _relations(ds):
        if rel.target_id not in ds.by_id and rel.target_id != event.id:
            close = _close_ids(ds, rel.target_id)
            hint = f"did you mean {close}?" if close else None
            yield _diag(
                ds,
                event,
                ("relations", i, "target"),
                "RT206",
                f"relation target '{rel.target_id}' does not exist",
                hint=hint,
            )


@one_event("RT207", "relation-self", "no event relates to itself")
def _relation_self(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    for i, rel in enumerate(event.relations):
        if rel.target_id == event.id:
            yield _diag(ds, event, ("relations", i, "target"), "RT207", "relation points at the event itself")


@check("RT208", "relation-part", "an `ID#part` target names a part that event declares")
def _relation_part(ds: Dataset) -> Iterator[Diagnostic]:
    for event, i, rel in _relations(ds):
        target = ds.by_id.get(rel.target_id)
        if target and rel.target_part and target.part(rel.target_part) is None:
            have = ", ".join(p.id for p in target.parts) or "none"
            msg = f"'{rel.target_id}' has no part '{rel.target_part}' (parts: {have})"
            yield _diag(ds, event, ("relations", i, "target"), "RT208", msg)


STATUS_RELATIONS = ("suspends", "revokes", "supersedes", "extends")


@check("RT209", "relation-cycle", "status-changing relations (suspends, revokes, ...) form no cycle")
def _relation_cycle(ds: Dataset) -> Iterator[Diagnostic]:
    graph: dict[str, set[str]] = defaultdict(set)
    for event, _, rel in _relations(ds):
        if rel.type in STATUS_RELATIONS and rel.target_id in ds.by_id:
            graph[event.id].add(rel.target_id)
    from .status import strongly_connected

    for component in sorted(strongly_connected(graph), key=min):  # one finding per cycle group
        start = min(component)
        members = set(component)
        if len(component) == 1 and start not in graph.get(start, ()):
            continue  # an event on no cycle
        cycle = _find_cycle({n: graph.get(n, set()) & members for n in component}, start)
        if cycle:
            event = ds.by_id[start]
            yield _diag(ds, event, ("relations",), "RT209", "relation cycle: " + " -> ".join(cycle))


@one_event("RT210", "id-date", "the id starts with the event's date")
def _id_date(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    if not event.id.startswith(event.date.isoformat()):
        yield _diag(ds, event, ("id",), "RT210", f"id should start with the date {event.date}")


@one_event("RT211", "unique-part", "part ids are unique within an event")
def _unique_part(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    if len(event.parts) < 2:
        return
    counts = Counter(p.id for p in event.parts)
    for i, part in enumerate(event.parts):
        if counts[part.id] > 1:
            yield _diag(ds, event, ("parts", i, "id"), "RT211", f"part id '{part.id}' repeated")
            counts[part.id] = 0


@check(
    "RT212",
    "relation-kind",
    "suspends, revokes, supersedes and extends act on a measure (revokes and extends also on a suspension)",
)
def _relation_kind(ds: Dataset) -> Iterator[Diagnostic]:
    for event, i, rel in _relations(ds):
        target = ds.by_id.get(rel.target_id)
        if target is None or rel.type not in STATUS_RELATIONS:
            continue
        on_suspension = rel.type in ("extends", "revokes") and target.kind == "suspension"
        allowed = target.is_measure or on_suspension
        if not allowed:
            msg = f"'{rel.type}' needs a measure, but '{target.id}' is a {target.kind}"
            yield _diag(ds, event, ("relations", i, "type"), "RT212", msg)


@one_event("RT213", "suspension-relation", "a suspension event says what it suspends (or extends)", "warning")
def _suspension_relation(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    if event.kind == "suspension" and not {r.type for r in event.relations} & {"suspends", "extends"}:
        yield _diag(ds, event, ("kind",), "RT213", "suspension without a `suspends` or `extends` relation")


@one_event("RT230", "parties", "`parties` names each other party once: not the issuer, not ALL")
def _parties(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for i, code in enumerate(event.parties):
        if code == event.issuer:
            msg = f"party {code} is the issuer; list only the other parties"
        elif code == "ALL":
            msg = "ALL is not a party; list the parties by code"
        elif code in seen:
            msg = f"party {code} repeated"
        else:
            seen.add(code)
            continue
        yield _diag(ds, event, ("parties", i), "RT230", msg)


@one_event("RT303", "primary-source", "a measure has a source marked primary: true", "warning")
def _primary_source(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    if event.is_measure and not any(s.primary for s in event.sources):
        yield _diag(ds, event, ("sources",), "RT303", "no source is marked primary: true")


@one_event("RT304", "official-source", "verification: official rests on an official source", "warning")
def _official_source(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    official = any(s.kind in model.OFFICIAL_SOURCE_KINDS for s in event.sources)
    if event.verification == "official" and not official:
        msg = "verification is official but no source is official-text, -translation or spokesperson"
        yield _diag(ds, event, ("verification",), "RT304", msg)


@one_event("RT305", "title-zh", "a Chinese instrument carries its Chinese title", "warning")
def _title_zh(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    if event.issuer == "CN" and event.instrument and not event.title_zh:
        yield _diag(ds, event, ("title",), "RT305", "Chinese instrument without title_zh")


@one_event("RT306", "disputed-source", "a disputed event cites at least two sources", "warning")
def _disputed(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    if event.verification == "disputed" and len(event.sources) < 2:
        yield _diag(
            ds,
            event,
            ("sources",),
            "RT306",
            "disputed: cite the claim and the source that contradicts it",
        )


@one_event("RT307", "source-title", "every source records the page's title", "warning", opt_in=True)
def _source_title(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    for i, source in enumerate(event.sources):
        if not source.title:
            yield _diag(ds, event, ("sources", i), "RT307", f"source {i + 1} has no title")


@one_event("RT308", "placeholder", "no TODO placeholder is left (as `retracker new` writes them)")
def _placeholder(ds: Log, event: model.Event, path: Path) -> Iterator[Diagnostic]:
    source = _plain_source(ds, path)
    if source is not None and "TODO" not in source:
        return  # every string of the event is a piece of its file: none says TODO
    if b"TODO" not in event.__pydantic_serializer__.to_json(event):
        return  # the serializer runs in Rust: far cheaper than walking every field
    for loc in _placeholders(event):
        yield _diag(ds, event, loc, "RT308", f"placeholder left in {'.'.join(map(str, loc))}")


# C0/C1 controls but tab and newline, DEL, bidi marks, embeddings, overrides and isolates,
# line and paragraph separators: text that can move, hide or clear what a reviewer sees.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_HIDDEN_JSON = re.compile(
    rb"\\u00[01]|\\u007f|\\[bfr]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
)


@one_event("RT309", "control-character", "no control character, escape sequence or bidi override in text")
def _control_characters(ds: Log, event: model.Event, path: Path) -> Iterator[Diagnostic]:
    source = _plain_source(ds, path)
    if source is not None and not _HIDDEN.search(source):
        return  # every string of the event is a piece of its file, which has none
    if not _HIDDEN_JSON.search(event.__pydantic_serializer__.to_json(event)):
        return  # the common case, decided in Rust
    for loc, text in _strings(event):
        found = _HIDDEN.search(text)
        if found:
            code = f"U+{ord(found.group()):04X}"
            where = ".".join(map(str, loc))
            yield _diag(ds, event, loc, "RT309", f"{where} holds a hidden or control character ({code})")


def _strings(value, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, model.BaseModel):
        for key, item in value.__dict__.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, str):
        yield loc, value


def _placeholders(value, loc: tuple = ()) -> Iterator[tuple]:
    if isinstance(value, model.BaseModel):
        for key, item in value.__dict__.items():
            yield from _placeholders(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _placeholders(item, (*loc, i))
    elif isinstance(value, str) and "TODO" in value:
        yield loc


# ------------------------------------------------------------------ status semantics (see retracker.status)

ACTING = ("suspends", "revokes", "supersedes", "extends", "amends")
"""Relations that change the target's status or terms: none may act before the target exists."""


@check(
    "RT220",
    "relation-date",
    "an event that suspends, revokes, supersedes, extends or amends is not dated before its target",
)
def _relation_date(ds: Dataset) -> Iterator[Diagnostic]:
    for event, i, rel in _relations(ds):
        target = ds.by_id.get(rel.target_id)
        if target is None or rel.type not in ACTING or target.id == event.id or event.withdrawn:
            continue
        if event.date < target.date:
            msg = f"'{rel.type}' dated {event.date}, before its target '{target.id}' ({target.date})"
            yield _diag(
                ds,
                event,
                ("relations", i, "target"),
                "RT220",
                msg,
                hint="check both dates against the sources",
            )


_ZH_DATE = re.compile(r"至\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_EN_THROUGH = re.compile(r"\bthrough\s+([A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})")


def wording_dates(text: str) -> list[tuple[dt.date, bool]]:
    """Dates a text gives as an end, with whether the wording includes the day:
    ``至2026年11月27日`` and ``through November 9, 2026`` include it."""
    found = []
    for m in _ZH_DATE.finditer(text):
        found.append((_date(int(m[1]), int(m[2]), int(m[3])), True))
    for m in _EN_THROUGH.finditer(text):
        found.append((_english_date(m[1]), True))
    return [(d, inclusive) for d, inclusive in found if d is not None]


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_MONTHS = {m: i for i, m in enumerate(calendar.month_name) if m} | {
    m: i for i, m in enumerate(calendar.month_abbr) if m
}


def _english_date(text: str) -> dt.date | None:
    month, day, year = re.sub(r"[.,]", "", text).split()
    return _date(int(year), _MONTHS[month], int(day)) if month in _MONTHS else None


@one_event(
    "RT221",
    "end-day",
    "the end day follows the wording: `ends_inclusive: true` when a quote says 至 D or through D",
    "warning",
)
def _end_day(ds: Log, event: model.Event, _path: Path) -> Iterator[Diagnostic]:
    if event.ends is None:
        if event.ends_inclusive:
            yield _diag(ds, event, ("ends_inclusive",), "RT221", "ends_inclusive without ends")
        return
    if event.ends_inclusive:
        return
    for s in event.sources:
        if any(d == event.ends and inclusive for d, inclusive in wording_dates(s.quote or "")):
            yield _diag(
                ds,
                event,
                ("ends",),
                "RT221",
                f"a quote includes the end day {event.ends} (至/through) but ends_inclusive is not set",
                hint="add `ends_inclusive: true` (see CONTRIBUTING.md, End days)",
            )
            break


def _status_engine(ds: Dataset) -> StatusEngine:
    """One status engine per linted dataset, shared by the checks that read statuses (its
    spans are memoised, so each measure's history is computed once per lint run)."""
    engine = ds.__dict__.get("_status_engine")
    if engine is None:
        from .status import StatusEngine

        engine = ds.__dict__["_status_engine"] = StatusEngine(ds)
    return engine


@check(
    "RT222",
    "extends-part",
    "an `extends` aimed at ID#part finds a suspension of that part to extend",
    "warning",
)
def _extends_part(ds: Dataset) -> Iterator[Diagnostic]:
    for event, i, rel in _relations(ds):
        target = ds.by_id.get(rel.target_id)
        if rel.type != "extends" or not rel.target_part or target is None or not target.is_measure:
            continue
        engine = _status_engine(ds)
        suspended = [
            w for w in engine.windows(target) if w.part in (None, rel.target_part) and w.start <= event.starts
        ]
        if not suspended:
            msg = f"nothing suspends '{rel.target}' before {event.starts}: there is no suspension to extend"
            yield _diag(ds, event, ("relations", i, "target"), "RT222", msg)


_MONTH_LIST = tuple(m for m in calendar.month_name if m)
_MONTH_NAMES = "|".join(_MONTH_LIST)
_ANY_MONTH = re.compile(_MONTH_NAMES)
_DAY_MONTH_YEAR = rf"(\d{{1,2}}) ({_MONTH_NAMES}) (\d{{4}})"
_MONTH_DAY_YEAR = rf"({_MONTH_NAMES}) (\d{{1,2}}),? (\d{{4}})"
_END_WORDS = (
    r"(?:until|till|through|up to|expires? on|expiring on|ends? on|ending on|lapses? on|"
    r"due to (?:expire|end|lapse) on|valid (?:to|until)|extended(?: [\w'-]+){0,6}? (?:to|until))"
)
_SUMMARY_END = re.compile(
    rf"\b{_END_WORDS}\s+(?:(?:12:01|midnight)[^,;]{{0,30}}? on\s+)?(?:{_DAY_MONTH_YEAR}|{_MONTH_DAY_YEAR})"
)


def summary_end_dates(text: str) -> list[tuple[dt.date, str]]:
    """Dates a summary gives as an end ("until 10 November 2026", "extended the ban to
    15 October 2025", "至2026年11月27日"), with the words that said so."""
    out = []
    english = _ANY_MONTH.search(text) is not None  # each English form names a month
    for m in _SUMMARY_END.finditer(text) if english else ():
        day, month, year = (m[1], m[2], m[3]) if m[1] else (m[5], m[4], m[6])
        d = _date(int(year), _MONTHS[month], int(day))
        if d is not None:
            out.append((d, m[0]))
    for m in _ZH_DATE.finditer(text) if "至" in text else ():
        d = _date(int(m[1]), int(m[2]), int(m[3]))
        if d is not None:
            out.append((d, m[0]))
    return out


def _carried_ends(ds: Dataset, event: model.Event) -> set[dt.date]:
    """The end dates the structure carries for an event: its own ``ends`` and those of every
    event it relates to or that relates to it, each as written and as its last day."""
    related = [event, *(ds.by_id[r.target_id] for r in event.relations if r.target_id in ds.by_id)]
    related += [actor for _, actor in ds.acted_on_by(event.id)]
    days: set[dt.date] = set()
    for e in related:
        if e.ends is not None:
            days.add(e.ends)
            if e.ends > dt.date.min:
                days.add(e.ends - dt.timedelta(days=1))
    return days


@check(
    "RT223",
    "summary-end",
    "an end the summary gives (until, through, extended to, 至) is an `ends` of the event or a related one",
    "warning",
)
def _summary_end(ds: Dataset) -> Iterator[Diagnostic]:
    for event, _ in _each(ds):
        if event.withdrawn:
            continue
        carried: set[dt.date] | None = None
        for day, words in summary_end_dates(event.summary):
            carried = carried if carried is not None else _carried_ends(ds, event)
            if day not in carried:
                msg = f"the summary says '{words}' but no `ends` of this event or a related one is {day}"
                hint = "record the end (ends, or an extension event that extends it), or reword the summary"
                yield _diag(ds, event, ("summary",), "RT223", msg, hint=hint)


@check(
    "RT224",
    "extension-lapse",
    "an extension starts by the end it extends (a later one leaves a lapse the data should state)",
    "warning",
)
def _extension_lapse(ds: Dataset) -> Iterator[Diagnostic]:
    for event, i, rel in _relations(ds):
        target = ds.by_id.get(rel.target_id)
        if rel.type != "extends" or target is None or event.withdrawn or target.id == event.id:
            continue
        engine = _status_engine(ds)
        if rel.target_part:
            gaps = [w.start for w in engine.windows(target) if w.renewed and w.via == event.id]
            ended = None
        else:  # as segments(target) says, without folding every extension of a long chain
            renewal = engine.renewal(target, event)
            gaps, ended = ([renewal[0]], renewal[1]) if renewal else ([], None)
        if gaps:
            since = f" (it ended {ended})" if ended else ""
            msg = f"extends '{rel.target}' from {gaps[0]}, after it ended{since}: a lapse"
            hint = "if it ran on without a gap, check this event's date (or effective) and the target's ends"
            yield _diag(ds, event, ("relations", i, "target"), "RT224", msg, hint=hint)


# ------------------------------------------------------------------ helpers


def _each(ds: Dataset) -> Iterator[tuple[model.Event, Path]]:
    for event in ds.events:
        path = ds.path_of(event)
        if path is not None:
            yield event, path


def _plain_source(ds: Log, path: Path) -> str | None:
    """The text of an event's file when its parse is at hand and the text holds no backslash:
    then no string of the event was built from an escape sequence, so each is a piece of the
    text (lines folded, indents and quotes taken away), and what the text lacks, they lack."""
    doc = ds.documents.get(path)
    if doc is None or not doc.text or "\\" in doc.text:
        return None
    return doc.text


def _relations(ds: Dataset) -> Iterator[tuple[model.Event, int, model.Relation]]:
    for event in ds.events:
        for i, rel in enumerate(event.relations):
            yield event, i, rel


def _locate(ds: Dataset, path: Path, loc: tuple) -> tuple[int, int]:
    return ds.locate(path, loc)


def _close_ids(ds: Dataset, wanted: str) -> str | None:
    """A near id for a "did you mean": compared only with ids of the same month (cheap)."""
    import difflib

    month = wanted[:7]
    candidates = [i for i in ds.by_id if i.startswith(month)][:2000]
    close = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def _find_cycle(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A path from ``start`` back to it (each node remembers who reached it: no path is
    copied per step, so a cycle of thousands of events costs its length)."""
    stack = [start]
    came_from: dict[str, str] = {}
    while stack:
        node = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                trail = [node]
                while trail[-1] != start:
                    trail.append(came_from[trail[-1]])
                return [*reversed(trail), start]
            if nxt not in came_from:
                came_from[nxt] = node
                stack.append(nxt)
    return None


# ------------------------------------------------------------------ running


@dataclass
class LintResult:
    diagnostics: list[Diagnostic]
    files: list[str] = field(default_factory=list)
    root: Path | None = None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def exit_code(self, strict: bool = False) -> int:
        if self.errors or (strict and self.warnings):
            return 1
        return 0

    def ignoring(self, codes: Iterable[str]) -> LintResult:
        """The result without the findings of these warning codes (``lint --ignore``).

        Only warnings can be ignored: a file with an error is not loaded, so hiding the
        error would hide a lost event. An unknown or error code raises RetrackerError.
        """
        drop = set(known_codes(codes))
        for code in sorted(drop):
            if REGISTRY[code].severity == "error":
                raise RetrackerError(
                    f"{code} is an error and cannot be ignored", hint="only warnings can be ignored"
                )
        return replace(self, diagnostics=[d for d in self.diagnostics if d.code not in drop])


PER_EVENT = frozenset(ONE_EVENT)
"""Checks that look at one event alone: lint runs them while the event's file is parsed, so
their findings are located from that parse (one parse per file, whatever the warnings).
A test checks that each gives the same findings run this way or over the whole log."""


def run_checks(
    ds: Dataset, select: Iterable[str] | None = None, skip: Iterable[str] = (), enable: Iterable[str] = ()
) -> list[Diagnostic]:
    """Checks over a dataset (``select``: only these codes; ``skip``: not these; opt-in checks
    only when named in ``select`` or ``enable``); findings in files whose parse the dataset
    does not keep are located by parsing them again."""
    wanted = set(select) if select else None
    skipped = set(skip) | opted_out([*(wanted or ()), *enable])
    found: list[Diagnostic] = []
    for chk in REGISTRY.values():
        if chk.run is not None and (wanted is None or chk.code in wanted) and chk.code not in skipped:
            found.extend(chk.run(ds))
    return found


def opted_out(enable: Iterable[str]) -> set[str]:
    """The opt-in checks not named in ``enable``: the ones a run leaves out."""
    named = set(enable)
    return {code for code, chk in REGISTRY.items() if chk.opt_in and code not in named}


def known_codes(codes: Iterable[str]) -> list[str]:
    """``codes`` checked against the registry: an unknown one raises RetrackerError with a guess."""
    out = []
    for code in codes:
        if code not in REGISTRY:
            close = difflib.get_close_matches(code, REGISTRY, n=1)
            hint = f"did you mean {close[0]}?" if close else "`retracker lint --help` lists the codes"
            raise RetrackerError(f"unknown lint code '{code}'", hint=hint)
        out.append(code)
    return out


def lint_paths(
    paths: Iterable[str | os.PathLike[str]] | None = None,
    data: str | os.PathLike[str] | None = None,
    *,
    ignore: Iterable[str] = (),
    enable: Iterable[str] = (),
) -> LintResult:
    """Lint files or folders; with none, the data directory. The whole log is the context.

    ``ignore``: warning codes not to check at all (``lint --ignore``; see
    :meth:`LintResult.ignoring` for what may be ignored). The one-event checks run while
    each file is parsed (:data:`PER_EVENT`), only on the files reported on; the cross-file
    checks run after, and locate a finding by parsing its file again. ``enable``: opt-in
    checks to run as well (``lint --enable RT307``).
    """
    skip = _ignorable(ignore) | opted_out(known_codes(enable))
    given = [Path(p) for p in paths or []]
    if any(not os.fspath(p) for p in paths or []):  # Path("") is the current folder
        raise RetrackerError("a path to lint is empty", hint="give a file or folder, or none for the log")
    for path in given:
        if not path.exists() and not path.is_symlink():
            raise RetrackerError(f"no such file or directory: {path}")
    root = _root_for(given, data)
    links: dict[str, bool] = {}
    context = list(iter_event_files(root / "events", links)) if root else []
    chosen = _expand(given, links, root) if given else context
    chosen, series_chosen = _split_series(chosen, root, given)
    dataset_files = [p for p in chosen if metafile.is_dataset_file(p, root)]
    if given and not chosen:  # only series files asked about: no event needs loading
        context = []
    files = _unique([*context, *chosen]) if given else context
    meta_files = set(dataset_files)  # a set: a walk over many logs finds many dataset files
    files = [p for p in files if p not in meta_files]
    report_on = {_key(p) for p in [*chosen, *series_chosen]} if given else None
    checks = [fn for code, fn in ONE_EVENT.items() if code not in skip]
    early: list[Diagnostic] = []

    def each(event: model.Event, path: Path, doc: Any) -> None:
        if report_on is None or _key(path) in report_on:
            alone = _Alone(path, doc)
            for fn in checks:
                early.extend(fn(alone, event, path))

    events, ev_paths, diags, docs = load_files(files, root, links=links, each=each)
    del links
    meta, _ = load_meta(root) if root else ({}, [])
    meta_diags = metafile.check(root / metafile.NAME) if root else []
    for path in dataset_files:
        if root is None or os.path.abspath(path) != os.path.abspath(root / metafile.NAME):
            diags.extend(metafile.check(path))
        else:
            diags.extend(d for d in meta_diags)
    ds = Dataset(root, events, ev_paths, diags, meta, docs)
    found = diags + early + run_checks(ds, skip=PER_EVENT | skip) + _lint_series(series_chosen, skip)
    if report_on is not None:  # report on the files asked about; the rest of the log is context
        found = [d for d in found if _key(Path(d.path)) in report_on]
    else:
        found = meta_diags + found
    found = sorted(set(found), key=lambda d: (d.path, d.line, d.col, d.code))
    return LintResult(found, [str(p) for p in [*chosen, *series_chosen]], root)


def _split_series(chosen: list[Path], root: Path | None, given: list[Path]) -> tuple[list[Path], list[Path]]:
    """Event (and dataset) files apart from series files (a file in a folder named series);
    with nothing given, the log's own series/ folder is linted too."""
    from .series import is_series_file, series_files

    series = [p for p in chosen if is_series_file(p)]
    others = [p for p in chosen if not is_series_file(p)]
    if not given and root is not None:
        series = series_files(root)
    return others, series


def _lint_series(paths: list[Path], skip: set[str]) -> list[Diagnostic]:
    from .series import load_series_files

    return [d for d in load_series_files(paths).diagnostics if d.code not in skip]


def _ignorable(codes: Iterable[str]) -> set[str]:
    """The codes, checked as :meth:`LintResult.ignoring` checks them."""
    drop = set(codes)
    if drop:
        LintResult([]).ignoring(drop)
    return drop


def _root_for(given: list[Path], data: str | os.PathLike[str] | None) -> Path | None:
    if data is not None or not given:
        return resolve_data_dir(data)
    root = find_root(given[0])
    if root is None and given[0].is_dir():  # `lint .` in a checkout: its data/ counts
        from . import datadir

        near = datadir.nearest(given[0])
        root = near if near is not None and _key(near).startswith(_key(given[0])) else None
    if root is not None:
        from . import datadir

        datadir.note(datadir.DataDir(root, "walked"))
    return root


def _expand(given: list[Path], links: dict[str, bool], root: Path | None = None) -> list[Path]:
    """Given folders are walked; a folder named like an event file is itself reported.

    In a walk over a log (``lint data``, ``lint .`` in a checkout) only the log's own files
    count: its events and its dataset.yaml; other YAML files beside them (CI configuration,
    test fixtures) are not events and are not reported. A file named explicitly always is.
    """
    out: list[Path] = []
    inside = (_key(root / "events") + os.sep, _key(root / metafile.NAME)) if root is not None else None
    series_dir = _key(root / "series") + os.sep if root is not None else None
    for path in given:
        walk = path.is_dir() and not path.is_symlink() and path.suffix != ".yaml"
        if not walk:
            out.append(path)
            continue
        for found in iter_event_files(path, links):
            key = _key(found)
            in_series = series_dir is not None and os.path.dirname(key) + os.sep == series_dir
            if inside is None or key.startswith(inside[0]) or key in (inside[1], inside[0][:-1]) or in_series:
                out.append(found)
    return out


def _key(path: Path) -> str:
    """A comparable form of a path: absolute and normalised (symlinks are not followed)."""
    return os.path.abspath(path)


def _unique(paths: list[Path]) -> list[Path]:
    seen: dict[str, Path] = {}
    for path in paths:
        seen.setdefault(_key(path), path)
    return list(seen.values())


def codes_markdown() -> str:
    """The README's table of lint codes, generated from the registry."""
    rows = ["| code | name | severity | what it checks |", "|---|---|---|---|"]
    for chk in sorted(REGISTRY.values(), key=lambda c: c.code):
        severity = f"{chk.severity} (opt-in)" if chk.opt_in else chk.severity
        rows.append(f"| {chk.code} | {chk.name} | {severity} | {chk.description} |")
    return "\n".join(rows)
