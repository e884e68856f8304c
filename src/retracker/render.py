"""Rich renderings of query results: tables, the event view, the relation tree, JSON."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.table import Table
from rich.text import Text

from . import model, vocab
from .dataset import Dataset
from .grid import Column, Grid, Styled
from .handles import by_handle
from .jsonout import array_chunks, dump_json
from .status import Change, Status, StatusEngine
from .terminal import clean

if TYPE_CHECKING:
    from .cache import Row

Listed = Union[model.Event, "Row"]
"""What a listing shows: an event from the YAML, or its row from the index."""

STATUS_STYLE = {
    "in-force": "bold red",
    "suspended-in-part": "yellow",
    "suspended": "yellow",
    "announced": "cyan",
    "expired": "dim",
    "superseded": "dim",
    "revoked": "dim",
}


def json_array_chunks(items: Iterable[Any], batch: int = 500) -> Iterator[str]:
    """``dump_json(list(items))``, character for character, a batch of items at a time.

    A listing of 20,000 events never holds every parsed event (or the whole text) at once.
    """
    return array_chunks((dump_json(item) for item in items), batch)


def title_of(event: Listed, lang: str = "en") -> str:
    return event.title_zh if lang == "zh" and event.title_zh else event.title


def materials_text(keys: Sequence[str], lang: str = "en") -> str:
    if lang == "zh":
        return "、".join(vocab.material_name(k, "zh") for k in keys)
    return ", ".join(keys)


def countries_text(codes: Sequence[str], lang: str = "en") -> str:
    if lang == "zh":
        return "、".join(vocab.country_name(c, "zh") for c in codes)
    return ", ".join(codes)


def _table(*columns: str, title: str | None = None) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False)
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def _shape(table: Table, title_col: int, *fixed: int) -> Table:
    """Short columns never wrap; the title column takes the spare width."""
    for i in fixed:
        table.columns[i].no_wrap = True
    table.columns[title_col].ratio = 1
    table.columns[title_col].min_width = 24
    return table


def describe(f: Any, *more: str) -> str:
    """What a query asked for, in words: ``material Sb, 2010``."""
    parts = [f"material {', '.join(f.materials)}"] if f.materials else []
    parts += [f"country {', '.join(f.countries)}"] if f.countries else []
    parts += [f"issuer {', '.join(f.issuers)}"] if f.issuers else []
    parts += [f"kind {', '.join(f.kinds)}"] if f.kinds else []
    parts += [_period(f.since, f.until)] if f.since or f.until else []
    parts += [m for m in more if m]
    return ", ".join(parts) or "the whole log"


def _period(since: dt.date | None, until: dt.date | None) -> str:
    """``2010``, ``2025-05``, ``since 2025-01-01``, ``2025-01-01 to 2025-03-31``."""
    if since and until:
        if (since.month, since.day, until.month, until.day) == (1, 1, 12, 31) and since.year == until.year:
            return str(since.year)
        month_end = until.day == calendar.monthrange(until.year, until.month)[1]
        if since.day == 1 and month_end and (since.year, since.month) == (until.year, until.month):
            return f"{since:%Y-%m}"
        return f"{since} to {until}"
    return f"since {since}" if since else f"until {until}"


def handle_of(event: Listed, handles: Mapping[str, str] | None = None) -> str:
    """The short name a listing prints for an event and ``show`` accepts (see retracker.handles)."""
    if handles and event.id in handles:
        return handles[event.id]
    return getattr(event, "instrument_key", None) or event.id


MATERIALS_ROOM = 20
"""A materials cell longer than this collapses ("7 elements", "rare-earths +2")."""

COUNTRIES_ROOM = 10
"""Likewise for a list of target countries ("US +3")."""


def materials_cell(keys: Sequence[str], lang: str = "en") -> str:
    """The materials of one row, whole values only; a long list collapses to a count."""
    text = materials_text(keys, lang)
    if len(keys) <= 1 or cell_len(text) <= MATERIALS_ROOM:
        return text
    kinds = {vocab.MATERIALS[k].type if k in vocab.MATERIALS else "" for k in keys}
    if kinds == {"element"}:
        return f"{len(keys)} 种元素" if lang == "zh" else f"{len(keys)} elements"
    first = materials_text(keys[:1], lang)
    return f"{first} +{len(keys) - 1}"


def countries_cell(codes: Sequence[str], lang: str = "en") -> str:
    text = countries_text(codes, lang)
    if len(codes) <= 1 or cell_len(text) <= COUNTRIES_ROOM:
        return text
    return f"{countries_text(codes[:1], lang)} +{len(codes) - 1}"


def parties_cell(event: Listed, lang: str = "en") -> str:
    """``CN → ALL``: who acted, on whom."""
    issuer = countries_text([event.issuer], lang)
    return f"{issuer} → {countries_cell(event.targets, lang)}" if event.targets else issuer


def _grid(*columns: Column) -> Grid:
    return Grid(list(columns))


def _date(header: str = "Date") -> Column:
    return Column(header, no_wrap=True)


def _handle(header: str = "Handle") -> Column:
    return Column(header, no_wrap=True)


def _wide(header: str, spill: int) -> Column:
    """A column of prose (a title, a reason): takes the spare width, or its own line."""
    return Column(header, ratio=1, min_width=24, spill=spill)


def timeline_table(
    events: Iterable[Listed], lang: str = "en", handles: Mapping[str, str] | None = None
) -> Grid:
    """One row per event: when, its handle, who on whom, what kind, its title and materials."""
    zh = lang == "zh"
    table = _grid(
        _date("日期" if zh else "Date"),
        _handle("简称" if zh else "Handle"),
        Column("发布方 → 对象" if zh else "From → to", hyphens=False),
        Column("类型" if zh else "Kind"),
        _wide("标题" if zh else "Title", spill=1),
        Column("材料" if zh else "Materials", hyphens=False, spill=2),
    )
    for e in events:
        table.add_row(
            e.date.isoformat(),
            Styled(handle_of(e, handles), "cyan"),
            parties_cell(e, lang),
            e.kind,
            title_of(e, lang),
            materials_cell(e.materials, lang),
        )
    return table


def add_column(table: Grid, header: str, cells: Sequence[str], *, spill: int = 0) -> Grid:
    """``table`` with one more column (a dim cell per row); unchanged when every cell is
    empty. ``how a row matched`` and search snippets are added this way."""
    if not any(cells):
        return table
    table.columns.append(Column(header, ratio=1, min_width=16, spill=spill))
    table.rows = [
        (*row, Styled(cell, "dim") if cell else "") for row, cell in zip(table.rows, cells, strict=True)
    ]
    return table


def status_cell(status: Status | None) -> Styled | str:
    if status is None:
        return ""
    mark = " *" if status.projected else ""
    return Styled(status.status + mark, STATUS_STYLE.get(status.status, ""))


def element_view(
    pairs: Sequence[tuple[Listed, Status | None]], lang: str = "en", handles: Mapping[str, str] | None = None
) -> Grid:
    """`show --element`: what touches a material, with each measure's status on the day."""
    table = _grid(
        _date(),
        _handle(),
        Column("Issuer", no_wrap=True),
        Column("Kind"),
        Column("Status"),
        _wide("Title", spill=1),
        _wide("Reason", spill=2),
    )
    for e, st in pairs:
        table.add_row(
            e.date.isoformat(),
            Styled(handle_of(e, handles), "cyan"),
            countries_text([e.issuer], lang),
            e.kind,
            status_cell(st),
            title_of(e, lang),
            Styled(by_handle(st.reason, handles), "dim") if st else "",
        )
    return table


