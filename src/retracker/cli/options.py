"""Options several commands share (--element, --country, --since, ...) and shell completion."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Annotated

import typer

# ------------------------------------------------------------------ shared options


def _complete_material(incomplete: str) -> list[str]:
    """Keys and names (English, Chinese, aliases) that start with what was typed."""
    from ..vocab import material_spellings

    return _starting(material_spellings(), incomplete)


def _complete_country(incomplete: str) -> list[str]:
    """Codes and names that start with what was typed."""
    from ..vocab import country_codes, country_name

    return _starting([*country_codes(), *(country_name(c) for c in country_codes())], incomplete)


def _starting(names: Iterable[str], incomplete: str) -> list[str]:
    """Names that start with ``incomplete`` in any case, each spelling once."""
    low = incomplete.casefold()
    found: dict[str, str] = {}
    for name in names:
        if name.casefold().startswith(low):
            found.setdefault(name.casefold(), name)
    return sorted(found.values())


def _complete_kind(incomplete: str) -> list[str]:
    from ..model import KINDS

    return [k for k in KINDS if k.startswith(incomplete.casefold())]


def _complete_id(incomplete: str) -> list[str]:
    """Ids and instrument keys that start with what was typed, in any case."""
    try:
        from ..dataset import load_dataset

        events = load_dataset(os.environ.get("RETRACKER_DATA")).live
    except Exception:
        return []
    low = incomplete.casefold()
    names = [e.id for e in events] + [e.instrument_key for e in events if e.instrument_key]
    return sorted(n for n in names if n.casefold().startswith(low))


Element = Annotated[
    list[str] | None,
    typer.Option(
        "--element",
        "-e",
        metavar="MATERIAL",
        help="Material: symbol, name, Chinese name or group; repeat or write Ga,Ge. Finds what is"
        " derived from it and the groups that contain it (each row says how it matched).",
        autocompletion=_complete_material,
    ),
]
Country = Annotated[
    list[str] | None,
    typer.Option(
        "--country",
        "-c",
        metavar="CODE",
        help="Issuer, party or target (repeatable; US,JP); a member finds its groups' acts (via EU)"
        " and measures on ALL.",
        autocompletion=_complete_country,
    ),
]
Issuer = Annotated[
    list[str] | None,
    typer.Option(
        "--issuer",
        metavar="CODE",
        help="Acting jurisdiction or party to a deal (repeatable); a member finds its groups' acts.",
        autocompletion=_complete_country,
    ),
]
Target = Annotated[
    list[str] | None,
    typer.Option(
        "--target",
        metavar="CODE",
        help="Jurisdiction a measure applies to (repeatable); measures on ALL or on its groups match.",
        autocompletion=_complete_country,
    ),
]
Exact = Annotated[
    bool,
    typer.Option("--exact", help="No widening: only the materials and countries named, no groups or ALL."),
]
Kind = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        "-k",
        metavar="KIND",
        help="Event kind, any case (repeatable; export-ban,tariff).",
        autocompletion=_complete_kind,
    ),
]
Since = Annotated[
    str | None,
    typer.Option(
        metavar="DATE",
        help="From this date: 2025, 2025-05, 'May 2025', 2025-05-12, 'Q2 2025', 'last month', '30 days ago'.",
    ),
]
Until = Annotated[
    str | None, typer.Option(metavar="DATE", help="Up to this date; a partial date covers its whole period.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Excel = Annotated[
    bool, typer.Option("--excel", help="CSV for Excel: UTF-8 with a byte order mark (Chinese reads right).")
]
On = Annotated[
    str | None, typer.Option("--on", metavar="DATE", help="The date to answer for (default: today).")
]
