"""The console script: answers `retracker --version` before importing typer, else runs the CLI."""

from __future__ import annotations

import signal
import sys


class Terminated(SystemExit):
    """SIGTERM, raised as an exit so that every `finally` and cleanup handler runs."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(128 + signum)


def exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into an exception: temporary files of an index build or an export are
    removed on the way out (the default action kills the process where it stands)."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's flush at exit cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main() -> None:
    exit_cleanly_on_sigterm()
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        try:
            print(f"retracker {__version__}", flush=True)
        except BrokenPipeError:  # `retracker --version | true`: as every command, exit 0
            _silence_stdout()
        return
    from .cli import main as cli_main

    cli_main()
