"""`retracker site` in a real browser: the bundled log built once per session (as of a pinned day),
served over loopback http under /retracker/ and opened from file://.

What is checked: pages load with no console error and no failed request; the timeline's URL
filters show exactly the events `retracker timeline --json` lists for the same filter on the same
log; typing in the search box narrows the rows; a relation link leads to the related event (and
back); a 390-pixel-wide phone never scrolls sideways; axe-core finds nothing serious or critical.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from retracker._screenshot import VIEWPORT, screenshot
from retracker.cli import app
from retracker.dataset import load_dataset
from retracker.site import build_site

from .conftest import PREFIX, StaticServer, Tab, serve_under_prefix

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
ON = dt.date(2026, 12, 2)
PHONE = 390
VISIBLE_ROWS = "#rows tr[data-id]:not([hidden])"


@pytest.fixture(scope="session")
def dataset() -> Any:
    return load_dataset(DATA)


@pytest.fixture(scope="session")
def site(dataset: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser-site") / "site"
    build_site(dataset, out, on=ON)
    return out


@pytest.fixture(scope="session")
def served(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site's URL over http, under the /retracker/ prefix (ends with a slash)."""
    with StaticServer(serve_under_prefix(site, tmp_path_factory.mktemp("served"))) as server:
        yield f"{server.base}{PREFIX}/"


def cli_timeline(*args: str) -> list[str]:
    """Event ids, in order, from `retracker timeline ... --json` on the same log (typer's runner:
    the CLI's own code, without a second interpreter's start-up per filter)."""
    result = CliRunner().invoke(app, ["--data", str(DATA), "timeline", *args, "--json"])
    assert result.exit_code == 0, result.output
    return [event["id"] for event in json.loads(result.stdout)]


def visible_ids(tab: Tab) -> list[str]:
    return tab.page.eval_on_selector_all(VISIBLE_ROWS, "rows => rows.map(r => r.dataset.id)")


def wait_rows(tab: Tab, op: str, n: int) -> None:
    """Wait until the number of visible rows compares so (``<``, ``===``) with n."""
    tab.page.wait_for_function(
        f"([sel, n]) => document.querySelectorAll(sel).length {op} n", arg=[VISIBLE_ROWS, n]
    )


def all_ids(tab: Tab) -> list[str]:
    return tab.page.eval_on_selector_all("#rows tr[data-id]", "rows => rows.map(r => r.dataset.id)")


def related_pair(dataset: Any) -> tuple[str, str]:
    """The first event (by id) with a relation to another event of the log, and that event."""
    ids = {e.id for e in dataset.events}
    for event in sorted(dataset.events, key=lambda e: e.id):
        for relation in event.relations or ():
            if relation.target in ids and relation.target != event.id and not relation.target_part:
                return event.id, relation.target
    raise AssertionError("no event of the bundled log relates to another")


def longest_source_url_event(dataset: Any) -> str:
    """The event page most likely to overflow a phone: the one with the longest source URL."""
    return max(dataset.events, key=lambda e: (max(len(s.url) for s in e.sources), e.id)).id


def test_index_loads_with_no_console_error_and_no_failed_request(served: str, tab: Tab) -> None:
    tab.open(served + "index.html")
    assert tab.page.locator("h1").count() == 1
    assert tab.page.title().endswith("retracker")
    assert tab.problems() == []


@pytest.mark.parametrize(
    "path",
    [
        "timeline.html",
        "materials/index.html",
        "materials/rare-earths.html",
        "countries/index.html",
        "countries/CN.html",
        "events/2012-03-13-us-eu-jp-wto-rare-earths-consultations.html",
    ],
)
def test_other_pages_load_with_no_console_error_and_no_failed_request(
    served: str, tab: Tab, path: str
) -> None:
    tab.open(served + path)
    assert tab.page.locator("h1").count() == 1
    assert tab.problems() == []