def event_view(
    ds: Dataset,
    event: model.Event,
    engine: StatusEngine,
    on: dt.date,
    lang: str = "en",
    part: str | None = None,
    handles: Mapping[str, str] | None = None,
) -> Group:
    """`show ID`: every field, sources as links, relations both ways, the relation tree.

    ``part`` (from ``show ID#part``) is marked with an arrow and bold. ``handles`` name the
    other events (in the status reason and the tree) by their handles."""
    fields = Grid([Column("", no_wrap=True), Column("", ratio=1)], show_header=False)
    st = engine.status(event.id, on)
    for label, value in _event_rows(event, st, lang, handles):
        if part is not None and label == f"part {part}":
            label, value = f"▶ {label}", Text(value.plain, style="bold")
        fields.add_row(Styled(label, "bold"), value)
    parts: list[RenderableType] = [
        Text(clean(title_of(event, lang), newlines=False), style="bold"),
        Text(event.id, style="dim"),
        fields,
        *_sources(event),
    ]
    tree = relation_tree(ds, event, handles=handles)
    if tree is not None:
        parts.append(tree)
    return Group(*parts)


def _event_rows(
    event: model.Event, st: Status | None, lang: str, handles: Mapping[str, str] | None = None
) -> list[tuple[str, RenderableType]]:
    rows: list[tuple[str, RenderableType]] = []
    if st is not None:
        reason = by_handle(st.reason, handles)
        line = Text.assemble((st.status, STATUS_STYLE.get(st.status, "")), f" on {st.on}: {reason}")
        rows.append(("status", line))
    plain = {
        "title_zh": event.title_zh,
        "date": event.date.isoformat(),
        "kind": event.kind,
        "issuer": countries_text([event.issuer], lang),
        "authority": event.authority,
        "instrument": event.instrument,
        "instrument_key": event.instrument_key,
        "materials": materials_text(event.materials, lang),
        "parties": countries_text(event.parties, lang) if event.parties else None,
        "targets": countries_text(event.targets, lang),
        "effective": event.effective.isoformat() if event.effective else None,
        "ends": event.ends.isoformat() if event.ends else None,
        "verification": event.verification,
        "tags": ", ".join(event.tags),
    }
    rows += [(k, Text(clean(v, newlines=False))) for k, v in plain.items() if v]
    for p in event.parts:
        rows.append((f"part {p.id}", Text(f"effective {p.effective}" + (f": {p.note}" if p.note else ""))))
    for f in event.figures:
        note = f" ({f.note})" if f.note else ""
        period = f" [{f.period}]" if f.period else ""
        rows.append(("figure", Text(f"{f.metric}: {f.value:,} {f.unit}{period}{note}")))
    if event.withdrawn:
        rows.append(("WITHDRAWN", Text(f"{event.withdrawn.date}: {event.withdrawn.reason}", style="bold")))
    rows.append(("summary", Text(event.summary)))
    return rows


