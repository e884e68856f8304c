"""`retracker export`: the log as JSON, CSV, SQLite, iCalendar or status rows."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import app
from .common import _coverage_warning, _dataset, _filters, _listing, _output_path, _today, _write_out
from .options import Country, Element, Exact, Excel, Issuer, Kind, Since, Target, Until


@app.command()
def export(
    ctx: typer.Context,
    output_format: Annotated[
        str | None, typer.Option("--format", "-f", metavar="FORMAT", help="csv, json, jsonl, ics or sqlite.")
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write here (atomically), not stdout."),
    ] = None,
    element: Element = None,
    country: Country = None,
    issuer: Issuer = None,
    kind: Kind = None,
    since: Since = None,
    until: Until = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", metavar="DATE", help="Add each measure's status on this date (csv, json, jsonl)."
        ),
    ] = None,
    excel: Excel = False,
    target: Target = None,
    exact: Exact = False,
    series: Annotated[
        bool,
        typer.Option(
            "--series",
            help="Export the trade series instead (csv: one row per point; json, jsonl). "
            "SQLite always holds them.",
        ),
    ] = False,
) -> None:
    """Export events (the timeline filters apply) as CSV, JSON, JSON Lines, iCalendar or SQLite.

    The format defaults to the output file's extension (.csv, .json, .jsonl, .ics,
    .sqlite/.db). SQLite needs --output.

    Examples:

    \b
      retracker export --format csv --element Sb > antimony.csv
      retracker export -o events.sqlite && datasette events.sqlite
      retracker export --country US -o measures.ics
      retracker export -f csv --on 2025-11-20 --excel -o status.csv
      retracker export --series -f csv -e rare-earth-magnets > magnets.csv
    """
    from pathlib import Path

    from ..diagnostics import RetrackerError
    from ..export import FORMATS, STREAMED
    from ..export import export as run_export
    from ..query import filter_events

    output = _output_path(output)
    fmt = (output_format if output_format is not None else _format_from_suffix(output)).strip().lower()
    if fmt not in FORMATS:
        raise RetrackerError(f"unknown export format '{fmt}'", hint="use " + ", ".join(FORMATS))
    if excel and fmt != "csv":
        raise RetrackerError("--excel is for CSV", hint="add --format csv")
    if on is not None and fmt not in STREAMED:
        raise RetrackerError(
            f"--on does not apply to {fmt}",
            hint="csv, json and jsonl carry a status; the sqlite export has every date (status_spans)",
        )
    f = _filters(element, country, issuer, kind, since, until, target, exact)
    if series:
        _export_series(ctx, f, fmt, output, excel)
        return
    if fmt in STREAMED:  # CSV, JSON and JSON Lines: the index's rows, written as they are produced
        from ..export import stream, stream_with_status

        day = _today(on) if on is not None else None
        pairs, coverage = _listing(ctx, f, day, with_json=True)
        dest = Path(output) if output else None
        if day is None:
            stream([e for e, _ in pairs], fmt, dest, _write_out, bom=excel)
        else:
            _coverage_warning(coverage, day)
            stream_with_status(pairs, fmt, dest, _write_out, bom=excel)
        if output:
            typer.echo(f"wrote {len(pairs)} event(s) to {output}", err=True)
        return
    ds = _dataset(ctx, f)
    events = filter_events(ds.events, f)
    chosen = _series_of(ctx, f) if fmt == "sqlite" else []
    text = run_export(events, fmt, Path(output) if output else None, ds=ds, series=chosen)
    if text is not None:
        _write_out(text)
    else:
        typer.echo(f"wrote {len(events)} event(s) to {output}", err=True)


def _series_of(ctx: typer.Context, f) -> list:
    """The readable series matching -e/-c (a broken file is skipped with a warning)."""
    from .. import figures as figs
    from .figures import _series

    return figs.matching(_series(ctx), f)


def _export_series(ctx: typer.Context, f, fmt: str, output: str | None, excel: bool) -> None:
    """``export --series``: the series matching -e/-c, points inside --since/--until."""
    import sys
    from pathlib import Path

    from .. import figures as figs
    from ..diagnostics import RetrackerError
    from ..export import write_chunks

    if fmt not in figs.SERIES_FORMATS:
        raise RetrackerError(
            f"--series does not apply to {fmt}",
            hint="use csv, json or jsonl; the sqlite export always holds the series",
        )
    chosen = _series_of(ctx, f)
    text = figs.series_text(chosen, fmt, (f.since, f.until))
    write_chunks([text], Path(output) if output else None, sys.stdout.write, bom=excel)
    if output:
        typer.echo(f"wrote {len(chosen)} series to {output}", err=True)


def _format_from_suffix(output: str | None) -> str:
    suffixes = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ics": "ics"}
    suffixes |= {".sqlite": "sqlite", ".db": "sqlite"}
    if output is None:
        return "json"
    from pathlib import Path

    return suffixes.get(Path(output).suffix.lower(), Path(output).suffix.lstrip(".") or "json")
