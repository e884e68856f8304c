"""`retracker new`: write a new event file from a template, never over an existing one."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import _state, app
from .options import _complete_country, _complete_kind


@app.command()
def new(
    ctx: typer.Context,
    date: Annotated[
        str, typer.Option(prompt="Date (YYYY-MM-DD)", metavar="TEXT", help="Date announced or signed.")
    ],
    issuer: Annotated[
        str,
        typer.Option(
            prompt="Issuer (ISO code)", help="Acting jurisdiction.", autocompletion=_complete_country
        ),
    ],
    kind: Annotated[
        str, typer.Option(prompt="Kind", metavar="TEXT", help="Event kind.", autocompletion=_complete_kind)
    ],
    title: Annotated[str, typer.Option(prompt="Title", metavar="TEXT", help="Short English title.")],
    authority: Annotated[
        str | None, typer.Option(metavar="TEXT", help="The acting body (MOFCOM, BIS ...).")
    ] = None,
    number: Annotated[str | None, typer.Option(metavar="TEXT", help="Instrument number, e.g. 61.")] = None,
) -> None:
    """Scaffold an event file with the right id and path; fill its TODOs from a source.

    Examples:

    \b
      retracker new --date 2026-11-10 --issuer CN --kind suspension --title "Extension"
      retracker new  (asks for date, issuer, kind and title)
    """
    from .. import datadir
    from ..scaffold import Draft, create, parse_date

    day = parse_date(date)
    found = datadir.find(_state(ctx).get("data"))
    datadir.refuse_installed(found)
    path = create(found.path, Draft(day, issuer, kind, title, authority, number))
    typer.echo(str(path))
    typer.echo("fill in the TODOs from the source you read, then: retracker lint " + str(path), err=True)
