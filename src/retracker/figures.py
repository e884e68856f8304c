"""The `figures` command's library: list the trade series, line a series up with the measures
that touch its materials, and draw it (terminal, SVG) or give its rows (JSON, CSV).

The terminal chart is drawn with rich alone: one column per month, its height the month's
value, a character for how the value is known (█ stated, ▒ derived, ▓ disputed); under the
month axis, a letter marks each month in which a measure on the series' materials changed
status, and a legend names each change ("MOFCOM-GACC 18/2025 in force"). The SVG is a plain
template on the same :class:`Plot`.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Group
from rich.text import Text

from . import model, query
from . import series as ser
from .terminal import clean

KINDS = {
    "stated": ("█", "cyan", "#2e86c1"),
    "derived": ("▒", "blue", "#aed6f1"),
    "disputed": ("▓", "yellow", "#f5b041"),
}
"""How a point is known: its character on the terminal, its rich style, its colour on the page."""

MARK_STYLE = "magenta"
MARK_COLOUR = "#8e44ad"

WHAT = {
    "announced": ("announced", "公布"),
    "in-force": ("in force", "生效"),
    "back-in-force": ("back in force", "恢复实施"),
    "suspended": ("suspended", "暂停实施"),
    "suspended-in-part": ("suspended in part", "部分暂停"),
    "expired": ("expired", "到期"),
    "superseded": ("superseded", "被取代"),
    "revoked": ("revoked", "撤销"),
    "amended": ("amended", "修订"),
}
"""The short words a mark uses for a status change, in English and Chinese."""

MONTHS_EN = "JFMAMJJASOND"
HEIGHT = 10
"""Rows of the terminal chart's plot area."""


def kind_of(point: ser.Point) -> str:
    """``stated``, ``derived`` or ``disputed``: how the point's value is known."""
    if point.disputed:
        return "disputed"
    return "derived" if point.derived is not None else "stated"


def fmt(value: float) -> str:
    """``2,626`` or ``1,237.5``: a value as the tables print it."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


# ------------------------------------------------------------------ listing


def matching(found: Iterable[ser.Series], f: query.Filters) -> list[ser.Series]:
    """The series matching ``-e``/``-c`` as other commands read them: a material filter
    matches a series' materials (widened to groups and derived materials unless exact), a
    country filter its reporter or partner (widened to the groups a country belongs to)."""
    out = []
    for s in found:
        if f.materials:
            reach = query.material_reach(tuple(f.materials), f.exact)
            if not any(m in reach for m in s.materials):
                continue
        if f.countries:
            reach = query.country_reach(tuple(f.countries), f.exact)
            if not any(c in reach for c in (s.reporter, s.partner)):
                continue
        out.append(s)
    return sorted(out, key=lambda s: s.id)


def listing_table(found: Sequence[ser.Series], lang: str = "en") -> Any:
    """``figures``: one row per series (id, title, unit, span, points, latest value)."""
    from .grid import Column, Grid, Styled

    zh = lang == "zh"
    table = Grid(
        [
            Column("编号" if zh else "Series", no_wrap=True),
            Column("标题" if zh else "Title", ratio=1, min_width=28, spill=1),
            Column("单位" if zh else "Unit", no_wrap=True),
            Column("时段" if zh else "Span", hyphens=False),
            Column("点数" if zh else "Points", no_wrap=True),
            Column("最新" if zh else "Latest", hyphens=False),
        ]
    )
    for s in found:
        latest = s.latest
        table.add_row(
            Styled(s.id, "cyan"),
            s.title_in(lang),
            s.unit,
            s.span,
            str(len(s.points)),
            fmt(latest.value),
        )
    return table


def summary_json(s: ser.Series) -> dict[str, Any]:
    """One row of ``figures --json``."""
    latest = s.latest
    return {
        "id": s.id,
        "title": s.title,
        "title_zh": s.title_zh,
        "unit": s.unit,
        "materials": list(s.materials),
        "flow": s.flow,
        "reporter": s.reporter,
        "partner": s.partner,
        "first": s.first,
        "last": s.last,
        "points": len(s.points),
        "latest": {"period": latest.period, "value": latest.value, "kind": kind_of(latest)},
    }


# ------------------------------------------------------------------ marks


@dataclass(frozen=True)
class Mark:
    """A status change of a measure touching the series' materials (or, with ``standing``,
    the status a measure already had when the window opens)."""

    date: dt.date
    event_id: str
    label: str
    what: str
    standing: bool = False
    projected: bool = False

    def text(self, lang: str = "en") -> str:
        words = WHAT.get(self.what, (self.what, self.what))[1 if lang == "zh" else 0]
        if self.standing:
            since = f"自 {self.date} 起" if lang == "zh" else f"since {self.date}"
            return f"{self.label} {words} ({since})"
        return f"{self.label} {words}"

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "id": self.event_id,
            "label": self.label,
            "change": self.what,
            "standing": self.standing,
            "projected": self.projected,
        }


def measures_for(ds: Any, s: ser.Series) -> list[model.Event]:
    """The live measures whose materials match the series' (as ``-e`` would find them)."""
    f = query.Filters(materials=list(s.materials))
    return [e for e in query.filter_events(ds.events, f) if e.is_measure]


