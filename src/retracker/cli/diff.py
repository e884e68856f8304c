"""`retracker diff`: what changed in the log since a git revision."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import _state, app
from .common import _print, _print_json
from .options import AsJson


@app.command()
def diff(
    ctx: typer.Context,
    old: Annotated[
        str,
        typer.Argument(metavar="OLD", help="A data directory or a git revision (HEAD~5, a tag, a date)."),
    ],
    new_side: Annotated[
        str | None, typer.Argument(metavar="NEW", help="Likewise (default: the working data directory).")
    ] = None,
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

    from ..dataset import load_dataset, resolve_data_dir
    from ..diff import compare, load_side

    data_dir = resolve_data_dir(_state(ctx).get("data"))
    with tempfile.TemporaryDirectory() as work:
        before = load_side(old, data_dir, Path(work))
        after = load_side(new_side, data_dir, Path(work)) if new_side is not None else load_dataset(data_dir)
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
    from ..render import diff_table

    _print(diff_table(result))
