"""Server-wide domain blocks, read: the list, and whether a domain falls under one.

A block on ``example.com`` covers ``example.com`` and every subdomain
(``social.example.com``), as Mastodon's does. Severity ``suspend`` stops
everything to and from the server; ``limit`` keeps its posts out of public
and hashtag timelines for people who do not follow its accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.paging import Page, apply, newest_first
from weft.errors import NotFound
from weft.models.federation import DomainBlock


@dataclass(frozen=True)
class DomainMatcher:
    """A set of blocked domains, matched with their subdomains."""

    domains: frozenset[str]

    def matches(self, domain: str) -> bool:
        """Whether ``domain`` is one of them or a subdomain of one. A domain is
        compared as handles write it, port included (``127.0.0.1:3000``)."""
        parts = domain.lower().split(".")
        return not self.domains.isdisjoint(".".join(parts[i:]) for i in range(len(parts)))

    def blocked_among(self, domains: set[str]) -> set[str]:
        return {d for d in domains if self.matches(d)}


async def blocked_domains(session: AsyncSession, severities: tuple[str, ...]) -> DomainMatcher:
    """The domains blocked with one of ``severities``."""
    rows = await session.scalars(
        select(DomainBlock.domain).where(DomainBlock.severity.in_(severities))
    )
    return DomainMatcher(frozenset(d.lower() for d in rows))


async def suspended_domains(session: AsyncSession) -> DomainMatcher:
    return await blocked_domains(session, ("suspend",))


async def media_refused_domains(session: AsyncSession) -> DomainMatcher:
    """The domains whose media is never fetched: blocked with ``reject_media``, or suspended."""
    rows = await session.scalars(
        select(DomainBlock.domain).where(
            DomainBlock.reject_media.is_(True) | (DomainBlock.severity == "suspend")
        )
    )
    return DomainMatcher(frozenset(d.lower() for d in rows))


async def list_domain_blocks(db: Database, page: Page) -> list[DomainBlock]:
    """Domain blocks, newest first, one page (``max_id``/``since_id``/``min_id``)."""
    query = apply(select(DomainBlock.id), DomainBlock.id, page)
    async with db.read() as session:
        ids = newest_first(list(await session.scalars(query)), page)
        rows = {
            b.id: b
            for b in await session.scalars(select(DomainBlock).where(DomainBlock.id.in_(ids)))
        }
    return [rows[i] for i in ids if i in rows]


async def get_domain_block(db: Database, block_id: int) -> DomainBlock:
    async with db.read() as session:
        block = await session.get(DomainBlock, block_id)
    if block is None:
        raise NotFound()
    return block
