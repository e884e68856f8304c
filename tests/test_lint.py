"""Every lint code: one fixture that triggers it and the clean log that does not."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from retracker import lint_paths
from retracker.lint import REGISTRY, codes_markdown
from retracker.report import FORMATTERS, escape_data, escape_property

from .conftest import LogBuilder, dump, event_dict, series_dict, write_series

A = "2025-04-04-cn-mofcom-gacc-18-test-measure"
B = "2025-11-07-cn-mofcom-gacc-70-test-suspension"

REPO_DATA = Path(__file__).resolve().parent.parent / "data"


def suspension(**overrides) -> dict:
    base = dict(
        id=B,
        instrument_key="CN-MOFCOM-GACC-2025-70",
        date="2025-11-07",
        kind="suspension",
        title="Suspension",
        title_zh="暂停",
        ends="2026-11-10",
        relations=[{"type": "suspends", "target": A}],
    )
    base.update(overrides)
    return base


def extension(log: LogBuilder, event_id: str, day: str, ends: str, **overrides) -> None:
    """An event dated ``day`` that extends B's suspension to ``ends``."""
    fields = dict(id=event_id, date=day, kind="suspension", instrument_key=None, ends=ends)
    log.add(**fields, relations=[{"type": "extends", "target": B}], **overrides)


def clean_log(log: LogBuilder) -> LogBuilder:
    log.add(parts=[{"id": "art1", "effective": "2025-04-04"}, {"id": "art2", "effective": "2025-04-04"}])
    log.add(**suspension())
    return log


def codes(result) -> list[tuple[str, str, int]]:
    return [(d.code, Path(d.path).name, d.line) for d in result.diagnostics]


def test_clean_log_has_no_findings(log: LogBuilder) -> None:
    result = lint_paths(data=clean_log(log).root)
    assert result.diagnostics == []
    assert result.exit_code() == 0
    assert len(result.files) == 2


# (code, how to break the clean log)
def _id_mismatch(log):
    log.write_text("2025-04-05-cn-other-name", "2025", dump(event_dict(id=A, instrument_key=None)))


def _dup_id(log):
    log.write_text(A.replace("test", "copy"), "2025", dump(event_dict(instrument_key=None)))


def _year(log):
    data = event_dict(id="2024-01-01-cn-wrong-year", date="2024-01-01", instrument_key=None)
    log.write_text(data["id"], "2025", dump(data))


def _order(log):
    log.add(id="2025-05-01-cn-late", date="2025-05-01", instrument_key=None, effective="2025-04-01")


def _instrument(log):
    log.add(id="2025-05-01-cn-same-key", date="2025-05-01")


def _target(log):
    log.add(
        **suspension(
            id="2025-11-08-cn-dangling",
            date="2025-11-08",
            instrument_key=None,
            relations=[{"type": "suspends", "target": "2025-04-04-cn-nowhere"}],
        )
    )


def _self(log):
    log.add(
        **suspension(
            id="2025-11-08-cn-self",
            date="2025-11-08",
            instrument_key=None,
            relations=[{"type": "suspends", "target": "2025-11-08-cn-self"}],
        )
    )


def _part(log):
    log.add(
        **suspension(
            id="2025-11-08-cn-part",
            date="2025-11-08",
            instrument_key=None,
            relations=[{"type": "suspends", "target": A + "#art9"}],
        )
    )


def _cycle(log):
    log.add(
        id="2025-05-01-cn-x",
        date="2025-05-01",
        instrument_key=None,
        relations=[{"type": "supersedes", "target": "2025-05-02-cn-y"}],
    )
    log.add(
        id="2025-05-02-cn-y",
        date="2025-05-02",
        instrument_key=None,
        relations=[{"type": "supersedes", "target": "2025-05-01-cn-x"}],
    )


def _id_date(log):
    data = event_dict(id="2025-04-05-cn-off-by-one", instrument_key=None)
    log.write_text(data["id"], "2025", dump(data))


