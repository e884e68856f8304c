"""Trade series: sourced monthly figures, one series per file under ``data/series/<id>.yaml``.

The format is the one in CONTRIBUTING.md ("Series files"). This module holds

- the models (:class:`Series`, :class:`Point`, :class:`Derived`, :class:`Alternative`,
  :class:`Total`), which reuse the event model's :class:`~retracker.model.Source` and its
  material and country validators;
- period helpers: a period is ``YYYY-MM`` or a combined ``YYYY-MM/YYYY-MM`` (when only the
  sum of those months is published);
- the loader :func:`load_series`, which never raises on a bad file: each problem becomes a
  located :class:`~retracker.diagnostics.Diagnostic` (codes RT4xx, registered in lint.py) and
  a series with an error is left out;
- the checks (:func:`check_series`) and the cross-check of stated totals (:func:`check_totals`);
- :func:`points_as_dicts`, the plain shape of a series' points that the CLI, the exports and
  the static site read.

``load_series`` and ``points_as_dicts`` are the stable library API (see README, "Trade series").
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import difflib
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from . import model, schema_errors, vocab
from .diagnostics import Diagnostic, Severity

FOLDER = "series"
"""The folder of a data directory that holds the series files."""

SUFFIX = ".yaml"

# code: (name, severity, what it checks) -- lint.py registers these in its one registry.
CODES: dict[str, tuple[str, Severity, str]] = {
    "RT401": (
        "series-unknown-field",
        "error",
        "a series file holds a field the series format does not define",
    ),
    "RT402": ("series-missing-field", "error", "a series file lacks a required field (id, unit, points ...)"),
    "RT403": ("series-unknown-material", "error", "a series' material is not in the vocabulary"),
    "RT404": (
        "series-unknown-country",
        "error",
        "a series' reporter or partner is not an ISO code (or world)",
    ),
    "RT405": (
        "series-invalid-value",
        "error",
        "a series value of the wrong type: a quantity not a number, negative or not finite, a bad unit",
    ),
    "RT406": (
        "series-invalid-period",
        "error",
        "a period that is not YYYY-MM or YYYY-MM/YYYY-MM (A before B)",
    ),
    "RT407": ("series-id", "error", "a series id that is not lower-case-kebab or differs from its file name"),
    "RT410": ("series-period-order", "error", "a series' points are not in period order"),
    "RT411": (
        "series-period-twice",
        "error",
        "a period given twice, or a combined period overlapping another",
    ),
    "RT412": ("series-no-source", "error", "a point that is not derived cites no source"),
    "RT413": ("series-no-quote", "error", "no source of a stated point quotes it (a verbatim quote)"),
    "RT414": (
        "series-quote-number",
        "warning",
        "no quote of a stated point (or a total) holds its value's digits",
    ),
    "RT415": ("series-derived-from", "error", "a derived point's `from` names a period the series lacks"),
    "RT416": (
        "series-disputed",
        "error",
        "a disputed point records its alternatives, and only a disputed one",
    ),
    "RT417": ("series-total-range", "error", "a total's `from` is after its `to`"),
    "RT418": (
        "series-total-mismatch",
        "error",
        "the points inside a total's range do not add up to it (within 0.5% or 1 unit) and no note says why",
    ),
    "RT419": ("series-control-character", "error", "no control character or bidi override in a series' text"),
}

# ------------------------------------------------------------------ periods

_MONTH = r"(\d{3}[1-9]|\d{2}[1-9]\d|\d[1-9]\d{2}|[1-9]\d{3})-(0[1-9]|1[0-2])"
"""A month ``YYYY-MM`` of a year from 0001: there is no year 0 (``0000-01`` passed lint and
crashed ``figures``). No look-ahead, so that every JSON Schema engine reads the pattern."""
PERIOD_RE = re.compile(rf"^{_MONTH}(?:/{_MONTH})?$")
MONTH_RE = re.compile(rf"^{_MONTH}$")
MAX_COMBINED = 12
"""The most months a combined period may span (customs combine January and February)."""


def month_index(text: str) -> int:
    """``2025-04`` as a month number (year * 12 + month - 1), for arithmetic and order."""
    match = MONTH_RE.fullmatch(text)
    if not match:
        raise ValueError(f"not a month YYYY-MM: {text!r}")
    return int(match[1]) * 12 + int(match[2]) - 1


def month_text(index: int) -> str:
    """The ``YYYY-MM`` of a month number (the inverse of :func:`month_index`)."""
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def period_months(period: str) -> tuple[int, int]:
    """First and last month numbers of a period (equal for a single month)."""
    first, _, last = period.partition("/")
    return month_index(first), month_index(last or first)


def period_start(period: str) -> dt.date:
    """The first day of a period."""
    year, month = divmod(period_months(period)[0], 12)
    return dt.date(year, month + 1, 1)


def period_end(period: str) -> dt.date:
    """The last day of a period."""
    year, month = divmod(period_months(period)[1], 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def is_combined(period: str) -> bool:
    """True for a combined period such as ``2026-01/2026-02``."""
    return "/" in period


def _period(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "invalid_period",
            "expected a period as YYYY-MM (quoted if need be), got {type}",
            {"type": type(value).__name__},
        )
    match = PERIOD_RE.fullmatch(value)
    if not match:
        raise PydanticCustomError(
            "invalid_period",
            "invalid period '{value}': write YYYY-MM, or YYYY-MM/YYYY-MM for a combined period",
            {"value": value},
        )
    if match[3]:
        first, last = period_months(value)
        if first >= last:
            raise PydanticCustomError(
                "invalid_period",
                "combined period '{value}': the first month must come before the last",
                {"value": value},
            )
        if last - first >= MAX_COMBINED:
            raise PydanticCustomError(
                "invalid_period",
                "combined period '{value}' spans {n} months; at most {most}",
                {"value": value, "n": last - first + 1, "most": MAX_COMBINED},
            )
    return value


def _month(value: Any) -> str:
    text = _period(value)
    if is_combined(text):
        raise PydanticCustomError(
            "invalid_period", "'{value}' must be a single month YYYY-MM", {"value": value}
        )
    return text


def _quantity(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        shown = f"the text '{value}'" if isinstance(value, str) else type(value).__name__
        hint = " (write digits only: no thousands separators, units or quotes)"
        hint = hint if isinstance(value, str) else ""
        raise PydanticCustomError(
            "invalid_quantity", "a quantity must be a number, got {shown}" + hint, {"shown": shown}
        )
    if not math.isfinite(value):
        raise PydanticCustomError(
            "invalid_quantity", "a quantity must be finite, got {value}", {"value": value}
        )
    if value < 0:
        raise PydanticCustomError(
            "invalid_quantity", "a quantity cannot be negative, got {value}", {"value": value}
        )
    if value > MAX_QUANTITY:
        raise PydanticCustomError(
            "invalid_quantity",
            "a quantity must be at most 2^53 (9,007,199,254,740,992), got {value}: larger numbers lose "
            "digits in sums, charts and JSON readers",
            {"value": value},
        )
    return value


MAX_QUANTITY = 2**53
"""The largest quantity a double holds exactly (1e40 was shown as 10,000,000,000,000,000,303,...)."""


def _partner(value: Any) -> str:
    return "world" if value == "world" else model._country(value)


_PARTNER_DOC = "ISO 3166-1 alpha-2 code, or world"

Period = Annotated[
    str,
    BeforeValidator(_period),
    WithJsonSchema({"type": "string", "pattern": PERIOD_RE.pattern}),
]
Month = Annotated[
    str, BeforeValidator(_month), WithJsonSchema({"type": "string", "pattern": MONTH_RE.pattern})
]
Quantity = Annotated[
    float | int, BeforeValidator(_quantity), WithJsonSchema({"type": "number", "minimum": 0})
]
Partner = Annotated[
    str, BeforeValidator(_partner), WithJsonSchema({"type": "string", "description": _PARTNER_DOC})
]
SERIES_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# ------------------------------------------------------------------ models


class Derived(model._Strict):
    """How a value no page states was computed from stated ones."""

    from_: Annotated[list[Period], Field(alias="from", default_factory=list)]
    how: model.Text


class Alternative(model._Strict):
    """The value another source gives for a disputed point."""

    value: Quantity
    sources: Annotated[list[model.Source], Field(min_length=1)]
    note: str | None = None


class Point(model._Strict):
    """One period's value, with the pages that state it (or how it was derived)."""

    period: Period
    value: Quantity
    sources: Annotated[list[model.Source], Field(default_factory=list)]
    derived: Derived | None = None
    disputed: bool = False
    alternatives: Annotated[list[Alternative], Field(default_factory=list)]
    note: str | None = None

    @property
    def months(self) -> tuple[int, int]:
        return period_months(self.period)

    @property
    def start(self) -> dt.date:
        return period_start(self.period)

    @property
    def end(self) -> dt.date:
        return period_end(self.period)


