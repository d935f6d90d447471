"""Changing a person's filters (Mastodon's filters v2 and v1, the web's hidden words).

Every change bumps the person's ``filter_states.version`` in its transaction
(so every process recompiles their filters on its next read,
weft/queries/filters.py) and tells their ``user`` stream ``filters_changed``
once it commits, as Mastodon does. The web's hidden words are the keywords
of one filter of the person's, marked ``hidden_words``: hide, in every context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.upsert import insert_ignore
from weft.errors import Invalid, NotFound
from weft.events import FILTERS_CHANGED, emit
from weft.events import keys as event_keys
from weft.models import Filter, FilterKeyword, FilterState, FilterStatus
from weft.models.base import utcnow
from weft.models.filters import ACTIONS, CONTEXTS, MAX_KEYWORD, MAX_TITLE
from weft.queries.filters import FilterView, own_filter, own_filter_status, own_keyword
from weft.queries.statuses import visible_status

HIDDEN_WORDS_TITLE = "Hidden words"
MAX_EXPIRES_IN = 10 * 365 * 24 * 3600  # ten years, in seconds
MAX_KEYWORDS = 1000


@dataclass(frozen=True)
class KeywordChange:
    """One of ``keywords_attributes``: a new keyword (no id), a change, or a removal."""

    keyword: str | None = None
    whole_word: bool | None = None
    id: int | None = None
    destroy: bool = False


@dataclass(frozen=True)
class FilterChange:
    """A filter's fields; None leaves one as it is (``expires_in`` is set
    only when ``set_expiry``: a number of seconds, or None for never)."""

    title: str | None = None
    context: Sequence[str] | None = None
    action: str | None = None
    expires_in: int | None = None
    set_expiry: bool = False
    keywords: Sequence[KeywordChange] = ()


# --- checks ---------------------------------------------------------------------


def check_title(title: str | None) -> str:
    text = (title or "").strip()
    if not text:
        raise Invalid("title", "can't be blank", "ERR_BLANK")
    if len(text) > MAX_TITLE:
        raise Invalid("title", f"is too long (at most {MAX_TITLE} characters)", "ERR_TOO_LONG")
    return text


def check_context(context: Sequence[str], field: str = "context") -> list[str]:
    if not context:
        raise Invalid(
            field, "can't be blank: give one or more of " + ", ".join(CONTEXTS), "ERR_BLANK"
        )
    unknown = [c for c in context if c not in CONTEXTS]
    if unknown:
        raise Invalid(
            field, f"{unknown[0]!r} is not one of " + ", ".join(CONTEXTS), "ERR_INCLUSION"
        )
    return [c for c in CONTEXTS if c in context]


def check_action(action: str) -> str:
    if action not in ACTIONS:
        raise Invalid("filter_action", "must be one of " + ", ".join(ACTIONS), "ERR_INCLUSION")
    return action


def check_expires_in(seconds: int | None) -> int | None:
    if seconds is not None and not 0 < seconds <= MAX_EXPIRES_IN:
        raise Invalid("expires_in", f"must be between 1 and {MAX_EXPIRES_IN} seconds")
    return seconds


def check_keyword(keyword: str | None, field: str = "keyword") -> str:
    text = (keyword or "").strip()
    if not text:
        raise Invalid(field, "can't be blank", "ERR_BLANK")
    if len(text) > MAX_KEYWORD:
        raise Invalid(field, f"is too long (at most {MAX_KEYWORD} characters)", "ERR_TOO_LONG")
    return text


# --- filters --------------------------------------------------------------------


async def create_filter(db: Database, account_id: int, change: FilterChange) -> FilterView:
    """A new filter (``title`` and ``context`` required; ``warn`` unless said)."""
    title = check_title(change.title)
    context = check_context(change.context or ())
    action = check_action(change.action or "warn")
    seconds = check_expires_in(change.expires_in)
    for i, keyword in enumerate(change.keywords):
        if keyword.id is not None or keyword.destroy:
            raise Invalid(f"keywords_attributes[{i}][id]", "names no keyword of a new filter")
        check_keyword(keyword.keyword, f"keywords_attributes[{i}][keyword]")
    async with db.write() as session:
        row = Filter(
            account_id=account_id,
            title=title,
            context=context,
            action=action,
            expires_at=utcnow() + timedelta(seconds=seconds) if seconds else None,
        )
        session.add(row)
        await session.flush()
        for keyword in change.keywords:
            session.add(_keyword(row.id, keyword.keyword, keyword.whole_word))
        await _changed(session, account_id)
        await session.flush()
        return await own_filter(session, account_id, row.id)


async def update_filter(
    db: Database, account_id: int, filter_id: int, change: FilterChange
) -> FilterView:
    title = check_title(change.title) if change.title is not None else None
    context = check_context(change.context) if change.context is not None else None
    action = check_action(change.action) if change.action is not None else None
    seconds = check_expires_in(change.expires_in) if change.set_expiry else None
    async with db.write() as session:
        row = (await own_filter(session, account_id, filter_id)).filter
        row.title = title or row.title
        row.context = context or row.context
        row.action = action or row.action
        if change.set_expiry:
            row.expires_at = utcnow() + timedelta(seconds=seconds) if seconds else None
        row.updated_at = utcnow()
        await _change_keywords(session, row, change.keywords)
        await _changed(session, account_id)
        await session.flush()
        return await own_filter(session, account_id, row.id)


async def _change_keywords(
    session: AsyncSession, row: Filter, changes: Sequence[KeywordChange]
) -> None:
    for i, change in enumerate(changes):
        if change.id is None:
            if not change.destroy:
                session.add(
                    _keyword(
                        row.id,
                        check_keyword(change.keyword, f"keywords_attributes[{i}][keyword]"),
                        change.whole_word,
                    )
                )
            continue
        keyword = await session.get(FilterKeyword, change.id)
        if keyword is None or keyword.filter_id != row.id:
            raise Invalid(f"keywords_attributes[{i}][id]", "names no keyword of this filter")
        if change.destroy:
            await session.delete(keyword)
            continue
        if change.keyword is not None:
            keyword.keyword = check_keyword(change.keyword, f"keywords_attributes[{i}][keyword]")
        if change.whole_word is not None:
            keyword.whole_word = change.whole_word


async def delete_filter(db: Database, account_id: int, filter_id: int) -> None:
    async with db.write() as session:
        row = (await own_filter(session, account_id, filter_id)).filter
        await session.execute(delete(Filter).where(Filter.id == row.id))
        await _changed(session, account_id)


# --- keywords and posts -------------------------------------------------------------


async def add_keyword(
    db: Database, account_id: int, filter_id: int, keyword: str | None, whole_word: bool | None
) -> FilterKeyword:
    text = check_keyword(keyword)
    async with db.write() as session:
        await own_filter(session, account_id, filter_id)
        row = _keyword(filter_id, text, whole_word)
        session.add(row)
        await _changed(session, account_id)
        await session.flush()
        return row


async def update_keyword(
    db: Database, account_id: int, keyword_id: int, keyword: str | None, whole_word: bool | None
) -> FilterKeyword:
    text = check_keyword(keyword) if keyword is not None else None
    async with db.write() as session:
        row, _ = await own_keyword(session, account_id, keyword_id)
        row.keyword = text or row.keyword
        if whole_word is not None:
            row.whole_word = whole_word
        await _changed(session, account_id)
        return row


async def delete_keyword(db: Database, account_id: int, keyword_id: int) -> None:
    async with db.write() as session:
        row, _ = await own_keyword(session, account_id, keyword_id)
        await session.delete(row)
        await _changed(session, account_id)


async def add_filter_status(
    db: Database, account_id: int, filter_id: int, status_id: int
) -> FilterStatus:
    """Filter one post (which the person must be able to see)."""
    async with db.write() as session:
        await own_filter(session, account_id, filter_id)
        try:
            await visible_status(session, account_id, status_id)
        except NotFound:
            raise Invalid("status_id", "names no post you can see") from None
        exists = await session.scalar(
            select(FilterStatus.id).where(
                FilterStatus.filter_id == filter_id, FilterStatus.status_id == status_id
            )
        )
        if exists is not None:
            raise Invalid("status_id", "is already in this filter", "ERR_TAKEN")
        row = FilterStatus(filter_id=filter_id, status_id=status_id)
        session.add(row)
        await _changed(session, account_id)
        await session.flush()
        return row


async def delete_filter_status(db: Database, account_id: int, filter_status_id: int) -> None:
    async with db.write() as session:
        row, _ = await own_filter_status(session, account_id, filter_status_id)
        await session.delete(row)
        await _changed(session, account_id)


# --- the v1 API: one keyword is one filter -----------------------------------------


async def delete_v1(db: Database, account_id: int, keyword_id: int) -> None:
    """Mastodon's v1 delete: the keyword, and its filter if it was the only one."""
    async with db.write() as session:
        row, parent = await own_keyword(session, account_id, keyword_id)
        others = await session.scalar(
            select(FilterKeyword.id).where(
                FilterKeyword.filter_id == parent.id, FilterKeyword.id != row.id
            )
        )
        if others is None:
            await session.execute(delete(Filter).where(Filter.id == parent.id))
        else:
            await session.delete(row)
        await _changed(session, account_id)


