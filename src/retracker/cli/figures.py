"""`retracker figures`: the trade series (data/series/), listed, or one drawn against the
measures that touch its materials."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import _state, app
from .common import _dataset, _lang, _nothing, _print, _print_json, _print_json_array
from .options import AsJson, Country, Element, Exact, Since, Until


@app.command()
def figures(
    ctx: typer.Context,
    series_id: Annotated[
        str | None,
        typer.Argument(metavar="[ID]", help="A series id (see the list); without one, list them."),
    ] = None,
    element: Element = None,
    country: Country = None,
    exact: Exact = False,
    since: Since = None,
    until: Until = None,
    as_json: AsJson = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print the points as CSV: series, period, value, unit, ...")
    ] = False,
    svg: Annotated[
        str | None, typer.Option("--svg", metavar="FILE", help="Also save the chart as SVG (with an ID).")
    ] = None,
    no_table: Annotated[
        bool, typer.Option("--no-table", help="Draw the chart without the table of points and sources.")
    ] = False,
) -> None:
    """Trade figures: monthly series of exports, each point sourced, against the measures.

    Without an ID, list the series (id, title, unit, span, points, latest value). With one,
    draw it: a column per month (█ stated, ▒ derived, ▓ disputed), the status changes of the
    measures on its materials on the same time axis, then the points and their sources.

    Examples:

    \b
      retracker figures
      retracker figures --element Ga
      retracker figures cn-exports-rare-earth-magnets-world --since 2025
      retracker figures cn-exports-gallium-world --csv
    """
    from ..diagnostics import RetrackerError
    from ..query import Filters

    if as_json and as_csv:
        raise RetrackerError("--json and --csv are two outputs: choose one")
    f = Filters.build(material=element or [], country=country or [], since=since, until=until, exact=exact)
    found = _series(ctx)
    if series_id is None:
        if svg:
            raise RetrackerError(
                "--svg draws one series", hint="give its id: retracker figures ID --svg FILE"
            )
        _list(ctx, found, f, as_json, as_csv)
        return
    _one(ctx, found.get(series_id), f, as_json, as_csv, svg, table=not no_table)


def _series(ctx: typer.Context):
    """Every readable series of the log; a broken file is skipped with one line on stderr."""
    from ..dataset import resolve_data_dir
    from ..series import load_series

    found = load_series(resolve_data_dir(_state(ctx).get("data")))
    broken: dict[str, str] = {}
    for diag in found.errors:
        broken.setdefault(diag.path, str(diag))
    for first in broken.values():
        typer.echo(f"retracker: warning: series skipped: {first} (run `retracker lint` to see all)", err=True)
    return found


def _list(ctx: typer.Context, found, f, as_json: bool, as_csv: bool) -> None:
    from .. import figures as figs

    chosen = [s for s in figs.matching(found, f) if figs.in_window(s, f.since, f.until)]
    if as_json:
        _print_json_array(figs.summary_json(s) for s in chosen)
        return
    if as_csv:
        typer.echo(figs.csv_text(figs.csv_rows(chosen, window=(f.since, f.until))), nl=False)
        return
    if not len(found):
        typer.echo("this log holds no trade series (files in series/ beside events/)", err=True)
        return
    if not chosen and _nothing(f, "series"):
        return
    _print(figs.listing_table(chosen, _lang(ctx)))


def _one(ctx: typer.Context, s, f, as_json: bool, as_csv: bool, svg: str | None, *, table: bool) -> None:
    import datetime as dt

    from .. import figures as figs
    from ..query import Filters

    if as_csv:
        typer.echo(figs.csv_text(figs.csv_rows([s], window=(f.since, f.until))), nl=False)
        return
    lang = _lang(ctx)
    ds = _dataset(ctx, Filters(materials=list(s.materials)))
    picture = figs.plot(s, since=f.since, until=f.until, ds=ds, lang=lang)
    picture.caption = (
        f"retracker figures {s.id}: {len(picture.points)} points; measures from the log reviewed "
        f"up to {ds.coverage}; drawn {dt.date.today()}"
    )
    if as_json:
        _print_json(figs.plot_json(picture))
    else:
        from rich.console import Group

        from ..render import make_console

        chart = figs.terminal(picture, make_console().width, lang)
        _print(Group(chart, figs.points_table(picture, lang)) if table else chart)
    if svg:
        _save_svg(figs.svg(picture, lang=lang), svg)


def _save_svg(text: str, target: str) -> None:
    """Written as chart --svg writes: atomically, naming the file asked for on failure."""
    from ..atomic import atomic_write
    from ..diagnostics import os_problem

    try:
        atomic_write(target, text)
    except OSError as exc:
        exc.filename = target
        raise os_problem(exc, "cannot write") from None
    typer.echo(f"wrote {target}", err=True)


def print_related(ctx: typer.Context, materials, *, exact: bool) -> None:
    """`show`'s pointer to the trade series on ``materials``, with a sparkline each."""
    from .. import figures as figs

    found = figs.related(_series(ctx), list(materials), exact=exact)
    if found:
        _print(figs.series_block(found, _lang(ctx)))


def related_ids(ctx: typer.Context, materials) -> list[str]:
    """The ids of the series on ``materials`` (no widening): `show ID --json` of trade data."""
    from .. import figures as figs

    return [s.id for s in figs.related(_series(ctx), list(materials), exact=True)]
