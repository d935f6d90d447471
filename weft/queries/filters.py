"""A person's filters: as the API lists them, and compiled for reading.

``viewer_filters`` is asked by every read path that shows posts. It reads one
row (the person's ``filter_states`` version, by primary key) and takes the
compiled filters from the database's versioned cache (weft/db/versioned.py)
under that version: a change anywhere (any process) moves the version, so the
next read recompiles; an unchanged person costs one indexed read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.errors import NotFound
from weft.models import Filter, FilterKeyword, FilterState, FilterStatus
from weft.policies.filters import FilterRule, KeywordRule, ViewerFilters

_STATE = select(FilterState.version, FilterState.offensive_words).where(
    FilterState.account_id == bindparam("account_id")
)
CACHE_KIND = "filters"


@dataclass
class FilterView:
    """A filter with its keywords and posts (the API's Filter entity)."""

    filter: Filter
    keywords: list[FilterKeyword] = field(default_factory=list)
    statuses: list[FilterStatus] = field(default_factory=list)


async def viewer_filters(db: Database, account_id: int | None) -> ViewerFilters | None:
    """The viewer's compiled filters, or None for nobody signed in."""
    if account_id is None:
        return None
    rows = await db.rows(_STATE, {"account_id": account_id})
    version, offensive = (int(rows[0][0]), bool(rows[0][1])) if rows else (0, True)
    cache = db.versioned
    found: ViewerFilters | None = cache.get(CACHE_KIND, account_id, version)
    if found is not None:
        return found
    async with db.read() as session:
        views = await list_filters(session, account_id) if version else []
    rules = [rule_of(v) for v in views]
    compiled = ViewerFilters.build(account_id, rules, offensive=offensive)
    cache.put(CACHE_KIND, account_id, version, compiled)
    return compiled


def rule_of(view: FilterView) -> FilterRule:
    row = view.filter
    return FilterRule(
        id=row.id,
        title=row.title,
        context=tuple(row.context),
        action=row.action,
        expires_at=row.expires_at,
        keywords=tuple(KeywordRule(k.id, k.keyword, k.whole_word) for k in view.keywords),
        status_ids=frozenset(s.status_id for s in view.statuses),
    )


async def list_filters(session: AsyncSession, account_id: int) -> list[FilterView]:
    """The person's filters, oldest first, each with its keywords and posts."""
    filters = list(
        await session.scalars(
            select(Filter).where(Filter.account_id == account_id).order_by(Filter.id)
        )
    )
    return await _with_parts(session, filters)


async def _with_parts(session: AsyncSession, filters: list[Filter]) -> list[FilterView]:
    ids = [f.id for f in filters]
    keywords: dict[int, list[FilterKeyword]] = defaultdict(list)
    statuses: dict[int, list[FilterStatus]] = defaultdict(list)
    if ids:
        for keyword in await session.scalars(
            select(FilterKeyword).where(FilterKeyword.filter_id.in_(ids)).order_by(FilterKeyword.id)
        ):
            keywords[keyword.filter_id].append(keyword)
        for status in await session.scalars(
            select(FilterStatus).where(FilterStatus.filter_id.in_(ids)).order_by(FilterStatus.id)
        ):
            statuses[status.filter_id].append(status)
    return [FilterView(f, keywords[f.id], statuses[f.id]) for f in filters]


async def own_filter(session: AsyncSession, account_id: int, filter_id: int) -> FilterView:
    """One of the person's filters; another's is not found."""
    row = await session.get(Filter, filter_id)
    if row is None or row.account_id != account_id:
        raise NotFound("Record not found")
    return (await _with_parts(session, [row]))[0]


async def own_keyword(
    session: AsyncSession, account_id: int, keyword_id: int
) -> tuple[FilterKeyword, Filter]:
    keyword = await session.get(FilterKeyword, keyword_id)
    parent = await session.get(Filter, keyword.filter_id) if keyword is not None else None
    if keyword is None or parent is None or parent.account_id != account_id:
        raise NotFound("Record not found")
    return keyword, parent


async def own_filter_status(
    session: AsyncSession, account_id: int, filter_status_id: int
) -> tuple[FilterStatus, Filter]:
    status = await session.get(FilterStatus, filter_status_id)
    parent = await session.get(Filter, status.filter_id) if status is not None else None
    if status is None or parent is None or parent.account_id != account_id:
        raise NotFound("Record not found")
    return status, parent


async def all_keywords(
    session: AsyncSession, account_id: int
) -> list[tuple[FilterKeyword, Filter]]:
    """Every keyword of the person's filters (the v1 API's filters), oldest first."""
    rows = await session.execute(
        select(FilterKeyword, Filter)
        .join(Filter, Filter.id == FilterKeyword.filter_id)
        .where(Filter.account_id == account_id)
        .order_by(FilterKeyword.id)
    )
    return [(row[0], row[1]) for row in rows]


async def hidden_words(db: Database, account_id: int) -> tuple[list[FilterKeyword], bool]:
    """The person's hidden words (the web's), and whether the offensive list is on."""
    async with db.read() as session:
        row = await session.scalar(
            select(Filter).where(Filter.account_id == account_id, Filter.hidden_words.is_(True))
        )
        words = (
            list(
                await session.scalars(
                    select(FilterKeyword)
                    .where(FilterKeyword.filter_id == row.id)
                    .order_by(FilterKeyword.id)
                )
            )
            if row is not None
            else []
        )
        state = await session.get(FilterState, account_id)
    return words, state.offensive_words if state is not None else True