async def update_v1(
    db: Database,
    account_id: int,
    keyword_id: int,
    keyword: KeywordChange,
    change: FilterChange,
) -> tuple[FilterKeyword, Filter]:
    """Mastodon's v1 update: the keyword, and its filter's context, action and
    expiry (refused when the filter has other keywords it would change too)."""
    text = check_keyword(keyword.keyword, "phrase") if keyword.keyword is not None else None
    context = check_context(change.context, "context") if change.context is not None else None
    seconds = check_expires_in(change.expires_in) if change.set_expiry else None
    async with db.write() as session:
        row, parent = await own_keyword(session, account_id, keyword_id)
        others = await session.scalar(
            select(FilterKeyword.id).where(
                FilterKeyword.filter_id == parent.id, FilterKeyword.id != row.id
            )
        )
        changes_filter = context is not None or change.action is not None or change.set_expiry
        if others is not None and changes_filter:
            raise Invalid(
                "context",
                "can't be changed here: the filter has other keywords (use /api/v2/filters)",
            )
        row.keyword = text or row.keyword
        if keyword.whole_word is not None:
            row.whole_word = keyword.whole_word
        parent.context = context or parent.context
        if change.action is not None:
            parent.action = change.action
        if change.set_expiry:
            parent.expires_at = utcnow() + timedelta(seconds=seconds) if seconds else None
        if text and others is None:
            parent.title = text
        await _changed(session, account_id)
        return row, parent


