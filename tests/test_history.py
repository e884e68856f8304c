"""Status histories of the shipped log, pinned where an audit found the structure wrong.

Each test states, from the sources cited in the event files, what a measure's status was on
given days; if a relation, an `ends` or a part is lost in an edit, the answer changes here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker import load_dataset
from retracker.cli import app
from retracker.status import StatusEngine

REPO = Path(__file__).resolve().parent.parent

NO21 = "2025-04-04-cn-mofcom-21-export-control-list-16-us-entities"
NO22 = "2025-04-09-cn-mofcom-22-export-control-list-12-us-entities"
GENEVA_PAUSE = "2025-05-14-cn-mofcom-suspends-export-control-list-us-entities"
AUGUST_STEP = "2025-08-12-cn-mofcom-export-control-list-us-entities-extension"


@pytest.fixture(scope="module")
def engine() -> StatusEngine:
    return StatusEngine(load_dataset(REPO / "data"))


def _on(engine: StatusEngine, event_id: str, day: str) -> tuple[str, tuple[str, ...]]:
    s = engine.status(event_id, dt.date.fromisoformat(day))
    assert s is not None, (event_id, day)
    return s.status, s.because


def test_august_2025_step_split_the_two_april_lists(engine: StatusEngine) -> None:
    """12 Aug 2025: suspension continued for No. 21's 16 entities, No. 22's 12 released outright."""
    assert _on(engine, NO21, "2025-05-14") == ("suspended", (GENEVA_PAUSE,))
    assert _on(engine, NO22, "2025-08-11") == ("suspended", (GENEVA_PAUSE,))
    assert _on(engine, NO21, "2025-08-12") == ("suspended", (AUGUST_STEP,))
    assert _on(engine, NO21, "2025-11-09") == ("suspended", (AUGUST_STEP,))
    assert _on(engine, NO22, "2025-08-12") == ("revoked", (AUGUST_STEP,))
    assert _on(engine, NO22, "2026-06-30") == ("revoked", (AUGUST_STEP,))
    step = engine.ds.by_id[AUGUST_STEP]
    assert {p.id for p in step.parts} == {"no21-continued", "no22-ended"}
    acts = {(r.type, r.target) for r in step.relations}
    assert {("suspends", NO21), ("revokes", NO22)} <= acts


def test_bis_december_2024_rule_targets_every_destination_it_names(engine: StatusEngine) -> None:
    """The Entity List rule lists entities under China, Japan, South Korea and Singapore."""
    bis = engine.ds.by_id["2024-12-02-us-bis-advanced-computing-semiconductor-controls"]
    assert {"CN", "MO", "JP", "KR", "SG"} <= set(bis.targets)
    assert "ALL" not in bis.targets


def test_april_2025_china_rates_replace_each_other(engine: StatusEngine) -> None:
    """84% from 9 April, 125% from 10 April (replacing it), both gone from 14 May; 20% -> 10% fentanyl."""
    r84 = "2025-04-08-us-wh-14259-china-reciprocal-84pct"
    r125 = "2025-04-09-us-wh-14266-china-reciprocal-125pct"
    assert _on(engine, r84, "2025-04-09")[0] == "in-force"
    assert _on(engine, r84, "2025-04-10") == ("superseded", (r125,))
    assert _on(engine, r125, "2025-05-13")[0] == "in-force"
    assert _on(engine, r125, "2025-05-14")[0] == "revoked"
    f20 = "2025-03-03-us-wh-fentanyl-tariff-increase-20pct"
    assert _on(engine, f20, "2025-11-09")[0] == "in-force"
    assert _on(engine, f20, "2025-11-10") == ("superseded", ("2025-11-04-us-wh-fentanyl-tariff-reduction",))


COBALT_BAN = "2025-02-22-cd-arecoms-001-cobalt-export-suspension"
COBALT_QUOTAS = "2025-09-20-cd-arecoms-004-cobalt-export-quotas"


def test_dr_congo_cobalt_ban_in_force_through_15_october_2025(engine: StatusEngine) -> None:
    """Ban from 22 Feb 2025, extended in June to 21 Sep, kept by Decision 004 until 15 Oct;
    quotas from 16 Oct (MTE Expos: "extended ... until 15 October 2025")."""
    for day in ("2025-02-22", "2025-06-22", "2025-09-20", "2025-09-21", "2025-10-01", "2025-10-15"):
        assert _on(engine, COBALT_BAN, day)[0] == "in-force", day
    assert _on(engine, COBALT_BAN, "2025-10-16") == ("superseded", (COBALT_QUOTAS,))
    assert _on(engine, COBALT_QUOTAS, "2025-10-15")[0] == "announced"
    assert _on(engine, COBALT_QUOTAS, "2025-10-16")[0] == "in-force"
    # no lapse anywhere in the ban's history
    spans = engine.spans(engine.ds.by_id[COBALT_BAN])
    assert [s.status for s in spans] == ["in-force", "superseded"]
    assert spans[1].since == dt.date(2025, 10, 16)


def test_dr_congo_cobalt_on_1_october_2025_from_the_cli() -> None:
    """The issue's own command: the ban is in force on 2025-10-01, not expired."""
    args = ["--data", str(REPO / "data"), "status", "-e", "Co", "--on", "2025-10-01", "--all", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row["status"] for row in json.loads(result.stdout)}
    assert rows[COBALT_BAN] == "in-force"
    assert rows[COBALT_QUOTAS] == "announced"


def test_ieepa_tariffs_end_when_cbp_stops_collecting(engine: StatusEngine) -> None:
    """Learning Resources v. Trump (20 Feb 2026); CBP: no IEEPA duties from 24 Feb 2026."""
    court = "2026-02-20-us-scotus-ieepa-tariffs-struck-down"
    reciprocal = "2025-04-02-us-wh-14257-reciprocal-tariffs"
    fentanyl = "2025-11-04-us-wh-fentanyl-tariff-reduction"
    assert _on(engine, reciprocal, "2026-02-23")[0] == "suspended-in-part"
    assert _on(engine, fentanyl, "2026-02-23")[0] == "in-force"
    assert _on(engine, reciprocal, "2026-02-24") == ("revoked", (court,))
    assert _on(engine, fentanyl, "2026-02-24") == ("revoked", (court,))
