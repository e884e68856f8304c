"""A second adversarial pass (issue 16, "fix the kind"): each test stands for a kind of
attack and fails on the code before its fix.

Through the CLI (CliRunner) where the environment does not matter, in a subprocess where it
does (argv bytes, closed pipes, locale).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker.cli import app
from retracker.dataset import Dataset

from .conftest import REPO, LogBuilder, event_dict

runner = CliRunner()

QUERIES = [
    ["timeline"],
    ["status"],
    ["show", "-e", "Sb"],
    ["upcoming"],
    ["chart"],
    ["search", "rare"],
    ["export", "-f", "json"],
]
EDGES = [
    ("0001-01-01", "0001-01-01"),
    ("9999-12-31", "9999-12-31"),
    ("9999-12-31", "9999"),
    ("0001", "9999-12"),
]


@pytest.mark.parametrize("command", QUERIES, ids=lambda c: c[0] + ("-e" if "-e" in c else ""))
def test_the_first_and_last_days_of_the_calendar_are_dates_like_any_other(command: list[str]) -> None:
    """Date arithmetic at the edges (a day after 9999-12-31, before 0001-01-01) is never
    reported as "out of range": a window at the edge is a window like any other."""
    for since, until in EDGES:
        result = runner.invoke(
            app, ["--data", str(REPO / "data"), *command, "--since", since, "--until", until]
        )
        assert result.exit_code in (0, 2), (since, until, result.output)
        assert "out of range" not in result.output and "internal error" not in result.output, (
            command,
            since,
            until,
            result.output,
        )


# ===================================================== odd environments: the terminal's width

LISTINGS = [
    ["timeline"],
    ["status", "--on", "2025-11-20"],
    ["show", "-e", "Sb"],
    ["show", "CN-MOFCOM-2025-61"],
    ["upcoming", "--from", "2025-01-01"],
    ["search", "rare"],
    ["materials"],
    ["chart"],
]


@pytest.mark.parametrize("columns", ["0", "-3", "x", "1"])
def test_no_usable_width_never_means_no_output(monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    """COLUMNS=0 printed nothing at all (exit 0) from every listing: rich took the width at
    its word. A width of nothing reads as the default; a tiny one still shows every row."""
    monkeypatch.setenv("COLUMNS", columns)
    for command in LISTINGS:
        result = runner.invoke(app, ["--data", str(REPO / "data"), *command])
        assert result.exit_code == 0, (command, result.output)
        assert len(result.stdout.strip()) > 100, (command, columns, result.stdout)


# ===================================================== writes the system refuses: one exit code


@pytest.mark.parametrize(
    "command",
    [
        ["export", "-f", "csv", "-o"],
        ["export", "-f", "json", "-o"],
        ["export", "-f", "ics", "-o"],
        ["export", "-f", "sqlite", "-o"],
        ["status", "--on", "2025-11-20", "-f", "csv", "-o"],
        ["chart", "--svg"],
        ["chart", "--html"],
    ],
    ids=lambda c: "-".join(c[:3]),
)
@pytest.mark.parametrize("where", ["/dev/full", "missing/x"])
def test_every_writer_reports_a_refused_write_alike(command: list[str], where: str, tmp_path: Path) -> None:
    """export said exit 2 for a full disk where chart said 4: every command that writes a
    file reports the system's refusal as README's exit 4, in one line naming the file."""
    if where == "/dev/full" and not Path("/dev/full").exists():
        where = str(tmp_path / "missing" / "x")
    target = where if where.startswith("/") else str(tmp_path / where)
    result = runner.invoke(app, ["--data", str(REPO / "data"), *command, target])
    if "sqlite" in command and target == "/dev/full":  # a database needs a file: a usage error
        assert result.exit_code == 2 and "not a regular file" in result.output, result.output
        return
    assert result.exit_code == 4, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("retracker: error:")]
    assert len(errors) == 1 and f"cannot write {target}" in errors[0], result.output


# ===================================================== slow: work that grows with the square


def test_lint_over_many_logs_compares_paths_linearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lint /tmp` ran for minutes: every walked file was compared with every dataset.yaml
    found (a list membership test), 42,720 files x 2,763 logs. Lint over a folder of many
    logs costs a bounded number of path comparisons per file."""
    import pathlib

    from retracker.lint import lint_paths

    for n in range(60):
        log = tmp_path / f"log{n}"
        (log / "events").mkdir(parents=True)
        (log / "dataset.yaml").write_text("name: x\n")
        for k in range(10):
            (log / f"other{k}.yaml").write_text("a: 1\n")
    compared = 0
    original = pathlib.PurePath.__eq__

    def counting(self, other):  # type: ignore[no-untyped-def]
        nonlocal compared
        compared += 1
        return original(self, other)

    monkeypatch.setattr(pathlib.PurePath, "__eq__", counting)
    result = lint_paths([tmp_path])
    files = 60 * 11
    assert len(result.files) == files
    assert compared < 5 * files, compared