def _unique_part(log):
    log.add(
        id="2025-05-01-cn-parts",
        date="2025-05-01",
        instrument_key=None,
        parts=[{"id": "a", "effective": "2025-05-01"}, {"id": "a", "effective": "2025-06-01"}],
    )


def _rel_kind(log):
    log.add(id="2025-05-01-cn-deal", date="2025-05-01", instrument_key=None, kind="deal")
    log.add(
        **suspension(
            id="2025-11-08-cn-sus-deal",
            date="2025-11-08",
            instrument_key=None,
            relations=[{"type": "suspends", "target": "2025-05-01-cn-deal"}],
        )
    )


def _sus_rel(log):
    log.add(**suspension(id="2025-11-08-cn-sus-none", date="2025-11-08", instrument_key=None, relations=[]))


def _primary(log):
    src = dict(event_dict()["sources"][0], primary=False)
    log.add(id="2025-05-01-cn-noprimary", date="2025-05-01", instrument_key=None, sources=[src])


def _official(log):
    src = dict(event_dict()["sources"][0], kind="news")
    log.add(id="2025-05-01-cn-news-only", date="2025-05-01", instrument_key=None, sources=[src])


def _title_zh(log):
    log.add(id="2025-05-01-cn-no-zh", date="2025-05-01", instrument_key=None, title_zh=None)


def _disputed(log):
    log.add(id="2025-05-01-cn-disputed", date="2025-05-01", instrument_key=None, verification="disputed")


def _no_title(log):
    src = dict(event_dict()["sources"][0])
    del src["title"]
    log.add(id="2025-05-01-cn-no-title", date="2025-05-01", instrument_key=None, sources=[src])


def _no_source(log):
    log.add(id="2025-05-01-cn-no-source", date="2025-05-01", instrument_key=None, sources=[])


def _url(log):
    src = dict(event_dict()["sources"][0], url="ftp://example.org/x")
    log.add(id="2025-05-01-cn-ftp", date="2025-05-01", instrument_key=None, sources=[src])


def _text(text: str, stem: str = "2025-05-01-cn-bad", suffix: str = ".yaml"):
    return lambda log: log.write_text(stem, "2025", text, suffix)


