"""Chains of amendments and supersessions: synthetic goldens and the real tariff chains."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from retracker import load_dataset
from retracker.cli import app
from retracker.status import StatusEngine

from .test_status import engine_for, make

FENT_10 = "2025-02-01-us-wh-14195-ieepa-fentanyl-tariffs-china"
FENT_20 = "2025-03-03-us-wh-fentanyl-tariff-increase-20pct"
FENT_CUT = "2025-11-04-us-wh-fentanyl-tariff-reduction"
FENTANYL = (FENT_10, FENT_20, FENT_CUT)
RECIPROCAL = "2025-04-02-us-wh-14257-reciprocal-tariffs"
R84 = "2025-04-08-us-wh-14259-china-reciprocal-84pct"
R125 = "2025-04-09-us-wh-14266-china-reciprocal-125pct"
R_SUSP = "2025-05-12-us-wh-14298-china-reciprocal-suspension"


def tariff(event_id: str, effective: str | None = None, relations: list | None = None, **kw):
    d = event_id[:10]
    return make(
        id=event_id,
        date=d,
        kind="tariff",
        effective=effective,
        relations=relations or [],
        **kw,
    )


def row(engine: StatusEngine, event_id: str, on: str) -> tuple:
    s = engine.status(event_id, dt.date.fromisoformat(on))
    return (s.status, s.since.isoformat(), s.until.isoformat() if s.until else None, s.because, s.reason)


# ---- synthetic chains

A, B, C = "2025-01-01-us-step-a", "2025-02-01-us-step-b", "2025-03-01-us-step-c"


@pytest.fixture
def supersession_chain() -> StatusEngine:
    return engine_for(
        tariff(A),
        tariff(B, "2025-02-05", [{"type": "supersedes", "target": A}]),
        tariff(C, "2025-03-10", [{"type": "supersedes", "target": B}]),
    )


@pytest.mark.parametrize(
    "event_id,on,expected",
    [
        (A, "2025-02-04", ("in-force", "2025-01-01", "2025-02-05", (), "in force from announcement")),
        (A, "2025-02-05", ("superseded", "2025-02-05", None, (B,), f"superseded by {B}")),
        (
            B,
            "2025-02-01",
            ("announced", "2025-02-01", "2025-02-05", (), "announced; takes effect 2025-02-05"),
        ),
        (B, "2025-03-09", ("in-force", "2025-02-05", "2025-03-10", (), "took effect")),
        (B, "2025-03-10", ("superseded", "2025-03-10", None, (C,), f"superseded by {C}")),
        (C, "2025-12-31", ("in-force", "2025-03-10", None, (), "took effect")),
    ],
)
def test_supersession_chain_goldens(supersession_chain, event_id, on, expected) -> None:
    assert row(supersession_chain, event_id, on) == expected


def test_supersession_chain_one_step_in_force_each_day(supersession_chain) -> None:
    for n in range(0, 120):
        on = dt.date(2025, 1, 1) + dt.timedelta(days=n)
        live = [i for i in (A, B, C) if (s := supersession_chain.status(i, on)) and s.status == "in-force"]
        assert len(live) == 1, (on, live)


def test_amendment_chain_shows_the_latest_amendment_and_ends_with_it() -> None:
    base = tariff(
        A, parts=[{"id": "rate", "effective": "2025-01-01"}, {"id": "other", "effective": "2025-01-01"}]
    )
    first = tariff(B, "2025-02-05", [{"type": "amends", "target": f"{A}#rate"}])
    second = tariff(
        C,
        "2025-03-10",
        [{"type": "amends", "target": f"{A}#rate"}, {"type": "supersedes", "target": B}],
    )
    revoke = make(
        id="2025-04-01-us-revocation",
        date="2025-04-01",
        kind="revocation",
        relations=[{"type": "revokes", "target": C}],
    )
    engine = engine_for(base, first, second, revoke)
    assert row(engine, A, "2025-02-04") == (
        "in-force",
        "2025-01-01",
        "2025-02-05",
        (),
        "in force from announcement",
    )
    assert row(engine, A, "2025-02-05") == (
        "in-force",
        "2025-02-05",
        "2025-03-10",
        (B,),
        f"part rate amended by {B} from 2025-02-05",
    )
    assert row(engine, A, "2025-03-10") == (
        "in-force",
        "2025-03-10",
        "2025-04-01",
        (C,),
        f"{B} no longer applies; part rate amended by {C} from 2025-03-10",
    )
    # the amendment is revoked: the amended measure stands without it
    assert row(engine, A, "2025-04-01")[:4] == ("in-force", "2025-04-01", None, ())
    changes = [(c.date.isoformat(), c.change, c.because) for c in engine.changes_of(engine.ds.by_id[A])]
    assert ("2025-02-05", f"amended by {B}", (B,)) in changes
    assert ("2025-03-10", f"amended by {C}", (C,)) in changes


def test_amendment_keeps_a_suspension_and_says_both() -> None:
    base = tariff(A)
    amend = tariff(B, "2025-02-05", [{"type": "amends", "target": A}])
    sus = make(
        id="2025-02-10-us-suspension",
        date="2025-02-10",
        kind="suspension",
        ends="2025-02-20",
        relations=[{"type": "suspends", "target": A}],
    )
    engine = engine_for(base, amend, sus)
    s = engine.status(A, dt.date(2025, 2, 12))
    assert s.status == "suspended" and s.because == (sus.id, B)
    assert "amended by" in s.reason
    after = engine.status(A, dt.date(2025, 2, 20))
    assert after.status == "in-force" and after.because == (sus.id, B)
    assert after.reason.startswith(f"suspension by {sus.id} ended")


def test_amendment_of_an_announced_or_ended_measure_changes_no_status() -> None:
    base = tariff(A, "2025-03-01", ends="2025-06-01")
    amend = tariff(B, "2025-02-05", [{"type": "amends", "target": A}])
    engine = engine_for(base, amend)
    assert engine.status(A, dt.date(2025, 2, 10)).status == "announced"
    assert engine.status(A, dt.date(2025, 3, 2)).because == (B,)
    assert engine.status(A, dt.date(2025, 6, 2)).status == "expired"


# ---- the real tariff chains


@pytest.fixture(scope="module")
def real() -> StatusEngine:
    return StatusEngine(load_dataset())


@pytest.mark.parametrize(
    "event_id,on,expected",
    [
        (FENT_10, "2025-02-10", ("in-force", "2025-02-04", "2025-03-04", ())),
        (FENT_10, "2025-03-04", ("superseded", "2025-03-04", None, (FENT_20,))),
        (FENT_20, "2025-03-04", ("in-force", "2025-03-04", "2025-11-10", ())),
        (FENT_20, "2025-11-10", ("superseded", "2025-11-10", None, (FENT_CUT,))),
        (FENT_CUT, "2025-11-09", ("announced", "2025-11-04", "2025-11-10", ())),
        (FENT_CUT, "2025-11-10", ("in-force", "2025-11-10", "2026-02-24", ())),
        (RECIPROCAL, "2025-04-09", ("in-force", "2025-04-09", "2025-04-10", (R84,))),
        (RECIPROCAL, "2025-04-20", ("in-force", "2025-04-10", "2025-05-14", (R125,))),
        (RECIPROCAL, "2025-06-01", ("suspended-in-part", "2025-05-14", "2026-02-24", (R_SUSP,))),
        (R84, "2025-04-10", ("superseded", "2025-04-10", None, (R125,))),
        (R125, "2025-05-14", ("revoked", "2025-05-14", None, (R_SUSP,))),
    ],
)
def test_real_tariff_chain_goldens(real, event_id, on, expected) -> None:
    assert row(real, event_id, on)[:4] == expected


def test_real_fentanyl_steps_never_two_in_force(real) -> None:
    day = dt.date(2025, 2, 1)
    while day <= dt.date(2027, 1, 1):
        live = [i for i in FENTANYL if (s := real.status(i, day)) and s.status == "in-force"]
        assert len(live) <= 1, (day, live)
        live = [i for i in (R84, R125) if (s := real.status(i, day)) and s.status == "in-force"]
        assert len(live) <= 1, (day, live)
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("on", ["2025-02-10", "2025-03-10", "2025-04-20", "2025-12-01", "2026-12-02"])
@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_cli_status_issuer_us_lists_one_fentanyl_step(on, cache, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    result = CliRunner().invoke(app, [*cache, "status", "--issuer", "US", "--on", on, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    # one step at a time; none after CBP stopped collecting IEEPA duties on 2026-02-24
    assert len([r for r in rows if r["id"] in FENTANYL]) == (0 if on >= "2026-02-24" else 1)
    assert all(r["status"] not in ("superseded", "revoked", "expired") for r in rows)
    shown = CliRunner().invoke(app, [*cache, "status", "--issuer", "US", "--on", on, "--all", "--json"])
    assert {r["status"] for r in json.loads(shown.stdout) if r["id"] in FENTANYL} <= {
        "in-force",
        "superseded",
        "revoked",
    }
