"""The event model: pydantic v2 classes for Event, Part, Source, Relation, Figure.

Unknown fields are rejected; dates must be strict ``YYYY-MM-DD`` strings; materials and
countries are normalised through :mod:`retracker.vocab`; kinds and relation types are
closed lists.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from . import vocab

MEASURE_KINDS = (
    "export-control",
    "export-ban",
    "technology-control",
    "regulation",
    "licensing",
    "tariff",
)
"""Kinds that impose a measure: they have a status (announced, in force, ...)."""

PLAIN_KINDS = (
    "suspension",
    "revocation",
    "enforcement",
    "investigation",
    "deal",
    "trade-data",
    "statement",
)
KINDS = MEASURE_KINDS + PLAIN_KINDS

RELATION_TYPES = (
    "suspends",
    "revokes",
    "supersedes",
    "extends",
    "amends",
    "responds-to",
    "related",
)
INVERSE_RELATION = {
    "suspends": "suspended by",
    "revokes": "revoked by",
    "supersedes": "superseded by",
    "extends": "extended by",
    "amends": "amended by",
    "responds-to": "answered by",
    "related": "related to",
}
"""How a relation reads from the event it acts on: No. 72 suspends No. 46, so No. 46 is
"suspended by" No. 72 (``related`` has no direction)."""


def inverse_relation(kind: str) -> str:
    return INVERSE_RELATION.get(kind, kind)


SOURCE_KINDS = (
    "official-text",
    "official-translation",
    "spokesperson",
    "news",
    "analysis",
    "data",
)
OFFICIAL_SOURCE_KINDS = ("official-text", "official-translation", "spokesperson")

Kind = Literal[KINDS]  # type: ignore[valid-type]
RelationType = Literal[RELATION_TYPES]  # type: ignore[valid-type]
SourceKind = Literal[SOURCE_KINDS]  # type: ignore[valid-type]
Verification = Literal["official", "reported", "disputed"]

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
ID_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)+$")
PART_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


_SEEN_MAX = 8192
"""Entries each memo below keeps at most: the terms a log repeats (dates, materials, codes)."""


def _memoised(validate: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``validate`` remembering what it made of each string (a log repeats its dates,
    materials and country codes across thousands of events: measured, a tenth of validation).
    Failures are not remembered: they raise every time, with their message."""
    seen: dict[str, Any] = {}

    def memo(value: Any) -> Any:
        if type(value) is str:
            found = seen.get(value)
            if found is not None:
                return found
        result = validate(value)
        if type(value) is str and len(seen) < _SEEN_MAX:
            seen[value] = result
        return result

    return functools.update_wrapper(memo, validate)


@_memoised
def _strict_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "invalid_date",
            "expected a date as YYYY-MM-DD, got {type}",
            {"type": type(value).__name__},
        )
    match = _DATE_RE.fullmatch(value)
    if not match:
        raise PydanticCustomError(
            "invalid_date", "invalid date '{value}': write YYYY-MM-DD", {"value": value}
        )
    try:
        return dt.date(int(value[:4]), int(value[5:7]), int(value[8:10]))
    except ValueError as exc:
        raise PydanticCustomError(
            "invalid_date", "invalid date '{value}': {reason}", {"value": value, "reason": str(exc)}
        ) from None


@_memoised
def _material(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "string_type", "expected a material name, got {type}", {"type": type(value).__name__}
        )
    try:
        return vocab.material_key(value)
    except vocab.UnknownTerm as exc:
        raise PydanticCustomError("unknown_material", str(exc)) from None


@_memoised
def _country(value: Any) -> str:
    if not isinstance(value, str):
        hint = " (a bare NO, yes or on is read as text here, so this is not it)"
        raise PydanticCustomError(
            "string_type",
            "expected a country code, got {type}" + (hint if isinstance(value, bool) else ""),
            {"type": type(value).__name__},
        )
    try:
        return vocab.country_code(value)
    except vocab.UnknownTerm as exc:
        raise PydanticCustomError("unknown_country", str(exc)) from None


def _period(value: Any) -> Any:
    """A period such as 2025, 2025-04 or 2025-Q1; a bare year may arrive as a number."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


_URL_RE = re.compile(r"^https?://[^\s/]+")


def _http_url(value: str) -> str:
    if not _URL_RE.match(value):
        raise PydanticCustomError(
            "invalid_url", "URL '{value}' must start with http:// or https://", {"value": value}
        )
    return value


_date_schema = WithJsonSchema({"type": "string", "format": "date", "pattern": _DATE_RE.pattern})
StrictDate = Annotated[dt.date, BeforeValidator(_strict_date), _date_schema]
MaterialKey = Annotated[
    str,
    BeforeValidator(_material),
    WithJsonSchema(
        {"type": "string", "description": "element symbol, material or group key"}
    ),  # _MATERIAL_DOC
]
CountryCode = Annotated[
    str,
    BeforeValidator(_country),
    WithJsonSchema({"type": "string", "description": "ISO 3166-1 alpha-2 code, EU, G7, WTO or ALL"}),
]
Url = Annotated[str, AfterValidator(_http_url), WithJsonSchema({"type": "string", "pattern": "^https?://"})]
Text = Annotated[str, Field(min_length=1)]


def _empty() -> Any:
    """An empty-list default made by ``list()``: a ``[]`` default is deep-copied for every
    event that omits the field (measured: a tenth of validation); the schema still says []."""
    return Field(default_factory=list, json_schema_extra={"default": []})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Part(_Strict):
    """A part of a measure that takes effect on its own date (an article, an annex)."""

    id: Annotated[str, Field(pattern=PART_RE.pattern)]
    effective: StrictDate
    note: str | None = None


class Relation(_Strict):
    """This event's act on another event, or on one part of it (``ID#part``)."""

    type: RelationType
    target: Annotated[str, Field(pattern=r"^[a-z0-9-]+(#[a-z0-9-]+)?$")]
    note: str | None = None

    @property
    def target_id(self) -> str:
        return self.target.partition("#")[0]

    @property
    def target_part(self) -> str | None:
        return self.target.partition("#")[2] or None


