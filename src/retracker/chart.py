"""The `chart` command's picture: one row per measure, its status over a window of dates.

The terminal chart and the SVG/HTML files are drawn from the same :class:`Chart`: each row's
runs of status (the status engine's spans, clipped to the window), the year ticks, and the
marks for today and the log's coverage date. The cost is per change point, not per cell: a
row is a handful of runs whatever the terminal's width.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text

from . import model
from .status import StatusEngine
from .terminal import clean

BAR = {
    "announced": ("░", "cyan", "#8fd3e8"),
    "in-force": ("█", "red", "#c0392b"),
    "suspended": ("▒", "yellow", "#f1c40f"),
    "suspended-in-part": ("▓", "yellow", "#d4a017"),
    "expired": ("·", "dim", "#d5d5d5"),
    "superseded": ("-", "dim", "#b0b0b0"),
    "revoked": ("×", "dim", "#9e9e9e"),
}
"""Each status: its character on the terminal, its rich style, its colour on the page."""

LABEL_MAX = 32
"""The widest a row label gets on the terminal; the page shows it whole (up to PAGE_LABEL_MAX)."""

PAGE_LABEL_MAX = 56
"""Characters of a label on the page; a longer one ends in "…" and its tooltip holds it all."""


def instrument_label(event: model.Event) -> str:
    """``MOFCOM 61/2025`` from ``CN-MOFCOM-2025-61``; else the instrument, else the title."""
    key = getattr(event, "instrument_key", None)
    if key:
        parts = key.split("-")
        if len(parts) >= 4 and parts[-2].isdigit():
            return f"{'-'.join(parts[1:-2])} {parts[-1]}/{parts[-2]}"
        return key
    return getattr(event, "instrument", None) or event.title


@dataclass
class Run:
    start: dt.date
    last: dt.date
    """The run's last day (inclusive: a run may end on 9999-12-31, which has no day after)."""
    status: str

    @property
    def end(self) -> dt.date:
        """The day after the run (the last day there is stays itself)."""
        return after(self.last)


@dataclass
class Row:
    event: model.Event
    label: str
    runs: list[Run] = field(default_factory=list)


@dataclass
class Chart:
    start: dt.date
    end: dt.date
    """The last day shown (inclusive)."""
    rows: list[Row]
    today: dt.date
    coverage: dt.date | None
    caption: str

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days + 1)


def build(
    engine: StatusEngine,
    measures: Sequence[model.Event],
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date,
    coverage: dt.date | None,
    caption: str,
    lang: str = "en",
) -> Chart:
    """The rows of the measures that have a status somewhere in ``[start, end]``.

    Runs are clipped in inclusive days, so that a window on the calendar's last day
    (``--since 9999-12-31``) holds that day: its exclusive end would be past the calendar."""
    rows = []
    for event in measures:
        runs = []
        for span in engine.spans(event):
            first = max(span.since, start)
            last = end if span.until is None else min(span.until - dt.timedelta(days=1), end)
            if first <= last:
                runs.append(Run(first, last, span.status))
        if any(r.status not in ("expired", "revoked") for r in runs):
            label = instrument_label(event)
            if lang == "zh" and not getattr(event, "instrument_key", None) and event.title_zh:
                label = event.title_zh
            rows.append(Row(event, clean(label, newlines=False), runs))
    return Chart(start, end, rows, today, coverage, caption)


# ------------------------------------------------------------------ terminal


def after(day: dt.date) -> dt.date:
    """The next day (the last date there is stays itself)."""
    return day if day == dt.date.max else day + dt.timedelta(days=1)


def year_step(years: int, slots: int) -> int:
    """Label every ``step``-th year (1, 2, 5, 10, 20, 50 ...) so that ``years`` labels fit ``slots``."""
    step = 1
    while years / step > slots:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    return step