BREAKERS = {
    "RT001": lambda log: (log.root / "events" / "2025" / "2025-05-01-cn-dir.yaml").mkdir(parents=True),
    "RT002": lambda log: (log.root / "events" / "2025" / "2025-05-01-cn-latin1.yaml").write_bytes(
        b"title: caf\xe9\n"
    ),
    "RT003": lambda log: (log.root / "events" / "2025" / "2025-05-01-cn-big.yaml").write_bytes(
        b"#" * 1_100_000
    ),
    "RT004": _text("title: [unclosed\n"),
    "RT005": _text("# nothing\n"),
    "RT006": _text("- a\n- b\n"),
    "RT007": _text("id: a\nid: b\n"),
    "RT008": _text("a: &x 1\nb: *x\n"),
    "RT009": _text("a: !!python/object:os.system x\n"),
    "RT010": _text("a: " + "[" * 40 + "]" * 40 + "\n"),
    "RT011": _text("a: 1\n---\nb: 2\n"),
    "RT012": _text("id: x\n", suffix=".yml"),
    "RT013": lambda log: os.symlink(
        "/etc/hostname", log.root / "events" / "2025" / "2025-05-01-cn-link.yaml"
    ),
    "RT101": lambda log: log.write_text(
        "2025-05-01-cn-extra",
        "2025",
        dump(event_dict(id="2025-05-01-cn-extra", date="2025-05-01", instrument_key=None)) + "colour: red\n",
    ),
    "RT102": lambda log: log.add(
        id="2025-05-01-cn-missing", date="2025-05-01", instrument_key=None, summary=None
    ),
    "RT103": lambda log: log.add(
        id="2025-05-01-cn-mat", date="2025-05-01", instrument_key=None, materials=["Dyy"]
    ),
    "RT104": lambda log: log.add(
        id="2025-05-01-cn-ctry", date="2025-05-01", instrument_key=None, targets=["XX"]
    ),
    "RT105": lambda log: log.write_text(
        "2025-05-01-cn-date",
        "2025",
        dump(event_dict(id="2025-05-01-cn-date", date="2025-02-30", instrument_key=None)),
    ),
    "RT106": lambda log: log.add(
        id="2025-05-01-cn-kind", date="2025-05-01", instrument_key=None, kind="embargo"
    ),
    "RT107": lambda log: log.write_text("Bad_ID", "2025", dump(event_dict(id="Bad_ID", instrument_key=None))),
    "RT201": _id_mismatch,
    "RT202": _dup_id,
    "RT203": _year,
    "RT204": _order,
    "RT205": _instrument,
    "RT206": _target,
    "RT207": _self,
    "RT208": _part,
    "RT209": _cycle,
    "RT210": _id_date,
    "RT211": _unique_part,
    "RT212": _rel_kind,
    "RT213": _sus_rel,
    "RT230": lambda log: log.add(id="2025-05-01-us-deal", kind="deal", issuer="US", parties=["US"]),
    "RT220": lambda log: log.add(
        id="2025-01-02-cn-early-revocation",
        date="2025-01-02",
        kind="revocation",
        instrument_key=None,
        relations=[{"type": "revokes", "target": A}],
    ),
    "RT221": lambda log: log.add(
        id="2025-12-01-cn-quoted-end",
        date="2025-12-01",
        kind="suspension",
        instrument_key=None,
        ends="2026-11-27",
        relations=[{"type": "suspends", "target": f"{A}#art2"}],
        sources=[
            dict(event_dict()["sources"][0], quote="经批准，自即日起至2026年11月27日，第二款暂停实施。")
        ],
    ),
    "RT222": lambda log: log.add(
        id="2025-06-01-cn-extends-unsuspended-part",
        date="2025-06-01",
        kind="suspension",
        instrument_key=None,
        ends="2026-12-01",
        relations=[{"type": "extends", "target": f"{A}#art1"}],
    ),
    "RT223": lambda log: log.add(
        id="2025-12-01-cn-summary-end",
        date="2025-12-01",
        kind="suspension",
        instrument_key=None,
        ends="2026-11-10",
        relations=[{"type": "suspends", "target": A}],
        summary="Suspended until 10 November 2026, then extended to 15 October 2027.",
    ),
    "RT224": lambda log: extension(log, "2027-01-05-cn-late-extension", "2027-01-05", "2027-11-10"),
    "RT301": _no_source,
    "RT302": _url,
    "RT303": _primary,
    "RT304": _official,
    "RT305": _title_zh,
    "RT306": _disputed,
    "RT307": _no_title,
    "RT021": lambda log: (log.root / "dataset.yaml").write_text(
        "schema_version: 1\ncoverage: 2026-11-25\ncoverage_notes: x\n"
    ),
    "RT022": lambda log: (log.root / "dataset.yaml").write_text("coverage: 2026-11-25\n"),
    "RT023": lambda log: (log.root / "dataset.yaml").write_text("schema_version: 1\ncoverage: 2026-02-30\n"),
    "RT024": lambda log: (log.root / "dataset.yaml").write_text("schema_version: 1\ncoverage: 9999-12-31\n"),
    "RT309": lambda log: log.add(
        id="2025-05-01-cn-escape", date="2025-05-01", instrument_key=None, title="Clear \x1b[2J screen"
    ),
    "RT308": lambda log: log.add(
        id="2025-05-01-cn-todo", date="2025-05-01", instrument_key=None, summary="TO" + "DO"
    ),
}


SERIES_BAD = Path(__file__).resolve().parent / "fixtures" / "series-bad" / "series"


