"""Long relation chains cost their length, not its square (issue 16, scale): lint, the status
engine's shortcuts and the exports on a chain of thousands of `extends`, checked by counting
steps, not by timing; and the shortcuts give exactly what the fold of ``segments`` gives."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retracker import lint, model, status
from retracker.cli import app
from retracker.dataset import Dataset
from retracker.lint import lint_paths
from retracker.status import StatusEngine

from .conftest import LogBuilder, event_dict

runner = CliRunner()
START = dt.date(2000, 1, 3)


def chain(log: LogBuilder, n: int, *, cycle: bool = False) -> list[str]:
    """A measure, a suspension of it and n - 2 events each extending the one before (with
    ``cycle``, the suspension also extends the last one: one long cycle)."""
    ids = []
    for k in range(n):
        day = START + dt.timedelta(days=2 * k)
        ids.append(f"{day.isoformat()}-chain-{'measure' if k == 0 else 'link'}-{k}")
    for k, eid in enumerate(ids):
        day = START + dt.timedelta(days=2 * k)
        fields: dict = {"id": eid, "date": day.isoformat(), "instrument_key": None, "instrument": None}
        if k == 0:
            fields["kind"] = "export-ban"
        else:
            fields["kind"] = "suspension"
            fields["ends"] = (day + dt.timedelta(days=3)).isoformat()
            relation = "suspends" if k == 1 else "extends"
            fields["relations"] = [{"type": relation, "target": ids[k - 1]}]
            if cycle and k == 1:
                fields["relations"].append({"type": "extends", "target": ids[-1]})
        log.add(**fields)
    return ids


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count calls of ``status.end_day``: every step of a fold over extensions makes one."""
    calls = [0]
    real = status.end_day

    def end_day(event):
        calls[0] += 1
        return real(event)

    monkeypatch.setattr(status, "end_day", end_day)
    return calls


@pytest.mark.parametrize("n", [3000])
def test_lint_on_a_long_extends_chain_takes_steps_in_proportion(
    n: int, log: LogBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain(log, n)
    calls = counting(monkeypatch)
    result = lint_paths(data=log.root)
    assert result.errors == []
    # the fold over every link's extensions made n²/2 steps (4.5 million at 3,000): 19 s at 1,500
    assert calls[0] <= 10 * n


def test_a_long_cycle_is_one_finding_found_in_one_walk(
    log: LogBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = chain(log, 2000, cycle=True)
    walks = [0]
    real = lint._find_cycle

    def find_cycle(graph, start):
        walks[0] += 1
        return real(graph, start)

    monkeypatch.setattr(lint, "_find_cycle", find_cycle)
    found = [d for d in lint_paths(data=log.root).diagnostics if d.code == "RT209"]
    assert len(found) == 1 and walks[0] == 1  # it walked the whole cycle from every event
    assert found[0].message == "relation cycle: " + " -> ".join([ids[1], *reversed(ids[2:]), ids[1]])


def test_the_exports_and_queries_on_a_long_chain(log: LogBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    n = 2000
    ids = chain(log, n)
    calls = counting(monkeypatch)
    for args in (
        ["export", "--format", "ics"],  # asks every event for its end: a fold each, n² steps
        ["--no-cache", "status", "--all"],
        ["--no-cache", "show", ids[1]],
        ["--no-cache", "timeline"],
    ):
        result = runner.invoke(app, ["--data", str(log.root), *args])
        assert result.exit_code == 0, (args, result.output)
    assert calls[0] <= 20 * n
    status_all = runner.invoke(app, ["--data", str(log.root), "--no-cache", "status", "--all", "--json"])
    assert ids[0] in status_all.stdout


# ------------------------------------------------------------------ the shortcuts are exact


def random_log(rng: random.Random, size: int) -> Dataset:
    """Events that extend each other at random: cycles, lapses, ends before starts, ends
    inclusive or not, open ends, effective dates, withdrawn events, part extensions."""
    day = lambda k: (dt.date(2025, 1, 1) + dt.timedelta(days=k)).isoformat()  # noqa: E731
    ids = [f"2025-01-01-ev-{i}" for i in range(size)]
    events = []
    for eid in ids:
        start = rng.randrange(40)
        fields: dict = {"id": eid, "date": day(start), "instrument_key": None}
        fields["kind"] = rng.choice(["suspension", "suspension", "export-ban"])
        if fields["kind"] == "export-ban" and rng.random() < 0.3:
            fields["parts"] = [{"id": "a", "effective": day(start + rng.randrange(3))}]
        elif rng.random() < 0.3:
            fields["effective"] = day(start + rng.randrange(6))
        if rng.random() < 0.8:
            fields["ends"] = day(start + rng.randrange(-2, 15))
            fields["ends_inclusive"] = rng.random() < 0.3
        relations = []
        for _ in range(rng.randrange(4)):
            target = rng.choice(ids)
            part = "#a" if rng.random() < 0.1 else ""
            kind = rng.choice(["extends", "extends", "suspends"])
            relations.append({"type": kind, "target": target + part})
        fields["relations"] = relations
        if rng.random() < 0.1:
            fields["withdrawn"] = {"date": day(start), "reason": "wrong"}
        events.append(model.Event.model_validate(event_dict(**fields)))
    return Dataset(None, events)


def folded_renewal(engine: StatusEngine, target: model.Event, ext: model.Event):
    segs = engine.segments(target)
    for n, seg in enumerate(segs):
        if seg.renewed_by == ext.id:
            return seg.start, segs[n - 1].end
    return None


@pytest.mark.parametrize("seed", range(300))
def test_end_of_and_renewal_equal_the_fold(seed: int) -> None:
    rng = random.Random(seed)
    ds = random_log(rng, rng.randrange(2, 14))
    engine = StatusEngine(ds)
    for event in ds.events:
        last = engine.segments(event)[-1]
        assert engine.end_of(event) == (last.end, last.set_by if last.set_by != event.id else None)
    for event in ds.live:
        for rel in event.relations:
            target = ds.by_id.get(rel.target_id)
            if rel.type == "extends" and not rel.target_part and target is not None and target.id != event.id:
                assert engine.renewal(target, event) == folded_renewal(engine, target, event), rel


def test_strongly_connected_components_come_after_what_they_reach() -> None:
    graph = {"a": ["b"], "b": ["c", "a"], "c": ["d"], "d": [], "e": ["e"]}
    found = status.strongly_connected(graph)
    assert sorted(map(sorted, found)) == [["a", "b"], ["c"], ["d"], ["e"]]
    order = {n: i for i, comp in enumerate(found) for n in comp}
    assert order["d"] < order["c"] < order["a"]
    long = {str(i): [str(i + 1)] for i in range(100_000)}  # no recursion: no stack to exhaust
    assert len(status.strongly_connected(long)) == 100_001


def test_lint_reports_the_chain_through_the_cli(tmp_path: Path) -> None:
    log = LogBuilder(tmp_path / "log")
    chain(log, 50)
    result = runner.invoke(app, ["--data", str(log.root), "lint"])
    assert result.exit_code == 0 and "50 file(s): 0 error(s), 0 warning(s)" in result.stderr
