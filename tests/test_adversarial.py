"""Regression tests for the adversarial pass (issue 16 and friends), grouped by kind.

Each test names the kind of attack it stands for, not only the example that found it: the
pass is re-run with new cases. Where the environment matters (locale, closed or full stdout,
argv bytes), the test runs ``python -m retracker`` in a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker.cli import app
from retracker.diagnostics import RetrackerError
from retracker.scaffold import parse_date

from .conftest import LogBuilder, dump, event_dict

runner = CliRunner()
NEW = ["new", "--issuer", "CN", "--kind", "export-ban", "--title", "Test"]


def run(*args: str, data: Path | None = None) -> object:
    full = (["--data", str(data)] if data else []) + list(args)
    return runner.invoke(app, full)


def subprocess_run(
    *args: str, cwd: Path, env: dict[str, str] | None = None, drop: tuple[str, ...] = (), **kw
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1", **(env or {})}
    for name in drop:
        full_env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "retracker", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        timeout=120,
        **kw,
    )


def assert_one_line_error(stderr: str | bytes) -> None:
    text = stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in text, text
    assert "internal error" not in text, text
    errors = [line for line in text.splitlines() if line.startswith("retracker: error:")]
    assert len(errors) == 1, text


# ===================================================== writing where it should not (git options)


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    out = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return out.stdout


@pytest.fixture
def repo(tmp_path: Path) -> LogBuilder:
    if shutil.which("git") is None:  # pragma: no cover
        pytest.fail("git is needed for the diff tests")
    log = LogBuilder(tmp_path / "repo" / "data")
    log.add()
    git(log.root.parent, "init", "-q")
    git(log.root.parent, "add", ".")
    git(log.root.parent, "commit", "-q", "-m", "one")
    return log


@pytest.mark.parametrize(
    "spec",
    ["--output=OUT", "-o", "--exec=touch OUT", "HEAD --output=OUT", "--remote=x", "-", "HEAD\n--output=OUT"],
)
def test_diff_never_passes_a_user_string_as_a_git_option(repo: LogBuilder, tmp_path: Path, spec: str) -> None:
    target = tmp_path / "clobbered"
    spec = spec.replace("OUT", str(target))
    for args in (["diff", spec], ["diff", "HEAD", spec], ["diff", "--", spec], ["diff", "HEAD", "--", spec]):
        result = run(*args, data=repo.root)
        assert result.exit_code == 2, result.output
        assert "not a revision" in result.output or "No such option" in result.output
        assert not target.exists()


def test_diff_resolves_revisions_and_dates_past_2099(repo: LogBuilder) -> None:
    second = repo.add(id="2025-05-05-cn-second-measure", date="2025-05-05", instrument_key=None)
    git(repo.root.parent, "add", ".")
    git(repo.root.parent, "commit", "-q", "-m", "two")
    result = run("diff", "HEAD~1", "--json", data=repo.root)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == [second.stem]
    for day in ("2100-01-01", "9999-12-31"):
        result = run("diff", day, "--json", data=repo.root)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["added"] == []
    for day, message in (("1970-01-01", "no commit on or before"), ("0000-01-01", "not a real date")):
        result = run("diff", day, data=repo.root)
        assert result.exit_code == 2 and message in result.output


def test_diff_reports_an_unreadable_file_as_unreadable_not_removed(repo: LogBuilder) -> None:
    (path,) = (repo.root / "events" / "2025").iterdir()
    path.write_text("title: [broken\n")
    result = run("diff", "HEAD", "--json", data=repo.root)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["removed"] == [] and payload["unreadable"] == [path.stem]
    table = run("diff", "HEAD", data=repo.root)
    assert "unreadable" in table.stdout and "could not be read" in table.stderr


def test_diff_outside_git_says_so(log: LogBuilder) -> None:
    result = run("diff", "HEAD~5", data=log.root)
    assert result.exit_code == 2
    assert "not in a git repository" in result.output


# ===================================================== writing where it should not (new)


def test_new_concurrent_runs_for_one_id_exactly_one_wins(log: LogBuilder) -> None:
    from retracker.scaffold import Draft, create

    outcomes: list[str] = []

    def attempt() -> None:
        try:
            create(log.root, Draft(parse_date("2025-11-10"), "CN", "export-ban", "Test"))
            outcomes.append("ok")
        except RetrackerError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert all("already exists" in o for o in outcomes if o != "ok")
    assert [p.name for p in (log.root / "events" / "2025").iterdir()] == ["2025-11-10-cn-test.yaml"]


def test_new_in_parallel_processes(log: LogBuilder, tmp_path: Path) -> None:
    args = ["--data", str(log.root), *NEW, "--date", "2025-11-10"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "retracker", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(12)
    ]
    codes = [p.wait(timeout=120) for p in procs]
    for p in procs:
        p.stdout.close()  # type: ignore[union-attr]
        p.stderr.close()  # type: ignore[union-attr]
    assert sorted(codes) == [0] + [2] * 11
    assert len(list((log.root / "events" / "2025").iterdir())) == 1


@pytest.mark.parametrize("how", ["year-folder-link", "events-link", "dangling-file-link", "file-link"])
def test_new_never_writes_through_a_symlink(log: LogBuilder, tmp_path: Path, how: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    name = "2025-11-10-cn-test.yaml"
    if how == "year-folder-link":
        (log.root / "events" / "2025").symlink_to(outside)
    elif how == "events-link":
        shutil.rmtree(log.root / "events")
        (log.root / "events").symlink_to(outside)
    else:
        (log.root / "events" / "2025").mkdir()
        target = outside / "victim.yaml"
        if how == "file-link":
            target.write_text("keep me\n")
        (log.root / "events" / "2025" / name).symlink_to(target)
    result = run(*NEW, "--date", "2025-11-10", data=log.root)
    assert result.exit_code == 2, result.output
    assert "symlink" in result.output or "already exists" in result.output
    assert [p.read_text() for p in outside.rglob("*") if p.is_file()] in ([], ["keep me\n"])


def test_new_reports_file_system_errors_in_one_line(log: LogBuilder) -> None:
    (log.root / "events" / "2025").write_text("a file where a folder should be")
    result = run(*NEW, "--date", "2025-11-10", data=log.root)
    assert result.exit_code == 2
    assert_one_line_error(result.output)


@pytest.mark.parametrize("errno_name", ["ENOSPC", "EACCES", "EROFS", "EIO"])
def test_new_when_the_disk_refuses(log: LogBuilder, monkeypatch: pytest.MonkeyPatch, errno_name: str) -> None:
    import errno

    code = getattr(errno, errno_name)

    def refuse(fd: int, data: object) -> int:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "write", refuse)
    result = run(*NEW, "--date", "2025-11-10", data=log.root)
    assert result.exit_code == 4, result.output  # the system refused a write (README, exit codes)
    assert "cannot write" in result.output and os.strerror(code) in result.output
    assert_one_line_error(result.output)
    assert list((log.root / "events").rglob("*")) == [log.root / "events" / "2025"]  # no temp file left


# ===================================================== wrong answers: invented dates


@pytest.mark.parametrize(
    "text", ["2025", "10/11/2025", "251110", "2025-11", "Nov 2025", "0000-01-01", "", "today", "2025-02-30"]
)
def test_new_never_invents_a_day(log: LogBuilder, text: str) -> None:
    result = run(*NEW, "--date", text, data=log.root)
    assert result.exit_code == 2, result.output
    assert "YYYY-MM-DD" in result.output or "four digits" in result.output
    assert not list((log.root / "events").rglob("*.yaml"))


def test_new_takes_a_full_iso_date(log: LogBuilder) -> None:
    result = run(*NEW, "--date", "2025-11-10", data=log.root)
    assert result.exit_code == 0, result.output
    assert (log.root / "events" / "2025" / "2025-11-10-cn-test.yaml").is_file()


@pytest.mark.parametrize(
    "command", [["status", "--on"], ["show", "-e", "Dy", "--on"], ["upcoming", "--from"]]
)
def test_an_empty_date_is_an_error_not_today(log: LogBuilder, command: list[str]) -> None:
    result = run(*command, "", data=log.root)
    assert result.exit_code == 2, result.output
    assert "cannot read date ''" in result.output


def test_event_builder_is_valid(log: LogBuilder) -> None:
    assert dump(event_dict())  # the shared builder the tests above rely on


# ===================================================== which log (issue 15 item 3)


def test_the_nearest_log_from_the_current_folder_up(
    repo: LogBuilder, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    checkout = repo.root.parent
    for cwd in (checkout, repo.root, repo.root / "events" / "2025"):
        monkeypatch.chdir(cwd)
        result = runner.invoke(app, ["timeline", "--json"])
        assert result.exit_code == 0, result.output
        assert [e["id"] for e in json.loads(result.stdout)] == [event_dict()["id"]]
        assert f"log: {repo.root} (the nearest dataset.yaml" in result.stderr
    monkeypatch.chdir(checkout)
    second = repo.add(id="2025-05-05-cn-second-measure", date="2025-05-05", instrument_key=None)
    git(checkout, "add", ".")
    git(checkout, "commit", "-q", "-m", "two")
    result = runner.invoke(app, ["diff", "HEAD~1", "--json"])  # README's example, in a checkout
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == [second.stem]


def test_data_option_then_variable_then_nearest(
    log: LogBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = LogBuilder(tmp_path / "other")
    other.add(id="2025-06-06-cn-other-measure", date="2025-06-06", instrument_key=None)
    monkeypatch.chdir(log.root)
    monkeypatch.setenv("RETRACKER_DATA", str(other.root))
    by_env = runner.invoke(app, ["timeline", "--json"])
    assert [e["id"] for e in json.loads(by_env.stdout)] == ["2025-06-06-cn-other-measure"]
    assert "(from RETRACKER_DATA)" in by_env.stderr
    by_option = runner.invoke(app, ["--data", str(log.root), "timeline", "--json"])
    assert json.loads(by_option.stdout) == []
    assert "(from --data)" in by_option.stderr


@pytest.mark.parametrize("value", ["events", "missing", "dataset.yaml", " "])
def test_a_variable_that_names_no_log_says_so(
    log: LogBuilder, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("RETRACKER_DATA", str(log.root / value) if value.strip() else value)
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    assert_one_line_error(result.output)
    assert "RETRACKER_DATA" in result.output and "--data" not in result.output.split("(")[0]
    if value == "events":
        assert "the folder has no dataset.yaml" in result.output
        assert f"use {log.root}, the folder holding dataset.yaml" in result.output


def test_an_empty_data_option_is_an_error(log: LogBuilder) -> None:
    result = runner.invoke(app, ["--data", "", "status"])
    assert result.exit_code == 2 and "--data is empty" in result.output


def test_version_verbose_says_which_log(log: LogBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(log.root)
    result = runner.invoke(app, ["--version", "--verbose"])
    assert result.exit_code == 0
    assert f"log: {log.root} (the nearest dataset.yaml" in result.stdout


def test_new_refuses_the_installed_copy(log: LogBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    import sysconfig

    real = sysconfig.get_paths()
    monkeypatch.setattr(sysconfig, "get_paths", lambda: {**real, "purelib": str(log.root.parent)})
    result = run(*NEW, "--date", "2025-11-10", data=log.root)
    assert result.exit_code == 2
    assert "is the installed copy" in result.output and "lost on the next install" in result.output
    assert not list((log.root / "events").rglob("*.yaml"))


def test_the_bundled_log_outside_any_checkout(tmp_path: Path) -> None:
    proc = subprocess_run("--version", "--verbose", cwd=tmp_path, drop=("RETRACKER_DATA",))
    assert proc.returncode == 0
    assert b"(the copy bundled with retracker)" in proc.stdout


# ===================================================== global options anywhere (issue 11 item 6)


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["timeline", "--lang", "zh"], ["--lang", "zh", "timeline"]),
        (["show", "X", "--data", "D"], ["--data", "D", "show", "X"]),
        (["status", "--no-cache", "--on", "2025-01-01"], ["--no-cache", "status", "--on", "2025-01-01"]),
        (["lint", "--debug", "-d", "D", "f"], ["--debug", "-d", "D", "lint", "f"]),
        (["timeline", "--lang=zh"], ["--lang=zh", "timeline"]),
        (["search", "--", "--debug"], ["search", "--", "--debug"]),
        (["new", "--title", "--debug", "--date", "x"], ["new", "--title", "--debug", "--date", "x"]),
        (["--data", "D", "timeline"], ["--data", "D", "timeline"]),
    ],
)
def test_global_options_are_moved_before_the_subcommand(argv: list[str], expected: list[str]) -> None:
    from retracker.cli import hoist_global_options

    assert hoist_global_options(argv) == expected


def test_global_options_after_the_subcommand_work(log: LogBuilder, tmp_path: Path) -> None:
    log.add()
    proc = subprocess_run(
        "timeline", "--json", "--data", str(log.root), "--no-cache", "--lang", "zh", "--debug", cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert [e["id"] for e in json.loads(proc.stdout)] == [event_dict()["id"]]


@pytest.mark.parametrize(
    "name, value, ok",
    [
        ("RETRACKER_DEBUG", "0", True),
        ("RETRACKER_DEBUG", "no", True),
        ("RETRACKER_NO_CACHE", "false", True),
        ("RETRACKER_NO_CACHE", "YES", True),
        ("RETRACKER_NO_CACHE", "maybe", False),
        ("RETRACKER_DEBUG", "2", False),
    ],
)
def test_boolean_variables(
    log: LogBuilder, monkeypatch: pytest.MonkeyPatch, name: str, value: str, ok: bool
) -> None:
    monkeypatch.setenv(name, value)
    result = run("timeline", data=log.root)
    if ok:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2 and f"{name}={value!r} is not a yes/no value" in result.output


def test_no_cache_false_keeps_the_cache(log: LogBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    from retracker import cache

    monkeypatch.setenv("RETRACKER_NO_CACHE", "false")
    assert cache.disabled() is False
    monkeypatch.setenv("RETRACKER_NO_CACHE", "1")
    assert cache.disabled() is True


def test_debug_zero_is_off(log: LogBuilder, tmp_path: Path) -> None:
    (log.root / "dataset.yaml").write_text("schema_version: 1\ncoverage: 2026-11-25\n")
    proc = subprocess_run("timeline", "--data", str(log.root), cwd=tmp_path, env={"RETRACKER_DEBUG": "0"})
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr


# ===================================================== crashes: odd machines (subprocess)

COMMANDS = [
    ["timeline"],
    ["timeline", "--lang", "zh"],
    ["status"],
    ["show", "-e", "Dy"],
    ["show", event_dict()["id"]],
    ["upcoming"],
    ["chart"],
    ["search", "测试"],
    ["export", "-f", "csv"],
    ["export", "-f", "ics"],
    ["export", "-f", "json"],
    ["lint"],
    ["materials"],
    ["countries"],
    ["schema"],
    ["--help"],
    ["timeline", "--help"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_in_a_non_utf8_locale(log: LogBuilder, tmp_path: Path, command: list[str]) -> None:
    log.add()
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    proc = subprocess_run(
        "--data", str(log.root), *command, cwd=tmp_path, env=env, drop=("PYTHONIOENCODING",)
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert b"Traceback" not in proc.stderr and b"internal error" not in proc.stderr


def test_utf8_arguments_in_a_c_locale_and_bytes_that_are_not_utf8(log: LogBuilder, tmp_path: Path) -> None:
    log.add()
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    good = subprocess_run("--data", str(log.root), "search", "测试", "--json", cwd=tmp_path, env=env)
    assert good.returncode == 0, good.stderr
    assert [e["id"] for e in json.loads(good.stdout)] == [event_dict()["id"]]
    for env_used in (env, {}):
        bad = subprocess.run(
            [sys.executable, "-m", "retracker", "--data", str(log.root), "show", b"\xff\xfe"],
            cwd=tmp_path,
            env={**os.environ, **env_used},
            capture_output=True,
            timeout=60,
        )
        assert bad.returncode == 2
        assert_one_line_error(bad.stderr)
        assert b"not UTF-8 text" in bad.stderr


@pytest.mark.parametrize(
    "command", [["timeline"], ["export", "-f", "csv"], ["--help"], ["schema"]], ids=" ".join
)
def test_a_full_stdout_is_one_line_and_exit_4(log: LogBuilder, tmp_path: Path, command: list[str]) -> None:
    log.add()
    if not Path("/dev/full").exists():  # pragma: no cover
        pytest.fail("/dev/full is needed")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "retracker", "--data", str(log.root), *command],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert proc.returncode == 4, proc.stderr
    assert_one_line_error(proc.stderr)
    assert b"No space left on device" in proc.stderr


@pytest.mark.parametrize("command", [["timeline"], ["status"], ["schema"]], ids=" ".join)
def test_a_closed_stdout_is_one_line_and_exit_4(log: LogBuilder, tmp_path: Path, command: list[str]) -> None:
    log.add()
    proc = subprocess.run(
        [sys.executable, "-m", "retracker", "--data", str(log.root), *command],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert proc.returncode == 4, proc.stderr
    assert_one_line_error(proc.stderr)


def test_a_closed_pipe_is_quiet(log: LogBuilder, tmp_path: Path) -> None:
    for i in range(300):
        log.add(id=f"2025-04-04-cn-measure-{i:03d}", instrument_key=None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "retracker", "--data", str(log.root), "timeline"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0, err
    assert b"Traceback" not in err and b"error" not in err


# ===================================================== crashes: dates at the edges


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["upcoming", "--days", "3000000"], 0, "to 9999-12-31"),
        (["timeline", "--since", "0000"], 2, "there is no year 0"),
        (["status", "--on", "0000-01-01"], 2, "cannot read date"),
        (["status", "--on", "9999-12-31"], 0, "on 9999-12-31"),
        (["chart", "--until", "9999"], 0, ""),
        (["export", "-f", "ics"], 0, ""),
    ],
)
def test_dates_at_the_edges(log: LogBuilder, args: list[str], code: int, words: str) -> None:
    log.add(ends="9999-12-31")
    result = run(*args, data=log.root)
    assert result.exit_code == code, result.output
    assert words in result.output
    assert "internal error" not in result.output


def test_an_event_dated_year_zero_is_a_located_error(log: LogBuilder) -> None:
    path = log.add(id="0000-01-01-cn-x", date="0000-01-01", instrument_key=None)
    result = run("lint", str(path))
    assert result.exit_code == 1
    assert f"{path}:" in result.stdout and "RT105" in result.stdout


# ===================================================== wrong answers: the coverage warning


@pytest.mark.parametrize(
    "args", [["show", event_dict()["id"]], ["show", "-e", "Dy"], ["chart"], ["status"]], ids=" ".join
)
def test_answers_past_the_coverage_date_say_so(log: LogBuilder, args: list[str]) -> None:
    log.add()
    result = (
        run(*args, "--on", "2027-01-01", data=log.root)
        if args[0] != "chart"
        else run("chart", "--until", "2027-01", data=log.root)
    )
    assert result.exit_code == 0, result.output
    assert "after the log's coverage date 2026-11-25" in result.stderr


# ===================================================== crashes: file-system errors


def test_chart_svg_into_a_missing_folder(log: LogBuilder, tmp_path: Path) -> None:
    log.add()
    target = tmp_path / "missing" / "chart.svg"
    result = run("chart", "--svg", str(target), data=log.root)
    assert result.exit_code == 4
    assert_one_line_error(result.output)
    assert f"cannot write {target}: No such file or directory" in result.output


def test_lint_github_with_an_unwritable_step_summary(
    log: LogBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = log.add(materials=["Dyy"])
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing" / "summary.md"))
    result = run("lint", "--format", "github", str(path))
    assert result.exit_code == 1  # the findings decide, not the summary
    assert "::error file=" in result.stdout
    assert "cannot write GITHUB_STEP_SUMMARY" in result.stderr


# ===================================================== events that must not vanish without a word


def test_events_missing_or_a_file(log: LogBuilder) -> None:
    shutil.rmtree(log.root / "events")
    missing = run("lint", data=log.root)
    assert missing.exit_code == 1
    assert "events:1:1: RT001 folder 'events' is missing" in missing.stdout
    (log.root / "events").write_text("not a folder")
    a_file = run("lint", data=log.root)
    assert a_file.exit_code == 1
    assert "RT001 'events' is a file, not a folder" in a_file.stdout
    query = run("timeline", data=log.root)
    assert "could not be read" in query.stderr


def test_an_unlistable_folder_is_a_located_error(log: LogBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    log.add()
    hidden = log.root / "events" / "2024"
    hidden.mkdir()
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == hidden:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    for args in (["lint"], ["lint", str(log.root / "events")]):
        result = run(*args, data=log.root if args == ["lint"] else None)
        assert result.exit_code == 1, result.output
        assert f"{hidden}:1:1: RT001 cannot list folder '2024': Permission denied" in result.stdout


def test_a_thousand_nested_folders(log: LogBuilder) -> None:
    log.add()
    try:
        fd = os.open(log.root / "events", os.O_RDONLY)
        try:
            for _ in range(2100):  # deeper than the stack and than PATH_MAX
                os.mkdir("d", dir_fd=fd)
                child = os.open("d", os.O_RDONLY, dir_fd=fd)
                os.close(fd)
                fd = child
        finally:
            os.close(fd)
        result = run("lint", data=log.root)
        assert result.exit_code == 1, result.output[-500:]
        assert "RT001 cannot list folder 'd'" in result.stdout
        assert run("--no-cache", "timeline", data=log.root).exit_code == 0
    finally:
        _remove_chain(log.root / "events")  # pytest's own clean-up would recurse too deep


def _remove_chain(top: Path) -> None:
    """Remove a deep chain of folders named d (shutil.rmtree recurses and would fail)."""
    fds = [os.open(top, os.O_RDONLY)]
    try:
        while True:
            try:
                fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
            except FileNotFoundError:
                break
        for parent in reversed(fds[:-1]):
            os.rmdir("d", dir_fd=parent)
    finally:
        for fd in fds:
            os.close(fd)


# ===================================================== lint of a data folder (issue 11 item 3)


def test_lint_of_the_data_folder_checks_dataset_yaml_with_its_own_model(log: LogBuilder) -> None:
    log.add()
    (log.root / "events" / "README.md").write_text("notes for curators\n")
    (log.root / "events" / "2025" / "notes.txt").write_text("scratch\n")
    (log.root / "events" / ".hidden").mkdir()
    (log.root / "events" / ".hidden" / "x.yaml").write_text("not: an event\n")
    clean = run("lint", str(log.root))
    assert clean.exit_code == 0, clean.output
    assert clean.stdout.strip() == ""
    (log.root / "dataset.yaml").write_text("schema_version: 1\ncoverage: 2026-11-25\ntitel: x\n")
    bad = run("lint", str(log.root))
    assert bad.exit_code == 1
    assert f"{log.root / 'dataset.yaml'}:3:1: RT021 unknown dataset field 'titel'" in bad.stdout
    assert "did you mean 'title'?" in bad.stdout
    whole = run("lint", data=log.root)
    assert "RT021" in whole.stdout


def test_a_stray_file_is_reported_only_when_named(log: LogBuilder) -> None:
    log.add()
    stray = log.root / "events" / "2025" / "notes.txt"
    stray.write_text("scratch\n")
    misnamed = log.write_text("2025-05-05-cn-misnamed", "2025", "id: x\n", suffix=".yml")
    walked = run("lint", str(log.root / "events"))
    assert f"{misnamed}:1:1: RT012" in walked.stdout  # a .yml is an event that would be lost
    assert str(stray) not in walked.stdout
    named = run("lint", str(stray))
    assert named.exit_code == 1 and f"{stray}:1:1: RT012" in named.stdout


def test_lint_dot_in_a_checkout_lints_its_log_not_its_tests(
    repo: LogBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = repo.root.parent
    (checkout / "tests").mkdir()
    (checkout / "tests" / "test_x.py").write_text("def test(): pass\n")
    (checkout / "tests" / "fixture.yaml").write_text("- not an event\n")
    (checkout / ".pre-commit-config.yaml").write_text("repos: []\n")
    monkeypatch.chdir(checkout)
    result = runner.invoke(app, ["lint", "."])
    assert result.exit_code == 0, result.output
    assert "test_x" not in result.output and "fixture" not in result.output
    assert "2 file(s): 0 error(s)" in result.stderr  # the event and dataset.yaml


@pytest.mark.parametrize(
    "text, words",
    [
        ("coverage: [\n", "RT004"),
        ("schema_version: 1\n", "needs coverage"),
        ("schema_version: 1\ncoverage: soon\n", "RT105"),
        (b"coverage: caf\xe9\n", "RT002"),
    ],
)
def test_an_unreadable_dataset_file_is_its_own_error(log: LogBuilder, text: str | bytes, words: str) -> None:
    log.add()
    path = log.root / "dataset.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = run("--no-cache", "timeline", data=log.root)
    assert result.exit_code == 2, result.output
    assert_one_line_error(result.output)
    assert "the log's dataset.yaml cannot be used" in result.output and words in result.output
    assert "None" not in result.output


# ===================================================== hostile text (escape sequences, bidi)


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "Clear \x1b[2J screen"),
        ("summary", "Hidden \u202e txet"),
        ("summary", "Isolate \u2066x\u2069"),
        ("instrument", "No. 61\x07"),
        ("title", "C1 \x9b31m red"),
    ],
)
def test_lint_rejects_control_characters_in_text(log: LogBuilder, field: str, value: str) -> None:
    path = log.add(**{field: value})
    result = run("lint", str(path))
    assert result.exit_code == 1, result.output
    assert "RT309" in result.stdout and field in result.stdout


def test_lint_accepts_newlines_tabs_and_chinese(log: LogBuilder) -> None:
    path = log.add(summary="第一行\n第二行\twith a tab", title_zh="关于对境外相关稀土物项实施出口管制的决定")
    result = run("lint", str(path))
    assert result.exit_code == 0, result.output


def test_new_without_a_terminal_is_a_usage_error(log: LogBuilder, tmp_path: Path) -> None:
    proc = subprocess_run(
        "--data", str(log.root), "new", "--date", "2025-01-01", cwd=tmp_path, stdin=subprocess.DEVNULL
    )
    assert proc.returncode == 2, proc.stderr
    assert b"no terminal to ask for it" in proc.stderr
    assert not list((log.root / "events").rglob("*.yaml"))
