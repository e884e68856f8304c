"""The loader: YAML 1.2 booleans, strings for dates, located errors for everything else."""

from __future__ import annotations

import pytest

from retracker import yamlio
from retracker.yamlio import YamlProblem, decode, load_text


def problem(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as info:
        load_text(text)
    return info.value


def test_norway_stays_a_string() -> None:
    data = load_text("issuer: NO\ntargets: [NO, no, yes, on, off, Y, n]\n").data
    assert data == {"issuer": "NO", "targets": ["NO", "no", "yes", "on", "off", "Y", "n"]}


def test_only_true_and_false_are_booleans() -> None:
    assert load_text("a: true\nb: False\nc: TRUE\n").data == {"a": True, "b": False, "c": True}


def test_dates_stay_strings() -> None:
    data = load_text("date: 2025-10-09\nbad: 2025-02-30\nts: 2025-10-09 12:00:00\n").data
    assert data == {"date": "2025-10-09", "bad": "2025-02-30", "ts": "2025-10-09 12:00:00"}


def test_numbers_and_nulls() -> None:
    assert load_text("a: 12\nb: 1.5\nc: ~\nd:\n").data == {"a": 12, "b": 1.5, "c": None, "d": None}


def test_duplicate_key_names_both_lines() -> None:
    p = problem("id: a\ntitle: t\nid: b\n")
    assert (p.code, p.line, p.col) == ("RT007", 3, 1)
    assert "first at line 1" in p.message


def test_duplicate_key_at_depth() -> None:
    p = problem("sources:\n  - url: a\n    kind: news\n    url: b\n")
    assert (p.code, p.line, p.col) == ("RT007", 4, 5)


def test_alias_is_rejected() -> None:
    p = problem("a: &x [1, 2]\nb: *x\n")
    assert (p.code, p.line, p.col) == ("RT008", 1, 4)


def test_unused_anchor_is_rejected() -> None:
    p = problem("a: &x 1\n")
    assert p.code == "RT008" and "anchor 'x'" in p.message


@pytest.mark.parametrize(
    "text",
    [
        "&x {a: 1}\n",
        "a: [1,&x 2]\n",
        "a: [&x 1]\n",
        "a: {b: &x 1}\n",
        "a:\n  - &x 1\n",
        "? &x a\n: 1\n",
        'a: {"b":&x 1}\n',
        "a: !!str &x 1\n",
        "url: http://x?a=1&b=2\nb: &y 1\n",
    ],
)
def test_an_anchor_is_rejected_wherever_it_stands(text: str) -> None:
    """Files whose every ``&`` sits inside a word or a URL skip the anchor scan; these do not."""
    assert problem(text).code == "RT008"


def test_ampersand_in_a_url_is_fine() -> None:
    assert load_text("url: https://x.org/?a=1&b=2\n").data == {"url": "https://x.org/?a=1&b=2"}


def test_merge_key_is_rejected() -> None:
    p = problem("a:\n  <<: {b: 1}\n")
    assert (p.code, p.line) == ("RT008", 2)


def test_tab_indentation_is_located() -> None:
    p = problem("a:\n\tb: 1\n")
    assert (p.code, p.line, p.col) == ("RT004", 2, 1)
    assert "tab" in p.message


def test_syntax_error_is_located() -> None:
    p = problem("title: [unclosed\nkind: x\n")
    assert (p.code, p.line, p.col) == ("RT004", 2, 5)


@pytest.mark.parametrize("tag", ["!!python/object:os.system", "!!binary", "!!set", "!custom", "!!timestamp"])
def test_non_core_tags_are_rejected(tag: str) -> None:
    p = problem(f"a: {tag} x\n")
    assert (p.code, p.line, p.col) == ("RT009", 1, 4)


def test_empty_and_comment_only() -> None:
    assert problem("").code == "RT005"
    assert problem("# only a comment\n").code == "RT005"


def test_multi_document() -> None:
    p = problem("a: 1\n---\nb: 2\n")
    assert (p.code, p.line) == ("RT011", 2)


def test_depth_limit() -> None:
    p = problem("a: " + "[" * 40 + "]" * 40 + "\n")
    assert p.code == "RT010"


def test_locate_maps_paths_to_nodes() -> None:
    doc = load_text("id: x\nsources:\n  - url: a\n    kind: news\n")
    assert doc.locate(("sources", 0, "kind")) == (4, 11)
    assert doc.locate_key(("sources", 0, "kind")) == (4, 5)
    assert doc.locate(("missing", 3)) == (1, 1)


def test_decode_bom_and_bad_bytes() -> None:
    assert decode(b"\xef\xbb\xbfa: 1\n") == "a: 1\n"
    with pytest.raises(YamlProblem) as info:
        decode(b"a: 1\nb: caf\xe9\n")
    assert (info.value.code, info.value.line, info.value.col) == ("RT002", 2, 7)
    with pytest.raises(YamlProblem) as info:
        decode("a: 1\n".encode("utf-16"))
    assert info.value.code == "RT002"
    with pytest.raises(YamlProblem) as info:
        decode(b"a: 1\nb: \x00\n")
    assert (info.value.code, info.value.line, info.value.col) == ("RT002", 2, 4)


def test_loader_name_is_reported() -> None:
    assert yamlio.LOADER_NAME in ("libyaml (C)", "pure Python")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "~",
        "null",
        "Null",
        "NULL",
        "true",
        "False",
        "yes",
        "NO",
        "on",
        "0",
        "-1",
        "+7",
        "0x1f",
        "0o17",
        "1_000",
        "1.5",
        "-.inf",
        ".NaN",
        "1e3",
        "2025-01-02",
        "2025-01-02T10:00:00Z",
        "<<",
        "=",
        "!x",
        "&a",
        "*a",
        "Sb",
        "rare-earths",
        "MOFCOM 61/2025",
        "12:30",
        "190:20:30",
        "über",
        "0.",
        "._",
    ],
)
def test_the_fast_resolver_answers_as_pyyaml_does(value: str) -> None:
    """EventLoader.resolve skips PyYAML's path-resolver bookkeeping (it has none); its tags
    are the general resolver's, for plain and quoted scalars and for collections."""
    import yaml
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    assert not yamlio.EventLoader.yaml_path_resolvers
    general = yaml.resolver.BaseResolver.resolve
    loader = yamlio.EventLoader("")
    for implicit in ((True, False), (False, True), (False, False)):
        assert loader.resolve(ScalarNode, value, implicit) == general(loader, ScalarNode, value, implicit)
    for kind in (SequenceNode, MappingNode):
        assert loader.resolve(kind, None, True) == general(loader, kind, None, True)
