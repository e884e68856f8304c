"""The browser harness itself: Chromium starts, runs a script, loads pages over http and file://,
and a Tab notices console errors and failed requests (so a site test that sees none means none)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .conftest import PREFIX, StaticServer, serve_under_prefix

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>harness</title>
<script src="app.js" defer></script></head>
<body><main><h1 id="h">static</h1><p id="q"></p></main></body></html>
"""
SCRIPT = """document.getElementById("h").textContent = "scripted";
document.getElementById("q").textContent = new URLSearchParams(location.search).get("element") || "";
"""


def _tiny_site(folder: Path, extra_body: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(PAGE.replace("</main>", extra_body + "</main>"), encoding="utf-8")
    (folder / "app.js").write_text(SCRIPT, encoding="utf-8")
    return folder


def test_chromium_runs_the_page_script_over_http_with_the_query(tmp_path: Path, tab: Any) -> None:
    site = _tiny_site(tmp_path / "site")
    with StaticServer(serve_under_prefix(site, tmp_path / "root")) as server:
        tab.open(f"{server.base}{PREFIX}/index.html?element=Sb")
        assert tab.page.text_content("#h") == "scripted"
        assert tab.page.text_content("#q") == "Sb"
    assert tab.problems() == []


def test_chromium_runs_the_page_script_from_a_file_url(tmp_path: Path, tab: Any) -> None:
    site = _tiny_site(tmp_path / "site")
    tab.open((site / "index.html").as_uri() + "?element=Sb")
    assert tab.page.text_content("#h") == "scripted"
    assert tab.page.text_content("#q") == "Sb"
    assert tab.problems() == []


def test_a_missing_asset_and_a_script_error_are_reported(tmp_path: Path, tab: Any) -> None:
    site = _tiny_site(tmp_path / "site", '<img src="missing.png" alt="x"><script>nope()</script>')
    with StaticServer(serve_under_prefix(site, tmp_path / "root")) as server:
        tab.open(f"{server.base}{PREFIX}/index.html")
    problems = "\n".join(tab.problems())
    assert "404" in problems and "missing.png" in problems
    assert "nope" in problems


def test_a_root_absolute_link_breaks_under_the_prefix(tmp_path: Path, tab: Any) -> None:
    site = _tiny_site(tmp_path / "site", '<img src="/app.js" alt="x">')
    with StaticServer(serve_under_prefix(site, tmp_path / "root")) as server:
        tab.open(f"{server.base}{PREFIX}/index.html")
    assert f"404: {server.base}app.js" in tab.failed_requests
