"""`retracker new`: scaffold an event file with the right id and path.

The file is written atomically and never over an existing one. Its placeholders
(``TODO``) fail lint (RT308) until someone fills them with what a source says.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import model, vocab
from .diagnostics import RetrackerError

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
    """Lower-case ASCII words joined by hyphens (accents dropped, other scripts skipped)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    tokens = re.findall(r"[a-z0-9]+", ascii_text.lower())
    stop = {"the", "of", "on", "and", "a", "an", "to", "for", "in", "no"}
    kept = [t for t in tokens if t not in stop] or tokens
    return "-".join(kept[:words])


def check_draft(draft: Draft) -> Draft:
    if draft.kind not in model.KINDS:
        raise RetrackerError(f"unknown kind '{draft.kind}'", hint="kinds: " + ", ".join(model.KINDS))
    try:
        draft.issuer = vocab.country_code(draft.issuer)
    except vocab.UnknownTerm as exc:
        raise RetrackerError(str(exc)) from None
    if not model.ID_RE.match(draft.id):
        raise RetrackerError(f"cannot derive a valid id from the title: {draft.id}")
    return draft


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


def create(root: Path, draft: Draft) -> Path:
    """Write the scaffold under root/events/YYYY/; refuse to overwrite."""
    draft = check_draft(draft)
    path = root / "events" / str(draft.date.year) / f"{draft.id}.yaml"
    if path.exists():
        raise RetrackerError(f"{path} already exists", hint="edit it, or choose another title")
    path.parent.mkdir(parents=True, exist_ok=True)
    from .atomic import atomic_write

    atomic_write(path, render(draft))
    return path
