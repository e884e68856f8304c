"""`retracker diff OLD NEW`: what changed between two versions of a log.

Each side is a data directory, or a git revision of the log this data directory lives in
(``HEAD~5``, a tag, a branch, or a date such as ``2026-01-01`` meaning the last commit
made on or before that day, UTC). A year or a month is the first day of that period
(``2025`` is ``2025-01-01``, ``2025-03`` is ``2025-03-01``), read exactly as that date; a
tag or branch of exactly that name wins over the date, an abbreviated commit id does not
(four digits are a year: write more of the id). What a date was read as is reported
(see :func:`load_side`'s ``notes``).

No user string ever reaches git as an option: a revision is resolved with
``git rev-parse --verify --end-of-options`` to a commit id first, and only that id is
passed on; a date is compared with the commits' own timestamps, not given to git's date
parser (which stops at 2099 and guesses at odd forms).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from .dataset import EVENT_SUFFIX, Dataset, load_dataset
from .diagnostics import RetrackerError

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
"""A day, a month or a year: ``2026-01-01``, ``2025-03``, ``2025``."""
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


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
    unreadable: list[str] = field(default_factory=list)
    """Ids whose file exists on a side but could not be read there: neither added nor removed."""

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": [c.to_json() for c in self.changed],
            "unreadable": self.unreadable,
        }


def compare(old: Dataset, new: Dataset) -> LogDiff:
    """Events added, removed and changed (with the top-level fields that differ).

    An event whose file is present on one side but cannot be read there (bad YAML,
    permissions) is listed as ``unreadable``, not as added or removed.
    """
    before = {e.id: e.to_json() for e in old.events}
    after = {e.id: e.to_json() for e in new.events}
    broken = unreadable_ids(old) | unreadable_ids(new)
    added = after.keys() - before.keys()
    removed = before.keys() - after.keys()
    out = LogDiff(
        added=sorted(added - broken),
        removed=sorted(removed - broken),
        unreadable=sorted((added | removed) & broken),
    )
    for event_id in sorted(before.keys() & after.keys()):
        changed = [k for k in after[event_id] if before[event_id].get(k) != after[event_id].get(k)]
        if changed:
            out.changed.append(Change(event_id, changed))
    return out


def unreadable_ids(ds: Dataset) -> set[str]:
    """The ids (file stems) of event files that could not be loaded."""
    return {
        Path(d.path).stem
        for d in ds.diagnostics
        if d.severity == "error" and d.path.endswith(EVENT_SUFFIX) and Path(d.path).name != "dataset.yaml"
    }


def load_side(spec: str, data_dir: Path, workdir: Path, notes: list[str] | None = None) -> Dataset:
    """A data directory as given, or the data directory at a git revision.

    ``notes`` receives a sentence for each date read as a commit (which day, which commit),
    for the command to show: ``2025`` read as 2025-01-01 is not obvious from the answer."""
    if "\0" in spec:
        raise RetrackerError("a revision cannot contain a NUL byte")
    if not spec.strip():  # Path("") is the current folder
        raise RetrackerError(
            "the revision is empty", hint="e.g. HEAD~5, a tag, a branch, 2026-01-01, or a folder"
        )
    path = Path(spec)
    if path.is_dir():
        from . import datadir

        if not datadir.has_marker(path):  # named as the side it is, not as --data
            raise RetrackerError(
                f"{spec}: the folder has no dataset.yaml",
                hint="a side of diff is a log's folder (holding dataset.yaml) or a git revision",
            )
        return load_dataset(path)
    return load_dataset(_checkout(spec, data_dir, workdir, notes))


def _git(repo: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, check=False, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise RetrackerError("git is not installed") from None
    except OSError as exc:
        raise RetrackerError(f"cannot run git: {exc.strerror}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        fatal = [line for line in message if line.startswith(("fatal:", "error:"))]
        raise RetrackerError(f"git {' '.join(args[:2])}: {(fatal or message or ['failed'])[-1]}")
    return proc.stdout


def resolve_revision(repo: Path, spec: str, notes: list[str] | None = None) -> str:
    """The full commit id that ``spec`` names; a date means the last commit on or before it.

    Raises RetrackerError for anything that is not a revision of this repository, including
    strings that git would read as options.
    """
    notes = notes if notes is not None else []
    day = date_of(spec)
    if day is not None:
        named = _named_ref(repo, spec)
        if named is not None:
            kind, sha = named
            notes.append(f"{spec} read as the {kind} {spec} (commit {sha[:12]}), not as a date")
            return sha
        sha, stamp = _commit_before(repo, day, spec)
        when = dt.datetime.fromtimestamp(stamp, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        read = f"{spec} read as {day}" if spec != day.isoformat() else spec
        notes.append(f"{read}: the log at commit {sha[:12]} ({when}), the last on or before that day (UTC)")
        return sha
    if not spec or spec.startswith("-") or any(ch.isspace() or ord(ch) < 32 for ch in spec):
        raise RetrackerError(
            f"not a revision or data directory: {spec!r}", hint="e.g. HEAD~5, a tag, 2026-01-01"
        )
    try:
        out = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    except RetrackerError:
        out = b""
    sha = out.decode(errors="replace").strip()
    if not _SHA.fullmatch(sha):
        raise RetrackerError(
            f"not a revision or data directory: {spec!r}",
            hint="e.g. HEAD~5, a tag, a branch, 2026-01-01, 2025-03, 2025"
            + ("" if _has_commits(repo) else "; this repository has no commits yet"),
        )
    return sha


def date_of(spec: str) -> dt.date | None:
    """The day ``spec`` names (a year or a month: its first day); None when it is not
    written as a date; RetrackerError for a date-shaped string that names no day."""
    found = _DATE.fullmatch(spec)
    if found is None:
        return None
    year, month, day = (int(g) if g else 1 for g in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise RetrackerError(f"not a real date: {spec}", hint="use YYYY-MM-DD, YYYY-MM or YYYY") from None


def _named_ref(repo: Path, name: str) -> tuple[str, str] | None:
    """(``tag``/``branch``, commit id) of a tag or branch named exactly ``name``, if any."""
    for kind, prefix in (("tag", "refs/tags/"), ("branch", "refs/heads/")):
        try:
            ref = f"{prefix}{name}^{{commit}}"
            out = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", ref)
        except RetrackerError:
            continue
        sha = out.decode(errors="replace").strip()
        if _SHA.fullmatch(sha):
            return kind, sha
    return None


def _has_commits(repo: Path) -> bool:
    try:
        return bool(_git(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").strip())
    except RetrackerError:
        return False


def _commit_before(repo: Path, day: dt.date, spec: str) -> tuple[str, int]:
    """(commit id, commit time) of the last commit made on or before ``day``, UTC."""
    if not _has_commits(repo):
        raise RetrackerError(f"no commit on or before {day}: the repository has no commits yet")
    cutoff = (day - dt.date(1970, 1, 1)).days * 86400 + 86399  # the end of that day, UTC
    listing = _git(repo, "rev-list", "--timestamp", "HEAD").decode(errors="replace")
    for line in listing.splitlines():
        stamp, _, sha = line.partition(" ")
        if stamp.lstrip("-").isdigit() and int(stamp) <= cutoff and _SHA.fullmatch(sha):
            return sha, int(stamp)
    read = f" ({spec} read as {day})" if spec != day.isoformat() else ""
    hint = None
    last = listing.strip().rsplit("\n", 1)[-1].partition(" ")
    if last[0].lstrip("-").isdigit() and _SHA.fullmatch(last[2]):
        first = dt.datetime.fromtimestamp(int(last[0]), dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        hint = f"the history starts at commit {last[2][:12]} ({first})"
    if _git(repo, "rev-parse", "--is-shallow-repository").strip() == b"true":
        hint = f"{hint or 'the history starts later'}: this clone is shallow (git fetch --unshallow)"
    raise RetrackerError(f"no commit on or before {day}{read}", hint=hint)


def _checkout(spec: str, data_dir: Path, workdir: Path, notes: list[str] | None = None) -> Path:
    data_dir = data_dir.resolve()
    try:
        top = Path(_git(data_dir, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    except RetrackerError as exc:
        if "dubious ownership" in str(exc):  # not "no repository": git refuses one it finds
            found = re.search(r"repository at '(.+)'", str(exc))
            top = found[1] if found else str(data_dir)
            raise RetrackerError(
                f"git refuses the repository at {top}: it belongs to another user",
                hint=f"if you trust it: git config --global --add safe.directory {top}",
            ) from None
        raise RetrackerError(
            f"{spec!r} is not a folder, and the log {data_dir} is not in a git repository"
        ) from None
    rel = data_dir.relative_to(top).as_posix()
    sha = resolve_revision(top, spec, notes)
    pathspec = [] if rel == "." else ["--", rel]
    archive = _git(top, "archive", "--format=tar", sha, *pathspec)
    target = Path(tempfile.mkdtemp(dir=workdir))
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    side = target / rel
    if not (side / "dataset.yaml").is_file():
        raise RetrackerError(f"the log has no dataset.yaml at {spec} ({rel}/dataset.yaml)")
    return side