def _sources(event: model.Event) -> list[RenderableType]:
    """Each source: who and what, its kind, date and language; its URL whole on a line of its
    own (never wrapped, a terminal hyperlink where the terminal supports them); the quote."""
    out: list[RenderableType] = [Text("Sources", style="bold")]
    for s in event.sources:
        about = Grid([Column("", ratio=1)], show_header=False)
        label = f"{s.publisher}: {s.title}" if s.title else s.publisher
        facts = ", ".join(
            x for x in (s.kind + (" (primary)" if s.primary else ""), str(s.date or ""), s.lang) if x
        )
        about.add_row(f"{label} ({facts})")
        if s.quote:
            about.add_row(Styled(f"“{s.quote}”", "italic"))
        url = clean(s.url, newlines=False)
        out += [about, Text(url, style=f"link {url}", no_wrap=True, overflow="ignore")]
    return out


FOLLOWED = ("suspends", "revokes", "supersedes", "extends", "amends", "responds-to")
"""Relations the tree follows transitively; `related` links are shown but not expanded."""


TREE_DEPTH = 4
"""How many relation steps the tree of `show ID` follows, out and in."""


def relation_tree(
    ds: Dataset, event: model.Event, depth: int = TREE_DEPTH, handles: Mapping[str, str] | None = None
) -> RelationTree | None:
    """What the event acts on, and what acts on it, transitively (each event expanded once).

    Each node names an event by its handle (``handles``: see retracker.handles; the full id
    when it has none), which is never broken across lines."""
    out_links = [(r.type, r.target, ds.by_id.get(r.target_id)) for r in event.relations]
    in_links = [(r, e) for r, e in ds.acted_on_by(event.id)]
    if not out_links and not in_links:
        return None
    tree = RelationTree(Node("", "Relations"), handles or {})
    seen = {event.id}
    for kind, target, other in out_links:
        branch = tree.root.add(Node(f"{kind} →", target, other))
        if other is not None and kind in FOLLOWED:
            _grow(ds, branch, other, depth - 1, seen, outward=True)
    for rel, actor in in_links:
        part = f" (part {rel.target_part})" if rel.target_part else ""
        branch = tree.root.add(Node(f"{model.inverse_relation(rel.type)}{part} ←", actor.id, actor))
        if rel.type in FOLLOWED:
            _grow(ds, branch, actor, depth - 1, seen, outward=False)
    return tree


