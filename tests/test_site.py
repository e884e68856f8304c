"""`retracker site`: the static site, checked without a browser.

The bundled log is built once per module (as of a pinned day); each test reads that build.
Links and assets must resolve, every page must parse with balanced tags, the Atom feed must
parse with one entry per event, the timeline's filter keys must list exactly what
`retracker timeline` lists, and two builds must be byte-identical.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from retracker import query, vocab
from retracker.dataset import load_dataset
from retracker.diagnostics import RetrackerError
from retracker.site import SiteOutputError, build_site
from retracker.site.output import MANIFEST
from retracker.status import ENDED, StatusEngine

from .conftest import REPO, LogBuilder

ON = dt.date(2026, 12, 2)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SVG_LEAVES = {"rect", "line", "path", "circle", "polyline", "polygon"}


@pytest.fixture(scope="module")
def bundled():
    return load_dataset(REPO / "data")


@pytest.fixture(scope="module")
def site(bundled, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(bundled, out, on=ON, base_url="https://example.org/retracker/")
    return out


class Page(HTMLParser):
    """Parses a page; records links, ids, data-id rows, scripts, and nesting errors."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.rows: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[dict[str, str | None]] = []
        self.lang: str | None = None
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}={value}")
            if name in ("href", "src") and value is not None:
                self.links.append(value)
        if a.get("id"):
            if a["id"] in self.ids:
                self.errors.append(f"duplicate id {a['id']}")
            self.ids.add(a["id"])
        if tag == "tr" and "data-id" in a:
            self.rows.append((a["data-id"] or "", a))
        if tag == "script":
            self.scripts.append(a)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
            return
        self.stack.pop()


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    if page.stack:
        page.errors.append(f"unclosed: {page.stack}")
    return page


def pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


@pytest.fixture(scope="module")
def parsed(site: Path) -> dict[str, Page]:
    return {path.relative_to(site).as_posix(): parse(path) for path in pages(site)}


def test_every_page_parses_with_balanced_tags_and_a_language(parsed: dict[str, Page]) -> None:
    assert len(parsed) > 200
    for name, page in parsed.items():
        assert page.errors == [], name
        assert page.lang in ("en", "zh"), name
        assert page.handlers == [], name


def test_every_internal_link_and_asset_resolves(site: Path, parsed: dict[str, Page]) -> None:
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    checked = 0
    for name, page in parsed.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https") or link.startswith("data:"):
                continue
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), (name, link)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
            target = target if parts.path else name
            assert target in files, f"{name}: {link}"
            if parts.fragment and target.endswith(".html"):
                assert parts.fragment in parsed[target].ids, f"{name}: {link}"
            checked += 1
    assert checked > 5000


def test_the_files_the_issue_lists_are_there(site: Path, bundled) -> None:
    for name in ("index.html", "timeline.html", "feed.xml", "calendar.ics", "events.json", "events.csv"):
        assert (site / name).is_file(), name
    assert (site / "events.sqlite").read_bytes().startswith(b"SQLite format 3")
    for event in bundled.events:
        assert (site / "events" / f"{event.id}.html").is_file()
    for key in vocab.MATERIALS:
        assert (site / "materials" / f"{key}.html").is_file()
    assert (site / "materials" / "Sb.html").is_file() and (site / "materials" / "rare-earths.html").is_file()
    assert (site / "countries" / "US.html").is_file() and (site / "countries" / "CN.html").is_file()
    live = [e.id for e in bundled.events if e.withdrawn is None]
    assert [e["id"] for e in json.loads((site / "events.json").read_text())] == live


def test_feed_parses_with_one_entry_per_event(site: Path, bundled) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.parse(site / "feed.xml").getroot()
    entries = root.findall("a:entry", ns)
    assert len(entries) == len(bundled.events)
    ids = [e.findtext("a:id", namespaces=ns) for e in entries]
    assert len(set(ids)) == len(ids)
    assert sorted(ids) == sorted(f"tag:retracker,2010:event/{e.id}" for e in bundled.events)
    for entry in entries:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext("a:updated", namespaces=ns) or "")
        href = entry.find("a:link", ns).get("href")
        assert href.startswith("https://example.org/retracker/events/")
        assert (site / href.removeprefix("https://example.org/retracker/")).is_file()
    assert root.findtext("a:updated", namespaces=ns)


