"""The index updates itself file by file: after every kind of edit it holds exactly what a
build from scratch holds and answers exactly as --no-cache does (issue 11 item 1)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from retracker import cache, indexing
from retracker.cli import app

from .conftest import LogBuilder, dump

runner = CliRunner()

M1 = "2025-01-10-cn-mofcom-1-measure-one"
M2 = "2025-02-10-cn-mofcom-2-measure-two"
M3 = "2025-03-10-cn-mofcom-3-measure-three"
SUS = "2025-06-01-cn-mofcom-9-suspension"
EXT = "2025-09-01-cn-mofcom-10-extension"
NOTE = "2025-04-01-us-statement"

QUERIES = [
    ["timeline", "--json"],
    ["timeline", "--json", "-e", "Sb"],
    ["timeline", "--json", "-e", "Ga"],
    ["status", "--on", "2025-07-01", "--all", "--json"],
    ["status", "--on", "2025-12-15", "--all", "--json"],
    ["status", "--on", "2026-06-01", "--all", "--json"],
    ["upcoming", "--from", "2025-01-01", "--days", "800", "--json"],
    ["show", "-e", "Sb", "--on", "2025-07-01", "--json"],
    ["show", M1, "--on", "2025-07-01", "--json"],
    ["search", "measure", "--json"],
    ["export", "--format", "json"],
]


def measure(id_: str, date: str, materials: list[str], **extra) -> dict:
    return dict(id=id_, date=date, materials=materials, instrument_key=None, **extra)


@pytest.fixture
def data(log: LogBuilder) -> Path:
    log.add(
        **measure(
            M1,
            "2025-01-10",
            ["Sb"],
            parts=[
                {"id": "a", "effective": "2025-01-10"},
                {"id": "b", "effective": "2025-03-01"},
            ],
        )
    )
    log.add(**measure(M2, "2025-02-10", ["Ga"], ends="2026-02-10"))
    log.add(**measure(M3, "2025-03-10", ["Sb", "Ga"]))
    log.add(
        **measure(
            SUS,
            "2025-06-01",
            ["Sb"],
            kind="suspension",
            ends="2025-11-10",
            relations=[{"type": "suspends", "target": f"{M1}#b"}],
        )
    )
    log.add(
        **measure(
            EXT,
            "2025-09-01",
            ["Sb"],
            kind="suspension",
            ends="2026-11-10",
            relations=[{"type": "extends", "target": SUS}],
        )
    )
    log.add(**measure(NOTE, "2025-04-01", ["Ga"], kind="statement", issuer="US"))
    return log.root


def path_of(root: Path, event_id: str) -> Path:
    return root / "events" / event_id[:4] / f"{event_id}.yaml"


def edit(root: Path, event_id: str, change: Callable[[dict], None]) -> None:
    path = path_of(root, event_id)
    doc = yaml.safe_load(path.read_text())
    change(doc)
    path.write_text(dump(doc))
    bump(path)


def bump(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def answers(root: Path, *flags: str) -> list[str]:
    """Each query's exit code, output and messages (``show`` of a deleted event exits 2 both ways)."""
    out = []
    for query in QUERIES:
        result = runner.invoke(app, [*flags, "--data", str(root), *query])
        assert result.exit_code in (0, 2), (query, result.output)
        out.append(f"{result.exit_code} {result.stdout}{result.stderr}")
    return out