def _grow(ds: Dataset, node: Node, event: model.Event, depth: int, seen: set[str], outward: bool) -> None:
    if depth <= 0 or event.id in seen:
        return
    seen.add(event.id)
    if outward:
        for r in event.relations:
            if r.type in FOLLOWED:
                other = ds.by_id.get(r.target_id)
                child = node.add(Node(f"{r.type} →", r.target, other))
                if other is not None:
                    _grow(ds, child, other, depth - 1, seen, outward)
    else:
        for rel, actor in ds.acted_on_by(event.id):
            if rel.type in FOLLOWED:
                child = node.add(Node(f"{model.inverse_relation(rel.type)} ←", actor.id, actor))
                _grow(ds, child, actor, depth - 1, seen, outward)


@dataclass
class Node:
    """One line of the relation tree: how it relates (``suspended by ←``), the event it
    names (a relation's target: an id, maybe ``ID#part``), the event when the log has it."""

    how: str
    target: str
    event: model.Event | None = None
    children: list[Node] = field(default_factory=list)

    def add(self, child: Node) -> Node:
        self.children.append(child)
        return child


GUIDES = ("├── ", "└── ", "│   ", "    ")
"""A child's first line (not last, last), then its further lines (not last, last)."""


@dataclass
class RelationTree:
    """The relation tree of ``show ID``, laid out here: each node is ``how HANDLE  title``,
    wrapped at spaces under its guide; a handle is never broken (a handle too wide for the
    line after ``how`` starts a line of its own, and one wider than that is printed whole)."""

    root: Node
    handles: Mapping[str, str]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        yield Text(self.root.target, style="bold")
        yield from self._children(self.root, "", options.max_width)

    def _children(self, node: Node, indent: str, width: int) -> Iterator[Text]:
        for i, child in enumerate(node.children):
            last = i == len(node.children) - 1
            first, more = (GUIDES[1], GUIDES[3]) if last else (GUIDES[0], GUIDES[2])
            for n, line in enumerate(self._label(child, width - cell_len(indent + first))):
                yield _unwrapped(Text(indent + (more if n else first)) + line)
            yield from self._children(child, indent + more, width)

    def name(self, node: Node) -> str:
        event_id, hash_, part = node.target.partition("#")
        return clean(self.handles.get(event_id, event_id) + hash_ + part, newlines=False)

    def _label(self, node: Node, width: int) -> list[Text]:
        words: list[tuple[str, str, bool]] = [(w, "dim", False) for w in node.how.split()]
        words.append((self.name(node), "bold" if node.event else "red", True))
        if node.event is not None:
            title = clean(node.event.title, newlines=False).split()
            words += [(w, "", False) for w in title]
        return _fill(words, max(width, 1), gap_after=len(node.how.split()))


def _fill(words: Sequence[tuple[str, str, bool]], width: int, gap_after: int) -> list[Text]:
    """Greedy word wrap of ``(word, style, whole)``: a ``whole`` word (a handle) is never
    broken; a longer plain word is cut as the tables cut it. Two spaces follow word
    ``gap_after`` (between the handle and the title)."""
    from .grid import _wrap

    lines: list[Text] = [Text()]
    for i, (word, style, whole) in enumerate(words):
        sep = "  " if i == gap_after + 1 else " "
        line = lines[-1]
        if line.cell_len and line.cell_len + len(sep) + cell_len(word) <= width:
            line.append(sep)
            line.append(word, style=style)
            continue
        pieces = [word] if whole or cell_len(word) <= width else _wrap(word, width)
        for piece in pieces:
            if lines[-1].cell_len:
                lines.append(Text())
            lines[-1].append(piece, style=style)
    return lines


