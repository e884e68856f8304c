"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Every write goes to a hidden temporary file in the target's own folder
(``.<name>.XXXX.tmp``, so that the final rename stays on one file system), is flushed and
fsynced, gets its permission bits, and is then renamed over the target with
:func:`os.replace`. If anything fails on the way (an exception, a signal turned into
``KeyboardInterrupt``, a generator closed half-way) the temporary file is removed and the
previous file at the target is left untouched.

Permissions: a new file gets ``0o666 & ~umask`` (what ``open(path, "w")`` would give it);
a file that is replaced keeps its permission bits. A target that is a symbolic link is
written through: the file it points to is replaced, the link stays.

Atomic replacement is for regular files only. A target that exists and is something else (a
device such as ``/dev/null``, a FIFO, a socket, ``/dev/stdout``) is written straight to, as
``open(path, "w")`` would: renaming a regular file over ``/dev/null`` would destroy the
device. :func:`atomic_path` (for writers that need a file name) refuses such targets with
:class:`NotRegularFile`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

StrPath = str | os.PathLike[str]
WriteMode = Literal["w", "wb"]


class NotRegularFile(OSError):
    """The target exists and is not a regular file (a device, FIFO or socket)."""


def special_file(path: StrPath) -> bool:
    """True when ``path`` exists (following links) and is not a regular file or a folder."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def atomic_write(path: StrPath, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Replace the file at ``path`` with ``data`` atomically; returns the path written.

    Text is encoded with ``encoding`` as is (no newline translation), like
    :meth:`pathlib.Path.write_bytes` of the encoded text.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_writer(path, "wb") as handle:
        handle.write(payload)
    return _target(path)


@contextlib.contextmanager
def atomic_writer(
    path: StrPath,
    mode: WriteMode = "w",
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """Yield a file open for writing; on a clean exit it atomically replaces ``path``.

    ``mode`` is ``"w"`` (text, with ``encoding`` and ``newline`` as for :func:`open`) or
    ``"wb"`` (bytes). On any exception inside the block the temporary file is removed, the
    previous file at ``path`` is left intact and the exception propagates.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_writer mode must be 'w' or 'wb', not {mode!r}")
    if special_file(path):
        yield from _direct(path, mode, encoding=encoding, newline=newline)
        return
    target = _target(path)
    bits = _mode_for(target)
    text = mode == "w"
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, on every path)
        mode=mode,
        dir=target.parent,
        prefix=f".{target.name}.",
        suffix=".tmp",
        delete=False,
        encoding=encoding if text else None,
        newline=newline if text else None,
    )
    temp = Path(handle.name)
    try:
        with handle:
            yield handle
            _flush_and_sync(handle)
        _commit(temp, target, bits)
    except BaseException:
        _discard(temp)
        raise


@contextlib.contextmanager
def atomic_path(path: StrPath) -> Iterator[Path]:
    """Yield the path of an empty temporary file beside ``path``; on success it replaces ``path``.

    For writers that need a file name rather than a file object (sqlite3, say). The caller
    must have closed every handle on the temporary file when the block ends; it is then
    fsynced and renamed over ``path``. On any exception it is removed instead. A target
    that is a device, FIFO or socket raises :class:`NotRegularFile` (nothing is written).
    """
    if special_file(path):
        raise NotRegularFile(errno.EINVAL, "not a regular file (a device, FIFO or socket)", os.fspath(path))
    target = _target(path)
    bits = _mode_for(target)
    with tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    ) as handle:
        temp = Path(handle.name)
    try:
        yield temp
        _sync_path(temp)
        _commit(temp, target, bits)
    except BaseException:
        _discard(temp)
        raise


# ------------------------------------------------------------------ small steps


def _direct(path: StrPath, mode: WriteMode, *, encoding: str, newline: str | None) -> Iterator[IO[Any]]:
    """Write straight to a device, FIFO or socket: no temporary file, no rename."""
    text = mode == "w"
    with open(path, mode, encoding=encoding if text else None, newline=newline if text else None) as handle:
        yield handle


def _target(path: StrPath) -> Path:
    """The file to replace: ``path`` itself, or the file a symbolic link points to."""
    return Path(os.path.realpath(os.fspath(path)))


def _new_file_mode() -> int:
    """Permission bits ``open()`` gives a new file: 0o666 less the process umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _mode_for(target: Path) -> int:
    """Keep the permission bits of an existing regular file; a new file follows the umask."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return _new_file_mode()
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else _new_file_mode()


def _flush_and_sync(handle: IO[Any]) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _sync_path(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _commit(temp: Path, target: Path, bits: int) -> None:
    """Give the finished temporary file its permission bits and rename it into place."""
    os.chmod(temp, bits)
    os.replace(temp, target)
    _sync_dir(target.parent)


def _sync_dir(folder: Path) -> None:
    """Make the rename durable where the platform allows fsync on a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _discard(temp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
