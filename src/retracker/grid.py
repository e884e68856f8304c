"""Tables that scale and never lose a character: one layout for the screen and for a stream.

A :class:`Grid` describes a table once (columns and rows of text). Its layout is computed
here, not by rich: column widths from the cells, then each cell wrapped at word boundaries
(a space, or after a hyphen or slash before a letter) so that a material, a country, a date
or an id is never cut inside a word, and no character is ever dropped at a break. Printed
through rich (:meth:`Grid.__rich_console__`) the lines carry colour; beyond
:data:`STREAM_ROWS` rows :meth:`Grid.stream` writes the same lines as plain text, line by
line, in a fraction of the time and memory. Every cell passes :func:`retracker.terminal.clean`
first: data text never reaches the terminal as a control sequence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Union

from rich.cells import cell_len

from .terminal import clean

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.text import Text

STREAM_ROWS = 250
"""Tables with more rows than this are streamed as plain text rather than printed through rich."""

GAP = "  "
"""Between two columns."""

BREAK_AFTER = "-/"
"""A line may break after these when a letter follows (``rare-`` / ``earth``), never in ``2025-10``."""


class Styled(NamedTuple):
    """Text whose tail, from ``start``, has a rich style (colour on the terminal only)."""

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
    hyphens: bool = True
    """May a line break after a hyphen or slash (``technology-`` / ``control``)? Off for
    columns of vocabulary values, which break only between values."""
    spill: int = 0
    """When the row does not fit the width, spilling columns (lowest number first) move
    onto their own lines under the row, indented by the first column; 0 never spills."""


@dataclass
class Layout:
    widths: list[int]
    """Each column's width (a spilled column: the width of its own lines)."""
    spilled: list[int]
    """Columns printed on their own lines under the row, in this order."""
    indent: int
    """Where spilled lines start."""