class Total(model._Strict):
    """A cumulative figure a page states (first half, January to September ...): a cross-check."""

    from_: Annotated[Month, Field(alias="from")]
    to: Month
    value: Quantity
    sources: Annotated[list[model.Source], Field(min_length=1)]
    note: str | None = None


class Series(model._Strict):
    """One series of monthly figures: one YAML file under data/series/."""

    id: Annotated[str, Field(pattern=SERIES_ID_RE.pattern)]
    title: model.Text
    title_zh: str | None = None
    unit: Literal["t", "kg"]
    materials: Annotated[list[model.MaterialKey], Field(min_length=1)]
    flow: Literal["export", "import"]
    reporter: model.CountryCode
    partner: Partner
    frequency: Literal["monthly"]
    summary: model.Text
    notes: str | None = None
    points: Annotated[list[Point], Field(min_length=1)]
    totals: Annotated[list[Total], Field(default_factory=list)]

    @property
    def first(self) -> str:
        """The first month of the series (YYYY-MM)."""
        return month_text(min(p.months[0] for p in self.points))

    @property
    def last(self) -> str:
        """The last month of the series (YYYY-MM)."""
        return month_text(max(p.months[1] for p in self.points))

    @property
    def span(self) -> str:
        """``2025-01..2026-05``."""
        return f"{self.first}..{self.last}"

    @property
    def latest(self) -> Point:
        """The point of the latest period."""
        return max(self.points, key=lambda p: p.months)

    def title_in(self, lang: str = "en") -> str:
        return (self.title_zh or self.title) if lang == "zh" else self.title

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape of a series (the file's fields; `from` keeps its name)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


# Point and Total carry `sources` that must have at least one item unless `derived` is set:
# the JSON Schema says so with if/then, lint with RT412.
Point.model_config["json_schema_extra"] = {
    "allOf": [
        {
            "if": {"not": {"required": ["derived"]}},
            "then": {"required": ["sources"], "properties": {"sources": {"minItems": 1}}},
        },
        {
            "if": {"required": ["disputed"], "properties": {"disputed": {"const": True}}},
            "then": {"required": ["alternatives"], "properties": {"alternatives": {"minItems": 1}}},
        },
    ]
}
Point.model_rebuild(force=True)


def series_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a series file (committed as schema/series.schema.json)."""
    schema = Series.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://retracker.invalid/schema/series.schema.json"
    enums = {
        model._MATERIAL_DOC: vocab.material_spellings(),
        model._COUNTRY_DOC: vocab.country_spellings(),
        _PARTNER_DOC: [*vocab.country_spellings(), "world"],
    }
    model._inject_enums(schema, enums)
    return schema


# ------------------------------------------------------------------ plain shapes


def points_as_dicts(series: Series) -> list[dict[str, Any]]:
    """The points of a series as plain dicts, in period order (a stable API).

    Each dict: ``period`` (as written), ``start`` and ``end`` (first and last month, YYYY-MM),
    ``value`` (a number in ``unit``), ``unit``, ``derived`` (bool), ``how`` (str or None),
    ``disputed`` (bool), ``alternatives`` (list of ``{value, note, source_urls}``), ``note``,
    ``source_urls`` (list of str) and ``sources`` (list of source dicts: url, kind,
    publisher, title, date, lang, quote).
    """
    out = []
    for point in sorted(series.points, key=lambda p: p.months):
        first, last = point.months
        out.append(
            {
                "period": point.period,
                "start": month_text(first),
                "end": month_text(last),
                "value": point.value,
                "unit": series.unit,
                "derived": point.derived is not None,
                "how": point.derived.how if point.derived else None,
                "disputed": point.disputed,
                "alternatives": [
                    {"value": a.value, "note": a.note, "source_urls": [s.url for s in a.sources]}
                    for a in point.alternatives
                ],
                "note": point.note,
                "source_urls": [s.url for s in point.sources],
                "sources": [s.model_dump(mode="json", exclude_none=True) for s in point.sources],
            }
        )
    return out


# ------------------------------------------------------------------ totals


@dataclass(frozen=True)
class TotalCheck:
    """A stated total against the sum of the points inside its range."""

    index: int
    total: Total
    points_sum: float
    covered: bool  # every month of the range is covered by points lying inside it
    missing: tuple[str, ...]  # months of the range no point inside it covers

    @property
    def difference(self) -> float:
        return self.points_sum - self.total.value

    @property
    def tolerance(self) -> float:
        return max(abs(self.total.value) * 0.005, 1.0)

    @property
    def adds_up(self) -> bool:
        return abs(self.difference) <= self.tolerance

    @property
    def checked(self) -> bool:
        """Whether the points can be held against this total (complete coverage, no note)."""
        return self.covered and self.total.note is None

    @property
    def ok(self) -> bool:
        """True unless the total is checked and does not add up."""
        return not self.checked or self.adds_up


def check_totals(series: Series) -> list[TotalCheck]:
    """Each of the series' totals against the points whose periods lie inside its range."""
    out = []
    for i, total in enumerate(series.totals):
        first, last = month_index(total.from_), month_index(total.to)
        inside = [p for p in series.points if first <= p.months[0] and p.months[1] <= last]
        covered = {m for p in inside for m in range(p.months[0], p.months[1] + 1)}
        missing: list[str] = []
        if first <= last and len(covered) < last - first + 1:
            for m in range(first, last + 1):  # at most 12 listed: a range may be long
                if m not in covered:
                    missing.append(month_text(m))
                    if len(missing) == 12:
                        break
        points_sum = sum(p.value for p in inside)
        out.append(TotalCheck(i, total, points_sum, first <= last and not missing, tuple(missing)))
    return out


# ------------------------------------------------------------------ loading


@dataclass
class SeriesSet:
    """The series of one data directory, with the problems found loading them.

    ``series`` holds only the series without an error (a broken file is left out and its
    errors are in ``diagnostics``, warnings too); ``paths`` maps an id to its file.
    """

    series: list[Series] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Series]:
        return iter(self.series)

    def __len__(self) -> int:
        return len(self.series)

    @property
    def by_id(self) -> dict[str, Series]:
        return {s.id: s for s in self.series}

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def get(self, series_id: str) -> Series:
        """The series with this id, or a RetrackerError with suggestions."""
        from .diagnostics import RetrackerError

        found = self.by_id.get(series_id)
        if found is None:
            close = difflib.get_close_matches(series_id, list(self.by_id), n=3, cutoff=0.4)
            hint = f"did you mean {' or '.join(close)}?" if close else "`retracker figures` lists them"
            raise RetrackerError(f"no series with id '{series_id}'", hint=hint)
        return found


