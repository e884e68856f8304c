"""Hostile and broken input: each bad file gives exactly one located, one-line diagnostic.

Every case is checked twice: through ``retracker.dataset.load_event_file(path, root)`` and
through ``retracker lint PATH`` (exit code 1, one ``path:line:col: CODE message`` line, no
traceback), with the file placed at ``events/2025/<id>.yaml`` of a scratch data directory.

Small cases are files in ``tests/fixtures/hostile/`` (byte-exact: see its ``.gitattributes``);
big or odd ones (50 MB, 10,000-deep nesting, directories, symlinks, permissions) are made at
test time. The last group are library bugs this suite found (and that were fixed).
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from retracker import yamlio
from retracker.cli import app
from retracker.dataset import load_event_file

from .conftest import FIXTURES, LogBuilder, dump, event_dict, malformed

HOSTILE = FIXTURES / "hostile"
STEM = "2025-04-04-cn-mofcom-gacc-18-test-measure"
PURE_PYTHON = yamlio.LOADER_NAME == "pure Python"
FAST = 5.0  # seconds: every hostile file is answered well within this
BASE = dump(event_dict())  # the valid event the fixtures were derived from (23 lines)


# ----------------------------------------------------------------- the scratch data directory


@dataclass
class Env:
    """Where a case is placed: ``folder`` is ``events/2025`` of the scratch log."""

    log: LogBuilder
    folder: Path
    outside: Path
    monkeypatch: pytest.MonkeyPatch

    @property
    def event_path(self) -> Path:
        return self.folder / f"{STEM}.yaml"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    base = tmp_path.resolve()
    log = LogBuilder(base / "log")
    folder = log.root / "events" / "2025"
    folder.mkdir(parents=True)
    outside = base / "outside"
    outside.mkdir()
    return Env(log, folder, outside, monkeypatch)


Maker = Callable[[Env], Path]


@dataclass(frozen=True)
class Case:
    """A hostile file and the one diagnostic it must give."""

    name: str
    code: str
    line: int
    col: int
    words: str = ""  # a fragment of the expected message
    make: Maker | None = None  # a function that makes the file at test time, or
    fixture: str | None = None  # a file in tests/fixtures/hostile/ (default: <name>.yaml)

    @property
    def file(self) -> str | None:
        return None if self.make else self.fixture or f"{self.name}.yaml"

    def place(self, env: Env) -> Path:
        return place(env, self.file, self.make)


def place(env: Env, fixture: str | None, make: Maker | None) -> Path:
    """Put a case in the scratch log: a fixture is copied to events/2025/<id><its suffix>."""
    if make is not None:
        return make(env)
    assert fixture is not None
    source = HOSTILE / fixture
    path = env.folder / f"{STEM}{source.suffix}"
    path.write_bytes(source.read_bytes())
    return path


# ----------------------------------------------------------------- files made at test time


def _valid_event_bytes() -> bytes:
    return BASE.encode()


def _padded(size: int) -> bytes:
    """A valid event padded with comment lines to exactly ``size`` bytes."""
    head = _valid_event_bytes()
    line = b"# " + b"padding " * 15 + b"\n"
    body = head + line * ((size - len(head)) // len(line))
    rest = size - len(body)
    if rest:
        body += b"#" * (rest - 1) + b"\n" if rest > 1 else b"\n"
    assert len(body) == size
    return body


FIFTY_MB = 50 * 1024 * 1024


def make_50mb(env: Env) -> Path:
    path = env.event_path
    chunk = b"# " + b"x" * 1021 + b"\n"  # 1 KiB
    with path.open("wb") as handle:
        handle.write(_valid_event_bytes())
        block = chunk * 1024  # 1 MiB
        for _ in range(50):
            handle.write(block)
        handle.truncate(FIFTY_MB)
    assert path.stat().st_size == FIFTY_MB
    return path


def make_over_limit(env: Env) -> Path:
    env.event_path.write_bytes(_padded(yamlio.MAX_BYTES + 1))
    return env.event_path


def make_at_limit(env: Env) -> Path:
    env.event_path.write_bytes(_padded(yamlio.MAX_BYTES))
    return env.event_path


DEEP = 10_000


def make_deep_flow(env: Env) -> Path:
    # line 24: tags: [[[[...]]]]
    env.event_path.write_text(BASE + "tags: " + "[" * DEEP + "]" * DEEP + "\n")
    return env.event_path


def make_deep_block(env: Env) -> Path:
    # line 25: - - - - ... x  (block sequences nested on one line)
    env.event_path.write_text(BASE + "tags:\n" + "- " * DEEP + "x\n")
    return env.event_path


def make_just_too_deep(env: Env) -> Path:
    # line 24: the top mapping, `tags` and 32 more lists: the innermost is level 33
    env.event_path.write_text(BASE + "tags: " + "[" * 33 + "]" * 33 + "\n")
    return env.event_path


def make_at_depth_limit(env: Env) -> Path:
    env.event_path.write_text(BASE + "tags: " + "[" * 32 + "]" * 32 + "\n")
    return env.event_path


def make_directory(env: Env) -> Path:
    env.event_path.mkdir()
    (env.event_path / "inside.yaml").write_text(BASE)
    return env.event_path


def deny_reading(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """Make ``target`` unreadable for this process, as chmod 000 does for a non-root user."""
    target = Path(os.path.abspath(target))

    def is_target(file: Any) -> bool:
        return isinstance(file, str | os.PathLike) and Path(os.path.abspath(file)) == target

    def refuse() -> PermissionError:
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))

    real_io_open, real_os_open = io.open, os.open

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if is_target(file):
            raise refuse()
        return real_io_open(file, *args, **kwargs)

    def guarded_os_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if is_target(file):
            raise refuse()
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", guarded_open)  # Path.open goes through io.open
    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)


def make_unreadable(env: Env) -> Path:
    path = env.event_path
    path.write_text(BASE)
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: simulate the refusal
        deny_reading(env.monkeypatch, path)
    return path


def make_symlink_outside(env: Env) -> Path:
    target = env.outside / "elsewhere.yaml"
    target.write_text(BASE)
    env.event_path.symlink_to(target)
    return env.event_path


def make_symlink_inside(env: Env) -> Path:
    shared = env.log.root / "shared"
    shared.mkdir()
    (shared / "real.yaml").write_text(BASE)
    env.event_path.symlink_to(shared / "real.yaml")
    return env.event_path


def make_dangling_symlink(env: Env) -> Path:
    env.event_path.symlink_to(env.folder / "missing.yaml")
    return env.event_path


def make_symlink_loop(env: Env) -> Path:
    env.event_path.symlink_to(env.event_path)
    return env.event_path


def make_symlinked_folder(env: Env) -> Path:
    (env.outside / "2025").mkdir()
    (env.outside / "2025" / f"{STEM}.yaml").write_text(BASE)
    env.folder.rmdir()
    env.folder.symlink_to(env.outside / "2025", target_is_directory=True)
    return env.event_path


# ----------------------------------------------------------------- the table

# libyaml refuses its 1001st level (where it stops); pure Python recurses out, at 1:1
DEEP_FLOW_AT = (1, 1) if PURE_PYTHON else (24, 1006)
DEEP_BLOCK_AT = (1, 1) if PURE_PYTHON else (25, 1999)

CASES: list[Case] = [
    # nothing, or not a mapping
    Case("empty", "RT005", 1, 1, "empty"),
    Case("only-comment", "RT005", 1, 1, "empty"),
    Case("comments-and-blank-lines", "RT005", 1, 1, "empty"),
    # the empty document sits after the marker, where the parser puts its null node
    Case("document-marker-only", "RT006", 2, 1, "found null"),
    Case("top-level-list", "RT006", 1, 1, "found list"),
    Case("top-level-scalar", "RT006", 1, 1, "found str"),
    Case("top-level-number", "RT006", 1, 1, "found int"),
    # syntax
    Case("tab-indentation", "RT004", 17, 1, "tab"),
    Case("unclosed-flow", "RT004", 11, 8, "expected ',' or ']'"),
    Case("alias-without-anchor", "RT004", 3, 8, "undefined alias"),
    # encodings
    Case("bom-duplicate-key", "RT007", 7, 1, "duplicate key 'kind'"),
    Case("latin1", "RT002", 3, 13, "invalid UTF-8 byte 0xf4"),
    Case("windows-1252-quotes", "RT002", 22, 12, "invalid UTF-8 byte 0x93"),
    Case("utf16-le-bom", "RT002", 1, 1, "UTF-16"),
    Case("utf16-be-bom", "RT002", 1, 1, "UTF-16"),
    Case("utf16-le-no-bom", "RT002", 1, 2, "NUL byte"),
    Case("invalid-utf8-truncated", "RT002", 4, 11, "0xe6"),
    Case("invalid-utf8-surrogate", "RT002", 23, 25, "0xed"),
    Case("nul-byte", "RT002", 23, 16, "NUL byte"),
    Case("crlf-duplicate-key", "RT007", 22, 3, "duplicate key 'lang'"),
    # size and depth
    Case("50-megabytes", "RT003", 1, 1, "52,428,800 bytes", make=make_50mb),
    Case("one-byte-over-limit", "RT003", 1, 1, "1,048,577 bytes", make=make_over_limit),
    Case("deep-flow-10000", "RT010", *DEEP_FLOW_AT, "pars", make=make_deep_flow),
    Case("deep-block-10000", "RT010", *DEEP_BLOCK_AT, "pars", make=make_deep_block),
    Case("just-too-deep", "RT010", 24, 39, "deeper than 32", make=make_just_too_deep),
    Case("at-depth-limit", "RT106", 24, 8, "tags[0]", make=make_at_depth_limit),
    # anchors, aliases, tags
    Case("billion-laughs", "RT008", 1, 7, "anchor 'lol1'"),
    Case("merge-key", "RT008", 23, 3, "merge key"),
    Case("python-object-apply", "RT009", 3, 8, "python/object/apply"),
    Case("python-name", "RT009", 23, 10, "python/name"),
    Case("binary-tag", "RT009", 23, 10, "binary"),
    Case("custom-tag", "RT009", 6, 7, "!measure"),
    Case("set-tag", "RT009", 10, 12, "set"),
    # duplicate keys
    Case("duplicate-key-depth1", "RT007", 9, 1, "'authority' (first at line 4)"),
    Case("duplicate-key-depth2", "RT007", 19, 3, "'url' (first at line 16)"),
    Case("duplicate-key-depth3", "RT007", 26, 5, "'text' (first at line 24)"),
    Case("duplicate-key-quoted", "RT007", 8, 1, "'issuer' (first at line 7)"),
    # dates
    Case("date-feb-30", "RT105", 5, 7, "'2025-02-30'"),
    Case("date-month-13-in-source", "RT105", 20, 9, "sources[0].date"),
    Case("date-with-time", "RT105", 5, 7, "write YYYY-MM-DD"),
    Case("date-slashes", "RT105", 5, 7, "'04/04/2025'"),
    # YAML 1.1 booleans and numbers where strings are expected
    Case("yes-as-boolean", "RT106", 22, 12, "sources[0].primary"),
    Case("on-as-kind", "RT106", 6, 7, "kind:"),
    Case("yes-as-country", "RT104", 12, 15, "unknown country 'yes'"),
    Case("number-as-title", "RT106", 3, 8, "title:"),
    Case("number-as-id", "RT106", 1, 5, "id:"),
    Case("number-as-date", "RT105", 5, 7, "got int"),
    Case("float-as-material", "RT106", 11, 3, "got float"),
    Case("bool-as-summary", "RT106", 23, 10, "summary:"),
    # more than one document
    Case("multi-document", "RT011", 24, 1, "more than one"),
    Case("multi-document-explicit", "RT011", 26, 1, "more than one"),
    # not a file, not readable, not here
    Case("directory", "RT001", 1, 1, "directory", make=make_directory),
    Case("unreadable", "RT001", 1, 1, "Permission denied", make=make_unreadable),
    Case("symlink-outside", "RT013", 1, 1, "outside", make=make_symlink_outside),
    Case("dangling-symlink", "RT001", 1, 1, "No such file", make=make_dangling_symlink),
    Case(
        "symlink-loop",
        "RT001",
        1,
        1,
        "cannot read",
        make=make_symlink_loop,
    ),
    Case(
        "symlinked-folder-outside",
        "RT013",
        1,
        1,
        "outside",
        make=make_symlinked_folder,
    ),
    # wrong extension
    Case("extension-yml", "RT012", 1, 1, "not an event file", fixture="wrong-extension.yml"),
    Case("extension-txt", "RT012", 1, 1, "not an event file", fixture="wrong-extension.txt"),
    Case("extension-upper-case", "RT012", 1, 1, "not an event file", fixture="wrong-extension-upper.YAML"),
    Case("no-extension", "RT012", 1, 1, "not an event file", fixture="no-extension"),
    # found by this suite as library bugs, since fixed
    Case("control-character", "RT004", 23, 16, "control"),
    Case("custom-tag-on-key", "RT009", 3, 1, "!custom"),
    Case("explicit-int-tag-empty", "RT004", 23, 10, "number"),
    Case("newline-in-date", "RT105", 5, 7, "invalid date"),
    Case("trailing-newline-date", "RT105", 5, 7, "date"),
]


@dataclass(frozen=True)
class Fine:
    """A file that looks hostile but is a valid event."""

    name: str
    fixture: str | None = None
    make: Maker | None = None
    check: Callable[[Any], bool] = lambda event: event.id == STEM

    def place(self, env: Env) -> Path:
        return place(env, self.fixture, self.make)


FINE: list[Fine] = [
    Fine("bom", "bom-valid.yaml"),
    Fine("crlf", "crlf-valid.yaml"),
    Fine("cr-only", "cr-only-valid.yaml"),
    Fine(
        "norway-yes-on",  # YAML 1.2: NO is Norway, yes and on are text
        "norway-yes-on-valid.yaml",
        check=lambda e: (e.issuer, e.title, e.authority, e.targets) == ("NO", "yes", "on", ["NO"]),
    ),
    Fine("exactly-at-size-limit", make=make_at_limit),
    Fine("symlink-inside-data-dir", make=make_symlink_inside),
]


def _params(cases: list[Case], *, cli: bool) -> list[Any]:
    return [pytest.param(case, id=case.name) for case in cases]


def _fixture_files() -> set[str]:
    return {p.name for p in HOSTILE.iterdir() if not p.name.startswith(".") and p.name != "README.md"}


# ----------------------------------------------------------------- the corpus itself


def test_every_fixture_is_in_a_table() -> None:
    used = {c.file for c in CASES} | {f.fixture for f in FINE}
    assert _fixture_files() == used - {None}


def test_fixtures_survived_checkout_byte_exact() -> None:
    """CRLF, BOM and foreign encodings must not be normalised by git or an editor."""
    raw = {name: (HOSTILE / name).read_bytes() for name in _fixture_files()}
    assert raw["empty.yaml"] == b""
    assert raw["crlf-valid.yaml"].count(b"\r\n") == 23 and b"\n" not in raw["crlf-valid.yaml"].replace(
        b"\r\n", b""
    )
    assert b"\n" not in raw["cr-only-valid.yaml"] and raw["cr-only-valid.yaml"].count(b"\r") == 23
    assert raw["bom-valid.yaml"].startswith(b"\xef\xbb\xbfid: ")
    assert raw["utf16-le-bom.yaml"].startswith(b"\xff\xfei\x00")
    assert raw["utf16-be-bom.yaml"].startswith(b"\xfe\xff\x00i")
    assert b"\xf4" in raw["latin1.yaml"] and b"\x93" in raw["windows-1252-quotes.yaml"]
    assert b"\x00" in raw["nul-byte.yaml"] and b"\x01" in raw["control-character.yaml"]
    assert b"\tkind" in raw["tab-indentation.yaml"]


# ----------------------------------------------------------------- through the loader


@pytest.mark.parametrize("case", _params(CASES, cli=False))
def test_loader_gives_one_located_diagnostic(case: Case, env: Env) -> None:
    path = case.place(env)
    started = time.monotonic()
    event, diags, _doc = load_event_file(path, env.log.root)
    elapsed = time.monotonic() - started
    assert event is None
    assert len(diags) == 1, [str(d) for d in diags]
    diag = diags[0]
    assert malformed(diag) == []
    assert (diag.code, diag.line, diag.col) == (case.code, case.line, case.col), str(diag)
    assert case.words in diag.message
    assert diag.path == str(path)
    assert elapsed < FAST


@pytest.mark.parametrize("case", [p for p in _params(CASES, cli=False) if p.values[0].file is not None])
def test_fixture_in_place_gives_the_same_diagnostic(case: Case) -> None:
    """The corpus files where they lie (no data directory, no root)."""
    path = HOSTILE / str(case.file)
    _event, diags, _doc = load_event_file(path, None)
    assert [(d.code, d.line, d.col) for d in diags] == [(case.code, case.line, case.col)]
    assert malformed(diags[0]) == []


@pytest.mark.parametrize("fine", FINE, ids=[f.name for f in FINE])
def test_loader_reads_what_only_looks_hostile(fine: Fine, env: Env) -> None:
    path = fine.place(env)
    event, diags, _doc = load_event_file(path, env.log.root)
    assert diags == []
    assert event is not None and fine.check(event), event


# ----------------------------------------------------------------- through the CLI

DIAG_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>RT\d{3}) (?P<rest>.+)$")


def lint(path: Path) -> Any:
    return CliRunner().invoke(app, ["lint", str(path)])


def assert_no_crash(result: Any) -> None:
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.mark.parametrize("case", _params(CASES, cli=True))
def test_cli_lint_gives_one_located_line(case: Case, env: Env) -> None:
    path = case.place(env)
    result = lint(path)
    assert_no_crash(result)
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.output
    match = DIAG_LINE.match(lines[0])
    assert match, lines[0]
    assert match["path"] == str(path)
    assert (match["code"], int(match["line"]), int(match["col"])) == (case.code, case.line, case.col)
    assert case.words in match["rest"]
    assert result.exit_code == 1, result.output


@pytest.mark.parametrize("fine", FINE, ids=[f.name for f in FINE])
def test_cli_lint_passes_what_only_looks_hostile(fine: Fine, env: Env) -> None:
    path = fine.place(env)
    result = lint(path)
    assert_no_crash(result)
    assert result.stdout.strip() == ""
    assert result.exit_code == 0, result.output


def test_cli_lint_of_the_folder_reports_a_directory_posing_as_event(env: Env) -> None:
    """Linting the year folder reports the folder named like an event file (RT001)."""
    path = make_directory(env)
    result = lint(env.folder)
    assert_no_crash(result)
    assert result.stdout.splitlines() == [f"{path}:1:1: RT001 is a directory, not an event file"]
    assert result.exit_code == 1


# ----------------------------------------------------------------- specific guarantees


class _CountingReader:
    """Wraps a binary file handle and counts the bytes handed out."""

    def __init__(self, handle: Any, counter: list[int]) -> None:
        self._handle = handle
        self._counter = counter

    def _count(self, data: Any) -> Any:
        self._counter.append(len(data) if data is not None else 0)
        return data

    def read(self, *args: Any) -> Any:
        return self._count(self._handle.read(*args))

    def read1(self, *args: Any) -> Any:
        return self._count(self._handle.read1(*args))

    def readline(self, *args: Any) -> Any:
        return self._count(self._handle.readline(*args))

    def readinto(self, buffer: Any) -> Any:
        got = self._handle.readinto(buffer)
        self._counter.append(got or 0)
        return got

    def __iter__(self) -> Any:
        return (self._count(line) for line in self._handle)

    def __enter__(self) -> _CountingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def test_50mb_file_is_refused_without_being_read(env: Env) -> None:
    path = make_50mb(env)
    handed_out: list[int] = []
    real_open = io.open

    def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, *args, **kwargs)
        if isinstance(file, str | os.PathLike) and Path(os.path.abspath(file)) == path:
            return _CountingReader(handle, handed_out)
        return handle

    env.monkeypatch.setattr(io, "open", spy_open)
    env.monkeypatch.setattr(builtins, "open", spy_open)
    started = time.monotonic()
    _event, diags, _doc = load_event_file(path, env.log.root)
    elapsed = time.monotonic() - started
    assert [(d.code, d.line, d.col) for d in diags] == [("RT003", 1, 1)]
    assert sum(handed_out) <= yamlio.MAX_BYTES + 1, f"read {sum(handed_out):,} bytes of a 50 MB file"
    assert elapsed < 1.0


def test_python_object_apply_runs_nothing(env: Env, tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    text = BASE.replace(
        "title: Test measure\n", f'title: !!python/object/apply:os.system ["touch {sentinel}"]\n'
    )
    env.event_path.write_text(text)
    _event, diags, _doc = load_event_file(env.event_path, env.log.root)
    assert [(d.code, d.line, d.col) for d in diags] == [("RT009", 3, 8)]
    assert not sentinel.exists()


def test_billion_laughs_is_refused_before_expansion(env: Env) -> None:
    """Even 9 levels of 9-fold aliases (387 million 'lol's) come back at once."""
    env.event_path.write_bytes((HOSTILE / "billion-laughs.yaml").read_bytes())
    started = time.monotonic()
    _event, diags, _doc = load_event_file(env.event_path, env.log.root)
    assert time.monotonic() - started < 1.0
    assert [d.code for d in diags] == ["RT008"]


def test_named_pipe_does_not_hang_the_loader(env: Env) -> None:
    path = env.event_path
    os.mkfifo(path)
    box: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: box.update(out=load_event_file(path, env.log.root)), daemon=True)
    worker.start()
    worker.join(2)
    hung = worker.is_alive()
    if hung:  # unblock the reader: a writer that closes at once gives it end-of-file
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(3)
    assert not hung, "load_event_file blocked on a named pipe"
    _event, diags, _doc = box["out"]
    assert [d.code for d in diags] == ["RT001"]
