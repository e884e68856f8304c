"""The `retracker` command: parse options, call the library, render, pick an exit code.

One module per command (or per pair of commands that share their helpers), so a reader finds
``status`` in ``cli/status.py``:

- ``app``: the typer app, its global options and the one place failures become exit codes;
- ``options``: the options several commands share (--element, --country, ...) and completion;
- ``common``: reading the log (index or YAML), printing tables and JSON, shared helpers;
- ``run``: the console entry point (argument hygiene, global options after the subcommand).

Heavy modules (YAML, pydantic models, rich tables) are imported inside the commands that
use them, so `--version` and `--help` stay fast. A new command is a new module here that
decorates its function with ``@app.command()``, imported below.
"""

from __future__ import annotations

from . import (  # noqa: F401  (each module registers its commands on import)
    chart,
    diff,
    export,
    figures,
    lint,
    new,
    reference,
    search,
    show,
    site,
    status,
    timeline,
)
from .app import app
from .options import _complete_country, _complete_id, _complete_kind, _complete_material
from .run import hoist_global_options, main

__all__ = [
    "_complete_country",
    "_complete_id",
    "_complete_kind",
    "_complete_material",
    "app",
    "hoist_global_options",
    "main",
]
