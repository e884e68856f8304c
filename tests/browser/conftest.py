"""Browser tests: Playwright for Python driving the system's Chromium (Debian's `chromium` package).

Playwright's own browser download is not reachable here or in CI, so the browser is launched with
``executable_path``: ``$RETRACKER_CHROMIUM``, else ``/usr/bin/chromium``, with the flags of
:mod:`retracker._screenshot` (which takes the README's screenshot the same way). When it (or the Python
package ``playwright``) is missing, every browser test skips with one line; with
``RETRACKER_BROWSER_TESTS=required`` (set by ``.ci/run``) they fail instead.

One browser per session. Each test gets a fresh context (no shared storage) and a :class:`Tab`
that records console errors, uncaught page errors and failed requests. Sites are served by
:class:`StaticServer` on ``127.0.0.1`` under a ``/retracker/`` prefix, as GitHub Pages serves a
project site, so a root-absolute link (``/events/...``) 404s here as it would there.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from retracker._screenshot import chromium_path, launch

PREFIX = "retracker"


def browser_required() -> bool:
    return os.environ.get("RETRACKER_BROWSER_TESTS", "").strip().lower() == "required"


def _unavailable(reason: str) -> None:
    """Skip, or fail when the browser is required. Raised from a hook, not a fixture, so that
    pytest's summary folds every browser test's skip into one line."""
    if browser_required():
        pytest.fail(f"RETRACKER_BROWSER_TESTS=required, but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (install Debian's chromium, or set RETRACKER_CHROMIUM)")


@functools.cache
def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    path = chromium_path()
    if not (shutil.which(path) or Path(path).is_file()):
        return f"no Chromium at {path}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[test]')"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = missing()
    if reason:
        _unavailable(reason)


def report_header() -> str:
    """The browser line of pytest's header (tests/conftest.py prints it: pytest reads this hook
    only from the root conftest)."""
    path = chromium_path()
    mode = "required" if browser_required() else "skipped if missing"
    if not (shutil.which(path) or Path(path).is_file()):
        return f"browser: {path} not found ({mode})"
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        out = f"cannot run: {exc}"
    return f"browser: {path}: {out} ({mode})"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    from playwright.sync_api import Error, sync_playwright

    path = chromium_path()
    manager = sync_playwright().start()
    try:
        try:
            launched = launch(manager)
        except Error as exc:
            _unavailable(f"Chromium at {path} did not start: {str(exc).splitlines()[0]}")
        yield launched
        launched.close()
    finally:
        manager.stop()


@dataclass
class Tab:
    """A page plus what went wrong while it was open."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Console errors and failed requests, less the browser's own ``/favicon.ico`` probe at the
        server root: that is outside the site (on GitHub Pages it is the account's root)."""
        return [p for p in self.console_errors + self.failed_requests if not _root_favicon(p)]

    def open(self, url: str) -> Any:
        response = self.page.goto(url, wait_until="load")
        if response is not None and response.status >= 400:
            self.failed_requests.append(f"{response.status} {url}")
        return response


def _root_favicon(problem: str) -> bool:
    return re.search(r"//[^/\s]+/favicon\.ico\b", problem) is not None


def _watch(page: Any) -> Tab:
    tab = Tab(page)
    page.on(
        "console",
        lambda msg: (
            tab.console_errors.append(f"console.{msg.type}: {msg.text} ({msg.location.get('url')})")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: tab.console_errors.append(f"uncaught: {exc}"))
    page.on("requestfailed", lambda req: tab.failed_requests.append(f"failed: {req.url} ({req.failure})"))

    def on_response(response: Any) -> None:
        if response.status >= 400:
            tab.failed_requests.append(f"{response.status}: {response.url}")

    page.on("response", on_response)
    return tab


@pytest.fixture
def new_tab(browser: Any) -> Iterator[Any]:
    """A factory of watched tabs, each in its own context: ``new_tab(width=390)``."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 900, java_script: bool = True) -> Tab:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="en-GB",
            timezone_id="UTC",
            java_script_enabled=java_script,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return _watch(context.new_page())

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def tab(new_tab: Any) -> Tab:
    """One watched tab at a desktop width."""
    return new_tab()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class StaticServer:
    """Serve ``root`` on 127.0.0.1 (a free port) in a thread: ``url('index.html')``."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"


def serve_under_prefix(site: Path, root: Path) -> Path:
    """Place ``site`` at ``root/retracker`` (a symlink) and return ``root``: serve root, visit /retracker/."""
    root.mkdir(parents=True, exist_ok=True)
    link = root / PREFIX
    if not link.exists():
        link.symlink_to(site, target_is_directory=True)
    return root
