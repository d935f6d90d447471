"""A local person's text: checked, its mentions and tags resolved, rendered.

Shared by posting (``post.py``) and editing (``edit.py``); another server's
post arrives already rendered (``remote.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.posts.bookkeeping import mentionable, upsert_tags
from weft.config import Settings
from weft.errors import Invalid
from weft.models import Account
from weft.text import MAX_LINKS, MentionTarget, countable_length, distinct_links, render
from weft.text import mentions as text_mentions
from weft.text.entities import hashtags

MAX_CHARS = 500
# ISO 639-1/2/3, optionally with a region or script ("pt-BR", "zh-Hant").
_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})?")


@dataclass(frozen=True)
class Composed:
    """Text resolved against the database: its HTML, mentioned accounts and tags."""

    content: str
    mentioned: list[Account]
    tag_ids: list[int]


def one_newline(text: str) -> str:
    """Line breaks as ``\n``: a browser's form sends CRLF, which must not count twice."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_text(text: str, spoiler_text: str, *, has_media: bool = False) -> None:
    if not text.strip() and not has_media:
        raise Invalid("status", "can't be blank", "ERR_BLANK")
    if countable_length(text, spoiler_text) > MAX_CHARS:
        raise Invalid("status", f"character limit of {MAX_CHARS} exceeded", "ERR_TOO_LONG")
    if len(distinct_links(text)) > MAX_LINKS:
        raise Invalid("status", f"can contain at most {MAX_LINKS} distinct links", "ERR_TOO_LONG")


def clean_language(language: str | None) -> str | None:
    if language is None or language == "":
        return None
    if not _LANGUAGE.fullmatch(language):
        raise Invalid("language", "is not a valid ISO 639 language code")
    primary, _, region = language.replace("_", "-").partition("-")
    return f"{primary.lower()}-{region}" if region else primary.lower()


async def compose(
    session: AsyncSession,
    settings: Settings,
    author_id: int,
    text: str,
    spoilers: Sequence[tuple[int, int]] = (),
) -> Composed:
    """Resolve ``text``'s mentions and tags and render it (``spoilers`` marked)."""
    mentioned = await _resolve_mentions(session, settings, author_id, text)
    targets = {
        (a.username.lower(), a.domain.lower() if a.domain else None): MentionTarget(
            a.username, a.url or f"{settings.base_url}/@{a.username}"
        )
        for a in mentioned
    }
    content = render(
        text,
        base_url=settings.base_url,
        local_domain=settings.domain,
        mentions=targets,
        spoilers=spoilers,
    )
    tag_ids = await upsert_tags(session, hashtags(text))
    return Composed(content, mentioned, tag_ids)


async def _resolve_mentions(
    session: AsyncSession, settings: Settings, author_id: int, text: str
) -> list[Account]:
    """Known accounts the text mentions that may be mentioned (``mentionable``)."""
    wanted = {ref.key(settings.domain) for ref in text_mentions(text)}
    if not wanted:
        return []
    candidates = await session.scalars(
        select(Account).where(func.lower(Account.username).in_({name for name, _ in wanted}))
    )
    found = [
        a
        for a in candidates
        if (a.username.lower(), a.domain.lower() if a.domain else None) in wanted
    ]
    return await mentionable(session, author_id, found)