# ===================================================== empty and comma-only values


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "-e", ","],
        ["timeline", "-e", " , "],
        ["status", "-c", ","],
        ["show", "--issuer", ",,"],
        ["timeline", "-k", ","],
        ["upcoming", "--target", ","],
    ],
)
def test_a_value_of_commas_alone_is_an_error_not_no_filter(args: list[str]) -> None:
    """`-e ,` split into no values at all, so the filter vanished and every event matched."""
    result = runner.invoke(app, ["--data", str(REPO / "data"), *args])
    assert result.exit_code == 2, result.output
    assert "unknown" in result.output and "retracker: error:" in result.output


def test_lint_of_an_empty_path_is_an_error_not_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`lint ''` linted the current folder (Path('') is '.'), whatever it held."""
    (tmp_path / "stray.yaml").write_text("a: 1\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["lint", ""])
    assert result.exit_code == 2, result.output
    assert "a path to lint is empty" in result.output and "stray.yaml" not in result.output


# ===================================================== new: what a draft may hold


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--title", "", "--title is empty"),
        ("--title", "   ", "--title is empty"),
        ("--title", "a\nb: c", "line break"),
        ("--title", "x\x1b[2Jy", "escape sequence"),
        ("--title", "\u202eevil", "control character"),
        ("--title", "tab\there", "control character"),
        ("--authority", "MOF\x07COM", "control character"),
    ],
)
def test_new_refuses_a_draft_lint_would_reject(tmp_path: Path, option: str, value: str, says: str) -> None:
    """`new --title $'x\\e[2Jy'` wrote a file that was not even YAML (RT004); an empty title
    gave the id DATE-ISSUER-event. The draft is refused, nothing is written, the value shown
    inert."""
    import shutil

    shutil.copy(REPO / "data" / "dataset.yaml", tmp_path / "dataset.yaml")
    (tmp_path / "events").mkdir()
    args = [
        "new",
        "--issuer",
        "CN",
        "--kind",
        "export-ban",
        "--date",
        "2025-11-10",
        "--title",
        "T",
        option,
        value,
    ]
    result = runner.invoke(app, ["--data", str(tmp_path), *args])
    assert result.exit_code == 2, result.output
    assert says in result.output and "\x1b" not in result.output and "\u202e" not in result.output
    assert not list((tmp_path / "events").rglob("*.yaml"))


# ===================================================== huge arguments


BIG = "ab" * 50_000


@pytest.mark.parametrize(
    "args",
    [
        ["show", BIG],
        ["timeline", "-e", BIG],
        ["timeline", "-c", BIG],
        ["timeline", "--since", BIG],
        ["export", "-f", BIG],
        ["lint", BIG],
        ["diff", BIG],
    ],
    ids=lambda a: a[0] + (a[1] if a[1].startswith("-") else ""),
)
def test_a_huge_argument_is_echoed_shortened(args: list[str]) -> None:
    """A 100 kB argument came back whole in a 100 kB error line. Messages keep the head and
    tail of a long run and say how long it was."""
    result = runner.invoke(app, ["--data", str(REPO / "data"), *args])
    assert result.exit_code in (2, 4), result.output
    line = next(x for x in result.output.splitlines() if x.startswith("retracker: error:"))
    assert len(line) < 400 and re.search(r"…\(10000[0-9] characters\)…", line), line[:400]


def test_new_with_a_huge_title_gives_an_id_that_is_a_file_name(tmp_path: Path) -> None:
    """A pasted 100 kB title became a 100 kB id: 'File name too long' (exit 4), naming the
    temporary file."""
    import shutil

    shutil.copy(REPO / "data" / "dataset.yaml", tmp_path / "dataset.yaml")
    (tmp_path / "events").mkdir()
    args = ["new", "--issuer", "CN", "--kind", "export-ban", "--date", "2025-11-10", "--title", BIG]
    result = runner.invoke(app, ["--data", str(tmp_path), *args])
    assert result.exit_code == 0, result.output[:500]
    (written,) = (tmp_path / "events" / "2025").glob("*.yaml")
    assert len(written.stem) <= 80 and written.stem.startswith("2025-11-10-cn-abab")


@pytest.mark.parametrize("sides", [[""], [" "], ["HEAD", ""]])
def test_diff_against_an_empty_revision_is_an_error(
    sides: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`diff ''` compared the current folder (Path('') is '.') with the log and said nothing changed."""
    monkeypatch.chdir(REPO / "data")
    result = runner.invoke(app, ["diff", *sides])
    assert result.exit_code == 2, result.output
    assert "the revision is empty" in result.output


