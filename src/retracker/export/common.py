"""What every export format shares: the order of events and JSON that refuses NaN."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..diagnostics import RetrackerError
from ..jsonout import inert
from ..model import Event


def sort_events(events: Iterable[Event]) -> list[Event]:
    """Events in export order: by date, then id."""
    return sorted(events, key=lambda e: (e.date, e.id))


def json_dumps(value: Any, where: str, **options: Any) -> str:
    """``json.dumps`` that refuses NaN and infinities (not JSON) with a fixable error."""
    try:
        return inert(json.dumps(value, ensure_ascii=False, allow_nan=False, **options))
    except ValueError:
        raise RetrackerError(
            f"{where}: a figure's value is not a finite number (NaN or infinity)",
            hint="fix the value in the event file",
        ) from None
