"""The console entry point: argument hygiene, global options written after the subcommand,
and registering only the command that runs."""

from __future__ import annotations

import os
import sys

import typer

from .app import app

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
    from .. import _streams

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
        failed = getattr(exc.__context__, "exit_code", None)  # the usage error being shown
        if isinstance(failed, int) and failed and code == 0:
            code = failed  # its reader left: still a usage error (2), not an answer (0)
    sys.exit(_streams.finish(code))
