"""Follow, Accept, Reject, Block and Undo: the social graph from other servers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from weft.actions import graph, interactions
from weft.federation import jsonld
from weft.federation.inbox.context import Inbound
from weft.models import Block, Favourite, Follow, FollowRequest, Status


async def on_follow(inbound: Inbound) -> str:
    """A remote person follows one of ours (a request if the profile is locked)."""
    target = await inbound.local_account(inbound.object_id)
    if target is None:
        return "ignored: the followed account is not ours"
    await graph.follow_account(inbound.db, inbound.actor.id, target.id, uri=inbound.id)
    return f"followed {target.username}"


async def _our_request(inbound: Inbound) -> FollowRequest | Follow | None:
    """Our Follow that an Accept or Reject answers: by its id, or by who follows whom."""
    follow_id = inbound.object_id
    follower = await inbound.local_account(jsonld.first_id((inbound.embedded or {}).get("actor")))
    async with inbound.db.read() as session:
        for model in (FollowRequest, Follow):
            by_id = (model.uri == follow_id) if follow_id else None
            by_pair = (model.account_id == follower.id) if follower else None
            for condition in (by_id, by_pair):
                if condition is None:
                    continue
                row: FollowRequest | Follow | None = await session.scalar(
                    select(model).where(condition, model.target_account_id == inbound.actor.id)
                )
                if row is not None:
                    return row
    return None


async def on_accept(inbound: Inbound) -> str:
    """The remote account accepted our follow request: it becomes a follow."""
    found = await _our_request(inbound)
    if found is None:
        return "ignored: no follow of ours to accept"
    if isinstance(found, Follow):
        return "ignored: already following"
    await graph.authorize_follow_request(inbound.db, inbound.actor.id, found.account_id)
    return "follow accepted"


async def on_reject(inbound: Inbound) -> str:
    """The remote account refused our request, or removed us from its followers."""
    found = await _our_request(inbound)
    if found is None:
        return "ignored: no follow of ours to reject"
    if isinstance(found, FollowRequest):
        await graph.reject_follow_request(inbound.db, inbound.actor.id, found.account_id)
    else:
        await graph.remove_from_followers(inbound.db, inbound.actor.id, found.account_id)
    return "follow rejected"


async def on_block(inbound: Inbound) -> str:
    target = await inbound.local_account(inbound.object_id)
    if target is None:
        return "ignored: the blocked account is not ours"
    await graph.block_account(inbound.db, inbound.actor.id, target.id, uri=inbound.id)
    return f"blocked {target.username}"


async def on_undo(inbound: Inbound) -> str:
    """Undo of a Follow, Like, Announce or Block, named by id or embedded."""
    undone = inbound.embedded or {}
    kinds = jsonld.types(undone) or await _kind_of(inbound, inbound.object_id)
    inner = jsonld.first_id(undone.get("object"))
    if undone and jsonld.first_id(undone.get("actor")) not in (None, inbound.actor.uri):
        return "ignored: an undo of someone else's activity"
    if "Follow" in kinds:
        return await _undo_follow(inbound, inner)
    if "Block" in kinds:
        return await _undo_block(inbound, inner)
    if "Like" in kinds:
        return await _undo_like(inbound, inner)
    if "Announce" in kinds:
        return await _undo_announce(inbound, inner)
    return "ignored: nothing to undo"


async def _kind_of(inbound: Inbound, uri: str | None) -> set[str]:
    """What an undone activity named only by its id was, from the row it made."""
    if uri is None:
        return set()
    models: dict[str, Any] = {
        "Follow": Follow,
        "Block": Block,
        "Like": Favourite,
        "Announce": Status,
    }
    async with inbound.db.read() as session:
        for kind, model in (*models.items(), ("Follow", FollowRequest)):
            found = await session.scalar(
                select(model.id).where(model.uri == uri, model.account_id == inbound.actor.id)
            )
            if found is not None:
                return {kind}
    return set()


async def _target_of(inbound: Inbound, model: Any, inner: str | None) -> int | None:
    """The local target of the actor's follow/request/block, by its uri or its object."""
    async with inbound.db.read() as session:
        found = await session.scalar(
            select(model.target_account_id).where(
                model.uri == inbound.object_id, model.account_id == inbound.actor.id
            )
        )
    if found is not None:
        return int(found)
    target = await inbound.local_account(inner)
    return target.id if target else None


async def _undo_follow(inbound: Inbound, inner: str | None) -> str:
    target = await _target_of(inbound, Follow, inner) or await _target_of(
        inbound, FollowRequest, inner
    )
    if target is None:
        return "ignored: no such follow"
    await graph.unfollow_account(inbound.db, inbound.actor.id, target)
    return "unfollowed"


async def _undo_block(inbound: Inbound, inner: str | None) -> str:
    target = await _target_of(inbound, Block, inner)
    if target is None:
        return "ignored: no such block"
    await graph.unblock_account(inbound.db, inbound.actor.id, target)
    return "unblocked"


async def _undo_like(inbound: Inbound, inner: str | None) -> str:
    async with inbound.db.read() as session:
        status_id = await session.scalar(
            select(Favourite.status_id).where(
                Favourite.uri == inbound.object_id, Favourite.account_id == inbound.actor.id
            )
        )
    if status_id is None:
        status = await inbound.status_by_uri(inner)
        status_id = status.id if status else None
    if status_id is None:
        return "ignored: no such like"
    await interactions.unfavourite(inbound.db, inbound.actor.id, status_id)
    return "unliked"


async def _undo_announce(inbound: Inbound, inner: str | None) -> str:
    async with inbound.db.read() as session:
        original = await session.scalar(
            select(Status.reblog_of_id).where(
                Status.uri == inbound.object_id, Status.account_id == inbound.actor.id
            )
        )
    if original is None:
        status = await inbound.status_by_uri(inner)
        original = status.id if status else None
    if original is None:
        return "ignored: no such repost"
    await interactions.unreblog(inbound.db, inbound.actor.id, original)
    return "unreposted"