# ===================================================== wrong answers: a log that claims the future


def test_a_coverage_date_in_the_future_is_refused(tmp_path: Path) -> None:
    """coverage: 9999-12-31 silenced the coverage warning and marked nothing projected: every
    scheduled end after the real review read as fact. Lint says RT024; a query refuses the log
    with that located error (a day of slack for time zones)."""
    import datetime as dt
    import shutil

    from retracker.metafile import future_coverage

    shutil.copytree(REPO / "data", tmp_path / "log")
    meta = tmp_path / "log" / "dataset.yaml"
    text = meta.read_text()
    meta.write_text(re.sub(r"(?m)^coverage: .*$", "coverage: 9999-12-31", text))
    result = runner.invoke(app, ["--data", str(tmp_path / "log"), "status", "--on", "2026-12-01"])
    assert result.exit_code == 2, result.output
    assert "RT024" in result.output and "dataset.yaml:" in result.output
    lint = runner.invoke(app, ["lint", str(tmp_path / "log")])
    assert lint.exit_code == 1 and "dataset.yaml:5:11: RT024" in lint.output, lint.output
    today = dt.date(2026, 12, 2)
    assert future_coverage(dt.date(2026, 12, 3), today) is None  # tomorrow: time zones
    assert future_coverage(dt.date(2026, 12, 4), today) is not None


def _acted_on(n: int, how: str, kind: str) -> Dataset:
    """A measure and ``n`` events that each ``how`` it, one day apart, each for five days."""
    import datetime as dt

    from retracker.model import Event

    base = dt.date(2020, 1, 1)
    measure = event_dict(id="2020-01-01-cn-measure", date="2020-01-01", instrument_key=None)
    events = [Event.model_validate(measure)]
    for i in range(n):
        day = base + dt.timedelta(days=1 + i)
        d = event_dict(
            id=f"{day}-cn-act-{i}",
            date=str(day),
            kind=kind,
            instrument_key=None,
            ends=str(day + dt.timedelta(days=5)),
            relations=[{"type": how, "target": "2020-01-01-cn-measure"}],
        )
        events.append(Event.model_validate(d))
    return Dataset(None, events)


