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
        typer.Argument(
            metavar="OLD",
            help="A data directory or a git revision (HEAD~5, a tag, a date: 2026-01-01, 2025-03, 2025).",
        ),
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
      retracker diff 2025        (since 2025 began: read as 2025-01-01)
    """
    import tempfile
    from pathlib import Path

    from ..dataset import load_dataset, resolve_data_dir
    from ..diff import compare, load_side

    data_dir = resolve_data_dir(_state(ctx).get("data"))
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as work:
        before = load_side(old, data_dir, Path(work), notes)
        after = (
            load_side(new_side, data_dir, Path(work), notes)
            if new_side is not None
            else load_dataset(data_dir)
        )
        result = compare(before, after)
    for note in notes:  # which day and commit a date was read as (2025 is 2025-01-01)
        typer.echo(f"retracker: diff: {note}", err=True)
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
