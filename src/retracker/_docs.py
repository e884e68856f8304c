"""Regenerate the README's generated blocks: `python -m retracker._docs README.md`.

A block sits between ``<!-- BEGIN name -->`` and ``<!-- END name -->``. ``name`` is either
``lint-codes`` (the table from the check registry) or ``$ retracker ...``: that command run
on the bundled log with a pinned terminal (80 columns, the common default; no colour), its output in a code
block. tests/test_docs.py fails when the README is out of date.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

BLOCK = re.compile(r"(<!-- BEGIN (.+?) -->\n)(.*?)(<!-- END \2 -->)", re.S)
WIDTH = "80"


def run_command(command: str) -> str:
    from typer.testing import CliRunner

    from .cli import app

    env = {
        "COLUMNS": WIDTH,
        "TERMINAL_WIDTH": WIDTH,
        "NO_COLOR": "1",
        "TERM": "dumb",
        "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        args = shlex.split(command)[1:]
        result = CliRunner().invoke(app, args)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    return "\n".join(lines).strip("\n")


def render_block(name: str) -> str:
    if name == "lint-codes":
        from .lint import codes_markdown

        return codes_markdown() + "\n"
    if name.startswith("$ "):
        return f"```\n{name}\n{run_command(name[2:])}\n```\n"
    raise ValueError(f"unknown README block {name!r}")


def regenerate(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + render_block(m.group(2)) + m.group(4), text)


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "README.md")
    old = path.read_text(encoding="utf-8")
    new = regenerate(old)
    if "--check" in argv:
        return 0 if new == old else 1
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