@pytest.mark.parametrize(("how", "kind"), [("suspends", "suspension"), ("amends", "export-control")])
def test_status_of_a_measure_acted_on_by_many_events_is_not_cubic(how: str, kind: str) -> None:
    """A measure suspended (or amended) by 1,500 events took 29 s (59 s) for `status`: every
    change point recomputed every window, and each span compared its list of acting events
    with the previous one's element by element. 800 such events now take well under a
    second on a quiet machine (over 10 s before)."""
    import datetime as dt
    import time

    from retracker.status import StatusEngine

    ds = _acted_on(800, how, kind)
    started = time.perf_counter()
    found = StatusEngine(ds).status("2020-01-01-cn-measure", dt.date(2021, 1, 1))
    assert found is not None
    assert time.perf_counter() - started < 5


# ===================================================== terminal hygiene: JSON and iCalendar


HOSTILE_TITLE = "\x1b]0;PWNED\x07 \x1b[2J \u202eRLO \x85NEL \u2028LS \u2066iso\u2069 \x7f end"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "--json"],
        ["status", "--on", "2025-06-01", "--json"],
        ["status", "--on", "2025-06-01", "-f", "json"],
        ["show", "2025-04-04-cn-hostile", "--json"],
        ["show", "-e", "Dy", "--json"],
        ["search", "PWNED", "--json"],
        ["export", "-f", "json"],
        ["export", "-f", "jsonl"],
        ["export", "-f", "json", "--on", "2025-06-01"],
    ],
)
def test_json_output_carries_nothing_raw_a_terminal_acts_on(log: LogBuilder, args: list[str]) -> None:
    """JSON escaped the C0 controls but wrote bidi overrides, C1 controls (NEL, CSI) and line
    separators raw: `timeline --json` on a terminal reordered its text. They are written as
    \\u escapes: the same JSON value, nothing raw."""
    log.add(id="2025-04-04-cn-hostile", title=HOSTILE_TITLE, instrument_key=None)
    result = runner.invoke(app, ["--data", str(log.root), *args])
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.stdout), repr(RAW.search(result.stdout))


def test_json_round_trips_the_hostile_title(log: LogBuilder) -> None:
    log.add(id="2025-04-04-cn-hostile", title=HOSTILE_TITLE, instrument_key=None)
    result = runner.invoke(app, ["--data", str(log.root), "timeline", "--json"])
    assert [e["title"] for e in json.loads(result.stdout)] == [HOSTILE_TITLE]


def test_icalendar_drops_c1_and_bidi_controls(log: LogBuilder) -> None:
    log.add(id="2025-04-04-cn-hostile", title=HOSTILE_TITLE, instrument_key=None)
    result = runner.invoke(app, ["--data", str(log.root), "export", "-f", "ics"])
    assert result.exit_code == 0, result.output
    assert "PWNED" in result.stdout and not RAW.search(result.stdout.replace("\r\n", "\n"))


# ===================================================== terminal hygiene: click's own errors

ESCAPES = ["\x1b]52;c;aGk=\x07", "\x1b[2J", "\u202e", "\x9b2J", "\r", "\u2066"]


@pytest.mark.parametrize("bad", ESCAPES, ids=["osc52", "csi", "rlo", "c1-csi", "cr", "lri"])
@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "--bad{}"],
        ["timeline", "extra{}arg"],
        ["timeline", "--sin{}"],
        ["upcoming", "--days", "1{}"],
        ["--lang", "x{}", "timeline"],
        ["no{}such"],
        ["timeline", "--limit", "{}"],
        ["show", "a", "b{}"],
    ],
    ids=lambda a: "-".join(x.replace("{}", "") for x in a),
)
def test_click_usage_errors_echo_user_text_inert(args: list[str], bad: str) -> None:
    """click's own usage errors ("No such option", "Got unexpected extra argument", "Invalid
    value", "No such command") echoed the argument: an escape sequence or a bidi override
    reached the terminal raw."""
    argv = [a.replace("{}", bad) for a in args]
    result = runner.invoke(app, argv)
    assert result.exit_code in (0, 2), result.output  # int("1\r") is 1
    assert not RAW.search(result.output.replace("\n", "")), repr(result.output)


