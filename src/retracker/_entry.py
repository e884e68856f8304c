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


def main() -> None:
    exit_cleanly_on_sigterm()
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        print(f"retracker {__version__}")
        return
    from .cli import main as cli_main

    cli_main()
