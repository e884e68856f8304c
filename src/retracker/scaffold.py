"""`retracker new`: scaffold an event file with the right id and path.

The file is created exclusively (never over an existing file or symlink, never through a
symlinked folder) and appears complete or not at all. Its placeholders
(``TODO``) fail lint (RT308) until someone fills them with what a source says.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import model, vocab
from .diagnostics import IOProblem, RetrackerError

PLACEHOLDER = "TODO"
MODELINE = "# yaml-language-server: $schema=../../../schema/event.schema.json"


@dataclass
class Draft:
    date: dt.date
    issuer: str
    kind: str
    title: str
    authority: str | None = None
    number: str | None = None

    @property
    def id(self) -> str:
        parts = [self.date.isoformat(), self.issuer.lower()]
        if self.authority:
            parts.append(slugify(self.authority, 3))
        if self.number:
            parts.append(slugify(self.number, 1))
        parts.append(slugify(self.title, 6) or "event")
        return "-".join(p for p in parts if p)


def slugify(text: str, words: int) -> str:
    """Lower-case ASCII words joined by hyphens (accents dropped, other scripts skipped).

    A word that mixes a Latin letter with a letter of another script (``Gаllium`` with a
    Cyrillic ``а``, a look-alike pasted from somewhere) is skipped whole: dropping only the
    foreign letter made ``gllium``, an id that reads like a typo of the real word."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    tokens = []
    for word in re.findall(r"\w+", plain.lower().translate(_LATIN)):
        latin = [ch.isascii() for ch in word if ch.isalpha()]
        if any(latin) and not all(latin):
            continue  # mixed scripts: a look-alike, not a word to spell in an id
        tokens += re.findall(r"[a-z0-9]+", word)
    stop = {"the", "of", "on", "and", "a", "an", "to", "for", "in", "no"}
    kept = [t for t in tokens if t not in stop] or tokens
    out = ""
    for token in kept[:words]:  # an id stays a file name: words while they fit in SLUG_ROOM
        joined = f"{out}-{token}" if out else token
        if len(joined) > SLUG_ROOM:
            return out or token[:SLUG_ROOM]
        out = joined
    return out


_LATIN = str.maketrans(
    {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "þ": "th", "ð": "d", "ı": "i"}
)
"""Latin letters that do not decompose into an ASCII letter and a mark."""


SLUG_ROOM = 48
"""The longest slug a title (or an authority, a number) gives an id: with the date and the
issuer an id stays far below a file name's 255 bytes, whatever was pasted as a title."""


def check_draft(draft: Draft) -> Draft:
    for name, text in (
        ("--title", draft.title),
        ("--authority", draft.authority),
        ("--number", draft.number),
    ):
        _check_text(name, text)
    if draft.kind not in model.KINDS:
        raise RetrackerError(f"unknown kind '{draft.kind}'", hint="kinds: " + ", ".join(model.KINDS))
    try:
        draft.issuer = vocab.country_code(draft.issuer)
    except vocab.UnknownTerm as exc:
        raise RetrackerError(str(exc)) from None
    if not model.ID_RE.match(draft.id):
        raise RetrackerError(f"cannot derive a valid id from the title: {draft.id}")
    return draft


def _check_text(name: str, text: str | None) -> None:
    """A draft's text is one line of visible characters: a title of spaces alone would give
    the id ``DATE-ISSUER-event``; a newline, an escape sequence or a bidi override would be
    written into a file that lint then rejects (RT309, RT004)."""
    from .terminal import clean, hidden

    if text is None:
        return
    if not text.strip():
        raise RetrackerError(f"{name} is empty", hint="give the words the instrument or the source uses")
    if hidden(text):
        raise RetrackerError(
            f"{name} holds a control character, escape sequence or line break: {clean(text, newlines=False)}",
            hint="one line of plain text",
        )


