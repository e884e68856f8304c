"""JSON output shared by the listings (``--json``) and ``export``: one form, written in batches."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

_INVISIBLE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters JSON may carry raw that a terminal acts on or that reorder text (DEL and the C1
controls, bidi marks, overrides and isolates, line and paragraph separators); the C0
controls are escaped by ``json.dumps`` already."""


def inert(text: str) -> str:
    """JSON text with every :data:`_INVISIBLE` character written as a ``\\uXXXX`` escape: the
    same JSON value, nothing raw for a terminal (they can only occur inside strings)."""
    if text.isascii():
        return text.replace("\x7f", "\\u007f")
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dump_json(payload: Any) -> str:
    return inert(json.dumps(payload, ensure_ascii=False, indent=2))


def array_chunks(items: Iterable[str], batch: int = 500) -> Iterator[str]:
    """A JSON array of items already dumped with ``indent=2``, written as ``json.dumps`` of
    the whole list would write it, a batch of items at a time."""
    texts: list[str] = []
    first = True
    for item in items:
        texts.append(("[\n  " if first else ",\n  ") + item.replace("\n", "\n  "))
        first = False
        if len(texts) >= batch:
            yield "".join(texts)
            texts.clear()
    yield "".join(texts) + "\n]\n" if not first else "[]\n"