def _unwrapped(line: Text) -> Text:
    line.no_wrap = True
    line.overflow = "ignore"
    return line


def status_table(
    pairs: Sequence[tuple[Listed, Status]], lang: str = "en", handles: Mapping[str, str] | None = None
) -> Grid:
    table = _grid(
        Column("Status"),
        _handle(),
        _date("Since"),
        _date("Until"),
        _wide("Measure", spill=1),
        _wide("Reason", spill=2),
    )
    for event, s in pairs:
        table.add_row(
            status_cell(s),
            Styled(handle_of(event, handles), "cyan"),
            s.since.isoformat(),
            s.until.isoformat() if s.until else "",
            title_of(event, lang),
            Styled(by_handle(s.reason, handles), "dim"),
        )
    return table


def upcoming_table(
    pairs: Sequence[tuple[Listed, Change]], lang: str = "en", handles: Mapping[str, str] | None = None
) -> Grid:
    table = _grid(
        _date(),
        _handle(),
        Column("Change"),
        Column("From → to"),
        _wide("Measure", spill=1),
    )
    for event, c in pairs:
        table.add_row(
            c.date.isoformat(),
            Styled(handle_of(event, handles), "cyan"),
            by_handle(c.change, handles),
            f"{c.before or '—'} → {c.after}" + (" *" if c.projected else ""),
            title_of(event, lang),
        )
    return table


def materials_table(lang: str = "en") -> Group:
    """Every material term, then what each term also finds beyond itself (widening)."""
    from .query import also_finds

    table = _table("Key", "Name", "中文", "Type", "Members / aliases")
    widened = _table("Term", "Also finds (shown 'via ...'; not with --exact)")
    for m in vocab.MATERIALS.values():
        extra = ", ".join(m.members) if m.members else ", ".join(m.aliases)
        table.add_row(m.key, m.name, m.name_zh, m.type, extra)
        also = also_finds(m.key)
        if also:
            widened.add_row(m.key, ", ".join(also))
    return Group(table, widened)


def countries_table(lang: str = "en") -> Table:
    table = _table("Code", "Name", "中文")
    for code in vocab.country_codes():
        table.add_row(code, vocab.country_name(code), vocab.country_name(code, "zh"))
    return table


def make_console(stderr: bool = False, record: bool = False, **options: Any) -> Console:
    """Data is printed as given: no markup or emoji parsing of titles and summaries.

    A width of nothing (``COLUMNS=0``, which rich takes at its word and then prints no line
    at all) reads as the default width."""
    console = _Console(
        stderr=stderr, highlight=False, soft_wrap=False, record=record, markup=False, emoji=False, **options
    )
    if console.width < 1:
        console.width = DEFAULT_WIDTH
    return console


class _Console(Console):
    """A reader that leaves early (``| head``, ``| grep -q``) is the same answer whichever
    writer meets it: rich's own handler exits 1 (``SystemExit(1)``), so a closed pipe met by a
    table said "failed" where one met by a streamed listing or the final flush said 0. The
    error goes on to the one handler of closed pipes (cli/app.py, ``_streams.write_failed``)."""

    def on_broken_pipe(self) -> None:
        import errno

        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "the reader closed the pipe")


DEFAULT_WIDTH = 80
"""The width of output when the terminal's (or ``COLUMNS``) says nothing usable."""


def diff_table(result) -> Table:
    table = _shape(_table("Change", "Event", "Fields"), 1, 0)
    for event_id in result.added:
        table.add_row("added", event_id, "")
    for event_id in result.removed:
        table.add_row("removed", event_id, "")
    for change in result.changed:
        table.add_row("changed", change.id, ", ".join(change.fields))
    for event_id in getattr(result, "unreadable", []):
        table.add_row("unreadable", event_id, "(file cannot be read; run retracker lint)")
    if not table.row_count:
        table.add_row("(none)", "", "")
    return table
