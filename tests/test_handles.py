"""Handles (what listings print) and resolution (what `show` accepts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker.cli import app
from retracker.diagnostics import RetrackerError
from retracker.handles import Ambiguous, Entry, Resolved, handles, prefix_handles, resolve

from .conftest import LogBuilder

runner = CliRunner()

N61 = "2025-10-09-cn-mofcom-61-overseas-rare-earth-items"
N62 = "2025-10-09-cn-mofcom-62-rare-earth-technologies"
N46 = "2024-12-03-cn-mofcom-46-dual-use-items-us"
N18 = "2025-04-04-cn-mofcom-gacc-18-seven-rare-earths"
BUSAN = "2025-10-30-us-cn-busan-trump-xi-meeting"

ENTRIES = [
    Entry(N61, "CN-MOFCOM-2025-61"),
    Entry(N62, "CN-MOFCOM-2025-62"),
    Entry(N46, "CN-MOFCOM-2024-46"),
    Entry(N18, "CN-MOFCOM-GACC-2025-18"),
    Entry(BUSAN),
    Entry("2025-10-30-us-cn-busan", None),
    Entry("2025-11-01-cn-old-record", "CN-MOFCOM-2025-99", withdrawn=True),
    Entry("2025-11-02-cn-new-record", "CN-MOFCOM-2025-99"),
]


def test_handle_is_the_key_else_the_shortest_unique_prefix_in_whole_words() -> None:
    h = handles(ENTRIES)
    assert h[N61] == "CN-MOFCOM-2025-61"
    assert h[BUSAN] == "2025-10-30-us-cn-busan-trump"  # 2025-10-30-us-cn-busan is another id
    assert h["2025-10-30-us-cn-busan"] == "2025-10-30-us-cn-busan"
    # A withdrawn record never takes the key: the live one does.
    assert h["2025-11-02-cn-new-record"] == "CN-MOFCOM-2025-99"
    assert h["2025-11-01-cn-old-record"] == "2025-11-01-cn"


def test_every_prefix_handle_resolves_to_its_own_event() -> None:
    ids = [f"2025-01-0{d}-cn-{w}" for d in range(1, 4) for w in ("a", "ab", "a-b", "b", "a-bc")]
    for event_id, handle in prefix_handles(ids).items():
        assert handle.count("-") >= 3
        assert resolve(handle, [Entry(i) for i in ids]).id == event_id


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (N61, Resolved(N61)),
        (N61.upper(), Resolved(N61)),
        ("2025-10-09-cn-mofcom-61", Resolved(N61)),
        ("CN-MOFCOM-2025-61", Resolved(N61)),
        ("cn-mofcom-2025-61", Resolved(N61)),
        ("MOFCOM-2025-61", Resolved(N61)),
        ("MOFCOM 46/2024", Resolved(N46)),
        ("MOFCOM No. 46 of 2024", Resolved(N46)),
        ("MOFCOM Announcement No. 61 of 2025", Resolved(N61)),
        ("MOFCOM-GACC 18/2025", Resolved(N18)),
        ("mofcom 18/2025", Resolved(N18)),  # the joint announcement, when it is the only No. 18
        ("CN-MOFCOM-2025-61#de-minimis", Resolved(N61, "de-minimis")),
        (f"{N61}#De-Minimis", Resolved(N61, "de-minimis")),
        (f"data/events/2025/{N61}.yaml", Resolved(N61)),
        (f"/abs/path/{N61}.YAML", Resolved(N61)),
        ("  2024-12  ", Resolved(N46)),
    ],
)
def test_resolve(term: str, expected: Resolved) -> None:
    assert resolve(term, ENTRIES) == expected


def test_ambiguous_prefix_lists_the_candidates() -> None:
    with pytest.raises(Ambiguous) as caught:
        resolve("2025-10-09", ENTRIES)
    assert caught.value.candidates == [N61, N62]
    assert caught.value.exit_code == 2
    assert N61 in str(caught.value) and N62 in str(caught.value)


def test_names_of_materials_and_countries_point_to_the_filters() -> None:
    with pytest.raises(RetrackerError, match=r"^antimony is a material: retracker show -e antimony$"):
        resolve("antimony", ENTRIES)
    with pytest.raises(RetrackerError, match="rare earths is a material: retracker show -e 'rare earths'"):
        resolve("rare earths", ENTRIES)
    with pytest.raises(RetrackerError, match="China is a country: retracker show -c CN"):
        resolve("China", ENTRIES)


def test_unknown_term_suggests_close_ids() -> None:
    with pytest.raises(RetrackerError) as caught:
        resolve(N61.replace("items", "itemz"), ENTRIES)
    assert caught.value.hint is not None and N61 in caught.value.hint


# ------------------------------------------------------------------ through the CLI

SB = "2024-08-15-cn-mofcom-gacc-33-antimony"


@pytest.fixture
def data(log: LogBuilder) -> Path:
    log.add(
        id=SB,
        date="2024-08-15",
        instrument_key="CN-MOFCOM-GACC-2024-33",
        parts=[{"id": "article-2", "effective": "2024-09-15", "note": "the US clause"}],
    )
    log.add(id="2024-08-16-cn-one", date="2024-08-16", instrument_key=None)
    log.add(id="2024-08-16-cn-two", date="2024-08-16", instrument_key=None)
    return log.root


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
@pytest.mark.parametrize(
    "term",
    [SB, "2024-08-15", "CN-MOFCOM-GACC-2024-33", "mofcom-gacc 33/2024", SB.upper(), f"X/{SB}.yaml"],
)
def test_show_accepts_every_form(data: Path, cache: list[str], term: str) -> None:
    result = runner.invoke(app, [*cache, "--data", str(data), "show", term, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == SB


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_show_part_is_marked(data: Path, cache: list[str]) -> None:
    result = runner.invoke(app, [*cache, "--data", str(data), "show", "CN-MOFCOM-GACC-2024-33#article-2"])
    assert result.exit_code == 0, result.output
    assert "▶ part article-2" in result.stdout
    payload = json.loads(
        runner.invoke(app, [*cache, "--data", str(data), "show", f"{SB}#article-2", "--json"]).stdout
    )
    assert payload["selected_part"] == "article-2"
    bad = runner.invoke(app, [*cache, "--data", str(data), "show", f"{SB}#article-9"])
    assert bad.exit_code == 2
    assert "has no part 'article-9' (its parts: article-2)" in bad.stderr


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_show_ambiguous_and_vocabulary(data: Path, cache: list[str]) -> None:
    result = runner.invoke(app, [*cache, "--data", str(data), "show", "2024-08-16"])
    assert result.exit_code == 2
    assert "'2024-08-16' matches 2 events" in result.stderr
    assert "2024-08-16-cn-one" in result.stderr and "2024-08-16-cn-two" in result.stderr
    assert "Traceback" not in result.output
    material = runner.invoke(app, [*cache, "--data", str(data), "show", "antimony"])
    assert material.exit_code == 2
    assert "antimony is a material: retracker show -e antimony" in material.stderr


def test_index_entries_match_the_yaml(data: Path) -> None:
    from retracker import cache, load_dataset
    from retracker.handles import entries_of

    found = cache.entries(data)
    assert found is not None
    assert sorted(found[0], key=lambda e: e.id) == sorted(
        entries_of(load_dataset(data).events), key=lambda e: e.id
    )
