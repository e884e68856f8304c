"""The index: rebuilt on every kind of change, ignored when corrupt, safe under races."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker import cache
from retracker.cli import app
from retracker.query import Filters

from .conftest import LogBuilder, event_dict

runner = CliRunner()


@pytest.fixture
def data(log: LogBuilder) -> Path:
    log.add(id="2024-08-15-cn-antimony", date="2024-08-15", materials=["Sb"], instrument_key=None)
    log.add(id="2025-04-04-cn-dysprosium", materials=["Dy"], instrument_key=None)
    return log.root


def ids(data: Path, *args: str) -> list[str]:
    result = runner.invoke(app, ["--data", str(data), "timeline", "--json", *args])
    assert result.exit_code == 0, result.output
    return [e["id"] for e in json.loads(result.stdout)]


def bump(path: Path) -> None:
    """Make sure a rewrite changes the mtime even on coarse clocks."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_index_is_built_and_used(data: Path) -> None:
    assert ids(data, "-e", "Sb") == ["2024-08-15-cn-antimony"]
    path = cache.index_path(data)
    assert path.is_file()
    index = cache.open_index(data)
    assert index is not None
    assert index.select(Filters.build(material="Sb")) == ["2024-08-15-cn-antimony"]
    index.close()


def test_edit_add_delete_rename_invalidate(data: Path, log: LogBuilder) -> None:
    assert ids(data, "-e", "Dy") == ["2025-04-04-cn-dysprosium"]
    dy = data / "events" / "2025" / "2025-04-04-cn-dysprosium.yaml"
    dy.write_text(dy.read_text().replace("- Dy", "- Tb"))
    bump(dy)
    assert ids(data, "-e", "Dy") == []
    assert ids(data, "-e", "Tb") == ["2025-04-04-cn-dysprosium"]
    log.add(id="2025-05-01-cn-added", date="2025-05-01", materials=["Tb"], instrument_key=None)
    assert ids(data, "-e", "Tb") == ["2025-04-04-cn-dysprosium", "2025-05-01-cn-added"]
    dy.unlink()
    assert ids(data, "-e", "Tb") == ["2025-05-01-cn-added"]
    added = data / "events" / "2025" / "2025-05-01-cn-added.yaml"
    added.rename(data / "events" / "2025" / "2025-05-01-cn-renamed.yaml")
    result = runner.invoke(app, ["--data", str(data), "timeline", "-e", "Tb"])
    assert result.exit_code == 0  # the id lives in the file, so the event survives a rename
    assert ids(data, "-e", "Tb") == ["2025-05-01-cn-added"]


def test_corrupt_or_foreign_index_is_ignored_and_rebuilt(data: Path) -> None:
    assert ids(data, "-e", "Sb") == ["2024-08-15-cn-antimony"]
    path = cache.index_path(data)
    path.write_bytes(b"this is not sqlite" * 100)
    assert ids(data, "-e", "Sb") == ["2024-08-15-cn-antimony"]
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '0.0.0' WHERE key = 'version'")
    con.execute("UPDATE events SET json = '{}'")
    con.commit()
    con.close()
    assert ids(data, "-e", "Sb") == ["2024-08-15-cn-antimony"]
    assert cache.open_index(data) is not None


def test_stale_index_never_wins_over_yaml(data: Path) -> None:
    assert ids(data, "-e", "Sb") == ["2024-08-15-cn-antimony"]
    stamp = cache.fingerprint(data)
    sb = data / "events" / "2024" / "2024-08-15-cn-antimony.yaml"
    sb.write_text(sb.read_text().replace("- Sb", "- Ga"))
    bump(sb)
    assert cache.fingerprint(data) != stamp
    assert cache.open_index(data) is None
    assert ids(data, "-e", "Sb") == []


def test_no_cache_flag_and_env(data: Path, monkeypatch) -> None:
    assert runner.invoke(app, ["--no-cache", "--data", str(data), "timeline"]).exit_code == 0
    assert not cache.index_path(data).exists()
    monkeypatch.setenv("RETRACKER_NO_CACHE", "1")
    assert ids(data) == ["2024-08-15-cn-antimony", "2025-04-04-cn-dysprosium"]
    assert not cache.index_path(data).exists()


