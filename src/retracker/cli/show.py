"""`retracker show`: one event in full, or everything matching a material or filters."""

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
    _nothing,
    _print,
    _print_json,
    _print_json_array,
    _print_status_listing,
    _today,
    _with_status,
)
from .options import AsJson, Country, Element, Exact, Issuer, Kind, On, Since, Target, Until, _complete_id


@app.command()
def show(
    ctx: typer.Context,
    event_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ID",
            help="An id, a unique id prefix, an instrument key (CN-MOFCOM-2024-46, 'MOFCOM 46/2024'), "
            "ID#part or an event file.",
            autocompletion=_complete_id,
        ),
    ] = None,
    element: Element = None,
    country: Country = None,
    issuer: Issuer = None,
    target: Target = None,
    kind: Kind = None,
    since: Since = None,
    until: Until = None,
    exact: Exact = False,
    on: On = None,
    as_json: AsJson = False,
) -> None:
    """One event in full, or everything that touches a material (or matches the filters).

    Examples:

    \b
      retracker show --element antimony
      retracker show 2025-10-09-cn-mofcom-61-overseas-rare-earth-items
    """
    from ..diagnostics import RetrackerError

    if not event_id and not (element or country or issuer or target or kind or since or until):
        raise RetrackerError(
            "give an event ID or --element/--country/--kind", hint="see retracker show --help"
        )
    day = _today(on)
    if event_id:
        _show_one(ctx, event_id, day, as_json)
        return
    f = _filters(element, country, issuer, kind, since, until, target, exact)
    pairs, coverage = _listing(ctx, f, day, with_json=as_json)
    _coverage_warning(coverage, day)
    if as_json:
        _print_json_array(_with_status(e, st, f) for e, st in pairs)
        return
    if not pairs and _nothing(f):
        return
    from ..render import element_view

    _print_status_listing(ctx, element_view, pairs, f, coverage)
    if f.materials:
        from .figures import print_related

        print_related(ctx, f.materials, exact=f.exact)
    typer.echo(f"{len(pairs)} event(s); status as of {day}", err=True)


def _show_one(ctx, term: str, day, as_json: bool) -> None:
    from .. import cache
    from ..handles import entries_of, resolve
    from ..render import TREE_DEPTH
    from ..status import StatusEngine

    # Only the events within the relation tree's reach; a term the index cannot resolve
    # loads the whole log, so that the "did you mean" sees every id.
    (found, ds), coverage = _answer(
        ctx,
        lambda root: _with_meta_of(cache.resolve_around(root, term, TREE_DEPTH)),
        lambda ds: (resolve(term, entries_of(ds.events)), ds),
    )
    _coverage_warning(coverage, day)
    engine = StatusEngine(ds, projected_after=coverage)
    event = ds.get(found.id)
    part = _part_of(event, found.part)
    if as_json:
        payload = _with_status(event, engine.status(event.id, day))
        payload["acted_on_by"] = [
            {"type": r.type, "by": e.id, "part": r.target_part} for r, e in ds.acted_on_by(event.id)
        ]
        if part:
            payload["selected_part"] = part
        if event.kind == "trade-data":
            from .figures import related_ids

            payload["series"] = related_ids(ctx, event.materials)
        _print_json(payload)
        return
    from ..render import event_view

    _print(event_view(ds, event, engine, day, _lang(ctx), part=part, handles=_handles(ctx)))
    if event.kind == "trade-data":
        from .figures import print_related

        print_related(ctx, event.materials, exact=True)


def _with_meta_of(found):
    """``((resolved, dataset), meta)`` from the index's answer, in the shape _answer takes."""
    return (found, found[1].meta) if found is not None else None


def _part_of(event, part: str | None) -> str | None:
    """The part ``ID#part`` names, checked against the event's parts."""
    if part is None:
        return None
    if event.part(part) is None:
        from ..diagnostics import RetrackerError

        have = ", ".join(p.id for p in event.parts) or "none"
        raise RetrackerError(f"{event.id} has no part '{part}'", hint=f"its parts: {have}")
    return part
