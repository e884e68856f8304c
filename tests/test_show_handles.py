"""`show ID` at 80 columns: the relation tree and status reasons name events by handle
(issue 15, "From a list to the event"), and a handle is never broken across lines."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from rich.console import Console

from retracker.dataset import load_dataset
from retracker.handles import by_handle, entries_of, handles
from retracker.render import event_view, relation_tree, status_table
from retracker.status import StatusEngine

from .conftest import REPO

N61 = "2025-10-09-cn-mofcom-61-overseas-rare-earth-items"
N70 = "2025-11-07-cn-mofcom-gacc-70-suspension-october-measures"
DAY = dt.date(2025, 12, 1)
ID = re.compile(r"\d{4}-\d{2}-\d{2}-[a-z0-9-]+")


@pytest.fixture(scope="module")
def log():
    ds = load_dataset(REPO / "data")
    return ds, handles(entries_of(ds.events)), StatusEngine(ds)


def text_of(renderable, width: int) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, highlight=False, markup=False, color_system=None)
    console.print(renderable, crop=False)
    return out.getvalue()


def test_by_handle_names_each_known_id_by_its_handle_and_nothing_else() -> None:
    names = {N70: "CN-MOFCOM-GACC-2025-70", "2025-10-30-us-cn-busan-trump-xi": "2025-10-30-us-cn-busan-trump"}
    reason = (
        f"suspended by {N70} until 2026-11-10; amended by 2025-10-30-us-cn-busan-trump-xi from 2025-11-10"
    )
    assert by_handle(reason, names) == (
        "suspended by CN-MOFCOM-GACC-2025-70 until 2026-11-10; "
        "amended by 2025-10-30-us-cn-busan-trump from 2025-11-10"
    )
    # a longer id that starts with a known one, an unknown id, a part: left as they are
    assert by_handle(f"{N70}-bis", names) == f"{N70}-bis"
    assert by_handle("by 2025-01-01-xx-unknown", names) == "by 2025-01-01-xx-unknown"
    assert by_handle(f"part a of {N70}#a", names) == "part a of CN-MOFCOM-GACC-2025-70#a"
    assert by_handle(reason, None) == reason


def test_the_status_reason_names_the_acting_event_by_handle(log) -> None:
    ds, names, engine = log
    text = text_of(event_view(ds, ds.by_id[N61], engine, DAY, handles=names), 80)
    status = text.split("\ntitle_zh")[0]
    assert "suspended by CN-MOFCOM-GACC-2025-70 through 2026-11-10" in " ".join(status.split())
    assert N70 not in text.split("\nRelations")[0]


def test_status_rows_name_acting_events_by_handle_and_json_keeps_ids(log) -> None:
    ds, names, engine = log
    st = engine.status(N61, DAY)
    assert N70 in st.because and N70 in st.to_json()["because"]
    assert "CN-MOFCOM-GACC-2025-70" in text_of(status_table([(ds.by_id[N61], st)], handles=names), 200)


def tree_nodes(tree) -> list:
    out, todo = [], list(tree.root.children)
    while todo:
        node = todo.pop()
        out.append(node)
        todo += node.children
    return out


@pytest.mark.parametrize("width", [30, 40, 60, 80, 100, 160])
def test_tree_prints_each_handle_whole_and_fits_the_width(log, width: int) -> None:
    ds, names, _ = log
    with_relations = [e for e in ds.live if e.relations or list(ds.acted_on_by(e.id))]
    assert len(with_relations) > 50
    for event in with_relations:
        tree = relation_tree(ds, event, handles=names)
        lines = text_of(tree, width).splitlines()
        assert lines[0] == "Relations"
        for node in tree_nodes(tree):
            name = tree.name(node)
            assert any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", line) for line in lines), (
                event.id,
                name,
                width,
            )
        for line in lines:
            words = line.split()
            # only a line holding a single handle (after its guide) may pass the width
            assert len(line.rstrip()) <= width or words[-1] in {tree.name(n) for n in tree_nodes(tree)}, line
        # no event of the log is named by its full id when its handle is shorter
        for found in ID.findall("\n".join(lines)):
            assert names.get(found, found) == found or found not in names, found


def test_tree_at_80_columns_for_no_61(log) -> None:
    ds, names, _ = log
    text = text_of(relation_tree(ds, ds.by_id[N61], handles=names), 80)
    assert "└── suspended by ← CN-MOFCOM-GACC-2025-70  Suspension of the six" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert N70 not in text


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_show_at_80_columns_names_other_events_by_handle(monkeypatch: pytest.MonkeyPatch, cache) -> None:
    """`retracker show ID` at COLUMNS=80: the tree and the status reason print handles whole
    (the full ids wrapped at 80 columns); `show` accepts each handle printed."""
    from typer.testing import CliRunner

    from retracker.cli import app

    monkeypatch.setenv("COLUMNS", "80")
    runner = CliRunner()
    data = ["--data", str(REPO / "data"), *cache]
    result = runner.invoke(app, [*data, "show", "CN-MOFCOM-2025-61", "--on", "2025-12-01"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "suspended by CN-MOFCOM-GACC-2025-70" in " ".join(out.split())
    tree = out[out.index("\nRelations\n") :]
    assert N70 not in tree and "← CN-MOFCOM-GACC-2025-70  " in tree
    assert max(len(line) for line in tree.splitlines()) <= 80
    for handle in re.findall(r"[←→] (\S+)  ", tree):
        shown = runner.invoke(app, [*data, "show", handle])
        assert shown.exit_code == 0, (handle, shown.output)
