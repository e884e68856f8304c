"""The start-up floor for a typer + rich CLI: one command that prints a 20-row rich table.

Any typer command that prints a table pays at least this much (interpreter, typer, click,
pydantic via typer, rich). ``retracker --version`` and ``--help`` should cost less (they need
no table); ``retracker show --element Sb`` on 100 events should cost little more.

    python bench/minimal_app.py
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False)


@app.command()
def main(rows: int = typer.Option(20, help="How many rows to print.")) -> None:
    """Print a table shaped like `retracker show --element Sb`."""
    table = Table("Date", "Issuer", "Kind", "Title", "Status", "Reason")
    for i in range(rows):
        table.add_row(
            f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "CN",
            "export-control",
            f"Export controls on antimony and superhard-material items, batch {i + 1}",
            "in-force",
            f"in force since 2025-{1 + i % 12:02d}-15",
        )
    Console(highlight=False).print(table)


if __name__ == "__main__":
    app()
