"""Preview cards for posts: the first link of a post without media gets one.

A card belongs to a URL, not to a post: every post linking the same page
shares one row, fetched once and reused for ``CARD_FRESH``; a page that gave
no card is not asked again for ``FAILED_RETRY``. Network work happens outside
any transaction (SQLite has one writer; a slow site must not hold it).
See docs/decisions/0008-remote-fetches.md.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime, timedelta
from urllib.parse import urldefrag

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.cards.build import CardData, build_card
from weft.cards.images import delete_image
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.jobs.kinds import FETCH_CARD
from weft.jobs.queue import enqueue
from weft.models import MediaAttachment, PreviewCard, Status, StatusCard
from weft.models.base import utcnow
from weft.net import FetchError
from weft.text import links

log = logging.getLogger(__name__)

CARD_FRESH = timedelta(days=14)
FAILED_RETRY = timedelta(hours=24)
MAX_CARD_URL = 2000


def card_link(text: str) -> str | None:
    """The link a post's card is for: its first http(s) link, without the fragment."""
    for url in links(text):
        clean = urldefrag(url).url
        if clean.startswith(("http://", "https://")) and len(clean) <= MAX_CARD_URL:
            return clean
    return None


def enqueue_card(session: AsyncSession, status: Status, *, edited: bool = False) -> None:
    """Inside the posting (or editing) transaction: ask for the card if the post
    has a link; after an edit always, so a removed link takes its card away.
    (The job itself skips a post that has media by the time it runs.)"""
    if edited or card_link(status.text) is not None:
        enqueue(session, FETCH_CARD, {"status_id": status.id})


async def attach_card(db: Database, settings: Settings, status_id: int) -> PreviewCard | None:
    """Give the post the card of its first link (or none), fetching it if needed.

    Idempotent: run twice, it links the same card; a post that lost its link
    or gained media loses its card.
    """
    url = await _wanted_url(db, status_id)
    card = await _cached_card(db, url) if url else None
    if url and card is None:
        card = await refresh_card(db, settings, url)
    ready = card if card is not None and card.state == "ready" else None
    async with db.write() as session:
        if await session.get(Status, status_id) is None:
            return None  # deleted meanwhile: its card link went with it
        await session.execute(delete(StatusCard).where(StatusCard.status_id == status_id))
        if ready is not None:
            session.add(StatusCard(status_id=status_id, card_id=ready.id))
    return ready


async def _wanted_url(db: Database, status_id: int) -> str | None:
    async with db.read() as session:
        status = await session.get(Status, status_id)
        if status is None or status.reblog_of_id is not None:
            return None
        has_media = await session.scalar(
            select(MediaAttachment.id).where(MediaAttachment.status_id == status_id).limit(1)
        )
    return None if has_media is not None else card_link(status.text)


def _usable(card: PreviewCard, now: datetime) -> bool:
    if card.fetched_at is None:
        return False
    age = now - card.fetched_at
    return (card.state == "ready" and age < CARD_FRESH) or (
        card.state == "failed" and age < FAILED_RETRY
    )


async def _cached_card(db: Database, url: str) -> PreviewCard | None:
    async with db.read() as session:
        card = await session.scalar(select(PreviewCard).where(PreviewCard.url == url))
    return card if card is not None and _usable(card, utcnow()) else None


async def refresh_card(db: Database, settings: Settings, url: str) -> PreviewCard:
    """Fetch ``url``'s card now and store it (ready or failed) in its one row."""
    card_id = await _card_row(db, url)
    data: CardData | None
    try:
        data = await build_card(settings, url, card_id)
    except FetchError as error:
        log.info("no preview card for %s: %s", url, error.reason)
        data = None
    async with db.write() as session:
        card = await session.get(PreviewCard, card_id)
        assert card is not None  # cards are never deleted while in use
        old_image = card.image_key
        _apply(card, data)
    if old_image and old_image != card.image_key:
        await delete_image(settings, old_image)
    return card


async def _card_row(db: Database, url: str) -> int:
    """The id of ``url``'s card row, made (pending) if there is none yet."""
    async with db.write() as session:
        values = {"id": new_id(), "url": url, "state": "pending", "created_at": utcnow()}
        await insert_ignore(session, PreviewCard, values)
        card_id = await session.scalar(select(PreviewCard.id).where(PreviewCard.url == url))
    assert card_id is not None
    return card_id


def _apply(card: PreviewCard, data: CardData | None) -> None:
    card.fetched_at = utcnow()
    if data is None:
        card.state = "failed"
        return
    card.state = "ready"
    fields = asdict(data)
    fields.pop("image_url")
    for name, value in fields.items():
        setattr(card, name, value)
