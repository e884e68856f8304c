"""What reaches the terminal: data text made inert, and the pager for long output.

A title, summary or URL in an event file is data, never instructions to the terminal: an
escape sequence could clear the screen, retitle the window or hide text from a reviewer, and a
bidi override could show text in an order other than the bytes'. :func:`clean` turns every
such character into a visible stand-in, so what is printed is what the file says.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import TextIO

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Bidi marks, embeddings, overrides and isolates."""

_UNSAFE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{BIDI}\u2028\u2029]")


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    if ch == "\t":
        return " "
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC, ␍ for CR
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def hidden(text: str) -> bool:
    """Does ``text`` hold a character :func:`clean` would replace (a tab, a line break, a
    control character, an escape sequence, a bidi control)?"""
    return not (text.isascii() and text.isprintable()) and bool(_UNSAFE.search(text) or "\n" in text)


def clean(text: str, newlines: bool = True) -> str:
    """``text`` with control characters, escape sequences and bidi controls made visible.

    A tab becomes a space; a newline stays when ``newlines`` is true (a cell's own line
    breaks) and becomes a space otherwise.
    """
    if text.isascii() and text.isprintable():
        return text
    if not newlines:
        text = text.replace("\r\n", " ").replace("\n", " ")
    return _UNSAFE.sub(_visible, text)


# ------------------------------------------------------------------ pager

PAGING = True
"""False after ``--no-pager``."""


def pager_argv() -> list[str] | None:
    """The pager to run: ``$RETRACKER_PAGER``, else ``$PAGER``, else ``less``; None for ``cat`` or empty."""
    import os
    import shlex

    command = os.environ.get("RETRACKER_PAGER", os.environ.get("PAGER", "less")).strip()
    if command in ("", "cat"):
        return None
    try:
        return shlex.split(command)
    except ValueError:
        return None


@contextlib.contextmanager
def paged() -> Iterator[TextIO | None]:
    """A text stream into the pager when stdout is a terminal (as git and gh page), else None.

    ``less`` gets ``LESS=FRX`` unless the user set ``LESS``: it quits at once when the output
    fits on one screen, shows colour, and leaves the text on the screen.
    """
    import io
    import os
    import subprocess
    import sys

    argv = pager_argv() if PAGING and sys.stdout.isatty() else None
    if argv is None:
        yield None
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError:  # no such pager: print straight to the terminal
        yield None
        return
    assert proc.stdin is not None
    stream = io.TextIOWrapper(proc.stdin, encoding="utf-8", errors="replace")
    try:
        yield stream
        stream.flush()
    except BrokenPipeError:  # the reader quit the pager before the end
        pass
    finally:
        with contextlib.suppress(BrokenPipeError, OSError):
            stream.close()
        proc.wait()
