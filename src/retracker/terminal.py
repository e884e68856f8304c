"""What reaches the terminal: data text made inert, and the pager for long output.

A title, summary or URL in an event file is data, never instructions to the terminal: an
escape sequence could clear the screen, retitle the window or hide text from a reviewer, and a
bidi override could show text in an order other than the bytes'. :func:`clean` turns every
such character into a visible stand-in, so what is printed is what the file says.
"""

from __future__ import annotations

import re

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
