"""Threads' rich posts in a ``Note``: spoilers (and, below, what else Weft adds).

Weft servers read our own terms back (``textEntities``, ``spoilerMedia``:
``https://w3id.org/weft/ns#``); every other server gets the closest thing it
knows: a post with text spoilers carries a content warning (``summary``,
``SPOILER_SUMMARY`` unless the author wrote one), so Mastodon does not show
them in the clear, and a media spoiler is ``sensitive``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from weft import limits
from weft.actions.posts.topic import clean_topic
from weft.actions.spoilers import SPOILER
from weft.actions.text_attachments import remote_attachment
from weft.errors import Invalid
from weft.models import Status, Tag
from weft.text.remote import sanitize_remote
from weft.text.styled import attachment_html, with_attachment

SPOILER_SUMMARY = "Spoilers"


def rich_fields(status: Status, tags: Sequence[Tag] = ()) -> dict[str, Any]:
    """The Note's fields for ``status``'s spoilers, text attachment and topic
    (one of its ``tags``: a Hashtag for every server, ``topic`` for Weft's)."""
    fields: dict[str, Any] = {}
    topic = next((t.name for t in tags if t.id == status.topic_tag_id), None)
    if topic is not None:
        fields["topic"] = topic
    if status.text_entities:
        fields["textEntities"] = [
            {"type": SPOILER, "offset": e["offset"], "length": e["length"]}
            for e in status.text_entities
        ]
        if not status.spoiler_text:
            fields["summary"] = SPOILER_SUMMARY
    if status.is_spoiler_media:
        fields["spoilerMedia"] = True
    if status.text_attachment:
        # Every server reads the attachment's text after the post's own;
        # Weft servers take it back apart (read_rich).
        content = with_attachment(status.content, status.text_attachment)
        fields["content"] = content
        if status.language:
            fields["contentMap"] = {status.language: content}
        fields["textAttachment"] = status.text_attachment
    return fields


@dataclass(frozen=True)
class RichRead:
    """What a Note's Weft terms say, checked; ``spoiler_text`` is the content
    warning once our own stand-in for spoilers is taken out."""

    spoiler_text: str
    text_entities: list[dict[str, Any]]
    is_spoiler_media: bool
    text_attachment: dict[str, Any] | None = None
    topic: str | None = None
    content: str | None = None  # the post's own HTML, when an attachment was taken out


def read_rich(document: Mapping[str, Any], spoiler_text: str) -> RichRead:
    entities = _entities(document.get("textEntities"))
    if entities and spoiler_text == SPOILER_SUMMARY:
        spoiler_text = ""
    attachment, content = _attachment(document)
    return RichRead(
        spoiler_text=spoiler_text,
        text_entities=entities,
        is_spoiler_media=document.get("spoilerMedia") is True,
        text_attachment=attachment,
        topic=_topic(document.get("topic")),
        content=content,
    )


def _topic(raw: Any) -> str | None:
    """Another Weft server's topic, checked as ours are (a bad one: none)."""
    if not isinstance(raw, str):
        return None
    try:
        return clean_topic(raw)
    except Invalid:
        return None


def _attachment(document: Mapping[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """A Weft server's text attachment, and the Note's content without its
    HTML; when the content does not end with that HTML (another version's
    rendering, a server that rewrote it), the attachment stays in the content
    and none is kept, so its text is never shown twice."""
    attachment = remote_attachment(document.get("textAttachment"))
    content = document.get("content")
    if attachment is None or not isinstance(content, str):
        return None, None
    tail = attachment_html(attachment)
    if not content.endswith(tail):
        return None, None
    return attachment, sanitize_remote(content[: len(content) - len(tail)])


def _entities(raw: Any) -> list[dict[str, Any]]:
    """Spoiler ranges as another Weft server sent them; anything malformed
    drops them all (the content's own marks still hide the text)."""
    if not isinstance(raw, list) or len(raw) > limits.MAX_SPOILER_RANGES:
        return []
    entities = []
    for item in raw:
        if not isinstance(item, Mapping) or item.get("type") != SPOILER:
            return []
        offset, length = _whole(item.get("offset")), _whole(item.get("length"))
        if offset is None or length is None or offset < 0 or length < 1:
            return []
        entities.append({"entity_type": SPOILER, "offset": offset, "length": length})
    return sorted(entities, key=lambda e: int(e["offset"]))


def _whole(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value < 2**31:
        return value
    return None
