"""The dataset file: ``dataset.yaml`` at a log's root, validated against its own model.

It is not an event: ``retracker lint data`` checks it with its own codes (RT021-RT023), and a
query refuses a log whose dataset file cannot be read rather than answering "reviewed up to
None".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .diagnostics import Diagnostic, RetrackerError
from .model import StrictDate

NAME = "dataset.yaml"


class DatasetMeta(BaseModel):
    """What dataset.yaml may hold."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    schema_version: int = Field(ge=1)
    coverage: StrictDate
    title: str | None = None
    coverage_note: str | None = None
    description: str | None = None


_CODES = {"extra_forbidden": "RT021", "missing": "RT022"}


def is_dataset_file(path: Path, root: Path | None) -> bool:
    """Whether ``path`` is the dataset file of the log at ``root`` (or named like one at a
    folder holding events/)."""
    if path.name != NAME:
        return False
    if root is not None:
        try:
            return path.resolve().parent == root.resolve()
        except (OSError, RuntimeError):
            return False
    return (path.parent / "events").exists()


def check(path: Path) -> list[Diagnostic]:
    """Located diagnostics for a dataset file (empty when it is valid)."""
    from . import yamlio

    name = str(path)
    try:
        doc = yamlio.load_path(path)
    except yamlio.YamlProblem as p:
        return [Diagnostic(name, p.line, p.col, p.code, p.message, hint=p.hint)]
    if not isinstance(doc.data, dict):
        line, col = doc.locate(())
        return [Diagnostic(name, line, col, "RT006", "dataset.yaml must be a mapping")]
    try:
        meta = DatasetMeta.model_validate(doc.data)
    except ValidationError as exc:
        return [_diagnostic(name, doc, err) for err in exc.errors()]
    future = future_coverage(meta.coverage)
    if future is not None:
        line, col = doc.locate(("coverage",))
        return [Diagnostic(name, line, col, "RT024", future, hint="the last day the log was reviewed up to")]
    return []


def future_coverage(coverage: Any, today: dt.date | None = None) -> str | None:
    """What is wrong with a coverage date after tomorrow (a log cannot have been reviewed up
    to a day that has not come; a day of slack for time zones), else None. Such a date would
    silence the warning for answers after the real review and mark no answer projected."""
    today = today or dt.date.today()
    if isinstance(coverage, dt.date) and (coverage - today).days > 1:
        return f"dataset.yaml coverage {coverage} is after today ({today}): a review cannot reach the future"
    return None


def _diagnostic(name: str, doc: Any, err: Any) -> Diagnostic:
    from . import schema_errors

    errors = schema_errors.ErrorMap(
        root=DatasetMeta,
        codes=_CODES,
        fallback="RT023",
        noun="dataset field",
        list_fields=True,
        missing_hints={"coverage": "the last day the log was reviewed up to, YYYY-MM-DD"},
    )
    return schema_errors.located(name, doc, err, errors)


def require_readable(root: Path, diagnostics: list[Diagnostic]) -> None:
    """Refuse a log whose dataset file could not be read or has no valid coverage."""
    for diag in diagnostics:
        if diag.severity == "error":
            raise RetrackerError(
                f"the log's {NAME} cannot be used: {diag}", hint=f"run `retracker lint {root}`"
            )