# --- the web's hidden words ---------------------------------------------------------


async def add_hidden_word(db: Database, account_id: int, word: str, whole_word: bool) -> None:
    text = check_keyword(word, "word")
    async with db.write() as session:
        row = await session.scalar(
            select(Filter).where(Filter.account_id == account_id, Filter.hidden_words.is_(True))
        )
        if row is None:
            row = Filter(
                account_id=account_id,
                title=HIDDEN_WORDS_TITLE,
                context=list(CONTEXTS),
                action="hide",
                hidden_words=True,
            )
            session.add(row)
            await session.flush()
        same = await session.scalar(
            select(FilterKeyword.id).where(
                FilterKeyword.filter_id == row.id, FilterKeyword.keyword == text
            )
        )
        if same is not None:
            raise Invalid("word", "is already hidden", "ERR_TAKEN")
        session.add(_keyword(row.id, text, whole_word))
        await _changed(session, account_id)


async def remove_hidden_word(db: Database, account_id: int, keyword_id: int) -> None:
    await delete_keyword(db, account_id, keyword_id)


async def set_offensive_words(db: Database, account_id: int, on: bool) -> None:
    """Turn the shipped offensive-word list on or off for the person."""
    async with db.write() as session:
        await _changed(session, account_id)
        await session.execute(
            update(FilterState)
            .where(FilterState.account_id == account_id)
            .values(offensive_words=on)
        )


# --- shared ---------------------------------------------------------------------


def _keyword(filter_id: int, keyword: str | None, whole_word: bool | None) -> FilterKeyword:
    # Mastodon's keywords are whole-word unless said otherwise.
    return FilterKeyword(
        filter_id=filter_id,
        keyword=(keyword or "").strip(),
        whole_word=True if whole_word is None else whole_word,
    )


async def _changed(session: AsyncSession, account_id: int) -> None:
    """Move the person's filter version (recompiled on the next read) and tell
    their streams once this commits."""
    inserted = await insert_ignore(
        session, FilterState, {"account_id": account_id, "version": 1, "offensive_words": True}
    )
    if not inserted:
        await session.execute(
            update(FilterState)
            .where(FilterState.account_id == account_id)
            .values(version=FilterState.version + 1)
        )
    emit(session, FILTERS_CHANGED, [event_keys.user(account_id)], account_id=account_id)
