"""new, search, diff, chart: through the library and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker import lint_paths, load_dataset
from retracker.cli import app
from retracker.scaffold import Draft, slugify
from retracker.search import search, terms_of

from .conftest import LogBuilder

runner = CliRunner()


@pytest.fixture
def data(log: LogBuilder) -> Path:
    log.add(
        id="2025-10-09-cn-mofcom-61-overseas",
        title="Overseas rare-earth items, 0.1% de minimis",
        title_zh="境外相关稀土物项出口管制",
        materials=["rare-earths"],
        tags=["de-minimis"],
        instrument_key="CN-MOFCOM-2025-61",
        date="2025-10-09",
    )
    log.add(
        id="2024-08-15-cn-antimony",
        title="Antimony export controls",
        date="2024-08-15",
        materials=["Sb"],
        instrument_key=None,
        summary="Antimony and superhard materials; de minimis not.",
    )
    return log.root


def test_slug_and_id() -> None:
    assert (
        slugify("Export controls on the seven Rare Earths (Dy, Tb)", 6)
        == "export-controls-seven-rare-earths-dy"
    )
    draft = Draft(dt.date(2026, 11, 10), "CN", "suspension", "Extension of the suspension", "MOFCOM", "80")
    assert draft.id == "2026-11-10-cn-mofcom-80-extension-suspension"


def test_new_scaffolds_fails_lint_until_filled_and_refuses_overwrite(data: Path) -> None:
    args = [
        "--data",
        str(data),
        "new",
        "--date",
        "2026-11-10",
        "--issuer",
        "China",
        "--kind",
        "suspension",
        "--title",
        "Extension of the suspension",
        "--authority",
        "MOFCOM",
        "--number",
        "80",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == data / "events" / "2026" / "2026-11-10-cn-mofcom-80-extension-suspension.yaml"
    codes = {d.code for d in lint_paths([path]).errors}
    assert codes == {"RT308"}
    filled = path.read_text(encoding="utf-8").replace(
        "TODO (the instrument name and number as published)", "MOFCOM Announcement No. 80 of 2026"
    )
    filled = filled.replace("https://TODO.invalid/the-page-you-read", "https://example.org/page")
    filled = filled.replace("TODO: two or three sentences in your own words.", "Filled in.")
    filled = filled.replace("TODO", "Example")
    path.write_text(filled, encoding="utf-8")
    assert lint_paths([path]).errors == []
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert path.read_text(encoding="utf-8") == filled


def test_new_prompts_for_missing_options(data: Path) -> None:
    result = runner.invoke(
        app, ["--data", str(data), "new"], input="2026-01-02\nJP\nstatement\nA statement\n"
    )
    assert result.exit_code == 0, result.output
    assert "2026-01-02-jp-statement.yaml" in result.stdout
    bad = runner.invoke(
        app,
        [
            "--data",
            str(data),
            "new",
            "--date",
            "2026-01-02",
            "--issuer",
            "JP",
            "--kind",
            "embargo",
            "--title",
            "x",
        ],
    )
    assert bad.exit_code == 2


def test_search_ranks_titles_first_and_handles_chinese(data: Path) -> None:
    events = load_dataset(data).events
    hits = search(events, '"de minimis"')
    assert [h.event.id for h in hits] == ["2025-10-09-cn-mofcom-61-overseas", "2024-08-15-cn-antimony"]
    assert hits[0].score > hits[1].score
    assert [h.event.id for h in search(events, "稀土")] == ["2025-10-09-cn-mofcom-61-overseas"]
    assert search(events, "antimony nothinglikethis") == []
    assert terms_of('a "b c" d') == ["b c", "a", "d"]
    out = json.loads(runner.invoke(app, ["--data", str(data), "search", "antimony", "--json"]).stdout)
    assert [e["id"] for e in out] == ["2024-08-15-cn-antimony"] and out[0]["score"] > 0
    filtered = json.loads(
        runner.invoke(app, ["--data", str(data), "search", "minimis", "-e", "Sb", "--json"]).stdout
    )
    assert [e["id"] for e in filtered] == ["2024-08-15-cn-antimony"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


def test_diff_between_directories_and_git_revisions(data: Path, log: LogBuilder) -> None:
    repo = data.parent
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    log.add(id="2025-11-01-cn-added", date="2025-11-01", instrument_key=None)
    changed = data / "events" / "2024" / "2024-08-15-cn-antimony.yaml"
    changed.write_text(changed.read_text().replace("Antimony export controls", "Antimony controls"))
    (data / "events" / "2025" / "2025-10-09-cn-mofcom-61-overseas.yaml").unlink()
    result = runner.invoke(app, ["--data", str(data), "diff", "HEAD", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "added": ["2025-11-01-cn-added"],
        "removed": ["2025-10-09-cn-mofcom-61-overseas"],
        "changed": [{"id": "2024-08-15-cn-antimony", "fields": ["title"]}],
        "unreadable": [],
    }
    same = runner.invoke(app, ["--data", str(data), "diff", str(data), str(data), "--json"])
    assert json.loads(same.stdout) == {"added": [], "removed": [], "changed": [], "unreadable": []}
    table = runner.invoke(app, ["--data", str(data), "diff", "HEAD"])
    assert "2025-11-01-cn-added" in table.stdout and "title" in table.stdout
    bad = runner.invoke(app, ["--data", str(data), "diff", "no-such-rev"])
    assert bad.exit_code == 2


def test_chart_draws_rows_and_saves_svg_and_html(data: Path, tmp_path: Path) -> None:
    svg, html = tmp_path / "c.svg", tmp_path / "c.html"
    result = runner.invoke(
        app, ["--data", str(data), "chart", "--since", "2024", "--svg", str(svg), "--html", str(html)]
    )
    assert result.exit_code == 0, result.output
    assert "█" in result.stdout
    labels = [line[:30] for line in result.stdout.splitlines()]
    assert any(label.startswith(("MOFCOM 61/2025", "MOFCOM Announcement No.")) for label in labels)
    # the legend names the statuses drawn (a character each), and only those
    lines = result.stdout.splitlines()
    legend = next(line for line in lines if "█ in-force" in line)
    bars = "".join(line[30:] for line in lines if line is not legend)
    for entry in legend.split("  "):
        char = entry.strip().split(" ")[0]
        assert char in bars, (entry, legend)
    assert svg.read_text().startswith("<svg") and "<html" in html.read_text().lower()


def test_export_command(data: Path, tmp_path: Path) -> None:
    from retracker.export import read_csv

    out = runner.invoke(app, ["--data", str(data), "export", "--format", "csv", "-e", "Sb"])
    assert out.exit_code == 0, out.output
    assert [r["id"] for r in read_csv(out.stdout)] == ["2024-08-15-cn-antimony"]
    as_json = json.loads(runner.invoke(app, ["--data", str(data), "export"]).stdout)
    assert as_json == [e.to_json() for e in load_dataset(data).events]
    db = tmp_path / "log.sqlite"
    made = runner.invoke(app, ["--data", str(data), "export", "-o", str(db)])
    assert made.exit_code == 0 and "wrote 2 event(s)" in made.stderr
    import sqlite3

    con = sqlite3.connect(db)
    rows = con.execute("SELECT event_id FROM materials WHERE material = 'Sb'").fetchall()
    assert rows == [("2024-08-15-cn-antimony",)]
    con.close()
    assert runner.invoke(app, ["--data", str(data), "export", "--format", "sqlite"]).exit_code == 2
    assert runner.invoke(app, ["--data", str(data), "export", "--format", "xml"]).exit_code == 2
    ics = tmp_path / "log.ics"
    assert runner.invoke(app, ["--data", str(data), "export", "-o", str(ics)]).exit_code == 0
    assert ics.read_text().startswith("BEGIN:VCALENDAR")
