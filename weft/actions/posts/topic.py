"""A post's topic (Threads' ``topic_tag``): its name checked, its tag row.

A topic is a row of ``tags``, as a hashtag is: its name 1 to 50 characters,
without ``.`` or ``&`` (Threads' rule), spaces allowed. Following topics and
hashtags is ``weft/actions/topics.py``.
"""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from weft import limits
from weft.actions.posts.bookkeeping import upsert_tags
from weft.errors import Invalid

FIELD = "topic_tag"
_FORBIDDEN = (".", "&")
_SPACES = re.compile(r"\s+")
# What a hashtag name holds (Mastodon's HASHTAG_NAME_RE, roughly): a topic
# goes to other servers as a Hashtag with only these.
_NOT_HASHTAG = re.compile(r"[^\w·]", re.UNICODE)


def clean_topic(raw: str | None, field: str = FIELD) -> str | None:
    """A topic as written, spaces tidied; None for none; else a 422 naming ``field``."""
    if raw is None:
        return None
    name = _SPACES.sub(" ", raw).strip().lstrip("#").strip()
    if not raw.strip():
        return None
    if not name:
        raise Invalid(field, "must have 1 to 50 characters")
    if len(name) > limits.MAX_TOPIC_CHARACTERS:
        most = limits.MAX_TOPIC_CHARACTERS
        raise Invalid(field, f"is too long ({len(name)} characters; the most is {most})")
    for character in _FORBIDDEN:
        if character in name:
            raise Invalid(field, f"can't contain {character!r}")
    if any(not c.isprintable() for c in name):
        raise Invalid(field, "can't contain control characters")
    return name


def hashtag_name(topic: str) -> str:
    """The topic as a hashtag other servers accept (``Book Club``: ``BookClub``)."""
    return _NOT_HASHTAG.sub("", topic) or "topic"


async def topic_id(session: AsyncSession, name: str | None) -> int | None:
    if name is None:
        return None
    (tag_id,) = await upsert_tags(session, [name])
    return tag_id
