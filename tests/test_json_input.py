"""JSON from outside is refused when too deep or too large, before parsing."""

from __future__ import annotations

import json

import pytest

from weft.json_input import MAX_DEPTH, JSONRefused, depth, parse


def test_a_shallow_document_parses_as_json_loads_does() -> None:
    raw = '{"a": [1, {"b": "[[[{{{"}], "c": "\\"[", "d": "\\u005b"}'
    assert parse(raw) == json.loads(raw)
    assert parse(raw.encode("utf-16")) == json.loads(raw)


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert depth('[1, [2, {"a": "[[[\\"["}]]') == 3
    assert depth("") == 0
    assert depth('"[[[[') == 0


@pytest.mark.parametrize(
    "raw",
    [
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        "[" * 1000 + "]" * 1000,
        "[" * 1000,  # never closed: the parser descends all the same
        "[" * 1000 + "}" + "]" * 1000,  # mismatched
        '{"a":' * 1000 + "1" + "}" * 1000,
    ],
)
def test_too_deep_is_refused_before_parsing(raw: str) -> None:
    with pytest.raises(JSONRefused, match=f"nested deeper than {MAX_DEPTH} levels"):
        parse(raw.encode())


def test_exactly_the_maximum_depth_parses() -> None:
    raw = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert isinstance(parse(raw), list)


def test_too_large_is_refused() -> None:
    with pytest.raises(JSONRefused, match="larger than 10 bytes"):
        parse(b'["0123456789"]', max_bytes=10)


def test_not_json_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Expecting"):
        parse(b"{nope")
