"""`retracker timeline`: events in date order."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import app
from .common import _filters, _handles, _lang, _listing, _nothing, _print, _print_json_array, _via_column
from .options import AsJson, Country, Element, Exact, Issuer, Kind, Since, Target, Until


@app.command()
def timeline(
    ctx: typer.Context,
    element: Element = None,
    country: Country = None,
    issuer: Issuer = None,
    kind: Kind = None,
    since: Since = None,
    until: Until = None,
    target: Target = None,
    exact: Exact = False,
    limit: Annotated[int | None, typer.Option(min=1, metavar="N", help="Show at most N events.")] = None,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False,
    as_json: AsJson = False,
) -> None:
    """Events in date order.

    Examples:

    \b
      retracker timeline --since 2025-01 --element Dy
      retracker timeline --country US --kind tariff --json
    """
    from ..query import matched_json

    f = _filters(element, country, issuer, kind, since, until, target, exact)
    pairs, coverage = _listing(ctx, f, reverse=reverse, limit=limit, with_json=as_json)
    events = [e for e, _ in pairs]
    if as_json:
        _print_json_array(matched_json(e, f) for e in events)
        return
    if not events and _nothing(f):
        return
    from ..render import timeline_table

    _print(_via_column(timeline_table(events, _lang(ctx), _handles(ctx)), events, f))
    typer.echo(f"{len(events)} event(s); log reviewed up to {coverage}", err=True)
