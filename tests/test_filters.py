"""Filters: one meaning everywhere, widening and how a row matched, parties, dates, values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker import load_dataset
from retracker.cli import app
from retracker.lint import lint_paths
from retracker.query import Filters, filter_events

from .conftest import LogBuilder

runner = CliRunner()

DEAL = "2025-10-28-us-jp-critical-minerals-framework"


def run(data: Path, *args: str, cache: bool = True):
    return runner.invoke(app, [*([] if cache else ["--no-cache"]), "--data", str(data), *args])


def ids_of(data: Path, *args: str, cache: bool = True) -> list[str]:
    result = run(data, *args, "--json", cache=cache)
    assert result.exit_code == 0, result.output
    return [e["id"] for e in json.loads(result.stdout)]


@pytest.fixture
def parties_log(log: LogBuilder) -> Path:
    log.add(
        id=DEAL,
        date="2025-10-28",
        kind="deal",
        issuer="US",
        parties=["JP"],
        targets=[],
        instrument_key=None,
        materials=["critical-minerals"],
    )
    log.add(id="2025-04-04-cn-control", instrument_key=None, targets=["US"])
    return log.root


@pytest.mark.parametrize("cache", [True, False])
def test_a_deal_is_found_under_each_party(parties_log: Path, cache: bool) -> None:
    assert ids_of(parties_log, "timeline", "--issuer", "JP", cache=cache) == [DEAL]
    assert ids_of(parties_log, "timeline", "--issuer", "US", cache=cache) == [DEAL]
    assert ids_of(parties_log, "timeline", "-c", "Japan", cache=cache) == [DEAL]
    assert ids_of(parties_log, "timeline", "--issuer", "CN", cache=cache) == ["2025-04-04-cn-control"]


def test_parties_in_the_library_and_json(parties_log: Path) -> None:
    ds = load_dataset(parties_log)
    assert [e.id for e in filter_events(ds.events, Filters.build(issuer="JP"))] == [DEAL]
    assert ds.by_id[DEAL].to_json()["parties"] == ["JP"]


def test_lint_rejects_a_party_that_repeats_the_issuer_or_itself(log: LogBuilder) -> None:
    path = log.add(id="2025-01-01-us-deal", kind="deal", issuer="US", parties=["US", "JP", "JP", "ALL"])
    found = [(d.code, d.message) for d in lint_paths([str(path)]).diagnostics if d.code == "RT230"]
    assert found == [
        ("RT230", "party US is the issuer; list only the other parties"),
        ("RT230", "party JP repeated"),
        ("RT230", "ALL is not a party; list the parties by code"),
    ]
