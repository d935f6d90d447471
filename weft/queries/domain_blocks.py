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


def covering_domains(domain: str) -> set[str]:
    """The domains whose block covers ``domain``: the domain as handles write it,
    port included (``social.example.com:3000``), its host without the port, and
    every domain above either (``example.com:3000``, ``example.com``, ``com``).
    The one rule for matching blocks, whether asked in SQL or in memory."""
    written = domain.lower()
    host = written.partition(":")[0]
    return {*_suffixes(written), *_suffixes(host)}


def _suffixes(domain: str) -> set[str]:
    labels = domain.split(".")
    return {".".join(labels[i:]) for i in range(len(labels))}


@dataclass(frozen=True)
class DomainMatcher:
    """A set of blocked domains, matched with their subdomains."""

    domains: frozenset[str]

    def matches(self, domain: str) -> bool:
        """Whether a block on one of them covers ``domain`` (see ``covering_domains``)."""
        return not self.domains.isdisjoint(covering_domains(domain))

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


async def reports_refused(db: Database, domain: str) -> bool:
    """Whether a block covering ``domain`` says to ignore its reports (``Flag``)."""
    async with db.read() as session:
        found = await session.scalar(
            select(DomainBlock.id).where(
                DomainBlock.domain.in_(covering_domains(domain)),
                DomainBlock.reject_reports.is_(True),
            )
        )
    return found is not None


async def block_severity(db: Database, domain: str) -> str | None:
    """The severity of the strongest block covering ``domain``, or None."""
    async with db.read() as session:
        rows = await session.scalars(
            select(DomainBlock.severity).where(DomainBlock.domain.in_(covering_domains(domain)))
        )
        found = set(rows)
    if "suspend" in found:
        return "suspend"
    return "limit" if "limit" in found else None


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
