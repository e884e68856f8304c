"""Handles: the short name a listing prints for an event, and what `show` accepts.

The **handle** of an event is its instrument key (``CN-MOFCOM-2024-46``) when it has one
that no other live event shares, else the shortest prefix of its id, in whole words and at
least the date and one word, that no other event's id starts with
(``2025-10-30-us-cn-busan``). Handles are computed over the whole log, so a handle printed
by a filtered listing still names one event.

:func:`resolve` reads what a user typed after ``show``: a full id, a unique id prefix (as
git reads a short hash), an instrument key (``CN-MOFCOM-2024-46``, ``mofcom-2024-46``,
``MOFCOM 46/2024``, ``MOFCOM No. 46 of 2024``), ``ID#part``, the path of an event file, in
any case. A material or country name gets a pointer to the right filter instead.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from .diagnostics import RetrackerError

MIN_WORDS = 4
"""A prefix handle has at least the date's three words and one more."""

MAX_CANDIDATES = 10
"""How many candidates an ambiguous prefix lists."""


@dataclass(frozen=True)
class Entry:
    """What handles and resolution need of an event: its id, instrument key, withdrawn flag."""

    id: str
    key: str | None = None
    withdrawn: bool = False


def entries_of(events: Iterable[object]) -> list[Entry]:
    """Entries of events (model.Event or anything with id, instrument_key, withdrawn)."""
    return [
        Entry(e.id, getattr(e, "instrument_key", None), getattr(e, "withdrawn", None) is not None)
        for e in events
    ]


def _live_keys(entries: Iterable[Entry]) -> dict[str, str]:
    """Instrument key (upper case) -> id, for keys held by exactly one live event."""
    seen: dict[str, list[str]] = {}
    for e in entries:
        if e.key and not e.withdrawn:
            seen.setdefault(e.key.upper(), []).append(e.id)
    return {k: ids[0] for k, ids in seen.items() if len(ids) == 1}


