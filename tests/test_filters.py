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


# ------------------------------------------------------------------ widening and how a row matched

DY = "2025-04-04-cn-dy"
GROUP = "2025-04-05-cn-rare-earths"
MAGNETS = "2025-04-06-cn-magnets"
SB = "2025-04-07-cn-sb"
EU_AIMED = "2025-04-08-cn-eu"
DE_OWN = "2025-04-09-de-own"


@pytest.fixture
def wide_log(log: LogBuilder) -> Path:
    log.add(id=DY, date="2025-04-04", materials=["Dy"], instrument_key=None, targets=["US"])
    log.add(id=GROUP, date="2025-04-05", materials=["rare-earths"], instrument_key=None, targets=["US"])
    log.add(
        id=MAGNETS, date="2025-04-06", materials=["rare-earth-magnets"], instrument_key=None, targets=["JP"]
    )
    log.add(id=SB, date="2025-04-07", materials=["Sb"], instrument_key=None, targets=["ALL"])
    log.add(id=EU_AIMED, date="2025-04-08", materials=["Ga"], instrument_key=None, targets=["EU"])
    log.add(id=DE_OWN, date="2025-04-09", issuer="DE", materials=["Ga"], instrument_key=None, targets=["CN"])
    return log.root


def matched(data: Path, *args: str, cache: bool = True) -> dict[str, str]:
    result = run(data, "timeline", *args, "--json", cache=cache)
    assert result.exit_code == 0, result.output
    return {e["id"]: e["matched"] for e in json.loads(result.stdout)}


def test_material_reach_in_the_library() -> None:
    from retracker.query import material_reach

    dy = material_reach(("Dy",))
    assert dy["Dy"] is True and dy["rare-earths"] is False and dy["heavy-rare-earths"] is False
    assert dy["rare-earth-magnets"] is False and "light-rare-earths" not in dy and "Tb" not in dy
    group = material_reach(("rare-earths",))
    assert group["Dy"] is True and group["heavy-rare-earths"] is True
    assert {"rare-earth-magnets", "rare-earth-technology", "rare-earth-equipment"} <= set(group)
    assert set(material_reach(("Dy",), exact=True)) == {"Dy"}
    assert material_reach(("Li",))["lithium-battery"] is False


@pytest.mark.parametrize("cache", [True, False])
def test_a_rare_earth_finds_its_group_and_derived_materials_and_says_so(wide_log: Path, cache: bool) -> None:
    assert matched(wide_log, "-e", "Dy", cache=cache) == {
        DY: "direct",
        GROUP: "via rare-earths",
        MAGNETS: "via rare-earth-magnets",
    }
    assert matched(wide_log, "-e", "Dy", "--exact", cache=cache) == {DY: "direct"}
    assert matched(wide_log, "-e", "rare earths", cache=cache) == {
        DY: "direct",
        GROUP: "direct",
        MAGNETS: "via rare-earth-magnets",
    }


@pytest.mark.parametrize("cache", [True, False])
def test_a_member_state_finds_what_is_aimed_at_the_eu(wide_log: Path, cache: bool) -> None:
    assert matched(wide_log, "-c", "DE", cache=cache) == {SB: "via ALL", EU_AIMED: "via EU", DE_OWN: "direct"}
    assert matched(wide_log, "-c", "Germany", "--exact", cache=cache) == {DE_OWN: "direct"}
    assert matched(wide_log, "--target", "DE", cache=cache) == {SB: "via ALL", EU_AIMED: "via EU"}
    assert matched(wide_log, "--issuer", "DE", cache=cache) == {DE_OWN: "direct"}
    assert matched(wide_log, "-e", "Dy", "-c", "US", cache=cache) == {DY: "direct", GROUP: "via rare-earths"}


