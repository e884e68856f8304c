"""The process's edges: argument bytes, standard streams, locale and the final flush.

Whatever the machine: a non-UTF-8 locale, a closed or full stdout, argument bytes that are
not UTF-8 become a one-line message and a documented exit code, never a traceback.
"""

from __future__ import annotations

import errno
import io
import os
import sys

from .diagnostics import one_line

EXIT_IO = 4


class ClosedStream(io.TextIOBase):
    """Stands in for a standard stream whose file descriptor is closed (``>&-``)."""

    def __init__(self, name: str) -> None:
        self.stream_name = name

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, f"{self.stream_name} is closed")

    def flush(self) -> None:
        return None


def prepare_streams() -> None:
    """Make stdout/stderr safe to write whatever the locale and the file descriptors.

    A missing stream (closed descriptor) is replaced; a non-UTF-8 encoding keeps the
    terminal's encoding with replacement characters on a terminal, and writes UTF-8 to
    pipes and files (the data's encoding, what every tool reading it expects).
    """
    if sys.stdout is None:
        sys.stdout = ClosedStream("standard output")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (lives as long as the process)
    if sys.stdin is None:  # `<&-`: a prompt meets the end of input (a usage error), not a crash
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115  (lives as long as the process)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if not hasattr(stream, "reconfigure") or encoding in ("utf-8", "utf8"):
            continue
        try:
            if _isatty(stream):
                stream.reconfigure(errors="replace" if name == "stdout" else "backslashreplace")
            else:
                errors = "backslashreplace" if name == "stderr" else "strict"
                stream.reconfigure(encoding="utf-8", errors=errors)
        except (OSError, ValueError, io.UnsupportedOperation):
            continue


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (OSError, ValueError):
        return False


def utf8_arguments(argv: list[str]) -> tuple[list[str], str | None]:
    """The arguments as UTF-8 text, whatever the locale decoded them as; or an error message
    for the first argument whose bytes are not UTF-8."""
    out = []
    for position, arg in enumerate(argv, start=1):
        try:
            raw = os.fsencode(arg)
        except UnicodeError:
            raw = arg.encode("utf-8", "surrogateescape")
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            shown = raw.decode("utf-8", "backslashreplace")
            return argv, f"argument {position} is not UTF-8 text: {one_line(shown)}"
    return out, None


def error(message: str) -> None:
    """One line on stderr (never raises)."""
    try:
        sys.stderr.write(f"retracker: error: {one_line(message)}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def finish(code: int) -> int:
    """Flush stdout; a failed flush (full disk, closed descriptor) becomes exit 4, a closed
    pipe exit 0 as before. Leaves the descriptor pointing at /dev/null so that the
    interpreter's own flush at exit cannot fail again."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return code
    except (OSError, ValueError) as exc:
        _silence_stdout()
        error(f"cannot write the output: {getattr(exc, 'strerror', None) or exc}")
        return EXIT_IO if code in (0, 1) else code
    return code


def write_failed(exc: OSError) -> int:
    """Report an output failure raised while a command was writing; the exit code."""
    _silence_stdout()
    if isinstance(exc, BrokenPipeError):
        return 0
    error(f"cannot write the output: {exc.strerror or exc}")
    return EXIT_IO


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
    sys.stdout = ClosedStream("standard output") if sys.stdout is None else _Discard()


class _Discard(io.TextIOBase):
    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return len(text)
