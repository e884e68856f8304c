"""Where exports write: devices and FIFOs straight, regular files atomically, SQLite safely.

The adversarial pass found `export -o /dev/null` (as root) replacing the machine's /dev/null
with a regular file, a FIFO's reader waiting forever, and a SQLite export over a database
that another client held open in WAL mode coming out corrupt. These tests hold each kind.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker import export as ex
from retracker.atomic import NotRegularFile, atomic_path, atomic_write, special_file
from retracker.cli import app
from retracker.dataset import load_dataset
from retracker.diagnostics import RetrackerError
from retracker.lint import lint_paths

from .conftest import LogBuilder

runner = CliRunner()


@pytest.fixture
def data(log: LogBuilder) -> Path:
    log.add()
    log.add(id="2025-05-01-cn-test-second-event", instrument_key=None, date="2025-05-01", kind="statement")
    return log.root


def read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


# ------------------------------------------------------------------ devices and FIFOs


def test_special_file_tells_devices_from_files(tmp_path: Path) -> None:
    regular = tmp_path / "a.csv"
    regular.write_text("x")
    assert special_file("/dev/null")
    assert not special_file(regular)
    assert not special_file(tmp_path)
    assert not special_file(tmp_path / "missing")


def test_writing_to_dev_null_keeps_the_device() -> None:
    before = os.stat("/dev/null")
    atomic_write("/dev/null", "discarded\n")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "ics"])
def test_export_to_a_fifo_reaches_its_reader(data: Path, tmp_path: Path, fmt: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    thread = read_fifo(fifo, got)
    result = runner.invoke(app, ["--data", str(data), "export", "-f", fmt, "-o", str(fifo)])
    thread.join(timeout=20)
    assert result.exit_code == 0, result.output
    assert not thread.is_alive(), "the FIFO's reader is still waiting"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a regular file"
    expected = runner.invoke(app, ["--data", str(data), "export", "-f", fmt]).stdout_bytes
    assert got == [expected]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_export_to_dev_stdout_in_a_subprocess(data: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "retracker", "--data", str(data), "export", "-f", "csv", "-o", "/dev/stdout"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("id,date,kind")
    assert "2025-05-01-cn-test-second-event" in run.stdout


def test_sqlite_refuses_a_device_and_leaves_it(data: Path) -> None:
    before = os.stat("/dev/null")
    result = runner.invoke(app, ["--data", str(data), "export", "-f", "sqlite", "-o", "/dev/null"])
    assert result.exit_code == 2
    assert "not a regular file" in result.output
    assert "Traceback" not in result.output
    assert os.stat("/dev/null").st_rdev == before.st_rdev
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_atomic_path_refuses_special_files() -> None:
    with pytest.raises(NotRegularFile), atomic_path("/dev/null"):
        pass


# ------------------------------------------------------------------ SQLite journals beside the target


def count(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return con.execute("SELECT count(*) FROM events").fetchone()[0]


def test_sqlite_export_refuses_a_database_held_open_in_wal_mode(data: Path, tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite"
    events = load_dataset(data).events
    ex.write_sqlite(events, db)
    other = sqlite3.connect(db)  # another client (Datasette, say) with uncommitted WAL state
    try:
        other.execute("PRAGMA journal_mode = WAL")
        other.execute("DELETE FROM events")
        other.commit()
        assert (tmp_path / "events.sqlite-wal").exists()
        with pytest.raises(RetrackerError, match="another program has it open"):
            ex.write_sqlite(events, db)
        result = runner.invoke(app, ["--data", str(data), "export", "-o", str(db)])
        assert result.exit_code == 2
        assert "events.sqlite-wal" in result.output
    finally:
        other.close()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # Once the other client is gone, the export goes through and the new file is whole.
    ex.write_sqlite(events, db)
    assert count(db) == len(events)
    assert not (tmp_path / "events.sqlite-wal").exists()
    assert not (tmp_path / "events.sqlite-shm").exists()


def test_stale_sidecars_are_folded_by_sqlite_and_never_applied_to_the_new_file(
    data: Path, tmp_path: Path
) -> None:
    db = tmp_path / "events.sqlite"
    events = load_dataset(data).events
    ex.write_sqlite(events, db)
    # Leave a WAL with a deletion in it, as a crashed client would: copy the live -wal aside.
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("DELETE FROM events")
    con.commit()
    wal = (tmp_path / "events.sqlite-wal").read_bytes()
    shm = (tmp_path / "events.sqlite-shm").read_bytes()
    con.close()
    (tmp_path / "events.sqlite-wal").write_bytes(wal)
    (tmp_path / "events.sqlite-shm").write_bytes(shm)
    ex.write_sqlite(events, db)
    assert count(db) == len(events)
    assert ex.sqlite_format.sidecars(db) == []


def test_sqlite_errors_are_user_errors(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ex.sqlite_format, "_fill", full_disk)
    db = tmp_path / "events.sqlite"
    db.write_bytes(b"previous")
    with pytest.raises(RetrackerError, match="disk is full"):
        ex.write_sqlite(load_dataset(data).events, db)
    assert db.read_bytes() == b"previous"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------ edges of dates and numbers


def test_ics_with_an_end_on_the_last_representable_day(log: LogBuilder) -> None:
    log.add(ends="9999-12-31")
    ds = load_dataset(log.root)
    text = ex.export(ds.events, "ics", ds=ds)
    assert text is not None
    assert "DTSTART;VALUE=DATE:99991231" in text
    result = runner.invoke(app, ["--data", str(log.root), "export", "-f", "ics"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN"])
def test_lint_rejects_non_finite_figures_with_a_location(log: LogBuilder, value: str) -> None:
    path = log.add()
    text = path.read_text() + f"figures:\n- metric: exports\n  value: {value}\n  unit: t\n"
    path.write_text(text)
    result = lint_paths([path])
    codes = [(d.code, d.line) for d in result.diagnostics if d.severity == "error"]
    assert codes, result.diagnostics
    assert codes[0][1] == text.splitlines().index(f"  value: {value}") + 1
    cli = runner.invoke(app, ["--data", str(log.root), "timeline", "--json"])
    assert "NaN" not in cli.stdout and "Infinity" not in cli.stdout


# ------------------------------------------------------------------ signals


SIGTERM_SCRIPT = """
import os, signal, sys
from retracker._entry import exit_cleanly_on_sigterm
from retracker.atomic import atomic_writer
exit_cleanly_on_sigterm()
with atomic_writer(sys.argv[1]) as handle:
    handle.write("half of an export")
    os.kill(os.getpid(), signal.SIGTERM)
    handle.write("never reached")
"""


def test_sigterm_during_a_write_leaves_no_temporary_file_and_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    out.write_text("previous\n")
    run = subprocess.run(
        [sys.executable, "-c", SIGTERM_SCRIPT, str(out)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 128 + 15, run.stderr
    assert "Traceback" not in run.stderr
    assert out.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.csv"]