def series_files(root: Path) -> list[Path]:
    """The YAML files of ``root/series`` (not hidden), sorted.

    A log without ``series/`` has none; a ``series`` that is a file, a link to nothing or a
    folder that cannot be listed is returned itself, for :func:`load_series_file` to report
    (its series vanished without a word, and lint said the log was clean)."""
    folder = root / FOLDER
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return [folder] if os.path.lexists(folder) else []
    return [
        Path(e.path)
        for e in entries
        if not e.name.startswith(".") and e.name.lower().endswith((".yaml", ".yml"))
    ]


def _link_outside(path: Path) -> Path | None:
    """The target of a series file that is a link out of its log (``<log>/series/x.yaml``)."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=False)
        root = path.parent.parent.resolve(strict=False)
    except (RuntimeError, OSError):
        return None  # a loop: reading it reports it
    return None if target.is_relative_to(root) else target


def _folder_problem(folder: Path) -> str:
    """Why the series folder cannot be read."""
    try:
        with os.scandir(folder):
            return "cannot list folder 'series'"
    except NotADirectoryError:
        return "'series' is not a folder (trade series live in series/<id>.yaml)"
    except OSError as exc:
        return f"cannot list folder 'series': {exc.strerror or exc}"


def is_series_file(path: Path) -> bool:
    """A file is read as a series when it lies in a folder named ``series``."""
    return path.parent.name == FOLDER


def load_series(data_dir: str | os.PathLike[str] | Path | None = None) -> SeriesSet:
    """Load every series of a data directory (``--data`` resolution applies when None).

    Never raises on a bad file: its problems become located diagnostics and the series is
    left out when any of them is an error. A data directory without ``series/`` has none.
    """
    from .dataset import resolve_data_dir

    root = Path(data_dir) if data_dir is not None else resolve_data_dir(None)
    return load_series_files(series_files(root))


def load_series_files(paths: Iterable[Path]) -> SeriesSet:
    """Load and check the given series files (see :func:`load_series`)."""
    out = SeriesSet()
    for path in paths:
        series, diags = load_series_file(path)
        out.diagnostics.extend(diags)
        if series is not None and not any(d.severity == "error" for d in diags):
            if series.id in out.paths:
                continue  # id equals the file stem, so this cannot happen in one folder
            out.series.append(series)
            out.paths[series.id] = path
    return out


def load_series_file(path: Path) -> tuple[Series | None, list[Diagnostic]]:
    """Read, validate and check one series file: (series or None, every finding)."""
    from . import yamlio

    name = str(path)
    if path.name == FOLDER and not path.suffix:  # the series/ folder itself (see series_files)
        return None, [Diagnostic(name, 1, 1, "RT001", _folder_problem(path))]
    outside = _link_outside(path)
    if outside is not None:  # as for event files: the log is what its folder holds
        return None, [
            Diagnostic(name, 1, 1, "RT013", f"symlink points outside the data directory ({outside})")
        ]
    if path.suffix != SUFFIX:
        hint = "rename it to .yaml" if path.suffix.lower() in (".yml", ".yaml") else None
        return None, [Diagnostic(name, 1, 1, "RT012", f"not a series file ('{path.name}')", hint=hint)]
    if path.is_dir():
        return None, [Diagnostic(name, 1, 1, "RT001", "a folder, not a series file")]
    try:
        doc = yamlio.load_path(path)
    except yamlio.YamlProblem as p:
        return None, [Diagnostic(name, p.line, p.col, p.code, p.message, hint=p.hint)]
    except OSError as exc:
        return None, [Diagnostic(name, 1, 1, "RT001", f"cannot read file: {exc.strerror or exc}")]
    if not isinstance(doc.data, dict):
        found = type(doc.data).__name__ if doc.data is not None else "null"
        line, col = doc.locate(())
        return None, [Diagnostic(name, line, col, "RT006", f"top level must be a mapping, found {found}")]
    try:
        series = Series.model_validate(doc.data)
    except ValidationError as exc:
        return None, list(dict.fromkeys(_schema_diagnostic(name, doc, err) for err in exc.errors()))
    except RecursionError:
        return None, [Diagnostic(name, 1, 1, "RT010", "document nests too deeply")]
    return series, check_series(series, path, doc)


# ------------------------------------------------------------------ checks


def check_series(series: Series, path: Path, doc: Any) -> list[Diagnostic]:
    """Every RT4xx check on a validated series, located in its parsed document."""

    def diag(loc: tuple, code: str, message: str, hint: str | None = None) -> Diagnostic:
        line, col = doc.locate(loc)
        return Diagnostic(str(path), line, col, code, message, severity=CODES[code][1], hint=hint)

    found = [*_id_checks(series, path, diag), *_period_checks(series, diag), *_source_checks(series, diag)]
    found += _total_checks(series, diag)
    found += _hidden_text(series, diag)
    return sorted(found, key=lambda d: (d.line, d.col, d.code))


def _id_checks(series: Series, path: Path, diag) -> Iterator[Diagnostic]:
    if path.stem != series.id:
        yield diag(("id",), "RT407", f"id '{series.id}' differs from file name '{path.stem}'")


def _period_checks(series: Series, diag) -> Iterator[Diagnostic]:
    seen: dict[int, str] = {}
    latest: Point | None = None
    periods = {p.period for p in series.points}
    for i, point in enumerate(series.points):
        first, last = point.months
        clash = sorted({seen[m] for m in range(first, last + 1) if m in seen})
        if clash:
            what = "appears twice" if clash == [point.period] else "overlaps " + ", ".join(clash)
            yield diag(("points", i, "period"), "RT411", f"period {point.period} {what}")
        elif latest is not None and point.months < latest.months:
            yield diag(
                ("points", i, "period"),
                "RT410",
                f"period {point.period} comes after {latest.period}: points go in period order",
            )
        for m in range(first, last + 1):
            seen.setdefault(m, point.period)
        if latest is None or point.months > latest.months:
            latest = point
        if point.derived is not None:
            for j, source_period in enumerate(point.derived.from_):
                if source_period not in periods:
                    yield diag(
                        ("points", i, "derived", "from", j),
                        "RT415",
                        f"derived from {source_period}, which is not a period of this series",
                    )


def _source_checks(series: Series, diag) -> Iterator[Diagnostic]:
    for i, point in enumerate(series.points):
        at = ("points", i)
        if point.derived is None and not point.sources:
            yield diag(at, "RT412", f"point {point.period} cites no source (and is not derived)")
        elif point.derived is None and not any(s.quote for s in point.sources):
            yield diag(
                (*at, "sources"), "RT413", f"no source of point {point.period} quotes the page (add `quote`)"
            )
        elif point.derived is None and not _quoted(point.value, point.sources):
            yield diag(
                (*at, "value"),
                "RT414",
                f"no quote of point {point.period} holds its value {_digits(point.value)}",
                hint="quote the sentence that states the number, or mark the point derived",
            )
        if point.disputed and not point.alternatives:
            msg = f"point {point.period} is disputed but records no alternatives"
            yield diag((*at, "disputed"), "RT416", msg)
        if point.alternatives and not point.disputed:
            msg = f"point {point.period} has alternatives: mark it disputed: true"
            yield diag((*at, "alternatives"), "RT416", msg)


def _total_checks(series: Series, diag) -> Iterator[Diagnostic]:
    for result in check_totals(series):
        total = result.total
        at = ("totals", result.index)
        if month_index(total.from_) > month_index(total.to):
            yield diag((*at, "from"), "RT417", f"total from {total.from_} is after its end {total.to}")
            continue
        if not result.ok:
            yield diag(
                (*at, "value"),
                "RT418",
                f"total {total.from_}..{total.to} is {_digits(total.value)} but the points add up to "
                f"{_digits(result.points_sum)} (difference {_digits(result.difference)})",
                hint="correct a point, or add a `note` to the total saying why they differ",
            )
        if any(s.quote for s in total.sources) and not _quoted(total.value, total.sources):
            yield diag(
                (*at, "value"),
                "RT414",
                f"no quote of total {total.from_}..{total.to} holds its value {_digits(total.value)}",
            )


_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _hidden_text(series: Series, diag) -> Iterator[Diagnostic]:
    for loc, text in _strings(series.model_dump(by_alias=True)):
        found = _HIDDEN.search(text)
        if found:
            where = ".".join(map(str, loc))
            code = f"U+{ord(found.group()):04X}"
            yield diag(loc, "RT419", f"{where} holds a hidden or control character ({code})")


def _strings(value: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))
    elif isinstance(value, str):
        yield loc, value


def _digits(value: float) -> str:
    """A quantity as printed: 2626, 1237.5 (no needless .0)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6g}" if abs(value) < 1e6 else str(value)


