"""The bundled log's invariants, and the committed JSON Schema's agreement with lint."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from retracker import lint_paths, load_dataset
from retracker.dataset import bundled_data_dir
from retracker.model import OFFICIAL_SOURCE_KINDS, event_json_schema
from retracker.status import StatusEngine

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "schema" / "event.schema.json"
MODELINE = "# yaml-language-server: $schema=../../../schema/event.schema.json"
SCHEMA_BAD = Path(__file__).resolve().parent / "fixtures" / "schema-bad"


@pytest.fixture(scope="module")
def ds():
    return load_dataset(REPO / "data")


def test_log_loads_clean_and_is_big_enough(ds) -> None:
    assert ds.diagnostics == []
    assert len(ds.events) >= 100
    assert len(ds.by_id) == len(ds.events), "ids are unique"
    assert ds.coverage is not None


def test_log_lints_without_errors() -> None:
    result = lint_paths(data=REPO / "data")
    assert result.errors == [], [str(d) for d in result.errors[:5]]


def test_every_event_is_sourced_and_official_claims_rest_on_official_sources(ds) -> None:
    for event in ds.events:
        assert event.sources, event.id
        assert all(s.url.startswith(("http://", "https://")) for s in event.sources)
        if event.verification == "official":
            assert any(s.kind in OFFICIAL_SOURCE_KINDS for s in event.sources), event.id
        if event.is_measure:
            assert any(s.primary for s in event.sources), event.id


def test_relation_graph_is_consistent(ds) -> None:
    for event in ds.events:
        for rel in event.relations:
            target = ds.by_id[rel.target_id]
            assert rel.target_id != event.id
            if rel.target_part:
                assert target.part(rel.target_part) is not None, rel.target
            if rel.type == "suspends":
                assert target.is_measure and event.kind == "suspension", event.id
    engine = StatusEngine(ds)
    assert all(
        engine.status(e.id, ds.coverage) is not None
        for e in ds.events
        if e.is_measure and e.date <= ds.coverage
    )


def test_chinese_instruments_carry_numbers_in_their_keys(ds) -> None:
    for event in ds.events:
        if event.instrument_key:
            assert event.instrument_key.startswith(event.issuer + "-"), event.id


def test_every_event_file_carries_the_modeline() -> None:
    for path in sorted((REPO / "data" / "events").rglob("*.yaml")):
        assert path.read_text(encoding="utf-8").startswith(MODELINE), path


def test_bundled_log_is_found() -> None:
    assert (bundled_data_dir() / "dataset.yaml").is_file()


def test_committed_schema_is_in_sync() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == event_json_schema(), (
        "run: retracker schema > schema/event.schema.json"
    )


def _check_jsonschema(*files: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    return subprocess.run(
        [exe, "--schemafile", str(SCHEMA), *map(str, files)], capture_output=True, text=True
    )


def test_check_jsonschema_accepts_every_event_file() -> None:
    files = sorted((REPO / "data" / "events").rglob("*.yaml"))
    proc = _check_jsonschema(*files)
    assert proc.returncode == 0, proc.stdout[-2000:]


@pytest.mark.parametrize("path", sorted(SCHEMA_BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_schema_and_lint_agree_on_bad_files(path: Path) -> None:
    expected = path.stem.split("-")[0]
    assert expected in {d.code for d in lint_paths([path]).errors}
    assert _check_jsonschema(path).returncode == 1