def _series_fixture(code: str):
    """Copy the hostile series fixture named after ``code`` into the log's series/ folder."""

    def write(log: LogBuilder) -> None:
        src = sorted(SERIES_BAD.glob(code.lower() + "-*.yaml"))[0]
        (log.root / "series").mkdir(exist_ok=True)
        (log.root / "series" / src.name).write_bytes(src.read_bytes())

    return write


def _quote_without_number(log: LogBuilder) -> None:
    data = series_dict()
    data["points"][1]["sources"][0]["quote"] = "exports fell sharply"
    write_series(log.root / "series", data)


BREAKERS.update({code: _series_fixture(code) for code in REGISTRY if code.startswith("RT4")})
BREAKERS["RT414"] = _quote_without_number


def test_every_code_has_a_breaker() -> None:
    assert set(BREAKERS) == set(REGISTRY)


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_each_code_fires(code: str, log: LogBuilder) -> None:
    clean_log(log)
    BREAKERS[code](log)
    result = lint_paths(data=log.root, enable=[code] if REGISTRY[code].opt_in else [])
    found = {d.code for d in result.diagnostics}
    assert code in found, [str(d) for d in result.diagnostics]
    expected = 1 if REGISTRY[code].severity == "error" else 0
    assert result.exit_code() == expected
    assert result.exit_code(strict=True) == 1
    for d in result.diagnostics:
        assert d.line >= 1 and d.col >= 1


def test_findings_are_located(log: LogBuilder) -> None:
    clean_log(log)
    _target(log)
    (d,) = lint_paths(data=log.root).diagnostics
    assert (d.code, d.line, d.col) == ("RT206", 26, 11)
    assert Path(d.path).name == "2025-11-08-cn-dangling.yaml"


def test_given_files_use_the_whole_log_as_context(log: LogBuilder, monkeypatch) -> None:
    clean_log(log)
    bad = log.add(
        **suspension(
            id="2025-11-08-cn-dangling",
            date="2025-11-08",
            instrument_key=None,
            relations=[{"type": "suspends", "target": A + "#art9"}],
        )
    )
    other = log.add(id="2025-05-01-cn-no-zh", date="2025-05-01", instrument_key=None, title_zh=None)
    monkeypatch.chdir(log.root.parent)
    only_bad = lint_paths([bad])
    assert {d.code for d in only_bad.diagnostics} == {"RT208"}
    assert lint_paths([other]).diagnostics[0].code == "RT305"
    assert lint_paths([bad]).root == log.root.resolve()


def test_missing_path_is_a_usage_error(tmp_path) -> None:
    from retracker import RetrackerError

    with pytest.raises(RetrackerError):
        lint_paths([tmp_path / "nope.yaml"])


def test_formats(log: LogBuilder, tmp_path, monkeypatch) -> None:
    clean_log(log)
    _target(log)
    result = lint_paths(data=log.root)
    text = FORMATTERS["text"](result)
    assert text.endswith("RT206 relation target '2025-04-04-cn-nowhere' does not exist")
    assert ":26:11: RT206 " in text
    payload = json.loads(FORMATTERS["json"](result))
    assert payload["errors"] == 1 and payload["diagnostics"][0]["code"] == "RT206"
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    gh = FORMATTERS["github"](result)
    assert gh.startswith("::error file=")
    assert ",line=26,col=11,title=RT206 relation-target::relation target" in gh
    assert "| RT206 |" in summary.read_text()


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_readme_lists_every_code() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert codes_markdown() in readme


# ---- --ignore and --quiet


def _warning_and_error(log: LogBuilder) -> Path:
    clean_log(log)
    _title_zh(log)  # RT305, a warning
    log.add(id="2025-06-01-cn-bad-target", date="2025-06-01", instrument_key=None, targets=["XX"])  # an error
    return log.root