def timeline_rows(site: Path) -> list[tuple[str, dict[str, str | None]]]:
    return parse(site / "timeline.html").rows


def test_timeline_element_keys_list_what_the_timeline_command_lists(site: Path, bundled) -> None:
    rows = timeline_rows(site)
    assert [r for r, _ in rows] == [e.id for e in reversed(bundled.events) if e.withdrawn is None]
    for key in vocab.MATERIALS:
        expected = {e.id for e in query.filter_events(bundled.events, query.Filters(materials=[key]))}
        shown = {r for r, a in rows if key in (a["data-element"] or "").split()}
        assert shown == expected, key


def test_timeline_country_keys_list_what_the_timeline_command_lists(site: Path, bundled) -> None:
    rows = timeline_rows(site)
    options = re.findall(r'<option value="([A-Z0-9]+)">', (site / "timeline.html").read_text())
    codes = [c for c in options if c in vocab.country_codes()]
    assert {"CN", "US", "JP", "DE"} <= set(codes)
    for code in codes:
        expected = {e.id for e in query.filter_events(bundled.events, query.Filters(countries=[code]))}
        shown = {r for r, a in rows if code in (a["data-country"] or "").split()}
        assert shown == expected, code


def test_country_pages_list_what_issuer_and_target_list(bundled) -> None:
    from retracker.site.views import filter_keys

    keys = filter_keys(bundled.events)
    for code in keys.country_options:
        for option, found in (("issuers", keys.by_issuer), ("targets", keys.by_target)):
            expected = query.filter_events(bundled.events, query.Filters(**{option: [code]}))
            assert [e.id for e in found.get(code, [])] == [e.id for e in expected], (option, code)
    for key in vocab.MATERIALS:
        expected = query.filter_events(bundled.events, query.Filters(materials=[key]))
        assert [e.id for e in keys.by_material.get(key, [])] == [e.id for e in expected], key


def test_timeline_sb_matches_the_cli(site: Path) -> None:
    from typer.testing import CliRunner

    from retracker.cli import app

    result = CliRunner().invoke(app, ["--data", str(REPO / "data"), "timeline", "-e", "Sb", "--json"])
    assert result.exit_code == 0, result.output
    listed = {e["id"] for e in json.loads(result.stdout)}
    shown = {r for r, a in timeline_rows(site) if "Sb" in (a["data-element"] or "").split()}
    assert shown == listed and len(listed) > 10


def test_url_aliases_reach_the_keys(site: Path) -> None:
    text = (site / "timeline.html").read_text()
    blob = re.search(r'<script type="application/json" id="aliases">(.*?)</script>', text, re.S)
    aliases = json.loads(blob[1])
    assert aliases["element"]["antimony"] == "Sb"
    assert aliases["element"]["锑"] == "Sb"
    assert aliases["element"]["rare earths"] == "rare-earths"
    assert aliases["country"]["china"] == "CN"


def test_index_shows_what_status_answers(site: Path, bundled) -> None:
    engine = StatusEngine(bundled, projected_after=bundled.coverage)
    expected = set()
    for e in bundled.events:
        st = engine.status(e.id, ON)
        if st is not None and st.status not in ENDED:
            expected.add(e.id)
    index = (site / "index.html").read_text()
    shown = set(re.findall(r'<table class="status">.*?</table>', index, re.S))
    ids = {i for table in shown for i in re.findall(r'data-id="([^"]+)"', table)}
    assert ids == expected
    assert "projected" in index and "log reviewed up to 2026-06-30" in index
    assert "*" in index  # rows past the coverage date carry the CLI's mark


def test_index_lists_the_next_90_days(site: Path, bundled) -> None:
    engine = StatusEngine(bundled)
    changes = engine.changes(ON, ON + dt.timedelta(days=90))
    index = (site / "index.html").read_text()
    table = re.search(r'<table class="upcoming">.*?</table>', index, re.S)
    ids = re.findall(r'data-id="([^"]+)"', table[0]) if table else []
    assert ids == [c.id for c in changes]