def _common(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _word_prefix(event_id: str, chars: int) -> str:
    """The id cut after the word that holds character ``chars`` (1-based), MIN_WORDS at least."""
    words = event_id.split("-")
    out, length = [], 0
    for word in words:
        out.append(word)
        length += len(word) + (1 if len(out) > 1 else 0)
        if length >= chars and len(out) >= MIN_WORDS:
            break
    return "-".join(out)


def prefix_handles(ids: Iterable[str]) -> dict[str, str]:
    """Each id's shortest unique prefix in whole words (see the module's docstring)."""
    ordered = sorted(set(ids))
    out: dict[str, str] = {}
    for i, event_id in enumerate(ordered):
        before = _common(event_id, ordered[i - 1]) if i else 0
        after = _common(event_id, ordered[i + 1]) if i + 1 < len(ordered) else 0
        out[event_id] = _word_prefix(event_id, max(before, after) + 1)
    return out


def handles(entries: Iterable[Entry]) -> dict[str, str]:
    """id -> handle for every entry: the instrument key, else the shortest unique id prefix."""
    entries = list(entries)
    keys = _live_keys(entries)
    by_id = {event_id: key for key, event_id in keys.items()}
    prefixes = prefix_handles(e.id for e in entries)
    return {e.id: (by_id.get(e.id) if not e.withdrawn and e.id in by_id else prefixes[e.id]) for e in entries}


# ------------------------------------------------------------------ resolution


@dataclass(frozen=True)
class Resolved:
    """An event id, and the part a user named with ``ID#part`` (None otherwise)."""

    id: str
    part: str | None = None


class Ambiguous(RetrackerError):
    """A prefix or key that names more than one event; carries the candidates."""

    multiline = True
    """Printed one candidate a line (each line made inert; see cli's error line)."""

    def __init__(self, term: str, candidates: Sequence[str]) -> None:
        from .diagnostics import one_line

        shown = list(candidates[:MAX_CANDIDATES])
        more = len(candidates) - len(shown)
        lines = [f"'{one_line(term)}' matches {len(candidates)} events; give more of the id:"]
        lines += [f"  {c}" for c in shown]
        if more:
            lines.append(f"  ... and {more} more (retracker search, or timeline)")
        super().__init__("\n".join(lines))
        self.candidates = list(candidates)


_PATHLIKE = re.compile(r"[/\\]|\.ya?ml$", re.IGNORECASE)
_NUMBERED = re.compile(
    r"^(?P<auth>[A-Za-z][A-Za-z&./\s-]*?)[\s-]*(?:announcement|order|decree|no\.?|number|#|\s)*"
    r"(?P<num>\d+)\s*(?:/|of|,)\s*(?P<year>\d{4})$",
    re.IGNORECASE,
)


def parse_term(term: str) -> tuple[str, str | None]:
    """``(what, part)``: a file path becomes its stem, ``ID#part`` is split."""
    text = term.strip()
    if _PATHLIKE.search(text) and not _NUMBERED.match(text):
        text = PurePath(text.replace("\\", "/")).name
        text = re.sub(r"\.ya?ml$", "", text, flags=re.IGNORECASE)
    what, _, part = text.partition("#")
    return what.strip(), (part.strip().casefold() or None)


def resolve(term: str, entries: Iterable[Entry]) -> Resolved:
    """The event that ``term`` names, or a :class:`RetrackerError` that says why not.

    The order: exact id, instrument key (with or without its issuer, or written
    ``AUTHORITY NUMBER/YEAR``), unique id prefix; then a material or country name is pointed
    to ``show -e``/``show -c``; else the closest ids are suggested.
    """
    what, part = parse_term(term)
    if not what:
        raise RetrackerError("give an event ID", hint="an id, a unique prefix or an instrument key")
    entries = list(entries)
    ids = {e.id for e in entries}
    folded = what.casefold()
    if folded in ids:
        return Resolved(folded, part)
    by_key = _key_matches(what, entries)
    if len(by_key) == 1:
        return Resolved(by_key[0], part)
    if len(by_key) > 1:
        raise Ambiguous(what, by_key)
    starting = sorted(i for i in ids if i.startswith(folded))
    if len(starting) == 1:
        return Resolved(starting[0], part)
    if len(starting) > 1:
        raise Ambiguous(what, starting)
    raise _not_found(what, entries)


def _key_matches(what: str, entries: list[Entry]) -> list[str]:
    keys = _live_keys(entries)
    upper = re.sub(r"\s+", "-", what.strip()).upper()
    if upper in keys:
        return [keys[upper]]
    # Without the issuer: MOFCOM-2024-46 for CN-MOFCOM-2024-46.
    tail = sorted({i for k, i in keys.items() if k.split("-", 1)[-1] == upper})
    if tail:
        return tail
    numbered = _NUMBERED.match(what.strip())
    if numbered is None:
        return []
    auth = [w for w in re.split(r"[^A-Za-z0-9]+", numbered["auth"].upper()) if w]
    auth = [w for w in auth if w not in ("ANNOUNCEMENT", "ORDER", "DECREE", "NO", "NUMBER")]
    year, num = numbered["year"], int(numbered["num"])
    exact, loose = [], []
    for key, event_id in keys.items():
        segs = key.split("-")
        if len(segs) < 4 or segs[-2] != year or not segs[-1].isdigit() or int(segs[-1]) != num:
            continue
        if segs[1:-2] == auth:
            exact.append(event_id)
        elif set(auth) <= set(segs[:-2]):
            loose.append(event_id)
    return sorted(exact or loose)


def _not_found(what: str, entries: list[Entry]) -> RetrackerError:
    pointer = _vocabulary_pointer(what)
    if pointer is not None:
        return pointer
    names = [e.id for e in entries] + [e.key for e in entries if e.key]
    close = difflib.get_close_matches(what.casefold(), [n.casefold() for n in names], n=3, cutoff=0.5)
    original = {n.casefold(): n for n in names}
    hint = (
        "did you mean " + " or ".join(original[c] for c in close) + "?"
        if close
        else "see `retracker timeline` or `retracker search`"
    )
    return RetrackerError(f"no event with id or key '{what}'", hint=hint)


def _vocabulary_pointer(what: str) -> RetrackerError | None:
    """``antimony is a material: retracker show -e antimony`` (likewise for countries)."""
    from . import vocab

    try:
        vocab.material_key(what)
    except vocab.UnknownTerm:
        pass
    else:
        return RetrackerError(f"{what} is a material: retracker show -e {_quoted(what)}")
    try:
        code = vocab.country_code(what)
    except vocab.UnknownTerm:
        return None
    return RetrackerError(f"{what} is a country: retracker show -c {code}")


def _quoted(text: str) -> str:
    return text if re.fullmatch(r"[\w.-]+", text) else f"'{text}'"


_ID_IN_TEXT = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)+(?![\w-])")


def ids_in(text: str) -> Iterator[re.Match[str]]:
    """Where ``text`` (a status reason, a change) names an event by its full id."""
    return _ID_IN_TEXT.finditer(text)


def by_handle(text: str, handles: Mapping[str, str] | None) -> str:
    """``text`` (a status reason, a change) with every event id it names replaced by that
    event's handle: ``suspended by CN-MOFCOM-GACC-2025-70 until 2026-11-10``. An id that has
    no handle (not in ``handles``) stays as it is."""
    if not handles or "-" not in text:
        return text
    return _ID_IN_TEXT.sub(lambda m: handles.get(m.group(), m.group()), text)
