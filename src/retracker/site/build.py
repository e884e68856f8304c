"""Render the site's files and write them (see :mod:`retracker.site`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from .. import export, model, query, vocab
from ..dataset import Dataset
from ..diagnostics import RetrackerError
from ..handles import ids_in
from ..status import PROJECTED_NOTE, STATUSES
from . import output
from .labels import translate
from .views import (
    Views,
    country_page,
    event_page,
    feed_updated,
    material_page,
    series_views,
    views_for,
)

DEFAULT_REPO_URL = "https://github.com/retracker/retracker"
"""Where "edit this event" points unless ``repo_url`` says otherwise."""

ASSETS = ("site.css", "site.js")

LIST_MAX = 200
"""A material or country page lists at most this many events, newest first; the timeline,
filtered by the same term, lists them all."""
_PLAIN_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$", re.IGNORECASE)


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote: its folder, every file (relative), how many are HTML pages."""

    out: Path
    files: tuple[str, ...]
    pages: int
    events: int


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("retracker.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,  # one build: never stat the templates again
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["material_name"] = vocab.material_name
    env.filters["country_name"] = vocab.country_name
    env.filters["inverse"] = model.inverse_relation
    env.filters["chart_markup"] = chart_markup
    env.globals["STATUSES"] = STATUSES
    return env


def chart_markup(svg: str) -> Markup:
    """The one trusted fragment a page includes unescaped: an SVG drawn by the library's
    own renderers (:func:`retracker.chart.svg`, :func:`retracker.figures.svg`), which escape
    every text they draw and load nothing."""
    if not svg.startswith("<svg ") or "<script" in svg.lower():
        raise RetrackerError("site: a chart is not a plain SVG")
    return Markup(svg)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) URL a link may carry, else None (shown as text)."""
    if url and _PLAIN_URL.match(url) and urlsplit(url).hostname:
        return url
    return None


def check_base_url(base_url: str | None) -> str | None:
    """``--base-url``: an absolute http(s) URL, ending in ``/``."""
    if base_url is None:
        return None
    if not safe_url(base_url):
        raise RetrackerError(
            f"--base-url '{base_url}' is not an absolute http(s) URL",
            hint="e.g. https://example.github.io/retracker/",
        )
    return base_url if base_url.endswith("/") else base_url + "/"


class _Site:
    """One build: the views, the template environment and the writer."""

    def __init__(
        self,
        views: Views,
        writer: output.SiteWriter,
        base_url: str | None,
        repo_url: str,
        series: list[Any],
    ) -> None:
        self.v = views
        self.writer = writer
        self.base_url = base_url
        self.repo_url = repo_url.rstrip("/")
        self.env = _environment()
        self.assets = {name: _asset(name) for name in ASSETS}
        self.asset_urls = {
            name: f"assets/{name}?v={hashlib.sha256(data).hexdigest()[:12]}"
            for name, data in self.assets.items()
        }
        self.pages = 0
        self.series = series
        root = views.ds.root
        self.data_root = os.path.abspath(root) if root is not None else None
        self._row_modules: dict[str, Any] = {}
        self._rows: dict[tuple[str, str, str, str | None], Markup] = {}

    def context(self, rel: str, root: str | None = None, **extra: Any) -> dict[str, Any]:
        if root is None:
            root = "../" * rel.count("/")
        lang = self.v.lang
        return {
            "root": root,
            "lang": lang,
            "en": Markup(' lang="en"') if lang != "en" else "",  # the CLI's English words on a zh page
            "t": lambda text: translate(text, lang),
            "on": self.v.on,
            "coverage": self.v.coverage,
            "assets": {k: root + u for k, u in self.asset_urls.items()},
            "event_url": lambda event_id: root + event_page(event_id),
            "material_url": lambda key: root + material_page(key),
            "country_url": lambda code: root + country_page(code),
            "handles": self.v.handles,
            "reason": lambda text: self.reason_html(root, text),
            "projected_note": PROJECTED_NOTE.format(coverage=self.v.coverage),
            "base_url": self.base_url,
            "row_html": lambda kind, row, via=False: self.row_html(root, kind, row, via),
            **extra,
        }

    def reason_html(self, root: str, text: str) -> Markup:
        """A status reason with each event it names as a link to that event's page, under its
        handle, as the CLI names it (``suspended by CN-MOFCOM-GACC-2025-70 until ...``)."""
        pieces: list[Markup] = []
        last = 0
        for found in ids_in(text):
            pieces.append(escape(text[last : found.start()]))
            event_id = found.group()
            if event_id in self.v.handles:
                link = Markup('<a href="{}">{}</a>').format(
                    root + event_page(event_id), self.v.handles[event_id]
                )
                pieces.append(link)
            else:
                pieces.append(escape(event_id))
            last = found.end()
        pieces.append(escape(text[last:]))
        return Markup("").join(pieces)

    def row_html(self, root: str, kind: str, row: Any, via: bool) -> Markup:
        """A table row of ``_rows.html``, rendered once per page depth, event and way it
        matched (the material and country pages repeat the same rows many times)."""
        key = (root, kind, row.event.id, row.via if via else None)
        found = self._rows.get(key)
        if found is None:
            module = self._row_modules.get(root)
            if module is None:
                template = self.env.get_template("_rows.html")
                module = template.make_module(self.context("x/" * root.count("/") + "page.html"))
                self._row_modules[root] = module
            found = self._rows[key] = getattr(module, kind)(row, via)
        return found

    def page(self, template: str, rel: str, root: str | None = None, **extra: Any) -> None:
        html = self.env.get_template(template).render(self.context(rel, root, **extra))
        self.writer.write(rel, html)
        self.pages += 1

    # ------------------------------------------------------------------ pages

    def build(self) -> None:
        for name, data in self.assets.items():
            self.writer.write(f"assets/{name}", data)
        self.writer.write(".nojekyll", b"")
        self.index()
        self.timeline()
        for event in self.v.ds.events:
            self.event(event)
        self.materials()
        self.countries()
        self.feed()
        self.downloads()
        self.not_found()

    def not_found(self) -> None:
        """404.html, which GitHub Pages (and most static hosts) serve for any missing path: its
        links are absolute under --base-url, so they work at any depth; without one they are
        relative to the site's top folder."""
        self.page("404.html", "404.html", root=self.base_url or "")

    def index(self) -> None:
        sections = self.v.sections()
        upcoming = self.v.upcoming()
        projected = any(r.status and r.status.projected for s in sections for r in s.rows) or any(
            c.projected for _, c in upcoming
        )
        self.page(
            "index.html",
            "index.html",
            sections=sections,
            upcoming=upcoming,
            any_projected=projected,
            after_coverage=bool(self.v.coverage and self.v.on > self.v.coverage),
            meta=self.v.ds.meta,
            materials=list(vocab.MATERIALS.values()),
            countries=self.v.countries(),
            count=len(self.v.live),
        )

    def timeline(self) -> None:
        keys = self.v.keys
        rows = [self.v.row(e) for e in reversed(self.v.live)]
        alias = json.dumps(_aliases(keys), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        self.page(
            "timeline.html",
            "timeline.html",
            rows=rows,
            keys=keys,
            aliases_json=Markup(alias.replace("<", "\\u003c").replace(">", "\\u003e")),
            kinds=sorted({e.kind for e in self.v.live}),
            verifications=["official", "reported", "disputed"],
            years=sorted({e.date.year for e in self.v.live}),
            withdrawn=[e for e in self.v.ds.events if e.withdrawn is not None],
        )

    def event(self, event: Any) -> None:
        rel = event_page(event.id)
        path = self.v.ds.paths.get(event.id)
        edit = None
        if path is not None and self.data_root is not None:
            inside = os.path.relpath(os.path.abspath(path), self.data_root)
            if not inside.startswith(".."):
                edit = f"{self.repo_url}/edit/main/data/{Path(inside).as_posix()}"
        self.page(
            "event.html",
            rel,
            e=event,
            row=self.v.row(event),
            history=self.v.history(event),
            out_links=self.v.relations_out(event),
            in_links=self.v.relations_in(event),
            edit_url=edit,
        )

    def materials(self) -> None:
        counts = []
        drawn: dict[str, Any] = {}
        for key, material in vocab.MATERIALS.items():
            f = query.Filters(materials=[key])
            events = self.v.with_material(key)
            counts.append((material, len(events)))
            svg, caption = self.v.chart_svg(key)
            self.page(
                "material.html",
                material_page(key),
                m=material,
                in_force=self.v.in_force(events, f),
                rows=[self.v.row(e, f) for e in reversed(events[-LIST_MAX:])],
                total=len(events),
                chart_svg=svg,
                caption=caption,
                members=list(material.members),
                groups=vocab.groups_of(key),
                series=series_views(self.series, key, self.v.ds, self.v.lang, drawn) if self.series else [],
            )
        self.page("materials.html", "materials/index.html", materials=counts)

    def countries(self) -> None:
        for code in self.v.countries():
            issued = query.Filters(issuers=[code])
            aimed = query.Filters(targets=[code])
            by, at = self.v.keys.by_issuer.get(code, []), self.v.keys.by_target.get(code, [])
            self.page(
                "country.html",
                country_page(code),
                code=code,
                issued=[self.v.row(e, issued) for e in reversed(by[-LIST_MAX:])],
                aimed=[self.v.row(e, aimed) for e in reversed(at[-LIST_MAX:])],
                issued_total=len(by),
                aimed_total=len(at),
            )
        self.page("countries.html", "countries/index.html", countries=self.v.countries())

    def feed(self) -> None:
        events = sorted(self.v.ds.events, key=lambda e: (feed_updated(e), e.date, e.id), reverse=True)
        link = (self.base_url or "") + "{}"
        entries = [(e, feed_updated(e), link.format(event_page(e.id))) for e in events]
        updated = max((u for _, u, _ in entries), default=self.v.coverage or self.v.on)
        xml = self.env.get_template("feed.xml").render(
            entries=entries,
            updated=updated,
            self_url=link.format("feed.xml"),
            home_url=link.format("index.html"),
            title=str(self.v.ds.meta.get("title") or "retracker event log"),
        )
        self.writer.write("feed.xml", xml)

    def downloads(self) -> None:
        live = self.v.live
        self.writer.write("events.json", export.json_text(live, self.v.ds))
        self.writer.write("events.csv", export.csv_text(live, self.v.ds))
        self.writer.write("calendar.ics", export.ics_text(live, self.v.ds))
        export.write_sqlite(live, self.writer.path_for("events.sqlite"), ds=self.v.ds)


def _aliases(keys: Any) -> dict[str, dict[str, str]]:
    from .views import aliases

    return aliases(keys)


def _asset(name: str) -> bytes:
    return resources.files("retracker.site").joinpath("static", name).read_bytes()


def render_site(
    ds: Dataset,
    folder: Path,
    *,
    on: dt.date,
    lang: str = "en",
    base_url: str | None = None,
    repo_url: str = DEFAULT_REPO_URL,
) -> tuple[str, ...]:
    """Write every file of the site into ``folder`` (which should be empty); the files written."""
    _refuse_unread(ds)
    if lang not in ("en", "zh"):
        raise RetrackerError(f"unknown site language '{lang}'", hint="en or zh")
    writer = output.SiteWriter(folder)
    series = _series(ds)
    site = _Site(views_for(ds, on, lang), writer, check_base_url(base_url), repo_url, series)
    site.build()
    writer.finish()
    return tuple(writer.files)


def build_site(
    ds: Dataset,
    out: Path,
    *,
    on: dt.date,
    lang: str = "en",
    base_url: str | None = None,
    repo_url: str = DEFAULT_REPO_URL,
    force: bool = False,
) -> BuildReport:
    """Build the site for ``ds`` as of ``on`` into ``out`` (see :mod:`retracker.site.output`
    for what ``out`` may be and ``force``)."""
    out = Path(out)
    output.check_target(out, force=force, data_root=ds.root)
    _refuse_unread(ds)
    temp = output.new_build_folder(out)
    try:
        files = render_site(ds, temp, on=on, lang=lang, base_url=base_url, repo_url=repo_url)
        output.publish(temp, out, list(files))
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    pages = sum(1 for f in files if f.endswith(".html"))
    return BuildReport(out, files, pages, len(ds.events))


def _series(ds: Dataset) -> list[Any]:
    """The log's trade series (none when the package has no series module or the log no
    series folder); a series file that does not load is refused like an event file."""
    try:
        from .. import series
    except ImportError:
        return []
    if ds.root is None:
        return []
    found = series.load_series(ds.root)
    if found.errors:
        raise RetrackerError(
            f"{len(found.errors)} error(s) in the series files (first: {found.errors[0]}); "
            "the site would leave them out",
            hint="run `retracker lint` and fix them first",
        )
    return sorted(found.series, key=lambda s: s.id)


def _refuse_unread(ds: Dataset) -> None:
    """A site published without some events would mislead: refuse a log with unread files."""
    if ds.diagnostics:
        first = ds.diagnostics[0]
        raise RetrackerError(
            f"{len(ds.diagnostics)} event file(s) could not be read (first: {first}); "
            "the site would leave them out",
            hint="run `retracker lint` and fix them first",
        )
