"""`retracker search`: free-text search over titles, summaries and quotes."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import app
from .common import _answer, _capped, _filters, _handles, _lang, _matched, _nothing, _print, _print_json_array
from .options import AsJson, Country, Element, Exact, Issuer, Kind, Since, Target, Until


@app.command("search")
def search_command(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="TEXT", help='Words or "a phrase"; English or Chinese.')],
    element: Element = None,
    country: Country = None,
    issuer: Issuer = None,
    kind: Kind = None,
    since: Since = None,
    until: Until = None,
    target: Target = None,
    exact: Exact = False,
    limit: Annotated[int | None, typer.Option(min=1, metavar="N", help="Show at most N hits.")] = 20,
    as_json: AsJson = False,
) -> None:
    """Full-text search over titles (English and Chinese), summaries, instruments, tags, sources.

    Examples:

    \b
      retracker search "de minimis"
      retracker search 稀土 --since 2025 --json
    """
    from .. import cache
    from ..query import filter_events
    from ..search import MAX_TERMS, Hit, cut_terms, search_terms, snippet

    f = _filters(element, country, issuer, kind, since, until, target, exact)
    terms, distinct = cut_terms(text)
    if distinct > MAX_TERMS:
        typer.echo(f"retracker: warning: searching the first {MAX_TERMS} of {distinct} terms", err=True)
    found, _ = _answer(
        ctx,
        lambda root: cache.search(root, f, terms, limit, with_json=True),
        lambda ds: _scored(search_terms(filter_events(ds.events, f), terms, limit)),
    )
    hits = [Hit(event, score) for event, score in found]
    if as_json:
        _print_json_array(
            {**_matched(h.to_json(), h.event, f), "snippet": snippet(h.to_json(), terms)} for h in hits
        )
        _capped(len(hits), found.total)
        return
    if not hits and _nothing(f, "events", repr(text)):
        return
    from ..render import add_column, timeline_table

    table = timeline_table([h.event for h in hits], _lang(ctx), _handles(ctx))
    _print(add_column(table, "Matched text", [snippet(h.to_json(), terms) for h in hits], spill=1))
    typer.echo(f"{len(hits)} hit(s) for {text!r}", err=True)
    _capped(len(hits), found.total)


def _scored(hits):
    """``(event, score)`` pairs of :func:`retracker.search.search`, keeping its total."""
    from ..search import Found

    out = Found((h.event, h.score) for h in hits)
    out.total = hits.total
    return out
