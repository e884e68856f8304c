"""The typer app, its global options (--data, --lang, --no-cache, ...) and the one place
where every command's failure becomes one line and an exit code."""

from __future__ import annotations

import contextlib
import sys
import traceback
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__

ISSUES_URL = "https://github.com/retracker/retracker/issues"


class RetrackerGroup(TyperGroup):
    """Turns known errors into one line and exit 2, unexpected ones into exit 3."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except BrokenPipeError as exc:  # --help into a reader that left: as every command
            from .. import _streams

            raise typer.Exit(_streams.write_failed(exc)) from None
        except Exception as exc:  # a usage error in the global options: shown by click
            _inert_usage_error(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        from .. import datadir

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
                _inert_usage_error(exc)
                raise
            from ..diagnostics import RetrackerError

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


def _inert_usage_error(exc: BaseException) -> None:
    """Make the message of click's own usage errors inert before click prints it ("No such
    option", "Invalid value", "Got unexpected extra argument", "No such command" echo what
    the user typed): escape sequences, control characters and bidi controls are shown as
    escapes, a huge value is shortened (see diagnostics.one_line). Some click versions
    escape part of this themselves; none escapes bidi controls."""
    from ..diagnostics import one_line

    message = getattr(exc, "message", None)
    if isinstance(message, str):
        exc.message = one_line(message)  # type: ignore[attr-defined]


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (OSError, ValueError):
        return False


def _error_line(exc: Exception) -> None:
    from ..diagnostics import one_line

    hint = getattr(exc, "hint", None)
    first, *more = str(exc).split("\n") if getattr(exc, "multiline", False) else [str(exc)]
    lines = [f"retracker: error: {first}", *more]  # a list of candidates: one per line
    lines[-1] += f" ({hint})" if hint else ""
    _say("\n".join(one_line(line) for line in lines))


_OUTPUT_ERRNOS = {"ENOSPC", "EBADF", "EIO", "EDQUOT", "EFBIG", "ENXIO"}


def _os_error(exc: OSError) -> Exception:
    """An OSError as a one-line IOProblem (exit 4); a closed pipe stays as it is (exit 0)."""
    import errno

    from .. import _streams
    from ..diagnostics import IOProblem, os_problem

    if isinstance(exc, BrokenPipeError):
        _streams.write_failed(exc)
        return exc
    if exc.filename is None and errno.errorcode.get(exc.errno or 0) in _OUTPUT_ERRNOS:
        _streams.write_failed(exc)  # reports the failed write itself
        raise typer.Exit(_streams.EXIT_IO) from None
    problem = os_problem(exc)
    return problem if exc.filename is not None else IOProblem(f"system error: {problem}")


def _limit_error(exc: Exception) -> Exception:
    from ..diagnostics import RetrackerError

    if isinstance(exc, RecursionError):
        return RetrackerError("the log nests too deeply to walk (folders or relations)")
    return RetrackerError(f"a date or number is out of range: {exc}", hint="dates run from 0001 to 9999")


def _log_footer() -> None:
    """Every answer says, on stderr, which log it read (see datadir.py)."""
    from .. import datadir

    found = datadir.last_used()
    if found is not None:
        _say(f"log: {found.describe()}")


def _is_cli_exception(exc: Exception) -> bool:
    """Usage errors and exits raised by typer (or click) itself: let them through."""
    if isinstance(exc, typer.Exit | typer.Abort | typer.TyperException):
        return True
    return type(exc).__module__.split(".")[0] in ("typer", "click")


def _say(text: str) -> None:
    """A line on stderr that cannot change the answer: when stderr is a pipe whose reader left
    (``2>&1 | head -1``) or a full disk, the line is lost, not turned into exit 1 by click's
    handler of closed pipes (the answer's own exit code stands: 0, or 2 for an error)."""
    with contextlib.suppress(OSError, ValueError):
        typer.echo(text, err=True)


def _internal_error(ctx: Any, exc: Exception) -> None:
    from ..envflags import flag_or

    debug = bool((ctx.obj or {}).get("debug")) or flag_or("RETRACKER_DEBUG")
    if debug:
        traceback.print_exception(exc)
    _say(
        f"retracker: internal error: {type(exc).__name__}: {exc}\n"
        f"This is a bug; please report it at {ISSUES_URL}"
        + ("" if debug else " (run with --debug for the traceback)")
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
Query:   timeline, show, status, upcoming, search, chart, figures,
         export, materials, countries
Curate:  new, lint, diff, schema
Publish: site
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
        source = ctx.get_parameter_source("lang")
        if getattr(source, "name", "") == "ENVIRONMENT":  # name the variable, not the option
            from ..diagnostics import RetrackerError

            raise RetrackerError(f"RETRACKER_LANG={lang!r} is not a language", hint="use en or zh")
        raise typer.BadParameter("use en or zh", param_hint="--lang")
    from ..envflags import check_all

    check_all()
    state = _state(ctx)
    state.update(data=data, lang=lang, debug=debug, no_cache=no_cache)
    if no_pager:
        from .. import terminal

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

    from .. import datadir
    from ..diagnostics import RetrackerError
    from ..yamlio import LOADER_NAME

    try:
        log = datadir.find(data).describe()
    except RetrackerError as exc:
        log = f"none ({exc})"
    libs = ", ".join(f"{p} {version(p)}" for p in ("pydantic", "PyYAML", "typer", "rich"))
    return f"python {platform.python_version()}; {libs}; YAML loader: {LOADER_NAME}\nlog: {log}"
