"""README's first screen says what the log covers, up to when, and which commands answer."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_the_first_screen_names_the_coverage_date_and_the_commands() -> None:
    first = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:40])
    coverage = yaml.safe_load((ROOT / "data" / "dataset.yaml").read_text(encoding="utf-8"))["coverage"]
    assert f"reviewed up to **{coverage}**" in first
    for command in ("retracker timeline", "retracker show", "retracker status", "retracker upcoming"):
        assert command in first