def test_event_page_has_relations_both_ways_sources_history_and_edit_link(site: Path, bundled) -> None:
    suspended = "2024-12-03-cn-mofcom-46-dual-use-items-us"
    by = "2025-11-09-cn-mofcom-72-suspension-46-art2"
    page = (site / "events" / f"{suspended}.html").read_text()
    assert f'href="../events/{by}.html"' in page and "suspended by" in page
    assert 'class="history"' in page and "suspended-in-part" in page
    assert "edit/main/data/events/2024/" + suspended + ".yaml" in page
    other = (site / "events" / f"{by}.html").read_text()
    assert f'href="../events/{suspended}.html#part-art2"' in other
    assert 'lang="zh"' in other  # the Chinese quote carries its language
    assert "<blockquote" in other


def test_material_page_carries_the_chart(site: Path) -> None:
    page = (site / "materials" / "Sb.html").read_text()
    assert "<svg" in page and "<title>retracker chart: material Sb;" in page
    assert "drawn 2026-12-02" in page


def test_zh_build_has_chinese_pages_with_right_lang(bundled, tmp_path: Path) -> None:
    out = tmp_path / "zh"
    build_site(bundled, out, on=ON, lang="zh")
    page = parse(out / "index.html")
    assert page.lang == "zh"
    text = (out / "events" / "2025-10-09-cn-mofcom-61-overseas-rare-earth-items.html").read_text()
    assert '<h1><span lang="zh">' in text and '<span lang="en">' in text


