"""The status engine: property tests over generated graphs, goldens on the real log."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retracker import load_dataset, model
from retracker.dataset import Dataset
from retracker.status import STATUSES, StatusEngine

from .conftest import event_dict

BASE = dt.date(2025, 1, 1)
M = "2025-01-01-cn-measure"


def day(n: int) -> dt.date:
    return BASE + dt.timedelta(days=n)


def make(**kw) -> model.Event:
    data = event_dict(instrument_key=None, **kw)
    return model.Event.model_validate(data)


def measure(effective: int = 0, parts: list[int] | None = None, ends: int | None = None) -> model.Event:
    kw: dict = {"id": M, "date": BASE.isoformat()}
    if parts:
        kw["parts"] = [{"id": f"p{i}", "effective": day(p).isoformat()} for i, p in enumerate(parts)]
    elif effective:
        kw["effective"] = day(effective).isoformat()
    if ends is not None:
        kw["ends"] = day(ends).isoformat()
    return make(**kw)


def suspension(n: int, start: int, length: int | None, target: str = M) -> model.Event:
    d = day(start)
    kw = {
        "id": f"{d.isoformat()}-cn-suspension-{n}",
        "date": d.isoformat(),
        "kind": "suspension",
        "relations": [{"type": "suspends", "target": target}],
    }
    if length:
        kw["ends"] = (d + dt.timedelta(days=length)).isoformat()
    return make(**kw)


def engine_for(*events: model.Event) -> StatusEngine:
    return StatusEngine(Dataset(None, list(events)))


@st.composite
def graphs(draw):
    parts = draw(st.one_of(st.none(), st.lists(st.integers(0, 60), min_size=1, max_size=3)))
    effective = draw(st.integers(0, 60))
    ends = draw(st.one_of(st.none(), st.integers(61, 400)))
    m = measure(effective=effective, parts=parts, ends=ends)
    part_ids = [p.id for p in m.parts]
    events = [m]
    for n in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, 300))
        length = draw(st.one_of(st.none(), st.integers(1, 200)))
        target = M
        if part_ids and draw(st.booleans()):
            target = f"{M}#{draw(st.sampled_from(part_ids))}"
        events.append(suspension(n, start, length, target))
    if draw(st.booleans()):
        d = day(draw(st.integers(0, 400)))
        events.append(
            make(
                id=f"{d.isoformat()}-cn-revocation",
                date=d.isoformat(),
                kind="revocation",
                relations=[{"type": "revokes", "target": M}],
            )
        )
    return events


@settings(max_examples=150, deadline=None, derandomize=True)
@given(graphs())
def test_status_defined_and_changes_only_on_listed_dates(events) -> None:
    engine = engine_for(*events)
    assert engine.status(M, day(-1)) is None
    listed = {c.date for c in engine.changes(day(0), day(450))}
    previous = None
    for n in range(0, 450):
        st_ = engine.status(M, day(n))
        assert st_ is not None and st_.status in STATUSES
        assert st_.since <= day(n) and (st_.until is None or st_.until > day(n))
        key = (st_.status, st_.because, tuple(sorted(st_.parts.items())))
        if previous is not None and key != previous:
            assert day(n) in listed, (n, key, previous)
        previous = key
    for c in engine.changes(day(1), day(450)):
        before = engine.status(M, c.date - dt.timedelta(days=1))
        after = engine.status(M, c.date)
        assert (before.status, before.because, before.parts) != (after.status, after.because, after.parts)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.integers(1, 100), st.integers(1, 200), st.integers(0, 30))
def test_suspension_window_restores_prior_status(start, length, effective) -> None:
    engine = engine_for(measure(effective=min(effective, start - 1)), suspension(0, start, length))
    before = engine.status(M, day(start - 1))
    assert before.status == "in-force"
    during = engine.status(M, day(start))
    assert during.status == "suspended" and during.until == day(start + length)
    assert engine.status(M, day(start + length - 1)).status == "suspended"
    assert engine.status(M, day(start + length)).status == before.status


def test_partial_suspension_and_revocation() -> None:
    m = measure(parts=[0, 0])
    engine = engine_for(m, suspension(0, 10, 20, f"{M}#p1"))
    on = engine.status(M, day(15))
    assert on.status == "suspended-in-part" and on.parts == {"p0": "in-force", "p1": "suspended"}
    assert "part p1 suspended by 2025-01-11-cn-suspension-0 until 2025-01-31" in on.reason
    revoke = make(
        id="2025-03-01-cn-revocation",
        date="2025-03-01",
        kind="revocation",
        relations=[{"type": "revokes", "target": M}],
    )
    engine = engine_for(m, revoke)
    assert engine.status(M, day(58)).status == "in-force"
    gone = engine.status(M, day(59))
    assert (gone.status, gone.because, gone.until) == ("revoked", ("2025-03-01-cn-revocation",), None)


def test_extension_moves_the_window_end_and_expiry() -> None:
    s = suspension(0, 10, 20)
    ext = make(
        id="2025-01-25-cn-extension",
        date="2025-01-25",
        kind="suspension",
        ends="2025-03-01",
        relations=[{"type": "extends", "target": s.id}],
    )
    engine = engine_for(measure(), s, ext)
    assert engine.status(M, day(40)).status == "suspended"
    assert engine.status(M, dt.date(2025, 3, 1)).status == "in-force"
    assert engine.status(M, day(40)).until == dt.date(2025, 3, 1)
    expiring = engine_for(measure(ends=30))
    assert expiring.status(M, day(30)).status == "expired"
    assert expiring.status(M, day(29)).until == day(30)


def test_announced_before_effect_and_none_for_plain_events() -> None:
    engine = engine_for(
        measure(effective=5), make(id="2025-01-02-cn-note", date="2025-01-02", kind="statement")
    )
    first = engine.status(M, day(0))
    assert (first.status, first.until) == ("announced", day(5))
    assert engine.status("2025-01-02-cn-note", day(3)) is None


def test_cycles_do_not_hang() -> None:
    a = make(
        id="2025-01-01-cn-a",
        date="2025-01-01",
        relations=[{"type": "supersedes", "target": "2025-01-02-cn-b"}],
    )
    b = make(
        id="2025-01-02-cn-b",
        date="2025-01-02",
        relations=[{"type": "supersedes", "target": "2025-01-01-cn-a"}],
    )
    engine = engine_for(a, b)
    assert engine.status("2025-01-01-cn-a", day(5)).status == "superseded"
    assert engine.status("2025-01-02-cn-b", day(5)).status == "superseded"


# ---- goldens on the real log

R61 = "2025-10-09-cn-mofcom-61-overseas-rare-earth-items"
R57 = "2025-10-09-cn-mofcom-gacc-57-medium-heavy-rare-earths"
N70 = "2025-11-07-cn-mofcom-gacc-70-suspension-october-measures"
N46 = "2024-12-03-cn-mofcom-46-dual-use-items-us"
N72 = "2025-11-09-cn-mofcom-72-suspension-46-art2"


@pytest.fixture(scope="module")
def real() -> StatusEngine:
    return StatusEngine(load_dataset())


def _row(engine: StatusEngine, event_id: str, on: str) -> tuple:
    s = engine.status(event_id, dt.date.fromisoformat(on))
    return (s.status, s.since.isoformat(), s.until.isoformat() if s.until else None, s.because)


@pytest.mark.parametrize(
    "event_id,on,expected",
    [
        (R61, "2025-10-20", ("in-force", "2025-10-09", "2025-11-07", ())),
        # No. 70 suspends "至2026年11月10日" and No. 72 "至2026年11月27日": the end day is
        # still suspended (ends_inclusive), the measures return the day after.
        (R61, "2025-11-20", ("suspended", "2025-11-07", "2026-11-11", (N70,))),
        (R61, "2026-11-10", ("suspended", "2025-11-07", "2026-11-11", (N70,))),
        (R61, "2026-11-15", ("in-force", "2026-11-11", None, (N70,))),
        (R57, "2025-10-20", ("announced", "2025-10-09", "2025-11-08", ())),
        (R57, "2025-11-20", ("suspended", "2025-11-08", "2026-11-11", (N70,))),
        (R57, "2026-11-11", ("in-force", "2026-11-11", None, (N70,))),
        (N46, "2025-11-01", ("in-force", "2024-12-03", "2025-11-09", ())),
        (N46, "2025-11-20", ("suspended-in-part", "2025-11-09", "2026-11-28", (N72,))),
        (N46, "2026-11-27", ("suspended-in-part", "2025-11-09", "2026-11-28", (N72,))),
        (N46, "2026-11-28", ("in-force", "2026-11-28", None, (N72,))),
    ],
)
def test_real_log_goldens(real: StatusEngine, event_id: str, on: str, expected: tuple) -> None:
    assert _row(real, event_id, on) == expected


def test_real_log_partial_suspension_reason(real: StatusEngine) -> None:
    s = real.status(N46, dt.date(2025, 11, 20))
    assert s.parts == {"art1": "in-force", "art2": "suspended", "art3": "in-force"}
    assert s.reason == f"part art2 suspended by {N72} through 2026-11-27; art1, art3 in force"
    changes = [
        (c.date.isoformat(), c.id, c.change)
        for c in real.changes(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    ]
    assert ("2026-11-11", R61, "suspension ends; back in force") in changes
    assert ("2026-11-28", N46, "suspension ends; back in force") in changes


# ---- spans: the stored form of a measure's history, and the index built from them


@settings(max_examples=80, deadline=None, derandomize=True)
@given(graphs())
def test_spans_are_contiguous_and_agree_with_status(events) -> None:
    engine = engine_for(*events)
    spans = engine.spans(events[0])
    assert spans[0].since == BASE and spans[-1].until is None
    for a, b in itertools.pairwise(spans):
        assert a.until == b.since
        assert (a.status, a.because, a.parts) != (b.status, b.because, b.parts)
    for n in range(-1, 450, 3):
        found = [s for s in spans if s.since <= day(n) and (s.until is None or day(n) < s.until)]
        expected = engine.status(M, day(n))
        if expected is None:
            assert found == []
        else:
            assert len(found) == 1
            assert found[0].to_json() | {"on": None} == expected.to_json() | {"on": None}


@settings(max_examples=40, deadline=None, derandomize=True)
@given(graphs())
def test_index_answers_like_the_engine(events) -> None:
    import sqlite3
    import tempfile
    from pathlib import Path

    from retracker import cache
    from retracker.query import Filters, listing, upcoming

    ds = Dataset(None, list(events))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.sqlite"
        cache._write(path, ds, "stamp")
        index = cache.Index(sqlite3.connect(path), path.parent)
        try:
            for n in range(-1, 450, 5):
                from_index = index.listing(Filters(), day(n))
                from_yaml = listing(ds, Filters(), day(n))
                assert [e.id for e, _ in from_index] == [e.id for e, _ in from_yaml]
                assert [s and s.to_json() for _, s in from_index] == [s and s.to_json() for _, s in from_yaml]
            for start, end in ((day(-5), day(460)), (day(30), day(90)), (day(200), day(200))):
                changes = [c.to_json() for _, c in index.upcoming(Filters(), start, end)]
                assert changes == [c.to_json() for _, c in upcoming(ds, Filters(), start, end)]
        finally:
            index.close()