def test_ignoring_drops_warning_codes_only(log: LogBuilder) -> None:
    from retracker.diagnostics import RetrackerError

    result = lint_paths(data=_warning_and_error(log))
    assert {d.code for d in result.warnings} == {"RT305"} and result.errors
    kept = result.ignoring(["RT305"])
    assert kept.warnings == [] and kept.errors == result.errors
    with pytest.raises(RetrackerError, match="cannot be ignored"):
        result.ignoring([result.errors[0].code])
    with pytest.raises(RetrackerError, match="unknown lint code") as info:
        result.ignoring(["RT3055"])
    assert info.value.hint == "did you mean RT305?"


def test_cli_ignore_and_quiet(log: LogBuilder) -> None:
    from typer.testing import CliRunner

    from retracker.cli import app

    root = str(_warning_and_error(log))
    runner = CliRunner()
    full = runner.invoke(app, ["--data", root, "lint"])
    assert full.exit_code == 1 and "RT305" in full.stdout
    ignored = runner.invoke(app, ["--data", root, "lint", "--ignore", "RT305"])
    assert ignored.exit_code == 1 and "RT305" not in ignored.stdout and "0 warning(s)" in ignored.stderr
    quiet = runner.invoke(app, ["--data", root, "lint", "-q"])
    assert "RT305" not in quiet.stdout and "RT104" in quiet.stdout
    assert "1 warning(s) (not listed: --quiet)" in quiet.stderr
    for bad in (["--ignore", "RT104"], ["--ignore", "RT999"]):
        result = runner.invoke(app, ["--data", root, "lint", *bad])
        assert result.exit_code == 2 and "Traceback" not in result.stderr
    clean = lint_paths(data=root).ignoring(["RT305"])
    assert clean.exit_code(strict=True) == 1  # the error remains


def test_status_checks_stay_quiet_on_what_they_accept(log: LogBuilder) -> None:
    clean_log(log)
    log.add(
        id="2025-12-01-cn-quoted-end",
        date="2025-12-01",
        kind="suspension",
        instrument_key=None,
        ends="2026-11-27",
        ends_inclusive=True,
        relations=[{"type": "suspends", "target": f"{A}#art2"}],
        sources=[dict(event_dict()["sources"][0], quote="自即日起至2026年11月27日，第二款暂停实施。")],
    )
    log.add(
        id="2025-12-02-cn-extends-suspended-part",
        date="2025-12-02",
        kind="suspension",
        instrument_key=None,
        ends="2027-11-27",
        ends_inclusive=True,
        relations=[{"type": "extends", "target": f"{A}#art2"}],
    )
    result = lint_paths(data=log.root)
    assert [d.code for d in result.diagnostics if d.code.startswith("RT22")] == []


def test_ends_inclusive_without_ends(log: LogBuilder) -> None:
    clean_log(log)
    log.add(id="2025-05-01-cn-no-end", date="2025-05-01", instrument_key=None, ends_inclusive=True)
    result = lint_paths(data=log.root)
    assert [(d.code, d.message) for d in result.diagnostics] == [("RT221", "ends_inclusive without ends")]


# ---- opt-in checks


def test_opt_in_checks_run_only_when_enabled(log: LogBuilder) -> None:
    from typer.testing import CliRunner

    from retracker.cli import app

    clean_log(log)
    _no_title(log)
    assert REGISTRY["RT307"].opt_in
    assert "RT307" not in {d.code for d in lint_paths(data=log.root).diagnostics}
    assert "RT307" in {d.code for d in lint_paths(data=log.root, enable=["RT307"]).diagnostics}
    runner = CliRunner()
    plain = runner.invoke(app, ["--data", str(log.root), "lint"])
    assert plain.exit_code == 0 and "RT307" not in plain.stdout
    enabled = runner.invoke(app, ["--data", str(log.root), "lint", "--enable", "rt307", "--strict"])
    assert enabled.exit_code == 1 and "RT307" in enabled.stdout
    unknown = runner.invoke(app, ["--data", str(log.root), "lint", "--enable", "RT3077"])
    assert unknown.exit_code == 2 and "did you mean RT307?" in unknown.output
    assert "| RT307 | source-title | warning (opt-in) |" in codes_markdown()


