"""The `retracker` command: parse options, call the library, render, pick an exit code.

Heavy modules (YAML, pydantic models, rich tables) are imported inside the commands that
use them, so `--version` and `--help` stay fast.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterable
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import __version__

ISSUES_URL = "https://github.com/retracker/retracker/issues"


class RetrackerGroup(TyperGroup):
    """Turns known errors into one line and exit 2, unexpected ones into exit 3."""

    def invoke(self, ctx: Any) -> Any:
        from . import datadir

        datadir.forget()
        try:
            answer = super().invoke(ctx)
        except Exception as exc:  # the one place every command's failure ends up
            if isinstance(exc, typer.Abort) and not _stdin_is_terminal():
                # a prompt met the end of input: say what was missing, as a usage error
                typer.echo(
                    "retracker: error: a required option is missing and there is no terminal "
                    "to ask for it (see --help)",
                    err=True,
                )
                raise typer.Exit(2) from None
            if _is_cli_exception(exc):
                if getattr(exc, "exit_code", None) in (0, 1):  # lint's findings are an answer too
                    _log_footer()
                raise
            from .diagnostics import RetrackerError

            if isinstance(exc, OSError):
                exc = _os_error(exc)
            if isinstance(exc, RetrackerError):
                _error_line(exc)
                raise typer.Exit(exc.exit_code) from None
            if isinstance(exc, BrokenPipeError):
                raise typer.Exit(0) from None
            if isinstance(exc, UnicodeError):
                exc = RetrackerError(
                    "text cannot be handled in this locale's encoding",
                    hint="use a UTF-8 locale, e.g. LC_ALL=C.UTF-8",
                )
            if isinstance(exc, RecursionError | OverflowError):
                exc = _limit_error(exc)
                _error_line(exc)
                raise typer.Exit(exc.exit_code) from None
            _internal_error(ctx, exc)
        _log_footer()
        return answer


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (OSError, ValueError):
        return False


def _error_line(exc: Exception) -> None:
    from .diagnostics import one_line

    hint = getattr(exc, "hint", None)
    typer.echo(one_line(f"retracker: error: {exc}" + (f" ({hint})" if hint else "")), err=True)


_OUTPUT_ERRNOS = {"ENOSPC", "EBADF", "EIO", "EDQUOT", "EFBIG", "ENXIO"}


def _os_error(exc: OSError) -> Exception:
    """An OSError as a one-line IOProblem (exit 4); a closed pipe stays as it is (exit 0)."""
    import errno

    from . import _streams
    from .diagnostics import IOProblem, os_problem

    if isinstance(exc, BrokenPipeError):
        _streams.write_failed(exc)
        return exc
    if exc.filename is None and errno.errorcode.get(exc.errno or 0) in _OUTPUT_ERRNOS:
        _streams.write_failed(exc)  # reports the failed write itself
        raise typer.Exit(_streams.EXIT_IO) from None
    problem = os_problem(exc)
    return problem if exc.filename is not None else IOProblem(f"system error: {problem}")


def _limit_error(exc: Exception) -> Exception:
    from .diagnostics import RetrackerError

    if isinstance(exc, RecursionError):
        return RetrackerError("the log nests too deeply to walk (folders or relations)")
    return RetrackerError(f"a date or number is out of range: {exc}", hint="dates run from 0001 to 9999")


def _log_footer() -> None:
    """Every answer says, on stderr, which log it read (see datadir.py)."""
    from . import datadir

    found = datadir.last_used()
    if found is not None:
        typer.echo(f"log: {found.describe()}", err=True)


def _is_cli_exception(exc: Exception) -> bool:
    """Usage errors and exits raised by typer (or click) itself: let them through."""
    if isinstance(exc, typer.Exit | typer.Abort | typer.TyperException):
        return True
    return type(exc).__module__.split(".")[0] in ("typer", "click")


def _internal_error(ctx: Any, exc: Exception) -> None:
    from .envflags import flag_or

    debug = bool((ctx.obj or {}).get("debug")) or flag_or("RETRACKER_DEBUG")
    if debug:
        traceback.print_exception(exc)
    typer.echo(
        f"retracker: internal error: {type(exc).__name__}: {exc}\n"
        f"This is a bug; please report it at {ISSUES_URL}"
        + ("" if debug else " (run with --debug for the traceback)"),
        err=True,
    )
    raise typer.Exit(3)


HELP = """Track policy events on rare earths and other critical minerals.