def render(draft: Draft) -> str:
    """The event file's text, with TODO placeholders for what needs a source."""
    q = _quote
    lines = [
        MODELINE,
        f"id: {draft.id}",
        f"title: {q(draft.title)}",
        f"date: {draft.date.isoformat()}",
        f"kind: {draft.kind}",
        f"issuer: {draft.issuer}",
        f"authority: {q(draft.authority or PLACEHOLDER)}",
    ]
    if draft.number:
        lines.append(f"instrument: {q(PLACEHOLDER + ' (the instrument name and number as published)')}")
    lines += [
        "materials: []          # element symbols, material or group keys (retracker materials)",
        "targets: [ALL]         # ISO codes of the jurisdictions it applies to, or ALL",
        "verification: reported # official once a government text or spokesperson is cited",
        "sources:",
        f"  - url: https://{PLACEHOLDER}.invalid/the-page-you-read",
        "    kind: news         # official-text | official-translation | spokesperson | news | ...",
        f"    publisher: {PLACEHOLDER}",
        f"    title: {PLACEHOLDER}",
        "    lang: en",
        "    primary: true",
        "summary: >-",
        f"  {PLACEHOLDER}: two or three sentences in your own words.",
        "",
    ]
    return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_date(text: str) -> dt.date:
    """The scaffold's date: a full ISO date (``YYYY-MM-DD``) and nothing else.

    A scaffold must not invent a day: ``2025``, ``10/11/2025`` or ``251110`` are refused
    rather than guessed (the id and the folder are derived from this date).
    """
    raw = text.strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw)
    try:
        if not match:
            raise ValueError
        day = dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise RetrackerError(
            f"--date needs a full date as YYYY-MM-DD, got {text!r}",
            hint="e.g. 2025-10-09: the day the source gives",
        ) from None
    if day.year < 1000:
        raise RetrackerError(
            f"--date {raw}: a year before 1000 cannot start an id", hint="ids run from 1000 to 9999"
        )
    return day


def create(root: Path, draft: Draft) -> Path:
    """Write the scaffold under root/events/YYYY/, exclusively.

    The file is created only if no file (or symlink, even a dangling one) has its name, so
    of two runs for one id exactly one succeeds. ``events`` and the year folder must be real
    folders of the data directory: the scaffold never writes through a symlink.
    """
    draft = check_draft(draft)
    rel = Path("events") / str(draft.date.year) / f"{draft.id}.yaml"
    path = root / rel
    try:
        _write_exclusive(root, rel, render(draft).encode("utf-8"))
    except FileExistsError:
        raise RetrackerError(f"{path} already exists", hint="edit it, or choose another title") from None
    except OSError as exc:
        where = exc.filename or path
        raise IOProblem(f"cannot write {where}: {exc.strerror or exc}") from None
    return path


def _write_exclusive(root: Path, rel: Path, data: bytes) -> None:
    """Create ``root/rel`` with ``data``: complete or not at all, never over anything."""
    if os.open not in os.supports_dir_fd or not hasattr(os, "O_NOFOLLOW"):  # pragma: no cover
        _write_exclusive_by_path(root, rel, data)
        return
    fd = os.open(root, os.O_RDONLY | _O_DIRECTORY)
    try:
        for name in rel.parts[:-1]:
            child = _open_folder(fd, name, root)
            os.close(fd)
            fd = child
            root = root / name
        _publish(fd, rel.name, data, root)
    finally:
        os.close(fd)


_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _open_folder(parent: int, name: str, where: Path) -> int:
    """A sub-folder opened without following a symlink; created when missing."""
    flags = os.O_RDONLY | _O_DIRECTORY | os.O_NOFOLLOW
    try:
        return os.open(name, flags, dir_fd=parent)
    except FileNotFoundError:
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o777, dir_fd=parent)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise RetrackerError(
                f"{where / name} is a symlink or not a folder",
                hint="`new` writes only into real folders of the data directory",
            ) from None
        raise
    try:
        return os.open(name, flags, dir_fd=parent)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise RetrackerError(f"{where / name} is a symlink or not a folder") from None
        raise


def _publish(folder: int, name: str, data: bytes, where: Path) -> None:
    """Write a hidden temporary file, then hard-link it to ``name`` (fails if it exists)."""
    tmp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    fd = os.open(tmp, flags, 0o666, dir_fd=folder)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
        except FileExistsError:
            raise
        except OSError as exc:  # no hard links here (FAT, some network shares): O_EXCL instead
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            _create_in(folder, name, data)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=folder)
    with contextlib.suppress(OSError):
        os.fsync(folder)


def _create_in(folder: int, name: str, data: bytes) -> None:
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666, dir_fd=folder)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(name, dir_fd=folder)
        raise
    os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_exclusive_by_path(root: Path, rel: Path, data: bytes) -> None:  # pragma: no cover
    """Where ``dir_fd`` is not available (Windows): check each folder, then O_EXCL."""
    folder = root
    for name in rel.parts[:-1]:
        folder = folder / name
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise RetrackerError(f"{folder} is a symlink or not a folder")
        folder.mkdir(exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(root / rel, flags, 0o666)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)