@pytest.mark.parametrize(
    ("query", "cli_args"),
    [
        ("element=Sb", ["-e", "Sb"]),
        ("element=antimony", ["-e", "antimony"]),
        ("element=" + quote("锑"), ["-e", "锑"]),
        ("element=rare-earths", ["-e", "rare-earths"]),
        ("country=US", ["--country", "US"]),
        ("element=Sb&country=US", ["-e", "Sb", "--country", "US"]),
    ],
)
def test_timeline_filter_shows_exactly_what_the_cli_lists(
    served: str, tab: Tab, query: str, cli_args: list[str]
) -> None:
    expected = cli_timeline(*cli_args)
    assert expected, f"the bundled log has no event for {cli_args}: choose another filter"
    tab.open(f"{served}timeline.html?{query}")
    shown = visible_ids(tab)
    assert len(shown) == len(set(shown))
    assert sorted(shown) == sorted(expected)
    assert len(shown) < len(all_ids(tab))
    assert tab.page.text_content("#count").startswith(f"{len(expected)} / ")
    assert tab.problems() == []


def test_timeline_oldest_first_is_the_cli_order(served: str, tab: Tab) -> None:
    tab.open(f"{served}timeline.html?element=Sb&order=oldest")
    assert visible_ids(tab) == cli_timeline("-e", "Sb")


def test_timeline_form_reflects_the_url_query(served: str, tab: Tab) -> None:
    tab.open(f"{served}timeline.html?element=antimony&country=US")
    assert tab.page.input_value("#f-element") == "Sb"
    assert tab.page.input_value("#f-country") == "US"


def test_typing_in_the_search_box_narrows_the_rows(served: str, tab: Tab) -> None:
    tab.open(f"{served}timeline.html")
    everything = visible_ids(tab)
    word = "gallium"
    tab.page.locator("#f-q").press_sequentially(word, delay=20)
    wait_rows(tab, "<", len(everything))
    shown = visible_ids(tab)
    assert 0 < len(shown) < len(everything)
    texts = tab.page.eval_on_selector_all(VISIBLE_ROWS, "rows => rows.map(r => r.textContent.toLowerCase())")
    assert all(word in text for text in texts)
    hidden = tab.page.eval_on_selector_all(
        "#rows tr[data-id][hidden]", "rows => rows.map(r => r.textContent.toLowerCase())"
    )
    assert hidden and not any(word in text for text in hidden)
    assert f"q={word}" in tab.page.url
    tab.page.locator("#f-q").fill("")
    wait_rows(tab, "===", len(everything))
    assert tab.problems() == []


def test_without_javascript_the_timeline_lists_every_event(served: str, new_tab: Any, dataset: Any) -> None:
    tab = new_tab(java_script=False)
    tab.open(f"{served}timeline.html?element=Sb")
    shown = visible_ids(tab)
    assert len(shown) == len(all_ids(tab)) > len(cli_timeline("-e", "Sb"))


def test_a_relation_link_leads_to_the_related_event_and_back(served: str, tab: Tab, dataset: Any) -> None:
    origin, target = related_pair(dataset)
    tab.open(f"{served}events/{origin}.html")
    link = tab.page.locator(f'#relations a[data-relation][href$="{target}.html"]').first
    link.click()
    tab.page.wait_for_url(f"**/events/{target}.html")
    assert tab.page.locator("h1").count() == 1
    back = tab.page.locator(f'#relations a[data-relation][href$="{origin}.html"]')
    assert back.count() >= 1
    assert tab.problems() == []


def _phone_pages(dataset: Any) -> list[str]:
    return [
        "index.html",
        "timeline.html",
        f"events/{longest_source_url_event(dataset)}.html",
        "materials/rare-earths.html",
        "materials/Sb.html",
        "materials/index.html",
        "404.html",
    ]


@pytest.mark.parametrize(
    "which", range(7), ids=["index", "timeline", "event", "group", "material", "materials", "404"]
)
def test_a_phone_never_scrolls_sideways(served: str, new_tab: Any, dataset: Any, which: int) -> None:
    path = _phone_pages(dataset)[which]
    tab = new_tab(width=PHONE, height=844)
    tab.open(served + path)
    widths = tab.page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{path} is {widths[0]}px wide in a {widths[1]}px viewport"
    assert tab.problems() == []