Five common questions:

\b
  What happened, in order?            retracker timeline --since 2025-01 -e Dy
  What touches antimony, in force?    retracker show -e antimony
  What did MOFCOM No. 61/2025 do?     retracker show CN-MOFCOM-2025-61
  What was in force against the US?   retracker status --on 2025-11-20 -c US
  What changes in the next 90 days?   retracker upcoming --days 90

\b
Query:   timeline, show, status, upcoming, search, chart, export,
         materials, countries
Curate:  new, lint, diff, schema
"""

app = typer.Typer(
    cls=RetrackerGroup,
    help=HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,  # plain help: --help never loads rich
    pretty_exceptions_enable=False,
    no_args_is_help=False,
    add_completion=True,
)

# ------------------------------------------------------------------ shared options


def _complete_material(incomplete: str) -> list[str]:
    """Keys and names (English, Chinese, aliases) that start with what was typed."""
    from .vocab import material_spellings

    return _starting(material_spellings(), incomplete)


def _complete_country(incomplete: str) -> list[str]:
    """Codes and names that start with what was typed."""
    from .vocab import country_codes, country_name

    return _starting([*country_codes(), *(country_name(c) for c in country_codes())], incomplete)


def _starting(names: Iterable[str], incomplete: str) -> list[str]:
    """Names that start with ``incomplete`` in any case, each spelling once."""
    low = incomplete.casefold()
    found: dict[str, str] = {}
    for name in names:
        if name.casefold().startswith(low):
            found.setdefault(name.casefold(), name)
    return sorted(found.values())


def _complete_kind(incomplete: str) -> list[str]:
    from .model import KINDS

    return [k for k in KINDS if k.startswith(incomplete.casefold())]


def _complete_id(incomplete: str) -> list[str]:
    """Ids and instrument keys that start with what was typed, in any case."""
    try:
        from .dataset import load_dataset

        events = load_dataset(os.environ.get("RETRACKER_DATA")).live
    except Exception:
        return []
    low = incomplete.casefold()
    names = [e.id for e in events] + [e.instrument_key for e in events if e.instrument_key]
    return sorted(n for n in names if n.casefold().startswith(low))


Element = Annotated[
    list[str] | None,
    typer.Option(
        "--element",
        "-e",
        metavar="MATERIAL",
        help="Material: symbol, name, Chinese name or group; repeat or write Ga,Ge. Finds what is"
        " derived from it and the groups that contain it (each row says how it matched).",
        autocompletion=_complete_material,
    ),
]
Country = Annotated[
    list[str] | None,
    typer.Option(
        "--country",
        "-c",
        metavar="CODE",
        help="Issuer, party or target (repeatable; US,JP); a member finds its groups' acts (via EU)"
        " and measures on ALL.",
        autocompletion=_complete_country,
    ),
]
Issuer = Annotated[
    list[str] | None,
    typer.Option(
        "--issuer",
        metavar="CODE",
        help="Acting jurisdiction or party to a deal (repeatable); a member finds its groups' acts.",
        autocompletion=_complete_country,
    ),
]
Target = Annotated[
    list[str] | None,
    typer.Option(
        "--target",
        metavar="CODE",
        help="Jurisdiction a measure applies to (repeatable); measures on ALL or on its groups match.",
        autocompletion=_complete_country,
    ),
]
Exact = Annotated[
    bool,
    typer.Option("--exact", help="No widening: only the materials and countries named, no groups or ALL."),
]
Kind = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        "-k",
        metavar="KIND",
        help="Event kind, any case (repeatable; export-ban,tariff).",
        autocompletion=_complete_kind,
    ),
]
Since = Annotated[
    str | None,
    typer.Option(
        metavar="DATE",
        help="From this date: 2025, 2025-05, 'May 2025', 2025-05-12, 'Q2 2025', 'last month', '30 days ago'.",
    ),
]
Until = Annotated[
    str | None, typer.Option(metavar="DATE", help="Up to this date; a partial date covers its whole period.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Excel = Annotated[
    bool, typer.Option("--excel", help="CSV for Excel: UTF-8 with a byte order mark (Chinese reads right).")
]
On = Annotated[
    str | None, typer.Option("--on", metavar="DATE", help="The date to answer for (default: today).")
]


def _state(ctx: typer.Context) -> dict[str, Any]:
    ctx.ensure_object(dict)
    return ctx.obj


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            "-d",
            metavar="DIR",
            help="Data directory (holds dataset.yaml); else $RETRACKER_DATA, else the nearest "
            "dataset.yaml from here up (or its data/), else the bundled log.",
        ),
    ] = None,
    lang: Annotated[
        str,
        typer.Option("--lang", metavar="LANG", envvar="RETRACKER_LANG", help="Output language: en or zh."),
    ] = "en",
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Read the YAML, not the index in the cache directory.")
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Print long output straight out, not through $PAGER (less).")
    ] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="With --version: libraries and YAML loader.")
    ] = False,
) -> None:
    """Track policy events on rare earths and other critical minerals (see HELP)."""
    lang = lang.strip().lower()
    if lang not in ("en", "zh"):
        raise typer.BadParameter("use en or zh", param_hint="--lang")
    from .envflags import check_all

    check_all()
    state = _state(ctx)
    state.update(data=data, lang=lang, debug=debug, no_cache=no_cache)
    if no_pager:
        from . import terminal

        terminal.PAGING = False
    if version:
        typer.echo(f"retracker {__version__}")
        if verbose:
            typer.echo(_version_details(data))
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def _version_details(data: str | None) -> str:
    import platform
    from importlib.metadata import version

    from . import datadir
    from .diagnostics import RetrackerError
    from .yamlio import LOADER_NAME

    try:
        log = datadir.find(data).describe()
    except RetrackerError as exc:
        log = f"none ({exc})"
    libs = ", ".join(f"{p} {version(p)}" for p in ("pydantic", "PyYAML", "typer", "rich"))
    return f"python {platform.python_version()}; {libs}; YAML loader: {LOADER_NAME}\nlog: {log}"


def _dataset(ctx: typer.Context, f):
    """The events matching ``f`` and those acting on them: from the index, else the YAML."""
    from . import cache

    return _answer(ctx, lambda root: _with_meta(cache.query_dataset(root, f)), lambda ds: ds)[0]


def _with_meta(ds):
    """A Dataset from the index in the shape _answer takes, or None."""
    return (ds, ds.meta) if ds is not None else None


def _listing(ctx: typer.Context, f, day=None, *, with_json: bool = False, **options):
    """``(events or index rows with their status on day, coverage date)`` for a listing."""
    from . import cache, query
    from .status import project_pairs

    pairs, coverage = _answer(
        ctx,
        lambda root: cache.listing(root, f, day, with_json=with_json, **options),
        lambda ds: query.listing(ds, f, day, **options),
    )
    return project_pairs(pairs, coverage), coverage


def _answer(ctx: typer.Context, from_index, from_yaml):
    """``(answer, coverage date)``: from the index when it can answer (no event is rebuilt),
    else from the YAML."""
    from .dataset import resolve_data_dir

    root = resolve_data_dir(_state(ctx).get("data"))
    if not _state(ctx).get("no_cache"):
        found = from_index(root)
        if found is not None:
            answer, meta = found
            return answer, meta.get("coverage")
    from .dataset import load_dataset

    ds = load_dataset(root)
    _read_warning(ds)
    return from_yaml(ds), ds.coverage


def _handles(ctx: typer.Context) -> dict[str, str]:
    """Every event's handle (see retracker.handles), from the index or the YAML."""
    from . import cache
    from .handles import entries_of, handles

    entries, _ = _answer(ctx, cache.entries, lambda ds: entries_of(ds.events))
    return handles(entries)


