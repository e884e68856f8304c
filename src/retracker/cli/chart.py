"""`retracker chart`: each measure's status over time, in the terminal, as SVG or HTML."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import app
from .common import _coverage_warning, _dataset, _filters, _lang, _nothing, _output_path, _write_out
from .options import Country, Element, Exact, Issuer, Kind, Since, Target, Until


@app.command()
def chart(
    ctx: typer.Context,
    element: Element = None,
    country: Country = None,
    issuer: Issuer = None,
    kind: Kind = None,
    since: Since = None,
    until: Until = None,
    target: Target = None,
    exact: Exact = False,
    svg: Annotated[
        str | None, typer.Option("--svg", metavar="FILE", help="Also save the chart as SVG.")
    ] = None,
    html: Annotated[
        str | None, typer.Option("--html", metavar="FILE", help="Also save the chart as HTML.")
    ] = None,
) -> None:
    """A terminal Gantt view: one row per measure, its status over time.

    Examples:

    \b
      retracker chart --element rare-earths --since 2025
      retracker chart --country US --svg measures.svg
    """
    import datetime as dt

    from .. import chart as charts
    from ..query import filter_events
    from ..render import describe, make_console
    from ..status import StatusEngine

    f = _filters(element, country, issuer, kind, None, None, target, exact)  # dates: the window
    window = _filters(None, None, None, None, since, until)
    ds = _dataset(ctx, f)
    measures = [e for e in filter_events(ds.events, f) if e.is_measure]
    today = dt.date.today()
    coverage = ds.coverage
    first = window.since or min((e.date for e in measures), default=today)
    last = window.until or max(today, coverage or today, *(e.date for e in measures))
    if first > last:  # --since after the log's last day, or --until before its first
        from ..query import parse_when

        if window.until is None:
            last = parse_when(since, end=True)
        else:
            first = parse_when(until)
    scope = describe(f)
    caption = f"retracker chart: {scope}; {first} to {last}; log reviewed up to {coverage}; drawn {today}"
    picture = charts.build(
        StatusEngine(ds),
        measures,
        first,
        last,
        today=today,
        coverage=coverage,
        caption=caption,
        lang=_lang(ctx),
    )
    if not picture.rows and _nothing(f, "measures", f"{first} to {last}"):
        return
    piped = _piped_document(picture, svg, html)
    if piped is None:
        console = make_console()
        console.print(charts.terminal(picture, console.width))
    else:  # `--svg -`: the document is the output
        _write_out(piped)
    _coverage_warning(coverage, last)
    _save_chart(picture, None if svg == "-" else svg, None if html == "-" else html)


def _piped_document(picture, svg: str | None, html: str | None) -> str | None:
    """The SVG or HTML page that ``--svg -`` or ``--html -`` sends to standard output (in
    place of the terminal's chart), else None; an empty file name is an error."""
    from pathlib import Path

    from .. import chart as charts
    from ..diagnostics import RetrackerError

    for value, option in ((svg, "--svg"), (html, "--html")):
        target = _output_path(value, option)
        if target is not None and Path(target).is_dir():  # before the chart is printed, as export
            raise RetrackerError(f"cannot write {target}: it is a folder", hint="give a file name")
    if svg == "-" and html == "-":
        raise RetrackerError("--svg - and --html - both ask for standard output", hint="give one a file name")
    if svg == "-":
        return charts.svg(picture)
    if html == "-":
        return charts.html_page(picture)
    return None


def _save_chart(picture, svg: str | None, html: str | None) -> None:
    """The chart laid out for a page: full labels, a caption, nothing from the network."""
    from .. import chart as charts
    from ..atomic import atomic_write
    from ..diagnostics import os_problem

    for target, render in ((svg, lambda: charts.svg(picture)), (html, lambda: charts.html_page(picture))):
        if not target:
            continue
        try:
            atomic_write(target, render())
        except OSError as exc:
            exc.filename = target  # name the file asked for, not the temporary one beside it
            raise os_problem(exc, "cannot write") from None
        typer.echo(f"wrote {target}", err=True)
