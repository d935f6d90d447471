"""Editing a post: a local person's change, or another server's ``Update``.

Both end in :func:`revise`, which keeps the history (the original as the
first version), replaces mentions and tags, tells reposters and quoters, and
asks for the link card again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.cards import enqueue_card
from weft.actions.live import tell_streams
from weft.actions.media import (
    attach_media,
    attached_media_ids,
    check_description,
    parse_focus,
)
from weft.actions.outbox import publish
from weft.actions.polls import PollDraft, check_poll, edit_poll
from weft.actions.posts.bookkeeping import (
    ensure_original_version,
    notify_edit,
    own_status,
    replace_mentions,
    replace_tags,
)
from weft.actions.posts.compose import check_text, clean_language, compose, one_newline
from weft.actions.posts.ghosts import check_ghost
from weft.actions.spoilers import (
    SpoilerRange,
    check_spoilers,
    ranges_of,
    still_fitting,
    stored_ranges,
)
from weft.activity_kinds import ActivityKind
from weft.config import Settings
from weft.db.database import Database
from weft.errors import Invalid
from weft.events import STATUS_UPDATE
from weft.formatting import noun
from weft.models import Account, MediaAttachment, Poll, Status
from weft.models.base import utcnow
from weft.queries.statuses import version_of
from weft.remote_lookup import remote_lookup


@dataclass(frozen=True)
class MediaAttributes:
    """An attachment's alt text and focal point, changed with an edit
    (Mastodon's ``media_attributes[]``); ``None`` keeps the current value."""

    id: int
    description: str | None = None
    focus: str | None = None


@dataclass(frozen=True)
class Change:
    """An edit: the new text; ``None`` keeps the current value."""

    text: str
    spoiler_text: str | None = None
    sensitive: bool | None = None
    language: str | None = None
    # The attachments in order; None keeps them.
    media_ids: tuple[int, ...] | None = None
    media_attributes: tuple[MediaAttributes, ...] = ()
    # The text's spoiler ranges (checked against the new text); None keeps the
    # ones the new text still holds. The media spoiler flag; None keeps it.
    text_entities: tuple[SpoilerRange, ...] | None = None
    is_spoiler_media: bool | None = None
    # Mastodon's poll[...]: the post's poll as it should be (added if it has
    # none); None keeps it as it is.
    poll: PollDraft | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", one_newline(self.text))
        if self.spoiler_text is not None:
            object.__setattr__(self, "spoiler_text", one_newline(self.spoiler_text))


@dataclass(frozen=True)
class Revision:
    """A post's new text, resolved (mentions already ``bookkeeping.mentionable``)."""

    text: str
    content: str  # HTML
    spoiler_text: str
    sensitive: bool
    language: str | None
    edited_at: datetime
    mentioned: Sequence[Account] = ()
    tag_ids: Sequence[int] = ()


async def revise(session: AsyncSession, status: Status, revision: Revision) -> None:
    """Apply ``revision`` to ``status`` with its consequences; media is the caller's."""
    await ensure_original_version(session, status)  # the caller's media not changed yet
    status.text, status.content = revision.text, revision.content
    status.spoiler_text, status.language = revision.spoiler_text, revision.language
    status.sensitive = revision.sensitive or bool(revision.spoiler_text)
    status.edited_at = revision.edited_at
    await session.flush()  # the new version names the attachments as they are now
    session.add(await version_of(session, status, status.edited_at))
    await replace_mentions(session, status, revision.mentioned)
    await replace_tags(session, status.id, revision.tag_ids)
    await notify_edit(session, status)
    enqueue_card(session, status, edited=True)
    await tell_streams(session, STATUS_UPDATE, status)
    await publish(session, ActivityKind.UPDATE, status.account_id, status_id=status.id)


async def edit_status(
    db: Database, settings: Settings, account_id: int, status_id: int, change: Change
) -> Status:
    """Edit one's own post within ``settings.edit_window_minutes`` of posting.

    The first edit stores the original as the first version, so the history
    always begins with what was first published.
    """
    await remote_lookup().learn_mentioned(db, settings, [change.text])
    async with db.write() as session:
        status = await own_status(session, account_id, status_id)
        _check_edit_window(settings, status)
        current_media = await attached_media_ids(session, status.id)
        new_media = current_media if change.media_ids is None else list(change.media_ids)
        spoiler = status.spoiler_text if change.spoiler_text is None else change.spoiler_text
        check_text(change.text, spoiler, has_media=bool(new_media))
        has_poll = change.poll is not None or await _has_poll(session, status.id)
        if status.ghost_expires_at is not None:
            check_ghost(has_media=bool(new_media), has_poll=change.poll is not None, quotes=False)
        if status.text_attachment is not None and new_media:  # a text-only post stays one
            raise Invalid("media_ids", "can't be added to a post with a text_attachment")
        if status.text_attachment is not None and change.poll is not None:
            raise Invalid("poll", "can't be added to a post with a text_attachment")
        if change.poll is not None:
            check_poll(change.poll, has_media=bool(new_media))
        elif has_poll and new_media:
            raise Invalid("media_ids", "can't be added to a post with a poll")
        language = clean_language(change.language) if change.language else status.language
        sensitive = status.sensitive if change.sensitive is None else change.sensitive
        attributes = _check_attributes(change.media_attributes, new_media)
        entities, spoiler_media = _spoilers(status, change, bool(new_media))
        poll_changed = False
        if change.poll is not None:
            await ensure_original_version(session, status)  # with the poll as it was
            poll_changed = await edit_poll(session, status, change.poll)
        if (
            (change.text, spoiler, sensitive, language, new_media, entities, spoiler_media)
            == (
                status.text,
                status.spoiler_text,
                status.sensitive,
                status.language,
                current_media,
                list(status.text_entities or []),
                status.is_spoiler_media,
            )
            and not poll_changed
            and not await _changes_media(session, attributes)
        ):
            return status  # nothing changed: no new version, no "edited" label
        await ensure_original_version(session, status)
        if new_media != current_media:
            await attach_media(session, account_id, status.id, new_media)
        await _apply_attributes(session, attributes)
        status.text_entities = entities
        status.is_spoiler_media = spoiler_media
        spoilers = [(r.offset, r.length) for r in ranges_of(status.text_entities)]
        composed = await compose(session, settings, account_id, change.text, spoilers)
        revision = Revision(
            text=change.text,
            content=composed.content,
            spoiler_text=spoiler,
            sensitive=sensitive,
            language=language,
            edited_at=utcnow(),
            mentioned=composed.mentioned,
            tag_ids=composed.tag_ids,
        )
        await revise(session, status, revision)
        return status


def _spoilers(status: Status, change: Change, has_media: bool) -> tuple[list[Any], bool]:
    """The edited post's spoiler ranges and media flag: as given (checked), or
    the ranges the new text still holds and the flag while media remains."""
    spoiler_media = (
        status.is_spoiler_media if change.is_spoiler_media is None else change.is_spoiler_media
    )
    if change.text_entities is None:
        entities = still_fitting(change.text, status.text_entities)
        check_spoilers(change.text, (), change.is_spoiler_media is True, has_media)
        return entities, spoiler_media and has_media
    check_spoilers(change.text, change.text_entities, spoiler_media, has_media)
    return stored_ranges(change.text_entities), spoiler_media


async def _has_poll(session: AsyncSession, status_id: int) -> bool:
    found = await session.scalar(select(Poll.id).where(Poll.status_id == status_id))
    return found is not None


def _check_edit_window(settings: Settings, status: Status) -> None:
    window = timedelta(minutes=settings.edit_window_minutes)
    if utcnow() - status.created_at > window:
        raise Invalid(
            "status",
            f"can only be edited within {settings.edit_window_minutes} "
            f"{noun(settings.edit_window_minutes, 'minute')} of posting",
            "ERR_EDIT_WINDOW",
        )


def _check_attributes(
    attributes: Sequence[MediaAttributes], media_ids: Sequence[int]
) -> dict[int, tuple[str | None, tuple[float, float] | None]]:
    """Each attribute names one of the post's attachments (after the edit), once;
    as id -> (description, focus), checked."""
    checked: dict[int, tuple[str | None, tuple[float, float] | None]] = {}
    for item in attributes:
        if item.id not in media_ids:
            raise Invalid(
                "media_attributes", f"{item.id} is not one of the post's media", "ERR_NOT_FOUND"
            )
        if item.id in checked:
            raise Invalid("media_attributes", f"{item.id} is named twice", "ERR_TAKEN")
        check_description(item.description)
        checked[item.id] = (item.description, parse_focus(item.focus))
    return checked


async def _changes_media(
    session: AsyncSession, attributes: dict[int, tuple[str | None, tuple[float, float] | None]]
) -> bool:
    for media_id, (description, focus) in attributes.items():
        media = await session.get(MediaAttachment, media_id)
        assert media is not None  # one of the post's media, checked
        if description is not None and (description or None) != media.description:
            return True
        if focus is not None and focus != (media.focus_x, media.focus_y):
            return True
    return False


async def _apply_attributes(
    session: AsyncSession, attributes: dict[int, tuple[str | None, tuple[float, float] | None]]
) -> None:
    for media_id, (description, focus) in attributes.items():
        media = await session.get(MediaAttachment, media_id)
        assert media is not None
        if description is not None:
            media.description = description or None
        if focus is not None:
            media.focus_x, media.focus_y = focus
