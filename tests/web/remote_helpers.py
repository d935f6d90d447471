"""Accounts and posts from other servers, stored as the inbox would store them,
and link cards as the card job would leave them, for the web pages' tests."""

from __future__ import annotations

from sqlalchemy import select

from weft.actions import graph
from weft.db.database import Database
from weft.db.ids import new_id
from weft.models import Account, PreviewCard, Status, StatusCard
from weft.models.base import utcnow


async def remote_account(db: Database, username: str, domain: str) -> Account:
    account = Account(
        id=new_id(),
        username=username,
        domain=domain,
        display_name=f"{username.title()} Far",
        uri=f"https://{domain}/users/{username}",
        url=f"https://{domain}/@{username}",
        inbox_url=f"https://{domain}/users/{username}/inbox",
    )
    async with db.write() as session:
        session.add(account)
    return account


async def follow_remote(db: Database, follower_id: int, account: Account) -> None:
    """Follow a remote account and take its Accept, as the inbox would."""
    await graph.follow_account(db, follower_id, account.id)
    await graph.authorize_follow_request(db, account.id, follower_id)


async def remote_post(db: Database, author: Account, text: str) -> int:
    status_id = new_id()
    async with db.write() as session:
        session.add(
            Status(
                id=status_id,
                account_id=author.id,
                uri=f"{author.uri}/statuses/{status_id}",
                url=f"{author.url}/{status_id}",
                text=text,
                content=f"<p>{text}</p>",
                visibility="public",
                conversation_id=status_id,
            )
        )
    return status_id


async def attach_card(db: Database, status_id: int, url: str, **fields: object) -> None:
    """A ready card for ``url`` (``fields`` are PreviewCard columns), shown on the
    post; a row the card job already made for the URL is filled in instead."""
    async with db.write() as session:
        card = await session.scalar(select(PreviewCard).where(PreviewCard.url == url))
        if card is None:
            card = PreviewCard(id=new_id(), url=url)
            session.add(card)
        for name, value in {"state": "ready", "fetched_at": utcnow(), **fields}.items():
            setattr(card, name, value)
        await session.flush()
        linked = await session.get(StatusCard, status_id)
        if linked is None:
            session.add(StatusCard(status_id=status_id, card_id=card.id))
        else:
            linked.card_id = card.id
