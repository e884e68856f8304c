"""Pydantic's validation errors as located diagnostics, for every kind of file the log holds.

Events, trade series and dataset.yaml each validate against their own models and own codes; the
way a pydantic error becomes a message, a hint and a line:column is the same for all three.
Each loader describes its file with an :class:`ErrorMap` and applies its few special cases
(an event's id pattern, a series without points) to the diagnostic this returns.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .diagnostics import Diagnostic


@dataclass(frozen=True)
class ErrorMap:
    """How one kind of file names its problems."""

    root: type[BaseModel]
    codes: Mapping[str, str]
    fallback: str
    nested: Mapping[str, type[BaseModel]] = field(default_factory=dict)
    noun: str = "field"
    list_fields: bool = False
    missing_hints: Mapping[str, str] = field(default_factory=dict)

    def model_for(self, loc: tuple[Any, ...]) -> type[BaseModel]:
        """The model whose field the last step of ``loc`` names."""
        found = self.root
        for step in loc[:-1]:
            if isinstance(step, str) and step in self.nested:
                found = self.nested[step]
        return found


def error_loc(err: Any) -> tuple[Any, ...]:
    """The error's path into the document, without pydantic's validator steps."""
    return tuple(s for s in err["loc"] if not (isinstance(s, str) and s.startswith("function-")))


def dotted(loc: tuple[Any, ...]) -> str:
    """``sources[0].url``: a path as a reader of the YAML file would write it."""
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(top level)"


def field_names(cls: type[BaseModel]) -> list[str]:
    """The names a file spells a model's fields with (aliases where they have one)."""
    return [info.alias or name for name, info in cls.model_fields.items()]


def located(path: str, doc: Any, err: Any, emap: ErrorMap) -> Diagnostic:
    """One pydantic error as a diagnostic at the line and column of the value it is about."""
    loc = error_loc(err)
    kind = err["type"]
    code = emap.codes.get(kind, emap.fallback)
    where = dotted(loc)
    if kind == "extra_forbidden":
        line, col = doc.locate_key(loc)
        message = f"unknown {emap.noun} '{where}'"
        return Diagnostic(path, line, col, code, message, hint=_field_hint(loc, emap))
    if kind == "missing":
        line, col = doc.locate(loc[:-1])
        message = f"missing required {emap.noun} '{where}'"
        return Diagnostic(path, line, col, code, message, hint=emap.missing_hints.get(where))
    line, col = doc.locate(loc)
    hint = _value_hint(kind, err.get("input"), loc, emap)
    return Diagnostic(path, line, col, code, f"{where}: {err['msg']}", hint=hint)


def _field_hint(loc: tuple[Any, ...], emap: ErrorMap) -> str | None:
    fields = field_names(emap.model_for(loc))
    close = difflib.get_close_matches(str(loc[-1]), fields, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "fields: " + ", ".join(fields) if emap.list_fields else None


def _value_hint(kind: str, value: Any, loc: tuple[Any, ...], emap: ErrorMap) -> str | None:
    if kind == "string_type" and isinstance(value, bool):
        return "YAML read this as a boolean; quote it"
    if kind == "string_type" and isinstance(value, int | float):
        return "YAML read this as a number; quote it"
    if kind == "literal_error" and isinstance(value, str) and loc:
        info = emap.model_for(loc).model_fields.get(str(loc[-1]))
        choices = [str(c) for c in getattr(info.annotation, "__args__", ())] if info else []
        close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
        return f"did you mean '{close[0]}'?" if close else None
    return None