@dataclass
class Grid:
    """Columns and rows of a table; prints through rich, or streams when it is long."""

    columns: list[Column]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    show_header: bool = True

    def add_row(self, *cells: Cell) -> None:
        self.rows.append(cells)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        from rich.text import Text

        rows = [tuple(_rich(c) for c in row) for row in self.rows]
        layout = self.layout([tuple(t.plain for t in row) for row in rows], options.max_width)
        for line in self._header(layout) if self.show_header else ():
            yield _line(Text(line, style="bold") if set(line) != {"─"} else Text(line))
        for row in rows:
            wrapped = [self._wrap_text(text, i, layout) for i, text in enumerate(row)]
            for parts in self._row_lines(wrapped, layout, Text):
                line = Text()
                for part in parts:
                    if isinstance(part, str):
                        line.append(part)
                    else:
                        line.append_text(part)
                yield _line(line)

    def stream(self, write: Callable[[str], object], width: int) -> None:
        """Write the table as plain lines, wrapped to fit ``width`` columns of the terminal."""
        rows = [tuple(_plain(c) for c in row) for row in self.rows]
        layout = self.layout(rows, width)
        if self.show_header:
            write("".join(line.rstrip() + "\n" for line in self._header(layout)))
        out: list[str] = []
        for row in rows:
            wrapped = [_wrap(text, layout.widths[i], self.columns[i].hyphens) for i, text in enumerate(row)]
            out.extend("".join(parts).rstrip() for parts in self._row_lines(wrapped, layout, str))
            if len(out) >= 2000:
                write("\n".join(out) + "\n")
                out.clear()
        if out:
            write("\n".join(out) + "\n")

    def _wrap_text(self, text: Text, i: int, layout: Layout) -> list[Text]:
        return _wrap_text(text, layout.widths[i], self.columns[i].hyphens)

    def _header(self, layout: Layout) -> list[str]:
        shown = [i for i in range(len(self.columns)) if i not in layout.spilled]
        cells = [_pad(self.columns[i].header, layout.widths[i]) for i in shown]
        lines = [GAP.join(cells)]
        if layout.spilled:
            lines.append(" " * layout.indent + " · ".join(self.columns[i].header for i in layout.spilled))
        width = sum(layout.widths[i] for i in shown) + len(GAP) * (len(shown) - 1)
        if layout.spilled:
            width = max(width, layout.indent + max(layout.widths[i] for i in layout.spilled))
        return [*lines, "─" * width]

    def _row_lines(self, wrapped: list[list], layout: Layout, kind: type) -> Iterator[list]:
        """The parts of each printed line of one row: the row's columns side by side, padded,
        then each spilled column's lines under it."""
        shown = [i for i in range(len(self.columns)) if i not in layout.spilled]
        height = max(len(wrapped[i]) for i in shown)
        for n in range(height):
            parts: list = []
            for k, i in enumerate(shown):
                if k:
                    parts.append(GAP)
                lines = wrapped[i]
                if n < len(lines):
                    parts.append(lines[n])
                    parts.append(" " * (layout.widths[i] - _width(lines[n])))
                else:
                    parts.append(" " * layout.widths[i])
            yield parts
        indent = " " * layout.indent
        for i in layout.spilled:
            for line in wrapped[i]:
                if _width(line):
                    yield [indent, line]

    def widths(self, rows: Sequence[tuple[str, ...]], width: int) -> list[int]:
        """Each column's width (see :meth:`layout`)."""
        return self.layout(rows, width).widths

    def layout(self, rows: Sequence[tuple[str, ...]], width: int) -> Layout:
        """Column widths for ``width`` cells; columns that do not fit beside the others spill."""
        natural = [_longest([c.header, *(row[i] for row in rows)]) for i, c in enumerate(self.columns)]
        words = [
            0 if c.no_wrap else _longest_word((row[i] for row in rows), c.hyphens)
            for i, c in enumerate(self.columns)
        ]
        order = sorted((c.spill, i) for i, c in enumerate(self.columns) if c.spill and i)
        spilled: list[int] = []
        while True:
            out = self._widths(natural, words, width, spilled)
            if self._fits(out, width, spilled, words) or len(spilled) == len(order):
                break
            spilled.append(order[len(spilled)][1])
        indent = out[0] + len(GAP)
        for i in spilled:
            out[i] = max(1, width - indent)
        return Layout(out, spilled, indent)

    def _fits(self, out: list[int], width: int, spilled: list[int], words: list[int]) -> bool:
        """Do the shown columns fit, each at least as wide as its longest word (and a
        spilling column as its ``min_width``)?"""
        shown = [i for i in range(len(out)) if i not in spilled]
        total = sum(out[i] for i in shown) + len(GAP) * (len(shown) - 1)
        for i in shown:
            c = self.columns[i]
            need = min(words[i], c.max_width or words[i])
            if c.spill:
                need = max(need, c.min_width or 0)
            if out[i] < need:
                return False
        return total <= width

    def _widths(self, natural: list[int], words: list[int], width: int, spilled: list[int]) -> list[int]:
        out = [
            max(min(n, c.max_width), w) if c.max_width else n
            for n, w, c in zip(natural, words, self.columns, strict=True)
        ]
        shown = [i for i in range(len(out)) if i not in spilled]
        shared = [i for i in shown if self.columns[i].ratio]
        room = width - len(GAP) * (len(shown) - 1) - sum(out[i] for i in shown if i not in shared)
        floor = {i: max(self.columns[i].min_width or 0, cell_len(self.columns[i].header), 1) for i in shared}
        extra = room - sum(floor.values())
        ratios = sum(self.columns[i].ratio or 0 for i in shared)
        for i in sorted(shared, key=lambda i: out[i] - floor[i]):
            ratio = self.columns[i].ratio or 0
            grant = max(0, min(out[i] - floor[i], extra * ratio // ratios if ratios else extra))
            out[i] = floor[i] + grant
            extra -= grant
            ratios -= ratio
        for i in shared:  # a ratio column's spare room first goes to its longest word
            out[i] = max(out[i], min(words[i], natural[i]))
        return self._squeeze(out, width, words, shown)

    def _squeeze(self, out: list[int], width: int, words: Sequence[int], shown: list[int]) -> list[int]:
        """Narrow the wrapping columns, widest first, until the table fits (if it can):
        first down to each column's longest word, then (only if it must) below it."""
        over = len(GAP) * (len(shown) - 1) + sum(out[i] for i in shown) - width
        movable = [i for i in shown if not self.columns[i].no_wrap]
        for whole_words in (True, False):
            for i in sorted(movable, key=lambda i: -out[i]):
                if over <= 0:
                    return out
                floor = max(cell_len(self.columns[i].header), self.columns[i].min_width or 0, 8)
                if whole_words:
                    floor = max(floor, words[i])
                cut = min(over, out[i] - floor)
                if cut > 0:
                    out[i] -= cut
                    over -= cut
        return out


def _line(text: Text) -> Text:
    text.rstrip()
    text.overflow = "fold"
    return text


def _width(line: str | Text) -> int:
    return _cells(line) if isinstance(line, str) else line.cell_len


def _rich(cell: Cell) -> Text:
    from rich.text import Text

    if isinstance(cell, str):
        return Text(clean(cell))
    text = cell.rich() if isinstance(cell, Styled) else cell.copy()
    cleaned = clean(text.plain)
    if cleaned != text.plain:
        return Text(cleaned, style=text.style)  # rare: spans would no longer line up
    return text


def _plain(cell: Cell) -> str:
    if isinstance(cell, str):
        return clean(cell)
    return clean(cell.text if isinstance(cell, Styled) else cell.plain)


def _longest(texts: Sequence[str]) -> int:
    return max((_cells(line) for text in texts for line in text.split("\n")), default=0)


_WORD_BREAK = re.compile(r"[ \n]+|(?<=[-/])(?=[^\W\d_])")
_SPACES = re.compile(r"[ \n]+")


def _longest_word(texts: Iterable[str], hyphens: bool = True) -> int:
    """The widest run of a column that :func:`spans` will not break (a word, ``rare-``)."""
    split = (_WORD_BREAK if hyphens else _SPACES).split
    best = 0
    for text in texts:
        if _cells(text) <= best:
            continue
        best = max(best, *(_cells(w) for w in split(text)))
    return best


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _pad(line: str, width: int) -> str:
    """One line padded with spaces to ``width`` cells (CJK characters count two)."""
    return line.ljust(width) if line.isascii() else line + " " * (width - cell_len(line))


def _wrap_text(text: Text, width: int, hyphens: bool = True) -> list[Text]:
    """A rich Text cut into the lines :func:`_wrap` gives its plain text, styles kept.

    One ``divide`` for the whole text: slicing a rich Text once per line copies the whole
    text each time, and a 900 kB title took 12 s to lay out (quadratic)."""
    ranges: list[tuple[int, int]] = []
    offset = 0
    for para in text.plain.split("\n"):
        ranges.extend((offset + start, offset + end) for start, end in spans(para, width, hyphens))
        offset += len(para) + 1
    bounds = sorted({b for r in ranges for b in r} - {0, len(text.plain)})
    pieces = text.divide(bounds)
    starts = {b: i for i, b in enumerate([0, *bounds])}
    return [pieces[starts[start]] if start < end else text[start:start] for start, end in ranges]


def _wrap(text: str, width: int, hyphens: bool = True) -> list[str]:
    """Word-wrap to ``width`` cells; a word longer than the width is folded, as rich does."""
    return [para[start:end] for para in text.split("\n") for start, end in spans(para, width, hyphens)]


def spans(para: str, width: int, hyphens: bool = True) -> list[tuple[int, int]]:
    """Where the lines of one paragraph start and end when it is wrapped to ``width`` cells.

    A line ends at the last space that fits (the spaces at a break are dropped, nothing
    else), else after the last hyphen or slash that is followed by a letter, else (a word
    wider than the column) at the width. Every other character is in exactly one line.
    ``hyphens=False`` (a column of values) changes only how wide the column is made: wide
    enough for its longest value, so that hyphens are a last resort.
    """
    n = len(para)
    ascii_ = para.isascii()
    if (n if ascii_ else cell_len(para)) <= width:
        return [(0, n)]
    out: list[tuple[int, int]] = []
    start = 0
    while start < n:
        if (n - start if ascii_ else cell_len(para[start:])) <= width:
            out.append((start, n))
            break
        cut = start + width if ascii_ else _cut(para, start, width)
        end = _break(para, start, cut, hyphens)
        stop = end
        while stop > start and para[stop - 1] == " ":
            stop -= 1
        out.append((start, stop))
        start = end
        while start < n and para[start] == " ":
            start += 1
    return out or [(0, 0)]


def _cut(para: str, start: int, width: int) -> int:
    """The furthest end such that ``para[start:end]`` fits in ``width`` cells (at least one character)."""
    used = 0
    for i in range(start, len(para)):
        used += cell_len(para[i])
        if used > width:
            return max(i, start + 1)
    return len(para)


def _break(para: str, start: int, cut: int, hyphens: bool = True) -> int:
    """Where the line from ``start`` ends, given that ``para[start:cut]`` is what fits."""
    if cut >= len(para) or para[cut] == " ":
        return cut
    space = para.rfind(" ", start + 1, cut)
    if space > start:
        return space
    for h in range(cut - 1, start + 1, -1):  # a hyphen that opens a word ("-aaa") is not a break
        if para[h - 1] in BREAK_AFTER and para[h].isalpha() and para[h - 2] != " ":
            return h
    return cut