def marks(ds: Any, s: ser.Series, start: dt.date, end: dt.date, *, lang: str = "en") -> list[Mark]:
    """Standing statuses on ``start`` and every status change in ``[start, end]`` of the
    measures touching the series' materials, in date order."""
    from .chart import instrument_label
    from .status import StatusEngine, project_change

    engine = StatusEngine(ds)
    coverage = getattr(ds, "coverage", None)
    out = []
    for event in measures_for(ds, s):
        label = _label(event, instrument_label(event), lang)
        before = engine.status(event.id, start - dt.timedelta(days=1)) if start > dt.date.min else None
        if before is not None and before.status not in ("expired", "superseded", "revoked"):
            out.append(Mark(before.since, event.id, label, before.status, standing=True))
        for change in engine.changes_of(event):
            if start <= change.date <= end:
                change = project_change(change, coverage)
                out.append(Mark(change.date, event.id, label, _what(change), projected=change.projected))
    return sorted(out, key=lambda m: (not m.standing, m.date, m.label))


def _label(event: model.Event, label: str, lang: str) -> str:
    if lang == "zh" and not event.instrument_key and event.title_zh:
        label = event.title_zh
    return clean(label, newlines=False)


def _what(change: Any) -> str:
    if change.before == change.after:
        return "amended"
    if change.after == "in-force" and change.before in ("suspended", "suspended-in-part"):
        return "back-in-force"
    return change.after


# ------------------------------------------------------------------ the plot


@dataclass
class Plot:
    """A series over a window of months, with its marks: what every rendering draws."""

    series: ser.Series
    points: list[ser.Point]
    first: int
    last: int
    marks: list[Mark] = field(default_factory=list)
    caption: str = ""

    @property
    def months(self) -> int:
        return self.last - self.first + 1

    def per_month(self) -> dict[int, tuple[float, ser.Point]]:
        """Month number -> (the value drawn for that month, its point). A combined period
        is drawn as its monthly average across its months."""
        out = {}
        for p in self.points:
            a, b = p.months
            for m in range(a, b + 1):
                out[m] = (p.value / (b - a + 1), p)
        return out

    @property
    def top(self) -> float:
        values = [v for v, _ in self.per_month().values()]
        return max(values, default=0) or 1


def plot(
    s: ser.Series,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    ds: Any = None,
    lang: str = "en",
) -> Plot:
    """The series' points inside ``[since, until]`` (a period overlapping it counts), and the
    marks of the measures over the months shown."""
    points = points_in(s, since, until)
    if points:
        first = min(p.months[0] for p in points)
        last = max(p.months[1] for p in points)
    else:
        first = ser.month_index(f"{since:%Y-%m}") if since else ser.period_months(s.first)[0]
        last = ser.month_index(f"{until:%Y-%m}") if until else ser.period_months(s.last)[1]
    if since is not None:
        first = min(first, ser.month_index(f"{since:%Y-%m}"))
    found = []
    if ds is not None:
        found = marks(ds, s, _month_start(first), _month_end(last), lang=lang)
    return Plot(s, points, first, last, found)


def points_in(s: ser.Series, since: dt.date | None = None, until: dt.date | None = None) -> list[ser.Point]:
    """The series' points in period order whose period overlaps ``[since, until]``."""
    return [
        p
        for p in sorted(s.points, key=lambda p: p.months)
        if (since is None or p.end >= since) and (until is None or p.start <= until)
    ]