def _nothing(f, what: str = "events", *more: str) -> bool:
    """Say so, in one sentence on stderr, when a query matched nothing (True then):
    ``no events match: material Sb, 2010``."""
    from .render import describe

    typer.echo(f"no {what} match: {describe(f, *more)}", err=True)
    return True


def _read_warning(ds) -> None:
    if ds.diagnostics:
        typer.echo(
            f"retracker: warning: {len(ds.diagnostics)} event file(s) could not be read; "
            "run `retracker lint` to see why",
            err=True,
        )


def _print(renderable: Any) -> None:
    """Print through rich; a long Grid is streamed as plain lines instead (see grid.py)."""
    from . import grid, terminal
    from .render import make_console

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
    from .render import json_array_chunks

    for chunk in json_array_chunks(items):
        typer.echo(chunk, nl=False)


def _print_json(payload: Any) -> None:
    from .render import dump_json

    typer.echo(dump_json(payload))


def _filters(element, country, issuer, kind, since=None, until=None, target=None, exact=False):
    from .query import Filters

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


def _today(on: str | None):
    import datetime as dt

    from .query import parse_when

    return dt.date.today() if on is None else parse_when(on)


def _projected_note(answers, coverage) -> None:
    """The one-line footnote under a table whose rows carry the projected mark."""
    if any(a.projected for a in answers):
        from .status import PROJECTED_NOTE

        typer.echo(PROJECTED_NOTE.format(coverage=coverage))