# ------------------------------------------------------------------ one set of filters, values, dates


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("today", "2026-12-02", "2026-12-02"),
        ("yesterday", "2026-12-01", "2026-12-01"),
        ("last month", "2026-11-01", "2026-11-30"),
        ("This Year", "2026-01-01", "2026-12-31"),
        ("last quarter", "2026-07-01", "2026-09-30"),
        ("last week", "2026-11-23", "2026-11-29"),
        ("Q2 2025", "2025-04-01", "2025-06-30"),
        ("2025-Q4", "2025-10-01", "2025-12-31"),
        ("30 days ago", "2026-11-02", "2026-11-02"),
        ("2 months ago", "2026-10-02", "2026-10-02"),
        ("1 year ago", "2025-12-02", "2025-12-02"),
        ("May 2025", "2025-05-01", "2025-05-31"),
        ("2024", "2024-01-01", "2024-12-31"),
    ],
)
def test_relative_and_period_dates(text: str, start: str, end: str) -> None:
    import datetime as dt

    from retracker.query import parse_when

    today = dt.date(2026, 12, 2)
    assert parse_when(text, today=today).isoformat() == start
    assert parse_when(text, end=True, today=today).isoformat() == end


def test_since_after_until_is_an_error_that_says_so(wide_log: Path) -> None:
    result = run(wide_log, "timeline", "--since", "2025-06", "--until", "2025-05")
    assert result.exit_code == 2
    assert "--since 2025-06-01 is after --until 2025-05-31" in result.stderr
    far = run(wide_log, "timeline", "--since", "99999 years ago")
    assert far.exit_code == 2 and "out of range" in far.stderr and "Traceback" not in far.output


def test_values_in_any_case_and_lists_with_commas(wide_log: Path) -> None:
    assert ids_of(wide_log, "timeline", "--kind", "Export-Control", "-e", "Dy,Sb", "--exact") == [DY, SB]
    assert ids_of(wide_log, "timeline", "-k", "EXPORT CONTROL", "-e", "dy", "-e", "SB", "--exact") == [DY, SB]
    assert ids_of(wide_log, "timeline", "-c", "Korea, Republic of") == [SB]  # a name with a comma
    csv = run(wide_log, "export", "-f", "CSV", "-e", "Sb", "--exact")
    assert csv.exit_code == 0 and csv.stdout.startswith("id,")
    assert run(wide_log, "--lang", "ZH", "timeline").exit_code == 0
    bad = run(wide_log, "timeline", "--kind", "export-bam")
    assert bad.exit_code == 2 and "did you mean export-ban?" in bad.stderr


def test_suggestions_match_names_too(wide_log: Path) -> None:
    result = run(wide_log, "timeline", "-e", "antimon")
    assert result.exit_code == 2
    assert "did you mean antimony (Sb)?" in result.stderr and "Sn" not in result.stderr
    assert "did you mean Germany (DE)?" in run(wide_log, "timeline", "-c", "Germny").stderr
    assert "did you mean Dy?" in run(wide_log, "timeline", "-e", "Dyy").stderr


def test_completion_completes_names() -> None:
    from retracker.cli import _complete_country, _complete_kind, _complete_material

    assert "antimony" in _complete_material("antim")
    assert "Sb" in _complete_material("s")
    assert "Japan" in _complete_country("Jap") and "JP" in _complete_country("j")
    assert _complete_kind("EXPORT-B") == ["export-ban"]


@pytest.mark.parametrize("cache", [True, False])
def test_status_country_means_issuer_or_target_as_everywhere(wide_log: Path, cache: bool) -> None:
    """`status -c CN` used to mean "targets CN" only; now it is -c as in every command."""
    rows = run(wide_log, "status", "--on", "2025-12-01", "-c", "DE", "--json", cache=cache)
    assert rows.exit_code == 0, rows.output
    got = {r["id"]: r["matched"] for r in json.loads(rows.stdout)}
    assert got == {SB: "via ALL", EU_AIMED: "via EU", DE_OWN: "direct"}
    aimed = run(wide_log, "status", "--on", "2025-12-01", "--target", "DE", "--exact", "--json", cache=cache)
    assert json.loads(aimed.stdout) == []


@pytest.mark.parametrize(
    "command",
    [
        ["timeline"],
        ["show"],
        ["status", "--on", "2025-12-01"],
        ["upcoming", "--from", "2025-01-01", "--days", "365"],
        ["search", "test"],
        ["export", "-f", "json"],
    ],
)
def test_every_query_command_takes_the_same_filters(wide_log: Path, command: list[str]) -> None:
    as_json = [] if command[0] == "export" else ["--json"]
    args = ["-e", "Ga", "-c", "DE", "--issuer", "DE", "-k", "export-control", "--exact", *as_json]
    result = run(wide_log, *command, *args)
    assert result.exit_code == 0, result.output
    found = {e["id"] for e in json.loads(result.stdout)}
    assert found <= {DE_OWN}
    wider = run(wide_log, *command, "-e", "Ga", "--target", "Germany", *as_json)
    assert wider.exit_code == 0, wider.output
    assert EU_AIMED in {e["id"] for e in json.loads(wider.stdout)} or command[0] == "upcoming"


