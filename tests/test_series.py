"""Trade series (issue 13): the model, periods, the totals cross-check, lint of series files,
the committed JSON Schema, and the bundled series (every file lints clean, totals add up)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from retracker import lint_paths
from retracker.series import (
    Series,
    check_totals,
    is_combined,
    load_series,
    load_series_file,
    month_index,
    month_text,
    period_end,
    period_months,
    period_start,
    points_as_dicts,
    series_json_schema,
)

from .conftest import SERIES_MODELINE as MODELINE
from .conftest import series_dict, source, write_series

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "schema" / "series.schema.json"
BAD = Path(__file__).resolve().parent / "fixtures" / "series-bad" / "series"


@pytest.fixture
def log(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "events").mkdir(parents=True)
    (root / "dataset.yaml").write_text("schema_version: 1\ncoverage: 2026-06-30\n", encoding="utf-8")
    write_series(root / "series", series_dict())
    return root


# ------------------------------------------------------------------ periods


def test_periods() -> None:
    assert month_text(month_index("2025-04")) == "2025-04"
    assert month_index("2025-01") - month_index("2024-12") == 1
    assert period_months("2026-01/2026-02") == (month_index("2026-01"), month_index("2026-02"))
    assert period_start("2026-01/2026-02").isoformat() == "2026-01-01"
    assert period_end("2024-01/2024-02").isoformat() == "2024-02-29"
    assert is_combined("2026-01/2026-02") and not is_combined("2026-01")


# ------------------------------------------------------------------ model


def test_model_reads_a_full_series() -> None:
    s = Series.model_validate(series_dict())
    assert s.span == "2025-01..2025-06"
    assert s.latest.period == "2025-06"
    assert s.points[3].derived is not None and s.points[3].derived.from_ == ["2025-04"]
    assert s.to_json()["points"][3]["derived"]["from"] == ["2025-04"]
    assert s.title_in("zh") == "测试"


def test_model_normalises_materials_and_countries() -> None:
    s = Series.model_validate(series_dict(materials=["gallium"], reporter="China", partner="United States"))
    assert s.materials == ["Ga"] and s.reporter == "CN" and s.partner == "US"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"unit": "tonnes"}, "unit"),
        ({"frequency": "weekly"}, "frequency"),
        ({"flow": "re-export"}, "flow"),
        ({"materials": []}, "materials"),
        ({"points": []}, "points"),
        ({"id": "Not_Kebab"}, "id"),
    ],
)
def test_model_rejects(change: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        Series.model_validate(series_dict(**change))
    assert fragment in str(err.value)


@pytest.mark.parametrize("value", ["2,626", True, float("nan"), float("inf"), -1, None, [1]])
def test_a_quantity_is_a_finite_number_not_below_zero(value: Any) -> None:
    data = series_dict()
    data["points"][1]["value"] = value
    with pytest.raises(ValidationError):
        Series.model_validate(data)


def test_points_as_dicts_is_plain_and_ordered() -> None:
    rows = points_as_dicts(Series.model_validate(series_dict()))
    assert [r["period"] for r in rows][:2] == ["2025-01/2025-02", "2025-03"]
    first = rows[0]
    assert first["start"] == "2025-01" and first["end"] == "2025-02" and first["unit"] == "t"
    assert rows[3]["derived"] is True and rows[3]["how"] == "April less 52.9%"
    assert rows[4]["disputed"] is True and rows[4]["alternatives"][0]["value"] == 3187
    assert rows[2]["source_urls"] == ["https://example.org/page"]
    json.dumps(rows)  # plain data all the way down


# ------------------------------------------------------------------ totals


def test_totals_add_up_or_are_explained() -> None:
    checks = check_totals(Series.model_validate(series_dict()))
    h1, revised = checks
    assert h1.covered and h1.checked and h1.adds_up and h1.points_sum == 21052
    assert not revised.adds_up and not revised.checked and revised.ok  # the note explains it


def test_a_total_off_by_rounding_adds_up_a_real_gap_does_not() -> None:
    data = series_dict()
    data["totals"] = [{"from": "2025-01", "to": "2025-06", "value": 21100, "sources": [source("21,100 t")]}]
    assert check_totals(Series.model_validate(data))[0].adds_up  # 48 t is within 0.5%
    data["totals"][0]["value"] = 22319
    check = check_totals(Series.model_validate(data))[0]
    assert check.checked and not check.ok and check.difference == 21052 - 22319


def test_a_total_over_months_without_points_is_not_checked() -> None:
    data = series_dict()
    data["totals"] = [{"from": "2024-12", "to": "2025-06", "value": 99999, "sources": [source("99,999 t")]}]
    check = check_totals(Series.model_validate(data))[0]
    assert not check.covered and check.missing == ("2024-12",) and check.ok


def test_a_combined_period_across_a_totals_edge_leaves_it_unchecked() -> None:
    data = series_dict()
    data["totals"] = [{"from": "2025-02", "to": "2025-03", "value": 1, "sources": [source("1 t")]}]
    check = check_totals(Series.model_validate(data))[0]
    assert not check.covered and check.ok


# ------------------------------------------------------------------ loading and lint


def test_load_series_reads_a_log(log: Path) -> None:
    found = load_series(log)
    assert [s.id for s in found] == ["cn-exports-test-world"]
    assert found.diagnostics == []
    assert found.paths["cn-exports-test-world"].name == "cn-exports-test-world.yaml"
    assert found.get("cn-exports-test-world").unit == "t"


def test_load_series_without_a_series_folder(tmp_path: Path) -> None:
    assert len(load_series(tmp_path)) == 0


def test_a_broken_file_is_left_out_with_a_located_error(log: Path) -> None:
    bad = series_dict(id="cn-exports-broken-world")
    bad["points"][2]["value"] = "2,626"
    write_series(log / "series", bad)
    found = load_series(log)
    assert [s.id for s in found] == ["cn-exports-test-world"]
    (diag,) = found.errors
    assert diag.code == "RT405" and diag.path.endswith("cn-exports-broken-world.yaml")
    assert diag.line > 1 and "2,626" in diag.message


def test_the_clean_series_lints_clean(log: Path) -> None:
    result = lint_paths([log / "series"])
    assert result.diagnostics == [] and len(result.files) == 1


def test_lint_of_the_log_includes_its_series(log: Path) -> None:
    write_series(log / "series", series_dict(id="cn-exports-x-world", unit="tonnes"))
    for result in (lint_paths(data=log), lint_paths([log])):
        assert [d.code for d in result.errors] == ["RT405"], result.diagnostics
        assert any(f.endswith("cn-exports-x-world.yaml") for f in result.files)


def test_a_series_file_named_explicitly_is_linted_as_a_series(log: Path) -> None:
    path = write_series(log / "series", series_dict(id="cn-exports-y-world", partner="XX"))
    result = lint_paths([path])
    assert [d.code for d in result.errors] == ["RT404"] and result.files == [str(path)]


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_hostile_series_file_gets_its_located_error(path: Path) -> None:
    expected = path.stem.split("-")[0].upper()
    result = lint_paths([path])
    assert expected in {d.code for d in result.errors}, [str(d) for d in result.diagnostics]
    assert result.exit_code() == 1
    assert all(d.path == str(path) and d.line >= 1 for d in result.diagnostics)
    series, diags = load_series_file(path)
    assert diags and (series is None or any(d.severity == "error" for d in diags))


def test_hostile_lines_point_at_the_culprit() -> None:
    (diag,) = lint_paths([BAD / "rt411-period-twice.yaml"]).errors
    line = (BAD / "rt411-period-twice.yaml").read_text().splitlines()[diag.line - 1]
    assert "period: 2025-02" in line
    (diag,) = lint_paths([BAD / "rt405-negative-value.yaml"]).errors
    assert "-2000" in (BAD / "rt405-negative-value.yaml").read_text().splitlines()[diag.line - 1]


def test_a_quote_without_the_number_is_a_warning(log: Path) -> None:
    data = series_dict(id="cn-exports-z-world")
    data["points"][1]["sources"][0]["quote"] = "exports fell sharply"
    write_series(log / "series", data)
    result = lint_paths([log / "series" / "cn-exports-z-world.yaml"])
    assert [(d.code, d.severity) for d in result.diagnostics] == [("RT414", "warning")]
    assert lint_paths([log / "series"], ignore=["RT414"]).diagnostics == []


def test_quotes_match_the_number_as_printed() -> None:
    from retracker.model import Source
    from retracker.series import _quoted

    def src(q: str) -> Source:
        return Source.model_validate({"url": "https://e.org", "kind": "news", "publisher": "P", "quote": q})

    assert _quoted(2626, [src("exports of 2,626 metric tons")])
    assert _quoted(2626, [src("2 626 t")])
    assert _quoted(1237.5, [src("1,237.5 tonnes")])
    assert _quoted(1530, [src("im November 1.530 Kilogramm Gallium")])  # a German thousands point
    assert _quoted(10468.3, [src("в январе-феврале 10468,3")])  # a decimal comma
    assert _quoted(7580, [src("China exported 7.58 tons of gallium")])  # tonnes for a kg series
    assert _quoted(0, [src("no exports in August")])  # a zero is not checked
    assert not _quoted(262, [src("2,626 t")])
    assert not _quoted(26, [src("2.6 thousand")])
    assert not _quoted(2626, [src("in 2025, 626 t")])


def test_lint_cli_on_series_exits_1_with_located_errors() -> None:
    from typer.testing import CliRunner

    from retracker.cli import app

    result = CliRunner().invoke(app, ["lint", str(BAD / "rt412-missing-source.yaml"), "--format", "json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["errors"] == 1 and payload["diagnostics"][0]["code"] == "RT412"


def test_lint_codes_are_registered() -> None:
    from retracker.lint import REGISTRY
    from retracker.series import CODES

    assert set(CODES) <= set(REGISTRY)
    assert all(REGISTRY[c].severity == sev for c, (_, sev, _) in CODES.items())


# ------------------------------------------------------------------ JSON Schema


def test_committed_series_schema_is_in_sync() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == series_json_schema(), (
        "run: retracker schema --series > schema/series.schema.json"
    )


def _check_jsonschema(*files: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    args = [exe, "--schemafile", str(SCHEMA), *map(str, files)]
    return subprocess.run(args, capture_output=True, text=True)


SCHEMA_CATCHES = (
    "rt401-unknown-field",
    "rt402-missing-field",
    "rt403-unknown-material",
    "rt404-unknown-country",
    "rt405-negative-value",
    "rt405-non-numeric-value",
    "rt405-unknown-unit",
    "rt406-month-13",
    "rt412-missing-source",
    "rt416-disputed-without-alternatives",
    "rt302-source-url",
)


def test_schema_and_lint_agree_on_bad_series() -> None:
    proc = _check_jsonschema(*(BAD / f"{name}.yaml" for name in SCHEMA_CATCHES))
    assert proc.returncode == 1
    for name in SCHEMA_CATCHES:  # each file is named in the report of what failed
        assert f"{name}.yaml" in proc.stdout, name


def test_schema_accepts_a_full_series(log: Path) -> None:
    proc = _check_jsonschema(log / "series" / "cn-exports-test-world.yaml")
    assert proc.returncode == 0, proc.stdout


# ------------------------------------------------------------------ the bundled series


BUNDLED = sorted((REPO / "data" / "series").glob("*.yaml"))


def test_bundled_series_lint_clean_and_load() -> None:
    if not BUNDLED:
        return
    result = lint_paths([REPO / "data" / "series"])
    assert result.errors == [], [str(d) for d in result.errors[:5]]
    found = load_series(REPO / "data")
    assert len(found) == len(BUNDLED)


def test_bundled_series_totals_add_up() -> None:
    for path in BUNDLED:
        series, _ = load_series_file(path)
        assert series is not None, path
        for check in check_totals(series):
            total = check.total
            where = f"{path.name} {total.from_}..{total.to}"
            assert check.ok, f"{where}: stated {total.value}, points sum {check.points_sum}"


def test_bundled_series_carry_the_modeline_and_the_schema_accepts_them() -> None:
    for path in BUNDLED:
        assert path.read_text(encoding="utf-8").startswith(MODELINE), path
    if BUNDLED:
        proc = _check_jsonschema(*BUNDLED)
        assert proc.returncode == 0, proc.stdout[-2000:]