_NUMBER = re.compile(r"\d+(?:[,.'\u00a0\u202f\u2009 ]\d{3})*(?:[.,]\d+)?")


def _readings(token: str) -> set[float]:
    """A printed number read with '.' as the decimal point (2,626.5) and with ',' (2.626,5)."""
    out = set()
    for thousands, decimal in ((",", "."), (".", ",")):
        grouped = rf"[{re.escape(thousands)}'\u00a0\u202f\u2009 ](?=\d{{3}}(?!\d))"
        text = re.sub(grouped, "", token).replace(decimal, ".")
        with contextlib.suppress(ValueError):
            out.add(float(text))
    return out


def _quoted(value: float, sources: Iterable[model.Source]) -> bool:
    """Whether a quote prints the value: in either decimal convention (2,626 t, 1.530 kg,
    10468,3), or in the other unit (7.58 tons for 7,580 kg). A zero is not checked: pages
    say "no exports"."""
    if value == 0:
        return True
    for source in sources:
        for token in _NUMBER.findall(source.quote or ""):
            for number in _readings(token):
                if any(math.isclose(number * factor, value, rel_tol=1e-9) for factor in (1, 1000, 0.001)):
                    return True
    return False


# ------------------------------------------------------------------ pydantic -> located diagnostics

_SERIES_ERRORS = schema_errors.ErrorMap(
    root=Series,
    codes={
        "extra_forbidden": "RT401",
        "missing": "RT402",
        "unknown_material": "RT403",
        "unknown_country": "RT404",
        "invalid_period": "RT406",
        "invalid_date": "RT105",
        "invalid_url": "RT302",
    },
    fallback="RT405",
    nested={
        "sources": model.Source,
        "derived": Derived,
        "alternatives": Alternative,
        "points": Point,
        "totals": Total,
    },
)


def _schema_diagnostic(path: str, doc: Any, err: Any) -> Diagnostic:
    diag = schema_errors.located(path, doc, err, _SERIES_ERRORS)
    loc, kind = schema_errors.error_loc(err), err["type"]
    if loc and loc[-1] == "id" and kind == "string_pattern_mismatch":
        message = f"id '{err.get('input')}' must be lower-case words joined by hyphens"
        return replace(diag, code="RT407", message=message)
    if loc == ("points",) and kind == "too_short":
        return replace(diag, message="a series needs at least one point")
    return diag