def test_materials_says_what_a_term_also_finds() -> None:
    result = runner.invoke(app, ["materials", "--json"])
    by_key = {m["key"]: m for m in json.loads(result.stdout)}
    assert "rare-earths" in by_key["Dy"]["also_finds"]
    assert "rare-earth-magnets" in by_key["rare-earths"]["also_finds"]
    text = runner.invoke(app, ["materials"])
    assert "Also finds" in text.stdout and "--exact" in text.stderr


# ------------------------------------------------------------------ search: capped, handle, snippet, bounded


@pytest.mark.parametrize("cache", [True, False])
def test_search_says_when_it_capped_and_shows_a_snippet(wide_log: Path, cache: bool) -> None:
    result = run(wide_log, "search", "test", "--limit", "2", cache=cache)
    assert result.exit_code == 0, result.output
    assert "2 of 6 shown; --limit N shows more" in result.stderr
    assert "A test measure." in result.stdout and "Matched text" in result.stdout
    rows = json.loads(run(wide_log, "search", "measure", "--limit", "1", "--json", cache=cache).stdout)
    assert rows[0]["snippet"] == "A test measure." and rows[0]["matched"] == "direct"
    whole = run(wide_log, "search", "test", cache=cache)
    assert "shown; --limit" not in whole.stderr


def test_search_bounds_its_query() -> None:
    from retracker.search import MAX_TERMS, cut_terms, snippet

    terms, distinct = cut_terms("rare " * 5000 + '"de minimis" Rare')
    assert terms == ["de minimis", "rare"] and distinct == 2
    many, distinct = cut_terms(" ".join(f"w{i}" for i in range(40)))
    assert len(many) == MAX_TERMS and distinct == 40
    text = {"summary": "x " * 50 + "the de minimis rule applies from 1 December " + "y " * 50}
    assert "de minimis" in snippet(text, ["de", "minimis", "de minimis"])


def test_a_query_of_many_repeated_words_is_fast(wide_log: Path) -> None:
    import time

    for cache in (True, False):
        start = time.perf_counter()
        result = run(wide_log, "search", "test " * 20000 + "measure " * 20000, "--json", cache=cache)
        assert result.exit_code == 0, result.output
        assert len(json.loads(result.stdout)) == 6
        assert time.perf_counter() - start < 5


def test_listings_show_how_a_row_matched(wide_log: Path) -> None:
    out = run(wide_log, "timeline", "-e", "Dy").stdout
    assert "Matched" in out and "via rare-earths" in out and "via rare-earth-magnets" in out
    assert "Matched" not in run(wide_log, "timeline", "-e", "Dy", "--exact").stdout
    status = run(wide_log, "status", "--on", "2025-12-01", "-c", "DE").stdout
    assert "via EU" in status and "via ALL" in status
    shown = run(wide_log, "show", "-e", "Dy", "--on", "2025-12-01").stdout
    assert "via rare-earths" in shown


def test_upcoming_window_by_since_and_until() -> None:
    from typer.testing import CliRunner

    from retracker.cli import app

    runner = CliRunner()
    by_days = runner.invoke(app, ["upcoming", "--from", "2025-01-01", "--days", "364", "--json"])
    by_until = runner.invoke(app, ["upcoming", "--since", "2025-01", "--until", "2025", "--json"])
    assert by_days.exit_code == by_until.exit_code == 0, by_until.output
    assert json.loads(by_until.stdout) == json.loads(by_days.stdout)
    dates = [c["date"] for c in json.loads(by_until.stdout)]
    assert dates and min(dates) >= "2025-01-01" and max(dates) <= "2025-12-31"
    swapped = runner.invoke(app, ["upcoming", "--since", "2026", "--until", "2025"])
    assert swapped.exit_code == 2 and "is after --until" in swapped.output
    both = runner.invoke(app, ["upcoming", "--from", "2025-01-01", "--since", "2025"])
    assert both.exit_code == 2 and "not both" in both.output
