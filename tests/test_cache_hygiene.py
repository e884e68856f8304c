"""The index on odd machines: coarse clocks, symlinks, code changes, odd cache paths, signals.

Each test is a regression test for a finding of issue 16 (items 6-8, "Slow, by kind",
"Terminal and environment hygiene"); where the environment matters it runs a subprocess.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker import cache, indexing
from retracker.cli import app

from .conftest import LogBuilder

runner = CliRunner()
SB = "2024-08-15-cn-antimony"


@pytest.fixture
def data(log: LogBuilder) -> Path:
    log.add(id=SB, date="2024-08-15", materials=["Sb"], instrument_key=None)
    log.add(id="2025-04-04-cn-dysprosium", materials=["Dy"], instrument_key=None)
    return log.root


def ids(data: Path | str, *args: str) -> list[str]:
    result = runner.invoke(app, ["--data", str(data), "timeline", "--json", *args])
    assert result.exit_code == 0, result.output
    return [e["id"] for e in json.loads(result.stdout)]


def index_identity(data: Path) -> tuple[int, int]:
    """Inode and mtime of the index file: unchanged means "not rebuilt"."""
    path = cache.index_path(data)
    assert path is not None and path.is_file()
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


class CoarseStat:
    """os.stat/os.lstat as on a file system with coarse timestamps: every file reports the
    same mtime and ctime, the tick this test started in (a whole test runs inside one tick
    of a 2-second clock)."""

    def __init__(self) -> None:
        self.tick = (time.time_ns() // 2_000_000_000) * 2_000_000_000
        self.real_stat, self.real_lstat = os.stat, os.lstat

    def _coarse(self, st: os.stat_result) -> os.stat_result:
        fields = list(st)
        fields[7] = fields[8] = fields[9] = self.tick // 1_000_000_000  # atime, mtime, ctime
        coarse = os.stat_result(fields)
        return _NsStat(coarse, self.tick)

    def stat(self, path, *args, **kwargs):
        return self._coarse(self.real_stat(path, *args, **kwargs))

    def lstat(self, path, *args, **kwargs):
        return self._coarse(self.real_lstat(path, *args, **kwargs))


class _NsStat:
    def __init__(self, st: os.stat_result, ns: int) -> None:
        self._st = st
        self.st_mtime_ns = self.st_ctime_ns = self.st_atime_ns = ns

    def __getattr__(self, name: str):
        return getattr(self._st, name)


def test_an_edit_within_the_timestamp_granularity_is_seen(data: Path, monkeypatch) -> None:
    """Issue 16 item 6: same size, same (coarse) mtime and ctime, same inode: only the
    content differs. Files that recent are confirmed by their hash."""
    coarse = CoarseStat()
    monkeypatch.setattr(indexing.os, "stat", coarse.stat)
    monkeypatch.setattr(indexing.os, "lstat", coarse.lstat)
    assert ids(data, "-e", "Sb") == [SB]
    sb = data / "events" / "2024" / f"{SB}.yaml"
    text = sb.read_text()
    assert "- Sb" in text
    with open(sb, "r+") as handle:  # in place: the inode stays
        handle.write(text.replace("- Sb", "- Ga"))
    assert cache.fingerprint(data) == cache.fingerprint(data)  # the stat cannot tell
    assert ids(data, "-e", "Sb") == []
    assert ids(data, "-e", "Ga") == [SB]
    assert ids(data, "-e", "Ga") == [SB]  # and the rebuilt index answers again


def records(data: Path) -> dict[str, tuple[int, int]]:
    con = sqlite3.connect(cache.index_path(data))
    try:
        return {r[0]: (r[1], r[2]) for r in con.execute("SELECT rel, newest, checked FROM files")}
    finally:
        con.close()


def test_racily_clean_files_are_hashed_only_while_recent(data: Path, monkeypatch) -> None:
    """Files read within RACY_NS of their last change are hashed on every query until a
    query finds them unchanged after that window; then their stat vouches for them."""
    assert ids(data, "-e", "Sb") == [SB]
    assert all(newest + cache.RACY_NS > checked for newest, checked in records(data).values())
    reads: list[str] = []
    real_read = indexing._read
    monkeypatch.setattr(indexing, "_read", lambda path: reads.append(path.name) or real_read(path))
    assert ids(data, "-e", "Sb") == [SB]
    assert len(reads) == 3  # dataset.yaml and both events: still too recent, so hashed
    coarse = CoarseStat()
    coarse.tick -= 60 * 1_000_000_000  # the clock moves on: their last change is a minute old
    monkeypatch.setattr(indexing.os, "stat", coarse.stat)
    monkeypatch.setattr(indexing.os, "lstat", coarse.lstat)
    assert ids(data, "-e", "Sb") == [SB]  # hashed once more, found unchanged, records moved on
    assert all(newest + cache.RACY_NS <= checked for newest, checked in records(data).values())
    reads.clear()
    assert ids(data, "-e", "Sb") == [SB]
    assert reads == []


def test_a_symlinked_event_file_is_fingerprinted_by_its_target(data: Path) -> None:
    """Issue 16 item 7: edit the file a link points at; the index must notice."""
    store = data / "store"
    store.mkdir()
    target = store / "2025-05-01-cn-linked.yaml"
    sb = data / "events" / "2024" / f"{SB}.yaml"
    target.write_text(sb.read_text().replace(SB, "2025-05-01-cn-linked").replace("2024-08-15", "2025-05-01"))
    link = data / "events" / "2025" / "2025-05-01-cn-linked.yaml"
    link.symlink_to(target)
    assert ids(data, "-e", "Sb") == [SB, "2025-05-01-cn-linked"]
    before = cache.fingerprint(data)
    target.write_text(target.read_text().replace("- Sb", "- Ga"))
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert cache.fingerprint(data) != before
    assert ids(data, "-e", "Sb") == [SB]
    assert ids(data, "-e", "Ga") == ["2025-05-01-cn-linked"]


def test_an_index_built_by_other_code_is_not_trusted(data: Path) -> None:
    """Issue 16 item 8: the index is keyed by the installed code, not only the version."""
    assert ids(data, "-e", "Sb") == [SB]
    path = cache.index_path(data)
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = 'other code' WHERE key = 'code'")
    con.execute("DELETE FROM events")  # what the other code would have answered
    con.commit()
    con.close()
    assert cache.open_index(data) is None
    assert ids(data, "-e", "Sb") == [SB]
    assert cache.open_index(data) is not None


def test_the_code_stamp_follows_the_source_files(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    first = cache.sources_stamp(tmp_path)
    assert cache.sources_stamp(tmp_path) == first
    (tmp_path / "a.py").write_text("x = 22\n")
    assert cache.sources_stamp(tmp_path) != first
    second = cache.sources_stamp(tmp_path)
    (tmp_path / "b.py").write_text("")
    assert cache.sources_stamp(tmp_path) != second
    assert len(cache.code_stamp()) == 64


@pytest.mark.parametrize("name", ["with?question", "with#hash", "with%25percent", "a b?c#d%e"])
def test_a_cache_path_with_uri_characters_works(data: Path, tmp_path: Path, monkeypatch, name: str) -> None:
    """ "Slow, by kind": `?`, `#` or `%` in XDG_CACHE_HOME made the index unopenable."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / name))
    assert ids(data, "-e", "Sb") == [SB]
    assert cache.index_path(data).parent == tmp_path / name / "retracker"
    assert cache.open_index(data) is not None
    first = index_identity(data)
    assert ids(data, "-e", "Sb") == [SB]
    assert index_identity(data) == first  # found, not rebuilt