class Source(_Strict):
    """A page someone read that establishes or reports the event."""

    url: Url
    kind: SourceKind
    publisher: Text
    title: str | None = None
    date: StrictDate | None = None
    lang: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]+)?$")] = "en"
    primary: bool = False
    quote: str | None = None


class Figure(_Strict):
    """A number a source reports (trade data, prices, quantities)."""

    metric: Text
    value: Annotated[float | int, Field(allow_inf_nan=False)]  # NaN/Infinity are not JSON
    unit: Text
    period: Annotated[
        str | None,
        BeforeValidator(_period),
        WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}),
    ] = None
    note: str | None = None


class Withdrawn(_Strict):
    """Set when the record itself proved wrong; the file stays for the history."""

    date: StrictDate
    reason: Text


class Event(_Strict):
    """One event of the log: one YAML file under data/events/YYYY/."""

    id: Annotated[str, Field(pattern=ID_RE.pattern)]
    instrument_key: Annotated[str | None, Field(pattern=r"^[A-Z][A-Z0-9]{1,3}(-[A-Z0-9]+)+$")] = None
    title: Text
    title_zh: str | None = None
    date: StrictDate
    kind: Kind
    issuer: CountryCode
    authority: str | None = None
    instrument: str | None = None
    materials: list[MaterialKey] = _empty()
    targets: list[CountryCode] = _empty()
    parties: list[CountryCode] = _empty()  # the other parties of a bilateral or joint act (not the issuer)
    effective: StrictDate | None = None
    parts: list[Part] = _empty()
    ends: StrictDate | None = None
    ends_inclusive: Annotated[
        bool,
        Field(
            description="true when the instrument counts its `ends` day in (Chinese 至 D, English "
            "'through D'): the measure or suspension still applies on that day; false (the default) "
            "when `ends` is the first day it no longer applies ('until 12:01 a.m. on D')"
        ),
    ] = False
    relations: list[Relation] = _empty()
    verification: Verification
    sources: Annotated[list[Source], Field(min_length=1)]
    summary: Text
    figures: list[Figure] = _empty()
    tags: list[str] = _empty()
    withdrawn: Withdrawn | None = None

    @property
    def is_measure(self) -> bool:
        return self.kind in MEASURE_KINDS

    @property
    def starts(self) -> dt.date:
        """The date the event (or its first part) takes effect."""
        if self.parts:
            return min(p.effective for p in self.parts)
        return self.effective or self.date

    def part(self, part_id: str) -> Part | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape of an event (see README, "JSON output")."""
        return self.model_dump(mode="json")


def revive(data: dict[str, Any]) -> Event:
    """Rebuild an Event from its JSON without validating it again."""
    d = dict(data)
    d["date"] = dt.date.fromisoformat(d["date"])
    for key in ("effective", "ends"):
        if d.get(key):
            d[key] = dt.date.fromisoformat(d[key])
    d["parts"] = [
        Part.model_construct(**{**p, "effective": dt.date.fromisoformat(p["effective"])})
        for p in d.get("parts", [])
    ]
    d["relations"] = [Relation.model_construct(**r) for r in d.get("relations", [])]
    d["sources"] = [Source.model_construct(**{**s, "date": _date(s.get("date"))}) for s in d["sources"]]
    d["figures"] = [Figure.model_construct(**f) for f in d.get("figures", [])]
    if d.get("withdrawn"):
        w = d["withdrawn"]
        d["withdrawn"] = Withdrawn.model_construct(date=dt.date.fromisoformat(w["date"]), reason=w["reason"])
    return Event.model_construct(**d)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


FIELDS = tuple(Event.model_fields)
"""Event fields in file order; lint's "did you mean" and the scaffold use this."""


_MATERIAL_DOC = "element symbol, material or group key"
_COUNTRY_DOC = "ISO 3166-1 alpha-2 code, EU, G7, WTO or ALL"


def event_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of an event file, as editors and check-jsonschema use it.

    Materials and countries become enums of every spelling the vocabulary accepts
    (canonical keys and names as written, in English and Chinese), so that editors
    complete them and check-jsonschema rejects what lint rejects.
    """
    schema = Event.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://retracker.invalid/schema/event.schema.json"
    enums = {_MATERIAL_DOC: vocab.material_spellings(), _COUNTRY_DOC: vocab.country_spellings()}
    _inject_enums(schema, enums)
    return schema


def _inject_enums(node: Any, enums: dict[str, list[str]]) -> None:
    if isinstance(node, dict):
        if node.get("description") in enums and node.get("type") == "string":
            node["enum"] = enums[node["description"]]
        for value in node.values():
            _inject_enums(value, enums)
    elif isinstance(node, list):
        for value in node:
            _inject_enums(value, enums)
