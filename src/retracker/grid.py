"""Tables that scale: a rich Table for a screenful, a streamed plain layout for thousands of rows.

rich lays out a whole table before it prints the first line: it measures every cell, wraps it
into segments and keeps the lot in memory, about a millisecond a row on the project's machine
(20 s for the 20,000 rows of ``show --element Sb`` on a 100,000-event log). A :class:`Grid`
describes a table once (columns and rows of text); up to :data:`STREAM_ROWS` rows it prints
through rich, beyond that :meth:`Grid.stream` writes the same layout (the same columns, edges
and word wrapping, without colour) line by line, in a fraction of the time and memory.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Union

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

STREAM_ROWS = 250
"""Tables with more rows than this are streamed as plain text rather than laid out by rich."""

GAP = "   "
"""Between two columns: rich's padding of one space on each side of a blank divider."""


class Styled(NamedTuple):
    """Text whose tail, from ``start``, has a rich style (colour in the rich table only)."""

    text: str
    style: str
    start: int = 0

    def rich(self) -> Text:
        from rich.text import Span, Text

        return Text(self.text, spans=[Span(self.start, len(self.text), self.style)] if self.style else [])


Cell = Union[str, Styled, "Text"]


@dataclass
class Column:
    header: str
    no_wrap: bool = False
    ratio: int | None = None
    min_width: int | None = None
    max_width: int | None = None


@dataclass
class Grid:
    """Columns and rows of a table; prints through rich, or streams when it is long."""

    columns: list[Column]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)

    def add_row(self, *cells: Cell) -> None:
        self.rows.append(cells)

    def __rich__(self) -> Table:
        return self.table()

    def table(self) -> Table:
        from rich import box
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for c in self.columns:
            table.add_column(
                c.header,
                overflow="fold",
                no_wrap=c.no_wrap,
                ratio=c.ratio,
                min_width=c.min_width,
                max_width=c.max_width,
            )
        for row in self.rows:
            table.add_row(*(c.rich() if isinstance(c, Styled) else c for c in row))
        return table

    def stream(self, write: Callable[[str], object], width: int) -> None:
        """Write the table as plain lines, wrapped to fit ``width`` columns of the terminal."""
        rows = [tuple(_plain(c) for c in row) for row in self.rows]
        widths = self.widths(rows, width)
        header = GAP.join(_pad(c.header, w) for c, w in zip(self.columns, widths, strict=True))
        write(f"\n {header}".rstrip() + "\n")
        write(" " + "─" * (sum(widths) + len(GAP) * (len(widths) - 1)) + "\n")
        blanks = [" " * w for w in widths]
        out: list[str] = []
        for row in rows:
            columns = [_column(text, w, blank) for text, w, blank in zip(row, widths, blanks, strict=True)]
            height = max(len(lines) for lines in columns)
            for lines, blank in zip(columns, blanks, strict=True):
                lines += [blank] * (height - len(lines))
            out.extend((" " + GAP.join(parts)).rstrip() for parts in zip(*columns, strict=True))
            if len(out) >= 2000:
                write("\n".join(out) + "\n")
                out.clear()
        if out:
            write("\n".join(out) + "\n")

    def widths(self, rows: Sequence[tuple[str, ...]], width: int) -> list[int]:
        """Each column's width: short columns as wide as their longest cell, the rest share."""
        natural = [_longest([c.header, *(row[i] for row in rows)]) for i, c in enumerate(self.columns)]
        out = [min(n, c.max_width) if c.max_width else n for n, c in zip(natural, self.columns, strict=True)]
        shared = [i for i, c in enumerate(self.columns) if c.ratio]
        room = width - 2 - len(GAP) * (len(out) - 1) - sum(w for i, w in enumerate(out) if i not in shared)
        floor = {i: max(self.columns[i].min_width or 0, cell_len(self.columns[i].header), 1) for i in shared}
        extra = room - sum(floor.values())
        ratios = sum(self.columns[i].ratio or 0 for i in shared)
        for i in sorted(shared, key=lambda i: out[i] - floor[i]):
            ratio = self.columns[i].ratio or 0
            grant = max(0, min(out[i] - floor[i], extra * ratio // ratios if ratios else extra))
            out[i] = floor[i] + grant
            extra -= grant
            ratios -= ratio
        return self._squeeze(out, width)

    def _squeeze(self, out: list[int], width: int) -> list[int]:
        """Narrow the other wrapping columns, widest first, until the table fits (if it can)."""
        over = 2 + len(GAP) * (len(out) - 1) + sum(out) - width
        movable = [i for i, c in enumerate(self.columns) if not c.no_wrap and not c.ratio]
        for i in sorted(movable, key=lambda i: -out[i]):
            if over <= 0:
                break
            cut = min(over, out[i] - max(cell_len(self.columns[i].header), 8))
            if cut > 0:
                out[i] -= cut
                over -= cut
        return out


def _plain(cell: Cell) -> str:
    if isinstance(cell, str):
        return cell
    return cell.text if isinstance(cell, Styled) else cell.plain


def _longest(texts: Sequence[str]) -> int:
    return max((_cells(line) for text in texts for line in text.split("\n")), default=0)


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _column(text: str, width: int, blank: str) -> list[str]:
    """A cell wrapped to its column and padded to the column's width, line by line."""
    if not text:
        return [blank]
    if len(text) <= width and text.isascii() and "\n" not in text:
        return [text.ljust(width)]  # most cells: one short line
    return [_pad(line, width) for line in _wrap(text, width)]


def _pad(line: str, width: int) -> str:
    """One line padded with spaces to ``width`` cells (CJK characters count two)."""
    return line.ljust(width) if line.isascii() else line + " " * (width - cell_len(line))


def _wrap(text: str, width: int) -> list[str]:
    """Word-wrap to ``width`` cells; a word longer than the width is folded, as rich does."""
    lines: list[str] = []
    for para in text.split("\n"):
        if _cells(para) <= width:
            lines.append(para)
            continue
        if para.isascii():
            lines.extend(_wrap_ascii(para, width))
            continue
        current = ""
        for word in para.split(" "):
            candidate = f"{current} {word}" if current else word
            if _cells(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            pieces = _fold(word, width)
            lines.extend(pieces[:-1])
            current = pieces[-1]
        lines.append(current)
    return lines


def _wrap_ascii(para: str, width: int) -> list[str]:
    """The same greedy wrap where one character is one cell, done by the regex engine."""
    return [m.group(1) or m.group(2) for m in _wrapper(width).finditer(para)]


@functools.lru_cache(maxsize=64)
def _wrapper(width: int) -> re.Pattern[str]:
    """Up to ``width`` characters ending at a space or the end; else ``width`` of a long word."""
    return re.compile(rf"(.{{1,{width}}})(?: |$)|(\S{{{width}}})")


def _fold(word: str, width: int) -> list[str]:
    """Cut a word into pieces of at most ``width`` cells (CJK characters count two)."""
    if word.isascii():
        return [word[i : i + width] for i in range(0, len(word), width)] or [""]
    pieces, current = [], ""
    for ch in word:
        if current and cell_len(current + ch) > width:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current]