def test_revived_events_equal_validated_ones(data: Path) -> None:
    from retracker import load_dataset

    ds = load_dataset(data)
    cached = cache.query_dataset(data, Filters())
    assert [e.to_json() for e in cached.events] == [e.to_json() for e in ds.events]
    assert cached.coverage == ds.coverage


def test_two_concurrent_writers(data: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from retracker import cache\n"
        "root = Path(sys.argv[1])\n"
        "for _ in range(5):\n"
        "    cache.build(root)\n"
    )
    env = {**os.environ}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(data)], env=env) for _ in range(2)]
    deadline = time.monotonic() + 120
    for proc in procs:
        assert proc.wait(timeout=max(1, deadline - time.monotonic())) == 0
    index = cache.open_index(data)
    assert index is not None
    assert sorted(index.select(Filters())) == ["2024-08-15-cn-antimony", "2025-04-04-cn-dysprosium"]
    index.close()
    leftovers = [p for p in cache.index_path(data).parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


REAL = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    "command",
    [
        ["timeline", "--json"],
        ["timeline", "--reverse", "--limit", "7", "-c", "US", "--json"],
        ["timeline", "--since", "2025-10", "--until", "2025-11"],
        ["show", "-e", "Sb", "--on", "2025-11-20", "--json"],
        ["show", "-e", "rare-earths", "--on", "2026-11-15"],
        ["show", "-c", "JP", "--kind", "export-control", "--json"],
        ["status", "--on", "2025-11-20", "--json"],
        ["status", "--on", "2026-11-28", "--country", "US", "--all", "--json"],
        ["status", "--on", "2025-11-20", "-e", "Ga", "--issuer", "CN"],
        ["show", "2025-10-09-cn-mofcom-61-overseas-rare-earth-items", "--on", "2025-11-20"],
        ["show", "2024-12-03-cn-mofcom-46-dual-use-items-us", "--on", "2025-11-20", "--json"],
        ["show", "2025-11-07-cn-mofcom-gacc-70-suspension-october-measures"],
        ["show", "2025-10-30-us-cn-busan-trump-xi-meeting", "--on", "2026-11-28"],
        ["upcoming", "--from", "2026-10-01", "--days", "60"],
        ["upcoming", "--from", "2025-01-01", "--days", "400", "-e", "Ga", "--json"],
        ["upcoming", "--from", "2025-06-01", "--days", "200", "-c", "US"],
        ["export", "--format", "json"],
        ["search", "rare earth"],
        ["search", "稀土", "--json"],
        ["search", '"de minimis"', "--limit", "3", "--json"],
        ["search", "antimony smuggling", "-c", "US", "--since", "2025"],
        ["export", "--format", "jsonl", "-e", "Sb", "--since", "2025"],
        ["export", "--format", "csv", "-c", "US"],
        ["export", "--format", "ics", "-e", "rare-earths"],
        ["chart", "-e", "Ga", "--since", "2023"],
        ["timeline", "-e", "Dy", "--json"],
        ["timeline", "-e", "rare earths", "--kind", "Export-Control,technology-control", "--json"],
        ["timeline", "-e", "Dy", "--exact", "--json"],
        ["timeline", "-c", "DE", "--json"],
        ["timeline", "-c", "DE", "--exact", "--json"],
        ["timeline", "--issuer", "G7", "--json"],
        ["timeline", "--issuer", "JP", "--target", "CN", "--json"],
        ["timeline", "--since", "Q2 2025", "--until", "2025-Q3", "-e", "Li", "--json"],
        ["show", "-e", "Dy", "-c", "US", "--on", "2025-11-20", "--json"],
        ["status", "--on", "2025-11-20", "-c", "CN", "--json"],
        ["status", "--on", "2025-11-20", "--target", "DE", "-e", "Ga,Ge", "--json"],
        ["upcoming", "--from", "2025-01-01", "--days", "700", "-c", "DE", "--json"],
        ["search", "rare earth", "-e", "Dy", "--json"],
        ["export", "--format", "json", "-c", "FR", "--exact"],
    ],
)
def test_index_and_yaml_give_the_same_answer_on_the_real_log(command: list[str]) -> None:
    cached = runner.invoke(app, ["--data", str(REAL), *command])
    direct = runner.invoke(app, ["--no-cache", "--data", str(REAL), *command])
    assert cached.exit_code == direct.exit_code == 0, cached.output + direct.output
    assert cached.stdout == direct.stdout
    assert cached.stdout.strip() not in ("", "[]")


