"""What the commands share: reading the log (from the index when it can answer, else the
YAML), the filters, and printing tables, JSON and one-sentence empty answers."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

import typer

from .app import _state


def _dataset(ctx: typer.Context, f):
    """The events matching ``f`` and those acting on them: from the index, else the YAML."""
    from .. import cache

    return _answer(ctx, lambda root: _with_meta(cache.query_dataset(root, f)), lambda ds: ds)[0]


def _with_meta(ds):
    """A Dataset from the index in the shape _answer takes, or None."""
    return (ds, ds.meta) if ds is not None else None


def _listing(ctx: typer.Context, f, day=None, *, with_json: bool = False, **options):
    """``(events or index rows with their status on day, coverage date)`` for a listing."""
    from .. import cache, query
    from ..status import project_pairs

    pairs, coverage = _answer(
        ctx,
        lambda root: cache.listing(root, f, day, with_json=with_json, **options),
        lambda ds: query.listing(ds, f, day, **options),
    )
    return project_pairs(pairs, coverage), coverage


def _answer(ctx: typer.Context, from_index, from_yaml):
    """``(answer, coverage date)``: from the index when it can answer (no event is rebuilt),
    else from the YAML."""
    from ..dataset import resolve_data_dir

    state = _state(ctx)
    root = resolve_data_dir(state.get("data"))
    loaded = state.get("loaded")
    if not state.get("no_cache") and loaded is None:
        found = from_index(root)
        if found is not None:
            answer, meta = found
            return answer, meta.get("coverage")
    if loaded is None or loaded[0] != root:  # one load (and one warning) per command
        from ..dataset import load_dataset

        loaded = state["loaded"] = (root, load_dataset(root))
        _read_warning(loaded[1])
    ds = loaded[1]
    return from_yaml(ds), ds.coverage


def _handles(ctx: typer.Context) -> dict[str, str]:
    """Every event's handle (see retracker.handles), from the index or the YAML."""
    from .. import cache
    from ..handles import entries_of, handles

    entries, _ = _answer(ctx, cache.entries, lambda ds: entries_of(ds.events))
    return handles(entries)


def _nothing(f, what: str = "events", *more: str) -> bool:
    """Say so, in one sentence on stderr, when a query matched nothing (True then):
    ``no events match: material Sb, 2010``."""
    from ..render import describe

    typer.echo(f"no {what} match: {describe(f, *more)}", err=True)
    return True


def _read_warning(ds) -> None:
    if ds.diagnostics:  # the first by name, located: a FIFO or a device is named, not counted
        from ..diagnostics import one_line

        first = one_line(str(ds.diagnostics[0]))
        typer.echo(
            f"retracker: warning: {len(ds.diagnostics)} event file(s) could not be read "
            f"(first: {first}); run `retracker lint` to see why",
            err=True,
        )


def _print(renderable: Any) -> None:
    """Print through rich; a long Grid is streamed as plain lines instead (see grid.py)."""
    from .. import grid, terminal
    from ..render import make_console

    console = make_console()
    with terminal.paged() as pager:
        if pager is not None:  # the pager shows colour; the width is the terminal's
            console = make_console(file=pager, force_terminal=True, width=console.width)
        if isinstance(renderable, grid.Grid) and len(renderable.rows) > grid.STREAM_ROWS:
            renderable.stream((pager or sys.stdout).write, console.width)
            return
        console.print(renderable, crop=False)  # a URL is printed whole, never cut at the width


def _print_json_array(items: Iterable[Any]) -> None:
    """A JSON array, written as it is produced (the same text as _print_json of a list)."""
    from ..render import json_array_chunks

    for chunk in json_array_chunks(items):
        typer.echo(chunk, nl=False)


def _print_json(payload: Any) -> None:
    from ..render import dump_json

    typer.echo(dump_json(payload))


def _filters(element, country, issuer, kind, since=None, until=None, target=None, exact=False):
    from ..query import Filters

    return Filters.build(
        material=element or [],
        country=country or [],
        issuer=issuer or [],
        kind=kind or [],
        since=since,
        until=until,
        target=target or [],
        exact=exact,
    )


def _lang(ctx: typer.Context) -> str:
    return _state(ctx).get("lang", "en")


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, OSError, ValueError):
        return False


def _write_out(text: str) -> None:
    """Data written to standard output (an export, a CSV of status rows, an SVG): as it is
    into a pipe or a file; on a terminal, with escape sequences, control characters and
    bidi controls made visible (see terminal.clean), as every table shows them."""
    if _stdout_is_terminal():
        from ..terminal import clean

        text = clean(text.replace("\r\n", "\n"))  # CSV and iCalendar lines end in CRLF
    sys.stdout.write(text)


def _output_path(value: str | None, option: str = "--output") -> str | None:
    """The file an output option names; None for standard output (``-``, as most tools read
    it, or no option). An empty value is an error, not standard output."""
    if value is None or value == "-":
        return None
    if not value.strip():
        from ..diagnostics import RetrackerError

        raise RetrackerError(f"{option} is empty", hint="give a file name, or - for standard output")
    return value


def _today(on: str | None):
    import datetime as dt

    from ..query import parse_when

    return dt.date.today() if on is None else parse_when(on)


def _projected_note(answers, coverage) -> None:
    """The one-line footnote under a table whose rows carry the projected mark."""
    if any(a.projected for a in answers):
        from ..status import PROJECTED_NOTE

        typer.echo(PROJECTED_NOTE.format(coverage=coverage))


def _coverage_warning(coverage, day) -> None:
    if coverage and day > coverage:
        typer.echo(
            f"retracker: warning: {day} is after the log's coverage date {coverage}; "
            "the log cannot know what it has not recorded",
            err=True,
        )


def _with_status(event, status, f=None) -> dict[str, Any]:
    """The event's JSON with its ``status`` (and, for a listing, how it ``matched``)."""
    from ..query import matched_json

    payload = matched_json(event, f) if f is not None else event.to_json()
    payload["status"] = status.to_json() if status else None
    return payload


def _matched(payload: dict[str, Any], event, f) -> dict[str, Any]:
    """``payload`` with ``matched``: how ``event`` matched the filters (see query.how_matched)."""
    from ..query import DIRECT, how_matched

    payload["matched"] = (how_matched(event, f) or DIRECT) if f.widening else DIRECT
    return payload


def _via_column(table, events, f):
    """A "Matched" column saying "via rare-earths" (or "via EU" ...) on the rows that matched
    through widening; none when every row matched directly."""
    from ..query import DIRECT, how_matched
    from ..render import add_column

    if not f.widening:
        return table
    labels = [how_matched(e, f) or DIRECT for e in events]
    return add_column(table, "Matched", ["" if m == DIRECT else m for m in labels], spill=2)


def _print_status_listing(ctx, view, pairs, f, coverage) -> None:
    """A table of (event, status) rows, with the "Matched" column when groups widened and the
    footnote when a row is projected past the coverage date."""
    _print(_via_column(view(pairs, _lang(ctx), _handles(ctx)), [e for e, _ in pairs], f))
    _projected_note([st for _, st in pairs if st is not None], coverage)


def _capped(shown: int, total: int) -> None:
    if total > shown:
        typer.echo(f"{shown} of {total} shown; --limit N shows more", err=True)
