"""Which log: find the data directory a command reads, and say how it was found.

The order is git's way of finding ``.git``, with two explicit choices first:

1. ``--data DIR``
2. ``$RETRACKER_DATA``
3. the nearest ``dataset.yaml`` from the current folder up; in each folder, its own
   ``dataset.yaml`` or that of its ``data/`` sub-folder (a checkout's log)
4. the copy bundled with the package

Each answer can say which log it read (:func:`last_used`, :meth:`DataDir.describe`), and
:func:`is_installed_copy` tells a curator's command not to write into site-packages.
"""

from __future__ import annotations

import os
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import RetrackerError

ENV_VAR = "RETRACKER_DATA"
MARKER = "dataset.yaml"

ORIGINS = {
    "option": "from --data",
    "env": f"from {ENV_VAR}",
    "nearest": "the nearest dataset.yaml from the current folder",
    "walked": "found from the files given",
    "bundled": "the copy bundled with retracker",
    "library": "given to the library",
}


@dataclass(frozen=True)
class DataDir:
    path: Path
    origin: str  # a key of ORIGINS

    def describe(self) -> str:
        where = os.path.abspath(self.path)
        installed = self.origin == "bundled" and is_installed_copy(self.path)
        suffix = " (installed: read-only)" if installed else ""
        return f"{where} ({ORIGINS.get(self.origin, self.origin)}){suffix}"


_last: DataDir | None = None


def last_used() -> DataDir | None:
    """The log the last :func:`find` in this process chose."""
    return _last


def forget() -> None:
    global _last
    _last = None


def note(found: DataDir) -> DataDir:
    """Remember the first log chosen since :func:`forget` (the command's own choice; the
    library's later look-ups of the same folder do not change it)."""
    global _last
    if _last is None:
        _last = found
    return found


def has_marker(folder: Path) -> bool:
    """Whether ``folder`` holds an entry named dataset.yaml (never raises).

    Any entry counts, not only a regular file: a dataset.yaml that is a FIFO, a device, a
    folder or a link to one (or to nothing) makes the folder a log whose dataset file
    cannot be read, and the query or lint names that file and why (see yamlio.read_bytes),
    rather than saying the folder has no dataset.yaml."""
    try:
        return os.path.lexists(folder / MARKER)
    except (OSError, ValueError):
        return False


def bundled_data_dir() -> Path:
    """The log shipped with the package (in a wheel) or beside it (in a checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "_data"
    if has_marker(packaged):
        return packaged
    return here.parent.parent / "data"


def nearest(start: Path | None = None) -> Path | None:
    """The nearest folder, from ``start`` (the current folder) up, holding dataset.yaml
    itself or in its ``data/`` sub-folder."""
    try:
        current = Path(os.path.abspath(start if start is not None else os.getcwd()))
    except OSError:  # the current folder was deleted
        return None
    for folder in (current, *current.parents):
        for candidate in (folder, folder / "data"):
            if has_marker(candidate):
                return candidate
    return None


def find(option: str | os.PathLike[str] | None = None, *, cwd: Path | None = None) -> DataDir:
    """The log to read: ``--data``, ``$RETRACKER_DATA``, the nearest, the bundled copy."""
    if option is not None:
        return note(_checked(Path(option), "option", str(option)))
    env = os.environ.get(ENV_VAR)
    if env:
        return note(_checked(Path(env), "env", env))
    near = nearest(cwd)
    if near is not None:
        return note(DataDir(near, "nearest"))
    return note(_checked(bundled_data_dir(), "bundled", ""))


def _checked(path: Path, origin: str, given: str) -> DataDir:
    if origin != "bundled" and not given.strip():
        name = "--data" if origin == "option" else ENV_VAR
        raise RetrackerError(f"{name} is empty", hint="give a folder holding dataset.yaml and events/")
    if has_marker(path):
        return DataDir(path, origin)
    raise RetrackerError(_missing_message(path, origin), hint=_missing_hint(path, origin))


def _missing_message(path: Path, origin: str) -> str:
    if origin == "env":
        head = f"{ENV_VAR}={path}"
    elif origin == "option":
        head = f"--data {path}"
    else:
        head = f"the bundled log {path}"
    if not path.exists():
        if os.path.islink(path):  # a link to nothing, or a loop of links: not "no such folder"
            return f"{head}: a symbolic link that leads nowhere (a loop, or a missing target)"
        return f"{head}: no such folder"
    if not path.is_dir():
        return f"{head}: not a folder"
    return f"{head}: the folder has no {MARKER}"


def _missing_hint(path: Path, origin: str) -> str:
    above = nearest(path.parent) if path.is_dir() else None
    if above is not None and above in Path(os.path.abspath(path)).parents:
        return f"use {above}, the folder holding {MARKER}"
    if origin == "bundled":
        return "reinstall retracker, or pass --data DIR"
    name = "--data" if origin == "option" else ENV_VAR
    return f"point {name} at a folder holding {MARKER} and events/"


def is_installed_copy(path: Path) -> bool:
    """Whether ``path`` lies inside the installed package or a site-packages folder."""
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return False
    package = Path(__file__).resolve().parent
    roots = {package}
    for key in ("purelib", "platlib"):
        try:
            roots.add(Path(os.path.realpath(sysconfig.get_paths()[key])))
        except (KeyError, OSError):
            continue
    return any(real == root or root in real.parents for root in roots)


def refuse_installed(found: DataDir) -> None:
    """A curator's command that writes into the log refuses the installed copy."""
    if is_installed_copy(found.path):
        raise RetrackerError(
            f"the log in use is the installed copy ({found.path}); writing there would be lost "
            "on the next install",
            hint="run this inside a checkout of the log, or pass --data DIR",
        )