SERIOUS = ("serious", "critical")
# axe's colour-contrast rule is most of its time (5 s of 6 on the index) and depends only on the
# stylesheet and the markup of a row, so on long pages it looks at a sample: the first group of
# the index, the first 20 rows of the timeline, and only the header and footer of a country page
# (its rows are a material page's). Every other rule sees the whole page.
CONTRAST_SKIPS = {
    "index.html": ['main > section[id^="in-force-"] ~ section[id^="in-force-"]'],
    "timeline.html?element=Sb": ["#rows tr:nth-child(n+21)"],
    "countries/CN.html": ["main"],
}


def _axe_serious(tab: Tab, contrast_skips: tuple[str, ...] | list[str] = ()) -> list[str]:
    """axe-core's serious and critical violations on the open page, one line each."""
    from axe_playwright_python.base import AXE_SCRIPT

    tab.page.evaluate(AXE_SCRIPT)
    runs: list[tuple[Any, dict[str, Any]]] = [("document", {})]
    if contrast_skips:
        runs = [
            ("document", {"rules": {"color-contrast": {"enabled": False}}}),
            (
                {"exclude": [[sel] for sel in contrast_skips]},
                {"runOnly": {"type": "rule", "values": ["color-contrast"]}},
            ),
        ]
    found = []
    for context, options in runs:
        results = tab.page.evaluate(
            "([context, options]) => axe.run(context === 'document' ? document : context, options)",
            [context, {"resultTypes": ["violations"], **options}],
        )
        found += [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in results["violations"]
            if v["impact"] in SERIOUS
        ]
    return found


AXE_PAGES = ["index.html", "timeline.html?element=Sb", "materials/Sb.html", "countries/CN.html"]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_nothing_serious(served: str, tab: Tab, path: str) -> None:
    tab.open(served + path)
    assert _axe_serious(tab, CONTRAST_SKIPS.get(path, ())) == []


def test_axe_finds_nothing_serious_on_an_event_page(served: str, tab: Tab, dataset: Any) -> None:
    origin, _ = related_pair(dataset)
    tab.open(f"{served}events/{origin}.html")
    assert _axe_serious(tab) == []


def test_axe_reports_a_serious_violation(tmp_path: Path, tab: Tab) -> None:
    """The check can fail: an unlabelled field, an image without alt text and faint text are
    reported, by the sampled contrast run too."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><title>bad</title></head><body><main>'
        '<h1>bad</h1><input type="text"><img src="data:,"><p style="color:#ddd">faint</p>'
        '<p id="skipped" style="color:#eee">skipped</p></main></body></html>',
        encoding="utf-8",
    )
    tab.open(page.as_uri())
    for skips in ((), ("#skipped",)):
        found = " ".join(_axe_serious(tab, skips))
        assert "label (critical)" in found and "image-alt (critical)" in found
        assert "color-contrast (serious)" in found
    assert "#skipped" in " ".join(_axe_serious(tab))
    assert "#skipped" not in " ".join(_axe_serious(tab, ("#skipped",)))


def test_the_site_works_from_a_file_url(site: Path, tab: Tab) -> None:
    tab.open((site / "index.html").as_uri())
    assert tab.problems() == []
    tab.open((site / "timeline.html").as_uri() + "?element=Sb")
    assert sorted(visible_ids(tab)) == sorted(cli_timeline("-e", "Sb"))
    sb = visible_ids(tab)
    tab.page.locator("#f-q").press_sequentially("zzz-no-such-word", delay=10)
    wait_rows(tab, "<", len(sb))
    assert visible_ids(tab) == []
    assert tab.problems() == []


def test_the_readme_screenshot_is_one_viewport_of_the_index(site: Path, browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "docs" / "site-index.png"
    screenshot(site, out, browser)
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (VIEWPORT["width"], VIEWPORT["height"])
