"""A Weft server's text attachment read from a Note: taken out of the content
only when the content ends with exactly its HTML, else left whole."""

from __future__ import annotations

from typing import Any

from weft.federation.rich_notes import read_rich
from weft.text.styled import attachment_html

ATTACHMENT: dict[str, Any] = {
    "plaintext": "Long words",
    "link_attachment_url": None,
    "text_with_styling_info": [{"offset": 0, "length": 4, "styling_info": ["bold"]}],
}


def test_the_attachment_is_taken_out_of_the_content() -> None:
    content = "<p>Short</p>" + attachment_html(ATTACHMENT)
    rich = read_rich({"content": content, "textAttachment": ATTACHMENT}, "")
    assert rich.text_attachment == ATTACHMENT
    assert rich.content == "<p>Short</p>"


def test_content_rendered_otherwise_is_kept_whole() -> None:
    content = "<p>Short</p><p><b>Long</b> words</p>"
    rich = read_rich({"content": content, "textAttachment": ATTACHMENT}, "")
    assert (rich.text_attachment, rich.content) == (None, None)


def test_a_malformed_attachment_is_dropped() -> None:
    content = "<p>Short</p><p>x</p>"
    for bad in ("text", {"plaintext": ""}, {"plaintext": "x" * 10_001}, {"plaintext": 5}):
        rich = read_rich({"content": content, "textAttachment": bad}, "")
        assert (rich.text_attachment, rich.content) == (None, None)
    styled = {"plaintext": "x", "text_with_styling_info": [{"offset": 0, "length": 2}]}
    assert read_rich({"content": content, "textAttachment": styled}, "").text_attachment is None
