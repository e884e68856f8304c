"""`retracker status` and `retracker upcoming`: what is in force on a date, and what changes next."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import app
from .common import (
    _answer,
    _coverage_warning,
    _filters,
    _handles,
    _lang,
    _listing,
    _matched,
    _nothing,
    _output_path,
    _print,
    _print_json_array,
    _print_status_listing,
    _projected_note,
    _today,
    _write_out,
)
from .options import AsJson, Country, Element, Exact, Excel, Issuer, Kind, On, Since, Target, Until


@app.command()
def status(
    ctx: typer.Context,
    on: On = None,
    element: Element = None,
    country: Country = None,
    issuer: Issuer = None,
    target: Target = None,
    kind: Kind = None,
    since: Since = None,
    until: Until = None,
    exact: Exact = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include ended measures (expired, superseded, revoked).")
    ] = False,
    as_json: AsJson = False,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="table, json or csv.")
    ] = "table",
    output: Annotated[
        str | None, typer.Option("--output", "-o", metavar="FILE", help="Write here, not stdout.")
    ] = None,
    excel: Excel = False,
) -> None:
    """What is in force on a date, what binds first, and why.

    Examples:

    \b
      retracker status --country US
      retracker status --on 2025-11-20 --element Ga --json
      retracker status --on 2025-11-20 -f csv --excel -o in-force.csv
    """
    from ..status import ENDED, binding_first

    output = _output_path(output)
    fmt = _status_format(output_format, as_json, output, excel)
    day = _today(on)
    f = _filters(element, country, issuer, kind, since, until, target, exact)
    pairs, coverage = _listing(ctx, f, day, measures_only=True, with_json=fmt != "table")
    _coverage_warning(coverage, day)
    found = binding_first((e, st) for e, st in pairs if st is not None)
    if not show_all:
        found = [(e, st) for e, st in found if st.status not in ENDED]
    if fmt != "table":
        _write_status_rows(found, fmt, output, excel, f)
        return
    if not found and _nothing(f, "measures", f"on {day}"):
        return
    from ..render import status_table

    _print_status_listing(ctx, status_table, found, f, coverage)
    typer.echo(f"{len(found)} measure(s) on {day}", err=True)


def _status_format(output_format: str, as_json: bool, output: str | None, excel: bool) -> str:
    from ..diagnostics import RetrackerError
    from ..export import STATUS_FORMATS

    fmt = "json" if as_json else output_format.lower()
    if fmt not in STATUS_FORMATS:
        raise RetrackerError(f"unknown status format '{output_format}'", hint="use table, json or csv")
    if output and fmt == "table":
        fmt = "csv" if output.lower().endswith(".csv") else "json"
    if excel and fmt != "csv":
        raise RetrackerError("--excel is for CSV", hint="add --format csv")
    return fmt


def _write_status_rows(found, fmt: str, output: str | None, excel: bool, f) -> None:
    from pathlib import Path

    from ..export import status_rows_csv, status_rows_json, write_chunks
    from ..query import DIRECT, how_matched

    def how(event) -> str:
        return (how_matched(event, f) or DIRECT) if f.widening else DIRECT

    chunks = status_rows_csv(found, how) if fmt == "csv" else status_rows_json(found, how)
    write_chunks(chunks, Path(output) if output else None, _write_out, bom=excel)
    if output:
        typer.echo(f"wrote {len(found)} status row(s) to {output}", err=True)


def _window(start: str | None, since: str | None, until: str | None, days: int):
    """``upcoming``'s window: from --from/--since (default today) to --until, else --days on."""
    import datetime as dt

    from ..diagnostics import RetrackerError
    from ..query import parse_when

    if start is not None and since is not None:
        raise RetrackerError("give --from or --since, not both", hint="they mean the same")
    first = _today(start if start is not None else since)
    if until is None:
        span = min(days, (dt.date.max - first).days)  # never past 9999-12-31
        return first, first + dt.timedelta(days=span)
    last = parse_when(until, end=True)
    if last < first and start is None and since is None:  # the user gave no --since to swap
        raise RetrackerError(
            f"--until {last} is before today ({first}), where the window starts",
            hint="give --since too for a window in the past",
        )
    if last < first:
        raise RetrackerError(f"--since {first} is after --until {last}", hint="nothing can match; swap them?")
    return first, last


@app.command()
def upcoming(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=0, metavar="N", help="How many days ahead to look.")] = 90,
    start: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="Start of the window (default: today).")
    ] = None,
    element: Element = None,
    country: Country = None,
    issuer: Issuer = None,
    target: Target = None,
    kind: Kind = None,
    exact: Exact = False,
    since: Since = None,
    until: Until = None,
    as_json: AsJson = False,
) -> None:
    """Dates in the window when something changes: parts taking effect, suspensions ending.

    The window runs from --from (or --since; default today) for --days days, or to --until.

    Examples:

    \b
      retracker upcoming --days 90
      retracker upcoming --from 2026-10-01 --days 60 --json
      retracker upcoming --since 2025-01 --until 2025
    """
    f = _filters(element, country, issuer, kind, target=target, exact=exact)
    first, last = _window(start, since, until, days)
    from .. import cache, query

    pairs, coverage = _answer(
        ctx,
        lambda root: cache.upcoming(root, f, first, last),
        lambda ds: query.upcoming(ds, f, first, last),
    )
    _coverage_warning(coverage, last)
    from ..status import project_change

    pairs = [(e, project_change(c, coverage)) for e, c in pairs]
    changes = [c for _, c in pairs]
    if as_json:
        _print_json_array(_matched(c.to_json(), e, f) for e, c in pairs)
        return
    if not pairs and _nothing(f, "changes", f"from {first} to {last}"):
        return
    from ..render import upcoming_table

    _print(upcoming_table(pairs, _lang(ctx), _handles(ctx)))
    _projected_note(changes, coverage)
    typer.echo(f"{len(changes)} change(s) from {first} to {last}", err=True)