def test_one_index_per_real_data_folder(data: Path, tmp_path: Path, monkeypatch) -> None:
    """`--data data`, `--data /abs/data` and a symlink to it share one index."""
    monkeypatch.chdir(data.parent)
    assert ids(data.name, "-e", "Sb") == [SB]
    first = index_identity(data)
    assert ids(str(data), "-e", "Sb") == [SB]
    assert ids(f"./{data.name}/", "-e", "Sb") == [SB]
    alias = tmp_path / "alias"
    alias.symlink_to(data)
    assert ids(alias, "-e", "Sb") == [SB]
    assert index_identity(data) == first
    assert cache.index_path(alias) == cache.index_path(data)


def test_sigterm_during_a_build_leaves_no_temporary_file(data: Path, tmp_path: Path) -> None:
    """SIGTERM while the index is written: the process ends (as SIGTERM would), the temporary
    file is removed, and the next query builds a good index."""
    flag = tmp_path / "writing"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from retracker import indexing\n"
        "flag = Path(sys.argv[2])\n"
        "real = indexing._fill\n"
        "def slow(con, *args, **kwargs):\n"
        "    ok = real(con, *args, **kwargs)\n"
        "    flag.write_text(con.execute('PRAGMA database_list').fetchone()[2])\n"
        "    time.sleep(60)\n"
        "    return ok\n"
        "indexing._fill = slow\n"
        "from retracker.cli import app\n"
        "sys.argv = ['retracker', '--data', sys.argv[1], 'timeline']\n"
        "app()\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-c", script, str(data), str(flag)], env=env)
    deadline = time.monotonic() + 60
    while not flag.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    tmp = Path(flag.read_text())
    assert tmp.exists()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) in (-signal.SIGTERM, 128 + signal.SIGTERM)
    folder = tmp_path / "cache" / "retracker"
    assert not tmp.exists()
    assert [p.name for p in folder.iterdir() if not p.name.endswith(".lock")] == []
    done = subprocess.run(
        [sys.executable, "-m", "retracker", "--data", str(data), "timeline", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def _cache_dir_in(env: dict[str, str], *, no_passwd: bool = False) -> str:
    script = "from retracker import cache; print(cache.cache_dir())"
    if no_passwd:  # a uid without a passwd entry (containers running as an arbitrary uid)
        script = (
            "import pwd\n"
            "def missing(uid): raise KeyError(f'getpwuid(): uid not found: {uid}')\n"
            "pwd.getpwuid = missing\n" + script
        )
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def _clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME")}
    env.update(values)
    return env


def test_cache_dir_with_an_empty_home_is_not_the_root_folder() -> None:
    """`HOME=''` put the cache at /.cache: an empty HOME is no home; the passwd entry is."""
    import pwd

    got = _cache_dir_in(_clean_env(HOME=""))
    assert not got.startswith("/.cache")
    assert got == str(Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "retracker")
    assert _cache_dir_in(_clean_env(HOME="relative/home", XDG_CACHE_HOME="rel")) == got


def test_cache_dir_without_home_or_passwd_entry(data: Path, tmp_path: Path) -> None:
    """HOME unset for a uid without a passwd entry crashed (exit 3): now a private folder in
    the temporary directory serves, and queries work."""
    env = _clean_env(TMPDIR=str(tmp_path))
    got = _cache_dir_in(env, no_passwd=True)
    assert got == str(tmp_path / f"retracker-{os.getuid()}")
    script = (
        "import pwd, sys\n"
        "def missing(uid): raise KeyError(uid)\n"
        "pwd.getpwuid = missing\n"
        "from retracker.cli import app\n"
        "sys.argv = ['retracker', '--data', sys.argv[1], 'timeline', '--json']\n"
        "app()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(data)], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert [e["id"] for e in json.loads(proc.stdout)] == [SB, "2025-04-04-cn-dysprosium"]
    folder = tmp_path / f"retracker-{os.getuid()}"
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700)
    assert any(p.name.startswith("index-") for p in folder.iterdir())


def test_a_temporary_cache_folder_that_is_not_ours_is_not_used(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(indexing, "_home", lambda: None)
    monkeypatch.setattr(indexing.tempfile, "gettempdir", lambda: str(tmp_path))
    other = tmp_path / f"retracker-{os.getuid()}"
    other.mkdir(mode=0o777)
    other.chmod(0o777)  # shared with everyone: someone else could plant an index there
    assert cache.cache_dir() is None
    assert cache.index_path(tmp_path) is None
