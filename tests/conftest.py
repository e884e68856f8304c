"""Shared fixtures: a pinned terminal, a scratch data directory, event builders."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from retracker.cli import app  # noqa: F401  (imported so collection fails early if broken)
from retracker.diagnostics import Diagnostic
from retracker.lint import REGISTRY

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_report_header(config: pytest.Config) -> str:
    from tests.browser.conftest import report_header

    return report_header()


@pytest.fixture(autouse=True)
def pinned_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Same output everywhere: fixed width, no colour, no forced terminal, a private cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TERMINAL_WIDTH", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("_TYPER_FORCE_DISABLE_TERMINAL", "1")
    for var in (
        "FORCE_COLOR",
        "PY_COLORS",
        "GITHUB_ACTIONS",
        "GITHUB_STEP_SUMMARY",
        "RETRACKER_DATA",
        "RETRACKER_LANG",
        "RETRACKER_DEBUG",
    ):
        monkeypatch.delenv(var, raising=False)


def event_dict(**overrides: Any) -> dict[str, Any]:
    """A valid measure; override any field (None deletes it)."""
    base: dict[str, Any] = {
        "id": "2025-04-04-cn-mofcom-gacc-18-test-measure",
        "instrument_key": "CN-MOFCOM-GACC-2025-18",
        "title": "Test measure",
        "title_zh": "测试",
        "date": "2025-04-04",
        "kind": "export-control",
        "issuer": "CN",
        "authority": "MOFCOM",
        "instrument": "MOFCOM Announcement No. 18 of 2025",
        "materials": ["Dy"],
        "targets": ["ALL"],
        "verification": "official",
        "sources": [
            {
                "url": "https://example.org/a",
                "kind": "official-text",
                "publisher": "MOFCOM",
                "title": "Announcement",
                "date": "2025-04-04",
                "lang": "zh",
                "primary": True,
            }
        ],
        "summary": "A test measure.",
    }
    for key, value in overrides.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


class LogBuilder:
    """Writes a data directory: dataset.yaml plus events/YYYY/<id>.yaml."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "events").mkdir(parents=True, exist_ok=True)
        (root / "dataset.yaml").write_text("schema_version: 1\ncoverage: 2026-11-25\n")

    def add(self, **overrides: Any) -> Path:
        data = event_dict(**overrides)
        return self.write_text(data["id"], data["date"][:4], dump(data))

    def write_text(self, stem: str, year: str, text: str, suffix: str = ".yaml") -> Path:
        folder = self.root / "events" / year
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stem}{suffix}"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path


@pytest.fixture
def log(tmp_path: Path) -> LogBuilder:
    return LogBuilder(tmp_path / "log")


# ---- what counts as a well-formed diagnostic (hostile input, the YAML suite, the fuzz test)


def one_line(text: str) -> bool:
    return bool(text) and text.splitlines() == [text]


def malformed(diag: Diagnostic) -> list[str]:
    """What is wrong with a diagnostic (empty when it is well-formed)."""
    wrong = []
    if diag.code not in REGISTRY:
        wrong.append(f"code {diag.code!r} is not in the registry")
    for name in ("line", "col"):
        value = getattr(diag, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            wrong.append(f"{name} {value!r} is not a 1-based position")
    if not isinstance(diag.message, str) or not one_line(diag.message):
        wrong.append(f"message {diag.message!r} is not one line of text")
    if diag.hint is not None and not one_line(diag.hint):
        wrong.append(f"hint {diag.hint!r} is not one line of text")
    if diag.severity not in ("error", "warning"):
        wrong.append(f"severity {diag.severity!r}")
    return wrong


# ---- trade series (issue 13): a valid series file to break or to chart

SERIES_MODELINE = "# yaml-language-server: $schema=../../schema/series.schema.json"


def source(quote: str, url: str = "https://example.org/page") -> dict[str, Any]:
    return {"url": url, "kind": "news", "publisher": "Example News", "date": "2025-05-20", "quote": quote}


def series_dict(**overrides: Any) -> dict[str, Any]:
    """A valid series: a stated month, a derived one, a disputed one, a combined period, totals."""
    base: dict[str, Any] = {
        "id": "cn-exports-test-world",
        "title": "China's exports of test magnets, all destinations",
        "title_zh": "测试",
        "unit": "t",
        "materials": ["rare-earth-magnets"],
        "flow": "export",
        "reporter": "CN",
        "partner": "world",
        "frequency": "monthly",
        "summary": "Test series.",
        "points": [
            {"period": "2025-01/2025-02", "value": 9000, "sources": [source("9,000 tons in two months")]},
            {"period": "2025-03", "value": 5000, "sources": [source("5,000 metric tons in March")]},
            {"period": "2025-04", "value": 2626, "sources": [source("exports of 2,626 metric tons")]},
            {
                "period": "2025-05",
                "value": 1238,
                "derived": {"from": ["2025-04"], "how": "April less 52.9%"},
                "sources": [source("down 52.9% from April")],
            },
            {
                "period": "2025-06",
                "value": 3188,
                "disputed": True,
                "alternatives": [{"value": 3187, "sources": [source("3,187 t", "https://example.org/b")]}],
                "sources": [source("3,188 tonnes")],
            },
        ],
        "totals": [
            {"from": "2025-01", "to": "2025-06", "value": 21052, "sources": [source("21,052 t in H1")]},
            {"from": "2025-03", "to": "2025-04", "value": 7700, "sources": [source("7,700")], "note": "rev"},
        ],
    }
    for key, value in overrides.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def write_series(folder: Path, data: dict[str, Any], name: str | None = None, modeline: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or data['id']}.yaml"
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    path.write_text((SERIES_MODELINE + "\n" if modeline else "") + text, encoding="utf-8")
    return path
