"""Find a data directory and load it into a :class:`Dataset`.

Dependencies run one way: query, status, lint and the index use the dataset; the dataset
knows none of them (filtering is :func:`retracker.query.events_for`).

A data directory holds ``dataset.yaml`` (``schema_version``, ``coverage``) and
``events/YYYY/<id>.yaml``. Loading never raises on a bad event file: each problem becomes
a :class:`~retracker.diagnostics.Diagnostic` and the good events are kept.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import gc
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from . import model, schema_errors
from .diagnostics import Diagnostic, RetrackerError

if TYPE_CHECKING:
    from . import yamlio

ENV_VAR = "RETRACKER_DATA"
EVENT_SUFFIX = ".yaml"


def bundled_data_dir() -> Path:
    """The log shipped with the package (in a wheel) or beside it (in a checkout)."""
    from . import datadir

    return datadir.bundled_data_dir()


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """``--data DIR``, else ``$RETRACKER_DATA``, else the nearest dataset.yaml from the
    current folder up (a checkout's ``data/`` counts), else the bundled log (see datadir.py)."""
    from . import datadir

    return datadir.find(option).path


def find_root(start: Path) -> Path | None:
    """Walk up from ``start`` to the folder holding dataset.yaml, if any (links not followed)."""
    from . import datadir

    current = Path(os.path.abspath(start))
    if current.is_symlink() or not current.is_dir():
        current = current.parent
    for folder in (current, *current.parents):
        if datadir.has_marker(folder):  # a dataset.yaml that cannot be read is reported, not skipped
            return folder
    return None


WALKED_SUFFIXES = (".yaml", ".yml")

UNLISTABLE: dict[str, str] = {}
"""Folders a walk could not list (path -> why); the loader reports each as RT001."""


def iter_event_files(folder: Path, links: dict[str, bool] | None = None) -> Iterator[Path]:
    """Every non-hidden YAML file under ``folder``, sorted.

    Each folder's files come before its subfolders'. Files that do not end in ``.yaml`` or
    ``.yml`` (any case) are skipped (a README beside the events); a ``.yml`` or ``.YAML``
    one is yielded so that lint says to rename it. A folder named like an event file, a
    symlinked folder, and a folder that cannot be listed (permissions, a path too long, a
    file or nothing where ``events/`` should be) are yielded as files: the loader reports
    each, so no event vanishes without a word. ``links``, when given, learns for each path
    whether it is a symlink (from the directory listing: no extra system call).

    The walk is iterative: a deep tree of folders cannot exhaust the stack.
    """
    for path, link in walk_event_files(str(folder)):
        if links is not None:
            links[path] = link
        yield Path(path)


def walk_event_files(folder: str) -> Iterator[tuple[str, bool]]:
    """``(path, is a symlink)`` of what :func:`iter_event_files` yields, without building
    Path objects (the index stats every file on every query: this is its walk)."""
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as exc:
            UNLISTABLE[current] = _why_unlistable(Path(current), exc)
            yield current, False
            continue
        subfolders = []
        for entry in entries:
            link = entry.is_symlink()
            is_dir = _is_dir(entry)
            if is_dir and not link and not entry.name.endswith(EVENT_SUFFIX):
                subfolders.append(entry.path)
                continue
            if not (is_dir or entry.name.lower().endswith(WALKED_SUFFIXES)):
                continue
            yield entry.path, link
        pending.extend(reversed(subfolders))


def _why_unlistable(folder: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"folder '{folder.name}' is missing" + (
            ": a log keeps its events in events/" if folder.name == "events" else ""
        )
    if isinstance(exc, NotADirectoryError):
        return f"'{folder.name}' is a file, not a folder"
    return f"cannot list folder '{folder.name}': {exc.strerror or exc}"


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


LOCATED_TEXT = 8 * 1024 * 1024
"""Characters of source whose parses :meth:`Dataset.locate` keeps (a few thousand event files)."""


@dataclass
class Dataset:
    """The events of one data directory, with indexes and the problems found loading it."""

    root: Path | None
    events: list[model.Event]
    event_paths: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    documents: dict[Path, yamlio.Document] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._path_of = {id(e): p for e, p in zip(self.events, self.event_paths, strict=False)}
        self.events.sort(key=lambda e: (e.date, e.id))
        self.by_id: dict[str, model.Event] = {}
        self.paths: dict[str, Path] = {}
        for event in self.events:
            self.by_id.setdefault(event.id, event)
            if id(event) in self._path_of:
                self.paths.setdefault(event.id, self._path_of[id(event)])
        self._inverse: dict[str, list[tuple[model.Relation, model.Event]]] | None = None
        self._located: dict[Path, yamlio.Document] = {}
        self._located_size = 0

    def locate(self, path: Path, loc: tuple[Any, ...]) -> tuple[int, int]:
        """Line and column of ``loc`` in a file; parses it again only when asked (an error).

        The parses made here are kept for the next findings in the same files, up to
        :data:`LOCATED_TEXT` characters of source: a cross-file check that fires on every
        file of a big walk (`lint /tmp`) must not hold every file's node tree at once.
        """
        from . import yamlio

        doc = self.documents.get(path)
        if doc is None:
            doc = self._located.pop(path, None)
            if doc is None:
                try:
                    doc = yamlio.load_path(path)
                except yamlio.YamlProblem:
                    return 1, 1
                self._located_size += len(doc.text)
            self._located[path] = doc  # the most recently used last
            while self._located_size > LOCATED_TEXT and len(self._located) > 1:
                oldest = next(iter(self._located))
                self._located_size -= len(self._located.pop(oldest).text)
        return doc.locate(loc)

    def path_of(self, event: model.Event) -> Path | None:
        """The file an event was read from (None for events built in memory)."""
        return self._path_of.get(id(event))

    @property
    def coverage(self) -> dt.date | None:
        value = self.meta.get("coverage")
        return value if isinstance(value, dt.date) else None

    @property
    def live(self) -> list[model.Event]:
        """Events whose record has not been withdrawn."""
        return [e for e in self.events if e.withdrawn is None]

    def get(self, event_id: str) -> model.Event:
        """The event with this id, or a :class:`RetrackerError` with suggestions."""
        event = self.by_id.get(event_id)
        if event is None:
            close = difflib.get_close_matches(event_id, self.by_id, n=3, cutoff=0.5)
            hint = f"did you mean {' or '.join(close)}?" if close else "see `retracker timeline`"
            raise RetrackerError(f"no event with id '{event_id}'", hint=hint)
        return event

    def acted_on_by(self, event_id: str) -> list[tuple[model.Relation, model.Event]]:
        """Derived inverse relations: (relation, acting event) for every act on ``event_id``."""
        if self._inverse is None:
            inverse: dict[str, list[tuple[model.Relation, model.Event]]] = defaultdict(list)
            for event in self.live:
                for rel in event.relations:
                    inverse[rel.target_id].append((rel, event))
            self._inverse = dict(inverse)
        return self._inverse.get(event_id, [])


def load_dataset(path: str | os.PathLike[str] | None = None, *, keep_documents: bool = False) -> Dataset:
    """Load a data directory (``--data`` resolution applies when ``path`` is None)."""
    from . import metafile

    root = resolve_data_dir(path)
    meta, meta_diags = load_meta(root)
    metafile.require_readable(root, meta_diags)
    links: dict[str, bool] = {}
    files = list(iter_event_files(root / "events", links))
    events, paths, diags, docs = load_files(files, root, keep_documents=keep_documents, links=links)
    events, paths, twice = drop_repeated_ids(events, paths)
    return Dataset(root, events, paths, meta_diags + diags + twice, meta, docs)


def drop_repeated_ids(
    events: list[model.Event], paths: list[Path]
) -> tuple[list[model.Event], list[Path], list[Diagnostic]]:
    """One file per id: the one in the folder of its date's year (else the first found) is
    kept; any other file with that id is left out of the answers and named in a diagnostic
    (RT202), so a query warns instead of listing the event twice. (Lint reads every copy and
    reports the pair itself.)"""
    chosen: dict[str, int] = {}
    for n, (event, path) in enumerate(zip(events, paths, strict=True)):
        if event.id not in chosen or (
            _in_its_year(event, path) and not _in_its_year(event, paths[chosen[event.id]])
        ):
            chosen[event.id] = n
    if len(chosen) == len(events):
        return events, paths, []
    keep = set(chosen.values())
    found = [
        Diagnostic(
            str(path),
            1,
            1,
            "RT202",
            f"id '{event.id}' also used by {paths[chosen[event.id]]}; this copy is left out",
        )
        for n, (event, path) in enumerate(zip(events, paths, strict=True))
        if n not in keep
    ]
    return [events[n] for n in sorted(keep)], [paths[n] for n in sorted(keep)], found


def _in_its_year(event: model.Event, path: Path) -> bool:
    return path.parent.name == str(event.date.year)


def load_meta(root: Path, raw: bytes | None = None) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Read dataset.yaml (or parse ``raw``, its bytes as already read); ``coverage`` becomes a date."""
    from . import yamlio

    path = root / "dataset.yaml"
    try:
        doc = yamlio.load_path(path) if raw is None else yamlio.load_text(yamlio.decode(raw))
    except yamlio.YamlProblem as p:
        return {}, [Diagnostic(str(path), p.line, p.col, p.code, p.message, hint=p.hint)]
    meta = doc.data if isinstance(doc.data, dict) else {}
    try:
        meta["coverage"] = model._strict_date(meta.get("coverage"))
    except Exception:
        line, col = doc.locate(("coverage",))
        return meta, [Diagnostic(str(path), line, col, "RT105", "dataset.yaml needs coverage: YYYY-MM-DD")]
    from .metafile import future_coverage

    future = future_coverage(meta["coverage"])
    if future is not None:
        line, col = doc.locate(("coverage",))
        return meta, [Diagnostic(str(path), line, col, "RT024", future)]
    return meta, []


def load_files(
    files: Iterable[Path],
    root: Path | None,
    *,
    keep_documents: bool = False,
    links: dict[str, bool] | None = None,
    each: Callable[[model.Event, Path, yamlio.Document], None] | None = None,
) -> tuple[list[model.Event], list[Path], list[Diagnostic], dict[Path, yamlio.Document]]:
    """Load event files: the events, the path of each (parallel lists), the diagnostics and,
    when asked, the parsed documents (else findings are located by parsing again, lazily).
    ``links`` is what :func:`iter_event_files` learnt about symlinks. ``each(event, path,
    document)`` is called for every event loaded, while its parsed document is at hand (lint
    runs its one-event checks there, so their findings are located without parsing again).

    The garbage collector is paused during the bulk load and the loaded events are then
    frozen out of its scans (measured: a 10,000-file lint spent a third of its time in GC).
    """
    events: list[model.Event] = []
    paths: list[Path] = []
    diags: list[Diagnostic] = []
    docs: dict[Path, yamlio.Document] = {}
    resolved_root = root.resolve() if root else None
    with _gc_paused():
        for path in files:
            is_link = links.get(str(path)) if links is not None else None
            event, file_diags, doc = load_event_file(path, resolved_root, is_link=is_link)
            diags.extend(file_diags)
            if doc is not None and keep_documents:
                docs[path] = doc
            if event is not None:
                events.append(event)
                paths.append(path)
                if each is not None and doc is not None:
                    each(event, path, doc)
    return events, paths, diags, docs


class _gc_paused:
    """Pause the garbage collector during a bulk load, then move survivors out of its way."""

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_enabled:
            gc.freeze()  # loaded events live as long as the process: never scan them again
            gc.enable()


def load_event_file(
    path: Path, root: Path | None = None, *, is_link: bool | None = None, raw: bytes | None = None
) -> tuple[model.Event | None, list[Diagnostic], yamlio.Document | None]:
    """Load and validate one event file: (event or None, diagnostics, document or None).

    ``is_link`` says whether the path is a symlink, when the caller knows; ``raw`` is the
    file's content when the caller has read it already (the index hashes what it parses).
    """
    from . import yamlio

    name = str(path)
    if name in UNLISTABLE:
        return None, [Diagnostic(name, 1, 1, "RT001", UNLISTABLE[name])], None
    if root is not None and not root.is_absolute():
        root = root.resolve()
    stray = _stray_file(path, root, is_link)
    if stray is not None:
        return None, [stray], None
    try:
        doc = yamlio.load_path(path) if raw is None else yamlio.load_text(yamlio.decode(raw))
    except yamlio.YamlProblem as p:
        return None, [Diagnostic(name, p.line, p.col, p.code, p.message, hint=p.hint)], None
    if not isinstance(doc.data, dict):
        found = type(doc.data).__name__ if doc.data is not None else "null"
        line, col = doc.locate(())
        diag = Diagnostic(name, line, col, "RT006", f"top level must be a mapping, found {found}")
        return None, [diag], doc
    try:
        return model.Event.model_validate(doc.data), [], doc
    except ValidationError as exc:
        found = [_schema_diagnostic(name, doc, err) for err in exc.errors()]
        return None, list(dict.fromkeys(found)), doc
    except RecursionError:
        return None, [Diagnostic(name, 1, 1, "RT010", "document nests too deeply")], doc


def _stray_file(path: Path, root: Path | None, is_link: bool | None = None) -> Diagnostic | None:
    if (path.is_symlink() if is_link is None else is_link) and root is not None:
        try:
            target = path.resolve(strict=False)
        except (RuntimeError, OSError):
            return Diagnostic(str(path), 1, 1, "RT001", "cannot read file: symlink loop")
        if not target.is_relative_to(root):
            return Diagnostic(
                str(path), 1, 1, "RT013", f"symlink points outside the data directory ({target})"
            )
        if target.is_dir():
            return Diagnostic(
                str(path), 1, 1, "RT001", "symlinked folder: event folders must be real folders"
            )
    if path.suffix != EVENT_SUFFIX and not path.is_dir():
        hint = "rename it to .yaml" if path.suffix == ".yml" else "event files end in .yaml"
        return Diagnostic(str(path), 1, 1, "RT012", f"not an event file ('{path.name}')", hint=hint)
    folder = os.path.abspath(path.parent)  # the caches below must not depend on the cwd
    if root is not None and not _folder_inside(folder, root):
        where = _real_folder(folder)
        return Diagnostic(str(path), 1, 1, "RT013", f"file lies outside the data directory ({where})")
    return None


@functools.lru_cache(maxsize=4096)
def _folder_inside(folder: str, root: Path) -> bool:
    """Whether a folder's real path lies in ``root`` (cached: one answer per folder, not per file)."""
    return _real_folder(folder).is_relative_to(root)


@functools.lru_cache(maxsize=4096)
def _real_folder(folder: str) -> Path:
    """A folder's real path (cached: one lookup per folder, not per file)."""
    try:
        return Path(os.path.realpath(folder))
    except (RuntimeError, OSError):
        return Path(folder)


# ------------------------------------------------------------ pydantic -> located diagnostics

_EVENT_ERRORS = schema_errors.ErrorMap(
    root=model.Event,
    codes={
        "extra_forbidden": "RT101",
        "missing": "RT102",
        "unknown_material": "RT103",
        "unknown_country": "RT104",
        "invalid_date": "RT105",
        "invalid_url": "RT302",
    },
    fallback="RT106",
    nested={
        "sources": model.Source,
        "parts": model.Part,
        "relations": model.Relation,
        "figures": model.Figure,
        "withdrawn": model.Withdrawn,
    },
)


def _schema_diagnostic(path: str, doc: yamlio.Document, err: Any) -> Diagnostic:
    diag = schema_errors.located(path, doc, err, _EVENT_ERRORS)
    loc, kind = schema_errors.error_loc(err), err["type"]
    if loc == ("sources",) and kind == "too_short":
        return replace(diag, code="RT301", message="an event needs at least one source")
    if loc == ("id",) and kind == "string_pattern_mismatch":
        message = f"id '{err.get('input')}' must read YYYY-MM-DD-words-in-lower-case"
        return replace(diag, code="RT107", message=message)
    return diag
