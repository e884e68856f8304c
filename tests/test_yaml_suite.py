"""The public YAML test suite, read as event files: real-world bad and odd YAML.

``tests/fixtures/yaml-test-suite/`` holds 402 documents (``<case>.ok.yaml`` and
``<case>.error.yaml``, MIT licensed; see its README.md). Each one is placed at
``events/2025/<id>.yaml`` of a scratch data directory and loaded with ``load_event_file``:
it must give an Event or well-formed diagnostics (a registry code, 1-based line and column,
one line of text), never an exception. The loader that ran is printed with the summary and
recorded as the ``yaml_loader`` property (in JUnit XML).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from retracker import yamlio
from retracker.cli import app
from retracker.dataset import load_event_file
from retracker.diagnostics import Diagnostic
from retracker.model import Event

from .conftest import FIXTURES, LogBuilder, malformed

SUITE = FIXTURES / "yaml-test-suite"
DOCUMENTS = sorted(SUITE.glob("*.yaml"))
EXPECTED_DOCUMENTS = 402  # as the corpus README states

# Keys with line breaks ("block key\n" in 5WE3, 6SLA) once split an RT101 diagnostic over
# two lines; messages now escape control characters, and every document is checked.

DIAG_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>RT\d{3}) .+$")


def stem(document: Path) -> str:
    """A valid event-file stem for a suite case: 2G84-01.error.yaml -> 2025-01-01-yaml-suite-2g84-01."""
    case = document.name.split(".")[0].lower()
    return f"2025-01-01-yaml-suite-{case}"


def expects_error(document: Path) -> bool:
    return document.name.endswith(".error.yaml")


@pytest.fixture(scope="module")
def suite_log(tmp_path_factory: pytest.TempPathFactory) -> LogBuilder:
    """A data directory holding every suite document as events/2025/<stem>.yaml."""
    log = LogBuilder(tmp_path_factory.mktemp("yaml-suite").resolve() / "log")
    folder = log.root / "events" / "2025"
    folder.mkdir(parents=True)
    for document in DOCUMENTS:
        (folder / f"{stem(document)}.yaml").write_bytes(document.read_bytes())
    return log


def placed(log: LogBuilder, document: Path) -> Path:
    return log.root / "events" / "2025" / f"{stem(document)}.yaml"


def load(log: LogBuilder, document: Path) -> tuple[Event | None, list[Diagnostic]]:
    event, diags, _doc = load_event_file(placed(log, document), log.root)
    return event, diags


def _params() -> list[Any]:
    out = []
    for document in DOCUMENTS:
        out.append(pytest.param(document, id=document.name.removesuffix(".yaml")))
    return out


def test_the_corpus_is_complete() -> None:
    assert len(DOCUMENTS) == EXPECTED_DOCUMENTS
    assert all(d.name.endswith((".ok.yaml", ".error.yaml")) for d in DOCUMENTS)
    assert len({stem(d) for d in DOCUMENTS}) == EXPECTED_DOCUMENTS  # no two cases share a file
    assert (SUITE / "LICENSE").is_file() and (SUITE / "README.md").is_file()


@pytest.mark.parametrize("document", _params())
def test_document_gives_an_event_or_well_formed_diagnostics(document: Path, suite_log: LogBuilder) -> None:
    event, diags = load(suite_log, document)
    if event is not None:
        assert isinstance(event, Event)
        assert diags == []
        assert not expects_error(document), "the YAML spec rejects this document"
        return
    assert diags, "no event and no diagnostic"
    path = str(placed(suite_log, document))
    for diag in diags:
        assert malformed(diag) == [], str(diag)
        assert diag.path == path


def test_summary_counts_are_sane(
    suite_log: LogBuilder, record_property: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every document is answered; documents the YAML spec rejects are rejected."""
    first_code: Counter[tuple[str, str]] = Counter()
    events: list[str] = []
    crashed: list[str] = []
    silent_errors: list[str] = []
    yaml_level_errors = 0
    for document in DOCUMENTS:
        kind = "error" if expects_error(document) else "ok"
        try:
            event, diags = load(suite_log, document)
        except Exception as exc:  # reported below, with every other crash
            crashed.append(f"{document.name}: {type(exc).__name__}: {exc}")
            continue
        if event is not None:
            events.append(document.name)
            first_code[(kind, "event")] += 1
            continue
        codes = sorted(d.code for d in diags)
        first_code[(kind, codes[0] if codes else "none")] += 1
        if kind == "error":
            if not diags:
                silent_errors.append(document.name)
            elif codes[0] < "RT100":  # refused while reading the YAML, before the schema
                yaml_level_errors += 1

    errors = sum(expects_error(d) for d in DOCUMENTS)
    record_property("yaml_loader", yamlio.LOADER_NAME)
    record_property("yaml_suite_outcomes", dict(sorted((f"{k}:{c}", n) for (k, c), n in first_code.items())))
    with capsys.disabled():
        table = ", ".join(f"{k}/{c}={n}" for (k, c), n in sorted(first_code.items()))
        print(f"\nyaml-test-suite with YAML loader {yamlio.LOADER_NAME}: {table}")

    assert crashed == []
    assert sum(first_code.values()) == EXPECTED_DOCUMENTS
    assert silent_errors == []
    assert not any(expects_error(SUITE / name) for name in events)
    # The loader is libyaml (or PyYAML), a YAML 1.1 parser: a few documents that YAML 1.2
    # rejects still parse, and then fail the event schema. Most must fail as YAML.
    assert yaml_level_errors >= 0.8 * errors, first_code
    # No document of the suite is an event, nor unreadable, mis-encoded or too large.
    assert events == []
    assert not {code for _, code in first_code} & {"RT001", "RT002", "RT003", "RT012", "RT013"}


def test_cli_lints_the_whole_suite_in_one_run(tmp_path: Path) -> None:
    """`retracker lint events/` over the suite: exit 1, one located line per finding."""
    log = LogBuilder(tmp_path.resolve() / "log")
    folder = log.root / "events" / "2025"
    folder.mkdir(parents=True)
    documents = list(DOCUMENTS)
    for document in documents:
        (folder / f"{stem(document)}.yaml").write_bytes(document.read_bytes())
    result = CliRunner().invoke(app, ["lint", str(log.root / "events")])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert all(DIAG_LINE.match(line) for line in lines), [x for x in lines if not DIAG_LINE.match(x)][:3]
    reported = {Path(DIAG_LINE.match(line)["path"]).name for line in lines}
    assert reported == {f"{stem(d)}.yaml" for d in documents}
