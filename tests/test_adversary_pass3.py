"""A third adversarial pass (issue 16, "fix the kind, not the example").

Each test stands for a kind of attack and fails on the code before its fix: a reader that
leaves early, windows at the calendar's edges, special files where data is expected, partial
dates as diff revisions, and the cases of a fresh pass. Through the CLI (CliRunner) where the
environment does not matter, in a subprocess where it does (pipes, signals, file systems).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
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


CLOSED_BOTH = [
    (["figures"], 0),
    (["export", "-f", "csv"], 0),
    (["diff", str(REPO / "data")], 0),
    (["--version"], 0),
    (["--version", "--verbose"], 0),
    (["show", "no-such-event"], 2),
    (["timeline", "--since", "garbage"], 2),
    (["timeline", "--bogus"], 2),
    (["--bogus"], 2),
    (["no-such-command"], 2),
]


@pytest.mark.parametrize("args, code", CLOSED_BOTH, ids=lambda a: " ".join(a) if isinstance(a, list) else "")
def test_stdout_and_stderr_into_a_reader_that_left_keep_the_answers_exit_code(
    tmp_path: Path, shared_cache: Path, args: list[str], code: int
) -> None:
    """`figures 2>&1 | head -1` exited 1 (the stderr footer met the closed pipe after the
    command, and click's handler said 1), `--version | true` exited 1 (the interpreter's
    flush at exit), and a usage error whose reader left exited 0. The exit code is the
    answer's: 0 for an answer, 2 for a usage error, whoever reads."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    prefix = [] if args[0].startswith("--") else ["--data", str(REPO / "data")]
    proc = subprocess.run(
        [sys.executable, "-m", "retracker", *prefix, *args],
        cwd=tmp_path,
        stdout=write_end,
        stderr=write_end,
        timeout=120,
        env={**os.environ, "XDG_CACHE_HOME": str(shared_cache)},
    )
    os.close(write_end)
    assert proc.returncode == code, args


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


EDGE_COMMANDS = [
    (["figures", "--since", "0001", "--until", "9999"], "cn-exports-gallium-world"),
    (["figures", "cn-exports-gallium-world", "--since", "9999-12"], "cn-exports-gallium-world"),
    (["upcoming", "--from", "0001-01-01", "--days", "3650000"], "change(s) from 0001-01-01 to 9994-05-13"),
    (["upcoming", "--from", "9999-12-31", "--days", "5"], "from 9999-12-31 to 9999-12-31"),
    (["status", "--on", "9999-12-31"], "measure(s) on 9999-12-31"),
    (["chart", "--since", "0001-01-01", "--until", "9999-12-31"], "9000"),
    (["export", "-f", "ics", "--since", "9999-12-31"], "BEGIN:VCALENDAR"),
    (["export", "--series", "-f", "csv", "--since", "9999-12-31"], "series,period,value"),
    (["show", "CN-MOFCOM-2025-61", "--on", "9999-12-31"], "CN-MOFCOM-2025-61"),
    (["show", "CN-MOFCOM-2025-61", "--on", "0001-01-01"], "CN-MOFCOM-2025-61"),
]


@pytest.mark.parametrize(
    "args, words", EDGE_COMMANDS, ids=lambda a: " ".join(a) if isinstance(a, list) else "-"
)
def test_every_window_at_the_calendars_edges_has_a_right_answer(args: list[str], words: str) -> None:
    result = run(*args, data=REPO / "data")
    assert result.exit_code == 0, result.output
    assert words in result.output, result.output
    assert "out of range" not in result.output and "internal error" not in result.output


def test_chart_files_and_the_site_at_the_calendars_edges(tmp_path: Path) -> None:
    svg = tmp_path / "c.svg"
    result = run("chart", "--since", "9999-12-31", "--svg", str(svg), data=REPO / "data")
    assert result.exit_code == 0, result.output
    assert svg.read_text().count("<rect") > 10
    for day in ("0001-01-01", "9999-12-31"):
        site = run("site", "-o", str(tmp_path / day), "--on", day, data=REPO / "data")
        assert site.exit_code == 0, site.output
        assert f"as of {day}" in site.output


# ===================================================== special files where data is expected

SERIES = "series/cn-exports-gallium-us.yaml"