def in_window(s: ser.Series, since: dt.date | None, until: dt.date | None) -> bool:
    """Whether the series has a point in ``[since, until]``."""
    return bool(points_in(s, since, until))


def _month_start(index: int) -> dt.date:
    return ser.period_start(ser.month_text(index))


def _month_end(index: int) -> dt.date:
    return ser.period_end(ser.month_text(index))


# ------------------------------------------------------------------ terminal


def terminal(p: Plot, width: int, lang: str = "en") -> Group:
    """The chart for a terminal ``width`` cells wide (readable from 40 columns on)."""
    zh = lang == "zh"
    peak = max((v for v, _ in p.per_month().values()), default=0)
    labels = [fmt(round(peak)), fmt(round(peak / 2)), "0"] if peak else ["0", "", "0"]
    margin = max(len(x) for x in labels) + 2
    avail = max(10, width - margin - 1)
    col = 3 if p.months * 3 <= avail else 2 if p.months * 2 <= avail else 1
    first = max(p.first, p.last - avail + 1) if col == 1 else p.first
    shown = range(first, p.last + 1)
    lines = _title(p, zh)
    for row in range(HEIGHT, 0, -1):
        label = labels[0] if row == HEIGHT else labels[1] if row == (HEIGHT + 1) // 2 else ""
        line = Text(label.rjust(margin - 2) + " ┤" if label else " " * (margin - 1) + "│")
        line.append_text(_row(p, shown, col, row))
        lines.append(line)
    lines.append(Text("0".rjust(margin - 2) + " └" + "─" * (len(shown) * col)))
    lines.append(Text(" " * margin) + _month_axis(shown, col, zh))
    lines.append(Text(" " * margin) + _year_axis(shown, col))
    letters, legend = _mark_rows(p, shown, col, margin, lang)
    if letters is not None:
        lines.append(letters)
    key = "  ".join(f"{c} {_kind_word(k, zh)}" for k, (c, _, _) in KINDS.items())
    key += "  · " + ("无数据" if zh else "no data")
    if any(ser.is_combined(pt.period) for pt in p.points):
        key += "  ▬ " + ("合并期（月均）" if zh else "combined months (monthly average)")
    for line in lines:  # the chart's rows are cropped at the width, never wrapped
        line.no_wrap = True
        line.overflow = "crop"
    lines.append(Text(key, style="dim"))
    if first > p.first:
        note = f"earlier months not shown at {width} columns: use --since or a wider terminal"
        lines.append(Text(note, style="dim"))
    return Group(*lines, *legend)


def _kind_word(kind: str, zh: bool) -> str:
    return {"stated": "公布值", "derived": "推算值", "disputed": "有争议"}[kind] if zh else kind


def _title(p: Plot, zh: bool) -> list[Text]:
    s = p.series
    title = Text(clean(s.title_in("zh" if zh else "en"), newlines=False), style="bold")
    span = f"{ser.month_text(p.first)}..{ser.month_text(p.last)}"
    flow = ("出口" if s.flow == "export" else "进口") if zh else s.flow
    unit = {"t": "吨", "kg": "千克"}[s.unit] if zh else s.unit
    sub = Text(f"{s.id}: {flow} {s.reporter} → {s.partner}, {unit}, {span}", style="dim")
    return [title, sub]


def _row(p: Plot, shown: range, col: int, row: int) -> Text:
    """One row of the plot area: per month a gap cell (with col 2 and 3) and its bar cells.

    The gap cell holds ┆ in a month in which a measure changed status, or the bar itself
    between two months of one combined period (so the period reads as one wide bar)."""
    values = p.per_month()
    top = p.top
    marked = {ser.month_index(f"{m.date:%Y-%m}") for m in p.marks if not m.standing}
    out = Text()
    bar = 1 if col < 3 else 2
    for m in shown:
        got = values.get(m)
        tall = got is not None and _height(got[0], top) >= row
        if col >= 2:
            joined = got is not None and ser.is_combined(got[1].period) and got[1].months[0] < m
            if joined and tall:
                out.append(_char(got[1]), style=KINDS[kind_of(got[1])][1])
            elif m in marked and not tall:
                out.append("┆", style=MARK_STYLE)
            else:
                out.append(" ")
        if got is None:
            out.append(("·" if row == 1 else " ") * bar, style="dim")
        elif tall:
            out.append(_char(got[1]) * bar, style=KINDS[kind_of(got[1])][1])
        elif row == 1 and got[0] == 0:
            out.append("▁" * bar)
        else:
            out.append(" " * bar)
    return out


