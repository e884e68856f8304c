"""Lint output formats: one registry of formatters over a :class:`LintResult`.

``text``   ``path:line:col: CODE message`` per finding (editors and grep read this)
``json``   one object: counts and the list of findings
``github`` GitHub Actions workflow commands (``::error file=...``), escaped as the Actions
           toolkit does, plus a Markdown table in ``$GITHUB_STEP_SUMMARY`` when it is set
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable
from typing import TextIO

from .lint import REGISTRY, LintResult

Formatter = Callable[[LintResult], str]


def format_text(result: LintResult) -> str:
    lines = []
    for d in result.diagnostics:
        label = " [warning]" if d.severity == "warning" else ""
        hint = f" ({d.hint})" if d.hint else ""
        lines.append(f"{d.path}:{d.line}:{d.col}: {d.code} {d.message}{hint}{label}")
    return "\n".join(lines)


def format_json(result: LintResult) -> str:
    payload = {
        "files": len(result.files),
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "diagnostics": [d.to_json() for d in result.diagnostics],
    }
    from .jsonout import inert

    return inert(json.dumps(payload, ensure_ascii=False, indent=2))


def escape_data(text: str) -> str:
    """Escape a workflow-command message (actions/toolkit ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property (actions/toolkit ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(result: LintResult) -> str:
    lines = []
    for d in result.diagnostics:
        props = ",".join(
            [
                f"file={escape_property(d.path)}",
                f"line={d.line}",
                f"col={d.col}",
                f"title={escape_property(d.code + ' ' + REGISTRY[d.code].name)}",
            ]
        )
        message = d.message + (f" ({d.hint})" if d.hint else "")
        lines.append(f"::{d.severity} {props}::{escape_data(message)}")
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        _append_summary(summary_file, step_summary(result))
    return "\n".join(lines)


def _append_summary(summary_file: str, text: str) -> None:
    """Append to the step summary; a summary that cannot be written is a warning on stderr,
    never a reason to lose the annotations or the exit code of the findings."""
    try:
        with _open_append(summary_file) as handle:
            handle.write(text)
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        if getattr(exc, "errno", None) == errno.ENXIO:
            why = "a FIFO that nobody reads"
        sys.stderr.write(f"retracker: warning: cannot write GITHUB_STEP_SUMMARY {summary_file}: {why}\n")


def _open_append(path: str) -> TextIO:
    """Open for appending without blocking: a FIFO that nobody reads hung ``lint --format
    github`` for ever (a blocking open waits for a reader); it is ENXIO now. The descriptor
    is made blocking again for the write itself."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    flags |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o666)
    try:
        os.set_blocking(fd, True)
    except OSError:
        os.close(fd)
        raise
    return open(fd, "a", encoding="utf-8")


def step_summary(result: LintResult) -> str:
    """A Markdown table of every finding (GitHub shows only 10 annotations per step)."""
    head = f"### retracker lint: {len(result.errors)} errors, {len(result.warnings)} warnings\n\n"
    if not result.diagnostics:
        return head + f"All {len(result.files)} files are clean.\n"
    rows = ["| file | line | code | message |", "|---|---|---|---|"]
    for d in result.diagnostics:
        message = d.message.replace("|", "\\|")
        rows.append(f"| {d.path} | {d.line}:{d.col} | {d.code} | {message} |")
    return head + "\n".join(rows) + "\n"


FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
}
