"""`extends`, lapses and end days: unit cases, property tests and the CLI."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from retracker.cli import app
from retracker.status import StatusEngine

from .conftest import LogBuilder
from .test_status import M, day, engine_for, make, measure, suspension


def extension(n: int, start: int, ends: int | None, target: str, inclusive: bool = False):
    d = day(start)
    kw: dict = {
        "id": f"{d.isoformat()}-cn-extension-{n}",
        "date": d.isoformat(),
        "kind": "suspension",
        "relations": [{"type": "extends", "target": target}],
    }
    if ends is not None:
        kw["ends"] = day(ends).isoformat()
        kw["ends_inclusive"] = inclusive
    return make(**kw)


def statuses(engine: StatusEngine, last: int = 400) -> list[str]:
    return [engine.status(M, day(n)).status for n in range(last)]


# ---- the four findings of issue 16 item 9


def test_extends_on_a_part_extends_that_parts_suspension_not_the_measure() -> None:
    m = measure(parts=[0, 0])
    sus = suspension(0, 10, 20, f"{M}#p1")  # p1 suspended days 10-29
    ext = extension(0, 25, 60, f"{M}#p1")  # carried on to day 60
    engine = engine_for(m, sus, ext)
    assert engine.status(M, day(40)).status == "suspended-in-part"
    assert engine.status(M, day(40)).parts == {"p0": "in-force", "p1": "suspended"}
    assert engine.status(M, day(60)).status == "in-force"
    assert "expired" not in statuses(engine)
    assert f"(as extended by {ext.id})" in engine.status(M, day(40)).reason


def test_extends_on_a_part_of_a_wholly_suspended_measure_keeps_only_that_part() -> None:
    m = measure(parts=[0, 0])
    sus = suspension(0, 10, 20)  # the whole measure, days 10-29
    ext = extension(0, 25, 60, f"{M}#p1")
    engine = engine_for(m, sus, ext)
    assert engine.status(M, day(20)).status == "suspended"
    after = engine.status(M, day(30))
    assert after.status == "suspended-in-part" and after.parts == {"p0": "in-force", "p1": "suspended"}
    assert after.because == (sus.id, ext.id)
    assert engine.status(M, day(60)).status == "in-force"


def test_extends_without_ends_is_until_further_notice() -> None:
    sus = suspension(0, 10, 20)
    ext = extension(0, 25, None, sus.id)
    engine = engine_for(measure(), sus, ext)
    for n in (30, 100, 399):
        s = engine.status(M, day(n))
        assert s.status == "suspended" and s.until is None
    assert "until further notice" in engine.status(M, day(30)).reason
    expiring = engine_for(measure(ends=30), extension(0, 20, None, M))
    assert expiring.status(M, day(300)).status == "in-force"


def test_a_lapse_then_a_renewal_shows_the_gap_and_upcoming_lists_it() -> None:
    sus = suspension(0, 10, 20)  # ends day 30
    renewal = extension(0, 45, 90, sus.id)  # made after the lapse
    engine = engine_for(measure(), sus, renewal)
    assert engine.status(M, day(29)).status == "suspended"
    gap = engine.status(M, day(30))
    assert (gap.status, gap.until) == ("in-force", day(45))
    assert gap.because == (sus.id,) and gap.reason.startswith(f"suspension by {sus.id} ended")
    renewed = engine.status(M, day(45))
    assert renewed.status == "suspended" and renewed.because == (sus.id, renewal.id)
    assert f"renewed by {renewal.id} after a lapse" in renewed.reason
    changes = [(c.date, c.change) for c in engine.changes(day(0), day(100))]
    assert (day(30), "suspension ends; back in force") in changes
    assert (day(45), "suspension begins") in changes
    assert (day(90), "suspension ends; back in force") in changes


def test_a_measure_that_lapsed_and_was_renewed_is_expired_in_the_gap() -> None:
    engine = engine_for(measure(ends=30), extension(0, 45, 90, M))
    assert engine.status(M, day(30)).status == "expired"
    again = engine.status(M, day(45))
    assert again.status == "in-force" and "renewed by 2025-02-15-cn-extension-0" in again.reason
    assert engine.status(M, day(90)).status == "expired"


def test_inclusive_end_day_is_still_suspended() -> None:
    sus = make(
        id="2025-01-11-cn-suspension-0",
        date="2025-01-11",
        kind="suspension",
        ends="2025-01-31",
        ends_inclusive=True,
        relations=[{"type": "suspends", "target": M}],
    )
    engine = engine_for(measure(), sus)
    last = engine.status(M, dt.date(2025, 1, 31))
    assert last.status == "suspended" and last.until == dt.date(2025, 2, 1)
    assert "through 2025-01-31" in last.reason
    assert engine.status(M, dt.date(2025, 2, 1)).status == "in-force"
    assert [c.date for c in engine.changes(day(1), day(60))] == [dt.date(2025, 1, 11), dt.date(2025, 2, 1)]


# ---- properties


def _oracle(start: int, length: int, exts: list[tuple[int, int | None]], d: int) -> bool:
    """Is the suspension on at day d? Day by day: an extension that starts while the
    suspension runs (or on the day it ends) moves the end; one after a lapse restarts it."""
    on_until: float | None = start + length  # exclusive end of the current period
    on_from = start
    for x, e in sorted(exts):
        if x > d:
            break
        new_end = float("inf") if e is None else e
        if new_end <= x:
            continue
        if on_until is None or x <= on_until:
            on_until = new_end
        else:
            on_from, on_until = x, new_end
    return on_from <= d < on_until


@st.composite
def extended(draw):
    start = draw(st.integers(1, 60))
    length = draw(st.integers(1, 60))
    exts = []
    for _ in range(draw(st.integers(0, 3))):
        x = draw(st.integers(start, 250))
        e = draw(st.one_of(st.none(), st.integers(x + 1, 350)))
        exts.append((x, e))
    return start, length, exts


@settings(max_examples=120, deadline=None, derandomize=True)
@given(extended(), st.booleans())
def test_extensions_match_a_day_by_day_oracle(case, on_part) -> None:
    start, length, exts = case
    m = measure(parts=[0, 0])
    target = f"{M}#p1" if on_part else M
    sus = suspension(0, start, length, target)
    events = [m, sus]
    for n, (x, e) in enumerate(exts):
        events.append(extension(n, x, e, f"{M}#p1" if on_part else sus.id))
    if len({(x) for x, _ in exts}) < len(exts):
        return  # two extensions on one day: their order is by id, the oracle cannot say
    engine = engine_for(*events)
    expected_on = "suspended-in-part" if on_part else "suspended"
    for d in range(0, 400, 3):
        got = engine.status(M, day(d)).status
        assert (got == expected_on) == _oracle(start, length, exts, d), (d, got)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(extended(), st.integers(0, 300), st.one_of(st.none(), st.integers(1, 120)), st.booleans())
def test_an_extension_never_changes_a_status_before_its_own_date(case, x, ends, on_part) -> None:
    start, length, exts = case
    m = measure(parts=[0, 0], ends=380)
    sus = suspension(0, start, length, f"{M}#p1" if on_part else M)
    base = [m, sus] + [extension(n, xx, e, sus.id) for n, (xx, e) in enumerate(exts)]
    new = extension(9, x, None if ends is None else x + ends, f"{M}#p1" if on_part else sus.id)
    before, after = engine_for(*base), engine_for(*base, new)
    for d in range(0, x):
        a, b = before.status(M, day(d)), after.status(M, day(d))
        assert (a.status, a.parts) == (b.status, b.parts), d


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.integers(1, 100), st.integers(1, 100), st.booleans())
def test_an_inclusive_end_covers_exactly_one_more_day(start, length, inclusive) -> None:
    d = day(start)
    sus = make(
        id=f"{d.isoformat()}-cn-suspension-0",
        date=d.isoformat(),
        kind="suspension",
        ends=day(start + length).isoformat(),
        ends_inclusive=inclusive,
        relations=[{"type": "suspends", "target": M}],
    )
    engine = engine_for(measure(), sus)
    suspended = [n for n in range(0, 250) if engine.status(M, day(n)).status == "suspended"]
    assert suspended == list(range(start, start + length + (1 if inclusive else 0)))


# ---- the CLI: upcoming names the right day; the real No. 72 / No. 46


def test_cli_upcoming_names_the_day_after_an_inclusive_end() -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["upcoming", "--from", "2026-11-01", "--days", "60", "--json"])
    assert out.exit_code == 0, out.output
    rows = [(c["date"], c["id"], c["change"]) for c in json.loads(out.stdout)]
    n46 = "2024-12-03-cn-mofcom-46-dual-use-items-us"
    r61 = "2025-10-09-cn-mofcom-61-overseas-rare-earth-items"
    assert ("2026-11-28", n46, "suspension ends; back in force") in rows
    assert ("2026-11-11", r61, "suspension ends; back in force") in rows
    assert not any(d == "2026-11-27" and i == n46 for d, i, _ in rows)
    on27 = runner.invoke(app, ["--no-cache", "status", "--on", "2026-11-27", "--json"])
    art2 = next(r for r in json.loads(on27.stdout) if r["id"] == n46)
    assert art2["status"] == "suspended-in-part" and art2["parts"]["art2"] == "suspended"


def test_cli_lapse_through_a_log(log: LogBuilder) -> None:
    log.add(id="2025-01-01-cn-measure", date="2025-01-01", instrument_key=None)
    log.add(
        id="2025-02-01-cn-pause",
        date="2025-02-01",
        kind="suspension",
        instrument_key=None,
        ends="2025-03-01",
        relations=[{"type": "suspends", "target": "2025-01-01-cn-measure"}],
    )
    log.add(
        id="2025-03-10-cn-pause-renewed",
        date="2025-03-10",
        kind="suspension",
        instrument_key=None,
        ends="2025-06-01",
        relations=[{"type": "extends", "target": "2025-02-01-cn-pause"}],
    )
    for cache in ([], ["--no-cache"]):
        out = CliRunner().invoke(
            app,
            ["--data", str(log.root), *cache, "upcoming", "--from", "2025-02-01", "--days", "200", "--json"],
        )
        assert out.exit_code == 0, out.output
        assert [(c["date"], c["to"]) for c in json.loads(out.stdout)] == [
            ("2025-02-01", "suspended"),
            ("2025-03-01", "in-force"),
            ("2025-03-10", "suspended"),
            ("2025-06-01", "in-force"),
        ]
