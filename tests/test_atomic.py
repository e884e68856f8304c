"""Atomic writes: the old file or the new one, never half of one, and no temp file left over."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from retracker import atomic
from retracker.atomic import atomic_path, atomic_write, atomic_writer


def leftovers(folder: Path) -> list[str]:
    """Temporary files an atomic write may have left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def chunks(n_ok: int) -> Iterator[str]:
    """A generator that yields ``n_ok`` chunks, then fails half-way through the output."""
    for i in range(n_ok):
        yield f"chunk {i}\n"
    raise RuntimeError("generator failed half-way")


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def test_atomic_write_creates_file_with_text_and_bytes(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    assert atomic_write(target, "héllo\n稀土\n") == target.resolve()
    assert target.read_bytes() == "héllo\n稀土\n".encode()
    atomic_write(target, b"\x00\x01bytes")
    assert target.read_bytes() == b"\x00\x01bytes"
    atomic_write(target, "é", encoding="latin-1")
    assert target.read_bytes() == b"\xe9"
    assert leftovers(tmp_path) == []


def test_text_is_written_without_newline_translation(tmp_path: Path) -> None:
    target = tmp_path / "crlf.ics"
    atomic_write(target, "A\r\nB\r\n")
    assert target.read_bytes() == b"A\r\nB\r\n"


def test_new_file_mode_follows_umask(tmp_path: Path, umask_027: None) -> None:
    target = tmp_path / "new.txt"
    atomic_write(target, "x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # 0o666 & ~0o027
    with atomic_writer(tmp_path / "new2.txt") as handle:
        handle.write("y")
    assert stat.S_IMODE((tmp_path / "new2.txt").stat().st_mode) == 0o640


def test_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "kept.txt"
    target.write_text("old")
    target.chmod(0o604)
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


def test_atomic_writer_text_and_binary(tmp_path: Path) -> None:
    with atomic_writer(tmp_path / "a.txt") as handle:
        handle.write("one\n")
        handle.write("two\n")
    assert (tmp_path / "a.txt").read_text() == "one\ntwo\n"
    with atomic_writer(tmp_path / "b.bin", "wb") as handle:
        handle.write(b"\xff\x00")
    assert (tmp_path / "b.bin").read_bytes() == b"\xff\x00"
    assert leftovers(tmp_path) == []


def test_temp_file_lives_beside_the_target_while_writing(tmp_path: Path) -> None:
    target = tmp_path / "data.csv"
    with atomic_writer(target) as handle:
        handle.write("partial")
        temp = Path(handle.name)
        assert temp.parent == tmp_path
        assert temp.name.startswith(".data.csv.") and temp.name.endswith(".tmp")
        assert not target.exists()  # nothing visible under the real name yet
    assert not temp.exists()
    assert target.read_text() == "partial"


def test_exception_inside_block_keeps_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("previous content\n")
    with pytest.raises(ValueError, match="boom"), atomic_writer(target) as handle:
        handle.write("half of the new ")
        handle.flush()
        raise ValueError("boom")
    assert target.read_text() == "previous content\n"
    assert leftovers(tmp_path) == []


def test_generator_failing_half_way_keeps_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "stream.txt"
    target.write_text("previous\n")
    with pytest.raises(RuntimeError, match="half-way"), atomic_writer(target) as handle:
        for chunk in chunks(3):
            handle.write(chunk)
    assert target.read_text() == "previous\n"
    assert leftovers(tmp_path) == []


def test_failure_on_a_new_file_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "never.txt"
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        for chunk in chunks(2):
            handle.write(chunk)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_keyboard_interrupt_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_writer(target) as handle:
        handle.write("new")
        raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_failing_replace_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "events.json"
    target.write_text("[]\n")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, '[{"id": "new"}]\n')
    assert target.read_text() == "[]\n"
    assert leftovers(tmp_path) == []


def test_failing_fsync_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "events.json"
    target.write_text("old")

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="Input/output"):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_data_is_fsynced_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        calls.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    atomic_write(tmp_path / "f.txt", "x")
    assert calls.index("fsync") < calls.index("replace")


def test_missing_folder_raises_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "no" / "such" / "dir.txt", "x")
    assert list(tmp_path.iterdir()) == []


def test_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_bad_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mode"), atomic_writer(tmp_path / "x", "a"):  # type: ignore[arg-type]
        pass
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_success_and_failure(tmp_path: Path) -> None:
    target = tmp_path / "db.sqlite"
    with atomic_path(target) as temp:
        assert temp.parent == tmp_path and temp.exists()
        temp.write_bytes(b"first")
    assert target.read_bytes() == b"first"
    with pytest.raises(RuntimeError), atomic_path(target) as temp:
        temp.write_bytes(b"second, half")
        raise RuntimeError("build failed")
    assert target.read_bytes() == b"first"
    assert leftovers(tmp_path) == []
