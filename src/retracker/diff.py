"""`retracker diff OLD NEW`: what changed between two versions of a log.

Each side is a data directory, or a git revision of the log this data directory lives in
(``HEAD~5``, a tag, a branch, or a date such as ``2026-01-01`` meaning the last commit
before it).
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from .dataset import Dataset, load_dataset
from .diagnostics import RetrackerError


@dataclass
class Change:
    id: str
    fields: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "fields": self.fields}


@dataclass
class LogDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "removed": self.removed, "changed": [c.to_json() for c in self.changed]}


def compare(old: Dataset, new: Dataset) -> LogDiff:
    """Events added, removed and changed (with the top-level fields that differ)."""
    before = {e.id: e.to_json() for e in old.events}
    after = {e.id: e.to_json() for e in new.events}
    out = LogDiff(
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
    )
    for event_id in sorted(before.keys() & after.keys()):
        changed = [k for k in after[event_id] if before[event_id].get(k) != after[event_id].get(k)]
        if changed:
            out.changed.append(Change(event_id, changed))
    return out


def load_side(spec: str, data_dir: Path, workdir: Path) -> Dataset:
    """A data directory as given, or the data directory at a git revision."""
    path = Path(spec)
    if path.is_dir():
        return load_dataset(path)
    return load_dataset(_checkout(spec, data_dir, workdir))


def _git(repo: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise RetrackerError("git is not installed") from None
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        raise RetrackerError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return proc.stdout


def _revision(repo: Path, spec: str) -> str:
    import re

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", spec):
        rev = _git(repo, "rev-list", "-1", f"--before={spec}T23:59:59", "HEAD").decode().strip()
        if not rev:
            raise RetrackerError(f"no commit before {spec}")
        return rev
    return spec


def _checkout(spec: str, data_dir: Path, workdir: Path) -> Path:
    data_dir = data_dir.resolve()
    top = Path(_git(data_dir, "rev-parse", "--show-toplevel").decode().strip())
    rel = data_dir.relative_to(top).as_posix()
    rev = _revision(top, spec)
    archive = _git(top, "archive", "--format=tar", rev, rel)
    target = Path(tempfile.mkdtemp(dir=workdir))
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / rel
