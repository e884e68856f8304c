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
