"""Diagnostics are values: every problem found in the log is a :class:`Diagnostic`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, located at a 1-based line and column of a file."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = "error"
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RetrackerError(Exception):
    """A failure the user can fix (bad option, missing data directory): exit 2."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint
