"""The event model: strict dates, closed lists, vocabulary normalisation, located errors."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from retracker import model, vocab
from retracker.dataset import load_event_file

from .conftest import dump, event_dict


def test_valid_event_normalises_materials_and_countries() -> None:
    e = model.Event.model_validate(
        event_dict(
            materials=["antimony", "锑", "Rare Earths", "gallium"], targets=["United States", "美国", "NO"]
        )
    )
    assert e.materials == ["Sb", "Sb", "rare-earths", "Ga"]
    assert e.targets == ["US", "US", "NO"]
    assert e.date == dt.date(2025, 4, 4)


@pytest.mark.parametrize("bad", ["2025-02-30", "2025/04/04", "20250404", "2025-W14-5", 1743724800])
def test_dates_are_strict(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        model.Event.model_validate(event_dict(date=bad))
    assert info.value.errors()[0]["type"] == "invalid_date"


def test_unknown_material_suggests() -> None:
    with pytest.raises(ValidationError) as info:
        model.Event.model_validate(event_dict(materials=["Dyy"]))
    err = info.value.errors()[0]
    assert err["type"] == "unknown_material"
    assert "did you mean Dy" in err["msg"]


@pytest.mark.parametrize("field,value", [("kind", "export-controls"), ("verification", "maybe")])
def test_closed_lists(field: str, value: str) -> None:
    with pytest.raises(ValidationError):
        model.Event.model_validate(event_dict(**{field: value}))


def test_relation_target_and_part() -> None:
    rel = model.Relation(type="suspends", target="2024-12-03-cn-x#art2")
    assert (rel.target_id, rel.target_part) == ("2024-12-03-cn-x", "art2")


def test_starts_uses_effective_then_parts() -> None:
    assert model.Event.model_validate(event_dict()).starts == dt.date(2025, 4, 4)
    assert model.Event.model_validate(event_dict(effective="2025-05-01")).starts == dt.date(2025, 5, 1)
    parts = [{"id": "b", "effective": "2025-12-01"}, {"id": "a", "effective": "2025-10-09"}]
    assert model.Event.model_validate(event_dict(parts=parts)).starts == dt.date(2025, 10, 9)


def test_to_json_shape() -> None:
    payload = model.Event.model_validate(event_dict(materials=["antimony"])).to_json()
    for key in (
        "id",
        "date",
        "kind",
        "issuer",
        "authority",
        "instrument",
        "instrument_key",
        "materials",
        "targets",
        "title",
        "sources",
    ):
        assert key in payload
    assert payload["materials"] == ["Sb"]
    assert payload["date"] == "2025-04-04"


def test_group_membership_is_documented_and_consistent() -> None:
    assert len(vocab.MATERIALS["rare-earths"].members) == 17
    light = set(vocab.LIGHT_RARE_EARTHS)
    heavy = set(vocab.HEAVY_RARE_EARTHS)
    assert not light & heavy
    assert light | heavy | {"Sc"} == set(vocab.MATERIALS["rare-earths"].members)


def test_country_vocabulary() -> None:
    assert vocab.country_code("NO") == "NO"
    assert vocab.country_code("Japan") == "JP"
    assert vocab.country_code("日本") == "JP"
    assert vocab.country_code("eu") == "EU"
    assert vocab.country_code("all") == "ALL"
    with pytest.raises(vocab.UnknownTerm) as info:
        vocab.country_code("Untied States")
    assert "US" in info.value.suggestions


# ---- errors from files: pydantic locations mapped back to lines


def _write(tmp_path, text: str):
    path = tmp_path / "2025" / "2025-04-04-cn-mofcom-gacc-18-test-measure.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _codes(tmp_path, text: str) -> list[tuple[str, int, int]]:
    event, diags, _ = load_event_file(_write(tmp_path, text))
    assert event is None
    return [(d.code, d.line, d.col) for d in diags]


def test_unknown_field_located_with_guess(tmp_path) -> None:
    text = dump(event_dict()) + "sumary: typo\n"
    _event, diags, _ = load_event_file(_write(tmp_path, text))
    assert [(d.code, d.line, d.col) for d in diags] == [("RT101", text.count("\n"), 1)]
    assert diags[0].hint == "did you mean 'summary'?"


def test_wrong_type_in_nested_field_is_located(tmp_path) -> None:
    data = event_dict()
    data["sources"][0]["title"] = 2805.30
    text = dump(data)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "2805.3" in row)
    _event, diags, _ = load_event_file(_write(tmp_path, text))
    assert [(d.code, d.line) for d in diags] == [("RT106", line)]
    assert diags[0].hint == "YAML read this as a number; quote it"


def test_missing_field_points_at_parent(tmp_path) -> None:
    assert _codes(tmp_path, dump(event_dict(summary=None))) == [("RT102", 1, 1)]


def test_invalid_date_located(tmp_path) -> None:
    text = dump(event_dict(date="2025-02-30"))
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("date:"))
    assert _codes(tmp_path, text) == [("RT105", line, 7)]


def test_boolean_where_string_expected(tmp_path) -> None:
    text = (
        dump(event_dict()).replace("title: Test measure", "title: yes").replace("issuer: CN", "issuer: true")
    )
    _, diags, _ = load_event_file(_write(tmp_path, text))
    by_code = {d.code: d for d in diags}
    assert by_code["RT106"].hint == "YAML read this as a boolean; quote it"


def test_json_schema_describes_dates_as_strings() -> None:
    schema = model.event_json_schema()
    assert schema["properties"]["date"]["type"] == "string"
    assert schema["additionalProperties"] is False