def _log_copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(REPO / "data", root)
    return root


def _special(path: Path, kind: str) -> None:
    """Put a special file named ``path`` in place of whatever is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dir":
        path.mkdir()
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "urandom":
        path.symlink_to("/dev/urandom")
    elif kind == "fifo-link":
        os.mkfifo(path.parent / ".fifo")
        path.symlink_to(path.parent / ".fifo")
    elif kind == "dangling":
        path.symlink_to(path.parent / "nowhere.yaml")
    elif kind == "huge":
        with path.open("wb") as f:
            f.truncate(3 * 1_048_576)
    else:
        raise AssertionError(kind)


SPECIAL = {
    "fifo": "not a regular file",
    "fifo-link": "not a regular file",
    "dir": "is a directory, not a dataset file",
    "zero": "not a regular file",
    "urandom": "not a regular file",
    "dangling": "which does not exist",
    "huge": "larger than 1 MiB",
}


def _cli(data: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A subprocess with a timeout: a FIFO opened for a blocking read would hang it."""
    return subprocess.run(
        [sys.executable, "-m", "retracker", "--data", str(data), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("kind", list(SPECIAL))
def test_a_dataset_file_that_is_not_a_regular_file_is_named_not_missing(tmp_path: Path, kind: str) -> None:
    """A dataset.yaml linked to /dev/zero was reported as "the folder has no dataset.yaml":
    the marker test wanted a regular file. Any entry of that name marks the log, and lint and
    every query name the file and say what is wrong with it."""
    root = _log_copy(tmp_path)
    _special(root / "dataset.yaml", kind)
    expected = SPECIAL[kind]
    lint = _cli(root, "lint", cwd=tmp_path)
    assert lint.returncode == 1, lint.stderr
    assert f"{root / 'dataset.yaml'}:1:1: RT00" in lint.stdout and expected in lint.stdout, lint.stdout
    for args in (["timeline"], ["--no-cache", "status"]):
        query = _cli(root, *args, cwd=tmp_path)
        assert query.returncode == 2, (args, query.stderr)
        assert "dataset.yaml" in query.stderr and expected in query.stderr, (args, query.stderr)
        assert "has no dataset.yaml" not in query.stderr
    # found by the walk up from the current folder too
    near = subprocess.run(
        [sys.executable, "-m", "retracker", "timeline"],
        cwd=root / "events",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "RETRACKER_DATA": ""},
    )
    assert near.returncode == 2 and expected in near.stderr, near.stderr


SOME_SPECIAL = ["fifo", "zero", "dir", "huge"]
"""The kinds for series and event files (every kind is tried on dataset.yaml): each costs
four subprocesses."""


@pytest.mark.parametrize("kind", SOME_SPECIAL)
def test_a_series_file_that_is_not_a_regular_file_is_named(tmp_path: Path, kind: str) -> None:
    root = _log_copy(tmp_path)
    _special(root / SERIES, kind)
    expected = {"dir": "not a series file", "zero": "RT013"}.get(kind, SPECIAL[kind])  # /dev/zero is outside
    lint = _cli(root, "lint", cwd=tmp_path)
    assert lint.returncode == 1 and f"{root / SERIES}:1:1: RT0" in lint.stdout, lint.stdout
    assert expected in lint.stdout, lint.stdout
    for args in (["figures"], ["export", "--series", "-f", "csv"]):
        query = _cli(root, *args, cwd=tmp_path)
        assert query.returncode == 0, (args, query.stderr)
        assert f"series skipped: {root / SERIES}:1:1" in query.stderr and expected in query.stderr


@pytest.mark.parametrize("kind", SOME_SPECIAL)
def test_an_event_file_that_is_not_a_regular_file_is_named(tmp_path: Path, kind: str) -> None:
    """Queries named no file ("7 event file(s) could not be read"): the first is now named,
    located, with its reason."""
    root = _log_copy(tmp_path)
    path = root / "events" / "2025" / "2025-01-01-cn-special.yaml"
    _special(path, kind)
    expected = {"zero": "RT013", "urandom": "RT013", "dir": "not an event file"}
    word = expected.get(kind, SPECIAL[kind])
    lint = _cli(root, "lint", str(path) if kind != "dir" else str(root), cwd=tmp_path)
    assert lint.returncode == 1 and f"{path}:1:1: RT0" in lint.stdout and word in lint.stdout, lint.stdout
    for args in (["--no-cache", "timeline"], ["export", "-f", "csv"]):
        query = _cli(root, *args, cwd=tmp_path)
        assert query.returncode == 0, (args, query.stderr)
        assert f"could not be read (first: {path}:1:1: RT0" in query.stderr, (args, query.stderr)


# ===================================================== diff: a year or a month as a revision


def git(cwd: Path, *args: str, when: str = "2025-02-10T12:00:00Z") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env.update(GIT_COMMITTER_EMAIL="t@t", GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    out = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return out.stdout


@pytest.fixture
def history(tmp_path: Path):
    """A log with two commits: one event on 2025-02-10, a second added on 2025-06-10."""
    from .conftest import LogBuilder

    log = LogBuilder(tmp_path / "repo" / "data")
    log.add()
    git(log.root.parent, "init", "-q")
    git(log.root.parent, "add", ".")
    git(log.root.parent, "commit", "-q", "-m", "one")
    second = log.add(id="2025-05-05-cn-second-measure", date="2025-05-05", instrument_key=None)
    git(log.root.parent, "add", ".", when="2025-06-10T12:00:00Z")
    git(log.root.parent, "commit", "-q", "-m", "two", when="2025-06-10T12:00:00Z")
    return log, second.stem


@pytest.mark.parametrize(
    "spec, day, added",
    [
        ("2025-03", "2025-03-01", True),
        ("2025-06", "2025-06-01", True),
        ("2025-07", "2025-07-01", False),
        ("2026", "2026-01-01", False),
        ("2025-03-01", "2025-03-01", True),
    ],
)
def test_diff_reads_a_year_or_a_month_as_its_first_day(history, spec: str, day: str, added: bool) -> None:
    """`diff 2025` was "not a revision or data directory": a year or a month is the first day
    of that period, read as that date is (the last commit on or before it, UTC), and the
    command says which day and which commit it read."""
    log, second = history
    result = run("diff", spec, "--json", data=log.root)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == ([second] if added else [])
    read = f"{spec} read as {day}: " if spec != day else f"{spec}: "
    assert f"retracker: diff: {read}the log at commit " in result.stderr, result.stderr


def test_diff_before_the_history_names_its_start(history) -> None:
    log, _ = history
    result = run("diff", "2025", data=log.root)
    assert result.exit_code == 2
    assert "no commit on or before 2025-01-01 (2025 read as 2025-01-01)" in result.output
    assert "the history starts at commit" in result.output and "2025-02-10" in result.output


@pytest.mark.parametrize("spec", ["2025-13", "0000", "2025-02-30", "2025-00"])
def test_diff_refuses_a_date_shaped_string_that_names_no_day(history, spec: str) -> None:
    log, _ = history
    result = run("diff", spec, data=log.root)
    assert result.exit_code == 2 and f"not a real date: {spec}" in result.output, result.output


def test_a_tag_or_branch_of_that_name_wins_over_the_date(history) -> None:
    """A tag `2025` (or a branch `2025-07`) is what the user named: it wins, and the command
    says it read the tag, not the date."""
    log, second = history
    top = log.root.parent
    git(top, "tag", "2025", "HEAD~1")
    git(top, "branch", "2025-07", "HEAD~1")
    for spec, kind in (("2025", "tag"), ("2025-07", "branch")):
        result = run("diff", spec, "--json", data=log.root)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["added"] == [second]
        assert f"{spec} read as the {kind} {spec}" in result.stderr


def test_four_digits_are_a_year_not_an_abbreviated_commit(history) -> None:
    """An abbreviated commit id of four digits would make `diff 2025` mean a different thing
    in each repository: a year it is; more of the id is still a commit."""
    log, _ = history
    top = log.root.parent
    sha = git(top, "rev-parse", "HEAD~1").strip()
    result = run("diff", sha[:10], "--json", data=log.root)
    assert result.exit_code == 0, result.output
    from retracker.diff import date_of

    assert date_of("2025").isoformat() == "2025-01-01" and date_of("2025-03").isoformat() == "2025-03-01"
    assert date_of("20250301") is None and date_of("HEAD") is None


def test_diff_in_a_repository_without_commits_says_so(tmp_path: Path) -> None:
    from .conftest import LogBuilder

    log = LogBuilder(tmp_path / "repo" / "data")
    log.add()
    git(log.root.parent, "init", "-q")
    for spec in ("2025", "HEAD", "HEAD~1"):
        result = run("diff", spec, data=log.root)
        assert result.exit_code == 2, result.output
        assert "no commits yet" in result.output and "internal error" not in result.output


def test_diff_in_a_shallow_clone_says_the_history_is_cut(history, tmp_path: Path) -> None:
    log, _ = history
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{log.root.parent}", str(clone))
    result = run("diff", "2025-03", data=clone / "data")
    assert result.exit_code == 2
    assert "no commit on or before 2025-03-01" in result.output and "shallow" in result.output


# ===================================================== a fresh pass: what broke, by kind

# ---- slow: output that grows with the terminal's width


def test_a_huge_terminal_width_does_not_make_a_huge_chart(monkeypatch: pytest.MonkeyPatch) -> None:
    """COLUMNS=999999 wrote 87 MB of chart (15 s, 500 MB of memory): the chart is at most
    chart.MAX_WIDTH cells wide, whatever the terminal says."""
    from retracker import chart

    monkeypatch.setenv("COLUMNS", "999999")
    result = run("chart", data=REPO / "data")
    assert result.exit_code == 0, result.output
    widest = max(len(line) for line in result.stdout.splitlines())
    assert widest <= chart.MAX_WIDTH + 1, widest


# ---- crashes and wrong answers: trade series at the calendar's edges


def _series_log(tmp_path: Path, period: str) -> Path:
    root = _log_copy(tmp_path)
    text = (REPO / "data" / SERIES).read_text(encoding="utf-8")
    head, _, _ = text.partition("points:\n")
    point = (
        f"  - period: {period}\n    value: 0\n    sources:\n      - url: https://example.org/a\n"
        "        kind: news\n        publisher: P\n        lang: en\n        quote: no exports at all (0)\n"
    )
    (root / SERIES).write_text(head + "points:\n" + point, encoding="utf-8")
    return root


def test_a_series_in_year_zero_is_a_located_lint_error_not_a_crash(tmp_path: Path) -> None:
    """A point in `0000-01` passed lint and `figures ID` exited 3 (ValueError: year 0)."""
    root = _series_log(tmp_path, "0000-01")
    lint = run("lint", str(root / SERIES), data=root)
    assert lint.exit_code == 1 and "RT406" in lint.stdout and "0000-01" in lint.stdout, lint.stdout
    shown = run("figures", "cn-exports-gallium-us", data=root)
    assert shown.exit_code == 2 and "internal error" not in shown.output
    assert "series skipped" in shown.output


def test_a_series_point_in_the_first_month_of_the_calendar_is_plotted(tmp_path: Path) -> None:
    """A point in 0001-01 (lint-clean) made `figures ID` say "a date or number is out of
    range": the measures' standing status was asked for the day before 0001-01-01."""
    root = _series_log(tmp_path, "0001-01")
    shown = run("figures", "cn-exports-gallium-us", data=root)
    assert shown.exit_code == 0, shown.output
    assert "0001-01" in shown.stdout
    assert run("figures", "cn-exports-gallium-us", "--json", data=root).exit_code == 0


# ---- wrong messages that send the user the wrong way


def test_a_data_folder_that_is_a_loop_of_links_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    result = run("timeline", data=tmp_path / "a")
    assert result.exit_code == 2
    assert "symbolic link that leads nowhere" in result.output and "no such folder" not in result.output


def test_a_diff_side_without_dataset_yaml_is_named_as_a_side(tmp_path: Path) -> None:
    """`diff FOLDER` blamed `--data FOLDER`, an option the user never gave."""
    (tmp_path / "empty").mkdir()
    result = run("diff", str(tmp_path / "empty"), data=REPO / "data")
    assert result.exit_code == 2
    assert f"{tmp_path / 'empty'}: the folder has no dataset.yaml" in result.output
    assert "--data" not in result.output


def test_chart_refuses_a_folder_as_its_file_before_printing(tmp_path: Path) -> None:
    """`chart --svg FOLDER` printed the chart, then failed with exit 4 ("Is a directory");
    export refuses the same with exit 2 before writing anything."""
    for option in ("--svg", "--html"):
        result = run("chart", option, str(tmp_path), data=REPO / "data")
        assert result.exit_code == 2, result.output
        assert "it is a folder" in result.output and "█" not in result.output


# ---- hangs: a FIFO where a file is written


def test_a_step_summary_that_is_a_fifo_nobody_reads_does_not_hang_lint(tmp_path: Path) -> None:
    """`lint --format github` with $GITHUB_STEP_SUMMARY naming a FIFO without a reader hung
    for ever (a blocking open); it is a warning now, and the findings keep their exit code."""
    fifo = tmp_path / "summary"
    os.mkfifo(fifo)
    root = _log_copy(tmp_path)
    (root / "events" / "2025" / "2025-01-01-cn-broken.yaml").write_text("title: [\n")
    proc = subprocess.run(
        [sys.executable, "-m", "retracker", "--data", str(root), "lint", "--format", "github"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(fifo)},
    )
    assert proc.returncode == 1, proc.stderr
    assert "cannot write GITHUB_STEP_SUMMARY" in proc.stderr and "FIFO that nobody reads" in proc.stderr
    assert stat_is_fifo(fifo)


def stat_is_fifo(path: Path) -> bool:
    import stat

    return stat.S_ISFIFO(os.stat(path).st_mode)


# ---- new: odd titles, odd dates, no standard input


def test_new_leaves_look_alike_words_out_of_the_id() -> None:
    """`new --title "Gаllium сontrols"` (Cyrillic а and с) made the id `gllium-ontrols`: a word
    mixing scripts is left out whole; Latin letters without an ASCII form are spelled out."""
    from retracker.scaffold import slugify

    assert slugify("Gаllium сontrols on exports", 6) == "exports"
    assert slugify("Café résumé No. 61", 6) == "cafe-resume-61"
    assert slugify("Øresund straße Łódź", 6) == "oresund-strasse-lodz"
    assert slugify("中国 gallium 出口", 6) == "gallium"


def test_new_with_standard_input_closed_is_a_usage_error(tmp_path: Path) -> None:
    """`retracker new <&-` (no options, stdin closed) exited 3: RuntimeError lost sys.stdin."""
    root = _log_copy(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "retracker", "--data", str(root), "new"],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.close(0),
    )
    assert proc.returncode == 2, proc.stderr
    assert "no terminal to ask for it" in proc.stderr and "internal error" not in proc.stderr


def test_new_says_why_a_year_before_1000_is_refused(tmp_path: Path) -> None:
    root = _log_copy(tmp_path)
    args = ["new", "--date", "0001-01-01", "--issuer", "CN", "--kind", "export-control", "--title", "Old"]
    result = run(*args, data=root)
    assert result.exit_code == 2 and "a year before 1000 cannot start an id" in result.output


def test_a_series_quantity_beyond_exact_doubles_is_refused(tmp_path: Path) -> None:
    """10**40 passed lint and `figures` showed 10,000,000,000,000,000,303,786,...: digits no
    source wrote. A quantity is at most 2**53."""
    root = _series_log(tmp_path, "2025-01")
    path = root / SERIES
    text = path.read_text(encoding="utf-8").replace("value: 0", f"value: {10**40}")
    path.write_text(text, encoding="utf-8")
    lint = run("lint", str(path), data=root)
    assert lint.exit_code == 1 and "RT405" in lint.stdout and "at most 2^53" in lint.stdout, lint.stdout


# ---- slow: a huge cell laid out in quadratic time


def test_a_huge_cell_is_wrapped_in_linear_time() -> None:
    """A lint-clean 900 kB title took 12 s to lay out in `timeline` and `search` (each line
    was a slice of the whole rich Text); the text is divided once now, with the same lines
    and styles."""
    import time

    from rich.text import Text

    from retracker.grid import _wrap, _wrap_text

    small = Text("alpha beta-gamma delta\nepsilon zeta", style="bold")
    small.stylize("red", 3, 14)
    lines = _wrap_text(small, 7)
    assert [t.plain for t in lines] == _wrap(small.plain, 7)
    assert lines[0].spans and lines[0].style == "bold"
    big = Text("word " * 80_000)
    started = time.monotonic()
    wrapped = _wrap_text(big, 60)
    assert time.monotonic() - started < 1.0
    assert "".join(t.plain + " " for t in wrapped).split() == big.plain.split()


# ---- silent loss: a series folder that cannot be read


@pytest.mark.parametrize("kind", ["file", "dangling"])
def test_a_series_folder_that_cannot_be_read_is_an_error_not_an_empty_log(tmp_path: Path, kind: str) -> None:
    """A `series` that is a file (or a link to nothing) made every series vanish: figures
    said "this log holds no trade series" and lint said the log was clean. It is RT001 at
    that path now, as for `events` (a log without series/ still has none, silently)."""
    root = _log_copy(tmp_path)
    shutil.rmtree(root / "series")
    if kind == "file":
        (root / "series").write_text("not a folder\n")
    else:
        (root / "series").symlink_to(tmp_path / "nowhere")
    lint = run("lint", data=root)
    assert lint.exit_code == 1 and f"{root / 'series'}:1:1: RT001" in lint.stdout, lint.stdout
    shown = run("figures", data=root)
    assert shown.exit_code == 0 and f"series skipped: {root / 'series'}:1:1: RT001" in shown.output
    (root / "series").unlink()
    assert run("lint", data=root).exit_code == 0


def test_a_series_file_linked_from_outside_the_log_is_rt013_as_an_event_file(tmp_path: Path) -> None:
    """An event file linked from outside the log is RT013; a series file was read silently."""
    root = _log_copy(tmp_path)
    outside = tmp_path / "elsewhere.yaml"
    (root / SERIES).rename(outside)
    (root / SERIES).symlink_to(outside)
    lint = run("lint", data=root)
    assert lint.exit_code == 1 and f"{root / SERIES}:1:1: RT013" in lint.stdout, lint.stdout
    inside = root / "gallium.yaml"
    (root / SERIES).unlink()
    outside.rename(inside)
    (root / SERIES).symlink_to(inside)
    assert run("lint", data=root).exit_code == 0


def test_upcoming_until_in_the_past_names_the_window_it_meant() -> None:
    """`upcoming --until 0001-01-01` said "--since 2026-12-02 is after --until" (an option
    the user never gave); it names today, where the window starts, and how to go back."""
    result = run("upcoming", "--until", "0001-01-01", data=REPO / "data")
    assert result.exit_code == 2
    assert "--until 0001-01-01 is before today" in result.output and "--since" in result.output
    swapped = run("upcoming", "--since", "2025-01-01", "--until", "2024-01-01", data=REPO / "data")
    assert swapped.exit_code == 2 and "--since 2025-01-01 is after --until 2024-01-01" in swapped.output


def test_diff_in_a_repository_git_refuses_says_so(history, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository git refuses ("dubious ownership": another user's checkout) was reported
    as "the log is not in a git repository"; the refusal is named, with git's own remedy.
    Ownership is simulated by git's own switch for it (no chown needed)."""
    log, _ = history
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    result = run("diff", "HEAD~1", data=log.root)
    assert result.exit_code == 2
    assert "git refuses the repository at" in result.output and "safe.directory" in result.output
    assert "not in a git repository" not in result.output


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["index", "yaml"])
def test_an_id_in_two_files_is_answered_once_with_a_warning(log, cache: list[str]) -> None:
    """The same event copied into a second year folder was listed twice by every query and
    export, without a word (the index refuses the log, so the YAML answered)."""
    from retracker.dataset import load_dataset

    first = log.add()
    event_id = first.stem
    copy = log.write_text(event_id, "2019", first.read_text())
    listed = run(*cache, "timeline", "--json", data=log.root)
    assert listed.exit_code == 0, listed.output
    assert [e["id"] for e in json.loads(listed.stdout)] == [event_id]
    assert "RT202" in listed.stderr and "left out" in listed.stderr
    exported = run(*cache, "export", "-f", "json", data=log.root)
    assert [e["id"] for e in json.loads(exported.stdout)] == [event_id]
    ds = load_dataset(log.root)
    # the copy in the wrong year's folder is the one left out, whichever the walk meets first
    assert [d.path for d in ds.diagnostics] == [str(copy)] and ds.paths[event_id] == first
    linted = run("lint", str(log.root))
    assert linted.exit_code == 1 and "RT202" in linted.stdout
