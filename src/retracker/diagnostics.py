"""Diagnostics are values: every problem found in the log is a :class:`Diagnostic`."""

from __future__ import annotations

import re
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

    def __post_init__(self) -> None:
        # One line, no terminal escapes: values from hostile files are echoed in messages.
        object.__setattr__(self, "message", one_line(self.message))
        if self.hint is not None:
            object.__setattr__(self, "hint", one_line(self.hint))

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


LONGEST_WORD = 120
"""A run without spaces longer than this (a pasted value, a path) is shortened in a message."""


def one_line(text: str) -> str:
    """Control characters (newlines, ESC ...) shown as escapes, so a finding stays one line;
    a run of more than :data:`LONGEST_WORD` characters without a space (a 100 kB argument
    echoed back) keeps its head and tail around ``…(N characters)…``."""
    if not text.isprintable():
        text = "".join(
            ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode() for ch in text
        )
    if len(text) <= LONGEST_WORD:
        return text
    return _LONG_RUN.sub(_shorten, text)


_LONG_RUN = re.compile(rf"[^ ]{{{LONGEST_WORD + 1},}}")


def _shorten(match: re.Match[str]) -> str:
    run = match.group()
    return f"{run[:60]}…({len(run)} characters)…{run[-40:]}"


class RetrackerError(Exception):
    """A failure the user can fix (bad option, missing data directory): exit 2."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class IOProblem(RetrackerError):
    """The system refused a read or write (disk full, permissions, closed output): exit 4."""

    exit_code = 4


def os_problem(exc: OSError, doing: str = "") -> IOProblem:
    """A one-line IOProblem for an OSError: what failed, on which file, and why."""
    why = exc.strerror or type(exc).__name__
    target = exc.filename if exc.filename is not None else ""
    what = " ".join(p for p in (doing, str(target)) if p)
    return IOProblem(f"{what}: {why}" if what else why)
