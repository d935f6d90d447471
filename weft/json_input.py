"""JSON from outside (request bodies, other servers' documents), parsed within bounds.

The standard parser recurses once per ``[`` or ``{``: 1,000 of them (a 2 KB
body) end in a ``RecursionError``, and anything that walks a parsed document
recursively later (``weft.api.params.check_text``, JSON-LD) inherits the
depth. So every door parses with :func:`parse`, which refuses a document
larger than the caller's cap or nested deeper than :data:`MAX_DEPTH` before
the parser sees it. Real documents are shallow: an ActivityPub activity with
an embedded object, its tags and attachments stays under ten levels.
"""

from __future__ import annotations

import json
import operator
import re
from itertools import accumulate, count
from typing import Any

from starlette.requests import Request

from weft.errors import PayloadTooLarge

MAX_DEPTH = 64
MAX_BYTES = 1024 * 1024

# A string (possibly unterminated: the parser refuses that anyway) is skipped
# whole, so its brackets do not count; the possessive quantifiers keep the
# scan linear on hostile input.
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
# Openers weigh 2 and closers 0, so the running sum minus the position is the
# depth: ``accumulate`` and ``map`` run in C, without a Python-level loop.
_WEIGHTS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


class JSONRefused(ValueError):
    """The document is too large or too deeply nested to parse; the message says which."""


def parse(data: bytes | str, *, max_bytes: int = MAX_BYTES) -> Any:
    """``json.loads`` for untrusted input.

    >>> parse(b'{"a": [1, {"b": "[[["}]}')
    {'a': [1, {'b': '[[['}]}
    >>> parse("[" * 65 + "]" * 65)
    Traceback (most recent call last):
    ...
    weft.json_input.JSONRefused: The JSON is nested deeper than 64 levels

    Raises :class:`JSONRefused` for a document beyond the bounds and
    ``ValueError`` for one that is not JSON.
    """
    if len(data) > max_bytes:
        raise JSONRefused(f"The JSON is larger than {max_bytes} bytes")
    if isinstance(data, bytes | bytearray):
        # The encodings json.loads accepts (UTF-8, -16, -32), decoded as it does.
        text = data.decode(json.detect_encoding(data), "surrogatepass")
    else:
        text = data
    if depth(text) > MAX_DEPTH:
        raise JSONRefused(f"The JSON is nested deeper than {MAX_DEPTH} levels")
    return json.loads(text)


def depth(text: str) -> int:
    """The deepest nesting of arrays and objects any prefix of ``text`` reaches
    (unclosed and mismatched brackets count: the parser descends into them)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text)).encode("ascii")
    weights = brackets.translate(_WEIGHTS)
    return max(map(operator.sub, accumulate(weights), count(1)), default=0)


async def read_body(request: Request, limit: int = MAX_BYTES) -> bytes:
    """A request's body, refused (413) once it passes ``limit`` bytes, before it is all read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes")
    return bytes(body)
