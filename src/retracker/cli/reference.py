"""`retracker materials`, `countries` and `schema`: the vocabularies and the event schema."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import app
from .common import _lang, _print, _print_json
from .options import AsJson


@app.command()
def materials(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Materials the filters accept: elements, material keys, groups and their members.

    `-e TERM` finds events on the term and its members (direct), and, widened, events on the
    groups that contain it and the materials derived from it ("Also finds": shown "via ...");
    --exact turns the widening off.
    """
    from ..query import also_finds
    from ..vocab import MATERIALS

    if as_json:
        _print_json(
            [
                {
                    "key": m.key,
                    "name": m.name,
                    "name_zh": m.name_zh,
                    "type": m.type,
                    "members": list(m.members),
                    "aliases": list(m.aliases),
                    "also_finds": also_finds(m.key),
                }
                for m in MATERIALS.values()
            ]
        )
        return
    from ..render import materials_table

    _print(materials_table(_lang(ctx)))
    typer.echo(
        "listings show widened matches as 'via ...'; --exact turns them off",
        err=True,
    )


@app.command()
def countries(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Country codes the filters accept (ISO 3166-1 alpha-2, EU, G7, WTO, ALL), with names."""
    from ..vocab import country_codes, country_name

    if as_json:
        _print_json(
            [{"code": c, "name": country_name(c), "name_zh": country_name(c, "zh")} for c in country_codes()]
        )
        return
    from ..render import countries_table

    _print(countries_table(_lang(ctx)))


@app.command()
def schema(
    series: Annotated[
        bool, typer.Option("--series", help="The schema of a trade series file instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of an event file (committed as schema/event.schema.json), or with
    --series of a trade series file (schema/series.schema.json)."""
    if series:
        from ..series import series_json_schema

        _print_json(series_json_schema())
        return
    from ..model import event_json_schema

    _print_json(event_json_schema())
