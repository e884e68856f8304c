"""Boolean environment variables, read one way: 1/0, true/false, yes/no, on/off (any case).

Unset or empty is the default; anything else is a usage error that names the variable
(``RETRACKER_DEBUG=0`` is off, ``RETRACKER_NO_CACHE=false`` keeps the cache).
"""

from __future__ import annotations

import os

from .diagnostics import RetrackerError

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}
FLAGS = ("RETRACKER_DEBUG", "RETRACKER_NO_CACHE")


def flag(name: str, default: bool = False) -> bool:
    """The variable's truth value; RetrackerError for a value that is neither."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise RetrackerError(
        f"{name}={os.environ.get(name)!r} is not a yes/no value", hint="use 1/0, true/false or yes/no"
    )


def flag_or(name: str, default: bool = False) -> bool:
    """Like :func:`flag`, but a bad value reads as ``default`` (for error paths)."""
    try:
        return flag(name, default)
    except RetrackerError:
        return default


def check_all() -> None:
    """Raise for the first boolean variable with a value that is neither yes nor no."""
    for name in FLAGS:
        flag(name)
