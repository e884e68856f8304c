"""A third adversarial pass (issue 16, "fix the kind, not the example").

Each test stands for a kind of attack and fails on the code before its fix: a reader that
leaves early, windows at the calendar's edges, special files where data is expected, partial
dates as diff revisions, and the cases of a fresh pass. Through the CLI (CliRunner) where the
environment does not matter, in a subprocess where it does (pipes, signals, file systems).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker.cli import app

from .conftest import REPO, dump, event_dict

runner = CliRunner()

F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)


def run(*args: str, data: Path | None = None, **kw):
    prefix = ["--data", str(data)] if data is not None else []
    return runner.invoke(app, [*prefix, *args], **kw)


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled log (with its trade series) plus 400 more events: listings long enough
    to be streamed and to overflow any pipe."""
    root = tmp_path_factory.mktemp("big") / "data"
    shutil.copytree(REPO / "data", root)
    folder = root / "events" / "2024"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(400):
        data = event_dict(
            id=f"2024-05-05-cn-adversary-measure-{i:03d}",
            date="2024-05-05",
            instrument_key=None,
            materials=["Ga"],
            title=f"Adversary measure {i} on gallium",
        )
        (folder / f"{data['id']}.yaml").write_text(dump(data), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index for the module's subprocesses (each test otherwise builds its own)."""
    return tmp_path_factory.mktemp("cache")


# ===================================================== a reader that leaves early

LEAVING = [
    ["timeline"],
    ["timeline", "--json"],
    ["status"],
    ["status", "--on", "2025-11-20"],
    ["show", "-e", "Ga"],
    ["show", "-e", "Ga", "--json"],
    ["show", "CN-MOFCOM-2025-61"],
    ["show", "2026-01-20-cn-gallium"],
    ["upcoming", "--from", "2024-01-01"],
    ["search", "gallium"],
    ["chart"],
    ["figures"],
    ["figures", "cn-exports-gallium-world"],
    ["materials"],
    ["countries"],
    ["export", "-f", "csv"],
    ["export", "-f", "json"],
    ["export", "-f", "ics"],
    ["export", "--series", "-f", "csv"],
    ["lint", "-f", "json"],
    ["schema"],
    ["--help"],
    ["timeline", "--help"],
]


def _reader_leaves(
    data: Path, args: list[str], cwd: Path, cache: Path, *, after_first_line: bool
) -> tuple[int, bytes]:
    """Run retracker into a pipe of one page whose reader reads one line (or nothing) and
    leaves, as ``| head -1`` and ``| grep -q`` do; the exit code and stderr."""
    read_end, write_end = os.pipe()
    with contextlib.suppress(OSError):  # one page: later writes meet the closed pipe
        fcntl.fcntl(write_end, F_SETPIPE_SZ, 4096)
    if not after_first_line:
        os.close(read_end)
    proc = subprocess.Popen(
        [sys.executable, "-m", "retracker", "--data", str(data), *args],
        cwd=cwd,
        stdout=write_end,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "100", "XDG_CACHE_HOME": str(cache)},
    )
    os.close(write_end)
    if after_first_line:
        with os.fdopen(read_end, "rb", buffering=0) as reader:
            line = b""
            while not line.endswith(b"\n"):
                byte = reader.read(1)
                if not byte:
                    break
                line += byte
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


@pytest.mark.parametrize("args", LEAVING, ids=" ".join)
def test_a_reader_that_leaves_before_the_first_line_is_exit_0(
    big_log: Path, shared_cache: Path, tmp_path: Path, args: list[str]
) -> None:
    """`show -e Ga | grep -q a` exited 1 where `timeline | grep -q a` exited 0: rich's own
    handler of a closed pipe exits 1, and show -e writes its series block through rich after
    the table. Every command treats a reader that left the same way: exit 0, no message."""
    code, err = _reader_leaves(big_log, args, tmp_path, shared_cache, after_first_line=False)
    assert code == 0, err
    assert b"Traceback" not in err and b"error:" not in err, err


LONG = [a for a in LEAVING if a[0] in ("timeline", "show", "search", "chart", "export", "upcoming")]


@pytest.mark.parametrize("args", LONG, ids=" ".join)
def test_a_reader_that_leaves_after_the_first_line_is_exit_0(
    big_log: Path, shared_cache: Path, tmp_path: Path, args: list[str]
) -> None:
    code, err = _reader_leaves(big_log, args, tmp_path, shared_cache, after_first_line=True)
    assert code == 0, err
    assert b"Traceback" not in err and b"error:" not in err, err


def test_show_with_series_into_grep_q_in_a_shell(tmp_path: Path) -> None:
    """The reported case, as a shell runs it."""
    command = f'"{sys.executable}" -m retracker --data "{REPO / "data"}" show -e Ga'
    script = f"{command} | grep -q a; echo ${{PIPESTATUS[0]}}"
    out = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "0", out.stderr


# ===================================================== windows at the calendar's edges

EDGE_WINDOWS = [
    ["--since", "9999-12-31"],
    ["--since", "9999-12-31", "--until", "9999-12-31"],
    ["--since", "9999"],
    ["--since", "9999-12"],
]


@pytest.mark.parametrize("window", EDGE_WINDOWS, ids=" ".join)
def test_a_chart_on_the_calendars_last_day_shows_what_is_in_force(window: list[str]) -> None:
    """`chart --since 9999-12-31` said "no measures match": a run's exclusive end, the day
    after 9999-12-31, does not exist, and the window was empty. Measures without an end are
    in force on the calendar's last day as on any other."""
    result = run("chart", *window, data=REPO / "data")
    assert result.exit_code == 0, result.output
    assert "no measures match" not in result.output
    assert "█" in result.stdout
    on_last_day = run("status", "--on", "9999-12-31", "--json", data=REPO / "data")
    assert on_last_day.exit_code == 0 and '"in-force"' in on_last_day.stdout


def test_the_chart_library_clips_runs_in_inclusive_days() -> None:
    import datetime as dt

    from retracker import chart
    from retracker.dataset import load_dataset
    from retracker.status import StatusEngine

    ds = load_dataset(REPO / "data")
    engine = StatusEngine(ds)
    measures = [e for e in ds.events if e.kind in ("export-control", "tariff")]
    last = dt.date.max
    picture = chart.build(engine, measures, last, last, today=last, coverage=None, caption="")
    assert picture.rows
    assert all(r.start == r.last == last for row in picture.rows for r in row.runs)
    svg = chart.svg(picture)
    assert "<rect" in svg