def _coverage_warning(coverage, day) -> None:
    if coverage and day > coverage:
        typer.echo(
            f"retracker: warning: {day} is after the log's coverage date {coverage}; "
            "the log cannot know what it has not recorded",
            err=True,
        )


# ------------------------------------------------------------------ commands


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
    from .query import matched_json

    f = _filters(element, country, issuer, kind, since, until, target, exact)
    pairs, coverage = _listing(ctx, f, reverse=reverse, limit=limit, with_json=as_json)
    events = [e for e, _ in pairs]
    if as_json:
        _print_json_array(matched_json(e, f) for e in events)
        return
    if not events and _nothing(f):
        return
    from .render import timeline_table

    _print(_via_column(timeline_table(events, _lang(ctx), _handles(ctx)), events, f))
    typer.echo(f"{len(events)} event(s); log reviewed up to {coverage}", err=True)


@app.command()
def show(
    ctx: typer.Context,
    event_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
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
    from .diagnostics import RetrackerError

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
    from .render import element_view

    _print(_via_column(element_view(pairs, _lang(ctx), _handles(ctx)), [e for e, _ in pairs], f))
    _projected_note([st for _, st in pairs if st is not None], coverage)
    typer.echo(f"{len(pairs)} event(s); status as of {day}", err=True)


def _with_status(event, status, f=None) -> dict[str, Any]:
    """The event's JSON with its ``status`` (and, for a listing, how it ``matched``)."""
    from .query import matched_json

    payload = matched_json(event, f) if f is not None else event.to_json()
    payload["status"] = status.to_json() if status else None
    return payload


def _matched(payload: dict[str, Any], event, f) -> dict[str, Any]:
    """``payload`` with ``matched``: how ``event`` matched the filters (see query.how_matched)."""
    from .query import DIRECT, how_matched

    payload["matched"] = (how_matched(event, f) or DIRECT) if f.widening else DIRECT
    return payload


def _show_one(ctx, term: str, day, as_json: bool) -> None:
    from . import cache
    from .handles import entries_of, resolve
    from .render import TREE_DEPTH
    from .status import StatusEngine

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
        _print_json(payload)
        return
    from .render import event_view

    _print(event_view(ds, event, engine, day, _lang(ctx), part=part))


def _with_meta_of(found):
    """``((resolved, dataset), meta)`` from the index's answer, in the shape _answer takes."""
    return (found, found[1].meta) if found is not None else None


def _part_of(event, part: str | None) -> str | None:
    """The part ``ID#part`` names, checked against the event's parts."""
    if part is None:
        return None
    if event.part(part) is None:
        from .diagnostics import RetrackerError

        have = ", ".join(p.id for p in event.parts) or "none"
        raise RetrackerError(f"{event.id} has no part '{part}'", hint=f"its parts: {have}")
    return part


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
    from .status import ENDED, binding_first

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
    from .render import status_table

    _print(_via_column(status_table(found, _lang(ctx), _handles(ctx)), [e for e, _ in found], f))
    _projected_note([st for _, st in found], coverage)
    typer.echo(f"{len(found)} measure(s) on {day}", err=True)


def _status_format(output_format: str, as_json: bool, output: str | None, excel: bool) -> str:
    from .diagnostics import RetrackerError
    from .export import STATUS_FORMATS

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

    from .export import status_rows_csv, status_rows_json, write_chunks
    from .query import DIRECT, how_matched

    def how(event) -> str:
        return (how_matched(event, f) or DIRECT) if f.widening else DIRECT

    chunks = status_rows_csv(found, how) if fmt == "csv" else status_rows_json(found, how)
    write_chunks(chunks, Path(output) if output else None, sys.stdout.write, bom=excel)
    if output:
        typer.echo(f"wrote {len(found)} status row(s) to {output}", err=True)


def _window(start: str | None, since: str | None, until: str | None, days: int):
    """``upcoming``'s window: from --from/--since (default today) to --until, else --days on."""
    import datetime as dt

    from .diagnostics import RetrackerError
    from .query import parse_when

    if start is not None and since is not None:
        raise RetrackerError("give --from or --since, not both", hint="they mean the same")
    first = _today(start if start is not None else since)
    if until is None:
        span = min(days, (dt.date.max - first).days)  # never past 9999-12-31
        return first, first + dt.timedelta(days=span)
    last = parse_when(until, end=True)
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
    from . import cache, query

    pairs, coverage = _answer(
        ctx,
        lambda root: cache.upcoming(root, f, first, last),
        lambda ds: query.upcoming(ds, f, first, last),
    )
    _coverage_warning(coverage, last)
    from .status import project_change

    pairs = [(e, project_change(c, coverage)) for e, c in pairs]
    changes = [c for _, c in pairs]
    if as_json:
        _print_json_array(_matched(c.to_json(), e, f) for e, c in pairs)
        return
    if not pairs and _nothing(f, "changes", f"from {first} to {last}"):
        return
    from .render import upcoming_table

    _print(upcoming_table(pairs, _lang(ctx), _handles(ctx)))
    _projected_note(changes, coverage)
    typer.echo(f"{len(changes)} change(s) from {first} to {last}", err=True)


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

    from . import chart as charts
    from .query import filter_events
    from .render import describe, make_console
    from .status import StatusEngine

    f = _filters(element, country, issuer, kind, None, None, target, exact)  # dates: the window
    window = _filters(None, None, None, None, since, until)
    ds = _dataset(ctx, f)
    measures = [e for e in filter_events(ds.events, f) if e.is_measure]
    today = dt.date.today()
    coverage = ds.coverage
    first = window.since or min((e.date for e in measures), default=today)
    last = window.until or max(today, coverage or today, *(e.date for e in measures))
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
    console = make_console()
    console.print(charts.terminal(picture, console.width))
    _coverage_warning(coverage, last)
    _save_chart(picture, svg, html)


def _save_chart(picture, svg: str | None, html: str | None) -> None:
    """The chart laid out for a page: full labels, a caption, nothing from the network."""
    from . import chart as charts
    from .atomic import atomic_write
    from .diagnostics import os_problem

    for target, render in ((svg, lambda: charts.svg(picture)), (html, lambda: charts.html_page(picture))):
        if not target:
            continue
        try:
            atomic_write(target, render())
        except OSError as exc:
            exc.filename = target  # name the file asked for, not the temporary one beside it
            raise os_problem(exc, "cannot write") from None
        typer.echo(f"wrote {target}", err=True)


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
    """
    import sys
    from pathlib import Path

    from .diagnostics import RetrackerError
    from .export import FORMATS, STREAMED
    from .export import export as run_export
    from .query import filter_events

    fmt = (output_format or _format_from_suffix(output)).lower()
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
    if fmt in STREAMED:  # CSV, JSON and JSON Lines: the index's rows, written as they are produced
        from .export import stream, stream_with_status

        day = _today(on) if on is not None else None
        pairs, coverage = _listing(ctx, f, day, with_json=True)
        dest = Path(output) if output else None
        if day is None:
            stream([e for e, _ in pairs], fmt, dest, sys.stdout.write, bom=excel)
        else:
            _coverage_warning(coverage, day)
            stream_with_status(pairs, fmt, dest, sys.stdout.write, bom=excel)
        if output:
            typer.echo(f"wrote {len(pairs)} event(s) to {output}", err=True)
        return
    ds = _dataset(ctx, f)
    events = filter_events(ds.events, f)
    text = run_export(events, fmt, Path(output) if output else None, ds=ds)
    if text is not None:
        sys.stdout.write(text)
    else:
        typer.echo(f"wrote {len(events)} event(s) to {output}", err=True)


def _format_from_suffix(output: str | None) -> str:
    suffixes = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ics": "ics"}
    suffixes |= {".sqlite": "sqlite", ".db": "sqlite"}
    if output is None:
        return "json"
    from pathlib import Path

    return suffixes.get(Path(output).suffix.lower(), Path(output).suffix.lstrip(".") or "json")


@app.command()
def lint(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(metavar="[PATH]...", help="Files or folders (default: the data directory)."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="text, json or github.")
    ] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", metavar="CODE", help="Drop this warning code (repeatable), e.g. RT306."),
    ] = None,
    enable: Annotated[
        list[str] | None,
        typer.Option("--enable", metavar="CODE", help="Run this opt-in check too (repeatable), e.g. RT307."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="List errors only; warnings are still counted.")
    ] = False,
) -> None:
    """Check event files: syntax, schema, vocabulary, dates, relations, sources.

    Given files, lint walks up to dataset.yaml and checks them against the whole log.

    Examples:

    \b
      retracker lint
      retracker lint data/events/2025 --format github
      retracker lint --quiet
      retracker lint --enable RT307
    """
    from dataclasses import replace

    from .diagnostics import RetrackerError
    from .lint import lint_paths
    from .report import FORMATTERS

    output_format = output_format.casefold()
    if output_format not in FORMATTERS:
        raise RetrackerError(f"unknown format '{output_format}'", hint="use " + ", ".join(FORMATTERS))
    result = lint_paths(
        paths or None,
        data=_state(ctx).get("data") if not paths else None,
        ignore=[c.upper() for c in ignore or ()],
        enable=[c.upper() for c in enable or ()],
    )
    shown = replace(result, diagnostics=result.errors) if quiet else result
    out = FORMATTERS[output_format](shown)
    if out:
        typer.echo(out)
    hidden = " (not listed: --quiet)" if quiet and result.warnings else ""
    typer.echo(
        f"{len(result.files)} file(s): {len(result.errors)} error(s), "
        f"{len(result.warnings)} warning(s){hidden}",
        err=True,
    )
    raise typer.Exit(result.exit_code(strict))


@app.command()
def new(
    ctx: typer.Context,
    date: Annotated[
        str, typer.Option(prompt="Date (YYYY-MM-DD)", metavar="TEXT", help="Date announced or signed.")
    ],
    issuer: Annotated[
        str,
        typer.Option(
            prompt="Issuer (ISO code)", help="Acting jurisdiction.", autocompletion=_complete_country
        ),
    ],
    kind: Annotated[
        str, typer.Option(prompt="Kind", metavar="TEXT", help="Event kind.", autocompletion=_complete_kind)
    ],
    title: Annotated[str, typer.Option(prompt="Title", metavar="TEXT", help="Short English title.")],
    authority: Annotated[
        str | None, typer.Option(metavar="TEXT", help="The acting body (MOFCOM, BIS ...).")
    ] = None,
    number: Annotated[str | None, typer.Option(metavar="TEXT", help="Instrument number, e.g. 61.")] = None,
) -> None:
    """Scaffold an event file with the right id and path; fill its TODOs from a source.

    Examples:

    \b
      retracker new --date 2026-11-10 --issuer CN --kind suspension --title "Extension"
      retracker new  (asks for date, issuer, kind and title)
    """
    from . import datadir
    from .scaffold import Draft, create, parse_date

    day = parse_date(date)
    found = datadir.find(_state(ctx).get("data"))
    datadir.refuse_installed(found)
    path = create(found.path, Draft(day, issuer, kind, title, authority, number))
    typer.echo(str(path))
    typer.echo("fill in the TODOs from the source you read, then: retracker lint " + str(path), err=True)


@app.command("search")
def search_command(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help='Words or "a phrase"; English or Chinese.')],
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
    from . import cache
    from .query import filter_events
    from .search import MAX_TERMS, Hit, cut_terms, search_terms, snippet

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
    from .render import add_column, timeline_table

    table = timeline_table([h.event for h in hits], _lang(ctx), _handles(ctx))
    _print(add_column(table, "Matched text", [snippet(h.to_json(), terms) for h in hits], spill=1))
    typer.echo(f"{len(hits)} hit(s) for {text!r}", err=True)
    _capped(len(hits), found.total)


def _scored(hits):
    """``(event, score)`` pairs of :func:`retracker.search.search`, keeping its total."""
    from .search import Found

    out = Found((h.event, h.score) for h in hits)
    out.total = hits.total
    return out


def _via_column(table, events, f):
    """A "Matched" column saying "via rare-earths" (or "via EU" ...) on the rows that matched
    through widening; none when every row matched directly."""
    from .query import DIRECT, how_matched
    from .render import add_column

    if not f.widening:
        return table
    labels = [how_matched(e, f) or DIRECT for e in events]
    return add_column(table, "Matched", ["" if m == DIRECT else m for m in labels], spill=2)


def _capped(shown: int, total: int) -> None:
    if total > shown:
        typer.echo(f"{shown} of {total} shown; --limit N shows more", err=True)


@app.command()
def diff(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help="A data directory or a git revision (HEAD~5, a tag, a date).")],
    new_side: Annotated[
        str, typer.Argument(metavar="NEW", help="Likewise (default: the working data directory).")
    ] = "",
    as_json: AsJson = False,
) -> None:
    """Events added, removed and changed between two versions of the log.

    Examples:

    \b
      retracker diff HEAD~5
      retracker diff 2026-01-01 HEAD --json
    """
    import tempfile
    from pathlib import Path

    from .dataset import load_dataset, resolve_data_dir
    from .diff import compare, load_side

    data_dir = resolve_data_dir(_state(ctx).get("data"))
    with tempfile.TemporaryDirectory() as work:
        before = load_side(old, data_dir, Path(work))
        after = load_side(new_side, data_dir, Path(work)) if new_side else load_dataset(data_dir)
        result = compare(before, after)
    if result.unreadable:
        typer.echo(
            f"retracker: warning: {len(result.unreadable)} event file(s) could not be read on one side; "
            "they are listed as unreadable, not as added or removed",
            err=True,
        )
    if as_json:
        _print_json(result.to_json())
        return
    from .render import diff_table

    _print(diff_table(result))


@app.command()
def materials(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Materials the filters accept: elements, material keys, groups and their members.

    `-e TERM` finds events on the term and its members (direct), and, widened, events on the
    groups that contain it and the materials derived from it ("Also finds": shown "via ...");
    --exact turns the widening off.
    """
    from .query import also_finds
    from .vocab import MATERIALS

    if as_json:
        _print_json(
            [
                {
                    "key": m.key,
                    "name": m.name,
                    "name_zh": m.name_zh,
                    "type": m.type,
                    "members": list(m.members),
                    "aliases": list(m.aliases),
                    "also_finds": also_finds(m.key),
                }
                for m in MATERIALS.values()
            ]
        )
        return
    from .render import materials_table

    _print(materials_table(_lang(ctx)))
    typer.echo(
        "listings show widened matches as 'via ...'; --exact turns them off",
        err=True,
    )


@app.command()
def countries(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Country codes the filters accept (ISO 3166-1 alpha-2, EU, G7, WTO, ALL), with names."""
    from .vocab import country_codes, country_name

    if as_json:
        _print_json(
            [{"code": c, "name": country_name(c), "name_zh": country_name(c, "zh")} for c in country_codes()]
        )
        return
    from .render import countries_table

    _print(countries_table(_lang(ctx)))


@app.command()
def schema() -> None:
    """Print the JSON Schema of an event file (committed as schema/event.schema.json)."""
    from .model import event_json_schema

    _print_json(event_json_schema())


_VALUE_OPTIONS = {"--data", "-d", "--lang"}
_GLOBAL_FLAGS = {"--no-cache", "--debug", "--no-pager"}


def _invoked_command(argv: list[str]) -> str | None:
    """The subcommand named on the command line, skipping global options and their values."""
    position = _command_position(argv)
    return argv[position] if position is not None else None


def _command_position(argv: list[str]) -> int | None:
    skip = False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg == "--":
            return None
        elif arg in _VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return i
    return None


def _global_option(arg: str) -> str | None:
    """The name of the global option ``arg`` spells (``--data``, ``--lang=zh``), if any."""
    if arg in _VALUE_OPTIONS or arg in _GLOBAL_FLAGS:
        return arg
    name = arg.split("=", 1)[0]
    if "=" in arg and name in ("--data", "--lang"):
        return name
    return None


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move global options written after the subcommand in front of it, as git and kubectl
    accept them (``retracker timeline --lang zh``). A subcommand's own option of the same
    name, the values of its options and everything after ``--`` are left alone."""
    position = _command_position(argv)
    if position is None:
        return argv
    rest = argv[position + 1 :]
    if not any(_global_option(a) for a in rest if a != "--"):
        return argv
    own, takes_value = _command_options(argv[position])
    moved: list[str] = []
    kept: list[str] = []
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--":
            kept.extend(rest[i:])
            break
        name = _global_option(arg)
        if name is not None and name not in own:
            moved.append(arg)
            if arg in _VALUE_OPTIONS and i + 1 < len(rest):
                moved.append(rest[i + 1])
                i += 1
        else:
            kept.append(arg)
            if arg in takes_value and i + 1 < len(rest):
                kept.append(rest[i + 1])
                i += 1
        i += 1
    return [*argv[:position], *moved, argv[position], *kept]


def _command_options(name: str) -> tuple[set[str], set[str]]:
    """(every option name of a subcommand, the names of those that take a value)."""
    command = typer.main.get_command(app)
    sub = getattr(command, "commands", {}).get(name)
    names: set[str] = set()
    valued: set[str] = set()
    for param in getattr(sub, "params", []):
        if getattr(param, "param_type_name", "") != "option":
            continue
        names.update(param.opts + param.secondary_opts)
        if not param.is_flag and not param.count:
            valued.update(param.opts)
    return names, valued


def _only(name: str | None) -> None:
    """Register only the invoked command: typer builds every command's options on each run
    (about 25 ms for thirteen commands), and one is enough to run one."""
    if name is None or os.environ.get("_RETRACKER_COMPLETE"):
        return
    chosen = [c for c in app.registered_commands if (c.name or c.callback.__name__) == name]
    if chosen:
        app.registered_commands = chosen


def main() -> None:
    """Run the app (the console script goes through retracker._entry first).

    The edges are guarded here: argument bytes that are not UTF-8, a closed or full stdout
    and a non-UTF-8 locale end in one line and an exit code, never a traceback."""
    from . import _streams

    _streams.prepare_streams()
    argv, bad = _streams.utf8_arguments(sys.argv[1:])
    if bad is not None:
        _streams.error(bad)
        sys.exit(2)
    argv = hoist_global_options(argv)
    _only(_invoked_command(argv))
    code = 0
    try:
        app(args=argv, prog_name="retracker", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    except OSError as exc:  # a write that failed outside a command (help, usage errors)
        code = _streams.write_failed(exc)
    sys.exit(_streams.finish(code))
