"""retracker: a tracker of policy events on rare earths and other critical minerals.

The library API (the CLI is a thin adapter over it)::

    import retracker
    ds = retracker.load_dataset()                 # --data / RETRACKER_DATA / bundled log
    retracker.events_for(ds, material="Sb")       # filters, as `retracker show --element Sb`
    retracker.lint_paths(["data/events"])         # diagnostics as values
    retracker.StatusEngine(ds).status(id, date)   # what is in force
    retracker.load_series()                       # the trade series (data/series/)

Names are imported lazily so that `retracker --version` stays fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_dataset": "dataset",
    "Dataset": "dataset",
    "Event": "model",
    "Diagnostic": "diagnostics",
    "RetrackerError": "diagnostics",
    "lint_paths": "lint",
    "LintResult": "lint",
    "Filters": "query",
    "filter_events": "query",
    "events_for": "query",
    "parse_when": "query",
    "StatusEngine": "status",
    "export": "export",
    "load_series": "series",
    "points_as_dicts": "series",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'retracker' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)
