"""JSON output shared by the listings (``--json``) and ``export``: one form, written in batches."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


def dump_json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2)


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
