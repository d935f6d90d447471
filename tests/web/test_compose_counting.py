"""The composer's counter counts as the server does.

``fixtures/count_cases.json`` is a table of tricky texts with the length and
the number of distinct links the server gives them; the server must keep
giving them, and ``static/compose.js`` (run under Node) must give the same,
on the table and on random texts built from the same tricky pieces.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.backends import missing
from weft.text import countable_length, distinct_links

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((Path(__file__).parent / "fixtures" / "count_cases.json").read_text())
COMPOSE_JS = ROOT / "weft" / "web" / "static" / "compose.js"
PIECES = [
    "a", "Z", "_", "1", " ", "\n", "@", "#", ".", "-", "/", ":", "?", "(", ")", "[", "]",
    "*", "!", "'", '"', "=", "$", "http://", "https://", "HTTPS://", "example.com",
    "b.example", "é", "e\u0301", "日本", "👨\u200d👩\u200d👧", "·", "\u200c", "\u00a0",
    "\ufeff", "\x1f", "\u0903", "@alice", "@bob@c.example", "#tag", "&q=1", "\u3000", "\u017f",
]  # fmt: skip
# Node runs compose.js's counting on each {text, spoiler_text} read from stdin.
NODE_SCRIPT = """
const counting = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(cases.map((c) => [
  counting.countableLength(c.text, c.spoiler_text),
  counting.distinctLinks(c.text).size,
])));
"""


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_server_counts_the_table(case: dict[str, Any]) -> None:
    assert countable_length(case["text"], case["spoiler_text"]) == case["length"]
    assert len(distinct_links(case["text"])) == case["links"]


def test_the_table_has_the_limits_and_tricky_cases() -> None:
    lengths = {c["name"]: c["length"] for c in CASES}
    assert lengths["500 characters"] == 500
    assert lengths["501 characters"] == 501
    assert lengths["remote mention counts @user only"] == len("hi @alice how are you")
    assert lengths["emoji with ZWJ (family: 7 code points)"] == 7


def _node_counts(cases: list[dict[str, Any]]) -> list[list[int]]:
    node = shutil.which("node")
    if node is None:
        missing("Node.js", "install node to compare static/compose.js with the server")
        raise AssertionError("unreachable")
    done = subprocess.run(
        [node, "-e", NODE_SCRIPT, str(COMPOSE_JS)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    result: list[list[int]] = json.loads(done.stdout)
    return result


def test_compose_js_counts_the_table_as_the_server() -> None:
    counts = _node_counts(CASES)
    for case, (length, links) in zip(CASES, counts, strict=True):
        assert (length, links) == (case["length"], case["links"]), case["name"]


def test_compose_js_counts_random_texts_as_the_server() -> None:
    rnd = random.Random(2025)
    texts = ["".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 30))) for _ in range(3000)]
    cases = [{"text": t, "spoiler_text": rnd.choice(["", "cw", "⚠️"])} for t in texts]
    counts = _node_counts(cases)
    for case, (length, links) in zip(cases, counts, strict=True):
        expected = (
            countable_length(case["text"], case["spoiler_text"]),
            len(distinct_links(case["text"])),
        )
        assert (length, links) == expected, repr(case)