def test_click_usage_errors_are_inert_from_the_console_script(tmp_path: Path) -> None:
    import subprocess
    import sys

    for argv in (["timeline", "--bad\u202ex\x1b[2J"], ["timeline", "x\x1b]0;T\x07", "y\u202e"]):
        proc = subprocess.run(
            [sys.executable, "-m", "retracker", *argv], cwd=tmp_path, capture_output=True, timeout=60
        )
        text = proc.stderr.decode()
        assert proc.returncode == 2 and "Error:" in text, text
        assert not RAW.search(text.replace("\n", "")), repr(text)


# ===================================================== a log with an unreadable file


@pytest.mark.parametrize(
    "args",
    [["timeline"], ["status"], ["show", "-e", "Dy"], ["search", "Test"], ["upcoming", "--since", "2025"]],
)
def test_an_unreadable_file_is_warned_about_once_and_the_log_read_once(
    log: LogBuilder, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one unreadable event file the index cannot answer, and a listing read the whole
    YAML log twice (its rows, then every event's handle) and said so twice."""
    import retracker.dataset as dataset

    log.add()
    log.write_text("2025-01-01-cn-broken", "2025", "title: [unclosed\n")
    loads = []
    real = dataset.load_dataset
    monkeypatch.setattr(dataset, "load_dataset", lambda *a, **k: loads.append(a) or real(*a, **k))
    result = runner.invoke(app, ["--data", str(log.root), *args])
    assert result.exit_code == 0, result.output
    assert result.output.count("could not be read") == 1, result.output
    assert len(loads) == 1


# ===================================================== output options: -, empty, a window past the log


@pytest.mark.parametrize(
    "args",
    [["export", "-f", "csv", "-o", "-"], ["export", "-o", "-"], ["status", "-f", "csv", "-o", "-"]],
)
def test_dash_is_standard_output_not_a_file_named_dash(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`export -o -` wrote a file named '-' in the current folder (and said so)."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--data", str(REPO / "data"), *args])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "-").exists()
    assert len(result.stdout) > 1000 and "wrote" not in result.output


def test_chart_svg_dash_sends_the_document_to_standard_output(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--data", str(REPO / "data"), "chart", "--svg", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("<svg"), result.output[:300]
    assert not (tmp_path / "-").exists()
    both = runner.invoke(app, ["--data", str(REPO / "data"), "chart", "--svg", "-", "--html", "-"])
    assert both.exit_code == 2 and "both ask for standard output" in both.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["export", "-o", ""], "--output is empty"),
        (["status", "-o", ""], "--output is empty"),
        (["chart", "--svg", ""], "--svg is empty"),
        (["chart", "--html", " "], "--html is empty"),
        (["export", "-f", ""], "unknown export format ''"),
    ],
)
def test_an_empty_output_option_is_an_error(
    args: list[str], says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty -o meant standard output, an empty --svg wrote nothing and said nothing (and
    --html ' ' wrote a file named ' '), an empty -f meant the default format."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--data", str(REPO / "data"), *args])
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("args", "window"), [(["--since", "2030"], "2030-01-01 to 2030-12-31")])
def test_chart_since_after_the_log_draws_that_window(args: list[str], window: str) -> None:
    """`chart --since 2030` drew the window 2030-01-01 to today (backwards) and said no measure
    matched; the window is the period asked for, with what is in force then (projected)."""
    result = runner.invoke(app, ["--data", str(REPO / "data"), "chart", *args, "--svg", "-"])
    assert result.exit_code == 0, result.output
    assert window in result.stdout and "<svg" in result.stdout


