"""Writing a site safely: build aside, then put in place; never delete a file we did not write.

A build writes every file into a fresh temporary folder beside the target (same file
system, so the final renames are atomic). Then:

- the target does not exist, or is an empty folder: the temporary folder is renamed into
  place (an empty folder is removed first);
- the target is a previous site build (it holds :data:`MANIFEST`, the list of files that
  build wrote) and nothing else: the old build is renamed aside, the new one into place,
  and the old one removed;
- the target is a previous build with other files beside it (a ``CNAME``, a ``.git``), or
  any non-empty folder with ``force``: each new file replaces its old copy (one rename per
  file), files the previous build wrote and this one did not are removed, and every other
  file is left as it was;
- any other non-empty folder, or a file, is refused (:class:`SiteOutputError`).

A failure at any point removes the temporary folder and leaves the target as it was
(up to the files already renamed in the per-file case).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from ..diagnostics import RetrackerError

MANIFEST = ".retracker-site"
"""The file a build leaves in its folder: a header line, then every file it wrote."""

_HEADER = "# written by `retracker site`; files listed here are replaced by the next build\n"
_SAFE_PART = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9._-]*|\.nojekyll)$")


class SiteOutputError(RetrackerError):
    """The output folder cannot be used (not empty, not a site, the data folder ...)."""


class SiteWriter:
    """Collects the files of one build in a temporary folder; refuses collisions and paths
    that would leave the folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[str] = []
        self._seen: dict[str, str] = {}

    def path_for(self, rel: str) -> Path:
        """The temporary path of ``rel`` (``events/<id>.html``), its folder created."""
        parts = rel.split("/")
        if not all(_SAFE_PART.match(p) and p not in (".", "..") for p in parts):
            raise RetrackerError(f"site: refusing the file name '{rel}'", hint="names are a-z, 0-9, . _ -")
        folded = rel.casefold()
        if folded in self._seen:
            raise RetrackerError(
                f"site: two pages would be written to '{rel}' ({self._seen[folded]} and {rel})",
                hint="file names must differ in more than case",
            )
        self._seen[folded] = rel
        self.files.append(rel)
        path = self.folder.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write(self, rel: str, data: str | bytes) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.path_for(rel).write_bytes(raw)

    def finish(self) -> None:
        body = "".join(f"{rel}\n" for rel in sorted(self.files))
        (self.folder / MANIFEST).write_text(_HEADER + body, encoding="utf-8")


def check_target(out: Path, *, force: bool, data_root: Path | None) -> None:
    """Refuse a target that is not ours to write (see the module's docstring)."""
    resolved = out.resolve()
    if data_root is not None:
        root = data_root.resolve()
        if resolved == root or root.is_relative_to(resolved) or resolved.is_relative_to(root):
            raise SiteOutputError(
                f"refusing to write the site to {out}: it holds or lies inside the log ({data_root})",
                hint="choose a folder outside the data folder, e.g. -o site",
            )
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise SiteOutputError(f"refusing to write the site to {out}", hint="choose a folder of its own")
    if out.is_symlink():
        raise SiteOutputError(
            f"cannot write the site to {out}: it is a symbolic link (to {os.readlink(out)})",
            hint="name the folder itself: the build replaces its target folder whole",
        )
    if out.exists() and not out.is_dir():
        raise SiteOutputError(f"cannot write the site to {out}: it is a file, not a folder")
    if not out.exists() or force or _is_empty(out) or (out / MANIFEST).is_file():
        return
    raise SiteOutputError(
        f"refusing to write the site into {out}: the folder is not empty and holds no earlier site build",
        hint="choose an empty or new folder, or pass --force to add the site's files beside what is there",
    )


def _is_empty(folder: Path) -> bool:
    with os.scandir(folder) as it:
        return next(it, None) is None


def new_build_folder(out: Path) -> Path:
    """A fresh temporary folder beside ``out`` (created with its parents' existence checked)."""
    parent = out.absolute().parent
    if parent.exists() and not parent.is_dir():
        raise SiteOutputError(f"cannot write the site to {out}: {parent} is a file, not a folder")
    if not parent.is_dir():
        raise SiteOutputError(f"cannot write the site to {out}: folder {parent} does not exist")
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=parent))


def previous_files(out: Path) -> list[str] | None:
    """The files the previous build in ``out`` wrote (None when it is not a site build)."""
    manifest = out / MANIFEST
    if not manifest.is_file():
        return None
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def publish(temp: Path, out: Path, files: list[str]) -> None:
    """Put the build in ``temp`` in place at ``out`` (see the module's docstring)."""
    if not out.exists():
        os.replace(temp, out)
        return
    if _is_empty(out):
        out.rmdir()
        os.replace(temp, out)
        return
    old = previous_files(out)
    if old is not None and _only(out, {*old, MANIFEST}):
        aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.absolute().parent))
        aside.rmdir()
        os.replace(out, aside)
        os.replace(temp, out)
        shutil.rmtree(aside, ignore_errors=True)
        return
    _overlay(temp, out, files, old or [])


def _only(out: Path, ours: set[str]) -> bool:
    """True when every file under ``out`` is one of ``ours`` (folders apart)."""
    for folder, dirs, names in os.walk(out):
        dirs.sort()
        for name in names:
            rel = Path(folder, name).relative_to(out).as_posix()
            if rel not in ours:
                return False
    return True


def _overlay(temp: Path, out: Path, files: list[str], old: list[str]) -> None:
    for rel in files:
        target = out / rel
        if target.is_dir() and not target.is_symlink():
            raise SiteOutputError(f"cannot write {target}: a folder of that name is in the way")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp / rel, target)
    for rel in sorted(set(old) - set(files)):
        stale = out / rel
        if stale.is_file() and not stale.is_symlink():
            stale.unlink()
    os.replace(temp / MANIFEST, out / MANIFEST)
    shutil.rmtree(temp, ignore_errors=True)