def _char(point: ser.Point) -> str:
    return KINDS[kind_of(point)][0]


def _height(value: float, top: float) -> int:
    if value <= 0:
        return 0
    return max(1, round(value / top * HEIGHT))


def _month_axis(shown: range, col: int, zh: bool) -> Text:
    out = Text()
    for m in shown:
        month = m % 12 + 1
        if col == 1:
            out.append("|" if month == 1 else " ", style="dim")
            continue
        label = str(month) if zh else MONTHS_EN[month - 1]
        out.append((" " * (col - len(label)) + label) if col > len(label) else label[-col:])
    return out


def _year_axis(shown: range, col: int) -> Text:
    cells = [" "] * (len(shown) * col)
    for i, m in enumerate(shown):
        if m % 12 == 0 or i == 0:
            label = str(m // 12)
            at = i * col + (col - 1 if col > 1 else 0)
            if at + len(label) <= len(cells) and all(
                c == " " for c in cells[max(0, at - 1) : at + len(label)]
            ):
                cells[at : at + len(label)] = list(label)
    return Text("".join(cells), style="bold")


def _mark_rows(p: Plot, shown: range, col: int, margin: int, lang: str) -> tuple[Text | None, list[Any]]:
    """The row of letters under the month axis, and the legend naming each change: a table
    whose labels wrap (never cut) so that every character is printed at any width."""
    from .grid import Column, Grid, Styled

    zh = lang == "zh"
    moves = [m for m in p.marks if not m.standing]
    standing = [m for m in p.marks if m.standing]
    legend: list[Any] = []
    if standing:
        start = ser.month_text(p.first)
        legend.append(
            Text(f"{start} 起已有的措施：" if zh else f"Measures standing at {start}:", style="bold")
        )
        table = Grid([Column("", no_wrap=True), Column("", ratio=1)], show_header=False)
        for m in standing:
            table.add_row("  ◀", Styled(m.text(lang), MARK_STYLE))
        legend.append(table)
    if not moves:
        return None, legend
    letters = letters_of(moves)
    row = [" "] * (len(shown) * col)
    for month, letter in letters.items():
        if month in shown:
            row[(month - shown.start) * col] = letter
    legend.append(Text("状态变化：" if zh else "Status changes on the same axis:", style="bold"))
    table = Grid([Column("", no_wrap=True), Column("", ratio=1)], show_header=False)
    for mark in moves:
        letter = letters[ser.month_index(f"{mark.date:%Y-%m}")]
        proj = " *" if mark.projected else ""
        table.add_row(f"  {letter} {mark.date}", Styled(mark.text(lang) + proj, MARK_STYLE))
    legend.append(table)
    if any(m.projected for m in moves):
        note = (
            "覆盖日期之后：预定，未确认"
            if zh
            else "after the log's coverage date: scheduled, not known to have happened"
        )
        legend.append(Text("  * " + note, style="dim"))
    return Text(" " * margin + "".join(row), style=MARK_STYLE), legend


def letters_of(moves: Sequence[Mark]) -> dict[int, str]:
    """A letter for each month (a month number) in which a measure changes status, in order."""
    alphabet = string.ascii_uppercase + string.ascii_lowercase
    out: dict[int, str] = {}
    for mark in moves:
        month = ser.month_index(f"{mark.date:%Y-%m}")
        if month not in out:
            out[month] = alphabet[len(out) % len(alphabet)]
    return out


# ------------------------------------------------------------------ page

FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:13px"


def svg(p: Plot, width: int = 960, lang: str = "en") -> str:
    """The chart as a self-contained SVG: a column per month (hatched when derived, outlined
    when disputed), a dashed line at each status change with its letter, the legend below
    (long labels wrapped, never cut). Every data text is escaped; nothing is loaded."""
    zh = lang == "zh"
    left, right, top, plot_h = 72, width - 16, 64, 260
    base = top + plot_h
    legend = _svg_legend(p, lang, chars=(width - 40) // 7)
    height = base + 64 + 18 * len(legend) + 32
    step = (right - left) / max(1, p.months)
    peak = p.top

    def y_of(value: float) -> float:
        return base - plot_h * value / peak

    s = p.series
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" style="{FONT}">',
        f"<title>{_e(s.title_in(lang))}</title>",
        '<defs><pattern id="derived" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{KINDS["derived"][2]}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{KINDS["stated"][2]}" stroke-width="2"/>'
        "</pattern></defs>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        _svg_text(8, 22, s.title_in(lang), "#111111", bold=True),
        _svg_text(8, 40, _title(p, zh)[1].plain, "#555555"),
    ]
    for value in (0, peak / 2, peak):
        y = y_of(value)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        out.append(_svg_text(left - 6, y + 4, fmt(round(value)), "#333333", anchor="end"))
    for i in range(p.months):
        m = p.first + i
        label = str(m % 12 + 1) if zh else MONTHS_EN[m % 12]
        out.append(_svg_text(left + step * (i + 0.5), base + 16, label, "#333333", anchor="middle"))
        if m % 12 == 0 or i == 0:
            out.append(_svg_text(left + step * i, base + 34, str(m // 12), "#333333", bold=True))
    values = p.per_month()
    for i in range(p.months):
        if p.first + i not in values:
            out.append(_svg_text(left + step * (i + 0.5), base - 4, "·", "#999999", anchor="middle"))
    for point in p.points:
        out.append(_svg_bar(p, point, left, step, base, y_of, zh))
    out.append(f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="#333333"/>')
    moves = [m for m in p.marks if not m.standing]
    for month, letter in letters_of(moves).items():
        first = min(m.date for m in moves if ser.month_index(f"{m.date:%Y-%m}") == month)
        days = (ser.period_end(f"{first:%Y-%m}") - first.replace(day=1)).days + 1
        px = left + step * (month - p.first + (first.day - 1) / days)
        out.append(
            f'<line x1="{px:.1f}" y1="{top - 8}" x2="{px:.1f}" y2="{base}" stroke="{MARK_COLOUR}" '
            'stroke-dasharray="4 3"/>'
        )
        out.append(_svg_text(px, top - 12, letter, MARK_COLOUR, anchor="middle", bold=True))
    key_x = 8
    for kind in KINDS:
        fill = "url(#derived)" if kind == "derived" else KINDS[kind][2]
        out.append(f'<rect x="{key_x}" y="{base + 42}" width="12" height="12" fill="{fill}"/>')
        out.append(_svg_text(key_x + 16, base + 52, _kind_word(kind, zh), "#333333"))
        key_x += 40 + 8 * len(_kind_word(kind, zh))
    y = base + 64
    for text, colour, bold in legend:
        y += 18
        out.append(_svg_text(8, y, text, colour, bold=bold))
    out.append(_svg_text(8, height - 12, p.caption, "#555555"))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _svg_bar(p: Plot, point: ser.Point, left: float, step: float, base: float, y_of: Any, zh: bool) -> str:
    a, b = point.months
    kind = kind_of(point)
    x0 = left + step * (max(a, p.first) - p.first) + step * 0.12
    x1 = left + step * (min(b, p.last) - p.first + 1) - step * 0.12
    y = y_of(point.value / (b - a + 1))
    fill = "url(#derived)" if kind == "derived" else KINDS[kind][2]
    stroke = ' stroke="#7e5109" stroke-width="1.5" stroke-dasharray="3 2"' if kind == "disputed" else ""
    tip = f"{point.period}: {fmt(point.value)} {p.series.unit} ({_kind_word(kind, zh)})"
    if ser.is_combined(point.period):
        tip += " — " + ("合并期，按月平均绘制" if zh else "combined period, drawn as the monthly average")
    box = f'x="{x0:.1f}" y="{y:.1f}" width="{max(0.5, x1 - x0):.1f}" height="{max(0.0, base - y):.1f}"'
    return f'<rect {box} fill="{fill}"{stroke}><title>{_e(tip)}</title></rect>'


def _svg_legend(p: Plot, lang: str, chars: int) -> list[tuple[str, str, bool]]:
    """The legend's lines under the chart: (text, colour, bold), long ones wrapped."""
    import textwrap

    zh = lang == "zh"
    moves = [m for m in p.marks if not m.standing]
    standing = [m for m in p.marks if m.standing]
    lines: list[tuple[str, str, bool]] = []

    def add(prefix: str, text: str) -> None:
        for n, part in enumerate(textwrap.wrap(text, max(20, chars - len(prefix))) or [""]):
            lines.append(((prefix if n == 0 else " " * len(prefix)) + part, MARK_COLOUR, False))

    if standing:
        start = ser.month_text(p.first)
        lines.append((f"{start} 起已有的措施" if zh else f"Measures standing at {start}", "#333333", True))
        for mark in standing:
            add("◀ ", mark.text(lang))
    letters = letters_of(moves)
    for mark in moves:
        letter = letters[ser.month_index(f"{mark.date:%Y-%m}")]
        add(f"{letter}  {mark.date}  ", mark.text(lang) + (" *" if mark.projected else ""))
    return lines


def _svg_text(x: float, y: float, text: str, colour: str, *, anchor: str = "", bold: bool = False) -> str:
    extra = (f' text-anchor="{anchor}"' if anchor else "") + (' font-weight="bold"' if bold else "")
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra} fill="{colour}" xml:space="preserve">{_e(text)}</text>'


def _e(text: str) -> str:
    return html.escape(clean(text, newlines=False), quote=True)


# ------------------------------------------------------------------ the points table


def points_table(p: Plot, lang: str = "en") -> Group:
    """The points shown, one row each (period, value, how it is known, its sources as
    numbers, the note or how it was derived), then each source once: who, when, the URL whole
    on a line of its own."""
    from .grid import Column, Grid, Styled

    zh = lang == "zh"
    numbers: dict[str, int] = {}
    cited: list[model.Source] = []

    def refs(sources: Sequence[model.Source]) -> str:
        out = []
        for source in sources:
            if source.url not in numbers:
                numbers[source.url] = len(numbers) + 1
                cited.append(source)
            out.append(f"[{numbers[source.url]}]")
        return " ".join(out)

    table = Grid(
        [
            Column("时期" if zh else "Period", no_wrap=True),
            Column(("数值" if zh else "Value") + f" ({p.series.unit})", no_wrap=True),
            Column("类型" if zh else "Kind", no_wrap=True),
            Column("来源" if zh else "Sources", hyphens=False),
            Column("说明" if zh else "Note", ratio=1, min_width=24, spill=1),
        ]
    )
    header = table.columns[1].header
    values = [fmt(pt.value) for pt in p.points]
    wide = max([len(header), *(len(v) for v in values)])
    for point, value in zip(p.points, values, strict=True):
        kind = kind_of(point)
        cites = refs(point.sources)
        notes = []
        if point.derived is not None:
            notes.append(("推算：" if zh else "derived: ") + point.derived.how)
        for alt in point.alternatives:
            other = f"{fmt(alt.value)} {refs(alt.sources)}"
            notes.append(
                ("另一来源：" if zh else "other source: ") + other + (f" ({alt.note})" if alt.note else "")
            )
        if point.note:
            notes.append(point.note)
        table.add_row(
            point.period,
            value.rjust(wide),
            Styled(_kind_word(kind, zh), KINDS[kind][1]),
            cites,
            " · ".join(notes),
        )
    out: list[Any] = [table]
    if cited:
        out.append(Text("来源" if zh else "Sources", style="bold"))
    for source in cited:
        facts = ", ".join(x for x in (source.kind, str(source.date or ""), source.lang) if x)
        label = f"{source.publisher}: {source.title}" if source.title else source.publisher
        about = Grid([Column("", ratio=1)], show_header=False)
        about.add_row(f"[{numbers[source.url]}] {label} ({facts})")
        url = clean(source.url, newlines=False)
        out += [about, Text(url, style=f"link {url}", no_wrap=True, overflow="ignore")]
    return Group(*out)


# ------------------------------------------------------------------ rows for files

CSV_FIELDS = ("series", "period", "value", "unit", "derived", "disputed", "source_urls")
"""The long CSV format of ``figures ID --csv`` and ``export --series``: one row per point."""


def csv_rows(
    found: Iterable[ser.Series], window: tuple[dt.date | None, dt.date | None] = (None, None)
) -> list[dict[str, Any]]:
    """One row per point of each series (inside ``window``, ``(since, until)``, when given)."""
    rows = []
    for s in found:
        for point in points_in(s, *window):
            rows.append(
                {
                    "series": s.id,
                    "period": point.period,
                    "value": point.value,
                    "unit": s.unit,
                    "derived": "true" if point.derived is not None else "false",
                    "disputed": "true" if point.disputed else "false",
                    "source_urls": " ".join(src.url for src in point.sources),
                }
            )
    return rows


def csv_text(rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


SERIES_FORMATS = ("csv", "json", "jsonl")
"""The formats of ``export --series`` (SQLite always holds the series: tables series, series_points)."""


def series_text(
    found: Sequence[ser.Series], fmt: str, window: tuple[dt.date | None, dt.date | None] = (None, None)
) -> str:
    """``export --series``: CSV in the long format (:data:`CSV_FIELDS`), or each series' JSON
    (its file's fields) as an array or one per line; ``window`` keeps the points inside it."""
    if fmt == "csv":
        return csv_text(csv_rows(found, window))
    from .export.common import json_dumps

    items = []
    for s in found:
        data = s.to_json()
        kept = {pt.period for pt in points_in(s, *window)}
        data["points"] = [pt for pt in data["points"] if pt["period"] in kept]
        items.append(data)
    if fmt == "jsonl":
        return "".join(json_dumps(item, item["id"], separators=(",", ":")) + "\n" for item in items)
    return json_dumps(items, "series", indent=2) + "\n"


def plot_json(p: Plot) -> dict[str, Any]:
    """``figures ID --json``: the series' fields, its points shown (plain dicts, see
    :func:`retracker.series.points_as_dicts`), the totals checked and the marks."""
    head = p.series.to_json()
    head.pop("points", None)
    head.pop("totals", None)
    shown = {pt.period for pt in p.points}
    totals = []
    for check in ser.check_totals(p.series):
        total = check.total.model_dump(mode="json", by_alias=True, exclude_none=True)
        total.update(points_sum=check.points_sum, checked=check.checked, adds_up=check.adds_up)
        totals.append(total)
    return {
        "series": head,
        "points": [row for row in ser.points_as_dicts(p.series) if row["period"] in shown],
        "totals": totals,
        "marks": [m.to_json() for m in p.marks],
    }


# ------------------------------------------------------------------ sparklines and `show`

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(s: ser.Series, months: int = 24) -> str:
    """The series' last ``months`` months in one line of eighth blocks (a space where no
    point covers a month; a combined period as its monthly average)."""
    p = Plot(s, sorted(s.points, key=lambda pt: pt.months), 0, 0)
    values = p.per_month()
    last = max(values)
    first = max(min(values), last - months + 1)
    top = max(v for m, (v, _) in values.items() if m >= first) or 1
    out = []
    for m in range(first, last + 1):
        got = values.get(m)
        out.append(" " if got is None else SPARKS[min(7, round(got[0] / top * 7))])
    return "".join(out)


def related(
    found: Iterable[ser.Series], materials: Sequence[str], *, exact: bool = False
) -> list[ser.Series]:
    """The series on ``materials`` (as ``-e`` reads them; ``exact``: no widening)."""
    if not materials:
        return []
    return matching(found, query.Filters(materials=list(materials), exact=exact))


def series_block(found: Sequence[ser.Series], lang: str = "en") -> Group:
    """``show``'s pointer to the series: a heading, then one row per series (its id, a
    sparkline of its last 24 months, its span and latest value)."""
    from .grid import Column, Grid, Styled

    zh = lang == "zh"
    head = "贸易数据（retracker figures 编号）" if zh else "Trade series (retracker figures ID)"
    table = Grid([Column("", no_wrap=True), Column("", no_wrap=True), Column("", ratio=1)], show_header=False)
    word = "最新" if zh else "latest"
    for s in found:
        latest = s.latest
        about = f"{s.first}..{s.last}, {word} {fmt(latest.value)} {s.unit} ({latest.period})"
        table.add_row(Styled(s.id, "cyan"), Styled(sparkline(s), KINDS["stated"][1]), Styled(about, "dim"))
    return Group(Text(head, style="bold"), table)
