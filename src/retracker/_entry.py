"""The console script: answers `retracker --version` before importing typer, else runs the CLI."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        print(f"retracker {__version__}")
        return
    from .cli import main as cli_main

    cli_main()