def test_show_id_reads_only_the_neighbourhood(data: Path, log: LogBuilder) -> None:
    log.add(id="2025-05-01-cn-unrelated", date="2025-05-01", materials=["Tb"], instrument_key=None)
    ds = cache.around(data, "2024-08-15-cn-antimony", 4)
    assert [e.id for e in ds.events] == ["2024-08-15-cn-antimony"]
    assert cache.around(data, "2024-08-15-cn-antimonyy", 4) is None  # unknown: the caller loads all
    result = runner.invoke(app, ["--data", str(data), "show", "2024-08-15-cn-antimonyy"])
    assert result.exit_code == 2 and "did you mean 2024-08-15-cn-antimony" in result.stderr


def test_search_counts_like_the_scan(log: LogBuilder) -> None:
    """Overlapping and case-folded matches are counted the same by SQL and by str.count."""
    log.add(id="2025-01-01-cn-aaa", title="Aaaa STRASSE 稀土稀土", summary="aaaaa ß", instrument_key=None)
    log.add(id="2025-01-02-cn-bbb", title="aa", summary="Straße", tags=["aa-aa"], instrument_key=None)
    for query in ("aa", "aaa", "strasse", "ß", "稀土", "aa straße", '"aa aa"'):
        cached = runner.invoke(app, ["--data", str(log.root), "search", query, "--json"])
        direct = runner.invoke(app, ["--no-cache", "--data", str(log.root), "search", query, "--json"])
        assert cached.exit_code == direct.exit_code == 0, cached.output
        assert json.loads(cached.stdout) == json.loads(direct.stdout), query
    hits = json.loads(runner.invoke(app, ["--data", str(log.root), "search", "aa", "--json"]).stdout)
    assert [h["id"] for h in hits] == ["2025-01-01-cn-aaa", "2025-01-02-cn-bbb"]


def test_the_index_answers_every_query_kind_on_the_real_log() -> None:
    """The parity tests above would pass on a silent fallback to the YAML: not here."""
    import datetime as dt

    f = Filters.build(material="Sb")
    assert cache.listing(REAL, f, dt.date(2025, 11, 20), with_json=True) is not None
    assert cache.upcoming(REAL, f, dt.date(2025, 1, 1), dt.date(2026, 12, 31)) is not None
    assert cache.search(REAL, f, ["antimony", "稀土"], 5, with_json=True) is not None
    assert cache.around(REAL, "2025-10-09-cn-mofcom-61-overseas-rare-earth-items", 4) is not None
    rows, _ = cache.search(REAL, Filters(), ["antimony"], None)
    assert len(rows) >= 10 and all(score > 0 for _, score in rows)


def test_graph_queries_work_past_sqlites_variable_limit_in_chunks(tmp_path: Path) -> None:
    """acting_on and neighbourhood query in chunks of 500 ids: 520 pairs span two chunks."""
    from retracker.dataset import Dataset
    from retracker.model import Event

    events = []
    for n in range(520):
        measure = f"2025-01-01-cn-measure-{n}"
        events.append(Event.model_validate(event_dict(id=measure, instrument_key=None)))
        events.append(
            Event.model_validate(
                event_dict(
                    id=f"2025-02-01-cn-suspension-{n}",
                    date="2025-02-01",
                    kind="suspension",
                    instrument_key=None,
                    relations=[{"type": "suspends", "target": measure}],
                )
            )
        )
    path = tmp_path / "index.sqlite"
    cache._write(path, Dataset(None, events), "stamp")
    index = cache.Index(sqlite3.connect(path), tmp_path)
    try:
        measures = {f"2025-01-01-cn-measure-{n}" for n in range(520)}
        assert index.acting_on(measures) == {f"2025-02-01-cn-suspension-{n}" for n in range(520)}
        assert index.neighbourhood("2025-01-01-cn-measure-7", 4) == {
            "2025-01-01-cn-measure-7",
            "2025-02-01-cn-suspension-7",
        }
    finally:
        index.close()