def test_the_shipped_log_lints_with_few_warnings() -> None:
    """The shipped log stays readable: at most 10 warnings, each one explained in CONTRIBUTING.md."""
    result = lint_paths(data=REPO_DATA)
    assert result.errors == []
    assert len(result.warnings) <= 10, [str(d) for d in result.warnings]
    contributing = (REPO_DATA.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for code in {d.code for d in result.warnings}:
        assert code in contributing


def test_summary_end_dates_read_the_usual_wordings() -> None:
    from retracker.lint import summary_end_dates

    found = summary_end_dates(
        "keeping the 10% duty until 12:01 a.m. EST on 10 November 2026; the ban was extended "
        "to 15 October 2025; suspended through November 9, 2026; 自即日起至2026年11月27日; "
        "rates rose from 10% to 20% on 4 March 2025"
    )
    assert [d.isoformat() for d, _ in found] == ["2026-11-10", "2025-10-15", "2026-11-09", "2026-11-27"]


def test_summary_end_carried_by_a_related_event_is_quiet(log: LogBuilder) -> None:
    clean_log(log)
    summary = "The suspension was extended to 15 October 2027."
    extension(log, "2026-10-01-cn-extension", "2026-10-01", "2027-10-15", summary=summary)
    # the suspension's own summary names the extended end: an event related to it carries it
    extended = dict(
        suspension(), summary="Suspended until 10 November 2026, later extended to 15 October 2027."
    )
    log.write_text(B, "2025", dump(event_dict(**extended)))
    result = lint_paths(data=log.root)
    assert [d for d in result.diagnostics if d.code in ("RT223", "RT224")] == []


def test_extension_lapse_names_the_gap(log: LogBuilder) -> None:
    clean_log(log)
    extension(log, "2027-01-05-cn-late-extension", "2027-01-05", "2027-11-10")
    result = lint_paths(data=log.root)
    found = [d for d in result.diagnostics if d.code == "RT224"]
    assert len(found) == 1
    assert found[0].message == f"extends '{B}' from 2027-01-05, after it ended (it ended 2026-11-10): a lapse"
    assert result.exit_code() == 0 and result.exit_code(strict=True) == 1


@pytest.mark.parametrize(
    "line, code",
    [
        ('summary: "TO\\x44O: the decree"', "RT308"),  # an escape that spells TODO
        ('summary: "TO\\\n  DO"', "RT308"),  # an escaped line break joins TO and DO
        ('title: "Clear \\e[2J screen"', "RT309"),  # an escape that makes ESC
        ('title: "Hidden \\u202E txet"', "RT309"),
        ("title: Hidden \u202e txet", "RT309"),  # the character itself
    ],
)
def test_placeholders_and_control_characters_made_by_escapes(log: LogBuilder, line: str, code: str) -> None:
    """RT308 and RT309 skip a file whose text has neither the word nor the character and no
    backslash; a value built from an escape sequence is still found."""
    path = log.add(id="2025-05-01-cn-escape", date="2025-05-01", instrument_key=None)
    key = line.split(":")[0]
    text = "\n".join(line if row.startswith(key + ":") else row for row in path.read_text().splitlines())
    path.write_text(text + "\n# TODO in a comment is not a placeholder\n", encoding="utf-8")
    result = lint_paths(data=log.root)
    assert [d.code for d in result.diagnostics if d.code in ("RT308", "RT309")] == [code]


def test_a_todo_in_a_comment_is_no_placeholder(log: LogBuilder) -> None:
    path = log.add()
    path.write_text(path.read_text() + "# TODO: find the Chinese title \u202e\n", encoding="utf-8")
    assert lint_paths(data=log.root).diagnostics == []
