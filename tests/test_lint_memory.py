"""lint over a big walk keeps bounded state (issue 16, scale): the parses made to locate
cross-file findings are dropped past a budget instead of being kept for every file."""

from __future__ import annotations

from pathlib import Path

import pytest

from retracker import dataset
from retracker.dataset import Dataset, load_dataset
from retracker.lint import lint_paths

from .conftest import LogBuilder


def test_locate_keeps_a_bounded_number_of_parses(log: LogBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [log.add(id=f"2025-04-04-cn-test-{i}", instrument_key=None) for i in range(40)]
    size = len(paths[0].read_text(encoding="utf-8"))
    monkeypatch.setattr(dataset, "LOCATED_TEXT", 3 * size)
    ds = Dataset(log.root, [])
    held = 0
    for path in paths * 2:
        assert ds.locate(path, ("title",)) == (2, 8)  # title: after the id
        held = max(held, len(ds._located))
    assert held <= 3
    assert ds.locate(paths[-1], ("sources", 0, "url")) == ds.locate(paths[-1], ("sources", 0, "url"))


def test_a_finding_on_every_file_still_locates_each(log: LogBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    """RT205 fires on every file (one instrument key for all): each finding has its line."""
    for i in range(30):
        log.add(id=f"2025-04-04-cn-test-{i}")
    monkeypatch.setattr(dataset, "LOCATED_TEXT", 1)  # keep one parse at a time
    found = [d for d in lint_paths(data=log.root).diagnostics if d.code == "RT205"]
    assert len(found) == 29
    whole = load_dataset(log.root, keep_documents=True)
    for d in found:
        assert (d.line, d.col) == whole.locate(Path(d.path), ("instrument_key",))
