"""Threads' rich-post parameters on ``POST /api/v1/statuses``, read as Threads'
API sends them (a JSON text in a form field) or as JSON: ``text_entities``
(spoilers), ``is_spoiler_media``, ``text_attachment`` and ``topic_tag``.
The rules are the actions' (weft/actions/spoilers.py, text_attachments.py,
topics.py); here only the shape is read, each refusal naming its field."""

from __future__ import annotations

from typing import Any

import orjson

from weft.actions.spoilers import FIELD as ENTITIES_FIELD
from weft.actions.spoilers import SpoilerRange, read_ranges
from weft.actions.text_attachments import FIELD as ATTACHMENT_FIELD
from weft.actions.text_attachments import TextAttachment, read_attachment
from weft.api.params import bool_param, indexed_list
from weft.errors import Invalid


def json_param(value: Any, field: str) -> Any:
    """A parameter that may arrive as a JSON text (Threads' form fields)."""
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            raise Invalid(field, "must be JSON") from None
    return value


def text_entities(value: Any) -> tuple[SpoilerRange, ...]:
    raw = json_param(value, ENTITIES_FIELD)
    if raw is None:
        return ()
    return read_ranges(indexed_list(raw, ENTITIES_FIELD))


def text_attachment(value: Any) -> TextAttachment | None:
    return read_attachment(json_param(value, ATTACHMENT_FIELD))


def flag(value: Any, field: str) -> bool:
    try:
        return bool(bool_param(value))
    except ValueError:
        raise Invalid(field, "must be true or false") from None