def test_two_builds_are_byte_identical(bundled, site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(bundled, again, on=ON, base_url="https://example.org/retracker/")
    first = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    _, mismatch, errors = filecmp.cmpfiles(site, again, [str(p) for p in first], shallow=False)
    assert mismatch == [] and errors == []


# ------------------------------------------------------------------ hostile input

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_hostile_event_is_inert(log: LogBuilder, tmp_path: Path) -> None:
    log.add(
        title=f"Title {HOSTILE}",
        title_zh=f"标题 {HOSTILE}",
        summary=f'Summary "quoted" {HOSTILE} <a href="javascript:alert(3)">x</a>',
        tags=["<b>bold</b>"],
        sources=[
            {
                "url": 'https://example.org/"><script>alert(4)</script>',
                "kind": "news",
                "publisher": f"Pub {HOSTILE}",
                "title": f"T {HOSTILE}",
                "lang": "en",
                "quote": f"</blockquote>{HOSTILE}",
            }
        ],
    )
    ds = load_dataset(log.root)
    out = tmp_path / "site"
    build_site(ds, out, on=ON)
    for path in [*pages(out), out / "feed.xml"]:
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text, path
        assert "<img src=x" not in text, path
        assert 'href="javascript:' not in text, path
        if path.suffix == ".html":
            page = parse(path)
            assert page.errors == [] and page.handlers == [], path
            assert all(
                s.get("src", "").startswith(("../assets/", "assets/")) or s.get("type") == "application/json"
                for s in page.scripts
            )
    ET.parse(out / "feed.xml")
    event_page = next((out / "events").glob("*.html")).read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in event_page


def test_a_javascript_url_is_refused(log: LogBuilder, tmp_path: Path) -> None:
    log.add(sources=[{"url": "javascript:alert(1)", "kind": "news", "publisher": "P", "lang": "en"}])
    ds = load_dataset(log.root)
    with pytest.raises(RetrackerError, match="could not be read"):
        build_site(ds, tmp_path / "site", on=ON)
    assert not (tmp_path / "site").exists()


def test_safe_url_keeps_only_plain_http_links() -> None:
    from retracker.site.build import safe_url

    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    for bad in ("javascript:alert(1)", "data:text/html,x", 'https://x/"><b>', "//evil", "https://"):
        assert safe_url(bad) is None, bad


# ------------------------------------------------------------------ output folder


def small_log(log: LogBuilder):
    log.add()
    return load_dataset(log.root)


def test_refuses_a_non_empty_folder_that_is_not_a_site(log: LogBuilder, tmp_path: Path) -> None:
    ds = small_log(log)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(SiteOutputError, match="not empty"):
        build_site(ds, out, on=ON)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    build_site(ds, out, on=ON, force=True)
    assert (out / "notes.txt").read_text() == "keep me"
    assert (out / "index.html").is_file() and (out / MANIFEST).is_file()


def test_rebuild_replaces_its_own_files_and_keeps_the_users(log: LogBuilder, tmp_path: Path) -> None:
    ds = small_log(log)
    out = tmp_path / "site"
    build_site(ds, out, on=ON)
    (out / "CNAME").write_text("example.org")
    stale = out / "events" / "2020-01-01-old-event.html"
    stale.write_text("old")
    manifest = (out / MANIFEST).read_text()
    (out / MANIFEST).write_text(manifest + "events/2020-01-01-old-event.html\n")
    build_site(ds, out, on=ON)
    assert (out / "CNAME").read_text() == "example.org"
    assert not stale.exists()
    assert (out / "index.html").is_file()
    build_site(ds, out, on=ON)  # a clean previous build is swapped whole
    assert (out / "CNAME").read_text() == "example.org"


def test_rebuild_of_a_clean_site_swaps_it(log: LogBuilder, tmp_path: Path) -> None:
    ds = small_log(log)
    out = tmp_path / "site"
    build_site(ds, out, on=ON)
    build_site(ds, out, on=ON + dt.timedelta(days=1))
    assert "2026-12-03" in (out / "index.html").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log", "site"]


def test_refuses_the_data_folder(log: LogBuilder) -> None:
    ds = small_log(log)
    with pytest.raises(SiteOutputError, match="inside the log"):
        build_site(ds, log.root / "site", on=ON)
    with pytest.raises(SiteOutputError, match="holds or lies inside"):
        build_site(ds, log.root.parent, on=ON, force=True)


def test_bad_base_url_is_refused(log: LogBuilder, tmp_path: Path) -> None:
    ds = small_log(log)
    with pytest.raises(RetrackerError, match="base-url"):
        build_site(ds, tmp_path / "s", on=ON, base_url="javascript:alert(1)")


def test_material_pages_show_the_series_figures_lists(site: Path, bundled) -> None:
    from retracker import figures
    from retracker.series import load_series

    found = load_series(REPO / "data")
    assert found.series and not found.errors
    for key in ("Sb", "Ga", "rare-earths"):
        listed = figures.matching(found.series, query.Filters(materials=[key]))
        page = (site / "materials" / f"{key}.html").read_text()
        assert re.findall(r'<section class="series" id="series-([^"]+)"', page) == [s.id for s in listed]
        for series in listed:
            block = page.split(f'id="series-{series.id}"')[1].split("</section>")[0]
            assert block.count("<svg ") == 1 and f'id="derived-{series.id}"' in block
            table = block.split('<table class="series-points"')[1]
            assert table.count("<tr><td>") == len(series.points), (key, series.id)


# ------------------------------------------------------------------ the command


def test_site_command_builds_and_reports(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from retracker.cli import app

    out = tmp_path / "site"
    args = ["--data", str(REPO / "data"), "site", "-o", str(out), "--on", "2026-12-02"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "page(s)" in result.stderr and "as of 2026-12-02" in result.stderr
    assert "after the log's coverage date" in result.stderr
    assert (out / "index.html").is_file() and (out / "timeline.html").is_file()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    refused = CliRunner().invoke(app, ["--data", str(REPO / "data"), "site", "-o", str(tmp_path / "mine")])
    assert refused.exit_code == 2
    assert "not empty" in refused.stderr and "Traceback" not in refused.output
    bad = CliRunner().invoke(app, [*args, "--base-url", "ftp://x"])
    assert bad.exit_code == 2 and "base-url" in bad.stderr


def test_site_command_in_a_real_process_is_deterministic(tmp_path: Path) -> None:
    import subprocess
    import sys

    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        run = subprocess.run(
            [sys.executable, "-m", "retracker", "--data", str(REPO / "data"), "site", "-o", str(out),
             "--on", "2026-06-30", "--lang", "zh"],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert "wrote" in run.stderr
        outs.append(out)
    assert 'lang="zh"' in (outs[0] / "index.html").read_text()
    files = sorted(p.relative_to(outs[0]).as_posix() for p in outs[0].rglob("*") if p.is_file())
    for rel in files:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel


def test_reasons_name_events_by_handle_with_a_link(site: Path, bundled) -> None:
    """A status reason names the acting event as the CLI does, by handle, and links to it;
    no full id is left in a reason cell's text."""
    from retracker.handles import entries_of, handles, ids_in

    names = handles(entries_of(bundled.events))
    html = (site / "index.html").read_text(encoding="utf-8")
    cells = re.findall(r'<td class="reason"[^>]*>(.*?)</td>', html, flags=re.S)
    links = [link for cell in cells for link in re.findall(r'<a href="([^"]+)">([^<]+)</a>', cell)]
    assert links, "no reason on the index names another event"
    for href, text in links:
        event_id = posixpath.basename(unquote(href)).removesuffix(".html")
        assert names[event_id] == text
        assert (site / unquote(href)).is_file()
    for cell in cells:
        assert not list(ids_in(re.sub(r"<a [^>]*>[^<]*</a>", "", cell)))


@pytest.mark.parametrize("value", ["-", "", " "])
def test_site_output_must_name_a_folder(value: str, tmp_path: Path, monkeypatch) -> None:
    """`-o -` is standard output for the other commands and `-o ''` nothing at all: neither
    builds a folder named '-' or into the current folder (adversarial pass)."""
    from typer.testing import CliRunner

    from retracker.cli import app

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["--data", str(REPO / "data"), "site", "-o", value])
    assert result.exit_code == 2, result.output
    assert "--output" in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_site_on_the_last_day_of_the_calendar(bundled, tmp_path: Path) -> None:
    """--on 9999-12-31 builds (the history bars ran one day past the calendar: OverflowError)."""
    report = build_site(bundled, tmp_path / "site", on=dt.date(9999, 12, 31))
    assert report.pages > 0
    assert "9999-12-31" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_the_404_page_links_under_the_base_url_at_any_depth(site: Path) -> None:
    page = parse(site / "404.html")
    assert page.errors == [] and "Page not found" in (site / "404.html").read_text()
    links = [link for link in page.links if not link.startswith(("data:", "#"))]
    assert len(links) >= 8
    assert all(link.startswith("https://example.org/retracker/") for link in links), links


def test_without_a_base_url_the_404_page_links_from_the_top_folder(log: LogBuilder, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(load_dataset(small_log(log).root), out, on=ON)
    links = [link for link in parse(out / "404.html").links if not link.startswith(("data:", "#"))]
    for link in links:
        assert (out / unquote(urlsplit(link).path)).is_file(), link


def test_a_material_page_says_what_it_is_and_counts_its_timeline(site: Path) -> None:
    from typer.testing import CliRunner

    from retracker.cli import app

    result = CliRunner().invoke(app, ["--data", str(REPO / "data"), "timeline", "-e", "Sb", "--json"])
    listed = json.loads(result.stdout)
    lede = re.search(r'<p class="lede">(.*?)</p>', (site / "materials" / "Sb.html").read_text(), re.S)[1]
    text = re.sub(r"<[^>]+>", "", lede)
    assert text.startswith("Element.") and f"{len(listed)} events on the timeline" in text
    group = re.sub(
        r"<[^>]+>",
        "",
        re.search(r'<p class="lede">(.*?)</p>', (site / "materials" / "Dy.html").read_text(), re.S)[1],
    )
    assert "part of rare-earths" in group


def test_the_materials_index_gives_each_material_one_name_cell(site: Path) -> None:
    text = (site / "materials" / "index.html").read_text()
    row = re.search(r"<tr><td><a [^>]*>Sb</a></td>(.*?)</tr>", text)[1]
    assert row.count("<td") == 3 and '<span lang="en">antimony</span> <span lang="zh">锑</span>' in row


@pytest.mark.parametrize(
    ("make", "target", "message"),
    [
        (
            lambda d: (d / "real").mkdir() or (d / "link").symlink_to("real"),
            "link",
            "a symbolic link (to real)",
        ),
        (lambda d: (d / "file.txt").write_text("x"), "file.txt", "it is a file, not a folder"),
        (lambda d: (d / "file.txt").write_text("x"), "file.txt/sub", "file.txt is a file, not a folder"),
        (lambda d: None, "missing/sub", "does not exist"),
    ],
    ids=["symlink", "file", "under-a-file", "under-nothing"],
)
def test_an_output_that_cannot_be_a_site_folder_says_what_it_is(
    log: LogBuilder, tmp_path: Path, make, target: str, message: str
) -> None:
    ds = small_log(log)
    place = tmp_path / "place"
    place.mkdir()
    make(place)
    before = sorted(p.relative_to(place).as_posix() for p in place.rglob("*"))
    with pytest.raises(SiteOutputError, match=re.escape(message)):
        build_site(ds, place / target, on=ON)
    assert sorted(p.relative_to(place).as_posix() for p in place.rglob("*")) == before
