"""`retracker site`: the log as a static web site (see retracker.site)."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import _state, app
from .common import _coverage_warning, _lang, _read_warning, _today
from .options import On


@app.command()
def site(
    ctx: typer.Context,
    output: Annotated[
        str, typer.Option("--output", "-o", metavar="DIR", help="Folder to build the site in.")
    ],
    on: On = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            help="Where the site will be served (https://example.github.io/retracker/): the feed's links.",
        ),
    ] = None,
    repo_url: Annotated[
        str | None,
        typer.Option("--repo-url", metavar="URL", help="Repository for the 'edit this event' links."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Write into a non-empty folder that is not a site build (keeps its files)."
        ),
    ] = False,
) -> None:
    """Build the log as a static web site: what is in force, the timeline, one page per
    event, material and country, an Atom feed, a calendar and the downloads.

    The site works from disk (file://), from any sub-path and offline. The same log and
    --on give the same bytes. Nothing outside DIR is touched; DIR must be new, empty or an
    earlier site build (--force adds the site beside other files, never deleting them).

    Examples:

    \b
      retracker site -o site && python -m http.server -d site
      retracker site -o site --on 2026-06-30 --lang zh
    """
    import time
    from pathlib import Path

    from ..dataset import load_dataset, resolve_data_dir
    from ..site import DEFAULT_REPO_URL, build_site

    _check_folder(output)
    day = _today(on)
    started = time.perf_counter()
    ds = load_dataset(resolve_data_dir(_state(ctx).get("data")))
    _read_warning(ds)
    _coverage_warning(ds.coverage, day)
    report = build_site(
        ds,
        Path(output),
        on=day,
        lang=_lang(ctx),
        base_url=base_url,
        repo_url=repo_url or DEFAULT_REPO_URL,
        force=force,
    )
    seconds = time.perf_counter() - started
    typer.echo(
        f"wrote {len(report.files)} file(s), {report.pages} page(s), to {output} "
        f"({report.events} event(s), as of {day}; {seconds:.1f} s)",
        err=True,
    )


def _check_folder(output: str) -> None:
    """A site is a folder: an empty value, or ``-`` (standard output elsewhere), is an error,
    not the current folder or a folder named ``-``."""
    if output.strip() and output != "-":
        return
    from ..diagnostics import RetrackerError

    what = "is empty" if not output.strip() else "cannot be standard output (-): a site is a folder"
    raise RetrackerError(f"--output {what}", hint="give a folder, e.g. -o site")
