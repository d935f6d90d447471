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
from weft.errors import NotFound
from weft.models.federation import DomainBlock


@dataclass(frozen=True)
class DomainMatcher:
    """A set of blocked domains, matched with their subdomains."""

    domains: frozenset[str]

    def matches(self, domain: str) -> bool:
        """Whether ``domain`` (a host, possibly with a port) is one of them or below one."""
        host = domain.lower().rsplit(":", 1)[0] if domain.count(":") == 1 else domain.lower()
        parts = host.split(".")
        candidates = {".".join(parts[i:]) for i in range(len(parts))} | {domain.lower()}
        return not self.domains.isdisjoint(candidates)

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


async def list_domain_blocks(
    db: Database, *, max_id: int | None = None, since_id: int | None = None, limit: int = 100
) -> list[DomainBlock]:
    """Domain blocks, newest first, paged by id."""
    query = select(DomainBlock).order_by(DomainBlock.id.desc()).limit(limit)
    if max_id is not None:
        query = query.where(DomainBlock.id < max_id)
    if since_id is not None:
        query = query.where(DomainBlock.id > since_id)
    async with db.read() as session:
        return list(await session.scalars(query))


async def get_domain_block(db: Database, block_id: int) -> DomainBlock:
    async with db.read() as session:
        block = await session.get(DomainBlock, block_id)
    if block is None:
        raise NotFound()
    return block
