"""Fuzzing the event-file loader: whatever the bytes, an Event or well-formed diagnostics.

Valid event texts (built with ``event_dict`` + ``dump``, and a few real files of the bundled
log) are mutated: bytes flipped, the file cut short, random bytes and YAML punctuation
inserted; and random YAML documents are generated from scratch or put into an event's fields.
Each result is written to ``events/2025/<id>.yaml`` of a scratch data directory and loaded
with ``load_event_file`` (and linted with ``lint_paths``): it must give an Event, or
diagnostics that name a registry code, a 1-based line and column and one line of text.
Nothing else: no exception.

Derandomized, so that CI sees the same examples on every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import event as record_outcome
from hypothesis import strategies as st

from retracker import lint_paths
from retracker.dataset import load_event_file
from retracker.model import FIELDS, Event

from .conftest import REPO, LogBuilder, dump, event_dict, malformed

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
STEM = "2025-04-04-cn-mofcom-gacc-18-test-measure"


# ----------------------------------------------------------------- what counts as well-formed


# ----------------------------------------------------------------- seeds and scratch log


def _real_events() -> list[bytes]:
    """A few files of the bundled log: the first with parts, with relations, with figures."""
    files = sorted((REPO / "data" / "events").glob("*/*.yaml"))
    assert files, "the bundled log has no events"
    chosen: list[Path] = [files[0]]
    for marker in ("\nparts:", "\nrelations:", "\nfigures:"):
        match = next((f for f in files if marker in f.read_text(encoding="utf-8")), None)
        if match is not None and match not in chosen:
            chosen.append(match)
    return [f.read_bytes() for f in chosen]


RICH = event_dict(
    effective="2025-05-01",
    ends="2026-11-10",
    relations=[{"type": "amends", "target": "2024-12-03-cn-mofcom-46-dual-use-items-us#art2", "note": "n"}],
    figures=[{"metric": "exports", "value": 4777, "unit": "kg", "period": "2025-04"}],
    tags=["de-escalation", "rare-earths"],
    materials=["Dy", "antimony", "稀土"],
)
SEEDS: list[bytes] = [dump(event_dict()).encode(), dump(RICH).encode(), *_real_events()]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> LogBuilder:
    log = LogBuilder(tmp_path_factory.mktemp("fuzz").resolve() / "log")
    (log.root / "events" / "2025").mkdir(parents=True)
    return log


def check(log: LogBuilder, raw: bytes) -> None:
    """Write ``raw`` as an event file, load and lint it: an Event or well-formed diagnostics."""
    path = log.root / "events" / "2025" / f"{STEM}.yaml"
    path.write_bytes(raw)
    event, diags, _doc = load_event_file(path, log.root)
    if event is not None:
        assert isinstance(event, Event)
        assert diags == [], [str(d) for d in diags]
    else:
        assert diags, "neither an event nor a diagnostic"
    for diag in diags:
        assert malformed(diag) == [], str(diag)
        assert diag.path == str(path)
    record_outcome("Event" if event is not None else diags[0].code)  # --hypothesis-show-statistics
    result = lint_paths([path])
    for diag in result.diagnostics:
        assert malformed(diag) == [], str(diag)
    assert result.exit_code() in (0, 1)
    if event is None:
        assert result.exit_code() == 1


def test_seeds_are_valid_events(scratch: LogBuilder) -> None:
    """The fuzz starts from files that load (otherwise it only tests one error path)."""
    assert len(SEEDS) >= 4
    for raw in SEEDS:
        path = scratch.root / "events" / "2025" / f"{STEM}.yaml"
        path.write_bytes(raw)
        event, diags, _doc = load_event_file(path, scratch.root)
        assert event is not None, [str(d) for d in diags]


# ----------------------------------------------------------------- byte-level mutations

seeds = st.sampled_from(SEEDS)
offsets = st.integers(min_value=0, max_value=1 << 20)

PUNCTUATION = [
    *(s.encode() for s in ":,[]{}#&*!|>'\"%@`?-~\\"),
    b": ",
    b"- ",
    b"? ",
    b"&a ",
    b"*a",
    b"<<: ",
    b"!!str ",
    b" !!int",
    b" !!float",
    b"!!binary ",
    b"!!python/object/apply:os.system ",
    b"!x ",
    b"|\n",
    b">-\n",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"\t",
    b"\n",
    b"\r\n",
    b"\r",
    b"  ",
    b"null",
    b"yes",
    b"NO",
    b"on",
    b"2025-02-30",
    b"0x",
    b"1:20",
    b"1e999",
    b".nan",
    b"9" * 5000,
    b"[" * 40,
    b"- " * 40,
]
# Mostly YAML punctuation and text: random and odd bytes are nearly always invalid UTF-8 (RT002), which
# stops the loader before the parser, so they get a smaller share.
ODD_BYTES = [
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"\x01",
    b"\x1b[2J",
    b"\xc3",
    b"\xe6\xb5",
    b"\xed\xa0\x80",
]
punctuation = st.sampled_from(PUNCTUATION)
ascii_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=8)
chunks = st.one_of(
    punctuation,
    punctuation,
    punctuation,
    ascii_text.map(str.encode),
    ascii_text.map(str.encode),
    st.sampled_from(ODD_BYTES),
    st.binary(min_size=1, max_size=8),
)
# XOR masks below 0x80 keep ASCII bytes ASCII (a flip to a high byte is an RT002 at once).
masks = st.one_of(st.integers(1, 0x7F), st.integers(1, 0x7F), st.integers(1, 0xFF))


@FUZZ
@given(seed=seeds, flips=st.lists(st.tuples(offsets, masks), min_size=1, max_size=6))
def test_byte_flips(scratch: LogBuilder, seed: bytes, flips: list[tuple[int, int]]) -> None:
    raw = bytearray(seed)
    for offset, mask in flips:
        raw[offset % len(raw)] ^= mask
    check(scratch, bytes(raw))


@FUZZ
@given(seed=seeds, cut=offsets)
def test_truncation(scratch: LogBuilder, seed: bytes, cut: int) -> None:
    check(scratch, seed[: cut % (len(seed) + 1)])


def boundary(raw: bytes, offset: int) -> int:
    """An offset into ``raw`` that does not split a UTF-8 character (the seeds hold Chinese)."""
    starts = [i for i in range(len(raw)) if raw[i] & 0xC0 != 0x80] + [len(raw)]
    return starts[offset % len(starts)]


@FUZZ
@given(seed=seeds, inserts=st.lists(st.tuples(offsets, chunks), min_size=1, max_size=4))
def test_insertions(scratch: LogBuilder, seed: bytes, inserts: list[tuple[int, bytes]]) -> None:
    raw = seed
    for offset, chunk in inserts:
        at = boundary(raw, offset)
        raw = raw[:at] + chunk + raw[at:]
    check(scratch, raw)


@FUZZ
@given(
    seed=seeds,
    cuts=st.lists(st.tuples(offsets, st.integers(1, 64)), min_size=1, max_size=4),
    inserts=st.lists(st.tuples(offsets, chunks), max_size=3),
)
def test_deletions_and_insertions(
    scratch: LogBuilder, seed: bytes, cuts: list[tuple[int, int]], inserts: list[tuple[int, bytes]]
) -> None:
    raw = seed
    for offset, length in cuts:
        start = boundary(raw, offset)
        end = min(start + length, len(raw))
        while end < len(raw) and raw[end] & 0xC0 == 0x80:  # finish the character
            end += 1
        raw = raw[:start] + raw[end:]
    for offset, chunk in inserts:
        at = boundary(raw, offset)
        raw = raw[:at] + chunk + raw[at:]
    check(scratch, raw)


# ----------------------------------------------------------------- random YAML documents

# Any text, line breaks and control characters included (messages must stay one line).
# Surrogates cannot be written as UTF-8.
texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=20)
words = st.one_of(
    texts,
    st.sampled_from(["NO", "yes", "on", "off", "~", "null", "2025-02-30", "2025-04-04", "Dy", "CN", "ALL"]),
    st.sampled_from(list(FIELDS)),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    words,
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(words, inner, max_size=4)),
    max_leaves=20,
)
styles = st.fixed_dictionaries(
    {
        "default_flow_style": st.sampled_from([False, True, None]),
        "allow_unicode": st.booleans(),
        "sort_keys": st.booleans(),
        "explicit_start": st.booleans(),
    }
)


def to_yaml(data: Any, style: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, **style).encode("utf-8")


@FUZZ
@given(data=values, style=styles)
def test_random_yaml_documents(scratch: LogBuilder, data: Any, style: dict[str, Any]) -> None:
    check(scratch, to_yaml(data, style))


@FUZZ
@given(data=st.dictionaries(words, values, min_size=1, max_size=8), style=styles)
def test_random_yaml_mappings(scratch: LogBuilder, data: dict[str, Any], style: dict[str, Any]) -> None:
    check(scratch, to_yaml(data, style))


@FUZZ
@given(
    field=st.sampled_from([*FIELDS, "titel", "source", "date_", ""]),
    value=values,
    in_source=st.booleans(),
    style=styles,
)
def test_random_values_in_event_fields(
    scratch: LogBuilder, field: str, value: Any, in_source: bool, style: dict[str, Any]
) -> None:
    """A valid event with one field (of the event or of its source) set to random YAML."""
    event = event_dict()
    if in_source:
        event["sources"] = [{**event["sources"][0], field: value}]
    else:
        event[field] = value
    check(scratch, to_yaml(event, style))