def _cell(chart: Chart, day: dt.date, cells: int) -> int:
    """The cell that holds ``day`` (clamped to the bar)."""
    return min(cells - 1, max(0, (day - chart.start).days * cells // chart.days))


MAX_WIDTH = 2000
"""The widest terminal chart: wider adds nothing a screen can show, and ``COLUMNS=999999``
wrote 87 MB (15 s, 500 MB of memory) for 48 rows."""


def terminal(chart: Chart, width: int) -> Group:
    """The chart for a terminal ``width`` cells wide (at most :data:`MAX_WIDTH`)."""
    width = min(width, MAX_WIDTH)
    longest = max((cell_len(r.label) for r in chart.rows), default=0)
    label_width = max(8, min(LABEL_MAX, longest, width // 3))
    cells = max(10, width - label_width - 1)
    pad = " " * (label_width + 1)
    lines = [Text(pad) + _axis(chart, cells)]
    lines += _marks(chart, cells, pad)
    for row in chart.rows:
        line = Text(row.label)
        line.truncate(label_width, overflow="ellipsis", pad=True)
        line.append(" ")
        line.append_text(_bar(chart, row, cells))
        lines.append(line)
    legend = "  ".join(f"{BAR[name][0]} {name}" for name in shown_statuses(chart))
    lines.append(Text(legend, style="dim"))
    for line in lines:
        line.no_wrap = True
        line.overflow = "crop"
    lines.append(Text(chart.caption, style="dim"))
    return Group(*lines)


def _bar(chart: Chart, row: Row, cells: int) -> Text:
    """One row's runs as cells: a few string operations per run, none per cell."""
    bar = Text()
    at = 0
    projected = chart.coverage and chart.coverage < chart.end
    split = _cell(chart, after(chart.coverage), cells) if projected else cells
    for run in row.runs:
        first = _cell(chart, run.start, cells)
        last = cells if run.last >= chart.end else _cell(chart, run.end, cells)
        first = max(first, at)
        last = max(last, min(first + 1, cells))  # a run of a few days still shows
        if last <= first:
            continue
        bar.append(" " * (first - at))
        char, style, _ = BAR.get(run.status, (" ", "", ""))
        inside, beyond = max(0, min(last, split) - first), max(0, last - max(first, split))
        if inside:
            bar.append(char * inside, style=style)
        if beyond:  # past the coverage date: a projection, shown dim
            bar.append(char * beyond, style=f"{style} dim".strip())
        at = last
    bar.append(" " * (cells - at))
    return bar


def _axis(chart: Chart, cells: int) -> Text:
    """Year labels where each year begins, never touching one another."""
    years = range(chart.start.year, chart.end.year + 1)
    step = year_step(len(years), max(1, cells // 5))
    out = [" "] * cells
    for year in years:
        if year % step:
            continue
        day = dt.date(year, 1, 1)
        if (day < chart.start and year != years[0]) or (day < chart.start and len(years) > 1):
            continue  # a year that began before the window is labelled only if it is the only one
        i = 0 if day < chart.start else _cell(chart, day, cells)
        label = str(year)
        if i + len(label) > cells:
            continue
        if (i == 0 or out[i - 1] == " ") and all(c == " " for c in out[i : i + len(label) + 1]):
            out[i : i + len(label)] = list(label)
    return Text("".join(out), style="bold")


def _marks(chart: Chart, cells: int, pad: str) -> list[Text]:
    """A line for each of today and the coverage date inside the window: ``▼`` at its cell."""
    out = []
    marks = [("today", chart.today)]
    if chart.coverage:
        marks.append(("coverage", chart.coverage))
    for name, day in marks:
        if not chart.start <= day <= chart.end:
            continue
        i = _cell(chart, day, cells)
        text = f"{name} {day}"
        line = " " * (i - len(text) - 1) + text + " ▼" if i > len(text) + 1 else " " * i + "▼ " + text
        out.append(Text(pad + line[:cells], style="dim"))
    return out


def shown_statuses(chart: Chart) -> list[str]:
    """The statuses the chart's bars show, in the legend's order."""
    found = {run.status for row in chart.rows for run in row.runs}
    return [name for name in BAR if name in found]


# ------------------------------------------------------------------ page

ROW_HEIGHT = 22
CHAR_WIDTH = 7.2
"""A generous average width of a character of the 13 px label font (system-ui), in pixels."""
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:13px"


def svg(chart: Chart, width: int = 960, caption: bool = True) -> str:
    """The chart as a self-contained SVG: whole labels (the picture widens to hold them, so a
    label never runs into its bar), the caption unless the page around it gives one (a
    ``<figcaption>``), no fonts from the network."""
    longest = max((len(_page_label(r.label)) for r in chart.rows), default=10)
    left = 16 + CHAR_WIDTH * longest
    width = max(width, left + 540)
    right = width - 16
    top = 56
    bottom = top + ROW_HEIGHT * len(chart.rows)  # below it: the marks' labels, the legend, the caption
    height = bottom + (80 if caption else 62)

    def x(day: dt.date) -> float:
        return left + (right - left) * (day - chart.start).days / chart.days

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" style="{FONT}">',
        f"<title>{_e(chart.caption)}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    step = year_step(chart.end.year - chart.start.year + 1, max(1, (right - left) // 40))
    for year in range(chart.start.year, chart.end.year + 1):
        day = dt.date(year, 1, 1)
        if day < chart.start or year % step:
            continue
        px = x(day)
        parts.append(
            f'<line x1="{px:.1f}" y1="{top - 6}" x2="{px:.1f}" y2="{bottom + 10}" stroke="#eeeeee"/>'
        )
        parts.append(f'<text x="{px + 2:.1f}" y="{top - 10}" fill="#333333">{year}</text>')
    for n, row in enumerate(chart.rows):
        y = top + n * ROW_HEIGHT
        label = _e(_page_label(row.label))
        parts.append(f'<text x="8" y="{y + 15}" fill="#111111">{label}<title>{_e(row.label)}</title></text>')
        for run in row.runs:
            x0, x1 = x(run.start), x(after(min(run.last, chart.end)))
            colour = BAR.get(run.status, ("", "", "#ffffff"))[2]
            tip = f"{_e(row.label)}: {run.status} {run.start} to {run.end}"
            box = f'x="{x0:.1f}" y="{y + 4}" width="{max(0.5, x1 - x0):.1f}" height="{ROW_HEIGHT - 8}"'
            parts.append(f'<rect {box} fill="{colour}"><title>{tip}</title></rect>')
    for name, day, colour in (
        ("today", chart.today, "#000000"),
        ("reviewed up to", chart.coverage, "#7f8c8d"),
    ):
        if day and chart.start <= day <= chart.end:
            px = x(day)
            parts.append(
                f'<line x1="{px:.1f}" y1="{top - 4}" x2="{px:.1f}" y2="{bottom + 14}" '
                f'stroke="{colour}" stroke-dasharray="4 3"/>'
            )
            at = f'x="{px - 2:.1f}" y="{bottom + (12 if name == "today" else 26)}"'
            parts.append(f'<text {at} text-anchor="end" fill="{colour}">{name} {day}</text>')
    legend_x = 8
    for name in shown_statuses(chart):
        colour = BAR[name][2]
        parts.append(f'<rect x="{legend_x}" y="{bottom + 40}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + 16}" y="{bottom + 50}" fill="#333333">{name}</text>')
        legend_x += 24 + 8 * len(name)
    if caption:
        parts.append(f'<text x="8" y="{bottom + 70}" fill="#555555">{_e(chart.caption)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def html_page(chart: Chart) -> str:
    """A page holding the SVG and its caption; nothing is loaded from the network."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{_e(chart.caption)}</title>\n</head>\n<body style="{FONT}">\n<figure>\n'
        f"{svg(chart, caption=False)}<figcaption>{_e(chart.caption)}</figcaption>\n"
        "</figure>\n</body>\n</html>\n"
    )


def _page_label(label: str) -> str:
    return label if len(label) <= PAGE_LABEL_MAX else label[: PAGE_LABEL_MAX - 1] + "…"


def _e(text: str) -> str:
    return html.escape(clean(text, newlines=False), quote=True)