def contents(path: Path) -> dict[str, list[str]]:
    """Every table of an index, rows sorted (file records without their read time)."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        out = {}
        for table in tables:
            sql = (
                "SELECT rel, sig, hash, event_id FROM files" if table == "files" else f"SELECT * FROM {table}"
            )
            out[table] = sorted(repr(r) for r in con.execute(sql))
        return out
    finally:
        con.close()


def from_scratch(root: Path, tmp_path: Path, monkeypatch) -> dict[str, list[str]]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "scratch"))
    assert indexing.build(root)
    built = contents(cache.index_path(root))
    monkeypatch.undo()
    return built


def inode(root: Path) -> int:
    return cache.index_path(root).stat().st_ino


def add_suspension(root: Path) -> None:
    LogBuilder(root).add(
        **measure(
            "2025-08-01-cn-mofcom-11-suspends-m3",
            "2025-08-01",
            ["Ga"],
            kind="suspension",
            ends="2025-12-31",
            relations=[{"type": "suspends", "target": M3}],
        )
    )


def rename(root: Path) -> None:
    src = path_of(root, M2)
    src.rename(src.with_name("renamed-file.yaml"))


EDITS: dict[str, Callable[[Path], None]] = {
    "title": lambda r: edit(r, M1, lambda d: d.update(title="A new title")),
    "date": lambda r: edit(r, M2, lambda d: d.update(date="2025-02-20")),
    "materials": lambda r: edit(r, M3, lambda d: d.update(materials=["W"])),
    "relation that suspends": lambda r: edit(
        r, NOTE, lambda d: d.update(kind="suspension", relations=[{"type": "suspends", "target": M2}])
    ),
    "extension's end": lambda r: edit(r, EXT, lambda d: d.update(ends="2025-12-01")),
    "relation removed": lambda r: edit(r, SUS, lambda d: d.update(relations=[])),
    "withdrawn": lambda r: edit(
        r, SUS, lambda d: d.update(withdrawn={"date": "2025-12-01", "reason": "our error"})
    ),
    "kind": lambda r: edit(r, M2, lambda d: d.update(kind="statement")),
    "new file": add_suspension,
    "deleted file": lambda r: path_of(r, SUS).unlink(),
    "deleted measure": lambda r: path_of(r, M1).unlink(),
    "renamed file": rename,
    "coverage": lambda r: (
        (r / "dataset.yaml").write_text("schema_version: 1\ncoverage: 2025-08-01\n"),
        bump(r / "dataset.yaml"),
    ),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_after_each_kind_of_edit_the_index_matches_a_rebuild_and_the_yaml(
    data: Path, tmp_path: Path, monkeypatch, kind: str
) -> None:
    before = answers(data)
    assert before == answers(data, "--no-cache")
    first = inode(data)
    EDITS[kind](data)
    after = answers(data)
    assert inode(data) == first  # updated in place, not rebuilt
    assert after == answers(data, "--no-cache")
    assert after != before or kind == "renamed file"
    assert contents(cache.index_path(data)) == from_scratch(data, tmp_path, monkeypatch)


class CtimeAsMtime:
    """os.stat as if the change time followed the modification time, so that a test can
    date files back with os.utime (the kernel sets ctime to now; nothing can set it back)."""

    def __init__(self) -> None:
        self.real = os.stat

    def __call__(self, path, *args, **kwargs):
        st = self.real(path, *args, **kwargs)
        fields = list(st)
        fields[9] = fields[8]
        out = os.stat_result(fields)
        return _Ns(out, st.st_atime_ns, st.st_mtime_ns)


class _Ns:
    def __init__(self, st: os.stat_result, atime_ns: int, mtime_ns: int) -> None:
        self._st = st
        self.st_atime_ns = atime_ns
        self.st_mtime_ns = self.st_ctime_ns = mtime_ns

    def __getattr__(self, name: str):
        return getattr(self._st, name)


def test_only_the_changed_file_is_read(data: Path, monkeypatch) -> None:
    monkeypatch.setattr(indexing.os, "stat", CtimeAsMtime())
    old = time.time_ns() - 60 * 1_000_000_000  # old enough to be trusted by their stat
    for path in [data / "dataset.yaml", *(data / "events").rglob("*.yaml")]:
        os.utime(path, ns=(old, old))
    assert answers(data)
    reads: list[str] = []
    real = indexing._read
    monkeypatch.setattr(indexing, "_read", lambda path: reads.append(path.name) or real(path))
    assert answers(data)
    assert reads == []  # nothing changed, nothing recent: no file is read
    edit(data, M3, lambda d: d.update(title="Edited"))
    os.utime(path_of(data, M3), ns=(old + 10**9, old + 10**9))
    assert "Edited" in runner.invoke(app, ["--data", str(data), "timeline", "--json"]).stdout
    assert reads == [f"{M3}.yaml"]


def test_a_broken_edit_falls_back_to_the_yaml_and_a_fix_returns_to_the_index(data: Path) -> None:
    assert answers(data)
    path = path_of(data, M3)
    good = path.read_text()
    path.write_text(good.replace("materials:", "materials: [Sb\n"))
    bump(path)
    result = runner.invoke(app, ["--data", str(data), "timeline", "--json"])
    assert result.exit_code == 0
    assert "could not be read" in result.stderr
    assert M3 not in result.stdout
    path.write_text(good)
    bump(path)
    assert answers(data) == answers(data, "--no-cache")
    assert cache.open_index(data) is not None


def test_a_duplicate_id_is_not_indexed(data: Path) -> None:
    assert answers(data)
    copy = data / "events" / "2025" / "copy.yaml"
    copy.write_text(path_of(data, M3).read_text())
    assert cache.listing(data, cache_filters()) is None  # the YAML answers (lint reports it)
    copy.unlink()
    assert cache.listing(data, cache_filters()) is not None


def cache_filters():
    from retracker.query import Filters

    return Filters()


WRITER = """
import os, sys
from pathlib import Path
import yaml
from retracker import cache
from retracker.query import Filters

root, event_id, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
path = root / "events" / event_id[:4] / f"{event_id}.yaml"
for i in range(n):
    doc = yaml.safe_load(path.read_text())
    doc["title"] = f"{event_id} edit {i}"
    tmp = path.with_name(f".{path.name}.tmp")  # saved as editors do: never half a file
    tmp.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    os.replace(tmp, path)
    answer = cache.listing(root, Filters())
    assert answer is not None, "the index could not answer"
    rows, _ = answer
    titles = {row.id: row.title for row, _ in rows}
    assert titles[event_id] == f"{event_id} edit {i}", titles[event_id]
"""


def test_two_processes_editing_and_querying_at_once(data: Path, tmp_path: Path, monkeypatch) -> None:
    assert answers(data)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data), event_id, "15"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for event_id in (M1, M3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    after = answers(data)
    assert after == answers(data, "--no-cache")
    assert f"{M1} edit 14" in after[0] and f"{M3} edit 14" in after[0]
    assert contents(cache.index_path(data)) == from_scratch(data, tmp_path, monkeypatch)
    folder = cache.index_path(data).parent
    assert [p.name for p in folder.iterdir() if p.name.endswith((".tmp", "-journal"))] == []
