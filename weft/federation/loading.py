"""What the federation documents are made of: local actors and their posts.

The rules live here and in the policies, never in the serializers: who is
served at all (the fediverse switch, suspension), and which posts a fetcher
may see (``can_view`` with no viewer, or with the remote actor who signed a
GET as the viewer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.outbox import INSTANCE_ACTOR_TYPE
from weft.config import Settings
from weft.db.database import Database
from weft.db.paging import Page
from weft.db.upsert import insert_ignore
from weft.errors import Gone, NotFound
from weft.federation.keys import ensure_key, new_key_pair
from weft.models import Account, Status
from weft.models.base import utcnow
from weft.queries.graph import followers as graph_followers
from weft.queries.graph import following as graph_following
from weft.queries.status_bundle import StatusBundle, load_bundle
from weft.queries.statuses import visible_status
from weft.queries.timelines import AccountFilter, account_statuses


@dataclass
class NoteSources:
    """A bundle of posts plus the URIs of the posts they reply to."""

    bundle: StatusBundle
    parent_uris: dict[int, str] = field(default_factory=dict)


async def _local_account(db: Database, username: str) -> Account | None:
    query = select(Account).where(
        func.lower(Account.username) == username.lower(), Account.domain.is_(None)
    )
    async with db.read() as session:
        return await session.scalar(query)


async def federated_person(db: Database, username: str) -> Account:
    """A local person served to the fediverse: 404 if unknown or their switch is
    off, 410 once suspended."""
    if not username or "\x00" in username:
        raise NotFound()
    account = await _local_account(db, username)
    if account is None or account.actor_type != "Person" or not account.federated:
        raise NotFound()
    if account.suspended_at is not None:
        raise Gone("Account is suspended")
    return account


async def person_with_key(db: Database, username: str) -> Account:
    return await ensure_key(db, await federated_person(db, username))


async def instance_actor(db: Database, settings: Settings) -> Account:
    """The server's own actor (``/actor``), made with its key on first use.

    Its username is the domain: people's usernames are ``[a-z0-9_]``, so no
    one can take it. Concurrent first uses insert once (unique username).
    """
    username = settings.domain.lower()
    account = await _local_account(db, username)
    if account is not None:
        return await ensure_key(db, account)
    private_pem, public_pem = await new_key_pair()
    async with db.write() as session:
        await insert_ignore(
            session, Account, _instance_actor_row(settings, username, private_pem, public_pem)
        )
    account = await _local_account(db, username)
    if account is None:
        raise NotFound()
    return account


def _instance_actor_row(
    settings: Settings, username: str, private_pem: str, public_pem: str
) -> dict[str, object]:
    from weft.db.ids import new_id

    return {
        "id": new_id(),
        "username": username,
        "actor_type": INSTANCE_ACTOR_TYPE,
        "uri": f"{settings.base_url}/actor",
        "url": f"{settings.base_url}/about/more?instance_actor=true",
        "locked": True,
        "discoverable": False,
        "indexable": False,
        "hide_collections": True,
        "private_key_pem": private_pem,
        "public_key_pem": public_pem,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }


async def visible_post(
    db: Database, account: Account, status_id: int, viewer_id: int | None, *, reposts: bool = False
) -> NoteSources:
    """One of ``account``'s posts as ``viewer_id`` (``None``: anyone; else the
    remote actor who signed the fetch) may see it, or 404. A repost only when
    ``reposts``, and only if the viewer may see its original too."""
    async with db.read() as session:
        status = await visible_status(session, viewer_id, status_id)
        if status.account_id != account.id:
            raise NotFound()
        if status.reblog_of_id is not None:
            if not reposts:
                raise NotFound()
            await visible_status(session, viewer_id, status.reblog_of_id)
        return await note_sources(session, [status])


async def accepted_quote(
    db: Database, account: Account, quoted_id: int, quote_id: int
) -> tuple[Status, Status]:
    """``(quoted, quote)``: an accepted quote of one of ``account``'s posts that
    anyone may see, for its ``QuoteAuthorization``; 404 once revoked, or when
    either post is gone."""
    async with db.read() as session:
        quoted = await visible_status(session, None, quoted_id)
        quote = await session.get(Status, quote_id)
    if quoted.account_id != account.id or quote is None or quote.uri is None:
        raise NotFound()
    if quote.quote_of_id != quoted.id or quote.quote_state != "accepted":
        raise NotFound()
    return quoted, quote


async def note_sources(session: AsyncSession, statuses: Iterable[Status]) -> NoteSources:
    """Bundle ``statuses`` as an anonymous fetcher sees them, with their parents' URIs."""
    bundle = await load_bundle(session, None, statuses)
    return NoteSources(bundle, await parent_uris(session, bundle.statuses.values()))


async def parent_uris(session: AsyncSession, statuses: Iterable[Status]) -> dict[int, str]:
    """The URIs of the posts ``statuses`` reply to, in one query."""
    ids = {s.in_reply_to_id for s in statuses if s.in_reply_to_id}
    if not ids:
        return {}
    rows = await session.execute(
        select(Status.id, Status.uri).where(Status.id.in_(ids), Status.uri.is_not(None))
    )
    return {status_id: uri for status_id, uri in rows if uri}


@dataclass
class OutboxPage:
    items: list[Status]  # newest first; reposts carry their original in the bundle
    sources: NoteSources
    next_max_id: int | None  # None on the last page


async def outbox_page(db: Database, account: Account, max_id: int | None, limit: int) -> OutboxPage:
    """Public and unlisted posts and reposts, as anyone may see them."""
    page = await account_statuses(
        db, None, account.id, AccountFilter(), Page(max_id=max_id, limit=limit)
    )
    async with db.read() as session:
        parents = await parent_uris(session, page.bundle.statuses.values())
    next_max_id = page.cursors[-1] if len(page.cursors) >= limit else None
    return OutboxPage(page.statuses, NoteSources(page.bundle, parents), next_max_id)


async def featured(db: Database, account: Account, limit: int) -> OutboxPage:
    """Pinned posts that anyone may see."""
    wanted = AccountFilter(pinned=True, exclude_reblogs=True)
    page = await account_statuses(db, None, account.id, wanted, Page(limit=limit))
    async with db.read() as session:
        parents = await parent_uris(session, page.bundle.statuses.values())
    return OutboxPage(page.statuses, NoteSources(page.bundle, parents), None)


async def graph_page(
    db: Database, account: Account, which: str, max_id: int | None, limit: int
) -> tuple[list[Account], int | None]:
    """Followers or following (empty when hidden), and the next page's ``max_id``."""
    lister = graph_followers if which == "followers" else graph_following
    listed = await lister(db, None, account.id, Page(max_id=max_id, limit=limit))
    next_max_id = listed[-1].cursor if len(listed) >= limit else None
    return [entry.account for entry in listed], next_max_id
