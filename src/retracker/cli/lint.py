"""`retracker lint`: check event files and the dataset file, with located diagnostics."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import _state, app


@app.command()
def lint(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(metavar="PATH", help="Files or folders (default: the data directory)."),
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

    from ..diagnostics import RetrackerError
    from ..lint import lint_paths
    from ..report import FORMATTERS

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
