"""Take the README's screenshot of the site's index page in headless Chromium:
`python -m retracker._screenshot [OUT.png] [--on DATE] [--data DIR]`.

A development tool (like ``retracker._docs``), not part of the CLI: it needs the test extra's
``playwright`` and a system Chromium (Debian's ``chromium``, or ``$RETRACKER_CHROMIUM``);
Playwright's own browser download is never used. The site is built from the log (the bundled
one by default) as of a fixed day into a temporary folder, opened from disk at a fixed viewport,
locale and time zone, and the top of the index is saved. The browser tests launch Chromium
through :func:`launch` too, so both see the same browser with the same flags.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_OUT = Path("docs/site-index.png")
# The log's coverage date when the screenshot was last taken; pass --on to move it.
DEFAULT_ON = dt.date(2026, 6, 30)
VIEWPORT = {"width": 1200, "height": 900}
# Without the background-networking flags Chromium keeps opening connections that a closed
# network refuses. Playwright's launch() gives every browser a new, empty user-data dir (a
# temporary one, deleted on close).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)


def chromium_path() -> str:
    """``$RETRACKER_CHROMIUM``, else Debian's ``/usr/bin/chromium``."""
    return os.environ.get("RETRACKER_CHROMIUM") or DEFAULT_CHROMIUM


def launch(playwright: Any) -> Any:
    """A headless system Chromium driven by ``playwright`` (a started sync_playwright())."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=list(CHROMIUM_ARGS)
    )


def screenshot(site: Path, out: Path, browser: Any = None) -> None:
    """Save the top of ``site/index.html`` (one viewport) as a PNG at ``out``, in ``browser``
    (a Playwright Browser) or in a system Chromium launched for the purpose."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            launched = launch(playwright)
            try:
                screenshot(site, out, launched)
            finally:
                launched.close()
        return
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, locale="en-GB", timezone_id="UTC")
    try:
        page = context.new_page()
        page.goto((site / "index.html").as_uri(), wait_until="load")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), animations="disabled", caret="hide")
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m retracker._screenshot", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "out", nargs="?", type=Path, default=DEFAULT_OUT, help=f"PNG to write ({DEFAULT_OUT})"
    )
    parser.add_argument(
        "--on", type=dt.date.fromisoformat, default=DEFAULT_ON, help="the site's day (YYYY-MM-DD)"
    )
    parser.add_argument("--data", type=Path, default=None, help="the log (default: the one commands read)")
    args = parser.parse_args(argv)
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("error: needs playwright: pip install -e '.[test]'", file=sys.stderr)
        return 2
    if not Path(chromium_path()).is_file():
        print(
            f"error: no Chromium at {chromium_path()}: apt-get install chromium, or set RETRACKER_CHROMIUM",
            file=sys.stderr,
        )
        return 2

    from .dataset import load_dataset, resolve_data_dir
    from .site import build_site

    dataset = load_dataset(resolve_data_dir(args.data))
    with tempfile.TemporaryDirectory(prefix="retracker-shot-") as temp:
        site = Path(temp) / "site"
        build_site(dataset, site, on=args.on)
        screenshot(site, args.out)
    print(f"wrote {args.out} (index.html as of {args.on}, {VIEWPORT['width']}x{VIEWPORT['height']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