def test_chart_until_before_the_log_is_that_window() -> None:
    result = runner.invoke(app, ["--data", str(REPO / "data"), "chart", "--until", "0001"])
    assert result.exit_code == 0
    assert "no measures match: 0001-01-01 to 0001-12-31" in result.output


def test_a_bad_retracker_lang_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """RETRACKER_LANG=fr said "Invalid value for --lang" though no --lang was given."""
    monkeypatch.setenv("RETRACKER_LANG", "fr")
    result = runner.invoke(app, ["--data", str(REPO / "data"), "timeline"])
    assert result.exit_code == 2
    assert "RETRACKER_LANG='fr' is not a language" in result.output and "--lang" not in result.output
    monkeypatch.delenv("RETRACKER_LANG")
    flagged = runner.invoke(app, ["--data", str(REPO / "data"), "--lang", "fr", "timeline"])
    assert flagged.exit_code == 2 and "--lang" in flagged.output


def test_an_ambiguous_prefix_lists_its_candidates_one_a_line() -> None:
    """The candidates of an ambiguous prefix came out as one line with literal '\\n' escapes."""
    result = runner.invoke(app, ["--data", str(REPO / "data"), "show", "2025-10-09-cn-mofcom-6"])
    assert result.exit_code == 2
    assert "\\n" not in result.output
    lines = result.output.splitlines()
    assert lines[0] == "retracker: error: '2025-10-09-cn-mofcom-6' matches 2 events; give more of the id:"
    assert "  2025-10-09-cn-mofcom-61-overseas-rare-earth-items" in lines
    hostile = runner.invoke(app, ["--data", str(REPO / "data"), "show", "2025-10-09-cn-mofcom-6\n\x1b[2J"])
    assert "\x1b" not in hostile.output


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("show", "retracker show [OPTIONS] [ID]"),
        ("search", "retracker search [OPTIONS] {TEXT}"),
        ("diff", "retracker diff [OPTIONS] {OLD} [NEW]"),
        ("lint", "retracker lint [OPTIONS] [PATH]..."),
    ],
)
def test_usage_lines_name_arguments_as_people_read_them(command: str, usage: str) -> None:
    """typer brackets optional arguments itself: '[ID]' printed as '[[ID]]', 'PATH' as
    '[[PATH]...]...', an unnamed one as '{text}', diff's as '{old}' (issue 15 item 4)."""
    result = runner.invoke(app, [command, "-h"])
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.startswith("Usage:"))
    if "{" in line or "[[" in line or usage.replace("{", "").replace("}", "") in line:
        assert "[[" not in line and "{text}" not in line and "{old}" not in line, line


@pytest.mark.parametrize(
    "args", [["export", "-f", "csv"], ["export", "-f", "ics"], ["status", "--on", "2025-06-01", "-f", "csv"]]
)
def test_data_on_a_terminal_is_made_visible_and_into_a_pipe_stays_exact(
    log: LogBuilder, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`export -f csv` on a terminal wrote the title's escape sequences raw (the screen was
    cleared, the window retitled). On a terminal they are made visible; into a pipe or a file
    the data stays exact."""
    import retracker.cli.common as common

    log.add(id="2025-04-04-cn-hostile", title=HOSTILE_TITLE, instrument_key=None)
    piped = runner.invoke(app, ["--data", str(log.root), *args])
    assert piped.exit_code == 0
    if "csv" in args:
        assert "\x1b]0;PWNED" in piped.stdout  # exact data into a pipe
    monkeypatch.setattr(common, "_stdout_is_terminal", lambda: True)
    shown = runner.invoke(app, ["--data", str(log.root), *args])
    assert shown.exit_code == 0
    assert "PWNED" in shown.stdout and not RAW.search(shown.stdout), repr(RAW.search(shown.stdout))
